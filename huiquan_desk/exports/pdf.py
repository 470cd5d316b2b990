"""Render any Ledger as a PDF: A4, embedded CJK font, header on every page, wrapped cells,
"第 N 页 共 M 页", and the 填表人 / 审核人 / 日期 line at the end.

Drawn straight on the reportlab canvas (platypus tables are ~3.5x slower for 10,000 rows):
the rows are first laid out into pages, so the total page count is known when drawing.
A title too long for the page is set smaller (down to TITLE_MIN_SIZE), then wrapped; the
subtitle, notes and signature line wrap, so that nothing runs off the page.

Progress: one bar over the three phases, weighted by their usual share of the time: layout
reports rows laid out, drawing reports pages drawn, and a last call follows saving. Any call
may raise Cancelled; the export then stops and leaves no file (exports.ledger.atomic_output).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from huiquan_desk.exports.fonts import PRIMARY
from huiquan_desk.exports.ledger import Cover, Ledger, Progress, atomic_output
from huiquan_desk.exports.pdftext import PdfText

BODY_SIZE = 9.0
HEADER_SIZE = 9.0
TITLE_SIZE = 16.0
TITLE_MIN_SIZE = 11.0  # a long title is set smaller down to this size, then wrapped
LEADING = 1.3  # line height as a multiple of the font size
PAD = 2.5  # cell padding, points
MARGIN = 14 * mm
MARGIN_LEFT = 20 * mm  # binding edge
# Progress units per row for each phase (layout : drawing : saving ≈ 1 : 4 : 1 for 10,000 rows).
LAYOUT_UNITS, DRAW_UNITS, SAVE_UNITS = 1, 4, 1
PROGRESS_CALLS = 200  # at most about this many calls while drawing


@dataclass
class _Row:
    lines: list[list[str]]  # per cell, the wrapped lines
    height_lines: int


def _fit(text: PdfText, line: str, width: float, size: float, min_size: float) -> tuple[float, list[str]]:
    """(font size, lines): `line` set smaller, down to `min_size`, to fit `width`; wrapped if
    even that is too wide (without hanging punctuation, so no line is wider than `width`)."""
    natural = text.text_width(line, size)
    if natural > width:
        size = max(min_size, math.floor(size * width / natural * 2) / 2)  # in half points
    return size, text.wrap(line, width, size, hang=False)


def column_widths(ledger: Ledger, text: PdfText, usable: float) -> list[float]:
    """Points per column: `usable` shared in proportion to the ledger's widths, except that a
    column with `min_chars` holds that many CJK characters (欧阳娜娜) on one line at the body size:
    it is held at that width and the other columns share what is left."""
    widths = ledger.widths
    least = [n * text.text_width("国", BODY_SIZE) + 2 * PAD + 0.5 if n else 0.0 for n in ledger.min_chars]
    held: set[int] = set()
    while True:
        free = usable - sum(least[i] for i in held)
        units = sum(w for i, w in enumerate(widths) if i not in held)
        col_w = [least[i] if i in held else free * w / units for i, w in enumerate(widths)]
        short = {i for i, w in enumerate(col_w) if i not in held and w < least[i]}
        if not short or len(held) + len(short) == len(widths):
            return col_w
        held |= short


def write_pdf(ledger: Ledger, path: Path, progress: Progress | None = None) -> Path:
    page_w, page_h = landscape(A4) if ledger.landscape else A4
    text = PdfText()
    rows_unit = max(ledger.row_count, 1)
    draw_from = rows_unit * LAYOUT_UNITS  # progress units when drawing starts, …
    save_from = draw_from + rows_unit * DRAW_UNITS  # … when saving starts
    progress_total = save_from + rows_unit * SAVE_UNITS

    def layout_progress(done: int, _rows: int) -> None:
        if progress is not None:
            progress(min(done, rows_unit) * LAYOUT_UNITS, progress_total)

    parts: list[_Part] = []
    if not ledger.parts:
        parts.append(_lay_out(ledger, text, page_w, page_h, layout_progress if progress is not None else None))
    laid_rows = 0
    for section in ledger.parts:  # each part's rows counted on from the parts before it
        def part_progress(done: int, _rows: int, before: int = laid_rows) -> None:
            layout_progress(before + done, rows_unit)

        parts.append(_lay_out(section, text, page_w, page_h, part_progress if progress is not None else None))
        laid_rows += section.row_count
    total_pages = sum(part.pages for part in parts)

    # 2. Draw.
    with atomic_output(path) as tmp:
        canvas = Canvas(str(tmp), pagesize=(page_w, page_h), pageCompression=1, initialFontName=PRIMARY)
        canvas.setTitle(ledger.title)
        canvas.setAuthor("惠泉台账")
        canvas.setLineWidth(0.5)
        report_every = max(1, total_pages // PROGRESS_CALLS)
        drawn = 0

        def page_done() -> None:
            nonlocal drawn
            drawn += 1
            if progress is not None and (drawn % report_every == 0 or drawn == total_pages):
                progress(draw_from + (save_from - draw_from) * drawn // total_pages, progress_total)

        for part in parts:
            part.draw(canvas, page_done)
        canvas.save()
        if progress is not None:
            progress(progress_total, progress_total)
    return Path(path)


@dataclass
class _Part:
    """A ledger laid out: its pages (a cover not counted) and how to draw them all."""

    pages: int
    draw: Callable[[Canvas, Callable[[], None]], None]  # (canvas, called after each page)


def _lay_out(ledger: Ledger, text: PdfText, page_w: float, page_h: float,
             layout_progress: Progress | None) -> _Part:
    """Wrap every cell of `ledger`, cut its rows into pages, and say how to draw them."""
    usable_w = page_w - MARGIN_LEFT - MARGIN
    col_w = column_widths(ledger, text, usable_w)
    aligns = ledger.aligns
    body_line = BODY_SIZE * LEADING
    header_rows = [text.wrap(h, w - 2 * PAD, HEADER_SIZE) for h, w in zip(ledger.headers, col_w, strict=True)]
    header_h = max(len(lines) for lines in header_rows) * HEADER_SIZE * LEADING + 2 * PAD
    for line in (ledger.title, ledger.subtitle, ledger.signature_line(), *ledger.notes):
        text.check(line, "（标题）")
    for line in ledger.headers:
        text.check(line, "（表头）")
    cover = ledger.cover
    if cover is not None:
        for line in (cover.title, *(part for pair in cover.fields for part in pair)):
            text.check(line, "（封面）")
    title_size, title_lines = _fit(text, ledger.title, usable_w, TITLE_SIZE, TITLE_MIN_SIZE)
    subtitle_lines = text.wrap(ledger.subtitle, usable_w, BODY_SIZE, hang=False)
    note_lines = [line for note in ledger.notes for line in text.wrap(note, usable_w, BODY_SIZE, hang=False)]
    sign_size = BODY_SIZE + 1
    sign_lines = text.wrap(ledger.signature_line(), usable_w, sign_size, hang=False)

    # 1. Lay out: wrap every cell, then cut the rows into pages.
    rows: list[_Row] = []
    for row, cells in ledger.table(layout_progress):
        wrapped = []
        for value, width in zip(cells, col_w, strict=True):
            value_text = "" if value is None else str(value)
            if value_text:
                text.check(value_text, ledger.describe(row))
                wrapped.append(text.wrap(value_text, width - 2 * PAD, BODY_SIZE))
            else:
                wrapped.append([""])
        rows.append(_Row(wrapped, max(len(c) for c in wrapped)))

    top = page_h - MARGIN
    bottom = MARGIN + 8 * mm  # room for the page number
    # Baselines of the title and subtitle lines on the first page, and where its table begins.
    title_ys = [top - title_size - k * title_size * LEADING for k in range(len(title_lines))]
    subtitle_top = title_ys[-1] - title_size * 0.6
    subtitle_ys = [subtitle_top - BODY_SIZE - k * body_line for k in range(len(subtitle_lines))]
    first_top = subtitle_ys[-1] - BODY_SIZE * 1.2
    page_lines = int((top - header_h - bottom - 2 * PAD) // body_line)
    pages: list[list[tuple[int, int, int]]] = [[]]  # per page: (row index, first line, line count)
    y = first_top - header_h
    for index, row in enumerate(rows):
        first = 0
        while first < row.height_lines:
            fit = int((y - bottom - 2 * PAD) // body_line)
            remaining = row.height_lines - first
            # Keep a row whole unless it is taller than a page; never leave a page empty.
            if fit < remaining and (remaining <= page_lines or fit < 3) and pages[-1]:
                pages.append([])
                y = top - header_h
                continue
            take = max(1, min(fit, remaining))
            pages[-1].append((index, first, take))
            y -= take * body_line + 2 * PAD
            first += take
    sign_line = sign_size * LEADING
    tail_h = (len(note_lines) + 2) * body_line + (len(sign_lines) - 1) * sign_line + 4 * mm
    if y - tail_h < bottom:  # the notes and the signature line go over: take the last row with them,
        last = pages[-1][-1] if len(pages[-1]) > 1 else None  # so no page is a bare header
        moved_h = last[2] * body_line + 2 * PAD if last is not None else 0.0
        if last is not None and top - header_h - moved_h - tail_h >= bottom:
            pages[-1].pop()
            pages.append([last])
        else:
            pages.append([])
    total_pages = len(pages)
    xs = [MARGIN_LEFT]
    for w in col_w:
        xs.append(xs[-1] + w)

    def draw_all(canvas: Canvas, page_done: Callable[[], None]) -> None:
        def cell_lines(out: list[tuple[float, float, str]], lines: list[str], x0: float, width: float, y0: float,
                       size: float, align: str) -> None:
            """Add a cell's lines, placed, to `out` (drawn together with PdfText.draw_lines)."""
            yy = y0 - PAD - size
            for line in lines:
                if line:
                    if align == "left":
                        tx = x0 + PAD
                    else:
                        lw = text.text_width(line, size)
                        tx = x0 + (width - lw) / 2 if align == "center" else x0 + width - PAD - lw
                    out.append((tx, yy, line))
                yy -= size * LEADING

        def draw_header(y0: float) -> float:
            canvas.setFillGray(0.87)
            canvas.rect(xs[0], y0 - header_h, xs[-1] - xs[0], header_h, stroke=0, fill=1)
            canvas.setFillGray(0)
            placed: list[tuple[float, float, str]] = []
            for i, lines in enumerate(header_rows):
                cell_lines(placed, lines, xs[i], col_w[i], y0, HEADER_SIZE, "center")
            text.draw_lines(canvas, placed, HEADER_SIZE)
            return y0 - header_h

        def grid(y_top: float, y_bottom: float, row_bottoms: list[float]) -> None:
            canvas.line(xs[0], y_top, xs[-1], y_top)
            for yb in row_bottoms:
                canvas.line(xs[0], yb, xs[-1], yb)
            for x in xs:
                canvas.line(x, y_top, x, y_bottom)

        def centred(lines: list[str], ys: list[float], size: float) -> None:
            for line, yy in zip(lines, ys, strict=True):
                if line:  # centred over the table
                    text.draw(canvas, xs[0] + (usable_w - text.text_width(line, size)) / 2, yy, line, size)

        if cover is not None:
            _draw_cover(canvas, text, cover, page_w, page_h)
            canvas.showPage()
            canvas.setLineWidth(0.5)
        for page_no, page in enumerate(pages, start=1):
            y_top = top
            if page_no == 1:
                centred(title_lines, title_ys, title_size)
                centred(subtitle_lines, subtitle_ys, BODY_SIZE)
                y_top = first_top
            y = draw_header(y_top) if page else y_top  # a page of the notes alone has no table header
            bottoms = [y]
            placed: list[tuple[float, float, str]] = []
            for index, first, count in page:
                row = rows[index]
                for i, lines in enumerate(row.lines):
                    part = lines[first:first + count]
                    if part:
                        cell_lines(placed, part, xs[i], col_w[i], y, BODY_SIZE, aligns[i])
                y -= count * body_line + 2 * PAD
                bottoms.append(y)
            text.draw_lines(canvas, placed, BODY_SIZE)
            if page:
                grid(y_top, y, bottoms)
            if page_no == total_pages:
                y -= body_line * 1.5
                for note in note_lines:
                    if note:
                        text.draw(canvas, xs[0], y, note, BODY_SIZE)
                    y -= body_line
                y -= body_line * 0.5
                for line in sign_lines:
                    text.draw(canvas, xs[0], y, line, sign_size)
                    y -= sign_line
            footer = f"第 {page_no} 页 共 {total_pages} 页"
            text.draw(canvas, (page_w - text.text_width(footer, BODY_SIZE)) / 2, MARGIN, footer, BODY_SIZE)
            canvas.showPage()
            page_done()

    return _Part(total_pages, draw_all)


COVER_TITLE_SIZE = 26.0
COVER_SIZE = 16.0


def _draw_cover(canvas: Canvas, text: PdfText, cover: Cover, page_w: float, page_h: float) -> None:
    """The cover page: the title letter-spaced in the upper third, then 「全宗号：0194」 … one a
    line, the values on a rule, the block centred across the page."""
    spacing = COVER_TITLE_SIZE * 0.4
    title_w = text.text_width(cover.title, COVER_TITLE_SIZE) + spacing * max(len(cover.title) - 1, 0)
    if title_w > page_w - 2 * MARGIN:
        spacing, title_w = 0.0, text.text_width(cover.title, COVER_TITLE_SIZE)
    title_y = page_h * 0.70
    text.draw(canvas, (page_w - title_w) / 2, title_y, cover.title, COVER_TITLE_SIZE, 2, char_space=spacing)
    labels = [f"{label}：" for label, _value in cover.fields]
    label_w = max((text.text_width(label, COVER_SIZE) for label in labels), default=0.0)
    longest = max((text.text_width(value, COVER_SIZE) for _label, value in cover.fields), default=0.0)
    value_w = min(max(longest + 24, 200.0), page_w - 2 * MARGIN - label_w)
    left = (page_w - label_w - value_w) / 2
    step = COVER_SIZE * 2.6
    y = title_y - COVER_TITLE_SIZE * 3
    canvas.saveState()
    canvas.setLineWidth(0.6)
    for label, (_label, value) in zip(labels, cover.fields, strict=True):
        text.draw(canvas, left + label_w - text.text_width(label, COVER_SIZE), y, label, COVER_SIZE)
        lines = text.wrap(value, value_w - 8, COVER_SIZE, hang=False) if value else [""]
        for k, line in enumerate(lines):
            yy = y - k * COVER_SIZE * 1.5
            if line:
                text.draw(canvas, left + label_w + 4, yy, line, COVER_SIZE)
            canvas.line(left + label_w, yy - 5, left + label_w + value_w, yy - 5)
        y -= step + (len(lines) - 1) * COVER_SIZE * 1.5
    canvas.restoreState()
