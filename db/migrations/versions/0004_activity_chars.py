"""Search by one or two characters through an index: a contentless FTS5 table holding every
character of title, place and content as its own token (the trigram index of 0001 cannot match
queries shorter than three characters). Kept by triggers through the hq_spaced() SQL function,
which the app's engine registers on every connection (storage/engine.py).

Revision ID: 0004_activity_chars
Revises: 0003_data_safety
Create Date: 2026-11-28
"""

from alembic import op

revision = "0004_activity_chars"
down_revision = "0003_data_safety"
branch_labels = None
depends_on = None

BODY = "hq_spaced({0}.title || ' ' || {0}.place || ' ' || {0}.content)"


def upgrade() -> None:
    op.execute("CREATE VIRTUAL TABLE activity_chars USING fts5(body, content='', tokenize='unicode61')")
    op.execute(f"INSERT INTO activity_chars(rowid, body) SELECT id, {BODY.format('activities')} FROM activities")
    op.execute(
        "CREATE TRIGGER activities_chars_insert AFTER INSERT ON activities BEGIN "
        f"INSERT INTO activity_chars(rowid, body) VALUES (new.id, {BODY.format('new')}); END"
    )
    op.execute(
        "CREATE TRIGGER activities_chars_delete AFTER DELETE ON activities BEGIN "
        f"INSERT INTO activity_chars(activity_chars, rowid, body) VALUES ('delete', old.id, {BODY.format('old')}); END"
    )
    op.execute(
        "CREATE TRIGGER activities_chars_update AFTER UPDATE OF title, content, place ON activities BEGIN "
        f"INSERT INTO activity_chars(activity_chars, rowid, body) VALUES ('delete', old.id, {BODY.format('old')}); "
        f"INSERT INTO activity_chars(rowid, body) VALUES (new.id, {BODY.format('new')}); END"
    )


def downgrade() -> None:
    for trigger in ("activities_chars_insert", "activities_chars_delete", "activities_chars_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS activity_chars")
