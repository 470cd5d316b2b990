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

from huiquan_desk.domain.errors import PermissionDenied, StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.storage import audit, migrate
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
    # The signed-in account's role (admin / editor / viewer); "admin" when no accounts are set up.
    role: str = "admin"
    log_handler: logging.Handler | None = None

    @property
    def info(self) -> dict[str, str]:
        return {"user": self.operator, "role": self.role}

    def write(self) -> contextmanager[Session]:  # type: ignore[valid-type]
        """`with ws.write() as s:` — one transaction, committed at the end of the block."""
        if self.role == "viewer":
            raise PermissionDenied("当前账号只能查看和打印，不能修改数据。请用录入员或管理员账号登录。")
        return unit_of_work(self.writers, self.info)

    def log(self, action: str, entity: str, summary: str, details: dict | None = None) -> None:
        """Put one entry in the audit trail on its own (an export of personal data, a backup …)."""
        with unit_of_work(self.writers, self.info) as session:
            audit.record(session, action, entity, summary, details=details)

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
        return dry_run(self.writers, self.info)


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
    writers = make_sessionmaker(engine, writer=True)
    audit.install(writers)
    ws = Workspace(data, engine, make_sessionmaker(engine), writers, FileStore(data.files))
    ws.log_handler = handler
    return ws
