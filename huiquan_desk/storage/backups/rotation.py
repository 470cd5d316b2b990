"""The daily automatic backup and rotation: 7 daily / 4 weekly / 12 monthly automatic backups, the
last 10 of the others; then the store files no kept backup needs. Only files this program named and
described are ever deleted."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from huiquan_desk.domain.errors import Progress
from huiquan_desk.paths import DataDir
from huiquan_desk.storage.backups.create import create_backup
from huiquan_desk.storage.backups.format import (
    KEEP_SPECIAL,
    NAME_RE,
    BackupInfo,
    Rotation,
    clean_stale_temp_files,
)
from huiquan_desk.storage.backups.store import Store
from huiquan_desk.storage.backups.verify import read_backup_info, store_users

log = logging.getLogger("huiquan_desk.backups")


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
    clean_stale_temp_files(Store(data.backups).root)  # a killed backup's half-copied file or lease
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
    prune_store(data.backups)
    return removed


def prune_store(folder: Path, now: float | None = None) -> list[str]:
    """Remove the store files beside the backups in `folder` that no backup there needs (see
    storage.backups.store for why this never takes a file a running backup needs). When a backup
    of ours cannot be read, nothing is removed: what it needs is unknown."""
    store = Store(folder)
    if not store.root.is_dir():
        return []
    users, unreadable = store_users(folder)
    if unreadable:
        log.warning("backup store of %s not pruned: %d backups unreadable", folder, len(unreadable))
        return []
    return store.prune(users, now)
