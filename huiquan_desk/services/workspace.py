"""One open data folder: its engine, session factory and file store. Built once, handed in."""

from __future__ import annotations

import getpass
import logging
import logging.handlers
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from huiquan_desk.domain.errors import HuiquanError, StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.services import destruction, filing
from huiquan_desk.services.entities import audit_name
from huiquan_desk.services.permissions import NOBODY, Role, check_admin, check_signed_in, check_write
from huiquan_desk.storage import audit, guard, migrate
from huiquan_desk.storage.engine import dry_run, make_engine, make_sessionmaker, unit_of_work
from huiquan_desk.storage.files import FileStore

log = logging.getLogger("huiquan_desk")
NOT_SIGNED_IN = "（未登录）"


@dataclass
class Workspace:
    data: DataDir
    engine: Engine
    sessions: sessionmaker[Session]  # reads
    writers: sessionmaker[Session]  # units of work (BEGIN IMMEDIATE)
    files: FileStore
    # Who is working: recorded with every service entry, certificate and audit entry. While no
    # account is set up, the profile's 填表人 (the OS login until that is filled in); once one is,
    # the signed-in account (never the OS login).
    operator: str = field(default_factory=lambda: login_name())
    # The signed-in account's role (admin / editor / viewer); "admin" when no accounts are set up,
    # permissions.NOBODY while accounts exist and nobody has signed in.
    role: str = Role.ADMIN
    log_handler: logging.Handler | None = None
    read_only: bool = False  # the database file cannot be written: reads and plain prints only
    signed_in: bool = False  # someone signed in with an account (then `operator` is that account)

    @property
    def info(self) -> dict[str, str]:
        return {"user": self.operator, "role": self.role}

    def sign_in(self, operator: str, role: str) -> None:
        self.operator, self.role = operator, role
        self.signed_in = True

    def refresh_operator(self) -> None:
        """After the profile changed: without accounts, the operator is its (new) 填表人."""
        if not self.signed_in and self.role != NOBODY:
            with self.read() as session:
                self.operator = default_operator(session)

    def sign_out(self) -> None:
        """Back to nobody (accounts exist): reads only, until someone signs in again."""
        self.operator, self.role, self.signed_in = NOT_SIGNED_IN, NOBODY, False

    def write(self) -> AbstractContextManager[Session]:
        """`with ws.write() as s:` — one transaction, committed at the end of the block."""
        check_write(self.role)
        self.require_writable()
        return unit_of_work(self.writers, self.info)

    @property
    def read_only_message(self) -> str:
        return guard.READ_ONLY_DATABASE.format(self.data.database)

    def require_writable(self) -> None:
        if self.read_only:
            raise StorageError(self.read_only_message)

    def require_signed_in(self, action: str) -> None:
        """Exports of personal data and backups need a signed-in account once accounts exist."""
        check_signed_in(self.role, action)

    def require_admin(self, action: str) -> None:
        check_admin(self.role, action)

    def log(self, action: str, entity: str, summary: str, details: dict | None = None) -> None:
        """Put one entry in the audit trail on its own (an export of personal data, a backup …)."""
        check_signed_in(self.role, "导出或备份")
        self.require_writable()
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

    def preview(self) -> AbstractContextManager[Session]:
        """A transaction that is always rolled back."""
        return dry_run(self.writers, self.info)


    def close(self) -> None:
        self.engine.dispose()
        if self.log_handler is not None:
            log.removeHandler(self.log_handler)
            self.log_handler.close()
            self.log_handler = None


def default_operator(session: Session) -> str:
    """Who works when no account is set up: the community profile's 填表人 (asked at first run),
    the computer's login only until it is filled in."""
    from huiquan_desk.services.settings import PROFILE_PREPARER, get_setting

    return get_setting(session, PROFILE_PREPARER) or login_name()


def login_name() -> str:
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


def open_workspace(data: DataDir, daily_backup: bool = True) -> Workspace:
    """Create the folder if needed, finish a restore that was interrupted, migrate the database
    to the newest schema (after a pre-migration backup) and open it; then take the day's
    automatic backup unless one exists already (a directory listing) or the database is new.

    `daily_backup=False` for commands that are themselves a backup or restore."""
    from huiquan_desk.storage import backups

    guard.check_folder(data)  # a file, a read-only folder: one clear message, nothing touched
    handler = setup_logging(data)

    def give_up() -> None:
        log.removeHandler(handler)
        handler.close()

    try:
        note = backups.finish_interrupted_restore(data)
    except (OSError, sqlite3.Error, HuiquanError) as err:
        give_up()
        raise StorageError(f"上次从备份恢复没有完成，也无法自动完成：{err}。请重新从备份恢复。") from err
    if note:
        log.warning(note)
    existed = data.database.is_file() and data.database.stat().st_size > 0
    engine = make_engine(data.database)

    def before_migration(revision: str | None) -> None:
        if revision is None or not existed:
            return  # a brand-new database: nothing to keep
        try:
            backups.create_backup(data, "pre-migration")
            backups.prune_backups(data, kinds=("pre-migration",))
        except HuiquanError as err:
            raise StorageError(f"升级数据库前的自动备份没有完成，数据库没有升级，也没有改动：{err}") from err

    read_only = guard.database_read_only(data)
    try:
        revision = migrate.current_revision(engine)
        problem = backups.revision_problem(revision, in_backup=False) if revision is not None else None
        if problem:
            raise StorageError(problem)
        if read_only and revision != migrate.HEAD_REVISION:
            raise StorageError(guard.READ_ONLY_DATABASE.format(data.database) + "\n这个数据库还需要升级，只读时无法打开。")
        if migrate.upgrade(engine, before=before_migration):
            log.info("database migrated to %s", migrate.HEAD_REVISION)
    except HuiquanError:
        engine.dispose()
        give_up()
        raise
    except Exception as err:
        engine.dispose()
        give_up()
        raise StorageError(f"无法打开数据库 {data.database}：{getattr(err, 'orig', None) or err}") from err
    writers = make_sessionmaker(engine, writer=True)
    audit.install(writers, audit_name)
    filing.install(writers)  # filed records are frozen
    destruction.install(writers)  # a finished destruction round is kept as it is
    ws = Workspace(data, engine, make_sessionmaker(engine), writers, FileStore(data.files))
    ws.log_handler = handler
    ws.read_only = read_only
    from huiquan_desk.services.accounts import accounts_enabled

    with ws.read() as session:
        if accounts_enabled(session):  # one small query
            ws.sign_out()
        else:
            ws.operator = default_operator(session)
    if daily_backup and existed:
        from huiquan_desk.services.backups import daily_backup as take_daily_backup

        started = time.perf_counter()
        try:
            if take_daily_backup(ws) is not None:
                log.info("daily backup taken in %.1f s", time.perf_counter() - started)
        except (OSError, sqlite3.Error, HuiquanError) as err:
            log.warning("daily backup failed: %s", err)
    return ws


# --- opening a data folder: the start-up policy the window and the command line share -------------
DamagedDatabase = guard.DamagedDatabase  # titled 数据库已损坏
NetworkShareWarning = guard.NetworkShareWarning  # titled 数据文件夹在网络共享上

@dataclass
class Opening:
    """What was found before the database is opened for writing (nothing has been written yet)."""

    data: DataDir
    lock: guard.DataLock | None  # held while the program works on this folder (writers only)
    network_share: bool
    damaged: list[str]  # PRAGMA quick_check's complaints ([] when the database is healthy)
    offer: Path | None  # the newest good backup, offered when the database is damaged

    @property
    def network_warning(self) -> str:
        return guard.NETWORK_WARNING.format(self.data.root)

    def damaged_message(self, command_line: bool = False) -> str:
        detail = "\n".join(self.damaged[:5])
        text = f"数据库文件已损坏，为避免进一步损坏，软件没有打开它。\n{detail}\n\n"
        if self.offer is None:
            return text + "数据文件夹里没有可用的备份。请把整个数据文件夹复制一份保存，并联系技术支持。"
        if command_line:
            return text + (f"可以用最新的完好备份恢复（损坏的文件会另外保存，不会删除）：\n"
                           f"  huiquan-desk --data-dir \"{self.data.root}\" restore \"{self.offer}\"")
        return text + f"可以用最新的完好备份恢复：{self.offer.name}\n（损坏的文件会另外保存，不会删除）。现在恢复吗？"

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def open_folder(data: DataDir, lock: bool = True) -> Opening:
    """Before the database is opened for writing: one program per folder (the lock, for whoever
    writes), a network share noticed, and a damaged database never written to — the newest good
    backup is found to offer instead. Raises FolderInUse (a StorageError) when another copy has it."""
    from huiquan_desk.storage import backups

    guard.check_folder(data)  # a file, a read-only folder: said as such, never taken for damage
    held = guard.DataLock(data).acquire() if lock else None
    try:
        health = guard.quick_check(data.database)
        offer = None if health.ok else backups.newest_good_backup(data)
        return Opening(data, held, guard.is_network_path(data.root), health.problems, offer)
    except BaseException:
        if held is not None:
            held.release()
        raise


def recover(opening: Opening) -> str:
    """Replace a damaged database with the offered backup (the damaged file is kept raw beside the
    backups; the restore is recorded in the restored trail); returns what was done, in Chinese."""
    from huiquan_desk.services.backups import recovery_request, run_restore

    if opening.offer is None:
        raise StorageError(opening.damaged_message())
    report, ws = run_restore(recovery_request(opening.data, opening.offer))
    ws.close()
    return f"已用备份 {opening.offer.name} 恢复。" + "".join(report.notes)
