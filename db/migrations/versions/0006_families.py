"""Civic family campaigns: households and members, campaigns, nominations, the review group with
its scores and votes, objections, campaign activities; attachments may belong to a nomination.

Revision ID: 0006_families
Revises: 0005_service_indexes
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_families"
down_revision = "0005_service_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("campaigns",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=100), nullable=False),
    sa.Column("criteria", sa.Text(), nullable=False),
    sa.Column("quotas", sa.Text(), nullable=False),
    sa.Column("review_method", sa.String(length=10), nullable=False),
    sa.Column("max_score", sa.Integer(), nullable=False),
    sa.Column("stage", sa.String(length=16), nullable=False),
    sa.Column("notice_start", sa.Date(), nullable=True),
    sa.Column("notice_days", sa.Integer(), nullable=True),
    sa.Column("notice_workdays", sa.Boolean(), nullable=False),
    sa.Column("notice_end", sa.Date(), nullable=True),
    sa.Column("commended_on", sa.Date(), nullable=True),
    sa.Column("remarks", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("max_score >= 1 AND max_score <= 100", name=op.f("ck_campaigns_max_score_range")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns"))
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaigns_year"), ["year"], unique=False)

    op.create_table("households",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("head_name", sa.String(length=50), nullable=False),
    sa.Column("building", sa.String(length=20), nullable=False),
    sa.Column("unit", sa.String(length=20), nullable=False),
    sa.Column("room", sa.String(length=20), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("phone", sa.String(length=20), nullable=False),
    sa.Column("grid", sa.String(length=50), nullable=False),
    sa.Column("remarks", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("size >= 1", name=op.f("ck_households_size_positive")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
    sa.UniqueConstraint("building", "unit", "room", name="uq_households_address")
    )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_households_head_name"), ["head_name"], unique=False)

    op.create_table("household_members",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("household_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=50), nullable=False),
    sa.Column("relation", sa.String(length=20), nullable=False),
    sa.Column("sort_order", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["household_id"], ["households.id"], name=op.f("fk_household_members_household_id_households"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_household_members"))
    )
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_members_household_id"), ["household_id"], unique=False)

    op.create_table("nominations",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("campaign_id", sa.Integer(), nullable=False),
    sa.Column("household_id", sa.Integer(), nullable=False),
    sa.Column("nominator_kind", sa.String(length=10), nullable=False),
    sa.Column("nominator", sa.String(length=50), nullable=False),
    sa.Column("deeds", sa.Text(), nullable=False),
    sa.Column("decision", sa.String(length=12), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("decided_on", sa.Date(), nullable=True),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_nominations_campaign_id_campaigns"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["household_id"], ["households.id"], name=op.f("fk_nominations_household_id_households"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
    sa.UniqueConstraint("campaign_id", "household_id", name="uq_nominations_campaign_household")
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nominations_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_household_id"), ["household_id"], unique=False)

    op.create_table("reviewers",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("campaign_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=50), nullable=False),
    sa.Column("role", sa.String(length=50), nullable=False),
    sa.Column("sort_order", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_reviewers_campaign_id_campaigns"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewers"))
    )
    with op.batch_alter_table("reviewers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviewers_campaign_id"), ["campaign_id"], unique=False)

    op.create_table("ballots",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("nomination_id", sa.Integer(), nullable=False),
    sa.Column("reviewer_id", sa.Integer(), nullable=False),
    sa.Column("vote", sa.String(length=10), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["nomination_id"], ["nominations.id"], name=op.f("fk_ballots_nomination_id_nominations"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["reviewer_id"], ["reviewers.id"], name=op.f("fk_ballots_reviewer_id_reviewers"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
    sa.UniqueConstraint("nomination_id", "reviewer_id", name="uq_ballots_vote")
    )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballots_nomination_id"), ["nomination_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ballots_reviewer_id"), ["reviewer_id"], unique=False)

    op.create_table("campaign_activities",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("campaign_id", sa.Integer(), nullable=False),
    sa.Column("activity_id", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], name=op.f("fk_campaign_activities_activity_id_activities"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_campaign_activities_campaign_id_campaigns"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_activities")),
    sa.UniqueConstraint("activity_id", name=op.f("uq_campaign_activities_activity_id"))
    )
    with op.batch_alter_table("campaign_activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_activities_campaign_id"), ["campaign_id"], unique=False)

    op.create_table("objections",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("campaign_id", sa.Integer(), nullable=False),
    sa.Column("nomination_id", sa.Integer(), nullable=True),
    sa.Column("raised_by", sa.String(length=50), nullable=False),
    sa.Column("raised_on", sa.Date(), nullable=False),
    sa.Column("content", sa.Text(), nullable=False),
    sa.Column("outcome", sa.String(length=12), nullable=False),
    sa.Column("settlement", sa.Text(), nullable=False),
    sa.Column("settled_on", sa.Date(), nullable=True),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_objections_campaign_id_campaigns"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["nomination_id"], ["nominations.id"], name=op.f("fk_objections_nomination_id_nominations"), ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_objections"))
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objections_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_objections_nomination_id"), ["nomination_id"], unique=False)

    op.create_table("scores",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("nomination_id", sa.Integer(), nullable=False),
    sa.Column("reviewer_id", sa.Integer(), nullable=False),
    sa.Column("criterion", sa.Integer(), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    sa.CheckConstraint("score >= 0", name=op.f("ck_scores_score_nonnegative")),
    sa.ForeignKeyConstraint(["nomination_id"], ["nominations.id"], name=op.f("fk_scores_nomination_id_nominations"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["reviewer_id"], ["reviewers.id"], name=op.f("fk_scores_reviewer_id_reviewers"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
    sa.UniqueConstraint("nomination_id", "reviewer_id", "criterion", name="uq_scores_mark")
    )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scores_nomination_id"), ["nomination_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scores_reviewer_id"), ["reviewer_id"], unique=False)

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nomination_id", sa.Integer(), nullable=True))
        batch_op.alter_column("activity_id",
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f("ix_attachments_nomination_id"), ["nomination_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_attachments_nomination_id_nominations"), "nominations",
                                    ["nomination_id"], ["id"], ondelete="CASCADE")
        batch_op.create_check_constraint(op.f("ck_attachments_one_owner"),
                                         "(activity_id IS NULL) <> (nomination_id IS NULL)")



def downgrade() -> None:
    op.execute("DELETE FROM attachments WHERE activity_id IS NULL")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_attachments_one_owner"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_attachments_nomination_id_nominations"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_attachments_nomination_id"))
        batch_op.alter_column("activity_id",
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column("nomination_id")

    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scores_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_scores_nomination_id"))

    op.drop_table("scores")
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objections_nomination_id"))
        batch_op.drop_index(batch_op.f("ix_objections_campaign_id"))

    op.drop_table("objections")
    with op.batch_alter_table("campaign_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_activities_campaign_id"))

    op.drop_table("campaign_activities")
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballots_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_ballots_nomination_id"))

    op.drop_table("ballots")
    with op.batch_alter_table("reviewers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewers_campaign_id"))

    op.drop_table("reviewers")
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nominations_household_id"))
        batch_op.drop_index(batch_op.f("ix_nominations_campaign_id"))

    op.drop_table("nominations")
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_members_household_id"))

    op.drop_table("household_members")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_households_head_name"))

    op.drop_table("households")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_year"))

    op.drop_table("campaigns")
