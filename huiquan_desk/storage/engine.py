"""The SQLite engine with the pragmas every connection needs, and session scopes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from huiquan_desk.domain.errors import StorageError


def spaced(text: str | None) -> str:
    """Every character as its own token for the one-character index (activity_chars)."""
    return " ".join(text) if text else ""


def make_engine(path: Path) -> Engine:
    # From parts: the path is never parsed as a URL (a folder may be called "a?b#c%41").
    engine = create_engine(
        URL.create("sqlite", database=str(path)),
        connect_args={"check_same_thread": False, "timeout": 10},
        pool_pre_ping=False,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy own BEGIN so a whole unit of work is one transaction.
        dbapi_conn.isolation_level = None
        dbapi_conn.create_function("hq_spaced", 1, spaced, deterministic=True)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A unit of work takes the write lock up front (waiting up to busy_timeout for another
        # writer) instead of failing half way when it first writes after reading.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writer") else "BEGIN")

    return engine


def make_sessionmaker(engine: Engine, writer: bool = False) -> sessionmaker[Session]:
    bind = engine.execution_options(writer=True) if writer else engine
    return sessionmaker(bind, expire_on_commit=False)


def _storage_error(err: OperationalError) -> StorageError:
    text = str(err.orig)
    if "locked" in text or "busy" in text:
        return StorageError("另一个操作（或另一台电脑上的本软件）正在写入数据库，请稍候再试。没有写入任何数据。")
    if "disk" in text or "full" in text or "readonly" in text or "read-only" in text:
        return StorageError(f"数据库写入失败：{text}。请检查磁盘空间和文件夹权限后重试。没有写入任何数据。")
    return StorageError(f"数据库操作失败：{text}。没有写入任何数据。")


@contextmanager
def unit_of_work(factory: sessionmaker[Session], info: dict | None = None) -> Iterator[Session]:
    """One transaction: committed if the block ends normally, rolled back on any exception.

    `info` (who is working) travels with the session to the audit trail."""
    session = factory(info=dict(info or {}))
    try:
        yield session
        session.commit()
    except OperationalError as err:
        session.rollback()
        raise _storage_error(err) from err
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def dry_run(factory: sessionmaker[Session], info: dict | None = None) -> Iterator[Session]:
    """A transaction that is always rolled back: previews run the real writes inside one."""
    session = factory(info=dict(info or {}))
    try:
        yield session
        session.flush()
    finally:
        session.rollback()
        session.close()
