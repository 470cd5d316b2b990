"""Start-up safety for a data folder: one program at a time, a quick integrity check before
anything writes, and a warning for folders on a network share."""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from huiquan_desk.domain.errors import StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.storage.sqlite import connect_readonly

LOCK_NAME = "huiquan.lock"
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs", "ncpfs", "davfs",
                       "fuse.davfs2", "glusterfs", "ceph"}


class FolderInUse(StorageError):
    title = "数据文件夹正在使用"


class NetworkShareWarning(StorageError):
    title = "数据文件夹在网络共享上"


class DamagedDatabase(StorageError):
    title = "数据库已损坏"


def check_folder(data: DataDir) -> None:
    """Make sure the data folder exists and can be written, or say in Chinese why not."""
    root = data.root
    if root.exists() and not root.is_dir():
        raise StorageError(f"数据文件夹 {root} 是一个文件，不是文件夹。\n"
                           "请用 --data-dir 指定一个文件夹（新建的空文件夹也可以），这个文件没有改动。")
    try:
        data.ensure()
    except OSError as err:
        raise StorageError(f"无法创建数据文件夹 {root}：{err.strerror or err}。"
                           "请换一个可写的位置（--data-dir）。") from err
    try:
        fd, probe = tempfile.mkstemp(dir=root, prefix=".huiquan-write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise StorageError(f"数据文件夹 {root} 不能写入（{err.strerror or err}）。"
                           "本程序要在里面保存数据库、照片和备份。\n请把这个文件夹复制到本机可写的位置，用 --data-dir 打开，"
                           "或请管理员开放写入权限。数据没有任何改动。") from err


def database_read_only(data: DataDir) -> bool:
    """True when the database file exists but cannot be written (a read-only file or mount)."""
    return data.database.is_file() and not os.access(data.database, os.W_OK)


READ_ONLY_DATABASE = ("数据库文件 {0} 是只读的：可以查看和打印不含个人信息的台账，但不能修改、导入、备份，"
                      "也不能导出含个人信息的文件（这些都要记入操作日志）。请把文件的只读属性去掉后重新打开。")


class DataLock:
    """An OS lock on data/huiquan.lock held while the program runs. A second copy of the program on
    the same folder is refused instead of writing beside the first. The OS drops the lock when the
    process ends, even when it is killed, so a crash never leaves the folder locked."""

    def __init__(self, data: DataDir):
        self.data = data
        self.path = data.root / LOCK_NAME
        self._handle: TextIO | None = None

    def acquire(self) -> DataLock:
        check_folder(self.data)
        try:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open on purpose
        except OSError as err:
            raise StorageError(f"无法在数据文件夹 {self.data.root} 里建立文件锁：{err.strerror or err}。"
                               "请检查文件夹权限。") from err
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

    def _lock(handle: TextIO) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: TextIO) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(handle: TextIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: TextIO) -> None:
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
        conn = connect_readonly(database)
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
