"""What a backup is: its name pattern and manifest, what it holds (BackupInfo), rotation rules, the
report of a restore, small file helpers every step shares, and which revisions can be restored."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from huiquan_desk.storage import sqlite as sqlite_files
from huiquan_desk.storage.revisions import HEAD_REVISION, REVISIONS

log = logging.getLogger("huiquan_desk.backups")


FORMAT = "huiquan-backup"
# 1: one zip holds the database and every attachment file (still written as the "single file"
# backup, and always restorable). 2: the zip holds the database; its attachment files are listed
# under "stored" and live in the store beside it (storage.backups.store).
FORMAT_VERSION = 2
SINGLE_FILE_VERSION = 1
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
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)  # files in the store beside it: name -> sha256, size
    copied: int = 0  # bytes this backup wrote (its zip and the files new to the store), once written

    @property
    def in_store(self) -> bool:
        """Its attachment files are in the store beside it (not inside the zip)."""
        return bool(self.stored)

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
