"""The document layout layer: PDFs that are not tables, declared as a list of blocks.

Ledgers are declarations on exports.ledger.Ledger; certificates, notices, labels and forms are
declarations on this module's `Document`, rendered by `render`.

The contract
------------
* A `Document` names its `Page` (size, portrait or landscape, `Margins` with the binding edge on
  the left, an optional double-rule `Frame`), what runs on every page (`foot` blocks such as
  notes, and `PageNumbers` 「第 N 页 共 M 页」 with a rule for when they show), the PDF metadata
  (title, author, subject), `record` (how a missing-glyph message names the document) and its
  `blocks`, top to bottom.
* Blocks are frozen dataclasses, all with `space_before`, `space_after`, `keep_with_next` and
  `name` (what an error calls the block): `Title` (letter-spaced, bold), `Heading` (bold; boxed,
  it is a form's shaded part row), `Paragraph` (wrapped, first-line and left indents, aligned),
  `LabelValue` (a boxed form row of label and value cells; values wrap; optional 签字 place),
  `SignatureLine` (负责人：____ 经办人：____ 日期：____), `SealPlace` (the place for the 公章,
  （盖章）), `SignOff` (落款: issuer and date at the right, the seal over the date), `Spacer` and
  `Group` (blocks kept on one page). A new kind of block subclasses `Block` and implements `lay`.
* Pictures: a `Picture` is an image file with the lines printed under it (a photo's caption) and
  the name a placeholder shows. `PictureRow` sets up to `columns` of them side by side, each
  scaled in proportion into its column and under `picture_height` (never cropped or stretched),
  its caption under it, the row kept whole (so two rows of two give 2–4 photos a page);
  `PagePicture` fills a page's whole body with one (a scanned sign-in sheet, a document page).
  Images are downsampled to `dpi` at their printed size and embedded as JPEG (DCTDecode, passed
  through by reportlab), EXIF orientation applied. A file that is missing or cannot be decoded
  prints a framed placeholder (「照片文件缺失」 and its name) instead of stopping the document;
  the document's `PictureLog` lists it and counts every picture drawn (a progress callback per
  picture may raise Cancelled).
* `render(document, path, progress)` lays the whole document out into pages first, so the page
  count is known, then draws, then writes the file atomically (exports.ledger.atomic_output: an
  error or Cancelled from `progress` leaves no file and does not touch an existing one).
* Pagination keeps every block whole: a block that does not fit under the previous one starts
  the next page, together with the blocks chained to it by `keep_with_next`. A block taller than
  a whole page raises BlockTooTallError (a ValidationError): 「服务内容」：太长，一页印不下，….
* Every string is checked against the fonts before it is measured or drawn (PdfText.check): a
  character no font has raises MissingGlyphError naming `document.record`; none silently vanishes.
* Units are points; y grows upwards; a block draws itself from its top edge down.
  `Context.body_height` is the height a page's body has for blocks (the page less its margins
  and the foot): what a block that fills a page is laid out to.
* Adapting to the page is declared too: `fitting_size` picks the first font size at which a text
  stays under a height, `fit_one_page` the first of several declarations (say, ever tighter
  spacing) that fits on one page.

The next documents are short declarations on these blocks: the 公示 notice (Title, Paragraphs,
SignOff with the seal), the commendation certificate (landscape Page with a Frame, spaced Title,
Paragraph, SignOff), the box spine label (a small custom Page size, Title and LabelValue rows),
the 备考表 and the cover page (Title, LabelValue rows, SignatureLine) and the 督办单 (Title,
LabelValue rows, SignatureLine, SealPlace). For example:

    notice = Document(
        title="公示", record="公示（2026年度优秀志愿者）",
        blocks=[
            Title("关于2026年度优秀志愿者的公示", size=20, space_after=12),
            Paragraph("经居民推荐、居委会评议，拟表彰以下志愿者：王堃、陶喆、朱镕基。", indent=24),
            Paragraph("公示期为2026年12月1日至12月7日，如有意见请向居委会反映。", indent=24),
            SignOff(("惠泉社区居民委员会", "2026年12月1日"), space_before=24, seal=SealPlace()),
        ],
    )
    render(notice, Path("公示.pdf"))
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from huiquan_desk.domain.errors import Problem, Progress, ValidationError
from huiquan_desk.exports.fonts import PRIMARY
from huiquan_desk.exports.ledger import atomic_output
from huiquan_desk.exports.pdftext import PdfText
from huiquan_desk.images import ORIENTATION, QUARTER_TURNS, on_white

BOLD = 2  # text render mode fill-and-stroke: the 黑体 weight of titles and headings
MIDDLE = 0.36  # a baseline sits about this share of the font size under a line's middle

Align = Literal["left", "center", "right"]


class BlockTooTallError(ValidationError):
    """A block taller than a whole page: it cannot be printed without splitting it."""


# --- the page ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Margins:
    """Page edge to the text, in points; `left` is the binding edge (装订边)."""

    top: float = 20 * mm
    right: float = 20 * mm
    bottom: float = 20 * mm
    left: float = 25 * mm


@dataclass(frozen=True)
class Frame:
    """A rule around the page `inset` from its edge; with `gap`, a thinner second rule inside it."""

    inset: float = 14 * mm
    width: float = 1.2
    gap: float = 2.2  # 0: a single rule
    inner_width: float = 0.4

    def draw(self, c: Canvas, page_w: float, page_h: float) -> None:
        c.saveState()
        c.setLineWidth(self.width)
        c.rect(self.inset, self.inset, page_w - 2 * self.inset, page_h - 2 * self.inset)
        if self.gap:
            c.setLineWidth(self.inner_width)
            inner = self.inset + self.gap
            c.rect(inner, inner, page_w - 2 * inner, page_h - 2 * inner)
        c.restoreState()


@dataclass(frozen=True)
class Page:
    size: tuple[float, float] = A4  # (width, height) as portrait
    landscape: bool = False
    margins: Margins = field(default_factory=Margins)
    frame: Frame | None = None

    @property
    def width(self) -> float:
        return (landscape(self.size) if self.landscape else self.size)[0]

    @property
    def height(self) -> float:
        return (landscape(self.size) if self.landscape else self.size)[1]

    @property
    def body_width(self) -> float:
        """The width between the left and right margins: what blocks are laid out in."""
        return self.width - self.margins.left - self.margins.right


@dataclass(frozen=True)
class PageNumbers:
    """「第 N 页 共 M 页」 centred on the page, its baseline `y` above the bottom edge."""

    when: Literal["always", "several"] = "always"  # several: only when there is more than one page
    y: float = 10 * mm
    size: float = 9.0

    def text(self, page_no: int, total: int) -> str | None:
        if self.when == "several" and total < 2:
            return None
        return f"第 {page_no} 页 共 {total} 页"


# --- laying out --------------------------------------------------------------------------------------
@dataclass
class Context:
    """What a block is laid out with: the text engine and the horizontal extent of the body."""

    text: PdfText
    left: float
    right: float
    record: str
    body_height: float = 0.0  # a page's room for blocks (0: not known, outside render/page_count)
    pictures: PictureLog | None = None  # the document's, if it keeps one

    @property
    def width(self) -> float:
        return self.right - self.left

    def check(self, *strings: str) -> None:
        for s in strings:
            self.text.check(s, self.record)

    def check_as(self, record: str, *strings: str) -> None:
        """Check strings that belong to one record (a photo's caption): a message names it."""
        for s in strings:
            self.text.check(s, record or self.record)


@dataclass
class Laid:
    """A block laid out: its height and how to draw it from a top edge."""

    height: float
    draw: Callable[[Canvas, float], None]  # (canvas, top y)
    name: str = ""
    keep_with_next: bool = False


@dataclass(frozen=True, kw_only=True)
class Block:
    space_before: float = 0.0
    space_after: float = 0.0
    keep_with_next: bool = False  # start a new page rather than part from the next block
    name: str = ""  # what a message calls the block; each kind has a sensible default

    def lay(self, ctx: Context) -> Laid:
        raise NotImplementedError

    def _laid(self, inner: float, draw: Callable[[Canvas, float], None], default_name: str) -> Laid:
        """Wrap the drawing of the `inner` height between space_before and space_after."""
        before = self.space_before

        def draw_at(c: Canvas, top: float) -> None:
            draw(c, top - before)

        return Laid(before + inner + self.space_after, draw_at, self.name or default_name, self.keep_with_next)


def _lines(ctx: Context, text: str, width: float, size: float, indent: float, hang: bool) -> list[tuple[float, str]]:
    """(x offset, line) of `text` wrapped to `width`, the first line of each paragraph indented."""
    out: list[tuple[float, str]] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not indent:
            out.extend((0.0, line) for line in ctx.text.wrap(para, width, size, hang))
            continue
        first = ctx.text.wrap(para, width - indent, size, hang)
        out.append((indent, first[0]))
        rest = para[len(first[0]):].lstrip(" ") if len(first) > 1 else ""
        if rest:
            out.extend((0.0, line) for line in ctx.text.wrap(rest, width, size, hang))
    return out


def _x(ctx: Context, line: str, size: float, align: Align, left: float, offset: float = 0.0,
       char_space: float = 0.0) -> float:
    if align == "left":
        return ctx.left + left + offset
    w = ctx.text.text_width(line, size) + char_space * max(len(line) - 1, 0)
    if align == "right":
        return ctx.right - w
    return ctx.left + left + (ctx.width - left - w) / 2


# --- blocks ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Paragraph(Block):
    """Wrapped text: `indent` the first line of each paragraph, `left_indent` every line."""

    text: str
    size: float = 12.0
    leading: float = 1.5  # line height as a multiple of the size
    indent: float = 0.0
    left_indent: float = 0.0
    align: Align = "left"
    hang: bool = True  # one closing mark may hang past the width (标点悬挂)
    bold: bool = False

    def lay(self, ctx: Context) -> Laid:
        ctx.check(self.text)
        lines = _lines(ctx, self.text, ctx.width - self.left_indent, self.size, self.indent, self.hang)
        step = self.size * self.leading
        mode = BOLD if self.bold else None

        def draw(c: Canvas, top: float) -> None:
            y = top - self.size
            for offset, line in lines:
                ctx.text.draw(c, _x(ctx, line, self.size, self.align, self.left_indent, offset), y, line,
                              self.size, mode)
                y -= step

        return self._laid(len(lines) * step, draw, "正文")


@dataclass(frozen=True)
class Title(Block):
    """A bold title, centred; `letter_spacing` points between its characters. A title too wide
    for the page drops the spacing, then wraps."""

    text: str
    size: float = 22.0
    letter_spacing: float = 0.0
    leading: float = 1.3
    bold: bool = True
    align: Align = "center"
    keep_with_next: bool = field(default=True, kw_only=True)

    def lay(self, ctx: Context) -> Laid:
        ctx.check(self.text)
        spacing = self.letter_spacing
        if ctx.text.text_width(self.text, self.size) + spacing * (len(self.text) - 1) > ctx.width:
            spacing = 0.0
        lines = ctx.text.wrap(self.text, ctx.width, self.size, hang=False)
        step = self.size * self.leading
        mode = BOLD if self.bold else None

        def draw(c: Canvas, top: float) -> None:
            y = top - self.size
            for line in lines:
                x = _x(ctx, line, self.size, self.align, 0.0, char_space=spacing)
                ctx.text.draw(c, x, y, line, self.size, mode, char_space=spacing)
                y -= step

        return self._laid(len(lines) * step, draw, "标题")


@dataclass(frozen=True)
class Heading(Block):
    """A bold heading. `boxed`: a shaded row across the body (a form's part heading), `height`
    high or as high as its lines; otherwise a line of text like a bold paragraph."""

    text: str
    size: float = 12.5
    leading: float = 1.5
    boxed: bool = False
    height: float | None = None  # boxed only
    pad: float = 4.0  # boxed: text to the box's left edge, and the least room above and below
    shade: float = 0.9  # boxed: fill gray
    keep_with_next: bool = field(default=True, kw_only=True)

    def lay(self, ctx: Context) -> Laid:
        if not self.boxed:
            return Paragraph(self.text, size=self.size, leading=self.leading, bold=True, space_before=self.space_before,
                             space_after=self.space_after, keep_with_next=self.keep_with_next,
                             name=self.name or self.text).lay(ctx)
        ctx.check(self.text)
        lines = ctx.text.wrap(self.text, ctx.width - 2 * self.pad, self.size, hang=False)
        step = self.size * self.leading
        height = self.height if self.height is not None else len(lines) * step + 2 * self.pad

        def draw(c: Canvas, top: float) -> None:
            c.setFillGray(self.shade)
            c.rect(ctx.left, top - height, ctx.width, height, stroke=1, fill=1)
            c.setFillGray(0)
            if len(lines) == 1:
                y = top - height / 2 - self.size * MIDDLE
            else:
                y = top - (height - len(lines) * step) / 2 - step / 2 - self.size * MIDDLE
            for line in lines:
                ctx.text.draw(c, ctx.left + self.pad, y, line, self.size, BOLD)
                y -= step

        return self._laid(height, draw, self.text)


@dataclass(frozen=True)
class LabelValue(Block):
    """One row of a boxed form: (label, value) pairs side by side. Labels are shaded and centred
    in `label_width`; the values share the rest of the width equally and wrap. `sign` (say
    「（签字）」) leaves a place to sign, with a line, at the right of the last value."""

    pairs: tuple[tuple[str, str], ...] | tuple[str, str]  # one pair may be given bare
    label_width: float = 104.0
    size: float = 12.0  # labels, and values unless value_size is given
    value_size: float | None = None
    min_height: float = 27.0
    leading: float = 1.5
    pad: float = 4.0  # text to the cell's left and right edges
    vpad: float | None = None  # the least room above and below the lines; default `pad`
    label_shade: float = 0.96
    sign: str = ""
    sign_width: float = 150.0  # room for `sign` and the line to sign on

    def __post_init__(self) -> None:
        if not self.pairs:
            raise ValueError("LabelValue needs at least one (label, value) pair")
        if isinstance(self.pairs[0], str):
            object.__setattr__(self, "pairs", (self.pairs,))

    def lay(self, ctx: Context) -> Laid:
        pairs: tuple[tuple[str, str], ...] = self.pairs  # type: ignore[assignment]
        value_w = (ctx.width - len(pairs) * self.label_width) / len(pairs)
        value_size = self.value_size or self.size
        vpad = self.pad if self.vpad is None else self.vpad
        cells: list[tuple[str, float, bool, bool]] = []  # text, width, label, sign
        for index, (label, value) in enumerate(pairs):
            cells.append((label, self.label_width, True, False))
            cells.append((value, value_w, False, bool(self.sign) and index == len(pairs) - 1))
        wrapped = []
        for text, width, is_label, sign in cells:
            ctx.check(text)
            size = self.size if is_label else value_size
            room = width - 2 * self.pad - (self.sign_width if sign else 0)
            wrapped.append((size, ctx.text.wrap(text, room, size, hang=False) if text else [""]))
        if self.sign:
            ctx.check(self.sign)
        lead = self.leading
        height = max(self.min_height, *(len(lines) * size * lead + 2 * vpad for size, lines in wrapped))

        def draw(c: Canvas, top: float) -> None:
            x = ctx.left
            for (_text, width, label, sign), (size, lines) in zip(cells, wrapped, strict=True):
                if label:
                    c.setFillGray(self.label_shade)
                    c.rect(x, top - height, width, height, stroke=1, fill=1)
                    c.setFillGray(0)
                else:
                    c.rect(x, top - height, width, height, stroke=1, fill=0)
                y = top - (height - len(lines) * size * lead) / 2 - size * lead / 2 - size * MIDDLE
                for line in lines:
                    tx = x + (width - ctx.text.text_width(line, size)) / 2 if label else x + self.pad
                    ctx.text.draw(c, tx, y, line, size)
                    y -= size * lead
                if sign:
                    sx = x + width - self.pad - self.sign_width
                    baseline = top - height / 2 - size * MIDDLE
                    ctx.text.draw(c, sx, baseline, self.sign, size)
                    lx = sx + ctx.text.text_width(self.sign, size) + 2
                    c.line(lx, baseline - 3, x + width - self.pad, baseline - 3)
                x += width

        return self._laid(height, draw, pairs[0][0])


@dataclass(frozen=True)
class SealPlace(Block):
    """The place for the 公章: a dashed circle (or square) of `diameter` with `label` in its upper
    half. On its own it reserves its room in the flow, at `align`; a SignOff puts it over the date."""

    label: str = "（盖章）"
    diameter: float = 42 * mm  # a community committee's round seal is about 42 mm across
    label_size: float = 10.5
    gray: float = 0.45
    round: bool = True
    align: Align = "right"
    inset: float = 0.0  # from the aligned edge

    def draw_at(self, c: Canvas, ctx: Context, cx: float, cy: float) -> None:
        r = self.diameter / 2
        c.saveState()
        c.setStrokeGray(self.gray)
        c.setDash(4, 3)
        c.setLineWidth(0.8)
        if self.round:
            c.circle(cx, cy, r, stroke=1, fill=0)
        else:
            c.rect(cx - r, cy - r, 2 * r, 2 * r, stroke=1, fill=0)
        c.restoreState()
        c.setFillGray(self.gray)
        ctx.text.draw(c, cx - ctx.text.text_width(self.label, self.label_size) / 2, cy + r * 0.5, self.label,
                      self.label_size)
        c.setFillGray(0)

    def lay(self, ctx: Context) -> Laid:
        ctx.check(self.label)
        r = self.diameter / 2
        if self.align == "left":
            cx = ctx.left + self.inset + r
        elif self.align == "right":
            cx = ctx.right - self.inset - r
        else:
            cx = ctx.left + ctx.width / 2

        def draw(c: Canvas, top: float) -> None:
            self.draw_at(c, ctx, cx, top - r)

        return self._laid(self.diameter, draw, "盖章处")


@dataclass(frozen=True)
class SignOff(Block):
    """落款: lines (the issuer, then the date) right-aligned as one block, `right_indent` in from
    the right margin; `seal` is drawn over the last line and reaches up to the first (骑年盖月),
    as a real seal may also reach over the space above the block. Its height covers the seal."""

    lines: tuple[str, ...]
    size: float = 12.0
    leading: float = 2.2
    right_indent: float = 24.0
    seal: SealPlace | None = None
    seal_lift: float = 0.35  # the seal's centre above the middle of the lines, in font sizes

    def lay(self, ctx: Context) -> Laid:
        ctx.check(*self.lines)
        if self.seal is not None:
            ctx.check(self.seal.label)
        widths = [ctx.text.text_width(line, self.size) for line in self.lines]
        block_w = max(widths, default=0.0)
        bx = ctx.right - block_w - self.right_indent
        step = self.size * self.leading
        first = -self.size  # baselines, relative to the block's top
        last = first - (len(self.lines) - 1) * step
        inner = len(self.lines) * step
        if self.seal is not None:
            seal_bottom = (first + last) / 2 + self.size * self.seal_lift - self.seal.diameter / 2
            inner = max(inner, -seal_bottom)

        def draw(c: Canvas, top: float) -> None:
            ys = [top + first]
            for line, w in zip(self.lines, widths, strict=True):
                ctx.text.draw(c, bx + block_w - w, ys[-1], line, self.size)
                ys.append(ys[-1] - step)
            if self.seal is not None and self.lines:
                cx = bx + block_w - widths[-1] / 2
                cy = (ys[0] + ys[-2]) / 2 + self.size * self.seal_lift
                self.seal.draw_at(c, ctx, cx, cy)

        return self._laid(inner, draw, "落款")


@dataclass(frozen=True)
class SignatureLine(Block):
    """Labels with blanks to sign or write on: 负责人：______  经办人：______  日期：______.
    A field is a label, or (label, value) to print the value on its blank; fields that do not
    fit on one line go on to the next."""

    fields: tuple[str | tuple[str, str], ...]
    size: float = 12.0
    blank: float = 96.0  # the length of an empty blank
    gap: float = 30.0  # between fields
    leading: float = 2.0

    def lay(self, ctx: Context) -> Laid:
        items = []
        for f in self.fields:
            label, value = (f, "") if isinstance(f, str) else f
            label = f"{label}："
            ctx.check(label, value)
            lw = ctx.text.text_width(label, self.size)
            bw = max(self.blank, ctx.text.text_width(value, self.size) + 8)
            items.append((label, value, lw, bw))
        rows: list[list[tuple[float, str, str, float, float]]] = [[]]
        x = 0.0
        for label, value, lw, bw in items:
            if rows[-1] and x + lw + bw > ctx.width:
                rows.append([])
                x = 0.0
            rows[-1].append((x, label, value, lw, bw))
            x += lw + bw + self.gap
        step = self.size * self.leading

        def draw(c: Canvas, top: float) -> None:
            y = top - self.size
            for row in rows:
                for x0, label, value, lw, bw in row:
                    x = ctx.left + x0
                    ctx.text.draw(c, x, y, label, self.size)
                    if value:
                        ctx.text.draw(c, x + lw + 4, y, value, self.size)
                    c.line(x + lw, y - 3, x + lw + bw, y - 3)
                y -= step

        return self._laid(len(rows) * step, draw, "签字栏")


@dataclass(frozen=True)
class Spacer(Block):
    height: float = 12.0

    def lay(self, ctx: Context) -> Laid:
        return self._laid(self.height, lambda c, top: None, "空白")


@dataclass(frozen=True)
class Group(Block):
    """Blocks kept together on one page (KeepTogether)."""

    blocks: Sequence[Block]

    def lay(self, ctx: Context) -> Laid:
        laid = [block.lay(ctx) for block in self.blocks]

        def draw(c: Canvas, top: float) -> None:
            for part in laid:
                part.draw(c, top)
                top -= part.height

        default = next((part.name for part in laid if part.name), "内容")
        return self._laid(sum(part.height for part in laid), draw, default)


# --- pictures ----------------------------------------------------------------------------------------
MISSING_PICTURE = "照片文件缺失"
PRINT_DPI = 200  # pictures are embedded at most this fine at their printed size
JPEG_QUALITY = 80


# --- a row of a boxed table ----------------------------------------------------------------------
@dataclass(frozen=True)
class TableRow(Block):
    """One row of a boxed table across the body: `cells` in columns sized by `shares` of the body's
    width, each aligned by `aligns` (l / c / r; centred by default), wrapped if need be; `header`
    rows are shaded and bold. Rows are blocks of their own, so a long table runs on over pages
    between two rows (a notice's names, a pack's index, a report's figures)."""

    cells: tuple[str, ...]
    shares: tuple[float, ...]
    aligns: str = ""  # one letter a column; default centred
    size: float = 14.0
    leading: float = 1.4
    min_height: float = 25.0
    pad: float = 4.0
    header: bool = False
    shade: float = 0.92

    def lay(self, ctx: Context) -> Laid:
        ctx.check(*self.cells)
        total = sum(self.shares)
        widths = [ctx.width * share / total for share in self.shares]
        wrapped = [ctx.text.wrap(text, width - 2 * self.pad, self.size, hang=False)
                   for text, width in zip(self.cells, widths, strict=True)]
        step = self.size * self.leading
        height = max(self.min_height, *(len(lines) * step + 2 * self.pad for lines in wrapped))
        aligns = self.aligns.ljust(len(self.cells), "c")

        def draw(c: Canvas, top: float) -> None:
            x = ctx.left
            for width, lines, align in zip(widths, wrapped, aligns, strict=False):
                if self.header:
                    c.setFillGray(self.shade)
                c.rect(x, top - height, width, height, stroke=1, fill=1 if self.header else 0)
                c.setFillGray(0)
                y = top - (height - len(lines) * step) / 2 - step / 2 - self.size * MIDDLE
                for line in lines:
                    w = ctx.text.text_width(line, self.size)
                    if self.header or align == "c":
                        tx = x + (width - w) / 2
                    else:
                        tx = x + self.pad if align == "l" else x + width - self.pad - w
                    ctx.text.draw(c, tx, y, line, self.size, 2 if self.header else None)
                    y -= step
                x += width

        return self._laid(height, draw, self.cells[0] if self.header else "名单")


@dataclass(frozen=True)
class Picture:
    """An image file to print. `caption`: the lines printed with it (题名：…, 时间：…); `name`: what
    the placeholder shows when the file is missing or cannot be decoded (the original file name);
    `record`: what a missing-glyph message names (「重阳节敬老活动」（2026-10-18）的照片 …); `note`
    with no `path`: a framed note printed where the picture would be (a sign-in sheet kept as PDF)."""

    path: Path | None
    name: str = ""
    caption: tuple[str, ...] = ()
    record: str = ""
    note: str = ""
    missing: str = MISSING_PICTURE  # the placeholder's first line


class PictureLog:
    """What became of a document's pictures while it was drawn; hand one to `Document(pictures=…)`.
    `missing` lists (picture, why) of those printed as a placeholder, `drawn` counts every picture
    drawn (placeholders and notes included); `progress(drawn, total)` is called after each one and
    may raise Cancelled (render then leaves no file).

    With `workers`, pictures are decoded and downsampled by that many threads ahead of the drawing
    (Pillow lets go of the GIL while it decodes, resizes and encodes), in the order they are laid
    out; the drawing takes each one's JPEG when it comes to it. Call `close()` when the document
    is rendered, or failed (it cancels what has not started and waits for what has)."""

    def __init__(self, total: int = 0, progress: Progress | None = None, workers: int = 0):
        self.total = total
        self.progress = progress
        self.drawn = 0
        self.missing: list[tuple[Picture, str]] = []
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None

    def done(self, picture: Picture, problem: str | None) -> None:
        self.drawn += 1
        if problem is not None:
            self.missing.append((picture, problem))
        if self.progress is not None:
            self.progress(self.drawn, max(self.total, self.drawn))

    def prepare(self, path: Path, max_width: int, max_height: int, quality: int) -> Future[tuple[bytes, int, int]] | None:
        """Start `picture_jpeg` in a worker thread (None without workers: the drawing does it)."""
        if self.workers < 1:
            return None
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="picture")
        return self._pool.submit(picture_jpeg, path, max_width, max_height, quality)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def picture_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels as the picture is seen (EXIF orientation applied), from its header
    only. Raises OSError (FileNotFoundError for a missing file) or ValueError when it cannot be read."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            width, height = image.size
            turned = image.getexif().get(ORIENTATION, 1) in QUARTER_TURNS
    except OSError:
        raise
    except Exception as err:  # noqa: BLE001 - Pillow and its plugins raise SyntaxError, ValueError, …
        raise ValueError(f"{type(err).__name__}: {err}") from err
    if width < 1 or height < 1:
        raise ValueError("empty image")
    return (height, width) if turned else (width, height)


def picture_jpeg(path: Path, max_width: int, max_height: int, quality: int = JPEG_QUALITY) -> tuple[bytes, int, int]:
    """The picture at `path` upright (EXIF orientation applied), scaled in proportion to fit
    `max_width` × `max_height` pixels (never enlarged, never cropped), as baseline JPEG bytes in RGB
    or gray: (data, width, height). A JPEG is decoded at a reduced scale where that is enough
    (libjpeg's DCT scaling, Pillow's `draft`): a 12-megapixel photo printed 8 cm wide decodes at a
    quarter of its size. Raises OSError or ValueError when it cannot be decoded."""
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as opened:
            width, height = opened.size
            orientation = opened.getexif().get(ORIENTATION, 1)
            turned = orientation in QUARTER_TURNS
            seen_w, seen_h = (height, width) if turned else (width, height)
            scale = min(1.0, max_width / seen_w, max_height / seen_h)
            size = (max(1, round(seen_w * scale)), max(1, round(seen_h * scale)))
            if opened.format == "JPEG" and scale < 1:
                opened.draft(opened.mode if opened.mode in ("RGB", "L") else "RGB",
                             (size[1], size[0]) if turned else size)
            image: Image.Image = opened if orientation == 1 else ImageOps.exif_transpose(opened)
            image = on_white(image)
            if image.size != size:
                image = image.resize(size, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=quality)
    except OSError:
        raise
    except Exception as err:  # noqa: BLE001 - Pillow and its plugins raise SyntaxError, ValueError, …
        raise ValueError(f"{type(err).__name__}: {err}") from err
    return out.getvalue(), size[0], size[1]


def draw_jpeg(c: Canvas, data: bytes, x: float, y: float, width: float, height: float) -> None:
    """Embed JPEG bytes as they are (DCTDecode, a binary stream: exports.fonts sets that for every
    PDF) at (x, y), `width` × `height` points."""
    c.drawImage(ImageReader(io.BytesIO(data)), x, y, width, height)


def _shorten(ctx: Context, line: str, width: float, size: float) -> str:
    """`line` cut to end in 「…」 within `width`."""
    while line and ctx.text.text_width(line + "…", size) > width:
        line = line[:-1]
    return line + "…"


def _caption(ctx: Context, texts: Sequence[str], width: float, size: float, max_lines: int) -> list[str]:
    """Caption texts wrapped to `width`; past `max_lines` the last line kept ends in 「…」."""
    lines = [line for text in texts if text for line in ctx.text.wrap(text, width, size, hang=False)]
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [_shorten(ctx, lines[max_lines - 1], width, size)]
    return lines


@dataclass(frozen=True)
class _Slot:
    """A picture laid out: its printed size, and what it prints instead if it must."""

    picture: Picture
    width: float
    height: float
    problem: str | None  # why it prints a placeholder (None: the picture, or its note)
    placeholder: list[str]  # the lines of the placeholder (or of the note)
    size: float  # their font size
    dpi: int
    quality: int
    prepared: Future[tuple[bytes, int, int]] | None = None  # its JPEG, made ahead (PictureLog workers)

    @property
    def pixels(self) -> tuple[int, int]:
        """The most pixels it is embedded with: `dpi` at its printed size."""
        return math.ceil(self.width / 72 * self.dpi), math.ceil(self.height / 72 * self.dpi)

    def draw(self, c: Canvas, ctx: Context, x: float, top: float) -> None:
        """Draw the picture (or its placeholder, or its note) with its top-left corner at (x, top)."""
        problem = self.problem
        data = None
        if problem is None and self.picture.path is not None:
            try:
                if self.prepared is not None:
                    data, _w, _h = self.prepared.result()
                else:
                    data, _w, _h = picture_jpeg(self.picture.path, *self.pixels, self.quality)
            except FileNotFoundError:
                problem = "文件不存在"
            except (OSError, ValueError):
                problem = "文件无法读取"
        if data is not None:
            draw_jpeg(c, data, x, top - self.height, self.width, self.height)
        else:
            lines = self.placeholder
            if problem is not None and self.problem is None:  # it failed only now: say so as lay would
                lines = _placeholder_lines(ctx, self.picture, self.width, self.height, self.size, missing=True)
            _draw_frame(c, ctx, lines, x, top, self.width, self.height, self.size, bold_first=problem is not None)
        if ctx.pictures is not None:
            ctx.pictures.done(self.picture, problem)


def _placeholder_lines(ctx: Context, picture: Picture, width: float, height: float, size: float,
                       missing: bool) -> list[str]:
    """「照片文件缺失」 and the file's name (or the picture's note and name), wrapped into the frame."""
    room = max(width - 16, size * 2)
    texts = (picture.missing, picture.name) if missing else (picture.note, picture.name)
    lines = [line for text in texts if text for line in ctx.text.wrap(text, room, size, hang=False)]
    fit = max(1, int((height - 8) // (size * 1.5)))
    if len(lines) > fit:
        lines = lines[:fit - 1] + [_shorten(ctx, lines[fit - 1], room, size)]
    return lines


def _draw_frame(c: Canvas, ctx: Context, lines: list[str], x: float, top: float, width: float, height: float,
                size: float, bold_first: bool) -> None:
    """A framed box (a double rule) with `lines` centred in it."""
    c.saveState()
    c.setStrokeGray(0.35)
    c.setLineWidth(0.8)
    c.rect(x, top - height, width, height, stroke=1, fill=0)
    c.setLineWidth(0.4)
    c.rect(x + 3, top - height + 3, width - 6, height - 6, stroke=1, fill=0)
    c.restoreState()
    step = size * 1.5
    y = top - (height - len(lines) * step) / 2 - step / 2 - size * MIDDLE
    for index, line in enumerate(lines):
        mode = BOLD if bold_first and index == 0 else None
        ctx.text.draw(c, x + (width - ctx.text.text_width(line, size)) / 2, y, line, size, mode)
        y -= step


def _lay_picture(ctx: Context, picture: Picture, box_w: float, box_h: float, placeholder_ratio: float,
                 size: float, dpi: int, quality: int) -> _Slot:
    """Check a picture's texts, read its size from its header and scale it in proportion into
    box_w × box_h; a file that cannot be read gets a placeholder as wide as the box."""
    ctx.check_as(picture.record, picture.name, picture.note, picture.missing, *picture.caption)
    seen: tuple[int, int] | None = None
    problem: str | None = None
    if picture.path is not None:
        try:
            seen = picture_size(picture.path)
        except FileNotFoundError:
            problem = "文件不存在"
        except (OSError, ValueError):
            problem = "文件无法读取"
    if seen is None:
        width, height = box_w, min(box_h, box_w * placeholder_ratio)
    else:
        scale = min(box_w / seen[0], box_h / seen[1])
        width, height = seen[0] * scale, seen[1] * scale
    lines = [] if seen is not None else _placeholder_lines(ctx, picture, width, height, size, problem is not None)
    slot = _Slot(picture, width, height, problem, lines, size, dpi, quality)
    if seen is not None and picture.path is not None and ctx.pictures is not None:
        slot = replace(slot, prepared=ctx.pictures.prepare(picture.path, *slot.pixels, quality))
    return slot


@dataclass(frozen=True)
class PictureRow(Block):
    """Up to `columns` pictures side by side, each scaled in proportion to fit its column's width
    and `picture_height` (never cropped or stretched), centred in its column with the bottoms on
    one line, its caption under it, left-aligned in the column. The row is one block, never split
    over two pages: rows of two make photo pages of 2–4. A caption longer than
    `max_caption_lines` ends in 「…」 (the whole caption belongs in the caption file). A missing or
    undecodable file prints a framed placeholder in the picture's place."""

    pictures: Sequence[Picture]
    columns: int = 2
    gap: float = 14.0  # between the columns
    picture_height: float = 236.0  # the most a picture may take, points
    caption_size: float = 9.0
    caption_leading: float = 1.4
    caption_gap: float = 4.0  # picture to caption
    max_caption_lines: int = 8
    placeholder_size: float = 10.0
    placeholder_ratio: float = 0.75  # a placeholder's height to its width (a 4:3 photo's)
    dpi: int = PRINT_DPI
    quality: int = JPEG_QUALITY

    def lay(self, ctx: Context) -> Laid:
        if not 0 < len(self.pictures) <= self.columns:
            raise ValueError(f"PictureRow takes 1 to {self.columns} pictures, not {len(self.pictures)}")
        column_w = (ctx.width - (self.columns - 1) * self.gap) / self.columns
        slots = [_lay_picture(ctx, picture, column_w, self.picture_height, self.placeholder_ratio,
                              self.placeholder_size, self.dpi, self.quality) for picture in self.pictures]
        captions = [_caption(ctx, picture.caption, column_w, self.caption_size, self.max_caption_lines)
                    for picture in self.pictures]
        area = max(slot.height for slot in slots)
        step = self.caption_size * self.caption_leading
        lines = max(len(caption) for caption in captions)
        inner = area + (self.caption_gap + lines * step if lines else 0.0)

        def draw(c: Canvas, top: float) -> None:
            for index, (slot, caption) in enumerate(zip(slots, captions, strict=True)):
                column_x = ctx.left + index * (column_w + self.gap)
                slot.draw(c, ctx, column_x + (column_w - slot.width) / 2, top - (area - slot.height))
                y = top - area - self.caption_gap - self.caption_size
                for line in caption:
                    ctx.text.draw(c, column_x, y, line, self.caption_size)
                    y -= step

        return self._laid(inner, draw, "照片")


@dataclass(frozen=True)
class PagePicture(Block):
    """One picture filling a page's body (a scanned sign-in sheet, a page of a paper document):
    `heading` in bold above it, its caption lines under it, the picture scaled in proportion into
    the room between and centred across the page. The block is as tall as the body, so it always
    has a page of its own: a page that already holds something ends before it."""

    picture: Picture
    heading: str = ""
    heading_size: float = 12.0
    heading_leading: float = 1.5
    caption_size: float = 9.0
    caption_leading: float = 1.4
    gap: float = 6.0  # heading to picture, picture to caption
    max_caption_lines: int = 8
    placeholder_size: float = 12.0
    placeholder_ratio: float = 0.75
    dpi: int = PRINT_DPI
    quality: int = JPEG_QUALITY

    def lay(self, ctx: Context) -> Laid:
        if ctx.body_height <= 0:
            raise ValueError("PagePicture is laid out by render or page_count, which know the page's body")
        ctx.check_as(self.picture.record, self.heading)
        inner = ctx.body_height - self.space_before - self.space_after - 0.01  # rounding: never past a page
        heading = ctx.text.wrap(self.heading, ctx.width, self.heading_size, hang=False) if self.heading else []
        head_step = self.heading_size * self.heading_leading
        head_h = len(heading) * head_step + (self.gap if heading else 0.0)
        caption = _caption(ctx, self.picture.caption, ctx.width, self.caption_size, self.max_caption_lines)
        step = self.caption_size * self.caption_leading
        cap_h = len(caption) * step + (self.gap if caption else 0.0)
        slot = _lay_picture(ctx, self.picture, ctx.width, max(inner - head_h - cap_h, 36.0), self.placeholder_ratio,
                            self.placeholder_size, self.dpi, self.quality)

        def draw(c: Canvas, top: float) -> None:
            y = top - self.heading_size
            for line in heading:
                x = ctx.left + (ctx.width - ctx.text.text_width(line, self.heading_size)) / 2
                ctx.text.draw(c, x, y, line, self.heading_size, BOLD)
                y -= head_step
            picture_top = top - head_h
            slot.draw(c, ctx, ctx.left + (ctx.width - slot.width) / 2, picture_top)
            y = picture_top - slot.height - self.gap - self.caption_size
            for line in caption:
                x = ctx.left + (ctx.width - ctx.text.text_width(line, self.caption_size)) / 2
                ctx.text.draw(c, x, y, line, self.caption_size)
                y -= step

        return self._laid(inner, draw, self.heading or "图片")


# --- the document ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Document:
    blocks: Sequence[Block]
    page: Page = field(default_factory=Page)
    foot: Sequence[Block] = ()  # at the bottom of every page's body, above the page numbers
    page_numbers: PageNumbers | None = field(default_factory=PageNumbers)
    title: str = ""  # PDF metadata
    author: str = "惠泉台账"
    subject: str = ""
    record: str = "（文档）"  # names the document in a missing-glyph message
    line_width: float = 0.6  # rules drawn by the blocks
    overflow_advice: str = "请精简后重试"  # ends the message for a block taller than a page
    pictures: PictureLog | None = field(default=None, compare=False)  # what became of the pictures


@dataclass
class _Layout:
    pages: list[list[tuple[Laid, float]]]  # per page: (block, its top)
    foot: list[Laid]
    foot_top: float
    page_numbers: list[str | None]


def _layout(document: Document, text: PdfText) -> _Layout:
    page = document.page
    ctx = Context(text, page.margins.left, page.width - page.margins.right, document.record,
                  pictures=document.pictures)
    foot = [block.lay(ctx) for block in document.foot]  # first: the body's height depends on it
    foot_h = sum(block.height for block in foot)
    top = page.height - page.margins.top
    bottom = page.margins.bottom + foot_h
    body = top - bottom
    ctx.body_height = body
    blocks = [block.lay(ctx) for block in document.blocks]
    for block in blocks:
        if block.height > body:
            raise BlockTooTallError(Problem(block.name or "内容", f"太长，一页印不下，{document.overflow_advice}"))
    pages: list[list[tuple[Laid, float]]] = [[]]
    y = top
    i = 0
    while i < len(blocks):
        j = i  # blocks[i..j] are chained by keep_with_next
        while j + 1 < len(blocks) and blocks[j].keep_with_next:
            j += 1
        need = sum(block.height for block in blocks[i:j + 1])
        if y - need < bottom and pages[-1] and need <= body:
            pages.append([])
            y = top
        for block in blocks[i:j + 1]:
            if y - block.height < bottom and pages[-1]:  # a chain taller than a page
                pages.append([])
                y = top
            pages[-1].append((block, y))
            y -= block.height
        i = j + 1
    total = len(pages)
    numbers = [document.page_numbers.text(n, total) if document.page_numbers else None for n in range(1, total + 1)]
    ctx.check(*(n for n in numbers if n))
    return _Layout(pages, foot, bottom, numbers)


def page_count(document: Document) -> int:
    """How many pages `document` takes, laid out as render would (and raising as it would)."""
    return len(_layout(document, PdfText()).pages)


def fit_one_page(candidates: Iterable[Document]) -> Document:
    """The first of `candidates` (say, ever tighter spacing) that fits on one page, else the last.
    They are declared lazily as the iterable yields them; a candidate with a block taller than
    a page does not fit (render raises for it if it is the last)."""
    chosen = None
    for chosen in candidates:
        try:
            if page_count(chosen) == 1:
                return chosen
        except BlockTooTallError:
            continue
    if chosen is None:
        raise ValueError("fit_one_page needs at least one document")
    return chosen


def fitting_size(text: str, width: float, sizes: Sequence[float], max_height: float, *, leading: float = 1.5,
                 hang: bool = False, record: str = "（文档）") -> float:
    """The first of `sizes` at which `text`, wrapped to `width`, takes at most `max_height`
    (lines × size × leading); else the last. A long value is printed smaller this way."""
    engine = PdfText()
    engine.check(text, record)
    for size in sizes:
        if len(engine.wrap(text, width, size, hang=hang)) * size * leading <= max_height:
            return size
    return sizes[-1]


def render(document: Document, path: Path, progress: Progress | None = None) -> Path:
    """Lay `document` out, draw it and write it to `path` atomically; returns the path.
    `progress(pages drawn, pages)` after each page; it may raise Cancelled (no file is left)."""
    text = PdfText()
    layout = _layout(document, text)
    page = document.page
    total = len(layout.pages)
    with atomic_output(path) as tmp:
        c = Canvas(str(tmp), pagesize=(page.width, page.height), pageCompression=1, initialFontName=PRIMARY)
        c.setTitle(document.title)
        c.setAuthor(document.author)
        c.setSubject(document.subject)
        for page_no, placed in enumerate(layout.pages, start=1):
            if page.frame is not None:
                page.frame.draw(c, page.width, page.height)
            c.setLineWidth(document.line_width)
            for block, top in placed:
                block.draw(c, top)
            y = layout.foot_top
            for block in layout.foot:
                block.draw(c, y)
                y -= block.height
            number = layout.page_numbers[page_no - 1]
            if number and document.page_numbers is not None:
                size = document.page_numbers.size
                text.draw(c, (page.width - text.text_width(number, size)) / 2, document.page_numbers.y, number, size)
            c.showPage()
            if progress is not None:
                progress(page_no, total)
        c.save()
    return Path(path)
