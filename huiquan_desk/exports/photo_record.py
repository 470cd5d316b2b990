"""活动图片记录 (the photo record pages): a period's activities with their photos, declared on the
document layout layer (exports.layout).

Inspectors look for 「有图有真相」: each activity, in date order, with its name, 时间, 地点, 参与人数 and
类别, then its photos two to a row, rows kept whole (two rows a page: 2–4 photos a page), each photo
with its caption as GB/T 11821 / DA/T 50-2014 name it (题名, 时间, 地点, 人物, 摄影者; blank ones left
out); an activity without photos still appears, with 「（没有照片）」. Its sign-in sheets follow it,
each on a page of its own, fitted to the page in proportion (a sheet kept as PDF prints a note
asking for the original). A4 portrait, with the ledgers' header and footer (exports.pdf): the title
「<社区名称>活动图片记录」 and the letterhead line on the first page, 「第 N 页 共 M 页」 on every page,
and 填表人 / 审核人 / 日期 at the end.

Pictures are printed from the files the caller hands in (for a HEIC photo, its JPEG rendition),
downsampled to 200 dpi at their printed size (JPEG quality 80, EXIF orientation applied), by up to
WORKERS threads ahead of the drawing. A file
that is missing or cannot be decoded prints a framed 「照片文件缺失」 with its name instead of stopping
the export; `write_photo_record` returns the document's PictureLog, which lists them. Every text is
checked against the fonts (a missing glyph names the activity and the photo).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm

from huiquan_desk.domain.activity import CAPTION_LABELS, PhotoCaption
from huiquan_desk.domain.dates import span_text
from huiquan_desk.domain.errors import Progress
from huiquan_desk.exports.activity_ledger import period_text
from huiquan_desk.exports.layout import (
    Block,
    Document,
    Heading,
    Margins,
    Page,
    PageNumbers,
    PagePicture,
    Paragraph,
    Picture,
    PictureLog,
    PictureRow,
    SignatureLine,
    Title,
    render,
)
from huiquan_desk.exports.ledger import Letterhead

NAME = "活动图片记录"
COLUMNS = 2  # photos side by side; with two rows a page, 2–4 photos a page
PICTURE_HEIGHT = 236.0  # points: two rows of 3:4 portraits and their captions fit under a heading
MISSING_PHOTO = "照片文件缺失"
MISSING_SHEET = "签到表文件缺失"
PDF_SHEET = "签到表为 PDF 文件，未能印入本记录，请另附原件"
NO_PHOTOS = "（没有照片）"
NO_ACTIVITIES = "（所选时间和类别内没有活动）"
# The ledgers' page (exports.pdf): 14 mm margins, 20 mm at the binding edge, the page number 14 mm up.
PAGE = Page(margins=Margins(top=14 * mm, right=14 * mm, bottom=22 * mm, left=20 * mm))
PAGE_NUMBERS = PageNumbers(when="always", y=14 * mm, size=9.0)
PRINTED_CAPTION = ("title", "taken_at", "place", "people", "photographer")  # 背景 stays in the caption file
WORKERS = min(4, os.cpu_count() or 1)  # threads decoding and downsampling photos ahead of the drawing


@dataclass(frozen=True)
class RecordFile:
    """A photo or sign-in sheet as printed: `path` is the file to print (a HEIC's JPEG rendition;
    None when there is nothing printable, `pdf` for a sheet kept as PDF), `name` the original file
    name, `caption` as stored."""

    path: Path | None
    name: str
    caption: PhotoCaption = field(default_factory=PhotoCaption)
    pdf: bool = False


@dataclass(frozen=True)
class RecordActivity:
    """An activity as its photo record prints it (services.photo_record gathers these)."""

    title: str
    category: str
    start: datetime
    end: datetime | None
    place: str
    participants: int
    photos: Sequence[RecordFile] = ()
    sign_ins: Sequence[RecordFile] = ()


def caption_time(caption: PhotoCaption) -> str:
    return caption.taken_at.strftime("%Y-%m-%d %H:%M") if caption.taken_at else ""


def caption_lines(caption: PhotoCaption, keys: Sequence[str] = PRINTED_CAPTION, keep_blank: bool = False) -> list[str]:
    """「题名：重阳节敬老爱老活动」, 「时间：2026-10-18 09:00」 …, in `keys`' order; blank ones left out
    unless `keep_blank` (a caption file lists every field)."""
    lines = []
    for key in keys:
        value = caption_time(caption) if key == "taken_at" else str(getattr(caption, key) or "").strip()
        if value or keep_blank:
            lines.append(f"{CAPTION_LABELS[key]}：{value}")
    return lines


def _record(activity: RecordActivity) -> str:
    return f"「{activity.title}」（{activity.start:%Y-%m-%d}）"


def _picture(activity: RecordActivity, item: RecordFile, kind: str, missing: str, caption: bool) -> Picture:
    record = f"{_record(activity)}的{kind} {item.name}"
    if item.pdf or item.path is None:
        return Picture(None, item.name, record=record, note=PDF_SHEET if item.pdf else missing)
    return Picture(item.path, item.name, tuple(caption_lines(item.caption)) if caption else (), record,
                   missing=missing)


def picture_count(activities: Sequence[RecordActivity]) -> int:
    """Pictures the record prints (photos and sign-in sheets): the total its progress counts to."""
    return sum(len(a.photos) + len(a.sign_ins) for a in activities)


def _activity_blocks(index: int, activity: RecordActivity) -> list[Block]:
    place = activity.place.strip() or "（未填写）"
    blocks: list[Block] = [
        Heading(f"{index}. {activity.title}", size=12.0, leading=1.45, space_before=6 if index > 1 else 2,
                name=_record(activity)),
        Paragraph(f"时间：{span_text(activity.start, activity.end)}　地点：{place}　"
                  f"参与人数：{activity.participants} 人　类别：{activity.category}", size=9.5, leading=1.45,
                  space_after=6, keep_with_next=True, name=_record(activity)),
    ]
    photos = [_picture(activity, item, "照片", MISSING_PHOTO, True) for item in activity.photos]
    if not photos:
        blocks.append(Paragraph(NO_PHOTOS, size=10.5, leading=1.5, space_after=8, name=_record(activity)))
    for start in range(0, len(photos), COLUMNS):
        blocks.append(PictureRow(photos[start:start + COLUMNS], columns=COLUMNS, picture_height=PICTURE_HEIGHT,
                                 space_after=12, name=f"{_record(activity)}的照片"))
    sheets = activity.sign_ins
    for number, item in enumerate(sheets, start=1):
        count = f"（第 {number} 张，共 {len(sheets)} 张）" if len(sheets) > 1 else ""
        heading = f"签到表：{activity.title}（{activity.start:%Y-%m-%d}）{count}"
        blocks.append(PagePicture(_picture(activity, item, "签到表", MISSING_SHEET, False), heading=heading,
                                  name=f"{_record(activity)}的签到表"))
    return blocks


def photo_record(activities: Sequence[RecordActivity], head: Letterhead, date_from: date | None,
                 date_to: date | None, category: str | None, narrowed: Sequence[str] = (),
                 pictures: PictureLog | None = None) -> Document:
    """The 活动图片记录 declared; `narrowed` says what else chose the activities (状态 …)."""
    photos = sum(len(a.photos) for a in activities)
    subtitle = head.subtitle(f"时间：{period_text(date_from, date_to)}", f"类别：{category or '全部'}", *narrowed,
                             f"共 {len(activities)} 项活动、{photos} 张照片")
    title = head.title(NAME)
    blocks: list[Block] = [
        Title(title, size=16.0, leading=1.3, bold=False, space_after=3),
        Paragraph(subtitle, size=9.0, leading=1.3, align="center", hang=False, space_after=10, keep_with_next=True),
    ]
    for index, activity in enumerate(activities, start=1):
        blocks += _activity_blocks(index, activity)
    if not activities:
        blocks.append(Paragraph(NO_ACTIVITIES, size=10.5, align="center", space_before=12))
    preparer: str | tuple[str, str] = ("填表人", head.preparer) if head.preparer else "填表人"
    blocks.append(SignatureLine((preparer, "审核人", "日期"), size=10.0, blank=90, space_before=18))
    return Document(blocks, page=PAGE, page_numbers=PAGE_NUMBERS, title=title, author=head.unit,
                    subject=subtitle, record=title, pictures=pictures,
                    overflow_advice="请精简照片说明后重试")


def write_photo_record(activities: Sequence[RecordActivity], head: Letterhead, date_from: date | None,
                       date_to: date | None, category: str | None, path: Path, narrowed: Sequence[str] = (),
                       progress: Progress | None = None) -> PictureLog:
    """Write the 活动图片记录 to `path` atomically. `progress(pictures drawn, pictures)` follows each
    photo and sheet and may raise Cancelled (no file is left). Returns the PictureLog: `missing`
    lists the files printed as 「照片文件缺失」."""
    log = PictureLog(picture_count(activities), progress, workers=WORKERS)
    try:
        render(photo_record(activities, head, date_from, date_to, category, narrowed, log), path)
    finally:
        log.close()
    return log
