"""Restore, crash-safely: verify, keep the current data, extract beside it, switch with one
`os.replace`, and let a marker file finish or undo a restore that was killed at any point."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from huiquan_desk.domain.errors import Progress, StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.storage import files as files_store
from huiquan_desk.storage.backups.create import create_backup
from huiquan_desk.storage.backups.format import (
    CHUNK,
    DB_MEMBER,
    FILE_MEMBER_RE,
    MARKER,
    TEMP_PREFIX,
    BackupInfo,
    RestoreReport,
    _connect,
    _flush_to_disk,
    _fsync_dir,
    _fsync_file,
    _temp_path,
    clean_stale_temp_files,
)
from huiquan_desk.storage.backups.rotation import prune_backups
from huiquan_desk.storage.backups.snapshot import (
    DamagedDatabase,
    References,
    integrity_problems,
    references_of,
)
from huiquan_desk.storage.backups.store import STORE_DIR, Store
from huiquan_desk.storage.backups.verify import (
    READ_ERRORS,
    _hash_member,
    _open_zip,
    _Unreadable,
    inspect_backup,
)
from huiquan_desk.storage.files import SHA_RE

log = logging.getLogger("huiquan_desk.backups")


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


def _copy_stored(store: Store, name: str, expected: dict[str, Any], out: Path) -> None:
    """Copy one verified store file to `out`: the bytes must still be the ones verified."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(store.path(name), "rb") as source, open(out, "wb") as handle:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > expected["size"]:
                    break
                digest.update(chunk)
                handle.write(chunk)
    except FileNotFoundError as err:
        raise StorageError(CHANGED_DURING_RESTORE.format(f"{STORE_DIR} 中的 {name} 不见了")) from err
    except OSError as err:
        raise StorageError(f"恢复没有完成：复制 {name} 时出错（{err.strerror or err}）。"
                           "请检查磁盘空间和数据文件夹权限。当前数据没有改动。") from err
    if digest.hexdigest() != expected["sha256"] or size != expected["size"]:
        raise StorageError(CHANGED_DURING_RESTORE.format(f"{STORE_DIR} 中的 {name} 校验值不符"))


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
    # A backup's attachment files: in its zip, or in the store beside it (as verified, by store name).
    file_members = sorted(name for name in listed if name.startswith("files/"))
    file_members += sorted(f"files/{name}" for name in info.stored)
    listed = {**listed, **{f"files/{name}": entry for name, entry in info.stored.items()}}
    store = Store(info.path.parent)
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
                if name.removeprefix("files/") in info.stored:
                    _copy_stored(store, name.removeprefix("files/"), listed[name], tmp)
                else:
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
