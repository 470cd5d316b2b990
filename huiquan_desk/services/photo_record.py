"""活动图片记录: a period's activities with their photos and sign-in sheets, written as the PDF photo
record pages (exports.photo_record) or as a folder of the original files with a caption file beside
each one, for the inspector's binder and the archive (「有图有真相」).

The one entry point the window and the command line call is

    export_photo_record(ws, params, path, fmt="pdf" | "folder", progress=None) -> PhotoRecordReport

`params` is a services.ledgers.LedgerParams (the command line's export options): `date_from`,
`date_to`, `category_id` (with its subtree), `status` (planned / done / archived / all; None, as
for the activity ledger: everything but 计划中, a plan not yet being a record) and `text` (检索).
`path` is the PDF file, or the folder to create (`suggested_name` gives a name for a dialog:
活动图片记录_20260101-20261231[.pdf]). `progress(done, total)` is called per photo and sheet; it may
raise Cancelled, which leaves no file and no folder behind. The report counts the activities,
photos and sheets, and names every file that is missing or unreadable (the PDF prints a framed
「照片文件缺失」 in its place; the folder has its caption file with a line saying so).

Personal data. Photos show residents' faces and captions name them (人物), so both outputs are
exported like the roster (services.exporting.write_logged): once accounts exist, only by a
signed-in account, and the output and its audit entry are one act. The PDF is written to a hidden
temporary file that is renamed into place after the entry is committed; the folder is filled as a
hidden temporary folder beside the target and renamed into place after the entry is committed. If
the entry cannot be written, nothing is left; an existing folder that is not empty is never
written into or replaced (refused in Chinese).

The folder: every original as stored (a HEIC stays HEIC), named
`2026-03-05_重阳节敬老活动_01.jpg` (the activity's date, its name without the characters Windows
forbids in file names, a 2-digit sequence, the original's suffix; sign-in sheets
`…_签到表_01.jpg`), and beside it `…_01.txt`, UTF-8 with a BOM so that Notepad opens it, with the
caption's lines 题名 / 时间 / 地点 / 人物 / 摄影者 / 背景 (GB/T 11821: a photo archive is the image and
its caption).

`preview_jpeg` gives the window an image it cannot decode itself (HEIC) as JPEG bytes, read from the
stored rendition when there is one (storage.files).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from huiquan_desk.domain.activity import STATUS_LABELS, ActivityStatus, AttachmentKind
from huiquan_desk.domain.errors import HuiquanError, NotFoundError, Progress, StorageError, ValidationError
from huiquan_desk.exports.layout import picture_jpeg
from huiquan_desk.exports.ledger import Letterhead
from huiquan_desk.exports.photo_record import (
    NAME,
    RecordActivity,
    RecordFile,
    caption_lines,
    write_photo_record,
)
from huiquan_desk.services.activities import (
    ActivityFilter,
    ActivityRow,
    AttachmentInfo,
    get_activity,
    list_activities,
)
from huiquan_desk.services.ledgers import ALL_STATUSES, LedgerParams, letterhead
from huiquan_desk.storage.files import FileStore, enable_heif, new_folder_problem, rendition_beside

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

FORMATS = ("pdf", "folder")
ENTITY = "attachments"  # what the audit entry of an export names: the photos
PARAMS = ("date_from", "date_to", "category_id", "status", "text")  # the LedgerParams it takes
CAPTION_FILE = ("title", "taken_at", "place", "people", "photographer", "background")
SIGN_IN_PART = "签到表"
TITLE_CHARS = 60  # the activity's name in a file name is cut here (Windows paths stay short)
# Characters Windows forbids in a file name (and control characters).
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


@dataclass(frozen=True)
class ActivityPhotos:
    """One activity of the record: its row, its photos and its sign-in sheets, in their order."""

    row: ActivityRow
    photos: list[AttachmentInfo]
    sign_ins: list[AttachmentInfo]


@dataclass(frozen=True)
class PhotoRecordData:
    """What the record prints: the letterhead, the category's path (None: all), what else narrowed
    the activities (状态, 检索) and the activities in date order."""

    head: Letterhead
    params: LedgerParams
    category: str | None
    narrowed: list[str]
    activities: list[ActivityPhotos]

    @property
    def photos(self) -> int:
        return sum(len(a.photos) for a in self.activities)

    @property
    def sign_ins(self) -> int:
        return sum(len(a.sign_ins) for a in self.activities)


@dataclass
class PhotoRecordReport:
    """What an export wrote: to `path`, as `fmt`; `missing` names each file that was missing or
    unreadable (「重阳节敬老爱老活动」（2026-10-18）的照片 IMG_0001.jpg：文件不存在); `pdf_sheets` counts
    sign-in sheets kept as PDF, which the PDF record prints as a note (the folder copies them)."""

    path: Path
    fmt: str
    activities: int
    photos: int
    sign_ins: int
    missing: list[str] = field(default_factory=list)
    pdf_sheets: int = 0

    @property
    def files(self) -> int:
        return self.photos + self.sign_ins


# --- gathering ---------------------------------------------------------------------------------------
def activity_filter(params: LedgerParams) -> ActivityFilter:
    """The activities of `params`, as the activity ledger takes them: 计划中 left out unless asked."""
    if params.date_from and params.date_to and params.date_to < params.date_from:
        raise ValidationError.single("时间范围", "结束日期不能早于开始日期")
    status = ActivityStatus(params.status) if params.status and params.status != ALL_STATUSES else None
    return ActivityFilter(date_from=params.date_from, date_to=params.date_to, category_id=params.category_id,
                          status=status, text=params.text, exclude_planned=params.status is None)


def _narrowed(params: LedgerParams) -> list[str]:
    parts = []
    if params.status == ALL_STATUSES:
        parts.append("状态：全部")
    elif params.status:
        parts.append(f"状态：{STATUS_LABELS[ActivityStatus(params.status)]}")
    if params.text.strip():
        parts.append(f"检索：{params.text.strip()}")
    return parts


def gather(session: Session, store: FileStore, params: LedgerParams) -> PhotoRecordData:
    """The activities of `params` in date order, each with its photos and sign-in sheets."""
    from huiquan_desk.services.categories import list_categories

    rows = list_activities(session, activity_filter(params), sort="start", descending=False)
    category = None
    if params.category_id is not None:
        category = next((c.path for c in list_categories(session) if c.id == params.category_id), None)
        if category is None:
            raise NotFoundError("所选类别已不存在，可能已被删除。")
    activities = []
    for row in rows:
        attachments = get_activity(session, row.id, store).attachments
        activities.append(ActivityPhotos(row, [a for a in attachments if a.kind is AttachmentKind.PHOTO],
                                         [a for a in attachments if a.kind is AttachmentKind.SIGN_IN]))
    return PhotoRecordData(letterhead(session), params, category, _narrowed(params), activities)


def _suffix(info: AttachmentInfo) -> str:
    return info.path.name[len(info.sha256):]


def _printed(store: FileStore, info: AttachmentInfo) -> RecordFile:
    suffix = _suffix(info)
    if suffix.lower() == ".pdf":
        return RecordFile(None, info.original_name, info.caption, pdf=True)
    return RecordFile(store.viewable(info.sha256, suffix), info.original_name, info.caption)


def record_activities(data: PhotoRecordData, store: FileStore) -> list[RecordActivity]:
    """The activities as exports.photo_record prints them (a HEIC photo through its rendition)."""
    return [RecordActivity(a.row.title, a.row.category, a.row.start, a.row.end, a.row.place, a.row.participants,
                           [_printed(store, p) for p in a.photos], [_printed(store, s) for s in a.sign_ins])
            for a in data.activities]


def _label(row: ActivityRow, info: AttachmentInfo) -> str:
    kind = "照片" if info.kind is AttachmentKind.PHOTO else SIGN_IN_PART
    return f"「{row.title}」（{row.start:%Y-%m-%d}）的{kind} {info.original_name}"


# --- names -------------------------------------------------------------------------------------------
def safe_title(title: str) -> str:
    """An activity's name as part of a file name: without the characters Windows forbids, spaces
    collapsed, no trailing dot or space, at most TITLE_CHARS characters; 「活动」 if nothing is left."""
    text = " ".join(FORBIDDEN.sub("", title).split())[:TITLE_CHARS].rstrip(". ")
    return text or "活动"


def export_name(day: date | datetime | None, title: str, sequence: int, suffix: str, sign_in: bool = False) -> str:
    """2026-03-05_重阳节敬老活动_01.jpg, or …_签到表_01.jpg for a sign-in sheet (no date: none known)."""
    parts = ([f"{day:%Y-%m-%d}"] if day else []) + [safe_title(title)] + ([SIGN_IN_PART] if sign_in else [])
    return "_".join([*parts, f"{sequence:02d}"]) + suffix.lower()


def attachment_file_name(info: AttachmentInfo, attachments: Sequence[AttachmentInfo],
                         activity: ActivityRow | None = None) -> str:
    """The name the folder export gives `info` (one of `attachments`, its activity's, in their
    order): the window's 「另存为…」 suggests it. Without the activity, its caption's 题名 and 时间
    stand in (they default to the activity's)."""
    same_kind = [a for a in attachments if a.kind is info.kind]
    sequence = next((n for n, a in enumerate(same_kind, start=1) if a.id == info.id), 1)
    if activity is not None:
        day: date | datetime | None = activity.start
        title = activity.title
    else:
        day = info.caption.taken_at
        title = info.caption.title or Path(info.original_name).stem
    return export_name(day, title, sequence, _suffix(info), info.kind is AttachmentKind.SIGN_IN)


def suggested_name(params: LedgerParams, fmt: str = "pdf", today: date | None = None) -> str:
    """A name for the save dialog: 活动图片记录_20260101-20261231.pdf, or the folder's name."""
    if params.date_from or params.date_to:
        start = f"{params.date_from:%Y%m%d}" if params.date_from else ""
        end = f"{params.date_to:%Y%m%d}" if params.date_to else ""
        stem = f"{NAME}_{start}-{end}"
    else:
        stem = f"{NAME}_{(today or date.today()):%Y%m%d}"
    return stem + (".pdf" if fmt == "pdf" else "")


def caption_text(info: AttachmentInfo, missing: str = "") -> bytes:
    """The caption file beside a copied photo: UTF-8 with a BOM (Notepad), CRLF lines."""
    lines = caption_lines(info.caption, CAPTION_FILE, keep_blank=True)
    if missing:
        lines.append(f"原文件缺失：{info.original_name}（{missing}）")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


# --- writing -----------------------------------------------------------------------------------------
def _check_format(path: Path, fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValidationError.single("格式", "活动图片记录只能导出为 PDF 或文件夹")
    suffix = Path(path).suffix.lower()
    if fmt == "pdf" and suffix and suffix != ".pdf":
        raise ValidationError.single("格式", "活动图片记录的 PDF 文件名应以 .pdf 结尾")


def write_pdf(data: PhotoRecordData, store: FileStore, path: Path, progress: Progress | None = None) -> PhotoRecordReport:
    """Render the PDF of gathered `data` to `path` (atomically); no audit entry (see export_photo_record)."""
    enable_heif()  # a HEIC whose rendition could not be made is read as it is
    log = write_photo_record(record_activities(data, store), data.head, data.params.date_from, data.params.date_to,
                             data.category, Path(path), data.narrowed, progress)
    report = PhotoRecordReport(Path(path), "pdf", len(data.activities), data.photos, data.sign_ins)
    report.missing = [f"{picture.record or picture.name}：{why}" for picture, why in log.missing]
    report.pdf_sheets = sum(1 for a in data.activities for s in a.sign_ins if _suffix(s).lower() == ".pdf")
    return report


def write_folder(data: PhotoRecordData, target: Path, progress: Progress | None = None) -> PhotoRecordReport:
    """Copy the originals of gathered `data` with their caption files into the folder `target`,
    which must not exist yet (or be empty); no audit entry (see export_photo_record)."""
    report = PhotoRecordReport(Path(target), "folder", len(data.activities), data.photos, data.sign_ins)
    _fill_folder(data, Path(target), report, progress)
    return report


def _fill_folder(data: PhotoRecordData, folder: Path, report: PhotoRecordReport, progress: Progress | None) -> None:
    total = data.photos + data.sign_ins
    done = 0
    used: set[str] = set()
    for activity in data.activities:
        row = activity.row
        title = safe_title(row.title)
        stem_title, n = title, 1
        while f"{row.start:%Y-%m-%d}_{stem_title}" in used:  # two activities of one name on one day
            n += 1
            stem_title = f"{title[:TITLE_CHARS - 4]}（{n}）"
        used.add(f"{row.start:%Y-%m-%d}_{stem_title}")
        for items, sign_in in ((activity.photos, False), (activity.sign_ins, True)):
            for sequence, info in enumerate(items, start=1):
                suffix = _suffix(info).lower()
                name = export_name(row.start, stem_title, sequence, suffix, sign_in)
                caption_name = name[:len(name) - len(suffix)] + ".txt"
                missing = ""
                if not info.path.is_file():
                    missing = "文件不存在"
                else:
                    try:
                        shutil.copyfile(info.path, folder / name)
                    except FileNotFoundError:
                        missing = "文件不存在"
                if missing:
                    report.missing.append(f"{_label(row, info)}：{missing}")
                (folder / caption_name).write_bytes(caption_text(info, missing))
                if suffix == ".pdf":
                    report.pdf_sheets += 1
                done += 1
                if progress is not None:
                    progress(done, total)


def _audit_failed(err: HuiquanError) -> StorageError:
    return StorageError(f"{NAME}含有居民的照片和姓名，导出必须记入操作日志，但操作日志无法写入：\n{err}\n"
                        "为保护个人信息，没有保存任何文件。请稍后再试，或检查数据文件夹是否可写。")


def _export_folder(ws: Workspace, params: LedgerParams, target: Path, progress: Progress | None) -> PhotoRecordReport:
    from huiquan_desk.services.audit_log import log_export

    ws.require_signed_in(f"导出{NAME}")
    try:
        ws.require_writable()
    except HuiquanError as err:
        raise _audit_failed(err) from err
    if problem := new_folder_problem(target):
        raise ValidationError.single("保存位置", problem)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-", suffix=".part"))
    except OSError as err:
        raise StorageError(f"无法写入 {target.parent}：{err.strerror}。请换一个文件夹。") from err
    try:
        with ws.read() as session:
            data = gather(session, ws.files, params)
        report = PhotoRecordReport(target, "folder", len(data.activities), data.photos, data.sign_ins)
        _fill_folder(data, staged, report, progress)
        try:
            log_export(ws, ENTITY, NAME, target, report.files)
        except HuiquanError as err:
            raise _audit_failed(err) from err
        if target.is_dir():  # empty (checked above): replaced by the finished folder
            target.rmdir()
        os.rename(staged, target)
    except OSError as err:
        shutil.rmtree(staged, ignore_errors=True)
        raise StorageError(f"无法写入 {target}：{err.strerror}。请检查磁盘空间或换一个文件夹。") from err
    except BaseException:  # Cancelled, the audit entry refused, … and KeyboardInterrupt alike
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return report


def export_photo_record(ws: Workspace, params: LedgerParams, path: Path, fmt: str = "pdf",
                        progress: Progress | None = None) -> PhotoRecordReport:
    """Write the 活动图片记录 of `params` to `path`: the PDF (`fmt="pdf"`) or a folder of the
    originals with their caption files (`fmt="folder"`, `path` being the folder to create).
    Personal data: once accounts exist it needs a signed-in account, and the output appears only
    together with its audit entry. `progress(done, total)` per photo and sheet; Cancelled from it
    leaves nothing behind. See the module's docstring."""
    from huiquan_desk.services.exporting import write_logged

    path = Path(path)
    _check_format(path, fmt)
    if fmt == "folder":
        return _export_folder(ws, params, path, progress)
    result: list[PhotoRecordReport] = []

    def write(session: Session, out: Path) -> int:
        data = gather(session, ws.files, params)
        report = write_pdf(data, ws.files, out, progress)
        report.path = path
        result.append(report)
        return report.files

    write_logged(ws, path, ENTITY, NAME, write)
    return result[0]


# --- the window --------------------------------------------------------------------------------------
def save_original(info: AttachmentInfo, target: Path) -> Path:
    """Copy the stored original of `info` (as it was added: a HEIC stays HEIC, EXIF kept) to
    `target`, atomically (exports.ledger.atomic_output): an existing file is replaced only by a
    complete copy. NotFoundError if the stored file is missing."""
    from huiquan_desk.exports.ledger import atomic_output

    if not info.path.is_file():
        raise NotFoundError(f"照片的原文件缺失（{info.original_name}），无法另存。请运行「检查」并从备份恢复。")
    with atomic_output(Path(target)) as staged:
        try:
            shutil.copyfile(info.path, staged)
        except FileNotFoundError:
            raise NotFoundError(f"照片的原文件缺失（{info.original_name}），无法另存。") from None
    return Path(target)


def preview_jpeg(path: Path, longest: int = 2048) -> bytes | None:
    """The picture at `path` as JPEG bytes, upright and at most `longest` pixels on its longer side,
    for the window, which cannot decode HEIC itself: a stored HEIC is read from its rendition (made
    again if a clean-up or a restore left it out, storage.files), any other file (one just picked,
    not stored yet) decoded as it is. None if it cannot be read."""
    path = Path(path)
    rendition = rendition_beside(path)
    if rendition is not None and not rendition.is_file() and path.parent.name == path.name[:2]:
        try:  # a file of the store (files/ab/ab….heic): its store can make the rendition
            FileStore(path.parent.parent).ensure_rendition(path.name[:64], path.name[64:])
        except HuiquanError:
            pass  # read-only, damaged: decoded below as it is, or None
    source = rendition if rendition is not None and rendition.is_file() else path
    enable_heif()
    try:
        data, _width, _height = picture_jpeg(source, longest, longest, quality=88)
    except (OSError, ValueError):
        return None
    return data

