"""Taking a backup: the snapshot and the manifest in a zip written under a temporary name and
renamed when complete; the files it references put into the store beside it first (or, for a
single-file backup, into the zip)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from huiquan_desk import __version__
from huiquan_desk.domain.errors import Progress, StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.storage.backups.format import (
    CHUNK,
    DB_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    KIND_LABELS,
    MANIFEST,
    SINGLE_FILE_VERSION,
    BackupInfo,
    _flush_to_disk,
    _fsync_dir,
    _fsync_file,
    _temp_path,
)
from huiquan_desk.storage.backups.snapshot import (
    DamagedDatabase,
    _facts,
    _readonly,
    integrity_problems,
    references,
    snapshot_database,
)
from huiquan_desk.storage.backups.store import SourceDamaged, Store, parse_name, store_name
from huiquan_desk.storage.backups.verify import _info_from_manifest

log = logging.getLogger("huiquan_desk.backups")


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


def _manifest(kind: str, when: datetime, facts: dict[str, Any], members: dict[str, dict[str, Any]],
              missing: list[str], stored: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    manifest = {
        "format": FORMAT,
        "format_version": SINGLE_FILE_VERSION if stored is None else FORMAT_VERSION,
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
    if stored is not None:
        manifest["stored"] = stored
    return manifest


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


def _target(data: DataDir, kind: str, when: datetime, dest: Path | None, single_file: bool) -> tuple[Path, bool]:
    """Where the zip goes, and whether it is a single self-contained file: into data/backups/ or a
    chosen folder (a USB stick) beside their store, or to a chosen file (always a single file)."""
    try:
        data.backups.mkdir(parents=True, exist_ok=True)
        if dest is None:
            return _free_name(data.backups, kind, when), single_file
        target = Path(dest)
        if target.is_dir():
            return _free_name(target, kind, when), single_file
        if target.suffix.lower() != ".zip":
            target = target.with_name(target.name + ".zip")
        if not target.parent.is_dir():
            raise StorageError(f"备份的目标文件夹 {target.parent} 不存在。")
        return target, True
    except OSError as err:
        raise StorageError(f"无法使用备份文件夹 {data.backups}：{err.strerror or err}") from err


def _store_files(data: DataDir, store: Store, pairs: list[tuple[str, str]], lease: Path, missing: list[str],
                 progress: Progress | None, info: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Put every referenced attachment file into the store (new ones copied and verified, the others
    touched as in use); then make sure each is still there (a prune may have raced us)."""
    stored: dict[str, dict[str, Any]] = {}
    total = len(pairs) + 1
    if progress:
        progress(1, total)
    for index, (sha, suffix) in enumerate(pairs, start=2):
        source = data.files / sha[:2] / f"{sha}{suffix}"
        if not source.is_file():
            missing.append(f"{sha}{suffix}")
        else:
            try:
                info["copied"] += store.put(source, sha, suffix)
                stored[store_name(sha, suffix)] = {"sha256": sha, "size": source.stat().st_size}
            except SourceDamaged:
                log.warning("attachment %s%s is damaged (content hash differs): not backed up", sha, suffix)
                missing.append(f"{sha}{suffix}")
        if index % 100 == 0:
            os.utime(lease)  # still running
        if progress:
            progress(index, total)
    for name in stored:
        if not store.path(name).is_file():
            parsed = parse_name(name)
            assert parsed is not None
            info["copied"] += store.put(data.files / name, *parsed)
    _flush_to_disk(store.path(name) for name in stored)
    return stored


def create_backup(data: DataDir, kind: str = "manual", dest: Path | None = None,
                  progress: Progress | None = None, now: datetime | None = None,
                  before_publish: Callable[[BackupInfo], None] | None = None,
                  single_file: bool = False) -> BackupInfo:
    """Write one backup: into data/backups/ under `huiquan-<kind>-YYYYMMDD-HHMMSS.zip`, or into the
    folder `dest` (a USB stick) under that name; the zip holds the database snapshot and the
    manifest, the attachment files go into the store beside it (only those it lacks are copied).
    With `single_file`, or when `dest` is a file name, one self-contained zip holds the files too.
    Returns what it wrote.

    Raises StorageError (DamagedDatabase if the database fails its integrity check); nothing is
    left under the final name unless the backup is complete. `progress` may raise Cancelled.
    `before_publish(info)` runs when the zip is complete but before it gets its name (the audit
    entry of a manual backup): if it raises, no zip is left behind (files it added to the store
    are removed by the next prune).
    """
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown backup kind {kind!r}")
    when = (now or datetime.now()).replace(microsecond=0)
    target, single = _target(data, kind, when, dest, single_file)
    try:
        if single:
            return _write(data, kind, when, target, None, progress, before_publish)
        store = Store(target.parent)
        with store.lease() as lease:
            return _write(data, kind, when, target, (store, lease), progress, before_publish)
    except OSError as err:
        raise StorageError(f"备份没有完成：{err.strerror or err}。请检查目标位置的剩余空间和写入权限。") from err


def _write(data: DataDir, kind: str, when: datetime, target: Path, store: tuple[Store, Path] | None,
           progress: Progress | None, before_publish: Callable[[BackupInfo], None] | None) -> BackupInfo:
    snapshot = _temp_path(data.backups, "snapshot.sqlite3")
    part = _temp_path(target.parent, target.name + ".part")
    done = False
    counters = {"copied": 0}
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
        members: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        stored = None if store is None else _store_files(data, store[0], pairs, store[1], missing, progress, counters)
        with zipfile.ZipFile(part, "w", allowZip64=True) as zf:
            members[DB_MEMBER] = _add_member(zf, DB_MEMBER, snapshot, when, zipfile.ZIP_DEFLATED)
            if progress and store is None:
                progress(1, len(pairs) + 1)
            for index, (sha, suffix) in enumerate(pairs if store is None else (), start=2):
                source = data.files / sha[:2] / f"{sha}{suffix}"
                name = f"files/{sha[:2]}/{sha}{suffix}"
                if not source.is_file():
                    missing.append(f"{sha}{suffix}")
                else:
                    entry = _add_member(zf, name, source, when, zipfile.ZIP_STORED)
                    members[name] = entry
                    counters["copied"] += entry["size"]
                    if entry["sha256"] != sha:
                        log.warning("attachment %s%s is damaged (content hash differs)", sha, suffix)
                if progress:
                    progress(index, len(pairs) + 1)
            manifest = _manifest(kind, when, facts, members, missing, stored)
            zf.writestr(zipfile.ZipInfo(MANIFEST, date_time=when.timetuple()[:6]),
                        json.dumps(manifest, ensure_ascii=False, indent=1), compress_type=zipfile.ZIP_DEFLATED)
        _fsync_file(part)
        if before_publish is not None:
            before_publish(_info_from_manifest(target, manifest))
        os.replace(part, target)
        done = True
        _fsync_dir(target.parent)
    finally:
        snapshot.unlink(missing_ok=True)
        if not done:
            part.unlink(missing_ok=True)
    info = _info_from_manifest(target, manifest)
    info.copied = counters["copied"] + members[DB_MEMBER]["size"]
    log.info("backup written: %s (%s, %d files, %d bytes new)", target, kind, info.files, info.copied)
    return info
