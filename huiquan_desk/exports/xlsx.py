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

Row heights stay the public way: `ws.row_dimensions[row].height` set before the row is appended
(`_BodyRows.append(cells, height=…)`; the writer reads the row's dimensions as it writes it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.properties import PageSetupProperties

from huiquan_desk.exports.ledger import Ledger, Progress, atomic_output

FORMULA_PREFIXES = ("=", "+", "-", "@")
_NOT_PLAIN_TEXT = (*FORMULA_PREFIXES, "#")  # what may be a formula or an error code (#N/A)
_MAX_TEXT = 32767  # characters in a cell; openpyxl cuts longer text
_illegal = ILLEGAL_CHARACTERS_RE.search
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT_NAME = "宋体"


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
        if height is not None:
            self.ws.row_dimensions[self.next_row].height = height
        self._cells = cells
        self.ws.append(cells)


def _text(ws, value: str, **styles) -> WriteOnlyCell:  # type: ignore[no-untyped-def]
    """A styled cell for a user-derived string outside the table (title, subtitle, notes,
    signature line), guarded like the body cells."""
    cell = WriteOnlyCell(ws)
    if _set_value(cell, value):
        styles = {**styles, "quotePrefix": True}
    for name, style in styles.items():
        setattr(cell, name, style)
    return cell


def write_xlsx(ledger: Ledger, path: Path, progress: Progress | None = None) -> Path:
    with atomic_output(path) as tmp:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=ledger.sheet_name[:31])
        try:
            _fill(ws, ledger, progress)
            wb.save(tmp)
        finally:
            if not ws.closed:  # failed or cancelled half way: release the sheet's temp file now
                ws.close()
    return Path(path)


def _fill(ws, ledger: Ledger, progress: Progress | None) -> None:  # type: ignore[no-untyped-def]
    ncols = len(ledger.headers)
    last = get_column_letter(ncols)

    for index, width in enumerate(ledger.widths, start=1):
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

    ws.append([_text(ws, ledger.title, font=Font(name=FONT_NAME, size=16, bold=True),
                     alignment=Alignment(horizontal="center", vertical="center"))])
    ws.append([_text(ws, ledger.subtitle, font=Font(name=FONT_NAME, size=10),
                     alignment=Alignment(horizontal="center"))])
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    header_font = Font(name=FONT_NAME, size=10, bold=True)
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append([_text(ws, h, font=header_font, fill=header_fill, alignment=header_align, border=_BORDER)
               for h in ledger.headers])

    # Body styles per alignment, plain and guarded as text (quotePrefix), each registered once
    # through a template cell (the public style_id); the body cells carry the id (fast path).
    body_font = Font(name=FONT_NAME, size=10)

    def style_id(align: str, quote: bool) -> int:
        return _styled(ws, None, font=body_font, border=_BORDER, quotePrefix=quote,
                       alignment=Alignment(horizontal=align, vertical="top", wrap_text=True)).style_id

    column_styles = [(style_id(a, False), style_id(a, True)) for a in ledger.aligns]

    # One cell object per column, refilled for every row: the write-only writer serialises a
    # row's cells as soon as they are yielded, so nothing keeps the previous values.
    cells = [_BodyCell(ws) for _ in column_styles]
    body_rows = _BodyRows(ws)
    for _row, values in ledger.table(progress):
        for cell, value, (style, text_style) in zip(cells, values, column_styles, strict=True):
            if (value.__class__ is str and value and not value.startswith(_NOT_PLAIN_TEXT)
                    and len(value) <= _MAX_TEXT and not _illegal(value)):
                cell._value = value  # plain text, as Cell.value's setter stores it (without its type dispatch)
                cell.data_type = "s"
                cell._style_id = style
            else:
                cell._style_id = text_style if _set_value(cell, value) else style
        body_rows.append(cells)

    ws.append([])
    for note in ledger.notes:
        ws.append([_text(ws, note)])
    ws.append([_text(ws, ledger.signature_line())])
