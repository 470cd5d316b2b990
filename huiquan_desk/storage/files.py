"""Attachment files, stored once under files/ and named by their SHA-256.

A stored name is a name, never a path: the hash is exactly 64 lowercase hex characters and the
suffix a short extension without separators. `path_for` refuses anything else, so a name read
from a database (an attachment row, a recycle-bin payload, a backup) can never point outside
files/ — a crafted `../../../x` is refused, not deleted or overwritten.

Renditions. An original that neither the window (Qt) nor the PDF writer (reportlab) can read, an
iPhone photo in HEIC/HEIF, has a JPEG rendition beside it in the same folder:
`files/ab/<sha256>.rendition.jpg` (`rendition_name`). It is derived data, made from the original
when the attachment is added and re-made from it whenever it is missing (`viewable`): it is not
recorded in the database, it has no hash of its own to verify, and a backup does not need it.
`rendition_of(name)` is the one rule that tells a rendition's file name from an original's: code
that walks files/ (backups, clean-ups) should ask it, keep a rendition while it keeps its original
and drop it with its original. Until it does (storage.backups' `References.keeps` and the recycle
bin's clean-up see a rendition as an unreferenced file), a clean-up removes renditions, which is
harmless: `viewable` (the PDF) and services.photo_record.preview_jpeg (the window) make them again.
The attachment row keeps the original, which stays the record (GB/T 11821: a digital photo keeps
its EXIF).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from huiquan_desk.domain.errors import StorageError, ValidationError
from huiquan_desk.images import ORIENTATION, on_white

CHUNK = 1 << 20
# The tables whose rows name stored files (sha256 + suffix), and how a message calls one of them:
# whatever walks files/ (backups, the recycle bin's clean-up, checks) keeps what any of them names.
FILE_TABLES = {"attachments": "照片和签到表", "archive_files": "档案文件", "rectification_photos": "整改照片"}
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
SUFFIX_RE = re.compile(r"^(\.[^/\\:\x00-\x1f]{1,15})?$")  # ".jpg"; no separators, no control characters
RENDERED_SUFFIXES = frozenset({".heic", ".heif"})  # originals shown and printed through a JPEG rendition
RENDITION = ".rendition.jpg"  # <sha256>.rendition.jpg, beside <sha256>.heic
RENDITION_QUALITY = 90
RENDITION_MAX_SIDE = 4096  # an iPhone's 4032 x 3024 keeps its size; larger panoramas are scaled down


def name_problem(sha256: object, suffix: object) -> str | None:
    """None if (sha256, suffix) is a stored file's name, else a Chinese description."""
    if not isinstance(sha256, str) or not SHA_RE.match(sha256):
        return f"附件名「{str(sha256)[:80]}」不是 64 位小写十六进制的校验值"
    if not isinstance(suffix, str) or not SUFFIX_RE.match(suffix) or suffix in (".", ".."):
        return f"附件的扩展名「{str(suffix)[:40]}」不合法"
    return None


def needs_rendition(suffix: str) -> bool:
    """Whether an original with this suffix is shown and printed through a JPEG rendition."""
    return suffix.lower() in RENDERED_SUFFIXES


def rendition_name(sha256: str) -> str:
    """The rendition's file name, in the original's folder: <sha256>.rendition.jpg."""
    return f"{sha256}{RENDITION}"


def rendition_of(name: str) -> str | None:
    """The original's sha256 if `name` is a rendition's file name, else None. The one rule for
    code that walks files/: keep a rendition while its original (any suffix) is kept."""
    sha = name[:64]
    return sha if name == rendition_name(sha) and SHA_RE.match(sha) else None


def rendition_beside(path: Path) -> Path | None:
    """Where the rendition of the stored original at `path` lives (whether or not it exists yet);
    None when that original needs none, or `path` is not a stored file's name."""
    sha, suffix = path.name[:64], path.name[64:]
    if not SHA_RE.match(sha) or not needs_rendition(suffix):
        return None
    return path.with_name(rendition_name(sha))


@functools.cache
def enable_heif() -> bool:
    """Let Pillow open HEIC/HEIF files (pillow-heif); False if the library is not installed."""
    try:
        import pillow_heif
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    pillow_heif.register_heif_opener()
    return True


def render_jpeg(source: Path, quality: int = RENDITION_QUALITY, max_side: int = RENDITION_MAX_SIDE) -> bytes:
    """`source` (any image Pillow reads, HEIC included) as an upright RGB JPEG: EXIF orientation
    applied (so the rendition is shown as it is stored), at most `max_side` pixels long, the rest
    of the EXIF kept. Raises ValueError when the source cannot be read or decoded."""
    from PIL import Image, ImageOps

    enable_heif()
    try:
        with Image.open(source) as opened:
            image = ImageOps.exif_transpose(opened)
        exif = image.getexif()
        image = on_white(image)
        if max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        exif.pop(ORIENTATION, None)  # upright now: no orientation left to apply
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    except Exception as err:  # noqa: BLE001 - Pillow and its plugins raise OSError, SyntaxError, …
        raise ValueError(f"{type(err).__name__}: {err}") from err
    return out.getvalue()


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

    def rendition_path(self, sha256: str, suffix: str) -> Path | None:
        """Where the JPEG rendition of a stored original lives (None: the original needs none)."""
        return self.path_for(sha256, RENDITION) if needs_rendition(suffix) else None

    def ensure_rendition(self, sha256: str, suffix: str) -> Path | None:
        """Make the rendition of a stored original if it needs one and has none yet; returns it
        (None: the original needs none). Raises ValidationError when the original cannot be
        decoded, StorageError when the rendition cannot be written."""
        target = self.rendition_path(sha256, suffix)
        if target is None or target.is_file():
            return target
        original = self.path_for(sha256, suffix)
        try:
            data = render_jpeg(original)
        except ValueError:
            raise ValidationError.single("照片", f"{original.name}：图片无法读取，文件可能已损坏") from None
        self._write(target, target.name, lambda tmp: Path(tmp).write_bytes(data))
        return target

    def viewable(self, sha256: str, suffix: str) -> Path:
        """The file to show or print for a stored original: the original itself, or its JPEG
        rendition, re-made if it is missing. When it cannot be made (a read-only data folder, a
        damaged original) the original is returned: Pillow still reads a HEIC (enable_heif), or the
        caller finds the file unreadable and says so."""
        target = self.rendition_path(sha256, suffix)
        if target is None:
            return self.path_for(sha256, suffix)
        if target.is_file():
            return target
        try:
            return self.ensure_rendition(sha256, suffix) or target
        except (StorageError, ValidationError):
            return self.path_for(sha256, suffix)

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


def new_folder_problem(target: Path, other: str = "请换一个名称或位置") -> str | None:
    """Why an export must not write its files into the folder `target` (None: it may): a folder
    that exists and is not empty (its files could be overwritten), or a file of that name. `other`
    is what else the user may do (「请换一个名称或位置（或写成 .zip）」)."""
    if target.is_dir():
        try:
            empty = not any(target.iterdir())
        except OSError as err:
            return f"无法读取文件夹 {target}：{err.strerror}"
        return None if empty else f"文件夹「{target.name}」已存在且不是空的。为免覆盖其中的文件，{other}。"
    if target.exists():
        return f"「{target.name}」已是一个文件。{other}。"
    return None
