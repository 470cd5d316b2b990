"""Inspection readiness: the self-assessment checklist, hand-made assessments and the
rectification ledger (整改台账).

Revision ID: 0008_inspection
Revises: 0007_archives
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_inspection"
down_revision = "0007_archives"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("checklist_items",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=20), nullable=False),
    sa.Column("project", sa.String(length=100), nullable=False),
    sa.Column("indicator", sa.String(length=100), nullable=False),
    sa.Column("content", sa.Text(), nullable=False),
    sa.Column("points", sa.Float(), nullable=False),
    sa.Column("method", sa.String(length=10), nullable=False),
    sa.Column("rule", sa.Text(), nullable=False),
    sa.Column("thresholds", sa.String(length=20), nullable=False),
    sa.Column("sort_order", sa.Integer(), nullable=False),
    sa.Column("retired", sa.Boolean(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("points > 0", name=op.f("ck_checklist_items_points_positive")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_items")),
    sa.UniqueConstraint("code", name=op.f("uq_checklist_items_code"))
    )
    op.create_table("manual_assessments",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("item_id", sa.Integer(), nullable=False),
    sa.Column("period_from", sa.Date(), nullable=False),
    sa.Column("period_to", sa.Date(), nullable=False),
    sa.Column("grade", sa.String(length=2), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("evidence", sa.Text(), nullable=False),
    sa.Column("assessed_by", sa.String(length=50), nullable=False),
    sa.Column("assessed_on", sa.Date(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("period_to >= period_from", name=op.f("ck_manual_assessments_period_order")),
    sa.ForeignKeyConstraint(["item_id"], ["checklist_items.id"], name=op.f("fk_manual_assessments_item_id_checklist_items"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_assessments"))
    )
    with op.batch_alter_table("manual_assessments", schema=None) as batch_op:
        batch_op.create_index("ix_manual_assessments_item_period", ["item_id", "period_from", "period_to"], unique=False)

    op.create_table("rectifications",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("problem", sa.Text(), nullable=False),
    sa.Column("source", sa.String(length=16), nullable=False),
    sa.Column("found_on", sa.Date(), nullable=False),
    sa.Column("item_id", sa.Integer(), nullable=True),
    sa.Column("deduction", sa.Float(), nullable=False),
    sa.Column("responsible", sa.String(length=50), nullable=False),
    sa.Column("deadline", sa.Date(), nullable=True),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("verified_by", sa.String(length=50), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=True),
    sa.Column("remarks", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("deduction >= 0", name=op.f("ck_rectifications_deduction_nonnegative")),
    sa.ForeignKeyConstraint(["item_id"], ["checklist_items.id"], name=op.f("fk_rectifications_item_id_checklist_items"), ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_rectifications"))
    )
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectifications_item_id"), ["item_id"], unique=False)
        batch_op.create_index("ix_rectifications_status_deadline", ["status", "deadline"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.drop_index("ix_rectifications_status_deadline")
        batch_op.drop_index(batch_op.f("ix_rectifications_item_id"))

    op.drop_table("rectifications")
    with op.batch_alter_table("manual_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_manual_assessments_item_period")

    op.drop_table("manual_assessments")
    op.drop_table("checklist_items")
