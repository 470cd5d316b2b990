"""The hand-over package (移交包) of a year's archive, for the street archive room: a folder or a zip
that can be checked there, by this program (`verify_package`, `huiquan-desk archive
verify-package`) or by any SHA-256 tool (`sha256sum -c manifest-sha256.txt`).

    永久/0194-WS·2025-Y-0001/0194-WS·2025-Y-0001_01.jpg     files named by 档号, per 保管期限
    定期30年/…   定期10年/…
    归档文件目录.xlsx                                         the catalogue (services.ledgers "archive-catalog")
    说明.txt                                                 what this is and how to check it
    manifest.json                                            community, year, items, and every file's SHA-256 and size
    manifest-sha256.txt                                      the same hashes as `sha256  path` lines (BagIt style)

Only numbered items of the year that are not destroyed go in (their original files, suffix kept,
each hashed again while copied: a damaged stored file stops the export, naming its 档号). It is
written to a hidden temporary folder or file beside the target and renamed into place once
complete, so a failure or a kill never leaves a half package under the target's name. The photos
and sign-in sheets hold residents' faces and names: like the photo record, the export needs a
signed-in account once accounts exist and is written together with its audit entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiquan_desk.domain import archives as rules
from huiquan_desk.domain.errors import HuiquanError, Progress, StorageError, ValidationError
from huiquan_desk.exports.ledger import UMASK, atomic_output
from huiquan_desk.services.archives import list_items
from huiquan_desk.services.settings import get_profile
from huiquan_desk.storage.files import CHUNK, FileStore, name_problem, new_folder_problem
from huiquan_desk.storage.models import ArchiveFile, now

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

FORMAT = "huiquan-archive-package"
VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_TXT = "manifest-sha256.txt"
CATALOGUE = "归档文件目录.xlsx"
README = "说明.txt"
TITLE = "档案移交包"
ENTITY = "archive_items"
# Files a file manager leaves in a folder it showed: not part of the package, never reported.
IGNORED = frozenset({"Thumbs.db", "desktop.ini", ".DS_Store"})
STORED_SUFFIXES = frozenset({".txt", ".json"})  # compressed in a zip; photos, PDFs and office files are stored


@dataclass
class PackageInfo:
    path: Path
    year: int
    community: str
    fonds: str
    items: int = 0
    files: int = 0  # the items' files (the catalogue and the manifests not counted)
    size: int = 0  # bytes of every file written
    unnumbered: int = 0  # items of the year not numbered yet: left out
    destroyed: int = 0  # destroyed items of the year: only in the catalogue
    street: str = ""

    @property
    def summary(self) -> str:
        text = f"{self.year}年度档案移交包：{self.items} 件，{self.files} 个档案文件，另附目录、说明和校验清单"
        notes = []
        if self.unnumbered:
            notes.append(f"另有 {self.unnumbered} 件未编号，没有放入")
        if self.destroyed:
            notes.append(f"{self.destroyed} 件已销毁，只在目录中列出")
        return text + (f"（{'；'.join(notes)}）" if notes else "")


@dataclass
class _Entry:
    path: str  # posix, relative to the package's root
    sha256: str
    size: int


@dataclass
class _Plan:
    info: PackageInfo
    items: list[dict[str, Any]] = field(default_factory=list)
    copies: list[tuple[str, str, str, str]] = field(default_factory=list)  # (package path, sha256, suffix, label)


# --- where it goes ----------------------------------------------------------------------------------
def _is_zip(out: Path) -> bool:
    return out.suffix.lower() == ".zip"


def target_problem(out: Path) -> str | None:
    """Why the package must not be written to `out` (None: it may): a folder that does not exist
    or is empty, or a .zip file name that is not a folder."""
    if _is_zip(out):
        return f"「{out.name}」已是一个文件夹，请换一个文件名" if out.is_dir() else None
    return new_folder_problem(out, "请换一个名称或位置（或写成 .zip 文件名）")


def default_name(fonds: str, community: str, year: int) -> str:
    """0194_惠泉社区_2025年度档案移交包."""
    return "_".join(p for p in (fonds, community, f"{year}年度{TITLE}") if p)


# --- what goes in -----------------------------------------------------------------------------------
def _plan(session: Session, year: int, out: Path) -> _Plan:
    profile = get_profile(session)
    rows = list_items(session, year=year)
    numbered = [r for r in rows if r.number is not None and r.destroyed_on is None]
    plan = _Plan(PackageInfo(out, year, profile.name, profile.fonds_code, len(numbered), 0, 0,
                             sum(1 for r in rows if r.number is None),
                             sum(1 for r in rows if r.destroyed_on is not None), profile.street))
    if not numbered:
        more = f"（有 {plan.info.unnumbered} 件还没有编号，请先固定件号）" if plan.info.unnumbered else ""
        raise ValidationError.single("年度", f"{year} 年度没有已编号的归档文件，没有可移交的内容{more}")
    files: dict[int, list[ArchiveFile]] = {}
    for f in session.scalars(select(ArchiveFile).where(ArchiveFile.item_id.in_([r.id for r in numbered]))
                             .order_by(ArchiveFile.item_id, ArchiveFile.sort_order, ArchiveFile.id)):
        files.setdefault(f.item_id, []).append(f)
    for row in numbered:
        folder = PurePosixPath(rules.RETENTION_LABELS.get(row.retention, row.retention), row.code)
        paths = []
        for index, f in enumerate(files.get(row.id, []), start=1):
            path = str(folder / f"{row.code}_{index:02d}{f.suffix or ''}")
            paths.append(path)
            plan.copies.append((path, f.sha256, f.suffix or "", f"{row.code} {f.original_name or path}"))
        plan.items.append({"code": row.code, "title": row.shown_title, "retention": row.retention,
                           "retention_label": rules.RETENTION_LABELS.get(row.retention, row.retention),
                           "date": row.catalogue_date, "pages": row.pages, "doc_number": row.doc_number,
                           "author": row.author, "secrecy": row.secrecy, "files": paths})
    plan.info.files = len(plan.copies)
    return plan


def _readme(info: PackageInfo) -> str:
    return "\n".join([
        f"{info.street}{info.community} {info.year}年度{TITLE}（全宗号 {info.fonds or '未设置'}）",
        "",
        f"内容：{info.items} 件归档文件，{info.files} 个电子文件；按保管期限分文件夹（永久、定期30年、定期10年），",
        "每件一个文件夹，以档号命名，文件名为「档号_序号」，保留原文件的扩展名。",
        f"{CATALOGUE}：本年度归档文件目录。",
        f"{MANIFEST}：社区、年度、每件的档号和题名，以及每个文件的 SHA-256 校验值和大小。",
        f"{MANIFEST_TXT}：同样的校验值，每行「校验值  文件路径」。",
        "",
        "核对方法：",
        "  惠泉台账：huiquan-desk archive verify-package 本文件夹或zip文件",
        f"  Linux / macOS：在本文件夹中运行 sha256sum -c {MANIFEST_TXT}",
        "  Windows：certutil -hashfile 文件名 SHA256，与清单中的校验值比对",
        "",
    ]) + "\n"


# --- writing ----------------------------------------------------------------------------------------
class PackageSink:
    """Where the package's files go: a folder, or a zip being written."""

    def __init__(self, root: Path | None = None, archive: zipfile.ZipFile | None = None):
        self.root, self.archive = root, archive
        self.entries: list[_Entry] = []

    @contextmanager
    def open(self, path: str) -> Iterator[BinaryIO]:
        if self.archive is not None:
            method = zipfile.ZIP_DEFLATED if PurePosixPath(path).suffix.lower() in STORED_SUFFIXES else zipfile.ZIP_STORED
            info = zipfile.ZipInfo(path, date_time=datetime.now().timetuple()[:6])
            info.compress_type = method
            with self.archive.open(info, "w", force_zip64=True) as handle:
                yield handle  # type: ignore[misc]
        else:
            assert self.root is not None
            target = self.root.joinpath(*PurePosixPath(path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                yield handle

    def copy(self, source: Path, path: str) -> _Entry:
        digest, size = hashlib.sha256(), 0
        with open(source, "rb") as src, self.open(path) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        entry = _Entry(path, digest.hexdigest(), size)
        self.entries.append(entry)
        return entry

    def write(self, path: str, data: bytes, listed: bool = True) -> None:
        with self.open(path) as dst:
            dst.write(data)
        if listed:
            self.entries.append(_Entry(path, hashlib.sha256(data).hexdigest(), len(data)))


def _fill(sink: PackageSink, plan: _Plan, store: FileStore, catalogue: Callable[[Path], object], operator: str,
          progress: Progress | None) -> None:
    total = len(plan.copies) + 1
    for index, (path, sha, suffix, label) in enumerate(plan.copies, start=1):
        if problem := name_problem(sha, suffix):
            raise StorageError(f"{label}：{problem}")
        source = store.path_for(sha, suffix)
        if not source.is_file():
            raise StorageError(f"{label}：文件缺失，没有导出移交包。请运行「档案检测」，并从备份恢复该文件。")
        entry = sink.copy(source, path)
        if entry.sha256 != sha:
            raise StorageError(f"{label}：文件内容已被改动（校验值不符），没有导出移交包。请运行「档案检测」，并从备份恢复该文件。")
        plan.info.size += entry.size
        if progress is not None:
            progress(index, total)
    with tempfile.TemporaryDirectory(prefix="huiquan-catalogue-") as tmp:
        written = Path(tmp) / CATALOGUE
        catalogue(written)
        entry = sink.copy(written, CATALOGUE)
        plan.info.size += entry.size
    readme = _readme(plan.info).encode("utf-8")
    sink.write(README, readme)
    manifest = {
        "format": FORMAT, "version": VERSION, "title": f"{plan.info.year}年度{TITLE}",
        "community": plan.info.community, "street": plan.info.street, "fonds": plan.info.fonds, "year": plan.info.year,
        "created_at": now().isoformat(sep=" "), "created_by": operator, "algorithm": "SHA-256",
        "items": plan.items,
        "files": [{"path": e.path, "sha256": e.sha256, "size": e.size} for e in sink.entries],
    }
    text = "".join(f"{e.sha256}  {e.path}\n" for e in sink.entries).encode("utf-8")
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    sink.write(MANIFEST_TXT, text, listed=False)
    sink.write(MANIFEST, data, listed=False)
    plan.info.size += len(readme) + len(text) + len(data)
    if progress is not None:
        progress(total, total)


def _audit_failed(err: HuiquanError) -> StorageError:
    return StorageError(f"{TITLE}含有居民的照片和签到表，导出必须记入操作日志，但操作日志无法写入：\n{err}\n"
                        "为保护个人信息，没有保存任何文件。请稍后再试，或检查数据文件夹是否可写。")


def export_package(ws: Workspace, year: int, out: Path, progress: Progress | None = None) -> PackageInfo:
    """Write the hand-over package of `year` to `out`: a folder (new, or empty) or a file ending in
    .zip. See the module's docstring. `progress(done, total)` per file; Cancelled from it leaves
    nothing behind."""
    from huiquan_desk.services.audit_log import log_export
    from huiquan_desk.services.exporting import export_ledger
    from huiquan_desk.services.ledgers import LedgerParams

    out = Path(out)
    if not isinstance(year, int) or not 1949 <= year <= 2100:
        raise ValidationError.single("年度", "应为 4 位年份，如 2025")
    ws.require_signed_in(f"导出{TITLE}")
    try:
        ws.require_writable()
    except HuiquanError as err:
        raise _audit_failed(err) from err
    if problem := target_problem(out):
        raise ValidationError.single("保存位置", problem)

    def log(info: PackageInfo) -> None:
        try:
            log_export(ws, ENTITY, f"{year}年度{TITLE}", out, info.items)
        except HuiquanError as err:
            raise _audit_failed(err) from err

    with ws.read() as session:
        plan = _plan(session, year, out)

        def catalogue(path: Path) -> object:
            return export_ledger(session, "archive-catalog", LedgerParams(year=year), path, "xlsx")

        if _is_zip(out):
            with atomic_output(out) as staged:
                with zipfile.ZipFile(staged, "w", allowZip64=True) as archive:
                    _fill(PackageSink(archive=archive), plan, ws.files, catalogue, ws.operator, progress)
                log(plan.info)
            return plan.info
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            staged_dir = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-", suffix=".part"))
        except OSError as err:
            raise StorageError(f"无法写入 {out.parent}：{err.strerror}。请换一个文件夹。") from err
        try:
            _fill(PackageSink(root=staged_dir), plan, ws.files, catalogue, ws.operator, progress)
            log(plan.info)
            for folder in (staged_dir, *(p for p in staged_dir.rglob("*") if p.is_dir())):
                folder.chmod(0o777 & ~UMASK)  # mkdtemp made it private; the package is for handing over
            if out.is_dir():  # empty (checked above): replaced by the finished folder
                out.rmdir()
            os.rename(staged_dir, out)
        except OSError as err:
            shutil.rmtree(staged_dir, ignore_errors=True)
            raise StorageError(f"无法写入 {out}：{err.strerror}。请检查磁盘空间或换一个文件夹。") from err
        except BaseException:  # Cancelled, a damaged file, the audit entry refused, … and KeyboardInterrupt
            shutil.rmtree(staged_dir, ignore_errors=True)
            raise
    return plan.info


# --- checking a package -----------------------------------------------------------------------------
# What reading a crafted zip may raise besides OSError: encrypted entries (RuntimeError), unknown
# compression (NotImplementedError), corrupt data (zlib.error, EOFError), a bad archive.
ZIP_ERRORS = (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError)
MAX_MANIFEST = 64 << 20  # a manifest of 100 000 files is about 20 MB; more is not one of ours


class PackageReader:
    """The files of a package: a folder or a zip. Only regular files count; a symlink or a device
    in a folder (its content would come from elsewhere), a zip entry whose Unix mode is not a
    regular file (a symlink `unzip` would create; folder entries aside) and a name twice in a zip
    are noted in `odd`, never followed or read."""

    def __init__(self, path: Path):
        self.path = path
        self.archive = zipfile.ZipFile(path) if path.is_file() else None
        self.odd: list[str] = []

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def names(self) -> set[str]:
        if self.archive is not None:
            names = []
            for info in self.archive.infolist():
                kind = stat.S_IFMT(info.external_attr >> 16)  # 0: no Unix mode (a Windows zip)
                if kind not in (0, stat.S_IFDIR if info.filename.endswith("/") else stat.S_IFREG):
                    self.odd.append(f"不是普通文件（链接或设备，不予读取）：{info.filename[:80]}")
                elif not info.filename.endswith("/"):
                    names.append(info.filename)
            self.odd += [f"同名文件出现了不止一次：{n}" for n in sorted({n for n in names if names.count(n) > 1})]
            return set(names)
        found = set()
        for folder, dirs, files in os.walk(self.path):  # never into a linked folder
            for name in [*files, *(d for d in dirs if Path(folder, d).is_symlink())]:
                full = Path(folder, name)
                relative = full.relative_to(self.path).as_posix()
                if full.is_symlink() or not stat.S_ISREG(full.lstat().st_mode):
                    self.odd.append(f"不是普通文件（链接或设备，不予读取）：{relative}")
                else:
                    found.add(relative)
        return found

    def _local(self, name: str) -> Path:
        target = self.path.joinpath(*PurePosixPath(name).parts)
        if target.is_symlink() or not target.is_file():
            raise FileNotFoundError(name)
        return target

    def read(self, name: str, limit: int = MAX_MANIFEST) -> bytes:
        """A small file whole (a manifest); ValueError when it is larger than `limit`."""
        if self.archive is not None:
            if self.archive.getinfo(name).file_size > limit:
                raise ValueError(f"{name} 大得异常")
            with self.archive.open(name) as handle:
                data = handle.read(limit + 1)
        else:
            with open(self._local(name), "rb") as handle:
                data = handle.read(limit + 1)
        if len(data) > limit:
            raise ValueError(f"{name} 大得异常")
        return data

    def hash(self, name: str) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        with (self.archive.open(name) if self.archive is not None else open(self._local(name), "rb")) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size


def safe_member(name: object) -> bool:
    """A manifest path is relative, forward slashes only, without `..`: it never points outside."""
    if not isinstance(name, str) or not name or "\\" in name or name.startswith("/") or ":" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest.json of a package (folder or zip); ValidationError when there is none."""
    path = Path(path)
    if not path.exists():
        raise ValidationError.single("移交包", f"找不到 {path}")
    try:
        reader = PackageReader(path)
    except (OSError, zipfile.BadZipFile) as err:
        raise ValidationError.single("移交包", f"{path.name} 无法打开：{err}") from None
    try:
        data = json.loads(reader.read(MANIFEST).decode("utf-8"))
    except (KeyError, FileNotFoundError):
        raise ValidationError.single("移交包", f"{path.name} 里没有 {MANIFEST}，不是惠泉台账导出的档案移交包") from None
    except (*ZIP_ERRORS, ValueError, RecursionError) as err:
        raise ValidationError.single("移交包", f"{MANIFEST} 无法读取：{unreadable(err)}") from None
    finally:
        reader.close()
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), list) \
            or not isinstance(data.get("items", []), list):
        raise ValidationError.single("移交包", f"{MANIFEST} 不是惠泉台账档案移交包的清单")
    return data


def verify_package(path: Path, progress: Progress | None = None) -> list[str]:
    """Check a package against its manifest: every listed file there with its SHA-256 and size,
    nothing added, manifest-sha256.txt agreeing. The problems in Chinese (empty: it is complete)."""
    path = Path(path)
    try:
        manifest = read_manifest(path)
    except ValidationError as err:
        return [p.message for p in err.problems]
    problems: list[str] = []
    reader = PackageReader(path)
    try:
        present = reader.names()
        problems += reader.odd
        listed: dict[str, dict[str, Any]] = {}
        for entry in manifest["files"]:
            name = entry.get("path") if isinstance(entry, dict) else None
            if not safe_member(name):
                problems.append(f"清单中的路径「{str(name)[:80]}」不合法")
                continue
            if str(name) in listed:
                problems.append(f"清单中同一文件列了不止一次：{name}")
            listed[str(name)] = entry
        if not any(name not in (CATALOGUE, README) for name in listed):
            problems.append("清单中没有任何档案文件")
        problems += [f"清单缺少{what}：{name}" for name, what in ((CATALOGUE, "归档文件目录"), (README, "说明"))
                     if name not in listed]
        for item in manifest.get("items", []):
            files = item.get("files") if isinstance(item, dict) else None
            if not isinstance(files, list):  # a paper-only item lists none
                problems.append(f"清单中的档案「{str(item.get('code') if isinstance(item, dict) else item)[:60]}」没有列出文件")
                continue
            problems += [f"档案 {str(item.get('code', ''))[:40]} 的文件不在文件清单中：{str(f)[:80]}"
                         for f in files if f not in listed]
        for index, (name, entry) in enumerate(listed.items(), start=1):
            if name not in present:
                problems.append(f"缺少文件：{name}")
            else:
                try:
                    sha, size = reader.hash(name)
                except ZIP_ERRORS as err:
                    problems.append(f"文件无法读取：{name}（{unreadable(err)}）")
                else:
                    if sha != entry.get("sha256") or size != entry.get("size"):
                        problems.append(f"文件已被改动（校验值不符）：{name}")
            if progress is not None:
                progress(index, len(listed))
        for name in sorted(present - set(listed) - {MANIFEST, MANIFEST_TXT}):
            if PurePosixPath(name).name not in IGNORED:
                problems.append(f"多出的文件（清单中没有）：{name}")
        problems += txt_problems(reader, present, listed)
    finally:
        reader.close()
    return problems


def unreadable(err: BaseException) -> str:
    """Why a member or a manifest could not be read, in words (never a Python exception's name)."""
    if isinstance(err, RecursionError):
        return "结构嵌套过深，不像是本软件写的清单"
    if isinstance(err, (ValueError, UnicodeError)):
        return "内容格式不对"
    if isinstance(err, zipfile.BadZipFile):
        return "压缩数据已损坏"
    if isinstance(err, NotImplementedError):
        return "使用了不支持的压缩或加密方式"
    if isinstance(err, OSError):
        return err.strerror or "读取出错"
    return "压缩数据已损坏"  # zlib.error, EOFError: a truncated or damaged member


def txt_problems(reader: PackageReader, present: set[str], listed: dict[str, dict[str, Any]]) -> list[str]:
    """What is wrong with manifest-sha256.txt: absent, unreadable, or not naming exactly the files
    of manifest.json with their SHA-256 (shared with the inspection pack's check)."""
    if MANIFEST_TXT not in present:
        return [f"缺少文件：{MANIFEST_TXT}"]
    try:
        text = reader.read(MANIFEST_TXT).decode("utf-8", "replace")
    except (*ZIP_ERRORS, ValueError) as err:
        return [f"{MANIFEST_TXT} 无法读取（{unreadable(err)}）"]
    lines: dict[str, str] = {}
    for line in text.splitlines():
        sha, _, name = line.partition("  ")
        if name in lines:
            return [f"{MANIFEST_TXT} 把「{name}」列了两次"]
        if name:
            lines[name] = sha
    if lines != {name: e.get("sha256") for name, e in listed.items()}:
        return [f"{MANIFEST_TXT} 与 {MANIFEST} 不一致"]
    return []
