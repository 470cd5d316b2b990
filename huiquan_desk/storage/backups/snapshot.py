"""Reading a database file: its integrity, the attachment files it references, names that must
be names, what it holds (counts, community); and the online-backup snapshot of the live one."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huiquan_desk.domain.errors import StorageError
from huiquan_desk.storage import files as files_store
from huiquan_desk.storage import guard
from huiquan_desk.storage import sqlite as sqlite_files
from huiquan_desk.storage.backups.format import HEX64_RE, _connect
from huiquan_desk.storage.files import FILE_TABLES, SHA_RE, SUFFIX_RE, rendition_of
from huiquan_desk.storage.schema import quote

log = logging.getLogger("huiquan_desk.backups")


# ---------------------------------------------------------------------------------------------
# What a database references


@dataclass
class References:
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (sha256, suffix) of attachment files
    bare: set[str] = field(default_factory=set)  # hashes seen in recycle-bin payloads without a suffix

    def keeps(self, sha: str, name: str) -> bool:
        """Whether the stored file `name` (of hash `sha`) is needed: referenced, or the JPEG
        rendition of a referenced original (storage.files.rendition_of)."""
        if (sha, name[64:]) in self.pairs or sha in self.bare:
            return True
        return rendition_of(name) == sha and any(pair_sha == sha for pair_sha, _suffix in self.pairs)


def _payload_names(node: Any) -> Iterable[tuple[object, object]]:
    """Every (sha256, suffix) a recycle-bin payload names, however deeply it nests them."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "sha256" in item:
                yield item.get("sha256"), item.get("suffix")
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _walk_payload(node: Any, refs: References) -> None:
    for sha, suffix in _payload_names(node):
        if isinstance(sha, str) and SHA_RE.match(sha.lower()):
            if isinstance(suffix, str) and SUFFIX_RE.match(suffix):
                refs.pairs.add((sha.lower(), suffix))
            else:
                refs.bare.add(sha.lower())


def references(conn: sqlite3.Connection) -> References:
    """Attachment files a database refers to: `attachments` rows and, if the table exists, every
    recycle-bin payload (parsed as JSON where it can be, and scanned for 64-hex hashes anyway)."""
    refs = References()
    rows = []
    for table in FILE_TABLES:
        try:
            rows += conn.execute(f"SELECT sha256, suffix FROM {table}").fetchall()
        except sqlite3.OperationalError:  # a database older than that table
            pass
    for sha, suffix in rows:
        sha = str(sha or "").lower()
        suffix = str(suffix or "")
        if SHA_RE.match(sha) and SUFFIX_RE.match(suffix):
            refs.pairs.add((sha, suffix))
    try:
        payloads = conn.execute("SELECT payload FROM recycle_bin").fetchall()
    except sqlite3.OperationalError:
        payloads = []
    for (payload,) in payloads:
        text = str(payload or "")
        try:
            _walk_payload(json.loads(text), refs)
        except (ValueError, RecursionError):
            pass
        refs.bare.update(match.lower() for match in HEX64_RE.findall(text))
    refs.bare -= {sha for sha, _suffix in refs.pairs}
    return refs


def stored_name_problems(conn: sqlite3.Connection, limit: int = 50) -> list[str]:
    """Attachment names in a database that are not stored files' names (a crafted `../../x` in an
    attachment row or a recycle-bin entry): such a name must never become a path."""
    problems: list[str] = []
    for table, label in FILE_TABLES.items():
        try:
            rows = conn.execute(f"SELECT id, sha256, suffix FROM {table}").fetchall()
        except sqlite3.OperationalError:
            rows = []
        for row_id, sha, suffix in rows:
            problem = files_store.name_problem(sha, suffix or "")
            if problem:
                problems.append(f"{label}第 {row_id} 条记录：{problem}")
    try:
        payloads = conn.execute("SELECT id, payload FROM recycle_bin").fetchall()
    except sqlite3.OperationalError:
        payloads = []
    for row_id, payload in payloads:
        try:
            parsed = json.loads(payload)
        except (TypeError, ValueError, RecursionError):
            continue  # not JSON: no name in it is ever used as a path (see `references`)
        for sha, suffix in _payload_names(parsed):
            problem = files_store.name_problem(sha, suffix or "")
            if problem:
                problems.append(f"回收站第 {row_id} 项：{problem}")
    return problems[:limit]


def references_of(database: Path) -> References:
    with _readonly(database) as conn:
        return references(conn)


class _readonly:
    """A short read-only sqlite3 connection (a missing file is an error, never created)."""

    def __init__(self, database: Path):
        self.database = database

    def __enter__(self) -> sqlite3.Connection:
        if not self.database.is_file():
            raise StorageError(f"找不到数据库文件 {self.database}")
        self.conn = sqlite_files.connect_readonly(self.database)
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def _user_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='table' ORDER BY name").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    return [name for name, _sql in rows if not name.startswith("sqlite_") and name != "alembic_version"
            and not any(name == v or name.startswith(v + "_") for v in virtual)]


def _facts(conn: sqlite3.Connection) -> dict[str, Any]:
    def scalar(sql: str, *params: object) -> Any:
        try:
            row = conn.execute(sql, params).fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else None

    counts = {}
    for table in _user_tables(conn):
        counts[table] = scalar(f"SELECT count(*) FROM {quote(table)}") or 0
    return {
        "revision": scalar("SELECT version_num FROM alembic_version"),
        "community": scalar("SELECT value FROM settings WHERE key = ?", "profile.name") or "",
        "counts": counts,
    }


def integrity_problems(database: Path, quick: bool = False) -> list[str]:
    """[] if SQLite's integrity_check (or quick_check) says ok, else its complaints (Chinese)."""
    try:
        with _readonly(database) as conn:
            pragma = "quick_check" if quick else "integrity_check"
            lines = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}").fetchall()]
    except sqlite3.Error as err:
        return [f"数据库无法读取：{err}"]
    return [] if lines == ["ok"] else [f"数据库损坏：{line}" for line in lines[:10]]


# The live database fails SQLite's integrity check: a backup of it would not be a good one.
DamagedDatabase = guard.DamagedDatabase


def snapshot_database(database: Path, target: Path) -> None:
    """Copy the live database to `target` with SQLite's online backup API (a consistent snapshot,
    even while the app writes), as a single self-contained file (rollback journal, not WAL)."""
    if not database.is_file():
        raise StorageError(f"找不到数据库文件 {database}，没有可以备份的数据。")
    try:
        source = _connect(database)
        try:
            dest = _connect(target)
            try:
                source.backup(dest)
                dest.execute("PRAGMA journal_mode=DELETE")
            finally:
                dest.close()
        finally:
            source.close()
    except sqlite3.DatabaseError as err:
        target.unlink(missing_ok=True)
        if "locked" in str(err) or "busy" in str(err):
            raise StorageError("数据库正忙（另一个操作正在写入），请稍候再备份。") from err
        if "full" in str(err) or "disk I/O" in str(err):
            raise StorageError(f"备份没有完成：写入 {target.parent} 时出错（{err}）。请检查剩余空间和写入权限。") from err
        raise DamagedDatabase(f"数据库已损坏，无法备份：{err}") from err
