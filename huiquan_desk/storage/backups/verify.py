"""Reading and verifying a backup before it is trusted: members against the manifest (SHA-256 and
size), no encrypted or foreign member, a cap and a bomb limit while inflating, and the database
inside checked for integrity, structure (storage.schema) and names."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from huiquan_desk.domain.errors import Progress, StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.storage.backups.format import (
    CHUNK,
    DB_MEMBER,
    FILE_MEMBER_RE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_MAX,
    MAX_MEMBER_MB,
    NAME_RE,
    BackupInfo,
    human_size,
    revision_problem,
)
from huiquan_desk.storage.backups.snapshot import (
    _facts,
    _readonly,
    integrity_problems,
    references,
    stored_name_problems,
)
from huiquan_desk.storage.backups.store import STORE_DIR, Store, parse_name
from huiquan_desk.storage.schema import schema_problems

log = logging.getLogger("huiquan_desk.backups")


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
    stored = manifest.get("stored", {})
    if not isinstance(stored, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("sha256"), str) and isinstance(v.get("size"), int)
            and not isinstance(v.get("size"), bool) and v["size"] >= 0 and isinstance(k, str)
            and (parsed := parse_name(k)) is not None and parsed[0] == v["sha256"] for k, v in stored.items()):
        return None, "备份说明 manifest.json 的附件清单不完整或有不允许的文件名，备份已损坏。"
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
        files=sum(1 for name in members if name.startswith("files/")) + len(manifest.get("stored") or {}),
        stored=dict(manifest.get("stored") or {}),
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
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)  # store name -> sha256, size (verified)


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


def _check_stored(store: Store, stored: dict[str, dict[str, Any]], result: Verified,
                  progress: Progress | None, done: int, total: int) -> None:
    """The attachment files a backup keeps in the store beside it: each there, whole, its hash its name."""
    if stored and not store.root.is_dir():
        result.problems.append(f"这个备份的照片和签到表（{len(stored)} 个文件）保存在它旁边的 {STORE_DIR} 文件夹里，"
                               f"但 {store.folder} 里没有这个文件夹。复制备份时，请把备份文件和 {STORE_DIR} 文件夹一起复制。")
        return
    bad: list[str] = []
    for index, (name, entry) in enumerate(sorted(stored.items()), start=done + 1):
        problem = store.problem(name, entry["size"])
        if problem is None:
            result.stored[name] = dict(entry)
        else:
            bad.append(f"备份需要的附件 {name[3:15]}…{name[67:]} 在 {STORE_DIR} 文件夹中{problem}")
        if progress:
            progress(index, total)
    result.problems.extend(bad[:20])
    if len(bad) > 20:
        result.problems.append(f"……共有 {len(bad)} 个附件文件缺失或损坏。")


def _verify(zf: zipfile.ZipFile, manifest: dict[str, Any], cap: int, progress: Progress | None,
            folder: Path) -> Verified:
    result = Verified()
    problems = result.problems
    listed: dict[str, dict[str, Any]] = manifest["members"]
    stored: dict[str, dict[str, Any]] = manifest.get("stored") or {}
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
                progress(index, len(names) + len(stored))
        _check_stored(Store(folder), stored, result, progress, len(names), len(names) + len(stored))
        if db_good:
            available = {**listed, **{f"files/{name}": entry for name, entry in stored.items()}}
            _check_database(db_copy, manifest, available, result)
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
            return _verify(zf, manifest, cap or member_cap(), progress, path.parent)
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
    info.stored = verified.stored if info.ok else {}
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


def store_users(folder: Path) -> tuple[dict[str, list[Path]], list[Path]]:
    """Which backups in `folder` need each store file (store name -> backups), and the zips named
    as this program names backups whose manifest cannot be read (what they need is unknown)."""
    users: dict[str, list[Path]] = {}
    unreadable: list[Path] = []
    try:
        paths = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".zip" and p.is_file()
                       and not p.name.startswith("."))
    except OSError:
        return users, unreadable
    for path in paths:
        info = read_backup_info(path)
        if info.ok is False:
            if NAME_RE.match(path.name):
                unreadable.append(path)
            continue
        for name in info.stored:
            users.setdefault(name, []).append(path)
    return users, unreadable


def store_problems(folder: Path, progress: Progress | None = None, skip: set[str] | None = None) -> list[str]:
    """Every store file a backup in `folder` needs, hashed with the data folder's SHA-256: those
    missing or damaged, each with the backups that need it. `skip`: names just verified whole."""
    users, _unreadable = store_users(folder)
    sizes: dict[str, int] = {}
    for path_list in users.values():
        for path in path_list:
            sizes.update({name: entry["size"] for name, entry in read_backup_info(path).stored.items()})
    store = Store(folder)
    problems: list[str] = []
    for index, name in enumerate(sorted(users), start=1):
        problem = None if skip and name in skip else store.problem(name, sizes.get(name, -1))
        if problem:
            needing = users[name]
            shown = "、".join(p.name for p in needing[:3]) + (f" 等 {len(needing)} 个备份" if len(needing) > 3 else "")
            problems.append(f"{STORE_DIR} 中的附件 {name[3:15]}…{name[67:]} {problem}，需要它的备份：{shown}")
        if progress:
            progress(index, len(users))
    return problems
