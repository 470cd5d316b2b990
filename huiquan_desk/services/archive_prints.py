"""The archive prints (DA/T 22-2015): what the window and the command line call.

    catalogue_series(session, year, retention=None) -> list[CatalogueSeries]   the 归档文件目录's rows,
        one series each (the ledger registry's `archive-catalog` prints them, services.ledgers)
    export_box_labels(ws, year, path, retention=None, box_ids=None) -> int     盒脊, boxes printed
    export_box_sheets(ws, year, path, retention=None, box_ids=None) -> int     备考表, boxes printed
    export_stamps(ws, year, path, retention=None, item_ids=None) -> int        归档章, items printed
    export_photo_catalogue(ws, year, path, progress=None) -> int               照片目录, photos printed

Each writes its PDF atomically (nothing is left when it fails or is cancelled) and refuses in
Chinese when there is nothing to print (「2026年度还没有装盒的档案」). The labels, 备考表 and stamps
name no resident, so they are written without an audit entry; the photo catalogue shows residents'
faces and names them (人物), so it is exported like the activity photo record: once accounts exist
only by a signed-in account, together with its audit entry (services.exporting.write_logged).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from huiquan_desk.domain.archives import RETENTION_LABELS, Group
from huiquan_desk.domain.errors import Progress, ValidationError
from huiquan_desk.exports.archive_catalogue import CatalogueSeries, fonds_name, merged_lines
from huiquan_desk.exports.archive_labels import (
    NAME_PHOTOS,
    BoxPrint,
    PhotoPrint,
    StampPrint,
    write_box_sheets,
    write_photo_catalogue,
    write_spine_labels,
    write_stamps,
)
from huiquan_desk.exports.ledger import Letterhead
from huiquan_desk.services import archive_boxes, archives
from huiquan_desk.services.ledgers import letterhead

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

ENTITY_PHOTOS = "archive_files"  # what the audit entry of a photo catalogue names
WORKERS = min(4, os.cpu_count() or 1)  # threads decoding photos ahead of the drawing


def check_year(year: int | None) -> int:
    if year is None:
        raise ValidationError.single("年度", "请指定年度（命令行：--year 2026）")
    if not 1949 <= year <= 2100:
        raise ValidationError.single("年度", "应为 4 位年份，如 2026")
    return year


def check_retention(retention: str | None) -> str | None:
    if retention is None or retention == "":
        return None
    code = retention.strip().upper()
    if code not in RETENTION_LABELS:
        choices = "、".join(f"{k}（{v}）" for k, v in RETENTION_LABELS.items())
        raise ValidationError.single("保管期限", f"「{retention[:20]}」应为 {choices} 之一")
    return code


def _scope(year: int, retention: str | None) -> str:
    """2026年度, or 2026年度定期30年."""
    return f"{year}年度" + (RETENTION_LABELS[retention] if retention else "")


def _check_pdf(path: Path) -> None:
    suffix = Path(path).suffix.lower()
    if suffix and suffix != ".pdf":
        raise ValidationError.single("格式", "只能导出为 PDF（文件名以 .pdf 结尾）")


# --- 归档文件目录 -----------------------------------------------------------------------------------------
def catalogue_series(session: Session, year: int | None, retention: str | None = None) -> list[CatalogueSeries]:
    """Each series of `year` (of `retention` only, when given) with its numbered items and its
    recorded gaps, by 件号; a series with nothing numbered yet is left out. Refused when nothing is left."""
    year = check_year(year)
    retention = check_retention(retention)
    gaps = archives.list_gaps(session, year)
    out = []
    for summary in archives.series(session, year):
        group = summary.group
        if retention and group.retention != retention:
            continue
        items = archives.list_items(session, year=year, retention=group.retention, category=group.category,
                                    org=group.org, numbered=True)
        own_gaps = [g for g in gaps if Group(g.category, g.year, g.retention, g.org) == group]
        if not items and not own_gaps:
            continue
        out.append(CatalogueSeries(group, merged_lines(items, own_gaps), summary.items - summary.numbered))
    if not out:
        raise ValidationError.single("归档文件目录", f"{_scope(year, retention)}还没有固定件号的档案，"
                                     "请先在「档案」页归档并固定件号")
    return out


# --- 盒脊 and 备考表 --------------------------------------------------------------------------------------
def box_prints(session: Session, year: int | None, retention: str | None = None,
               box_ids: Sequence[int] | None = None) -> tuple[Letterhead, list[BoxPrint]]:
    """The boxes of `year` (of `retention`; only `box_ids` when given) that hold items, in order."""
    year = check_year(year)
    retention = check_retention(retention)
    head = letterhead(session)
    name = fonds_name(head)
    boxes = [BoxPrint(b.fonds or head.fonds_code, name, b.group.year, b.group.retention, b.group.org, b.number,
                      b.first, b.last, b.spine_mm, b.items, b.pages, b.notes, b.arranged_by, b.arranged_on,
                      b.checked_by, b.checked_on)
             for b in archive_boxes.list_boxes(session, year, box_ids)
             if b.items and (retention is None or b.group.retention == retention)]
    if not boxes:
        raise ValidationError.single("档案盒", f"{_scope(year, retention)}还没有装盒的档案，请先在「档案」页装盒")
    return head, boxes


def export_box_labels(ws: Workspace, year: int | None, path: Path, retention: str | None = None,
                      box_ids: Sequence[int] | None = None) -> int:
    """The spine labels (盒脊) of the boxes, several to an A4 page; returns the boxes printed."""
    _check_pdf(path)
    with ws.read() as session:
        head, boxes = box_prints(session, year, retention, box_ids)
    write_spine_labels(boxes, head, Path(path))
    return len(boxes)


def export_box_sheets(ws: Workspace, year: int | None, path: Path, retention: str | None = None,
                      box_ids: Sequence[int] | None = None) -> int:
    """The 备考表 of the boxes, one A4 page each; returns the boxes printed."""
    _check_pdf(path)
    with ws.read() as session:
        head, boxes = box_prints(session, year, retention, box_ids)
    write_box_sheets(boxes, head, Path(path))
    return len(boxes)


# --- 归档章 --------------------------------------------------------------------------------------------------
def stamp_prints(session: Session, year: int | None, retention: str | None = None,
                 item_ids: Sequence[int] | None = None) -> tuple[Letterhead, list[StampPrint]]:
    """The numbered items of `year` not destroyed (of `retention`; only `item_ids` when given)."""
    year = check_year(year)
    retention = check_retention(retention)
    wanted = set(item_ids) if item_ids is not None else None
    rows = [r for r in archives.list_items(session, year=year, retention=retention, numbered=True)
            if r.destroyed_on is None and (wanted is None or r.id in wanted) and r.number is not None]
    if not rows:
        raise ValidationError.single("归档章", f"{_scope(year, retention)}还没有固定件号的档案，请先固定件号")
    stamps = [StampPrint(r.fonds, r.year, r.retention, r.org, r.number, r.pages, r.code)
              for r in rows if r.number is not None]
    return letterhead(session), stamps


def export_stamps(ws: Workspace, year: int | None, path: Path, retention: str | None = None,
                  item_ids: Sequence[int] | None = None) -> int:
    """The 归档章 of the items, a grid to an A4 page; returns the stamps printed."""
    _check_pdf(path)
    with ws.read() as session:
        head, stamps = stamp_prints(session, year, retention, item_ids)
    write_stamps(stamps, head, Path(path))
    return len(stamps)


# --- 照片目录 --------------------------------------------------------------------------------------------------
def photo_prints(session: Session, ws: Workspace, year: int | None) -> tuple[Letterhead, list[PhotoPrint]]:
    """Every photo (files of kind 「照片」) of the numbered items of `year` still kept, by 档号."""
    year = check_year(year)
    photos: list[PhotoPrint] = []
    for row in archives.list_items(session, year=year, numbered=True):
        if row.destroyed_on is not None or not row.files:
            continue
        detail = archives.get_item(session, row.id, ws.files)
        own = [f for f in detail.files if f.kind == "photo"]
        for index, info in enumerate(own, start=1):
            path = ws.files.viewable(info.sha256, info.suffix) if info.suffix.lower() != ".pdf" else None
            photos.append(PhotoPrint(row.code, row.title, path, info.original_name, info.caption, index, len(own)))
    if not photos:
        raise ValidationError.single(NAME_PHOTOS, f"{year}年度已编号的档案中没有照片")
    return letterhead(session), photos


def export_photo_catalogue(ws: Workspace, year: int | None, path: Path, progress: Progress | None = None) -> int:
    """The 照片目录 of `year`; personal data (faces, names): with its audit entry. Returns the photos printed."""
    from huiquan_desk.services.exporting import write_logged
    from huiquan_desk.storage.files import enable_heif

    _check_pdf(path)
    year = check_year(year)

    def write(session: Session, out: Path) -> int:
        head, photos = photo_prints(session, ws, year)
        enable_heif()  # a HEIC whose rendition could not be made is read as it is
        write_photo_catalogue(photos, head, year, out, progress, workers=WORKERS)
        return len(photos)

    return write_logged(ws, Path(path), ENTITY_PHOTOS, f"{year}年度{NAME_PHOTOS}", write)
