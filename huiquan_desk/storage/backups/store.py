"""The content-addressed store that backups in one folder share (restic's and git's object stores
are the models): each attachment file once, named by its SHA-256, whatever number of backups need it.

    <backup folder>/huiquan-store/ab/<sha256><suffix>   verified when written, written atomically
    <backup folder>/huiquan-store/.huiquan-tmp-*        a file being written, or a running backup's lease

A file is copied under a temporary name while it is hashed, and renamed to its hash name only when
the hash is the name: no file under a hash name ever holds other bytes, a killed copy leaves only a
temporary. A backup that finds a file already there (same size) marks it as in use by touching it.

Pruning (`prune`) removes files no kept backup lists, but never one that a backup being written may
still need: a running backup holds a lease from before it takes its first file until its zip has its
name, and pruning skips every file touched since the oldest lease it sees began, or since the prune
itself began (a backup starting during the prune). The backup checks, after taking its files and
before it is registered, that each is still there, and copies again any that a racing prune removed.
Only files with hash names inside the store folder are ever removed; nothing beside it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from huiquan_desk.storage.backups.format import CHUNK, STALE_AFTER_S, TEMP_PREFIX, _temp_path
from huiquan_desk.storage.files import SHA_RE, SUFFIX_RE

log = logging.getLogger("huiquan_desk.backups")

STORE_DIR = "huiquan-store"
LEASE = "lease"
# File systems keep modification times coarsely (FAT on a USB stick: 2 s): a file touched this close
# before a backup began counts as touched by it.
MTIME_SLACK_S = 3.0


def store_name(sha: str, suffix: str) -> str:
    """ab/<sha><suffix>: where a file lives in the store (and how manifests list it)."""
    return f"{sha[:2]}/{sha}{suffix}"


def parse_name(name: str) -> tuple[str, str] | None:
    """(sha, suffix) of a store name, None if it is not one."""
    folder, _, file_name = name.partition("/")
    sha, suffix = file_name[:64], file_name[64:]
    if SHA_RE.match(sha) and folder == sha[:2] and SUFFIX_RE.match(suffix) and "/" not in file_name:
        return sha, suffix
    return None


def _remove(path: Path) -> None:
    path.unlink()


class SourceDamaged(Exception):
    """The file to store does not have the content its name says (a damaged attachment)."""


class Store:
    def __init__(self, folder: Path):
        self.folder = Path(folder)  # the backup folder the store sits in
        self.root = self.folder / STORE_DIR

    def path(self, name: str) -> Path:
        return self.root / name

    # --- writing -----------------------------------------------------------------------------
    def put(self, source: Path, sha: str, suffix: str) -> int:
        """Make the store hold `source` (whose content hash must be `sha`); returns the bytes copied
        (0 when the file was already there, which is then touched as in use). Raises SourceDamaged
        when the source's content is not `sha` (nothing is stored), OSError when writing fails."""
        name = store_name(sha, suffix)
        target = self.path(name)
        try:
            if target.stat().st_size == source.stat().st_size:
                os.utime(target)
                return 0
        except FileNotFoundError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temp_path(self.root, "put")
        digest = hashlib.sha256()
        size = 0
        try:
            with open(source, "rb") as handle, open(tmp, "wb") as out:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            if digest.hexdigest() != sha:
                raise SourceDamaged(name)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return size

    @contextmanager
    def lease(self) -> Iterator[Path]:
        """Held by a backup from before it takes its first file until its zip has its name."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = _temp_path(self.root, f"{LEASE}-{socket.gethostname()[:40]}")
        path.write_text(f"{time.time():.3f}", encoding="ascii")
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    # --- reading -----------------------------------------------------------------------------
    def names(self) -> Iterator[str]:
        """Every file with a store name (anything else in the folder is not the store's)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or len(folder.name) != 2:
                continue
            for path in sorted(folder.iterdir()):
                name = f"{folder.name}/{path.name}"
                if path.is_file() and parse_name(name) is not None:
                    yield name

    def problem(self, name: str, size: int) -> str | None:
        """Why the stored file `name` is not what a backup needs (missing, other size, other content)."""
        from huiquan_desk.storage.files import sha256_of  # the same SHA-256 the data folder uses

        path = self.path(name)
        try:
            if path.stat().st_size != size:
                return "大小不符（已损坏）"
            parsed = parse_name(name)
            if parsed is None or sha256_of(path) != parsed[0]:
                return "校验值不符（已损坏）"
        except FileNotFoundError:
            return "缺失"
        except OSError as err:
            return f"无法读取（{err.strerror or err}）"
        return None

    # --- pruning -----------------------------------------------------------------------------
    def _oldest_lease(self, now: float) -> float | None:
        """When the oldest running backup began (leases older than STALE_AFTER_S are a killed
        backup's and are removed)."""
        oldest: float | None = None
        if not self.root.is_dir():
            return None
        for path in self.root.iterdir():
            if not path.name.startswith(f"{TEMP_PREFIX}{LEASE}-"):
                continue
            try:
                begun = float(path.read_text(encoding="ascii").strip() or "0")
                touched = path.stat().st_mtime
            except (OSError, ValueError):
                continue
            if now - max(begun, touched) > STALE_AFTER_S:
                path.unlink(missing_ok=True)
                continue
            oldest = begun if oldest is None else min(oldest, begun)
        return oldest

    def prune(self, needed: Iterable[str], now: float | None = None) -> list[str]:
        """Remove store files that `needed` (the names every kept backup lists) does not hold,
        except those touched since the oldest running backup (or this prune) began."""
        started = time.time() if now is None else now
        keep = set(needed)
        cutoff = min(started, self._oldest_lease(started) or started) - MTIME_SLACK_S
        removed: list[str] = []
        for name in list(self.names()):
            if name in keep:
                continue
            path = self.path(name)
            try:
                if path.stat().st_mtime >= cutoff:
                    continue  # a running backup may have just taken it
                _remove(path)
                removed.append(name)
            except FileNotFoundError:
                continue
            except OSError as err:
                log.warning("could not remove %s from the backup store: %s", path, err)
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            if folder.is_dir() and len(folder.name) == 2:
                try:
                    folder.rmdir()  # only when empty
                except OSError:
                    pass
        if removed:
            log.info("pruned %d unreferenced files from %s", len(removed), self.root)
        return removed
