"""One open data folder: its engine, session factory and file store. Built once, handed in."""

from __future__ import annotations

import getpass
import logging
import logging.handlers
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from huiquan_desk.domain.errors import StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.storage import migrate
from huiquan_desk.storage.engine import dry_run, make_engine, make_sessionmaker, unit_of_work
from huiquan_desk.storage.files import FileStore

log = logging.getLogger("huiquan_desk")


@dataclass
class Workspace:
    data: DataDir
    engine: Engine
    sessions: sessionmaker[Session]  # reads
    writers: sessionmaker[Session]  # units of work (BEGIN IMMEDIATE)
    files: FileStore
    # Who is working: recorded with every service entry and certificate. The OS login until the
    # optional sign-in replaces it.
    operator: str = field(default_factory=lambda: _login_name())
    log_handler: logging.Handler | None = None

    def write(self) -> contextmanager[Session]:  # type: ignore[valid-type]
        """`with ws.write() as s:` — one transaction, committed at the end of the block."""
        return unit_of_work(self.writers)

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self.sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def preview(self) -> contextmanager[Session]:  # type: ignore[valid-type]
        """A transaction that is always rolled back."""
        return dry_run(self.writers)


    def close(self) -> None:
        self.engine.dispose()
        if self.log_handler is not None:
            log.removeHandler(self.log_handler)
            self.log_handler.close()
            self.log_handler = None


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "本机用户"


def setup_logging(data: DataDir) -> logging.Handler:
    """Log to logs/huiquan.log in this data folder (bugs with their tracebacks)."""
    handler = logging.handlers.RotatingFileHandler(data.logs / "huiquan.log", maxBytes=2_000_000,
                                                   backupCount=3, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def open_workspace(data: DataDir) -> Workspace:
    """Create the folder if needed, migrate the database to the newest schema and open it."""
    try:
        data.ensure()
    except OSError as err:
        raise StorageError(f"无法创建数据文件夹 {data.root}：{err.strerror}。请换一个可写的位置（--data-dir）。") from err
    handler = setup_logging(data)
    engine = make_engine(data.database)
    try:
        if migrate.upgrade(engine):
            log.info("database migrated to %s", migrate.HEAD_REVISION)
    except Exception as err:
        engine.dispose()
        log.removeHandler(handler)
        handler.close()
        raise StorageError(f"无法打开数据库 {data.database}：{err}") from err
    ws = Workspace(data, engine, make_sessionmaker(engine), make_sessionmaker(engine, writer=True), FileStore(data.files))
    ws.log_handler = handler
    return ws
