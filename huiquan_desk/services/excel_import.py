"""What every Excel (.xlsx) import shares: opening the file, finding the header, reading rows, templates.

An import declares its columns once as a `HeaderSpec` (field key -> accepted header names) and
then streams the first sheet through `open_sheet()`:

    with open_sheet(path, SPEC) as sheet:       # unreadable / .xls / missing file -> ValidationError
        for number, cells in sheet.records(progress):   # Excel row number, {key: cell value}
            ...
        sheet.require_records()                 # "第 N 行的表头下面没有…"

The header may sit below title rows (searched among the first 10 rows) and its columns may come
in any order; blank rows are skipped and row numbers are the ones Excel shows. Templates are
written with `template_workbook()` + `save_workbook()` (atomic: a failure leaves no half file).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time
from itertools import islice
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from huiquan_desk.domain.errors import Problem, Progress, ValidationError
from huiquan_desk.domain.text import clean, halfwidth
from huiquan_desk.exports.ledger import atomic_output

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10  # the header is looked for among the first rows of the sheet
PROGRESS_EVERY = 500  # progress(done, total) is called every this many sheet rows
FILE_FIELD = "文件"  # the Problem.field of a problem with the file itself

_HEADER_MARK_RE = re.compile(r"(?:\*|:|\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】)$")
_WHITESPACE_RE = re.compile(r"\s+")

Row = tuple[object, ...]


# ---------------------------------------------------------------- text


def no_spaces(text: str) -> str:
    """Every whitespace (full-width spaces and line breaks too, once half-width) removed."""
    return _WHITESPACE_RE.sub("", text)


def normalize_header(value: object) -> str:
    """'开始时间（必填）*' -> '开始时间'; spaces (full-width too) and line breaks removed."""
    text = no_spaces(halfwidth(clean(value)))
    text = text.lstrip("*")
    while True:
        stripped = _HEADER_MARK_RE.sub("", text)
        if stripped == text or not stripped:
            return text
        text = stripped


def cell_text(value: object) -> str:
    """A cell as text: 30.0 -> '30', a date cell -> '2026-03-05' (with ' 09:00' when it has a time)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != time() else value.strftime("%Y-%m-%d")
    return clean(value)


def has_content(values: Sequence[object]) -> bool:
    return any(v is not None and (not isinstance(v, str) or v.strip()) for v in values)


# ---------------------------------------------------------------- headers


class HeaderSpec:
    """The columns an import understands.

    `synonyms`: field key -> header names; the first name is the canonical label (what the
    template writes), and earlier names win when a file has several columns for one field.
    Names are compared after normalize_header(). `records` names the rows in messages
    ("活动记录", "志愿者记录").
    """

    def __init__(self, synonyms: Mapping[str, tuple[str, ...]], required: Sequence[str], records: str):
        self.synonyms = dict(synonyms)
        self.required = tuple(required)
        self.records = records
        self.index: dict[str, tuple[str, int]] = {}  # normalized name -> (key, rank)
        for key, names in self.synonyms.items():
            for rank, name in enumerate(names):
                normalized = normalize_header(name)
                other = self.index.get(normalized)
                if other is not None and other[0] != key:
                    raise ValueError(f"header {name!r} is given for both {other[0]!r} and {key!r}")
                self.index.setdefault(normalized, (key, rank))
        unknown = [key for key in self.required if key not in self.synonyms]
        if unknown:
            raise ValueError(f"required fields without headers: {unknown}")

    def label(self, key: str) -> str:
        return self.synonyms[key][0]

    def match(self, row_number: int, values: Sequence[object]) -> Header:
        best: dict[str, tuple[int, int]] = {}  # key -> (rank, column index)
        for index, value in enumerate(values):
            found = self.index.get(normalize_header(value)) if isinstance(value, str) else None
            if found is None:
                continue
            key, rank = found
            if key not in best or rank < best[key][0]:
                best[key] = (rank, index)
        indexes = {key: index for key, (_rank, index) in best.items()}
        return Header(row_number, indexes, {key: clean(values[i]) for key, i in indexes.items()})

    def find(self, head: Sequence[tuple[int, Sequence[object]]]) -> Header:
        """The row (among the first ones) with the most recognised headers, including the required ones."""
        if not any(has_content(values) for _number, values in head):
            raise ValidationError.single(FILE_FIELD, f"第一张工作表是空的，没有找到表头和{self.records}。")
        candidates = [self.match(number, values) for number, values in head]
        complete = [h for h in candidates if all(k in h.indexes for k in self.required)]
        if complete:
            return max(complete, key=lambda h: (len(h.indexes), -h.row))
        nearest = max(candidates, key=lambda h: (len(h.indexes), -h.row))
        raise ValidationError([self.missing(key) for key in self.required if key not in nearest.indexes])

    def missing(self, key: str) -> Problem:
        names = self.synonyms[key]
        return Problem(names[0], f"表头中找不到这一列（也可写作：{'、'.join(names[1:])}）。"
                                 f"请把表头放在第一张工作表的前 {HEADER_SEARCH_ROWS} 行内。")


@dataclass(frozen=True)
class Header:
    row: int  # Excel row number
    indexes: dict[str, int]  # field key -> 0-based column index
    texts: dict[str, str]  # field key -> header text as written in the file

    def cells(self, values: Sequence[object]) -> dict[str, object] | None:
        """Cells of the recognised columns, or None for a row that is blank in all of them."""
        size = len(values)
        found = {key: values[index] if index < size else None for key, index in self.indexes.items()}
        return found if has_content(list(found.values())) else None


# ---------------------------------------------------------------- reading the file


def unreadable(path: Path, err: BaseException) -> ValidationError:
    """The one message per way a file cannot be read, saying what to do."""
    name = path.name
    if isinstance(err, FileNotFoundError):
        return ValidationError.single(FILE_FIELD, f"找不到文件「{name}」，请重新选择。")
    if isinstance(err, PermissionError):
        return ValidationError.single(FILE_FIELD, f"文件「{name}」无法读取：没有权限或正被其他程序占用。"
                                                  "请关闭 Excel/WPS 后重试。")
    if path.suffix.lower() in (".xls", ".et", ".csv"):
        return ValidationError.single(FILE_FIELD, f"「{name}」是 {path.suffix} 格式，无法读取。"
                                                  "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入。")
    return ValidationError.single(FILE_FIELD, f"「{name}」无法读取，不是有效的 Excel（.xlsx）文件或文件已损坏。"
                                              "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入。")


def open_workbook(path: Path) -> Any:
    """The workbook, read-only and with cached formula values, or a ValidationError in Chinese."""
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as err:
        log.warning("cannot open %s", path, exc_info=True)
        raise unreadable(path, err) from err


def _numbered_rows(ws: Any, path: Path) -> Iterator[tuple[int, Row]]:
    """(Excel row number, cell values) of the sheet, read once, streaming."""
    try:
        yield from enumerate(ws.iter_rows(values_only=True), start=1)
    except Exception as err:  # a damaged sheet part fails only while it is read
        log.warning("cannot read %s", path, exc_info=True)
        raise unreadable(path, err) from err


class Sheet:
    """The first sheet of an opened workbook with its header found; data rows are streamed once."""

    def __init__(self, path: Path, ws: Any, spec: HeaderSpec):
        self.spec = spec
        self.estimated = ws.max_row or 0  # from the file's own dimension record; may be wrong or missing
        ws.reset_dimensions()  # so a wrong record cannot cut the sheet short
        self._rows = _numbered_rows(ws, path)
        self._head = list(islice(self._rows, HEADER_SEARCH_ROWS))
        self.header = spec.find(self._head)
        self.read = 0  # non-blank data rows yielded
        self.scanned = 0  # data rows looked at, blank ones included

    @property
    def total(self) -> int:
        """Data rows of the sheet: the file's own estimate until more were actually scanned."""
        return max(self.estimated - self.header.row, self.scanned, 0)

    def records(self, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, object]]]:
        """(Excel row number, {field key: cell value}) of every non-blank row below the header.

        `progress(done, total)` is called every PROGRESS_EVERY sheet rows and may raise Cancelled.
        """
        below = (row for row in self._head if row[0] > self.header.row)
        for source in (below, self._rows):
            for number, values in source:
                self.scanned += 1
                if progress is not None and self.scanned % PROGRESS_EVERY == 0:
                    progress(self.scanned, self.total)
                cells = self.header.cells(values)
                if cells is None:
                    continue
                self.read += 1
                yield number, cells

    def require_records(self) -> None:
        if self.read == 0:
            raise ValidationError.single(FILE_FIELD, f"第 {self.header.row} 行的表头下面没有{self.spec.records}。")


@contextmanager
def open_sheet(path: str | Path, spec: HeaderSpec) -> Iterator[Sheet]:
    """The first sheet of the .xlsx at `path`, header found; the workbook is closed on exit."""
    path = Path(path)
    workbook = open_workbook(path)
    try:
        if not workbook.worksheets:
            raise ValidationError.single(FILE_FIELD, "文件里没有工作表。")
        yield Sheet(path, workbook.worksheets[0], spec)
    finally:
        workbook.close()


# ---------------------------------------------------------------- templates

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
TEMPLATE_ROWS = 1000  # drop-down lists cover this many rows


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    width: float = 12
    example: object = None
    number_format: str | None = None  # of the example cell; TEXT_FORMAT also applies to the whole column
    wrap: bool = False


@dataclass(frozen=True)
class ListSheet:
    """A sheet of allowed values: one column per list, a bold heading over each."""

    title: str
    headings: Sequence[str]
    columns: Sequence[Sequence[object]]
    widths: Sequence[float] = field(default_factory=tuple)

    def range(self, index: int = 0) -> str:
        """The cells of list `index` as a formula range, for a drop-down."""
        letter = get_column_letter(index + 1)
        return f"'{self.title}'!${letter}$2:${letter}${len(self.columns[index]) + 1}"


def template_workbook(title: str, columns: Sequence[TemplateColumn], lists: Sequence[ListSheet] = ()) -> Workbook:
    """Row 1 the headers (bold, shaded), row 2 an example, column widths, frozen header; then the lists."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDDDDD")
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        head = sheet.cell(row=1, column=number, value=column.header)
        head.font, head.fill = bold, fill
        head.alignment = Alignment(horizontal="center", vertical="center")
        example = column.example
        if column.number_format == TEXT_FORMAT and example is not None:
            example = str(example)
        cell = sheet.cell(row=2, column=number, value=example)
        cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
        if column.number_format:
            cell.number_format = column.number_format
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.number_format == TEXT_FORMAT:  # so what is typed later (an ID number) stays text
            dimension.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    for spec in lists:
        _write_list_sheet(workbook.create_sheet(spec.title), spec)
    return workbook


def _write_list_sheet(sheet: Any, spec: ListSheet) -> None:
    bold = Font(bold=True)
    for number, heading in enumerate(spec.headings, start=1):
        sheet.cell(row=1, column=number, value=heading).font = bold
    for number, values in enumerate(spec.columns, start=1):
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=number, value=value)
    for number, width in enumerate(spec.widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width


def add_choice(sheet: Any, column: int, source: str | Sequence[str], *, title: str, error: str,
               warning: bool = False) -> None:
    """A drop-down on data rows of 1-based `column`: from a range (ListSheet.range) or a list of values.

    `warning=True` lets the user keep a value not in the list (e.g. a category added in the app).
    """
    formula = source if isinstance(source, str) else '"' + ",".join(source) + '"'
    options: dict[str, Any] = {"errorStyle": "warning"} if warning else {}
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                errorTitle=title, error=error, **options)
    letter = get_column_letter(column)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
    sheet.add_data_validation(validation)


def save_workbook(workbook: Workbook, path: str | Path) -> Path:
    """Save atomically: the file appears complete or not at all; an existing one is replaced."""
    path = Path(path)
    with atomic_output(path) as tmp:
        workbook.save(tmp)
    return path


@dataclass
class ImportReport:
    """What an import read and wrote. Problems never come back here: any problem raises
    ValidationError with all of them, and nothing is written."""

    rows_read: int  # non-blank data rows
    created: int  # records written
    header_row: int  # Excel row number of the header
    columns: dict[str, str] = field(default_factory=dict)  # field key -> header text found in the file
