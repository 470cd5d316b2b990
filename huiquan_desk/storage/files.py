"""Attachment files, stored once under files/ and named by their SHA-256."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from huiquan_desk.domain.errors import StorageError, ValidationError

CHUNK = 1 << 20


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
    def _write(target: Path, name: str, fill) -> None:  # type: ignore[no-untyped-def]
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
        path = self.path_for(sha256, suffix)
        if not path.is_file():
            return "文件缺失"
        if sha256_of(path) != sha256:
            return "文件内容已被改动（校验值不符）"
        return None
