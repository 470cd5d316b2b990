"""Covering indexes for service hours: a year's total and every volunteer's total are read from
the index alone (5,000 volunteers, 200,000 records).

Revision ID: 0005_service_indexes
Revises: 0004_activity_chars
Create Date: 2026-11-28
"""

from alembic import op

revision = "0005_service_indexes"
down_revision = "0004_activity_chars"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_service_records_volunteer_minutes", "service_records", ["volunteer_id", "minutes"])
    op.create_index("ix_service_records_date_cover", "service_records", ["service_date", "source", "minutes"])


def downgrade() -> None:
    op.drop_index("ix_service_records_date_cover", "service_records")
    op.drop_index("ix_service_records_volunteer_minutes", "service_records")
