"""The database is created by the migrations, with its pragmas, FTS index and seeded categories."""

import sqlite3

from alembic.script import ScriptDirectory
from sqlalchemy import text

from huiquan_desk.paths import DataDir
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.workspace import open_workspace
from huiquan_desk.storage.migrate import HEAD_REVISION, alembic_config, current_revision


def test_head_constant_matches_alembic() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def test_empty_folder_is_migrated(tmp_path) -> None:
    data = DataDir(tmp_path / "new")
    ws = open_workspace(data)
    try:
        assert data.database.is_file() and data.files.is_dir() and data.backups.is_dir() and data.logs.is_dir()
        assert current_revision(ws.engine) == HEAD_REVISION
        with ws.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
        assert {"activities", "attachments", "categories", "settings", "activity_fts", "alembic_version"} <= tables
        with ws.read() as session:
            paths = [n.path for n in list_categories(session)]
        assert paths[0] == "思想道德教育"
        assert "社会环境/传统节日" in paths and "文明创建/文明公约" in paths
        assert len([p for p in paths if "/" not in p]) == 5
    finally:
        ws.close()
    # Reopening runs nothing and keeps the data.
    ws = open_workspace(data)
    with ws.read() as session:
        assert len(list_categories(session)) == len(paths)
    ws.close()


def test_schema_matches_models(tmp_path) -> None:
    """The migrations and the typed models describe the same columns."""
    from huiquan_desk.storage.models import Base

    ws = open_workspace(DataDir(tmp_path))
    ws.close()
    conn = sqlite3.connect(DataDir(tmp_path).database)
    for table in Base.metadata.sorted_tables:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table.name})")}
        assert columns == {c.name for c in table.columns}, table.name
    conn.close()


def test_migrations_and_models_do_not_drift(ws) -> None:
    """Alembic's autogenerate finds nothing to add: the migrations are the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from huiquan_desk.storage.models import Base

    with ws.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "include_object": lambda obj, name, type_, r, c: not (
                type_ == "table" and name.startswith(("activity_fts", "activity_chars")))})
        assert compare_metadata(context, Base.metadata) == []


def test_default_teams_are_seeded(ws) -> None:
    with ws.engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name FROM teams ORDER BY sort_order"))]
    assert names == ["党员志愿服务队", "青年志愿服务队", "社区志愿服务队", "巾帼志愿服务队"]
