"""The annual plan (plans, phases, sections, tasks, links from tasks to records) and the before /
after photos of rectifications.

Revision ID: 0009_plans
Revises: 0008_inspection
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_plans"
down_revision = "0008_inspection"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("plans",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("preamble", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    sa.UniqueConstraint("year", name=op.f("uq_plans_year"))
    )
    op.create_table("plan_phases",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("plan_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=50), nullable=False),
    sa.Column("date_from", sa.Date(), nullable=False),
    sa.Column("date_to", sa.Date(), nullable=False),
    sa.Column("sort_order", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("date_to >= date_from", name=op.f("ck_plan_phases_phase_order")),
    sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_phases_plan_id_plans"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_phases"))
    )
    with op.batch_alter_table("plan_phases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_phases_plan_id"), ["plan_id"], unique=False)

    op.create_table("plan_sections",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("plan_id", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("intro", sa.Text(), nullable=False),
    sa.Column("sort_order", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_sections_plan_id_plans"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_sections"))
    )
    with op.batch_alter_table("plan_sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_sections_plan_id"), ["plan_id"], unique=False)

    op.create_table("plan_tasks",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("section_id", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("standard", sa.Text(), nullable=False),
    sa.Column("lead", sa.String(length=50), nullable=False),
    sa.Column("owner", sa.String(length=50), nullable=False),
    sa.Column("due", sa.Date(), nullable=True),
    sa.Column("phase_id", sa.Integer(), nullable=True),
    sa.Column("target", sa.Text(), nullable=False),
    sa.Column("target_text", sa.String(length=200), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("remarks", sa.Text(), nullable=False),
    sa.Column("sort_order", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["phase_id"], ["plan_phases.id"], name=op.f("fk_plan_tasks_phase_id_plan_phases"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["section_id"], ["plan_sections.id"], name=op.f("fk_plan_tasks_section_id_plan_sections"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_tasks"))
    )
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_tasks_phase_id"), ["phase_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_tasks_section_id"), ["section_id"], unique=False)

    op.create_table("rectification_photos",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("rectification_id", sa.Integer(), nullable=False),
    sa.Column("stage", sa.String(length=8), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("suffix", sa.String(length=16), nullable=False),
    sa.Column("original_name", sa.String(length=255), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("sort_order", sa.Integer(), nullable=False),
    sa.Column("caption", sa.String(length=200), nullable=False),
    sa.Column("taken_at", sa.DateTime(), nullable=True),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("stage IN ('before', 'after')", name=op.f("ck_rectification_photos_stage_known")),
    sa.ForeignKeyConstraint(["rectification_id"], ["rectifications.id"], name=op.f("fk_rectification_photos_rectification_id_rectifications"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_photos"))
    )
    with op.batch_alter_table("rectification_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectification_photos_rectification_id"), ["rectification_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectification_photos_sha256"), ["sha256"], unique=False)

    op.create_table("plan_task_links",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("task_id", sa.Integer(), nullable=False),
    sa.Column("activity_id", sa.Integer(), nullable=True),
    sa.Column("campaign_id", sa.Integer(), nullable=True),
    sa.Column("archive_item_id", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("(activity_id IS NOT NULL) + (campaign_id IS NOT NULL) + (archive_item_id IS NOT NULL) = 1", name=op.f("ck_plan_task_links_one_record")),
    sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], name=op.f("fk_plan_task_links_activity_id_activities"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["archive_item_id"], ["archive_items.id"], name=op.f("fk_plan_task_links_archive_item_id_archive_items"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_plan_task_links_campaign_id_campaigns"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["task_id"], ["plan_tasks.id"], name=op.f("fk_plan_task_links_task_id_plan_tasks"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_task_links")),
    sa.UniqueConstraint("task_id", "activity_id", "campaign_id", "archive_item_id", name="uq_plan_task_links_record")
    )
    with op.batch_alter_table("plan_task_links", schema=None) as batch_op:
        batch_op.create_index("ix_plan_task_links_activity", ["activity_id"], unique=False)
        batch_op.create_index("ix_plan_task_links_archive_item", ["archive_item_id"], unique=False)
        batch_op.create_index("ix_plan_task_links_campaign", ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_task_links_task_id"), ["task_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("plan_task_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_task_links_task_id"))
        batch_op.drop_index("ix_plan_task_links_campaign")
        batch_op.drop_index("ix_plan_task_links_archive_item")
        batch_op.drop_index("ix_plan_task_links_activity")

    op.drop_table("plan_task_links")
    with op.batch_alter_table("rectification_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_photos_sha256"))
        batch_op.drop_index(batch_op.f("ix_rectification_photos_rectification_id"))

    op.drop_table("rectification_photos")
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_tasks_section_id"))
        batch_op.drop_index(batch_op.f("ix_plan_tasks_phase_id"))

    op.drop_table("plan_tasks")
    with op.batch_alter_table("plan_sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_sections_plan_id"))

    op.drop_table("plan_sections")
    with op.batch_alter_table("plan_phases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_phases_plan_id"))

    op.drop_table("plan_phases")
    op.drop_table("plans")
