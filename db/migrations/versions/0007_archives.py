"""Archives (DA/T 22-2015): archive items and their files, boxes, number gaps, fixity checks,
destruction rounds and their decisions.

Revision ID: 0007_archives
Revises: 0006_families
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_archives"
down_revision = "0006_families"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("archive_boxes",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("category", sa.String(length=2), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("retention", sa.String(length=3), nullable=False),
    sa.Column("org", sa.String(length=10), nullable=False),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("spine_mm", sa.Integer(), nullable=False),
    sa.Column("notes", sa.Text(), nullable=False),
    sa.Column("arranged_by", sa.String(length=50), nullable=False),
    sa.Column("arranged_on", sa.Date(), nullable=True),
    sa.Column("checked_by", sa.String(length=50), nullable=False),
    sa.Column("checked_on", sa.Date(), nullable=True),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("number >= 1", name=op.f("ck_archive_boxes_number_positive")),
    sa.CheckConstraint("spine_mm IN (20, 30, 40, 50)", name=op.f("ck_archive_boxes_spine_width")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_boxes")),
    sa.UniqueConstraint("category", "year", "retention", "org", "number", name="uq_archive_boxes_number")
    )
    with op.batch_alter_table("archive_boxes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_boxes_year"), ["year"], unique=False)

    op.create_table("archive_gaps",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("category", sa.String(length=2), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("retention", sa.String(length=3), nullable=False),
    sa.Column("org", sa.String(length=10), nullable=False),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=40), nullable=False),
    sa.Column("title", sa.String(length=300), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_gaps")),
    sa.UniqueConstraint("category", "year", "retention", "org", "number", name="uq_archive_gaps_number")
    )
    op.create_table("destruction_rounds",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("due_year", sa.Integer(), nullable=False),
    sa.Column("members", sa.Text(), nullable=False),
    sa.Column("residents", sa.Text(), nullable=False),
    sa.Column("decided_on", sa.Date(), nullable=True),
    sa.Column("remarks", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_destruction_rounds"))
    )
    op.create_table("fixity_checks",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("checked_at", sa.DateTime(), nullable=False),
    sa.Column("scope", sa.String(length=100), nullable=False),
    sa.Column("files", sa.Integer(), nullable=False),
    sa.Column("problems", sa.Integer(), nullable=False),
    sa.Column("details", sa.Text(), nullable=False),
    sa.Column("operator", sa.String(length=50), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_fixity_checks"))
    )
    with op.batch_alter_table("fixity_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fixity_checks_checked_at"), ["checked_at"], unique=False)

    op.create_table("archive_items",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("fonds", sa.String(length=4), nullable=False),
    sa.Column("category", sa.String(length=2), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("retention", sa.String(length=3), nullable=False),
    sa.Column("retention_by_user", sa.Boolean(), nullable=False),
    sa.Column("org", sa.String(length=10), nullable=False),
    sa.Column("number", sa.Integer(), nullable=True),
    sa.Column("sort_order", sa.Integer(), nullable=False),
    sa.Column("doc_number", sa.String(length=60), nullable=False),
    sa.Column("author", sa.String(length=100), nullable=False),
    sa.Column("title", sa.String(length=300), nullable=False),
    sa.Column("title_made_up", sa.Boolean(), nullable=False),
    sa.Column("day", sa.Date(), nullable=True),
    sa.Column("secrecy", sa.String(length=10), nullable=False),
    sa.Column("pages", sa.Integer(), nullable=False),
    sa.Column("remarks", sa.Text(), nullable=False),
    sa.Column("box_id", sa.Integer(), nullable=True),
    sa.Column("activity_id", sa.Integer(), nullable=True),
    sa.Column("campaign_id", sa.Integer(), nullable=True),
    sa.Column("corrects_id", sa.Integer(), nullable=True),
    sa.Column("keep_until", sa.Integer(), nullable=True),
    sa.Column("destroyed_on", sa.Date(), nullable=True),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("number IS NULL OR (number >= 1 AND number <= 9999)", name=op.f("ck_archive_items_number_range")),
    sa.CheckConstraint("pages >= 0", name=op.f("ck_archive_items_pages_nonnegative")),
    sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], name=op.f("fk_archive_items_activity_id_activities"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["box_id"], ["archive_boxes.id"], name=op.f("fk_archive_items_box_id_archive_boxes"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_archive_items_campaign_id_campaigns"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["corrects_id"], ["archive_items.id"], name=op.f("fk_archive_items_corrects_id_archive_items"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_items")),
    sa.UniqueConstraint("activity_id", "category", name="uq_archive_items_activity"),
    sa.UniqueConstraint("campaign_id", "category", name="uq_archive_items_campaign"),
    sa.UniqueConstraint("category", "year", "retention", "org", "number", name="uq_archive_items_number")
    )
    with op.batch_alter_table("archive_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_items_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_archive_items_box_id"), ["box_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_archive_items_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_archive_items_corrects_id"), ["corrects_id"], unique=False)
        batch_op.create_index("ix_archive_items_group", ["category", "year", "retention", "org", "sort_order"], unique=False)
        batch_op.create_index(batch_op.f("ix_archive_items_year"), ["year"], unique=False)

    op.create_table("archive_files",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("item_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=16), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("suffix", sa.String(length=16), nullable=False),
    sa.Column("original_name", sa.String(length=255), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("sort_order", sa.Integer(), nullable=False),
    sa.Column("caption_title", sa.String(length=200), nullable=False),
    sa.Column("caption_time", sa.DateTime(), nullable=True),
    sa.Column("caption_place", sa.String(length=200), nullable=False),
    sa.Column("caption_people", sa.Text(), nullable=False),
    sa.Column("caption_background", sa.Text(), nullable=False),
    sa.Column("caption_photographer", sa.String(length=100), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["item_id"], ["archive_items.id"], name=op.f("fk_archive_files_item_id_archive_items"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_files"))
    )
    with op.batch_alter_table("archive_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_files_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_archive_files_sha256"), ["sha256"], unique=False)

    op.create_table("destruction_decisions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("round_id", sa.Integer(), nullable=False),
    sa.Column("item_id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=40), nullable=False),
    sa.Column("title", sa.String(length=300), nullable=False),
    sa.Column("decision", sa.String(length=10), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("keep_until", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["item_id"], ["archive_items.id"], name=op.f("fk_destruction_decisions_item_id_archive_items"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["round_id"], ["destruction_rounds.id"], name=op.f("fk_destruction_decisions_round_id_destruction_rounds"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_destruction_decisions")),
    sa.UniqueConstraint("round_id", "item_id", name="uq_destruction_decisions_item")
    )
    with op.batch_alter_table("destruction_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_destruction_decisions_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_destruction_decisions_round_id"), ["round_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("destruction_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_destruction_decisions_round_id"))
        batch_op.drop_index(batch_op.f("ix_destruction_decisions_item_id"))

    op.drop_table("destruction_decisions")
    with op.batch_alter_table("archive_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_archive_files_item_id"))

    op.drop_table("archive_files")
    with op.batch_alter_table("archive_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_items_year"))
        batch_op.drop_index("ix_archive_items_group")
        batch_op.drop_index(batch_op.f("ix_archive_items_corrects_id"))
        batch_op.drop_index(batch_op.f("ix_archive_items_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_archive_items_box_id"))
        batch_op.drop_index(batch_op.f("ix_archive_items_activity_id"))

    op.drop_table("archive_items")
    with op.batch_alter_table("fixity_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fixity_checks_checked_at"))

    op.drop_table("fixity_checks")
    op.drop_table("destruction_rounds")
    op.drop_table("archive_gaps")
    with op.batch_alter_table("archive_boxes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_boxes_year"))

    op.drop_table("archive_boxes")
