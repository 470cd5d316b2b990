"""Attachment files, stored once under files/ and named by their SHA-256.

A stored name is a name, never a path: the hash is exactly 64 lowercase hex characters and the
suffix a short extension without separators. `path_for` refuses anything else, so a name read
from a database (an attachment row, a recycle-bin payload, a backup) can never point outside
files/ — a crafted `../../../x` is refused, not deleted or overwritten.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from huiquan_desk.domain.errors import StorageError, ValidationError

CHUNK = 1 << 20
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
SUFFIX_RE = re.compile(r"^(\.[^/\\:\x00-\x1f]{1,15})?$")  # ".jpg"; no separators, no control characters


def name_problem(sha256: object, suffix: object) -> str | None:
    """None if (sha256, suffix) is a stored file's name, else a Chinese description."""
    if not isinstance(sha256, str) or not SHA_RE.match(sha256):
        return f"附件名「{str(sha256)[:80]}」不是 64 位小写十六进制的校验值"
    if not isinstance(suffix, str) or not SUFFIX_RE.match(suffix) or suffix in (".", ".."):
        return f"附件的扩展名「{str(suffix)[:40]}」不合法"
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    suffix: str
    size: int


class FileStore:
    """Content-addressed store: `files/ab/abcdef….jpg`. Adding the same bytes twice is free."""

    def __init__(self, root: Path):
        self.root = root

    def path_for(self, sha256: str, suffix: str) -> Path:
        problem = name_problem(sha256, suffix)
        if problem:
            raise StorageError(f"{problem}，不是本程序保存的附件，已拒绝使用。请运行「检查」并从备份恢复。")
        return self.root / sha256[:2] / f"{sha256}{suffix}"

    def add(self, source: Path) -> StoredFile:
        source = Path(source)
        if not source.is_file():
            raise ValidationError.single("文件", f"找不到文件 {source}")
        suffix = source.suffix.lower()[:16]
        digest = sha256_of(source)
        target = self.path_for(digest, suffix)
        if not target.exists():
            self._write(target, source.name, lambda tmp: shutil.copyfile(source, tmp))
        return StoredFile(digest, suffix, target.stat().st_size)

    @staticmethod
    def _write(target: Path, name: str, fill: Callable[[str], object]) -> None:
        """Write through a temporary file in the same folder, then rename: never a half file."""
        tmp: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            os.close(fd)
            fill(tmp)
            os.replace(tmp, target)
        except OSError as err:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            raise StorageError(f"无法保存附件 {name}：{err.strerror or err}。请检查磁盘空间和数据文件夹权限。") from err

    def add_bytes(self, data: bytes, suffix: str) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest, suffix)
        if not target.exists():
            self._write(target, f"{digest[:12]}{suffix}", lambda tmp: Path(tmp).write_bytes(data))
        return StoredFile(digest, suffix, len(data))

    def verify(self, sha256: str, suffix: str) -> str | None:
        """None if the file is there and intact, else a Chinese description of the problem."""
        problem = name_problem(sha256, suffix)
        if problem:
            return problem
        path = self.path_for(sha256, suffix)
        if not path.is_file():
            return "文件缺失"
        if sha256_of(path) != sha256:
            return "文件内容已被改动（校验值不符）"
        return None
