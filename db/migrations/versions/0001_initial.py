"""Initial schema: settings, categories (seeded from db/seed), activities with FTS5, attachments.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-28
"""

import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

SEED = Path(__file__).resolve().parents[2] / "seed" / "categories.json"


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
        sa.Column("updated_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
    ]


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False, server_default=""),
        *_timestamps(),
    )
    categories = op.create_table(
        "categories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("categories.id", ondelete="RESTRICT"), index=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("sort_order", sa.Integer, nullable=False, server_default="0"),
        *_timestamps(),
        sa.UniqueConstraint("parent_id", "name", name="uq_categories_parent_name"),
    )
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("category_id", sa.Integer, sa.ForeignKey("categories.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("start_at", sa.DateTime, nullable=False, index=True),
        sa.Column("end_at", sa.DateTime, nullable=False),
        sa.Column("place", sa.String(200), nullable=False, server_default=""),
        sa.Column("organizer", sa.String(200), nullable=False, server_default=""),
        sa.Column("leader", sa.String(100), nullable=False, server_default=""),
        sa.Column("participants", sa.Integer, nullable=False, server_default="0"),
        sa.Column("content", sa.Text, nullable=False, server_default=""),
        sa.Column("remarks", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="done", index=True),
        *_timestamps(),
        sa.CheckConstraint("participants >= 0", name="ck_activities_participants_nonnegative"),
        sa.CheckConstraint("end_at >= start_at", name="ck_activities_end_after_start"),
    )
    op.create_index("ix_activities_category_start", "activities", ["category_id", "start_at"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("activity_id", sa.Integer, sa.ForeignKey("activities.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False, server_default="photo"),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("suffix", sa.String(16), nullable=False, server_default=""),
        sa.Column("original_name", sa.String(255), nullable=False, server_default=""),
        sa.Column("size", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sort_order", sa.Integer, nullable=False, server_default="0"),
        sa.Column("caption_title", sa.String(200), nullable=False, server_default=""),
        sa.Column("caption_time", sa.DateTime),
        sa.Column("caption_place", sa.String(200), nullable=False, server_default=""),
        sa.Column("caption_people", sa.Text, nullable=False, server_default=""),
        sa.Column("caption_photographer", sa.String(100), nullable=False, server_default=""),
        sa.Column("caption_background", sa.Text, nullable=False, server_default=""),
        *_timestamps(),
    )
    # Full-text search over title, content and place. Trigram matches any 3+ character
    # substring, which suits Chinese without a word segmenter; shorter queries use LIKE.
    op.execute(
        "CREATE VIRTUAL TABLE activity_fts USING fts5("
        "title, content, place, content='activities', content_rowid='id', tokenize='trigram')"
    )
    op.execute(
        "CREATE TRIGGER activities_fts_insert AFTER INSERT ON activities BEGIN "
        "INSERT INTO activity_fts(rowid, title, content, place) VALUES (new.id, new.title, new.content, new.place); END"
    )
    op.execute(
        "CREATE TRIGGER activities_fts_delete AFTER DELETE ON activities BEGIN "
        "INSERT INTO activity_fts(activity_fts, rowid, title, content, place) "
        "VALUES ('delete', old.id, old.title, old.content, old.place); END"
    )
    op.execute(
        "CREATE TRIGGER activities_fts_update AFTER UPDATE OF title, content, place ON activities BEGIN "
        "INSERT INTO activity_fts(activity_fts, rowid, title, content, place) "
        "VALUES ('delete', old.id, old.title, old.content, old.place); "
        "INSERT INTO activity_fts(rowid, title, content, place) VALUES (new.id, new.title, new.content, new.place); END"
    )
    _seed_categories(categories)


def _seed_categories(categories: sa.Table) -> None:
    conn = op.get_bind()
    tree = json.loads(SEED.read_text(encoding="utf-8"))["categories"]
    for order, node in enumerate(tree):
        parent_id = conn.execute(
            categories.insert().values(name=node["name"], sort_order=order).returning(categories.c.id)
        ).scalar_one()
        for child_order, child in enumerate(node["children"]):
            conn.execute(categories.insert().values(name=child, parent_id=parent_id, sort_order=child_order))


def downgrade() -> None:
    for trigger in ("activities_fts_insert", "activities_fts_delete", "activities_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS activity_fts")
    op.drop_table("attachments")
    op.drop_table("activities")
    op.drop_table("categories")
    op.drop_table("settings")
