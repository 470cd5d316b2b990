"""The archive prints that are not tables, declared on the layout layer (exports.layout):

* 盒脊 (box spine labels): each label at its box's real spine width (20/30/40/50 mm) and
  SPINE_HEIGHT high, as many side by side as an A4 portrait page holds, with cut marks at the
  corners. From the top: the 全宗名称 read downwards one character a line, then the cells 全宗号,
  年度, 保管期限, 机构(问题) (when set), 起止件号 and 盒号, each value set as large as the width allows.
* 备考表 (one A4 page per box): the box (全宗号, 年度, 保管期限, 盒号, 起止件号, 件数和页数), the
  盒内文件情况说明 in a box filling the page, then 整理人, 整理日期, 检查人, 检查日期.
* 归档章 (filing stamps to cut out and stick on each item's first page): the DA/T 22-2015 grid of
  two rows of three cells, 全宗号 | 年度 | 件号 over 机构(问题) | 保管期限 | 页数 (机构 blank when the
  fonds has none), STAMP_CELL each, the 档号 printed small under the stamp so that it goes on the
  right item; a grid of them on A4 portrait with cut marks.
* 照片目录 (the photo catalogue of a year): every photo of the year's items with its 档号 and its
  caption (题名, 时间, 地点, 人物, 背景, 摄影者; GB/T 11821), two side by side, 2–4 a page.

Everything is handed over as the dataclasses below (services.archive_prints fills them); every
text is checked against the fonts before it is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from huiquan_desk.domain.activity import PhotoCaption
from huiquan_desk.domain.archives import RETENTION_LABELS, number_range
from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.errors import Progress
from huiquan_desk.exports.layout import (
    BOLD,
    MIDDLE,
    Block,
    BlockTooTallError,
    Context,
    Document,
    Heading,
    LabelValue,
    Laid,
    Margins,
    Page,
    PageNumbers,
    Paragraph,
    Picture,
    PictureLog,
    PictureRow,
    Title,
    render,
)
from huiquan_desk.exports.ledger import Letterhead
from huiquan_desk.exports.photo_record import caption_lines

SPINE_HEIGHT = 260 * mm
SPINE_GAP = 10 * mm  # between two labels: room for both labels' cut marks
MARK_OFFSET = 1 * mm  # a cut mark starts this far out from the corner …
MARK_LENGTH = 3.5 * mm  # … and is this long
SPINE_PAGE = Page(size=A4, margins=Margins(top=12 * mm, right=10 * mm, bottom=12 * mm, left=10 * mm))
STAMP_CELL = (15 * mm, 8 * mm)  # DA/T 22-2015: 2 rows of 3 cells, 45 mm × 16 mm in all
STAMP_GAP = 12 * mm  # between two stamps of a row
STAMP_PAGE = Page(size=A4, margins=Margins(top=14 * mm, right=15 * mm, bottom=14 * mm, left=15 * mm))
SHEET_PAGE = Page(size=A4, margins=Margins(top=20 * mm, right=20 * mm, bottom=18 * mm, left=25 * mm))
PHOTO_PAGE = Page(margins=Margins(top=14 * mm, right=14 * mm, bottom=22 * mm, left=20 * mm))
PHOTO_NUMBERS = PageNumbers(when="always", y=14 * mm, size=9.0)
PHOTO_CAPTION = ("title", "taken_at", "place", "people", "background", "photographer")
NAME_SPINE = "档案盒盒脊"
NAME_SHEET = "备考表"
NAME_STAMP = "归档章"
NAME_PHOTOS = "照片目录"


def retention_label(code: str) -> str:
    return RETENTION_LABELS.get(code, code)


# --- what is printed -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoxPrint:
    """A box as its spine label and its 备考表 print it (services.archive_boxes.BoxRow, with the fonds)."""

    fonds: str  # 全宗号
    fonds_name: str  # 全宗名称
    year: int
    retention: str  # Y / D30 / D10
    org: str
    number: int  # 盒号
    first: int | None  # 起件号
    last: int | None  # 止件号
    spine_mm: int
    items: int = 0
    pages: int = 0
    notes: str = ""
    arranged_by: str = ""
    arranged_on: date | None = None
    checked_by: str = ""
    checked_on: date | None = None

    @property
    def range_text(self) -> str:
        """起止件号 as printed: 0001—0012."""
        return number_range(self.first, self.last)

    @property
    def record(self) -> str:
        org = f"-{self.org}" if self.org else ""
        return f"{self.year}-{self.retention}{org} 第 {self.number} 盒"


@dataclass(frozen=True)
class StampPrint:
    """An item's 归档章."""

    fonds: str
    year: int
    retention: str
    org: str
    number: int  # 件号
    pages: int
    code: str  # 档号, printed under the stamp


@dataclass(frozen=True)
class PhotoPrint:
    """A photo of an item: the file to print (a HEIC's rendition), its original name and caption."""

    code: str  # the item's 档号
    item_title: str
    path: Path | None
    name: str
    caption: PhotoCaption = field(default_factory=PhotoCaption)
    index: int = 1  # the photo's place among the item's photos
    count: int = 1


# --- drawing helpers -----------------------------------------------------------------------------------
def cut_marks(c: Canvas, x: float, y: float, width: float, height: float) -> None:
    """Crop marks at the four corners of the rectangle (x, y, width, height), pointing outwards."""
    c.saveState()
    c.setLineWidth(0.4)
    c.setStrokeGray(0)
    for cx, sx in ((x, -1), (x + width, 1)):
        for cy, sy in ((y, -1), (y + height, 1)):
            c.line(cx + sx * MARK_OFFSET, cy, cx + sx * (MARK_OFFSET + MARK_LENGTH), cy)
            c.line(cx, cy + sy * MARK_OFFSET, cx, cy + sy * (MARK_OFFSET + MARK_LENGTH))
    c.restoreState()


def _fit_size(ctx: Context, lines: Sequence[str], width: float, height: float, largest: float,
              leading: float = 1.2) -> float:
    """The largest size up to `largest` at which every line fits `width` and all of them `height`."""
    widest = max((ctx.text.text_width(line, 1.0) for line in lines), default=0.0)
    size = largest
    if widest > 0:
        size = min(size, width / widest)
    if lines:
        size = min(size, height / (len(lines) * leading))
    return max(size, 1.0)


def _best_lines(ctx: Context, options: Sequence[Sequence[str]], width: float, height: float,
                largest: float, enough: float = 0.75) -> tuple[float, Sequence[str]]:
    """Of several ways to break a value into lines, the first printed at least `enough` of
    `largest` (so that labels of different widths read alike), else the one printed largest."""
    best: tuple[float, Sequence[str]] | None = None
    for lines in options:
        size = _fit_size(ctx, lines, width, height, largest)
        if size >= enough * largest:
            return size, lines
        if best is None or size > best[0] + 0.01:
            best = (size, lines)
    assert best is not None
    return best


def _centred_lines(c: Canvas, ctx: Context, lines: Sequence[str], x: float, width: float, middle: float,
                   size: float, leading: float = 1.2, mode: int | None = None) -> None:
    """`lines` centred across `width` from `x`, the block's middle at `middle`."""
    step = size * leading
    y = middle + (len(lines) - 1) * step / 2 - size * MIDDLE
    for line in lines:
        ctx.text.draw(c, x + (width - ctx.text.text_width(line, size)) / 2, y, line, size, mode)
        y -= step


# --- 盒脊 --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpineRow(Block):
    """Spine labels side by side, centred across the body, each its box's spine wide and `height`
    high, with cut marks at the corners."""

    boxes: Sequence[BoxPrint]
    height: float = SPINE_HEIGHT
    gap: float = SPINE_GAP
    pad: float = 1.8 * mm

    def lay(self, ctx: Context) -> Laid:
        widths = [b.spine_mm * mm for b in self.boxes]
        total = sum(widths) + self.gap * (len(widths) - 1)
        if total > ctx.width + 0.01:
            raise ValueError("spine labels wider than the page")
        drawings = [self._label(ctx, box, width) for box, width in zip(self.boxes, widths, strict=True)]
        marks = MARK_OFFSET + MARK_LENGTH

        def draw(c: Canvas, top: float) -> None:
            x = ctx.left + (ctx.width - total) / 2
            label_top = top - marks
            for drawing, width in zip(drawings, widths, strict=True):
                drawing(c, x, label_top)
                cut_marks(c, x, label_top - self.height, width, self.height)
                x += width + self.gap

        return self._laid(self.height + 2 * marks, draw, NAME_SPINE)

    def _label(self, ctx: Context, box: BoxPrint, width: float):  # type: ignore[no-untyped-def]
        """Lay out one label; returns its drawing (canvas, left x, top y)."""
        record = f"{NAME_SPINE}（{box.record}）"
        inner = width - 2 * self.pad
        cells: list[tuple[str, list[list[str]], float, float]] = [  # label, line options, weight, largest size
            ("全宗号", [[box.fonds]], 1.0, 18.0),
            ("年度", [[str(box.year)]], 1.0, 18.0),
            ("保管期限", [[retention_label(box.retention)], _retention_lines(box.retention)], 1.25, 16.0),
        ]
        if box.org:
            cells.append(("机构(问题)", [[box.org]], 1.0, 16.0))
        if box.first is not None and box.last is not None:
            first, last = f"{box.first:04d}", f"{box.last:04d}"
            cells.append(("起止件号", [[f"{first}—{last}"], [first, "至", last]], 1.7, 16.0))
        else:
            cells.append(("起止件号", [["（空盒）"], ["空", "盒"]], 1.7, 14.0))
        cells.append(("盒号", [[str(box.number)]], 1.5, 40.0))
        name = [ch for ch in box.fonds_name if not ch.isspace()]
        for text in (box.fonds_name, *(label for label, *_ in cells),
                     *(line for _, options, *_ in cells for option in options for line in option)):
            ctx.check_as(record, text)
        name_h = self.height * 0.36 if name else 0.0
        unit = (self.height - name_h) / sum(weight for _, _, weight, _ in cells)
        name_size = _fit_size(ctx, ["国"], inner, (name_h - 2 * self.pad) / max(len(name), 1), 16.0, 1.15)
        label_size = _fit_size(ctx, [label for label, *_ in cells], inner, 1e6, 9.0)
        laid_cells = []
        for label, options, weight, largest in cells:
            cell_h = unit * weight
            room = cell_h - label_size * 1.6 - 2 * self.pad
            size, lines = _best_lines(ctx, options, inner, room, largest)
            laid_cells.append((label, lines, size, cell_h))

        def draw(c: Canvas, x: float, top: float) -> None:
            c.saveState()
            c.setLineWidth(0.8)
            c.rect(x, top - self.height, width, self.height)
            c.setLineWidth(0.5)
            y = top
            if name:
                _centred_lines(c, ctx, name, x, width, y - name_h / 2, name_size, 1.15, BOLD)
                y -= name_h
                c.line(x, y, x + width, y)
            for index, (label, lines, size, cell_h) in enumerate(laid_cells):
                label_y = y - self.pad - label_size
                ctx.text.draw(c, x + (width - ctx.text.text_width(label, label_size)) / 2, label_y, label, label_size)
                value_top = label_y - label_size * 0.6
                value_middle = (value_top + y - cell_h + self.pad) / 2
                _centred_lines(c, ctx, lines, x, width, value_middle, size, 1.2, BOLD if label == "盒号" else None)
                y -= cell_h
                if index < len(laid_cells) - 1:
                    c.line(x, y, x + width, y)
            c.restoreState()

        return draw


def _retention_lines(code: str) -> list[str]:
    """定期30年 on two lines (定期 / 30年) for a narrow label."""
    label = retention_label(code)
    return [label[:2], label[2:]] if label.startswith("定期") else [label]


def spine_rows(boxes: Sequence[BoxPrint], body_width: float, gap: float = SPINE_GAP) -> list[list[BoxPrint]]:
    """The boxes in order, as many to a row (a page) as fit `body_width`."""
    rows: list[list[BoxPrint]] = []
    used = 0.0
    for box in boxes:
        width = box.spine_mm * mm
        if rows and used + gap + width <= body_width + 0.01:
            rows[-1].append(box)
            used += gap + width
        else:
            rows.append([box])
            used = width
    return rows


def spine_labels(boxes: Sequence[BoxPrint], head: Letterhead) -> Document:
    rows = spine_rows(boxes, SPINE_PAGE.body_width)
    return Document([SpineRow(row) for row in rows], page=SPINE_PAGE, page_numbers=None,
                    title=f"{head.community}{NAME_SPINE}", author=head.unit, record=NAME_SPINE)


def write_spine_labels(boxes: Sequence[BoxPrint], head: Letterhead, path: Path,
                       progress: Progress | None = None) -> Path:
    return render(spine_labels(boxes, head), path, progress)


# --- 备考表 --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoxSheet(Block):
    """The 备考表 of a box, filling a page: the box's identity, the 盒内文件情况说明 in a frame that
    takes the room left, the 整理人 / 检查人 rows."""

    box: BoxPrint
    size: float = 12.0

    def lay(self, ctx: Context) -> Laid:
        if ctx.body_height <= 0:
            raise ValueError("BoxSheet is laid out by render or page_count, which know the page's body")
        b = self.box
        record = f"{NAME_SHEET}（{b.record}）"
        ctx.record, saved = record, ctx.record
        try:
            org = (("机构(问题)", b.org),) if b.org else ()
            head: list[Block] = [
                Title(NAME_SHEET, size=22, letter_spacing=14, space_after=16),
                LabelValue((("全宗号", b.fonds), ("年度", str(b.year))), size=self.size),
                LabelValue((("保管期限", retention_label(b.retention)), ("盒号", f"第 {b.number} 盒")), size=self.size),
                LabelValue((("起止件号", b.range_text), ("件数、页数", f"{b.items} 件，{b.pages} 页")), size=self.size),
                *([LabelValue(org, size=self.size)] if org else []),
                Heading("盒内文件情况说明", size=self.size, boxed=True, height=27.0, space_before=12),
            ]
            tail: list[Block] = [
                LabelValue((("整理人", b.arranged_by), ("整理日期", cn_date(b.arranged_on))), size=self.size),
                LabelValue((("检查人", b.checked_by), ("检查日期", cn_date(b.checked_on))), size=self.size),
            ]
            head_laid = [block.lay(ctx) for block in head]
            tail_laid = [block.lay(ctx) for block in tail]
            ctx.check(b.notes)
            pad = 8.0
            lines = [line for para in b.notes.replace("\r\n", "\n").split("\n")
                     for line in ctx.text.wrap(para, ctx.width - 2 * pad, self.size)] if b.notes.strip() else []
        finally:
            ctx.record = saved
        inner = ctx.body_height - self.space_before - self.space_after - 0.01
        used = sum(part.height for part in head_laid) + sum(part.height for part in tail_laid)
        notes_h = inner - used
        step = self.size * 1.7
        if notes_h < len(lines) * step + 2 * pad:
            raise BlockTooTallError.single(record, "盒内文件情况说明太长，一页印不下，请精简后重试")

        def draw(c: Canvas, top: float) -> None:
            y = top
            for part in head_laid:
                part.draw(c, y)
                y -= part.height
            c.rect(ctx.left, y - notes_h, ctx.width, notes_h)
            ty = y - pad - self.size
            for line in lines:
                ctx.text.draw(c, ctx.left + pad, ty, line, self.size)
                ty -= step
            y -= notes_h
            for part in tail_laid:
                part.draw(c, y)
                y -= part.height

        return self._laid(inner, draw, record)


def box_sheets(boxes: Sequence[BoxPrint], head: Letterhead) -> Document:
    return Document([BoxSheet(box) for box in boxes], page=SHEET_PAGE, page_numbers=None,
                    title=f"{head.community}{NAME_SHEET}", author=head.unit, record=NAME_SHEET,
                    overflow_advice="请精简盒内文件情况说明后重试")


def write_box_sheets(boxes: Sequence[BoxPrint], head: Letterhead, path: Path,
                     progress: Progress | None = None) -> Path:
    return render(box_sheets(boxes, head), path, progress)


# --- 归档章 --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StampRow(Block):
    """A row of 归档章 across the body, each with cut marks and its 档号 under it."""

    stamps: Sequence[StampPrint]
    columns: int
    label_size: float = 5.0
    value_size: float = 10.0
    code_size: float = 6.0

    def lay(self, ctx: Context) -> Laid:
        cell_w, cell_h = STAMP_CELL
        stamp_w, stamp_h = 3 * cell_w, 2 * cell_h
        gap_x = STAMP_GAP
        total = self.columns * stamp_w + (self.columns - 1) * gap_x
        laid = []
        for stamp in self.stamps:
            record = f"{NAME_STAMP}（{stamp.code}）"
            cells = [("全宗号", stamp.fonds), ("年度", str(stamp.year)), ("件号", f"{stamp.number:04d}"),
                     ("机构(问题)" if stamp.org else "", stamp.org), ("保管期限", retention_label(stamp.retention)),
                     ("页数", str(stamp.pages))]
            for label, value in cells:
                ctx.check_as(record, label, value)
            ctx.check_as(record, stamp.code)
            sizes = [_fit_size(ctx, [value], cell_w - 2 * mm, cell_h, self.value_size) if value else 0.0
                     for _label, value in cells]
            laid.append((stamp, cells, sizes))
        marks = MARK_OFFSET + MARK_LENGTH

        def draw(c: Canvas, top: float) -> None:
            x = ctx.left + (ctx.width - total) / 2
            stamp_top = top - marks
            for stamp, cells, sizes in laid:
                c.saveState()
                c.setLineWidth(0.8)
                c.rect(x, stamp_top - stamp_h, stamp_w, stamp_h)
                c.setLineWidth(0.4)
                c.line(x, stamp_top - cell_h, x + stamp_w, stamp_top - cell_h)
                for k in (1, 2):
                    c.line(x + k * cell_w, stamp_top, x + k * cell_w, stamp_top - stamp_h)
                c.restoreState()
                for index, ((label, value), size) in enumerate(zip(cells, sizes, strict=True)):
                    cx = x + (index % 3) * cell_w
                    cy = stamp_top - (index // 3) * cell_h
                    if label:
                        c.setFillGray(0.35)
                        ctx.text.draw(c, cx + (cell_w - ctx.text.text_width(label, self.label_size)) / 2,
                                      cy - 0.8 * mm - self.label_size * 0.8, label, self.label_size)
                        c.setFillGray(0)
                    if value:
                        value_middle = cy - cell_h * 0.62
                        ctx.text.draw(c, cx + (cell_w - ctx.text.text_width(value, size)) / 2,
                                      value_middle - size * MIDDLE, value, size)
                cut_marks(c, x, stamp_top - stamp_h, stamp_w, stamp_h)
                code_w = ctx.text.text_width(stamp.code, self.code_size)
                c.setFillGray(0.3)
                ctx.text.draw(c, x + (stamp_w - code_w) / 2, stamp_top - stamp_h - marks - self.code_size,
                              stamp.code, self.code_size)
                c.setFillGray(0)
                x += stamp_w + gap_x

        # the marks above and below, the 档号 under the lower ones, a little room before the next row
        return self._laid(stamp_h + 2 * marks + self.code_size * 1.5 + 2 * mm, draw, NAME_STAMP)


def stamp_columns(body_width: float) -> int:
    stamp_w = 3 * STAMP_CELL[0]
    return max(1, int((body_width + STAMP_GAP) // (stamp_w + STAMP_GAP)))


def stamps(items: Sequence[StampPrint], head: Letterhead) -> Document:
    columns = stamp_columns(STAMP_PAGE.body_width)
    rows = [StampRow(items[k:k + columns], columns) for k in range(0, len(items), columns)]
    return Document(rows, page=STAMP_PAGE, page_numbers=None, title=f"{head.community}{NAME_STAMP}",
                    author=head.unit, record=NAME_STAMP)


def write_stamps(items: Sequence[StampPrint], head: Letterhead, path: Path, progress: Progress | None = None) -> Path:
    return render(stamps(items, head), path, progress)


# --- 照片目录 --------------------------------------------------------------------------------------------------
def photo_caption(photo: PhotoPrint) -> tuple[str, ...]:
    which = f"（第 {photo.index} 张，共 {photo.count} 张）" if photo.count > 1 else ""
    return (f"档号：{photo.code}{which}", *caption_lines(photo.caption, PHOTO_CAPTION))


def photo_catalogue(photos: Sequence[PhotoPrint], head: Letterhead, year: int,
                    pictures: PictureLog | None = None) -> Document:
    title = head.title(f"{year}年度{NAME_PHOTOS}")
    items = len({p.code for p in photos})
    subtitle = head.subtitle(f"年度：{year}", f"共 {items} 件档案、{len(photos)} 张照片")
    blocks: list[Block] = [
        Title(title, size=16.0, leading=1.3, bold=False, space_after=3),
        Paragraph(subtitle, size=9.0, leading=1.3, align="center", hang=False, space_after=10, keep_with_next=True),
    ]
    printed = [Picture(p.path, p.name, photo_caption(p), f"{p.code}「{p.item_title}」的照片 {p.name}")
               for p in photos]
    for start in range(0, len(printed), 2):
        blocks.append(PictureRow(printed[start:start + 2], columns=2, picture_height=210.0, max_caption_lines=11,
                                 space_after=14, name=f"{photos[start].code}的照片"))
    return Document(blocks, page=PHOTO_PAGE, page_numbers=PHOTO_NUMBERS, title=title, author=head.unit,
                    subject=subtitle, record=title, pictures=pictures, overflow_advice="请精简照片说明后重试")


def write_photo_catalogue(photos: Sequence[PhotoPrint], head: Letterhead, year: int, path: Path,
                          progress: Progress | None = None, workers: int = 0) -> PictureLog:
    log = PictureLog(len(photos), progress, workers=workers)
    try:
        render(photo_catalogue(photos, head, year, log), path)
    finally:
        log.close()
    return log
