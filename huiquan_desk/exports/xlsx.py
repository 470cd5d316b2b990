"""Render any Ledger as an .xlsx workbook ready to print (A4, header repeated, page numbers).

The body rows take a fast path through two openpyxl internals (`_BodyRows`), because through
the public API a 10,000-row ledger costs 2.5× (named styles) to 4.3× (a font, border and
alignment set on every cell) the plain write-only floor (bench/README.md), against ≈ 1.0× here:

1. `WriteOnlyWorksheet._values_to_row(values, row_idx)`, which `append()` calls for every row, is
   replaced on our sheet: openpyxl's own first stores each value into a new cell and, for a cell
   we pass, recovers from the ValueError (whose message formats the cell's repr) — per cell.
2. The body cells are `_BodyCell`s whose `style_id` was registered once per column style; the
   writer asks every styled cell for it, which openpyxl otherwise computes by hashing the cell's
   style array into the workbook's style list (twice per cell). Plain text (not a formula, an
   error code, too long or holding control characters) is stored as `Cell.value`'s setter
   stores it (`_value`, data_type "s") without its per-value type dispatch.

pyproject.toml pins openpyxl to the versions this was measured with (>=3.1.5,<3.2), and
tests/unit/test_speed_paths.py fails, naming the internal, if either changes.

Row heights: openpyxl does not fit a row to its wrapped text, and LibreOffice does not either when
it opens the file, so every row gets a height from its wrapped line count (`_line_count`: the
column's width in character units, a CJK character counting CJK_UNITS, less CELL_PAD) times
LINE_EM × the font size, at most Excel's 409 points. A cell too long for that is cut in the
workbook only; the PDF ledger splits such a row over pages. The height goes in before the row is
appended (`_BodyRows.append(cells, height=…)`), as the row attributes the writer reads from
`ws.row_dimensions.get(row)` when it writes the row (a third internal: WorksheetWriter.write_row):
one plain mapping per distinct height (what `dict(RowDimension(ht=…))` gives), because a
RowDimension object per row costs about 15 % of the floor's time. tests/unit/test_speed_paths.py
and tests/unit/test_exports.py read the heights back.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.properties import PageSetupProperties

from huiquan_desk.exports.ledger import CELL_PAD, CJK_UNITS, Ledger, Progress, atomic_output

FORMULA_PREFIXES = ("=", "+", "-", "@")
_NOT_PLAIN_TEXT = (*FORMULA_PREFIXES, "#")  # what may be a formula or an error code (#N/A)
_MAX_TEXT = 32767  # characters in a cell; openpyxl cuts longer text
_illegal = ILLEGAL_CHARACTERS_RE.search
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT_NAME = "宋体"
BODY_SIZE = 10  # points: body, header, subtitle and notes
TITLE_SIZE = 16
# Points per line of text, as a multiple of the font size: 1.45 holds a line of Noto Sans/Serif CJK,
# which LibreOffice prints for 宋体 on most Linux desktops (宋体 itself needs 1.35 in Excel).
LINE_EM = 1.45
MAX_ROW_HEIGHT = 409.0  # points: Excel's limit
_KNOWN_UP_TO = 40  # characters: line counts of texts up to this long are kept for the next rows


def _styled(ws, value, **styles) -> WriteOnlyCell:  # type: ignore[no-untyped-def]
    cell = WriteOnlyCell(ws, value=value)
    for name, style in styles.items():
        setattr(cell, name, style)
    return cell


def _set_value(cell: WriteOnlyCell, value: object) -> bool:
    """Put `value` in `cell`; True if it is a string that must be guarded as text: one that
    starts like a formula or that Excel would not read as text (an error code such as #N/A).
    Control characters pasted from elsewhere, which a workbook cannot hold, are dropped."""
    try:
        cell.value = value
    except IllegalCharacterError:
        cell.value = value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or cell.data_type != "s"):
        cell.data_type = "s"  # text, never run as a formula or read as an error code
        return True
    return False


class _BodyCell(Cell):
    """A body cell with a style registered beforehand: `style_id` is set, not computed per cell."""

    __slots__ = ("_style_id",)
    has_style = True  # the writer then asks for style_id

    def __init__(self, ws: Any) -> None:
        super().__init__(ws, column=1, row=1)
        self._style_id = 0

    @property
    def style_id(self) -> int:
        return self._style_id


class _BodyRows:
    """Append rows of ready `_BodyCell`s without openpyxl's per-value conversion, which first tries
    to store each Cell as a value and recovers from the exception (about half the writing time).
    Other rows still take the normal path. `next_row` is the Excel row the next append writes."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_row = 1
        self._normal = ws._values_to_row
        self._cells: list[_BodyCell] | None = None
        self._heights: dict[float, dict[str, str]] = {}
        ws._values_to_row = self._values_to_row

    def _values_to_row(self, values: Sequence[Any], row_idx: int) -> Iterator[Any]:
        self.next_row = row_idx + 1
        if values is not self._cells:
            yield from self._normal(values, row_idx)
            return
        for col_idx, cell in enumerate(self._cells, 1):
            if cell.value is None:
                continue
            cell.column = col_idx
            cell.row = row_idx
            yield cell

    def append(self, cells: list[_BodyCell], height: float | None = None) -> None:
        """One body row; `height` in points (None: Excel's default height)."""
        self._height(height)
        self._cells = cells
        self.ws.append(cells)

    def append_other(self, values: list[Any], height: float | None = None) -> None:
        """Any other row (title, header, notes), taking openpyxl's normal path."""
        self._height(height)
        self._cells = None
        self.ws.append(values)

    def _height(self, height: float | None) -> None:
        if height is None:
            return
        attrs = self._heights.get(height)
        if attrs is None:  # the attributes a RowDimension of this height writes: ht, customHeight
            attrs = self._heights[height] = dict(RowDimension(self.ws, ht=height))
        self.ws.row_dimensions[self.next_row] = attrs


def _text(ws, value: str, **styles) -> WriteOnlyCell:  # type: ignore[no-untyped-def]
    """A styled cell for a user-derived string outside the table (title, subtitle, notes,
    signature line), guarded like the body cells."""
    cell = WriteOnlyCell(ws)
    if _set_value(cell, value):
        styles = {**styles, "quotePrefix": True}
    for name, style in styles.items():
        setattr(cell, name, style)
    return cell


class _Measure:
    """How many lines a text takes in a column `width` character units wide, set at `size` points.

    A line holds `width` less CELL_PAD units. Text of nothing but ASCII (dates, times, numbers,
    masked IDs) takes 1 unit a character, in whole characters a line. Any other text takes
    CJK_UNITS a CJK or full-width character, in whole CJK characters a line (Excel and LibreOffice
    wrap it by the character), and 1.2 units an ASCII letter or digit: LibreOffice draws those with
    the Latin font it puts in for 宋体 (DejaVu Sans, whose digits are 1.15 units wide), so that
    「欧阳娜娜（ZY20260001）」 takes two lines in a column of 22.5 there. Counted from the text's
    length and its UTF-8 length (one C call however long the text), in fifths of a unit: ASCII 6,
    3-byte characters (CJK) 10, 2-byte letters 8, characters beyond the BMP 12. Line breaks in
    the text start new lines; a paragraph takes at least one line.
    """

    __slots__ = ("ascii5", "wide5", "fits")

    def __init__(self, width: float, size: float = BODY_SIZE) -> None:
        room = max(width - CELL_PAD, 1.0) * BODY_SIZE / size  # in units of the body size
        self.ascii5 = 5 * max(math.floor(room), 1)
        self.wide5 = 5 * CJK_UNITS * max(math.floor(room / CJK_UNITS), 1)
        self.fits = self.wide5 // 12  # a text of at most this many characters fits on one line

    def lines(self, text: str) -> int:
        if len(text) <= self.fits and "\n" not in text and "\r" not in text:
            return 1
        return _line_count(text, self.ascii5, self.wide5)


def _line_count(text: str, ascii5: int, wide5: int) -> int:
    """Lines of `text` in a column holding `ascii5` fifths of a unit a line of ASCII text, `wide5`
    of any other (see _Measure)."""
    if "\n" in text or "\r" in text:
        paragraphs = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    else:
        paragraphs = [text]
    lines = 0
    for part in paragraphs:
        chars = len(part)
        size = len(part.encode("utf-8", "surrogatepass"))
        if size == chars:
            lines += max(1, -(-5 * chars // ascii5))
        else:
            lines += max(1, -(-(4 * chars + 2 * size) // wide5))
    return lines


def _height(lines: int, size: float = BODY_SIZE) -> float:
    """Row height in points for `lines` lines of text at `size` points (at least one line)."""
    return min(round(max(lines, 1) * size * LINE_EM, 2), MAX_ROW_HEIGHT)


def write_xlsx(ledger: Ledger, path: Path, progress: Progress | None = None) -> Path:
    """The ledger on a sheet of its own (a cover before it on one more); a ledger in parts
    (Ledger.parts) gives each part its sheets in turn, progress counting on over the parts."""
    with atomic_output(path) as tmp:
        wb = Workbook(write_only=True)
        sheets = []
        try:
            done = 0
            for part in ledger.parts or [ledger]:
                if part.cover is not None:
                    sheets.append(wb.create_sheet(title=part.cover.sheet_name[:31]))
                    _fill_cover(sheets[-1], part)
                sheets.append(wb.create_sheet(title=part.sheet_name[:31]))
                if progress is None or not ledger.parts:
                    _fill(sheets[-1], part, progress)
                else:
                    def part_progress(rows: int, _total: int, before: int = done) -> None:
                        progress(before + rows, ledger.row_count)

                    _fill(sheets[-1], part, part_progress)
                done += part.row_count
            if (ledger.parts or [ledger])[0].cover is not None:
                wb.active = 1  # opens on the (first) table, its cover one tab to the left
            wb.save(tmp)
        finally:
            for ws in sheets:
                if not ws.closed:  # failed or cancelled half way: release the sheet's temp file now
                    ws.close()
    return Path(path)


COVER_TITLE_SIZE = 26
COVER_SIZE = 16
COVER_WIDTHS = (8.0, 22.0, 56.0, 8.0)  # margin, label, value, margin (character units)


def _fill_cover(ws, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    """The ledger's cover (Ledger.cover) on a sheet printed as one page in the ledger's orientation:
    the title, then a line per field, the label at the right of its cell and the value on a rule."""
    cover = ledger.cover
    assert cover is not None
    for index, width in enumerate(COVER_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape" if ledger.landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.print_options.verticalCentered = True
    rows = _BodyRows(ws)
    title_row = rows.next_row
    rows.append_other([None, _text(ws, cover.title, font=Font(name=FONT_NAME, size=COVER_TITLE_SIZE, bold=True),
                                   alignment=Alignment(horizontal="center", vertical="center"))], 60.0)
    ws.merged_cells.add(f"B{title_row}:C{title_row}")
    rows.append_other([], 30.0)
    label_font = Font(name=FONT_NAME, size=COVER_SIZE)
    rule = Border(bottom=_THIN)
    value_measure = _Measure(COVER_WIDTHS[2], COVER_SIZE)
    for label, value in cover.fields:
        height = max(40.0, _height(value_measure.lines(value), COVER_SIZE) + 12)
        rows.append_other([None,
                           _text(ws, f"{label}：", font=label_font,
                                 alignment=Alignment(horizontal="right", vertical="bottom")),
                           _text(ws, value, font=label_font, border=rule,
                                 alignment=Alignment(horizontal="left", vertical="bottom", wrap_text=True))],
                          height)


def _fill(ws, ledger: Ledger, progress: Progress | None) -> None:  # type: ignore[no-untyped-def]
    ncols = len(ledger.headers)
    last = get_column_letter(ncols)
    widths = ledger.widths

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape" if ledger.landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9

    rows = _BodyRows(ws)
    whole = sum(widths)  # the title, subtitle and notes span every column (merged)

    def spanning(text: str, size: float, bold: bool = False, align: str = "left") -> None:
        """A row of one cell merged across the table, wrapped, as tall as its lines."""
        row = rows.next_row
        rows.append_other([_text(ws, text, font=Font(name=FONT_NAME, size=size, bold=bold),
                                 alignment=Alignment(horizontal=align, vertical="top", wrap_text=True))],
                          _height(_Measure(whole, size).lines(text), size))
        ws.merged_cells.add(f"A{row}:{last}{row}")

    spanning(ledger.title, TITLE_SIZE, bold=True, align="center")
    spanning(ledger.subtitle, BODY_SIZE, align="center")
    header_font = Font(name=FONT_NAME, size=BODY_SIZE, bold=True)
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    measures = [_Measure(w) for w in widths]
    rows.append_other([_text(ws, h, font=header_font, fill=header_fill, alignment=header_align, border=_BORDER)
                       for h in ledger.headers],
                      _height(max(m.lines(h) for m, h in zip(measures, ledger.headers, strict=True))))

    # Body styles per alignment, plain and guarded as text (quotePrefix), each registered once
    # through a template cell (the public style_id); the body cells carry the id (fast path).
    body_font = Font(name=FONT_NAME, size=BODY_SIZE)

    def style_id(align: str, quote: bool) -> int:
        return _styled(ws, None, font=body_font, border=_BORDER, quotePrefix=quote,
                       alignment=Alignment(horizontal=align, vertical="top", wrap_text=True)).style_id

    # Per column: the two styles, what a text of one line may hold (the common case is decided
    # with one length comparison; longer texts are measured), and the line counts of the short
    # texts measured so far (category, place, organizer … repeat row after row).
    measured: list[dict[str, int]] = [{} for _ in measures]
    columns = [(style_id(a, False), style_id(a, True), m.fits, m.ascii5, m.wide5, k)
               for a, m, k in zip(ledger.aligns, measures, measured, strict=True)]
    heights = [_height(n) for n in range(1 + int(MAX_ROW_HEIGHT // (BODY_SIZE * LINE_EM)) + 1)]
    tallest = len(heights) - 1

    # One cell object per column, refilled for every row: the write-only writer serialises a
    # row's cells as soon as they are yielded, so nothing keeps the previous values.
    cells = [_BodyCell(ws) for _ in columns]
    for _row, values in ledger.table(progress):
        lines = 1
        for cell, value, (style, text_style, fits, ascii5, wide5, known) in zip(cells, values, columns, strict=True):
            if value.__class__ is str:
                size = len(value)
                if value and not value.startswith(_NOT_PLAIN_TEXT) and size <= _MAX_TEXT and not _illegal(value):
                    cell._value = value  # plain text, as Cell.value's setter stores it (without its type dispatch)
                    cell.data_type = "s"
                    cell._style_id = style
                else:
                    cell._style_id = text_style if _set_value(cell, value) else style
                if size > fits or "\n" in value or "\r" in value:
                    if size > _KNOWN_UP_TO:
                        count = _line_count(value, ascii5, wide5)
                    else:
                        count = known.get(value, 0)
                        if not count:
                            count = known[value] = _line_count(value, ascii5, wide5)
                    if count > lines:
                        lines = count
            else:
                cell._style_id = text_style if _set_value(cell, value) else style
        rows.append(cells, heights[min(lines, tallest)])

    rows.append_other([])
    for note in ledger.notes:
        spanning(note, BODY_SIZE)
    spanning(ledger.signature_line(), BODY_SIZE)
