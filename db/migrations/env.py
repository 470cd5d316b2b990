"""Alembic environment. The app hands in its own connection (see storage/migrate.py)."""

from alembic import context
from sqlalchemy import create_engine

from huiquan_desk.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` on the command line: -x db=PATH
        url = context.get_x_argument(as_dictionary=True).get("db", "sqlite:///huiquan.sqlite3")
        with create_engine(url).begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _include(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """The FTS5 index (activity_fts and its shadow tables) is kept by hand in the migrations."""
    return not (type_ == "table" and name and name.startswith(("activity_fts", "activity_chars")))


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()


run_migrations_online()
