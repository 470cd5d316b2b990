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

Two readers, one result. The rows are read with python-calamine (Rust, several times faster
than openpyxl's read-only mode) when the file is one it reads exactly as openpyxl does, and
with openpyxl otherwise; either way a cell is None (blank), str, int, float, bool, datetime,
time or timedelta, with the values openpyxl gives. Before calamine reads a file, one pass over
the package (`_CalaminePlan.of`) sends it to openpyxl instead when it

- has a name openpyxl does not open (.xls, .csv …: openpyxl refuses them with our messages),
  cannot be opened as a zip, or has a part that is not well-formed XML (openpyxl's parser is
  strict, calamine's lenient: a damaged file must stay refused with the same message);
- is not laid out as Excel, WPS, LibreOffice and openpyxl write it (xl/workbook.xml,
  xl/styles.xml, xl/sharedStrings.xml, a first worksheet named in workbook.xml);
- has cells calamine reads differently: error values (#N/A: calamine gives blank), ISO dates
  (t="d"), _xHHHH_ escapes (calamine decodes them), text with leading or trailing spaces not
  marked xml:space="preserve" (calamine trims), booleans other than 0/1 and number cells that
  are not plain numbers: 16 or more digits (an ID number typed as a number: calamine's float
  loses the last ones), whole numbers written as 30.0 or 3E1 (openpyxl reads int or float by the
  spelling, calamine float) or no number at all (openpyxl refuses the file);
- uses a cell format the two classify differently (e.g. the built-in Chinese date formats
  27–36 and 50–58, which openpyxl reads as numbers): the file's own styles are read through
  both readers in a small probe workbook, one row of typical values per format (`_probe_agrees`);
  or holds, in a date or time cell, a number the two convert differently: negative, past
  9999-12-31 (7+ digits) or a hair under a whole day.

Known difference left: for a date or duration cell holding a fraction of a millisecond, the two
round the last bits of the float differently (about 1 cell in 6,000 random full-precision
values came out 1 ms apart; typed times never do). The import keeps whole seconds, so only a
value half a millisecond short of a whole second could come out one second apart.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

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
# A package that says it unpacks to more than this is refused before anything is read (a zip
# bomb: 1 MB inflating to gigabytes, read whole by the calamine plan). 200,000 rows of 13 columns
# take 80–160 MB (shared or inline strings). zipfile stops at the size a part declares: a part that lies fails its checksum.
MAX_UNPACKED_MB = 256

_HEADER_MARK_RE = re.compile(r"(?:\*|:|\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】)$")
_WHITESPACE_RE = re.compile(r"\s+")

Row = Sequence[object]  # a row's cell values (a tuple from openpyxl, a list from calamine)


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


_COUNT_RE = re.compile(r"^([+-]?\d+)(?:\.0*)?(?:人次|口人|人|名|口)?$")


def count_cell(value: object) -> int:
    """A number of people: 30, 30.0, '30', '30人', '３０', '3口'; blank -> 0. Raises ValueError (Chinese)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ValueError("必须是整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"必须是整数，不能是 {value:g}")
    text = no_spaces(halfwidth(clean(value))).replace(",", "")
    if not text:
        return 0
    match = _COUNT_RE.match(text)
    if match is None:
        raise ValueError(f"必须是整数，「{clean(value)}」不是人数")
    return int(match.group(1))


# ---------------------------------------------------------------- headers


class HeaderSpec:
    """The columns an import understands.

    `synonyms`: field key -> header names; the first name is the canonical label (what the
    template writes), and earlier names win when a file has several columns for one field.
    Names are compared after normalize_header(). `records` names the rows in messages
    ("活动记录", "志愿者记录"). `instead`: required field -> a field whose column may stand in
    for it ({"building": "address"}: one 住址 column instead of 楼栋); the import reads whichever
    the file has.
    """

    def __init__(self, synonyms: Mapping[str, tuple[str, ...]], required: Sequence[str], records: str,
                 example: Mapping[str, object] | None = None, instead: Mapping[str, str] | None = None):
        self.synonyms = dict(synonyms)
        self.required = tuple(required)
        self.records = records
        self.instead = dict(instead or {})
        # The template's example (on its 填写说明 sheet; templates of older versions had it as row 2
        # of the data sheet): a row that repeats it is skipped, never imported as a record.
        self.example = {key: _example_text(value) for key, value in (example or {}).items()
                        if value is not None and _example_text(value)}
        self.index: dict[str, tuple[str, int]] = {}  # normalized name -> (key, rank)
        for key, names in self.synonyms.items():
            for rank, name in enumerate(names):
                normalized = normalize_header(name)
                other = self.index.get(normalized)
                if other is not None and other[0] != key:
                    raise ValueError(f"header {name!r} is given for both {other[0]!r} and {key!r}")
                self.index.setdefault(normalized, (key, rank))
        unknown = [key for key in (*self.required, *self.instead.values()) if key not in self.synonyms]
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
        complete = [h for h in candidates if not self.absent(h)]
        if complete:
            return max(complete, key=lambda h: (len(h.indexes), -h.row))
        nearest = max(candidates, key=lambda h: (len(h.indexes), -h.row))
        raise ValidationError([self.missing(key) for key in self.absent(nearest)])

    def absent(self, header: Header) -> list[str]:
        """The required fields the header has no column for (nor a column that stands in for it)."""
        return [key for key in self.required
                if key not in header.indexes and self.instead.get(key) not in header.indexes]

    def missing(self, key: str) -> Problem:
        names = self.synonyms[key]
        other = f"，或者用一列「{self.label(self.instead[key])}」代替" if key in self.instead else ""
        return Problem(names[0], f"表头中找不到这一列（也可写作：{'、'.join(names[1:])}{other}）。"
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


def _blank_as_none(values: Row) -> Row:
    """An empty text cell ('') as None, as calamine gives it: blank is None whichever reader read it."""
    return tuple(None if v == "" else v for v in values) if "" in values else values


def _numbered_rows(ws: Any, path: Path) -> Iterator[tuple[int, Row]]:
    """(Excel row number, cell values) of an openpyxl sheet, read once, streaming."""
    try:
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            yield number, _blank_as_none(values)
    except Exception as err:  # a damaged sheet part fails only while it is read
        log.warning("cannot read %s", path, exc_info=True)
        raise unreadable(path, err) from err


# ---------------------------------------------------------------- the fast reader (python-calamine)

OPENPYXL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")  # openpyxl refuses any other name
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_WORKBOOK = "xl/workbook.xml"
_STYLES = "xl/styles.xml"
_SHARED_STRINGS = "xl/sharedStrings.xml"

# Cell values calamine reads differently from openpyxl, found in the sheet's XML (see the module
# docstring). The patterns start with a literal so that re scans 8 MB of XML in a few ms.
# A number is plain when calamine and openpyxl read it alike: at most 15 digits before the point
# (exact in a float), no exponent, and if there is a point, a fraction that is not zero (openpyxl
# reads "30" as int, "30.0" as float; calamine gives float for both, taken back to int when whole).
_NOT_PLAIN_VALUE = rb"<v>(?!-?\d{1,15}(?:\.\d*[1-9])?</v>)"
# Plain numbers the two still read differently in a date or time cell: negative (calamine: a time
# of day), 7+ digits (past 9999-12-31: openpyxl gives #VALUE!) or just under a whole day.
_DATE_SENSITIVE_VALUE = rb"<v>(?:-|\d{7}|0\.999999)"
_FORMULA = rb"""(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?"""
_NUMBER_CELL = rb"""<c\b((?:(?!\bt\s*=\s*["'](?!n["']))[^>])*)>"""  # no t attribute, or t="n"
_DIFFERENT_CELLS = (
    (re.compile(rb"""t\s*=\s*["'](?:[ed]["']|b["'][^>]*>""" + _FORMULA + rb"<v>(?![01]</v>))"),
     "error values, ISO dates or a boolean that is not 0 or 1"),
    (re.compile(rb"_x[0-9A-Fa-f]{4}_"), "_xHHHH_ escapes (calamine decodes them, openpyxl does not)"),
)
_WHITESPACE_TO_SPACE = bytes.maketrans(b"\t\r\n", b"   ")
_ANY_NOT_PLAIN = re.compile(_NOT_PLAIN_VALUE)
# The same, only in a number cell: a formula's text result is not a number.
_NUMBER_NOT_PLAIN = re.compile(_NUMBER_CELL + _FORMULA + _NOT_PLAIN_VALUE)
_ANY_DATE_SENSITIVE = re.compile(_DATE_SENSITIVE_VALUE)
_NUMBER_DATE_SENSITIVE = re.compile(_NUMBER_CELL + _FORMULA + _DATE_SENSITIVE_VALUE)
_STYLE_ID = re.compile(rb"""\ss\s*=\s*["'](\d+)["']""")
_PROBE_ALL_STYLES = 256  # up to this many cell formats the probe tries them all, else those the cells use
_PROBE_VALUES = ("0", "0.25", "1", "2.5", "30", "60", "61", "46086", "46086.395833333336", "0.999")


class _UseOpenpyxl(Exception):
    """This file is read with openpyxl (the reason is logged)."""


def _calamine_rows(path: Path) -> tuple[int, Iterator[tuple[int, Row]], Any] | None:
    """(estimated rows, numbered rows, workbook to close) through calamine, or None when the file is
    for openpyxl: one calamine would read differently, or one openpyxl refuses (it then says why)."""
    try:
        import python_calamine
    except ImportError:  # an environment without the wheel still imports, only slower
        return None
    try:
        plan = _CalaminePlan.of(path)
        if not _probe_agrees(python_calamine, plan):
            raise _UseOpenpyxl("a cell format that calamine and openpyxl read differently")
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            sheet = workbook.get_sheet_by_name(plan.sheet_name)
            end = sheet.end
            rows = sheet.iter_rows()
        except BaseException:
            workbook.close()
            raise
    except _UseOpenpyxl as why:
        log.info("reading %s with openpyxl: %s", path.name, why)
        return None
    except Exception:  # calamine refused the file, or it vanished: openpyxl says what is wrong
        log.info("reading %s with openpyxl: calamine cannot", path.name, exc_info=True)
        return None
    return (end[0] + 1 if end else 0), ((n, _from_calamine(v)) for n, v in enumerate(rows, start=1)), workbook


def _from_calamine(values: list[Any]) -> list[Any]:
    """A calamine row with openpyxl's values: '' -> None, 30.0 -> 30 (the file says 30, see
    _NOT_PLAIN_VALUE), a date -> datetime at midnight. Times, datetimes and durations are alike."""
    for index, value in enumerate(values):
        kind = type(value)
        if kind is str:
            if not value:
                values[index] = None
        elif kind is float:
            if value.is_integer():
                values[index] = int(value)
        elif kind is date:
            values[index] = datetime(value.year, value.month, value.day)
    return values


@dataclass(frozen=True)
class _CalaminePlan:
    """What calamine needs from one pass over the package: the first worksheet's name, the epoch,
    the styles and the style ids the cells use. `of()` raises _UseOpenpyxl for any file calamine
    might read differently from openpyxl, or that openpyxl would refuse."""

    sheet_name: str
    date1904: str | None
    styles: bytes | None
    style_ids: frozenset[int]
    must_not_be_dates: frozenset[int]  # styles of cells holding date-sensitive numbers

    @classmethod
    def of(cls, path: Path) -> _CalaminePlan:
        if path.suffix.lower() not in OPENPYXL_SUFFIXES:
            raise _UseOpenpyxl(f"openpyxl refuses {path.suffix or 'a name without suffix'}")
        try:
            with zipfile.ZipFile(path) as package:
                return cls._read(package)
        except _UseOpenpyxl:
            raise
        except Exception as err:  # not a zip, a missing part, XML openpyxl's parser refuses …
            raise _UseOpenpyxl(f"{type(err).__name__}: {err}") from err

    @classmethod
    def _read(cls, package: zipfile.ZipFile) -> _CalaminePlan:
        names = set(package.namelist())
        types = ElementTree.fromstring(package.read("[Content_Types].xml"))
        workbooks = [o.get("PartName") for o in types.iter(f"{_CT_NS}Override")
                     if (o.get("ContentType") or "").endswith(".main+xml")]
        strings = [o.get("PartName") for o in types.iter(f"{_CT_NS}Override")
                   if o.get("ContentType") == _SHARED_STRINGS_TYPE]
        if workbooks != [f"/{_WORKBOOK}"] or strings not in ([], [f"/{_SHARED_STRINGS}"]):
            raise _UseOpenpyxl("not the usual package layout (content types)")
        root = _relationships(package, "_rels/.rels", "")
        if [t for kind, t in root.values() if kind.endswith("/officeDocument")] != [_WORKBOOK]:
            raise _UseOpenpyxl("not the usual package layout (root relationships)")
        book = ElementTree.fromstring(package.read(_WORKBOOK))
        rels = _relationships(package, "xl/_rels/workbook.xml.rels", "xl")
        for kind, target in rels.values():  # openpyxl reads these two parts by name, calamine by relationship
            if (kind.endswith("/styles") and target != _STYLES
                    or kind.endswith("/sharedStrings") and target != _SHARED_STRINGS):
                raise _UseOpenpyxl("not the usual package layout (workbook relationships)")
        first: tuple[str, str] | None = None
        for sheet in book.iter(f"{_MAIN_NS}sheet"):
            kind, target = rels.get(sheet.get(_R_ID) or "", ("", ""))
            if not kind.endswith(("/worksheet", "/chartsheet")) or target not in names:
                raise _UseOpenpyxl("a sheet without its part")
            if first is None and kind.endswith("/worksheet"):
                first = (sheet.get("name") or "", target)
        if first is None:
            raise _UseOpenpyxl("no worksheet")  # openpyxl says 文件里没有工作表
        # openpyxl parses every XML part it reads with a strict parser; calamine is lenient.
        for name in names:
            if name.lower().endswith((".xml", ".rels")) and name != first[1]:
                _well_formed(package.read(name))
        data = package.read(first[1])
        _well_formed(data)
        _same_cells(data)
        if _SHARED_STRINGS in names:
            _same_cells(package.read(_SHARED_STRINGS))
        workbook_pr = book.find(f"{_MAIN_NS}workbookPr")
        styles = package.read(_STYLES) if _STYLES in names else None
        sensitive = _date_sensitive_styles(data)
        return cls(sheet_name=first[0], date1904=None if workbook_pr is None else workbook_pr.get("date1904"),
                   styles=styles, style_ids=_style_ids(styles, data) | sensitive, must_not_be_dates=sensitive)


def _relationships(package: zipfile.ZipFile, name: str, base: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, part name) of a relationships part; targets resolved against `base`."""
    found = {}
    for rel in ElementTree.fromstring(package.read(name)).iter(f"{_RELS_NS}Relationship"):
        target = rel.get("Target") or ""
        part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        found[rel.get("Id") or ""] = (rel.get("Type") or "", part)
    return found


def _well_formed(data: bytes) -> None:
    expat.ParserCreate().Parse(data, True)  # raises ExpatError as openpyxl's parser would


def _same_cells(data: bytes) -> None:
    """Raise _UseOpenpyxl if this sheet (or shared-strings) XML holds cells calamine reads differently."""
    if b"<sheetData" not in data and b"<sst" not in data:
        raise _UseOpenpyxl("XML with namespace prefixes")
    if b"<![CDATA[" in data:
        raise _UseOpenpyxl("CDATA sections")
    for pattern, what in _DIFFERENT_CELLS:
        if pattern.search(data):
            raise _UseOpenpyxl(what)
    spaced = data.translate(_WHITESPACE_TO_SPACE)
    if b"<t> " in spaced:
        raise _UseOpenpyxl("text with leading spaces not marked xml:space")
    at = spaced.find(b" </t>")
    while at >= 0:  # text never holds '<': the element's start tag is the last '<' before
        if spaced.startswith(b"<t>", spaced.rfind(b"<", 0, at)):
            raise _UseOpenpyxl("text with trailing spaces not marked xml:space")
        at = spaced.find(b" </t>", at + 5)
    if _ANY_NOT_PLAIN.search(data) and _NUMBER_NOT_PLAIN.search(data):
        raise _UseOpenpyxl("numbers calamine reads differently (30.0, 1E+17, 16+ digits, not a number)")


def _date_sensitive_styles(sheet: bytes) -> frozenset[int]:
    """Styles of the number cells holding a negative number, 7+ digits or 0.999999…: read alike
    unless the style makes them dates or times (checked by the probe)."""
    if not _ANY_DATE_SENSITIVE.search(sheet):
        return frozenset()
    styles = set()
    for attributes in _NUMBER_DATE_SENSITIVE.findall(sheet):
        found = _STYLE_ID.search(b" " + attributes)
        styles.add(int(found.group(1)) if found else 0)
    return frozenset(styles)


def _style_ids(styles: bytes | None, sheet: bytes) -> frozenset[int]:
    """The cell formats (cellXfs indexes) to probe: all of them, or those the sheet's cells use."""
    if styles is None:
        return frozenset({0})
    formats = ElementTree.fromstring(styles).find(f"{_MAIN_NS}cellXfs")
    count = 0 if formats is None else len(formats)
    if count <= _PROBE_ALL_STYLES:
        return frozenset(range(max(count, 1)))
    return frozenset(int(s) for s in set(_STYLE_ID.findall(sheet))) | {0}


def _probe_agrees(calamine: Any, plan: _CalaminePlan) -> bool:
    """Read the file's own styles through both readers: a probe workbook with, for every style the
    cells use, one row of typical values (times, dates, the 1900 leap day, whole and other numbers).
    True if calamine, converted by _from_calamine, gives exactly openpyxl's values."""
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{get_column_letter(c)}{r}" s="{style}"><v>{value}</v></c>'
                                   for c, value in enumerate(_PROBE_VALUES, start=1)) + "</row>"
        for r, style in enumerate(sorted(plan.style_ids | {0}), start=1))  # row r: the r-th style
    probe = _probe_package(rows, plan.styles, plan.date1904)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about what the probe leaves out (theme …)
        book = load_workbook(io.BytesIO(probe), read_only=True, data_only=True)
        try:
            expected = [_blank_as_none(tuple(row)) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    styles = sorted(plan.style_ids | {0})
    for style, row in zip(styles, expected, strict=False):  # "1" in a date, time or duration format
        if style in plan.must_not_be_dates and type(row[_PROBE_VALUES.index("1")]) is not int:
            return False
    fast = calamine.CalamineWorkbook.from_filelike(io.BytesIO(probe))
    try:
        got = [tuple(_from_calamine(row)) for row in fast.get_sheet_by_index(0).iter_rows()]
    finally:
        fast.close()
    return same_values(got, expected)


def same_values(rows: Sequence[Sequence[object]], others: Sequence[Sequence[object]]) -> bool:
    """Row by row, the same values of the same types (1 is not 1.0, a date is not a datetime);
    blank cells at the end of a row do not count (calamine pads rows to the sheet's width)."""
    def trimmed(row: Sequence[object]) -> list[tuple[type, object]]:
        cells = [(type(v), v) for v in row]
        while cells and cells[-1][1] is None:
            cells.pop()
        return cells

    return len(rows) == len(others) and all(trimmed(a) == trimmed(b) for a, b in zip(rows, others, strict=True))


def _probe_package(rows: str, styles: bytes | None, date1904: str | None) -> bytes:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pr = "" if date1904 is None else f"<workbookPr date1904={quoteattr(date1904)}/>"
    style_type = ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.styles+xml"/>') if styles is not None else ""
    style_rel = f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>' if styles is not None else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/'
            'xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            f'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{style_type}</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">{pr}<sheets>'
            '<sheet name="probe" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            f'Target="worksheets/sheet1.xml"/>{style_rel}</Relationships>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{rows}</sheetData>'
            '</worksheet>'),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text.encode("utf-8"))
        if styles is not None:
            package.writestr(_STYLES, styles)
    return buffer.getvalue()


# ---------------------------------------------------------------- the sheet


class Sheet:
    """The first sheet of an opened workbook with its header found; data rows are streamed once."""

    def __init__(self, rows: Iterator[tuple[int, Row]], estimated: int, spec: HeaderSpec):
        self.spec = spec
        self.estimated = estimated  # rows of the sheet as the file gives them; may be wrong or missing
        self._rows = rows
        self._head = list(islice(self._rows, HEADER_SEARCH_ROWS))
        self.header = spec.find(self._head)
        self.read = 0  # non-blank data rows yielded
        self.scanned = 0  # data rows looked at, blank ones included
        self.examples: list[int] = []  # Excel row numbers of the template's example, skipped

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
                if self._is_example(cells):
                    self.examples.append(number)
                    continue
                self.read += 1
                yield number, cells

    def _is_example(self, cells: Mapping[str, object]) -> bool:
        example = self.spec.example
        return bool(example) and all(_example_text(cells.get(key)) == text for key, text in example.items())

    def require_records(self) -> None:
        if self.read == 0:
            skipped = f"（第 {self.examples[0]} 行是模板的示例，已跳过）" if self.examples else ""
            raise ValidationError.single(FILE_FIELD, f"第 {self.header.row} 行的表头下面没有{self.spec.records}{skipped}。"
                                         "请在表头下面逐行填写后再导入。")


def read_rows(path: str | Path, reader: str = "auto") -> list[tuple[int, Row]]:
    """(Excel row number, values) of every row of the first sheet as an import reads them, for tests
    and benchmarks comparing the readers: `reader` 'auto' (as open_sheet), 'calamine' (ValueError
    if the file is one for openpyxl) or 'openpyxl'."""
    with _numbered_sheet(Path(path), reader) as (_estimated, rows):
        return [(number, tuple(values)) for number, values in rows]


def _refuse_bombs(path: Path) -> None:
    """ValidationError if the package declares more than MAX_UNPACKED_MB unpacked."""
    try:
        with zipfile.ZipFile(path) as package:
            declared = sum(info.file_size for info in package.infolist())
    except Exception:  # not a zip, or gone: the readers say why in their own words
        return
    if declared > MAX_UNPACKED_MB << 20:
        raise ValidationError.single(FILE_FIELD, f"「{path.name}」解压后有 {declared / (1 << 20):,.0f} MB，超过了导入的上限"
                                                 f" {MAX_UNPACKED_MB} MB，可能已损坏或不是正常的表格。请在 Excel 或 WPS 中打开，"
                                                 "另存为 .xlsx 后再导入；数据确实这么多时，请分成几个文件导入。")


@contextmanager
def _numbered_sheet(path: Path, reader: str = "auto") -> Iterator[tuple[int, Iterator[tuple[int, Row]]]]:
    """(estimated rows, numbered rows) of the first sheet: through calamine when it reads the file
    exactly as openpyxl does, through openpyxl otherwise; ValidationError if it cannot be read."""
    _refuse_bombs(path)
    fast = _calamine_rows(path) if reader != "openpyxl" else None
    if fast is not None:
        estimated, rows, workbook = fast
        try:
            yield estimated, rows
        finally:
            workbook.close()
        return
    if reader == "calamine":
        raise ValueError(f"{path.name} is read with openpyxl (see the log for why)")
    workbook = open_workbook(path)
    try:
        if not workbook.worksheets:
            raise ValidationError.single(FILE_FIELD, "文件里没有工作表。")
        ws = workbook.worksheets[0]
        estimated = ws.max_row or 0  # from the file's own dimension record; may be wrong or missing
        ws.reset_dimensions()  # so a wrong record cannot cut the sheet short
        yield estimated, _numbered_rows(ws, path)
    finally:
        workbook.close()


@contextmanager
def open_sheet(path: str | Path, spec: HeaderSpec) -> Iterator[Sheet]:
    """The first sheet of the .xlsx at `path`, header found; the workbook is closed on exit."""
    with _numbered_sheet(Path(path)) as (estimated, rows):
        yield Sheet(rows, estimated, spec)


# ---------------------------------------------------------------- templates

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
TEMPLATE_ROWS = 1000  # drop-down lists cover this many rows


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    width: float = 12
    example: object = None  # shown on the 填写说明 sheet, never on the data sheet
    number_format: str | None = None  # of the column's cells; TEXT_FORMAT keeps what is typed as text
    wrap: bool = False
    required: bool = False
    hint: str = ""  # how to fill it in (填写说明)


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


INSTRUCTIONS_SHEET = "填写说明"


def _example_text(value: object) -> str:
    """A cell or example value compared as the import reads it (dates as 2026-03-05 09:00)."""
    return no_spaces(cell_text(value))


def template_workbook(title: str, columns: Sequence[TemplateColumn], lists: Sequence[ListSheet] = ()) -> Workbook:
    """The data sheet (row 1 the headers, bold and shaded, then empty rows with the columns'
    formats and widths, header frozen), the 填写说明 sheet (each column: 必填, how to fill it in,
    an example — kept apart so that importing the template unchanged imports nothing), then the lists."""
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
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.number_format:  # so what is typed later (an ID number, a date) keeps its form
            dimension.number_format = column.number_format
        if column.wrap:
            dimension.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), title, columns)
    for spec in lists:
        _write_list_sheet(workbook.create_sheet(spec.title), spec)
    return workbook


def _write_instructions(sheet: Any, title: str, columns: Sequence[TemplateColumn]) -> None:
    bold = Font(bold=True)
    sheet.cell(row=1, column=1, value=f"在「{title}」表的表头下面逐行填写，一行一条记录；标「必填」的列必须填写。"
                                      "本表只是说明和示例，导入时不读。").font = bold
    for number, heading in enumerate(("列名", "是否必填", "怎么填", "示例"), start=1):
        sheet.cell(row=3, column=number, value=heading).font = bold
    wrap = Alignment(vertical="top", wrap_text=True)
    for row, column in enumerate(columns, start=4):
        example = column.example
        if isinstance(example, datetime):
            example = example.strftime("%Y-%m-%d %H:%M") if example.time() != time() else example.strftime("%Y-%m-%d")
        elif isinstance(example, date):
            example = example.isoformat()
        values = (column.header, "必填" if column.required else "", column.hint, example)
        for number, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=number, value=None if value is None else str(value))
            cell.alignment = wrap
            cell.number_format = TEXT_FORMAT
    for letter, width in zip("ABCD", (16, 10, 44, 40), strict=True):
        sheet.column_dimensions[letter].width = width


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
    examples_skipped: list[int] = field(default_factory=list)  # rows that were the template's example

    @property
    def notes(self) -> list[str]:
        """What the preview should say besides the count (the example row that was left out)."""
        if not self.examples_skipped:
            return []
        rows = "、".join(f"第 {n} 行" for n in self.examples_skipped[:5])
        return [f"{rows}与模板的示例相同，是示例而不是记录，已跳过。"]
