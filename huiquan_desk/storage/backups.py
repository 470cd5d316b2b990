"""Backups and restore: one zip per backup, checked before it is trusted, switched in crash-safely.

A backup is ONE zip file:

    manifest.json           what this is: format, app version, kind, when, schema revision,
                            community name, row counts, and SHA-256 + size of every member
    huiquan.sqlite3         a snapshot taken with SQLite's online backup API (deflated)
    files/ab/<sha><suffix>  the attachment files the snapshot references (stored: photos do
                            not compress), from `attachments` and from recycle-bin payloads

It is written to a hidden temporary file beside its final name and renamed when complete, so
a half-written zip never carries a backup's name.

Automatic backups live in the data folder's `backups/` and are named
`huiquan-<kind>-YYYYMMDD-HHMMSS.zip` (kind: auto, manual, pre-migration, pre-restore). Rotation
touches only files with such a name AND a manifest of this app whose kind matches: a user's own
zip in that folder is never deleted. `auto` backups are thinned to 7 daily / 4 weekly /
12 monthly (the setting 自动备份保留, "7/4/12", handed in by the caller); the last 10 `pre-migration` and
`pre-restore` backups are kept; `manual` ones are never deleted automatically.

Restore (see `restore_backup`) verifies the zip before it touches anything, keeps the current
data as a `pre-restore` backup, and switches the database with a single `os.replace`; a marker
file in the data folder lets the next start finish (or undo) a restore that was interrupted.
Nothing here imports Qt or the services layer: plain sqlite3 on files, so it also works on a
database the app cannot open.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from huiquan_desk import __version__
from huiquan_desk.domain.errors import Progress, StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.storage import files as files_store
from huiquan_desk.storage import guard
from huiquan_desk.storage import sqlite as sqlite_files
from huiquan_desk.storage.revisions import HEAD_REVISION, REVISIONS
from huiquan_desk.storage.schema import quote, schema_problems

log = logging.getLogger("huiquan_desk.backups")

FORMAT = "huiquan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = "huiquan.sqlite3"
CHUNK = 1 << 20

KIND_LABELS = {
    "auto": "每日自动备份",
    "manual": "手动备份",
    "pre-migration": "升级前自动备份",
    "pre-restore": "恢复前自动备份",
}
KEEP_SPECIAL = 10  # pre-migration and pre-restore backups kept, per kind
NAME_RE = re.compile(r"^huiquan-(auto|manual|pre-migration|pre-restore)-(\d{8})-(\d{6})(?:-(\d+))?\.zip$")
FILE_MEMBER_RE = re.compile(r"^files/([0-9a-f]{2})/([0-9a-f]{64})([^/\\:\x00-\x1f]{0,16})$")
SHA_RE, SUFFIX_RE = files_store.SHA_RE, files_store.SUFFIX_RE
MANIFEST_MAX = 16 << 20  # a manifest is a few hundred KB even for a large community
# The largest member (the database, a photo, a scanned sign-in sheet) a backup may hold, in MB: the
# database setting `backup.max_member_mb`. A zip bomb (1 MB of zip unpacking to 1 GiB) is stopped
# when this many bytes have come out, before the disk fills.
MAX_MEMBER_MB = 512
HEX64_RE = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")
MARKER = ".restore-in-progress.json"
TEMP_PREFIX = ".huiquan-tmp-"  # every temporary file this module makes starts with this
STALE_AFTER_S = 3600  # a temporary file older than this is left over from a killed process


# ---------------------------------------------------------------------------------------------
# Small pieces


@dataclass(frozen=True)
class Rotation:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    @classmethod
    def parse(cls, text: str | None) -> Rotation:
        """"7/4/12" → Rotation(7, 4, 12); anything unreadable gives the default."""
        try:
            daily, weekly, monthly = (int(part) for part in str(text).replace(" ", "").split("/"))
        except (TypeError, ValueError):
            return cls()
        if min(daily, weekly, monthly) < 0:
            return cls()
        return cls(daily, weekly, monthly)

    def __str__(self) -> str:
        return f"{self.daily}/{self.weekly}/{self.monthly}"


@dataclass
class BackupInfo:
    """What a backup holds, read from its manifest (and its problems once it has been verified)."""

    path: Path
    kind: str = ""
    created_at: datetime | None = None
    size: int = 0
    community: str = ""
    revision: str | None = None
    app_version: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0  # attachment files inside
    missing: list[str] = field(default_factory=list)  # referenced attachments it could not include
    ok: bool | None = None  # None: not verified yet
    problems: list[str] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # once verified: name -> sha256, size

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind or "备份")

    @property
    def ours(self) -> bool:
        """Named by this module (so rotation may consider it)."""
        return NAME_RE.match(self.path.name) is not None

    def summary(self) -> str:
        """One Chinese sentence: community, time, main counts."""
        when = self.created_at.strftime("%Y-%m-%d %H:%M") if self.created_at else "时间不明"
        parts = [f"{label} {self.counts[table]} {unit}" for table, label, unit in SUMMARY_TABLES
                 if table in self.counts]
        parts.append(f"附件文件 {self.files} 个")
        return f"「{self.community or '未填社区名称'}」{when} 的{self.kind_label}：{'，'.join(parts)}"


SUMMARY_TABLES = (
    ("activities", "活动", "项"),
    ("attachments", "照片和签到表", "份"),
    ("volunteers", "志愿者", "名"),
    ("service_records", "服务记录", "条"),
    ("certificates", "证明", "份"),
)


@dataclass
class RestoreReport:
    backup: BackupInfo
    safety_backup: Path | None  # the pre-restore backup of the data that was replaced
    files_added: int = 0  # attachment files copied in from the backup
    files_removed: int = 0  # files the restored database does not reference
    notes: list[str] = field(default_factory=list)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"



def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (POSIX; Windows and some USB file systems cannot)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _flush_to_disk(paths: Iterable[Path]) -> None:
    """Make freshly written files durable before the database that needs them is switched in:
    one `sync()` on POSIX (far cheaper than an fsync per photo), an fsync per file elsewhere."""
    if os.name != "nt" and hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        try:
            _fsync_file(path)
        except OSError:
            pass


def _temp_path(folder: Path, what: str) -> Path:
    return folder / f"{TEMP_PREFIX}{what}-{os.getpid()}-{os.urandom(4).hex()}"


def clean_stale_temp_files(folder: Path, older_than_s: float = STALE_AFTER_S) -> int:
    """Remove temporary files a killed backup left behind (old enough that nobody writes them)."""
    removed = 0
    if not folder.is_dir():
        return 0
    limit = time.time() - older_than_s
    for path in folder.iterdir():
        if path.name.startswith(TEMP_PREFIX) and path.is_file():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
    return removed


_connect = sqlite_files.connect


def _revision_number(revision: str) -> int | None:
    match = re.match(r"^(\d+)", revision or "")
    return int(match.group(1)) if match else None


def revision_problem(revision: str | None, in_backup: bool = True) -> str | None:
    """None if this program can open a database at `revision` (one of its own migrations; an older
    one is migrated when it opens), else why not: newer (upgrade the program first) or unknown."""
    if revision in REVISIONS:
        return None
    what, act = ("备份里的数据库", "恢复") if in_backup else ("数据库", "打开")
    if not revision:
        return f"{what}没有版本信息，不是惠泉台账的数据库，不能{act}。"
    number, head = _revision_number(revision), _revision_number(HEAD_REVISION)
    if number is not None and head is not None and number > head:
        source = "这个备份" if in_backup else "这个数据库"
        return (f"{source}来自更新版本的惠泉台账（数据库版本 {revision[:40]}，本程序只支持到 {HEAD_REVISION}）。"
                f"请先把本程序升级到最新版本，再{act}。")
    return f"{what}版本「{revision[:40]}」不是惠泉台账的版本，不能{act}。"


# ---------------------------------------------------------------------------------------------
# What a database references


@dataclass
class References:
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (sha256, suffix) of attachment files
    bare: set[str] = field(default_factory=set)  # hashes seen in recycle-bin payloads without a suffix

    def keeps(self, sha: str, name: str) -> bool:
        return (sha, name[64:]) in self.pairs or sha in self.bare


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
    try:
        rows = conn.execute("SELECT sha256, suffix FROM attachments").fetchall()
    except sqlite3.OperationalError:
        rows = []
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
    try:
        rows = conn.execute("SELECT id, sha256, suffix FROM attachments").fetchall()
    except sqlite3.OperationalError:
        rows = []
    for row_id, sha, suffix in rows:
        problem = files_store.name_problem(sha, suffix or "")
        if problem:
            problems.append(f"照片和签到表第 {row_id} 条记录：{problem}")
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


# ---------------------------------------------------------------------------------------------
# Taking a backup


# The live database fails SQLite's integrity check: a backup of it would not be a good one.
DamagedDatabase = guard.DamagedDatabase


def _free_name(folder: Path, kind: str, when: datetime) -> Path:
    stem = f"huiquan-{kind}-{when:%Y%m%d-%H%M%S}"
    path = folder / f"{stem}.zip"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}.zip"
        number += 1
    return path


def default_name(kind: str = "manual", when: datetime | None = None) -> str:
    return f"huiquan-{kind}-{(when or datetime.now()):%Y%m%d-%H%M%S}.zip"


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
        raise DamagedDatabase(f"数据库已损坏，无法备份：{err}") from err


def _manifest(kind: str, when: datetime, facts: dict[str, Any], members: dict[str, dict[str, Any]],
              missing: list[str]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app": "huiquan_desk",
        "app_version": __version__,
        "kind": kind,
        "created_at": when.isoformat(timespec="seconds"),
        "revision": facts["revision"],
        "community": facts["community"],
        "counts": facts["counts"],
        "missing": missing,
        "members": members,
    }


def _add_member(zf: zipfile.ZipFile, name: str, source: Path, when: datetime, compress: int) -> dict[str, Any]:
    """Stream `source` into the zip as `name`, hashing it on the way."""
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    info.file_size = source.stat().st_size  # lets zipfile choose zip64 for a huge member
    digest = hashlib.sha256()
    size = 0
    with open(source, "rb") as handle, zf.open(info, "w") as out:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def create_backup(data: DataDir, kind: str = "manual", dest: Path | None = None,
                  progress: Progress | None = None, now: datetime | None = None,
                  before_publish: Callable[[BackupInfo], None] | None = None) -> BackupInfo:
    """Write one backup zip: to `dest` if given (a file path), else into data/backups/ under
    `huiquan-<kind>-YYYYMMDD-HHMMSS.zip`. Returns what it wrote.

    Raises StorageError (DamagedDatabase if the database fails its integrity check); nothing is
    left under the final name unless the zip is complete. `progress` may raise Cancelled.
    `before_publish(info)` runs when the zip is complete but before it gets its name (the audit
    entry of a manual backup): if it raises, no zip is left behind.
    """
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown backup kind {kind!r}")
    when = (now or datetime.now()).replace(microsecond=0)
    try:
        data.backups.mkdir(parents=True, exist_ok=True)
        if dest is None:
            target = _free_name(data.backups, kind, when)
        else:
            target = Path(dest)
            if target.is_dir():
                target = target / default_name(kind, when)
            elif target.suffix.lower() != ".zip":
                target = target.with_name(target.name + ".zip")
        if not target.parent.is_dir():
            raise StorageError(f"备份的目标文件夹 {target.parent} 不存在。")
    except OSError as err:
        raise StorageError(f"无法使用备份文件夹 {data.backups}：{err.strerror or err}") from err
    snapshot = _temp_path(data.backups, "snapshot.sqlite3")
    part = _temp_path(target.parent, target.name + ".part")
    done = False
    try:
        snapshot_database(data.database, snapshot)
        problems = integrity_problems(snapshot)
        if problems:
            raise DamagedDatabase("数据库没有通过完整性检查，不能作为备份：\n" + "\n".join(problems))
        with _readonly(snapshot) as conn:
            facts = _facts(conn)
            refs = references(conn)
        for sha in sorted(refs.bare):  # a hash without a suffix: whatever file of that hash exists
            folder = data.files / sha[:2]
            if folder.is_dir():
                refs.pairs.update((sha, p.name[64:]) for p in folder.glob(f"{sha}*") if p.is_file())
        pairs = sorted(refs.pairs)
        total = len(pairs) + 1
        members: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        with zipfile.ZipFile(part, "w", allowZip64=True) as zf:
            members[DB_MEMBER] = _add_member(zf, DB_MEMBER, snapshot, when, zipfile.ZIP_DEFLATED)
            if progress:
                progress(1, total)
            for index, (sha, suffix) in enumerate(pairs, start=2):
                source = data.files / sha[:2] / f"{sha}{suffix}"
                name = f"files/{sha[:2]}/{sha}{suffix}"
                if not source.is_file():
                    missing.append(f"{sha}{suffix}")
                else:
                    entry = _add_member(zf, name, source, when, zipfile.ZIP_STORED)
                    members[name] = entry
                    if entry["sha256"] != sha:
                        log.warning("attachment %s%s is damaged (content hash differs)", sha, suffix)
                if progress:
                    progress(index, total)
            manifest = _manifest(kind, when, facts, members, missing)
            zf.writestr(zipfile.ZipInfo(MANIFEST, date_time=when.timetuple()[:6]),
                        json.dumps(manifest, ensure_ascii=False, indent=1), compress_type=zipfile.ZIP_DEFLATED)
        _fsync_file(part)
        if before_publish is not None:
            before_publish(_info_from_manifest(target, manifest))
        os.replace(part, target)
        done = True
        _fsync_dir(target.parent)
    except OSError as err:
        raise StorageError(f"备份没有完成：{err.strerror or err}。请检查目标位置的剩余空间和写入权限。") from err
    finally:
        snapshot.unlink(missing_ok=True)
        if not done:
            part.unlink(missing_ok=True)
    info = _info_from_manifest(target, manifest)
    log.info("backup written: %s (%s, %d files)", target, kind, info.files)
    return info


# ---------------------------------------------------------------------------------------------
# Reading and verifying


class _Unreadable(Exception):
    """A member that cannot be read safely (encrypted, unknown compression, too large, damaged)."""


SUPPORTED_COMPRESSION = {zipfile.ZIP_STORED: "不压缩", zipfile.ZIP_DEFLATED: "deflate"}


def _member_problem(info: zipfile.ZipInfo, cap: int) -> str | None:
    """Why a member cannot be read, judged from the zip's directory before a byte is inflated."""
    if info.flag_bits & 0x1:
        return f"备份里的 {info.filename} 是加密的，本程序不能读取（惠泉台账的备份从不加密）。"
    if info.compress_type not in SUPPORTED_COMPRESSION:
        return f"备份里的 {info.filename} 使用了本程序不支持的压缩方式（方式编号 {info.compress_type}），不是惠泉台账写的备份。"
    if info.file_size > cap:
        return (f"备份里的 {info.filename} 有 {human_size(info.file_size)}，超过了单个文件的上限 {human_size(cap)}"
                "（设置「备份中单个文件的上限」），没有读取。")
    return None


def _read_limited(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, refused as soon as more than `limit` of them come out (a zip bomb)."""
    info = zf.getinfo(name)
    problem = _member_problem(info, limit)
    if problem:
        raise _Unreadable(problem)
    with zf.open(info) as member:
        raw = member.read(limit + 1)
    if len(raw) > limit:
        raise _Unreadable(f"备份里的 {name} 解压后超过 {human_size(limit)}，没有读取。")
    return raw


def _read_manifest(zf: zipfile.ZipFile) -> tuple[dict[str, Any] | None, str | None]:
    try:
        raw = _read_limited(zf, MANIFEST, MANIFEST_MAX)
    except KeyError:
        return None, "备份文件里没有 manifest.json，不是惠泉台账的备份。"
    except _Unreadable as err:
        return None, str(err)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as err:
        return None, f"备份说明 manifest.json 已损坏：{err}"
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, "备份说明 manifest.json 无法解析，备份已损坏。"
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return None, "这个 zip 不是惠泉台账的备份（缺少备份标识）。"
    if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > FORMAT_VERSION:
        return None, "这个备份的格式来自更新版本的惠泉台账，请先升级本程序。"
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("sha256"), str) and isinstance(v.get("size"), int)
            and not isinstance(v.get("size"), bool) and v["size"] >= 0 for v in members.values()):
        return None, "备份说明 manifest.json 的成员清单不完整，备份已损坏。"
    return manifest, None


def _info_from_manifest(path: Path, manifest: dict[str, Any]) -> BackupInfo:
    try:
        created = datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError:
        created = None
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    counts: dict[Any, Any] = manifest["counts"] if isinstance(manifest.get("counts"), dict) else {}
    members = manifest.get("members") or {}
    revision = manifest.get("revision")
    return BackupInfo(
        path=path, kind=str(manifest.get("kind") or ""), created_at=created, size=size,
        community=str(manifest.get("community") or ""), revision=revision if isinstance(revision, str) else None,
        app_version=str(manifest.get("app_version") or ""),
        counts={str(k): v for k, v in counts.items() if isinstance(v, int) and not isinstance(v, bool)},
        files=sum(1 for name in members if name.startswith("files/")),
        missing=[str(m) for m in manifest.get("missing") or [] if isinstance(manifest.get("missing"), list)],
    )


def _open_zip(path: Path) -> tuple[zipfile.ZipFile | None, str | None]:
    try:
        return zipfile.ZipFile(path), None
    except FileNotFoundError:
        return None, f"找不到备份文件 {path}"
    except IsADirectoryError:
        return None, f"{path} 是一个文件夹，不是备份文件"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        return None, f"不是完整的 zip 文件（可能没有复制完或已损坏）：{err}"


def read_backup_info(path: Path) -> BackupInfo:
    """The manifest only (cheap: no member but the manifest is read). `ok` is False if even that fails."""
    path = Path(path)
    zf, problem = _open_zip(path)
    if zf is None:
        return BackupInfo(path, ok=False, problems=[problem or "备份文件无法打开"])
    with zf:
        manifest, problem = _read_manifest(zf)
    if manifest is None:
        return BackupInfo(path, ok=False, problems=[problem or "备份说明无法读取"])
    return _info_from_manifest(path, manifest)


def member_cap(megabytes: int | None = None) -> int:
    """The largest backup member accepted, in bytes (the setting `backup.max_member_mb`, which the
    caller reads; the default when it gives none or nonsense)."""
    return (megabytes if megabytes and megabytes > 0 else MAX_MEMBER_MB) << 20


def _hash_member(zf: zipfile.ZipFile, name: str, out: Path | None = None, sync: bool = False,
                 limit: int | None = None) -> tuple[str, int]:
    """SHA-256 and size of a member, optionally written to `out`. With `limit`, reading stops with
    `_Unreadable` as soon as more bytes come out than that (whatever the zip's directory claims)."""
    digest = hashlib.sha256()
    size = 0
    handle = open(out, "wb") if out is not None else None
    try:
        with zf.open(name) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                if limit is not None and size > limit:
                    raise _Unreadable(f"备份里的 {name} 已被改动或损坏（解压后比备份说明写的 {human_size(limit)} 更大，"
                                      "校验值不符），没有继续读取。")
                digest.update(chunk)
                if handle is not None:
                    handle.write(chunk)
        if handle is not None and sync:
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        if handle is not None:
            handle.close()
    return digest.hexdigest(), size


READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, KeyError)


@dataclass
class Verified:
    """What verifying a backup found: its problems, and what its database really holds."""

    problems: list[str] = field(default_factory=list)
    facts: dict[str, Any] | None = None  # revision, community, counts: read from the database inside
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> sha256, size (verified)


def _check_database(db_copy: Path, manifest: dict[str, Any], listed: dict[str, dict[str, Any]],
                    result: Verified) -> None:
    """The database inside a backup: intact, made by this app's migrations, names that are names,
    every attachment it references present, and the same as the manifest says."""
    problems = result.problems
    db_problems = integrity_problems(db_copy)
    problems.extend(f"备份里的{p}" for p in db_problems)
    if db_problems:
        return
    with _readonly(db_copy) as conn:
        conn.execute("PRAGMA trusted_schema=OFF")  # nothing in this file runs while we read it
        revision = None
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            pass
        revision = revision[0] if revision else None
        if revision != manifest.get("revision"):
            problems.append("备份说明里的数据库版本与备份里的数据库不一致，备份已损坏。")
        if revision_problem(revision if isinstance(revision, str) else None):
            return  # intact, but from a newer (or foreign) program: `inspect_backup` says it cannot be restored
        structure = schema_problems(conn)
        if structure:
            problems.append("备份里的数据库不是惠泉台账按它的版本创建的，不能恢复：")
            problems.extend(f"  {p}" for p in structure[:20])
            return
        names = stored_name_problems(conn)
        if names:
            problems.append("备份里的数据库含有不是附件文件名的附件名（可能被人改动过），不能恢复：")
            problems.extend(f"  {p}" for p in names[:20])
            return
        facts = _facts(conn)
        refs = references(conn)
    result.facts = facts
    counts = manifest.get("counts")
    if isinstance(counts, dict) and counts != facts["counts"]:
        problems.append("备份说明里的记录数与备份里的数据库不一致，备份已被改动。")
    declared_missing = set(manifest.get("missing") or []) if isinstance(manifest.get("missing"), list) else set()
    for sha, suffix in sorted(refs.pairs):
        name = f"files/{sha[:2]}/{sha}{suffix}"
        if name not in listed and f"{sha}{suffix}" not in declared_missing:
            problems.append(f"备份缺少数据库引用的附件 {sha[:12]}…{suffix}")
            if len(problems) > 40:
                break


def _verify(zf: zipfile.ZipFile, manifest: dict[str, Any], cap: int, progress: Progress | None) -> Verified:
    result = Verified()
    problems = result.problems
    listed: dict[str, dict[str, Any]] = manifest["members"]
    infos = [info for info in zf.infolist() if not info.is_dir()]
    present = [info.filename for info in infos]
    if len(present) != len(set(present)):
        problems.append("备份里有重复的文件名，备份已损坏。")
    present_set = set(present) - {MANIFEST}
    for name in sorted(set(listed) - present_set)[:20]:
        problems.append(f"备份缺少文件 {name}")
    for name in sorted(present_set - set(listed))[:20]:
        problems.append(f"备份里有清单之外的文件 {name}")
    for name in listed:
        if name != DB_MEMBER and not FILE_MEMBER_RE.match(name):
            problems.append(f"备份清单里有不允许的文件名 {name}")
    if DB_MEMBER not in listed:
        problems.append("备份里没有数据库 huiquan.sqlite3")
    by_name = {info.filename: info for info in infos}
    names = sorted(set(listed) & present_set)
    with tempfile.TemporaryDirectory(prefix="huiquan-verify-") as scratch:
        db_copy = Path(scratch) / DB_MEMBER
        db_good = False
        for index, name in enumerate(names, start=1):
            declared = listed[name]["size"]
            problem = _member_problem(by_name[name], cap)
            if problem:
                problems.append(problem)
                continue
            try:
                sha, size = _hash_member(zf, name, db_copy if name == DB_MEMBER else None, limit=declared)
            except _Unreadable as err:
                problems.append(str(err))
                continue
            except (*READ_ERRORS, OSError) as err:
                if isinstance(err, OSError) and name == DB_MEMBER:
                    raise StorageError(f"核对备份时无法写入临时文件夹：{err.strerror or err}。请检查磁盘空间。") from err
                problems.append(f"备份里的 {name} 已损坏（{err}）")
                continue
            if sha != listed[name]["sha256"] or size != declared:
                problems.append(f"备份里的 {name} 已被改动或损坏（SHA-256 校验值不符）")
                continue
            match = FILE_MEMBER_RE.match(name)
            if match and (match.group(1) != match.group(2)[:2]):
                problems.append(f"备份里的 {name} 放错了位置")
                continue
            result.members[name] = {"sha256": sha, "size": size}
            if name == DB_MEMBER:
                db_good = True
            if progress:
                progress(index, len(names))
        if db_good:
            _check_database(db_copy, manifest, listed, result)
    return result


def verify_backup(path: Path, progress: Progress | None = None, cap: int | None = None) -> list[str]:
    """Problems with a backup (Chinese), [] if it is good: the manifest parses, every member is
    there with the SHA-256 and size it lists (and nothing else is), no member is encrypted, packed
    in a way this program does not write or larger than `cap` (a zip bomb is stopped as it
    inflates), the database inside passes `PRAGMA integrity_check` and is exactly what this
    program's migrations create (no foreign trigger, view or table), its attachment names are
    names, and every attachment it references is inside."""
    return _verify_path(Path(path), progress, cap).problems


def _verify_path(path: Path, progress: Progress | None, cap: int | None) -> Verified:
    zf, problem = _open_zip(path)
    if zf is None:
        return Verified([problem or "备份文件无法打开"])
    with zf:
        manifest, problem = _read_manifest(zf)
        if manifest is None:
            return Verified([problem or "备份说明无法读取"])
        try:
            return _verify(zf, manifest, cap or member_cap(), progress)
        except (zipfile.BadZipFile, OSError) as err:
            if isinstance(err, StorageError):
                raise
            return Verified([f"备份文件读取出错（可能没有复制完或已损坏）：{err}"])


def inspect_backup(path: Path, progress: Progress | None = None, cap: int | None = None) -> BackupInfo:
    """Manifest plus a full verification, and whether this program can restore it. The counts,
    community name and revision shown are read from the database inside, not from the manifest."""
    info = read_backup_info(path)
    if info.ok is False:
        return info
    verified = _verify_path(Path(path), progress, cap)
    info.problems = verified.problems
    if verified.facts is not None:
        info.counts = dict(verified.facts["counts"])
        info.community = str(verified.facts["community"] or "")
        info.revision = verified.facts["revision"]
    revision = revision_problem(info.revision)
    if revision and revision not in info.problems:
        info.problems.append(revision)
    info.ok = not info.problems
    info.members = verified.members if info.ok else {}
    return info


def list_backups(data: DataDir) -> list[BackupInfo]:
    """Backups in data/backups (any zip there with a manifest of this app), newest first.
    Only manifests are read; `ok` stays None until a backup is verified."""
    found: list[BackupInfo] = []
    if not data.backups.is_dir():
        return found
    for path in data.backups.iterdir():
        if path.suffix.lower() != ".zip" or path.name.startswith(".") or not path.is_file():
            continue
        info = read_backup_info(path)
        if info.ok is False and not info.ours:
            continue  # somebody's own zip: not ours to list
        found.append(info)
    found.sort(key=lambda i: (i.created_at or datetime.min, i.path.name), reverse=True)
    return found


def newest_good_backup(data: DataDir) -> Path | None:
    """The newest backup in data/backups that verifies and this program can restore (for the
    start-up offer when the database is damaged)."""
    for info in list_backups(data):
        if info.ok is False or revision_problem(info.revision):
            continue
        if not verify_backup(info.path):
            return info.path
    return None


# ---------------------------------------------------------------------------------------------
# Daily backup and rotation


def _stamp(match: re.Match[str]) -> datetime | None:
    try:
        return datetime.strptime(match.group(2) + match.group(3), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def has_backup_on(data: DataDir, day: date) -> bool:
    """Whether an automatic backup of `day` exists: a directory listing, no zip is opened."""
    prefix = f"huiquan-auto-{day:%Y%m%d}-"
    try:
        return any(name.startswith(prefix) and name.endswith(".zip") for name in os.listdir(data.backups))
    except OSError:
        return False


def backup_if_due(data: DataDir, today: date | None = None, rotation: Rotation | None = None,
                  progress: Progress | None = None) -> BackupInfo | None:
    """At most one automatic backup a day: None (after one directory listing) if today's exists,
    else take it and prune old automatic backups by `rotation` (the caller reads the setting)."""
    today = today or date.today()
    if has_backup_on(data, today) or not data.database.is_file():
        return None
    clean_stale_temp_files(data.backups)
    when = datetime.combine(today, datetime.now().time())
    info = create_backup(data, "auto", progress=progress, now=when)
    prune_backups(data, rotation or Rotation())
    return info


def _gfs_keep(items: list[tuple[datetime, Path]], rotation: Rotation) -> set[Path]:
    """Newest backup of each of the newest `daily` days, `weekly` ISO weeks, `monthly` months."""
    ordered = sorted(items, reverse=True)
    keep: set[Path] = {ordered[0][1]} if ordered else set()
    rules: Iterable[tuple[int, Callable[[datetime], object]]] = (
        (rotation.daily, lambda d: d.date()),
        (rotation.weekly, lambda d: tuple(d.isocalendar())[:2]),
        (rotation.monthly, lambda d: (d.year, d.month)),
    )
    for count, bucket in rules:
        seen: set[object] = set()
        for when, path in ordered:
            key = bucket(when)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(key)
            keep.add(path)
    return keep


def _manifest_kind(path: Path) -> str | None:
    info = read_backup_info(path)
    return None if info.ok is False else info.kind


def prune_backups(data: DataDir, rotation: Rotation | None = None,
                  kinds: Iterable[str] = ("auto", "pre-migration", "pre-restore")) -> list[Path]:
    """Delete automatic backups the rotation no longer keeps; returns what was deleted.

    Only files named `huiquan-<kind>-YYYYMMDD-HHMMSS.zip` whose manifest (of this app) has the
    same kind are considered at all; anything else in the folder is never touched. `auto`
    backups follow `rotation` (the caller reads the setting; default 7/4/12), the others keep their last 10;
    `manual` ones are never deleted here."""
    kinds = set(kinds) - {"manual"}
    by_kind: dict[str, list[tuple[datetime, Path]]] = {}
    try:
        names = os.listdir(data.backups)
    except OSError:
        return []
    for name in names:
        match = NAME_RE.match(name)
        if not match or match.group(1) not in kinds:
            continue
        when = _stamp(match)
        path = data.backups / name
        if when is None or not path.is_file() or _manifest_kind(path) != match.group(1):
            continue
        by_kind.setdefault(match.group(1), []).append((when, path))
    removed: list[Path] = []
    for kind, items in by_kind.items():
        if kind == "auto":
            keep = _gfs_keep(items, rotation or Rotation())
        else:
            keep = {path for _when, path in sorted(items, reverse=True)[:KEEP_SPECIAL]}
        for _when, path in items:
            if path not in keep:
                try:
                    path.unlink()
                    removed.append(path)
                except OSError as err:
                    log.warning("could not remove old backup %s: %s", path, err)
    if removed:
        log.info("pruned %d old backups", len(removed))
    return removed


# ---------------------------------------------------------------------------------------------
# Restore


def _marker(data: DataDir) -> Path:
    return data.root / MARKER


def _write_marker(data: DataDir, state: dict[str, Any]) -> None:
    """Atomically (temp + rename + fsync): the marker is always either the old or the new state."""
    tmp = _temp_path(data.root, "marker")
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    _fsync_file(tmp)
    os.replace(tmp, _marker(data))
    _fsync_dir(data.root)


def _clear_marker(data: DataDir) -> None:
    _marker(data).unlink(missing_ok=True)
    _fsync_dir(data.root)


def _sidecars(database: Path) -> list[Path]:
    return [database.with_name(database.name + s) for s in ("-wal", "-shm", "-journal")]


def _close_old_database(database: Path) -> None:
    """Fold the WAL into the database file and leave it in rollback-journal mode with no -wal or
    -shm beside it, so nothing of the old database can be replayed onto the new one."""
    if database.is_file():
        try:
            conn = _connect(database, timeout=5)
            try:
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if busy and busy[0]:
                    raise StorageError("数据库正被另一个程序（或另一个窗口）使用，无法恢复。请先关闭它再试。")
                conn.execute("PRAGMA journal_mode=DELETE")
            finally:
                conn.close()
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise StorageError("数据库正被另一个程序（或另一个窗口）使用，无法恢复。请先关闭它再试。") from err
            log.warning("old database could not be checkpointed (%s); its WAL is discarded", err)
        except sqlite3.DatabaseError as err:  # damaged: it was saved raw before, its WAL is no use
            log.warning("old database is damaged (%s); its WAL is discarded", err)
    for sidecar in _sidecars(database):
        sidecar.unlink(missing_ok=True)


def _switch_database(data: DataDir, new: Path) -> None:
    _close_old_database(data.database)
    os.replace(new, data.database)
    _fsync_dir(data.root)


def _remove_file(path: Path) -> None:
    path.unlink(missing_ok=True)


def remove_unreferenced_files(data: DataDir, refs: References | None = None) -> int:
    """Delete every file in files/ the database does not reference (and unfinished `.incoming-`
    copies). Refuses (returns 0) when the database cannot be read reliably."""
    if refs is None:
        if integrity_problems(data.database, quick=True):
            log.warning("database not readable: unreferenced files kept")
            return 0
        refs = references_of(data.database)
    removed = 0
    if not data.files.is_dir():
        return 0
    for folder in sorted(data.files.iterdir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            name = path.name
            sha = name[:64]
            keep = SHA_RE.match(sha) is not None and folder.name == sha[:2] and refs.keeps(sha, name)
            if not keep:
                _remove_file(path)
                removed += 1
        try:
            folder.rmdir()  # only if now empty
        except OSError:
            pass
    return removed


def _save_damaged(data: DataDir, when: datetime) -> Path:
    """Keep a raw copy of a database too damaged for a normal backup (with its WAL)."""
    target = data.backups / f"huiquan-damaged-{when:%Y%m%d-%H%M%S}"
    target.mkdir(parents=True, exist_ok=True)
    for path in [data.database, *_sidecars(data.database)]:
        if path.is_file():
            shutil.copy2(path, target / path.name)
    return target


def _dispose(close: Callable[[], None] | Any | None) -> None:
    if close is None:
        return
    dispose = getattr(close, "dispose", None)
    (dispose or close)()


def restore_backup(data: DataDir, path: Path, engine_to_close: Callable[[], None] | Any | None = None,
                   progress: Progress | None = None, cap: int | None = None) -> RestoreReport:
    """Replace the data folder's database and attachment files with the backup at `path`.

    1. The backup is verified; problems raise StorageError before anything is touched.
    2. The current data is kept as a `pre-restore` backup (a damaged database is copied raw).
    3. The snapshot database is extracted beside the live one and fsynced; the snapshot's
       attachment files are copied into files/ (content-addressed, so adding is harmless).
    4. `engine_to_close` (an Engine, or a callable that disposes the caller's engine) is called,
       the old database is checkpointed (TRUNCATE) and its -wal/-shm removed, and the new file
       is put in place with one `os.replace`.
    5. Files the restored database does not reference are removed.

    A marker file (written atomically before step 3, updated before step 4, removed after 5)
    lets `finish_interrupted_restore` finish or undo a restore killed at any point. Killed
    before the switch, the old data stays; after it, the restored data is complete.
    `progress` is called during steps 1–3 only (it may raise Cancelled there).
    """
    path = Path(path)
    finish_interrupted_restore(data)
    info = inspect_backup(path, progress, cap)
    if info.problems:
        raise StorageError("这个备份不能用来恢复，当前数据没有任何改动：\n" + "\n".join(info.problems[:20]))
    zf, problem = _open_zip(path)
    if zf is None:
        raise StorageError(f"备份文件在核对之后无法再打开（{problem}），当前数据没有任何改动。")
    with zf:
        return _restore_from(data, zf, info, engine_to_close, progress)


CHANGED_DURING_RESTORE = "备份文件在恢复过程中发生了变化（{0}），已停止，当前数据没有改动。"


def _extract(zf: zipfile.ZipFile, name: str, expected: dict[str, Any], out: Path) -> None:
    """Copy one verified member to `out`: the bytes must be the ones verified a moment ago."""
    try:
        got, size = _hash_member(zf, name, out, limit=expected["size"])
    except _Unreadable as err:
        raise StorageError(CHANGED_DURING_RESTORE.format(err)) from err
    except READ_ERRORS as err:
        raise StorageError(CHANGED_DURING_RESTORE.format(f"{name} 无法读取：{err}")) from err
    except OSError as err:
        raise StorageError(f"恢复没有完成：写入 {out.parent} 时出错（{err.strerror or err}）。"
                           "请检查磁盘空间和数据文件夹权限。当前数据没有改动。") from err
    if got != expected["sha256"] or size != expected["size"]:
        what = "数据库校验值不符" if name == DB_MEMBER else f"{name} 校验值不符"
        raise StorageError(CHANGED_DURING_RESTORE.format(what))


def _restore_from(data: DataDir, zf: zipfile.ZipFile, info: BackupInfo,
                  engine_to_close: Any, progress: Progress | None) -> RestoreReport:
    when = datetime.now().replace(microsecond=0)
    data.ensure()
    report = RestoreReport(info, None)
    if data.database.is_file():
        try:
            report.safety_backup = create_backup(data, "pre-restore", now=when).path
        except DamagedDatabase:
            report.safety_backup = _save_damaged(data, when)
            report.notes.append(f"当前数据库已损坏，已原样保存到 {report.safety_backup.name}")
        prune_backups(data, kinds=("pre-restore",))
    listed = info.members  # as verified: what is extracted must be exactly this
    file_members = sorted(name for name in listed if name.startswith("files/"))
    new_db = _temp_path(data.root, "restore.sqlite3")
    state: dict[str, Any] = {"stage": "prepare", "new_database": new_db.name, "added": [],
                             "backup": info.path.name, "started_at": when.isoformat()}
    switched = False
    try:
        _write_marker(data, state)
        _extract(zf, DB_MEMBER, listed[DB_MEMBER], new_db)
        # Which snapshot files are not (intact) in files/ yet: recorded before copying, so an
        # interrupted restore knows what it may take away again.
        todo: list[tuple[str, str]] = []
        for name in file_members:
            match = FILE_MEMBER_RE.match(name)
            assert match is not None  # verified
            file_sha, suffix = match.group(2), match.group(3)
            if listed[name]["sha256"] != file_sha:
                report.notes.append(f"备份里的附件 {file_sha[:12]}…{suffix} 在备份时已损坏，未恢复")
                continue
            target = data.files / file_sha[:2] / f"{file_sha}{suffix}"
            if target.is_file() and target.stat().st_size == listed[name]["size"] and files_store.sha256_of(target) == file_sha:
                continue
            todo.append((name, f"{file_sha[:2]}/{file_sha}{suffix}"))
        state["added"] = [relative for _name, relative in todo]
        _write_marker(data, state)
        total = len(todo) + 1
        if progress:
            progress(1, total)
        for index, (name, relative) in enumerate(todo, start=2):
            target = data.files / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".incoming-{os.getpid()}-{target.name}")
            try:
                _extract(zf, name, listed[name], tmp)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            report.files_added += 1
            if progress:
                progress(index, total)
        _flush_to_disk([new_db, *(data.files / relative for _name, relative in todo)])
        state["stage"] = "switch"
        _write_marker(data, state)
        _dispose(engine_to_close)
        _switch_database(data, new_db)
        switched = True
    except BaseException as err:
        if not switched:
            _undo_prepare(data, state)
        if isinstance(err, OSError):
            raise StorageError(f"恢复没有完成：{err.strerror or err}。请检查磁盘空间和数据文件夹权限。"
                               + ("" if switched else "当前数据没有改动。")) from err
        raise
    try:
        report.files_removed = remove_unreferenced_files(data, references_of(data.database))
        _clear_marker(data)
    except (OSError, sqlite3.Error, StorageError) as err:  # the next start finishes the cleanup
        log.warning("cleanup after restore not finished: %s", err)
        report.notes.append("部分旧附件文件没能删除，下次启动时会自动清理。")
    log.info("restored %s (%d files added, %d removed)", info.path, report.files_added, report.files_removed)
    return report


def _undo_prepare(data: DataDir, state: dict[str, Any]) -> None:
    """The switch never happened: drop the extracted database and the files only it needed."""
    name = str(state.get("new_database") or "")
    if name.startswith(TEMP_PREFIX) and "/" not in name and "\\" not in name:
        (data.root / name).unlink(missing_ok=True)
    added = [str(a) for a in state.get("added") or []]
    if added:
        try:
            refs = references_of(data.database) if data.database.is_file() else References()
            readable = not data.database.is_file() or not integrity_problems(data.database, quick=True)
        except (sqlite3.Error, StorageError):
            refs, readable = References(), False
        if readable:
            for relative in added:
                match = re.match(r"^([0-9a-f]{2})/([0-9a-f]{64})([^/\\:\x00]{0,16})$", relative)
                if match and not refs.keeps(match.group(2), match.group(2) + match.group(3)):
                    _remove_file(data.files / relative)
    _remove_incoming(data)
    _clear_marker(data)


def _remove_incoming(data: DataDir) -> None:
    if data.files.is_dir():
        for path in data.files.glob("*/.incoming-*"):
            path.unlink(missing_ok=True)


def finish_interrupted_restore(data: DataDir) -> str | None:
    """Called at start (before the database is opened): finish or undo a restore that was killed.

    Returns a Chinese note of what was done, or None if there was nothing to do."""
    clean_stale_temp_files(data.root)
    marker = _marker(data)
    if not marker.is_file():
        return None
    try:
        state = json.loads(marker.read_text(encoding="utf-8"))
        if not isinstance(state, dict):
            raise ValueError
    except (OSError, ValueError):
        state = {"stage": "prepare"}
        for stray in data.root.glob(f"{TEMP_PREFIX}restore.sqlite3-*"):
            stray.unlink(missing_ok=True)
    name = str(state.get("new_database") or "")
    new_db = data.root / name if name.startswith(TEMP_PREFIX) and "/" not in name and "\\" not in name else None
    if state.get("stage") == "switch" and new_db is not None and new_db.is_file():
        if integrity_problems(new_db, quick=True):
            log.warning("interrupted restore: the extracted database is damaged; old data kept")
            _undo_prepare(data, state)
            return "上次从备份恢复没有完成，已保留恢复前的数据。"
        _switch_database(data, new_db)
    elif state.get("stage") != "switch":
        _undo_prepare(data, state)
        log.info("interrupted restore undone: old data kept")
        return "上次从备份恢复没有完成，已保留恢复前的数据。"
    removed = remove_unreferenced_files(data)
    _remove_incoming(data)
    _clear_marker(data)
    log.info("interrupted restore finished (%d unreferenced files removed)", removed)
    return "上次从备份恢复在中途被打断，已在这次启动时完成恢复。"
