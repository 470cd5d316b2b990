"""The year's plan as a document (年度文明创建工作计划): a PDF on the layout layer (exports.layout) and
a workbook (the plan as a sheet, the 责任分解表 as another).

The document, A4 portrait in the manner of an official paper: the title, the preamble, 「工作步骤」
with each phase and its dates, then each section (一、…) with its introduction and its tasks
((一)…), each task followed by its 工作标准, 目标, 完成时限 and 阶段, 责任领导 and 责任人; the
committee and the date at the end. The workbook's 「工作计划」 sheet holds the same text a
paragraph a row (merged across the sheet, each row as tall as its wrapped lines), printed on A4
portrait; its 「责任分解表」 sheet is the ledger of exports.plan_ledger, on A4 landscape with its
header repeated.

What is printed is read by attribute from services.plans' PlanDetail (year, title, preamble,
phases, sections: number, title, intro, tasks) and TaskRow (number, title, standard, lead, owner,
due, phase_name, target_text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.plan import chinese_number
from huiquan_desk.exports.layout import Document, Heading, PageNumbers, Paragraph, SignOff, Title, render
from huiquan_desk.exports.ledger import Ledger, atomic_output
from huiquan_desk.exports.xlsx import BODY_SIZE, FONT_NAME, FORMULA_PREFIXES, TITLE_SIZE, _height, _Measure

BODY = 12.0  # points, the PDF's running text
DETAIL = 10.5  # a task's particulars
INDENT = 24.0  # two characters


def phase_line(index: int, phase: Any) -> str:
    return f"第{chinese_number(index)}阶段：{phase.name}（{cn_date(phase.date_from)}至{cn_date(phase.date_to)}）"


def task_lines(task: Any) -> tuple[str, str]:
    """The task as a paragraph and its particulars in one line."""
    head = f"{task.number}{task.title}。" + (task.standard or "")
    parts = []
    if task.target_text:
        parts.append(f"目标：{task.target_text}")
    if task.due:
        parts.append(f"完成时限：{cn_date(task.due)}" + (f"（{task.phase_name}阶段）" if task.phase_name else ""))
    elif task.phase_name:
        parts.append(f"阶段：{task.phase_name}")
    parts.append(f"责任领导：{task.lead or '—'}")
    parts.append(f"责任人：{task.owner or '—'}")
    return head, "；".join(parts) + "。"


def plan_document(detail: Any, committee: str, issued: Any) -> Document:
    """The plan `detail` as a PDF document; `committee` (惠泉社区居民委员会, '' for none) and the
    date `issued` sign it off."""
    blocks: list[Any] = [Title(detail.title, size=20, space_after=14)]
    if detail.preamble:
        blocks.append(Paragraph(detail.preamble, size=BODY, indent=INDENT, space_after=6))
    if detail.phases:
        blocks.append(Heading("工作步骤", size=BODY + 0.5, space_before=6))
        blocks += [Paragraph(phase_line(i, p), size=BODY, indent=INDENT) for i, p in enumerate(detail.phases, start=1)]
    for section in detail.sections:
        blocks.append(Heading(f"{section.number}{section.title}", size=BODY + 0.5, space_before=10, space_after=2))
        if section.intro:
            blocks.append(Paragraph(section.intro, size=BODY, indent=INDENT, space_after=2))
        for task in section.tasks:
            head, particulars = task_lines(task)
            blocks.append(Paragraph(head, size=BODY, indent=INDENT, space_before=3, keep_with_next=True))
            blocks.append(Paragraph(particulars, size=DETAIL, left_indent=INDENT, leading=1.45))
    if committee:
        blocks.append(SignOff((committee, cn_date(issued)), size=BODY, space_before=24))
    return Document(blocks=blocks, page_numbers=PageNumbers(when="several"), title=detail.title,
                    author=committee or "惠泉台账", subject=f"{detail.year}年度文明创建工作计划",
                    record=detail.title, overflow_advice="请精简该段文字后再导出")


def write_plan_pdf(detail: Any, committee: str, issued: Any, path: Path) -> Path:
    return render(plan_document(detail, committee, issued), path)


# --- the workbook ------------------------------------------------------------------------------------
PLAN_WIDTH = 92.0  # character units: the sheet's one column of text, A4 portrait
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _put(ws: Any, row: int, column: int, value: object) -> Any:
    """A cell holding `value` as printed: a text that starts like a formula stays text, characters
    a workbook cannot hold are dropped."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _print_setup(ws: Any, landscape: bool) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9


def _paragraph(ws: Any, row: int, text: str, width: float, columns: int, size: float = BODY_SIZE,
               bold: bool = False, align: str = "left", indent: int = 0) -> int:
    """A paragraph in `row`, merged across `columns`, as tall as its wrapped lines; the next row."""
    cell = _put(ws, row, 1, text)
    cell.font = Font(name=FONT_NAME, size=size, bold=bold)
    cell.alignment = Alignment(horizontal=align, vertical="top", wrap_text=True, indent=indent)
    if columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    ws.row_dimensions[row].height = _height(_Measure(width - 2 * indent, size).lines(text), size)
    return row + 1


def _plan_sheet(ws: Any, detail: Any, committee: str, issued: Any) -> None:
    ws.column_dimensions["A"].width = PLAN_WIDTH
    _print_setup(ws, landscape=False)
    row = _paragraph(ws, 1, detail.title, PLAN_WIDTH, 1, TITLE_SIZE, bold=True, align="center")
    if detail.preamble:
        row = _paragraph(ws, row, detail.preamble, PLAN_WIDTH, 1, indent=2)
    if detail.phases:
        row = _paragraph(ws, row, "工作步骤", PLAN_WIDTH, 1, bold=True)
        for index, phase in enumerate(detail.phases, start=1):
            row = _paragraph(ws, row, phase_line(index, phase), PLAN_WIDTH, 1, indent=2)
    for section in detail.sections:
        row = _paragraph(ws, row, f"{section.number}{section.title}", PLAN_WIDTH, 1, bold=True)
        if section.intro:
            row = _paragraph(ws, row, section.intro, PLAN_WIDTH, 1, indent=2)
        for task in section.tasks:
            head, particulars = task_lines(task)
            row = _paragraph(ws, row, head, PLAN_WIDTH, 1, indent=2)
            row = _paragraph(ws, row, particulars, PLAN_WIDTH, 1, BODY_SIZE - 1, indent=4)
    if committee:
        row = _paragraph(ws, row + 1, committee, PLAN_WIDTH, 1, align="right")
        _paragraph(ws, row, cn_date(issued), PLAN_WIDTH, 1, align="right")


def _ledger_sheet(ws: Any, ledger: Ledger) -> None:
    """A small ledger on a sheet of a workbook that holds other sheets too: title and subtitle
    merged across, the header shaded and repeated on every printed page, rows as tall as their
    wrapped cells, the notes and the signature line under the table."""
    widths, count = ledger.widths, len(ledger.headers)
    whole = sum(widths)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    _print_setup(ws, landscape=ledger.landscape)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    row = _paragraph(ws, 1, ledger.title, whole, count, TITLE_SIZE, bold=True, align="center")
    row = _paragraph(ws, row, ledger.subtitle, whole, count, align="center")
    measures = [_Measure(w) for w in widths]
    header_font, body_font = Font(name=FONT_NAME, size=BODY_SIZE, bold=True), Font(name=FONT_NAME, size=BODY_SIZE)
    fill = PatternFill("solid", fgColor="DDDDDD")
    for column, header in enumerate(ledger.headers, start=1):
        cell = _put(ws, row, column, header)
        cell.font, cell.fill, cell.border = header_font, fill, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = _height(max(m.lines(h) for m, h in zip(measures, ledger.headers, strict=True)))
    row += 1
    for _item, values in ledger.table():
        lines = 1
        for column, (value, align, measure) in enumerate(zip(values, ledger.aligns, measures, strict=True), start=1):
            cell = _put(ws, row, column, value)
            cell.font, cell.border = body_font, _BORDER
            cell.alignment = Alignment(horizontal=align, vertical="top", wrap_text=True)
            if isinstance(value, str):
                lines = max(lines, measure.lines(value))
        ws.row_dimensions[row].height = _height(lines)
        row += 1
    row += 1
    for note in ledger.notes:
        row = _paragraph(ws, row, note, whole, count)
    _paragraph(ws, row, ledger.signature_line(), whole, count)


def write_plan_workbook(detail: Any, table: Ledger, committee: str, issued: Any, path: Path) -> Path:
    """The plan as the sheet 「工作计划」 and its 责任分解表 `table` as the sheet 「责任分解表」."""
    with atomic_output(path) as tmp:
        wb = Workbook()
        plan_sheet = wb.active
        plan_sheet.title = "工作计划"
        _plan_sheet(plan_sheet, detail, committee, issued)
        _ledger_sheet(wb.create_sheet(table.sheet_name[:31]), table)
        wb.save(tmp)
    return Path(path)
