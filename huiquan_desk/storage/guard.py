"""Start-up safety for a data folder: one program at a time, a quick integrity check before
anything writes, and a warning for folders on a network share."""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from huiquan_desk.domain.errors import StorageError
from huiquan_desk.paths import DataDir

LOCK_NAME = "huiquan.lock"
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs", "ncpfs", "davfs",
                       "fuse.davfs2", "glusterfs", "ceph"}


class FolderInUse(StorageError):
    title = "数据文件夹正在使用"


class NetworkShareWarning(StorageError):
    title = "数据文件夹在网络共享上"


class DamagedDatabase(StorageError):
    title = "数据库已损坏"


class DataLock:
    """An OS lock on data/huiquan.lock held while the program runs. A second copy of the program on
    the same folder is refused instead of writing beside the first. The OS drops the lock when the
    process ends, even when it is killed, so a crash never leaves the folder locked."""

    def __init__(self, data: DataDir):
        self.path = data.root / LOCK_NAME
        self._handle = None

    def acquire(self) -> DataLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open on purpose
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "另一个程序"
            handle.close()
            raise FolderInUse(f"这个数据文件夹正被另一个惠泉台账使用（{holder}）。\n"
                              "同一份数据同时只能由一个程序打开，请先关闭另一个窗口再试。") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{socket.gethostname()} 进程 {os.getpid()}")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> DataLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle) -> None:  # type: ignore[no-untyped-def]
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle) -> None:  # type: ignore[no-untyped-def]
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(handle) -> None:  # type: ignore[no-untyped-def]
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle) -> None:  # type: ignore[no-untyped-def]
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@dataclass(frozen=True)
class HealthReport:
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def quick_check(database: Path) -> HealthReport:
    """`PRAGMA quick_check` on a read-only connection: a damaged file is never opened for writing."""
    if not database.exists():
        return HealthReport([])
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(20)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        return HealthReport([f"数据库文件无法读取：{err}"])
    return HealthReport([] if rows == ["ok"] else [f"数据库损坏：{r}" for r in rows])


def is_network_path(path: Path) -> bool:
    """True for a folder on a network share (SQLite's locking is unreliable there)."""
    path = Path(path).resolve()
    text = str(path)
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        if text.startswith("\\\\"):
            return True
        import ctypes

        drive = os.path.splitdrive(text)[0] + "\\"
        return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # DRIVE_REMOTE
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    best, fstype = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3:
            point = parts[1].replace("\\040", " ")
            if (text == point or text.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
                best, fstype = point, parts[2]
    return fstype in NETWORK_FILESYSTEMS


NETWORK_WARNING = ("数据文件夹 {0} 位于网络共享上。SQLite 在网络共享上的文件锁不可靠，多人同时使用可能损坏数据。\n"
                   "建议把数据文件夹放在本机磁盘上，用「备份」把数据带到其他电脑。")
