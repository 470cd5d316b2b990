"""Apply the Alembic migrations in db/migrations. A new database is created by them too."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from huiquan_desk.paths import bundled
from huiquan_desk.storage.revisions import HEAD_REVISION, REVISIONS  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from alembic.config import Config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(bundled("db") / "migrations"))
    return config


def upgrade(engine: Engine, before: Callable[[str | None], None] | None = None) -> bool:
    """Bring the database to the head revision. Returns True if anything ran.

    `before` is called (with the current revision) just before a migration runs, so a backup
    can be taken first.
    """
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return False
    if before is not None:
        before(revision)
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return True
