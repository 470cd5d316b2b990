"""Import an activity ledger (.xlsx) that a committee already keeps, and write its template.

The whole file is parsed and validated first; any problem raises one ValidationError listing
every problem of every row, and nothing is written. A valid file is inserted with one Core
executemany. Nothing is committed here: the caller owns the transaction, so a preview is the
same call inside `Workspace.preview()`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from itertools import islice
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import insert
from sqlalchemy.orm import Session

from huiquan_desk.domain.activity import (
    FIELD_LABELS,
    STATUS_LABELS,
    ActivityDraft,
    ActivityStatus,
    validate_activity,
)
from huiquan_desk.domain.dates import parse_datetime
from huiquan_desk.domain.errors import Problem, ValidationError
from huiquan_desk.domain.text import clean, halfwidth
from huiquan_desk.exports.ledger import Progress, atomic_output
from huiquan_desk.paths import bundled
from huiquan_desk.services.categories import CategoryNode, list_categories, resolve_category
from huiquan_desk.storage.models import Activity

log = logging.getLogger(__name__)

# Every header the import understands, per field; the first name is the canonical label
# (domain.activity.FIELD_LABELS) and is what the template writes. Earlier names win when a
# file has several columns for one field. Names are compared after _normalize_header().
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (FIELD_LABELS["title"], "标题", "名称", "活动主题", "主题"),
    "category": (FIELD_LABELS["category"], "类别", "活动类型", "类型", "分类", "活动分类"),
    "start": (FIELD_LABELS["start"], "开始日期", "活动开始时间", "活动时间", "活动日期", "开展时间",
              "开展日期", "日期", "时间"),
    "end": (FIELD_LABELS["end"], "结束日期", "活动结束时间"),
    "place": (FIELD_LABELS["place"], "地点", "活动场所", "场所", "活动地址", "举办地点"),
    "organizer": (FIELD_LABELS["organizer"], "组织单位", "举办单位", "主办"),
    "leader": (FIELD_LABELS["leader"], "联系人", "责任人"),
    "participants": (FIELD_LABELS["participants"], "参加人数", "人数", "参与人次", "参加人次"),
    "content": (FIELD_LABELS["content"], "主要内容", "活动简介", "内容"),
    "remarks": (FIELD_LABELS["remarks"], "活动成效", "成效", "说明"),
    "status": (FIELD_LABELS["status"], "活动状态"),
}
REQUIRED_FIELDS = ("title", "start")
HEADER_SEARCH_ROWS = 10
PROGRESS_EVERY = 500
TEMPLATE_SHEET = "活动"
CATEGORY_SHEET = "类别"

_HEADER_MARK_RE = re.compile(r"(?:\*|:|\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】)$")
_WHITESPACE_RE = re.compile(r"\s+")
_COUNT_RE = re.compile(r"^([+-]?\d+)(?:\.0*)?(?:人次|人|名)?$")
# "2026-03-05 09:00–11:30" (what the activity ledger prints) and "… 9:00~11:30", "… 至 …".
_SPAN_SPLIT_RE = re.compile(r"\s*(?:[–—~～至到]|--)\s*")
_TIME_RANGE_RE = re.compile(r"^(.*\d{1,2}[:：]\d{2})\s*-\s*(\d{1,2}[:：]\d{2})$")
_TIME_ONLY_RE = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")


@dataclass
class ImportReport:
    rows_read: int  # non-blank data rows
    created: int  # activities written (0 when problems)
    header_row: int  # Excel row number of the header
    columns: dict[str, str] = field(default_factory=dict)  # field key -> header text found in the file
    problems: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------- headers


def _normalize_header(value: object) -> str:
    """'开始时间（必填）*' -> '开始时间'; spaces (full-width too) and line breaks removed."""
    text = _WHITESPACE_RE.sub("", halfwidth(clean(value)))
    text = text.lstrip("*")
    while True:
        stripped = _HEADER_MARK_RE.sub("", text)
        if stripped == text or not stripped:
            return text
        text = stripped


_HEADER_INDEX: dict[str, tuple[str, int]] = {
    _normalize_header(name): (key, rank)
    for key, names in HEADER_SYNONYMS.items()
    for rank, name in enumerate(names)
}


@dataclass(frozen=True)
class _Header:
    row: int
    indexes: dict[str, int]  # field key -> 0-based column index
    texts: dict[str, str]  # field key -> header text as written


def _match_header(row_number: int, values: Sequence[object]) -> _Header:
    best: dict[str, tuple[int, int]] = {}  # key -> (rank, column index)
    for index, value in enumerate(values):
        found = _HEADER_INDEX.get(_normalize_header(value)) if isinstance(value, str) else None
        if found is None:
            continue
        key, rank = found
        if key not in best or rank < best[key][0]:
            best[key] = (rank, index)
    indexes = {key: index for key, (_rank, index) in best.items()}
    return _Header(row_number, indexes, {key: clean(values[i]) for key, i in indexes.items()})


def _find_header(head: list[tuple[int, Sequence[object]]]) -> _Header:
    """The row (among the first ones) with the most recognised headers, including the required ones."""
    if not any(_has_content(values) for _number, values in head):
        raise ValidationError.single("文件", "第一张工作表是空的，没有找到表头和活动记录。")
    candidates = [_match_header(number, values) for number, values in head]
    complete = [h for h in candidates if all(k in h.indexes for k in REQUIRED_FIELDS)]
    if complete:
        return max(complete, key=lambda h: (len(h.indexes), -h.row))
    nearest = max(candidates, key=lambda h: (len(h.indexes), -h.row))
    raise ValidationError([_missing_header(key) for key in REQUIRED_FIELDS if key not in nearest.indexes])


def _missing_header(key: str) -> Problem:
    names = HEADER_SYNONYMS[key]
    return Problem(names[0], f"表头中找不到这一列（也可写作：{'、'.join(names[1:])}）。"
                             f"请把表头放在第一张工作表的前 {HEADER_SEARCH_ROWS} 行内。")


# ---------------------------------------------------------------- reading the file


def _has_content(values: Sequence[object]) -> bool:
    return any(v is not None and (not isinstance(v, str) or v.strip()) for v in values)


def _unreadable(path: Path, err: BaseException) -> ValidationError:
    name = path.name
    if isinstance(err, FileNotFoundError):
        return ValidationError.single("文件", f"找不到文件「{name}」，请重新选择。")
    if isinstance(err, PermissionError):
        return ValidationError.single("文件", f"文件「{name}」无法读取：没有权限或正被其他程序占用。"
                                              "请关闭 Excel/WPS 后重试。")
    if path.suffix.lower() in (".xls", ".et", ".csv"):
        return ValidationError.single("文件", f"「{name}」是 {path.suffix} 格式，无法读取。"
                                              "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入。")
    return ValidationError.single("文件", f"「{name}」无法读取，不是有效的 Excel（.xlsx）文件或文件已损坏。"
                                          "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入。")


def _numbered_rows(ws: Any, path: Path) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(Excel row number, cell values) of the sheet, read once, streaming."""
    try:
        yield from enumerate(ws.iter_rows(values_only=True), start=1)
    except Exception as err:  # a damaged sheet part fails only while it is read
        log.warning("cannot read %s", path, exc_info=True)
        raise _unreadable(path, err) from err


# ---------------------------------------------------------------- cells


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != time() else value.strftime("%Y-%m-%d")
    return clean(value)


def _count(value: object) -> int:
    """参与人数: 30, 30.0, '30', '30人', '３０'; blank -> 0. Raises ValueError (Chinese)."""
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
    text = _WHITESPACE_RE.sub("", halfwidth(clean(value))).replace(",", "")
    if not text:
        return 0
    match = _COUNT_RE.match(text)
    if match is None:
        raise ValueError(f"必须是整数，「{clean(value)}」不是人数")
    return int(match.group(1))


def _split_span(value: object) -> tuple[object, object]:
    """'2026-03-05 09:00–11:30' -> ('2026-03-05 09:00', '11:30'); other values -> (value, None)."""
    if not isinstance(value, str):
        return value, None
    text = halfwidth(clean(value))
    ranged = _TIME_RANGE_RE.match(text)
    if ranged:
        return ranged.group(1), ranged.group(2)
    parts = _SPAN_SPLIT_RE.split(text, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 and parts[0] and parts[1] else (value, None)


def _span_end(start: datetime, text: object) -> datetime | None:
    """The end of a span: a full date/time, or a bare time on the start's day."""
    only_time = _TIME_ONLY_RE.match(clean(text).replace("：", ":"))
    if only_time:
        hour, minute, second = (int(p) if p else 0 for p in only_time.groups())
        try:
            return start.replace(hour=hour, minute=minute, second=second)
        except ValueError:
            raise ValueError(f"时间「{clean(text)}」不存在") from None
    return parse_datetime(text)


def _same_day_end(start: datetime | None, end: datetime | None) -> datetime | None:
    """An end written as the start's date without a time means 'the same day', not midnight."""
    if start is not None and end is not None and end.time() == time() and end.date() == start.date():
        return max(start, end)
    return end


# ---------------------------------------------------------------- rows


class _Categories:
    """Category cell text -> id, resolved once per distinct text (no per-row queries)."""

    def __init__(self, nodes: list[CategoryNode]):
        self.nodes = nodes
        self.cache: dict[str, int | str] = {}  # text -> id, or why it cannot be used

    def resolve(self, text: str) -> int | str:
        if text not in self.cache:
            self.cache[text] = self._lookup(text)
        return self.cache[text]

    def _lookup(self, text: str) -> int | str:
        if not text:
            return "必须填写（写完整路径如 社会环境/传统节日，或类别名称）"
        node = resolve_category(self.nodes, text)
        if node is not None:
            return node.id
        same_name = [n.path for n in self.nodes if n.name == text]
        if len(same_name) > 1:
            return f"「{text}」有多个同名类别，请写完整路径：{'、'.join(same_name)}"
        return f"找不到类别「{text}」，请先在「类别」中添加，或改成已有的类别（如 社会环境/传统节日）"


@dataclass
class _RowReader:
    header: _Header
    categories: _Categories
    now: datetime
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cells = list(self.header.indexes.items())

    def values(self, row: Sequence[object]) -> dict[str, object] | None:
        """Cells of the recognised columns, or None for a row that is blank in all of them."""
        size = len(row)
        found = {key: row[index] if index < size else None for key, index in self.cells}
        return found if _has_content(list(found.values())) else None

    def read(self, number: int, cells: dict[str, object]) -> dict[str, object] | None:
        """A row ready for insert, or None after adding its problems to self.problems."""
        problems: list[Problem] = []

        def bad(key: str, message: str) -> None:
            problems.append(Problem(FIELD_LABELS[key], message, number))

        draft = ActivityDraft(
            title=_text(cells.get("title")), place=_text(cells.get("place")),
            organizer=_text(cells.get("organizer")), leader=_text(cells.get("leader")),
            content=_text(cells.get("content")), remarks=_text(cells.get("remarks")),
        )
        category = self.categories.resolve(_text(cells.get("category")))
        if isinstance(category, int):
            draft.category_id = category
        else:
            bad("category", category)
        self._read_times(draft, cells, bad)
        try:
            draft.participants = _count(cells.get("participants"))
        except ValueError as err:
            bad("participants", str(err))
        self._read_status(draft, cells, bad)

        draft = draft.normalized()
        reported = {p.field for p in problems}
        problems += [p for p in validate_activity(draft, row=number) if p.field not in reported]
        if problems:
            self.problems += problems
            return None
        return self._insert_values(draft)

    def _read_times(self, draft: ActivityDraft, cells: dict[str, object], bad: Callable[[str, str], None]) -> None:
        start_cell, span_end = _split_span(cells.get("start"))
        try:
            draft.start = parse_datetime(start_cell)
        except ValueError as err:
            bad("start", str(err))
            return
        try:
            end_cell = cells.get("end")
            if draft.start is not None and _has_content([end_cell]):
                draft.end = _same_day_end(draft.start, parse_datetime(end_cell))
            elif draft.start is not None and span_end is not None:
                draft.end = _span_end(draft.start, span_end)
        except ValueError as err:
            bad("end", str(err))

    def _read_status(self, draft: ActivityDraft, cells: dict[str, object], bad: Callable[[str, str], None]) -> None:
        text = _WHITESPACE_RE.sub("", _text(cells.get("status")))
        if text:
            try:
                draft.status = ActivityStatus.from_label(text)
            except ValueError as err:
                bad("status", f"「{text}」无法识别：{err}")
        elif draft.start is not None and draft.start > self.now:
            draft.status = ActivityStatus.PLANNED
        else:
            draft.status = ActivityStatus.DONE

    def _insert_values(self, draft: ActivityDraft) -> dict[str, object]:
        return {
            "title": draft.title, "category_id": draft.category_id, "start_at": draft.start,
            "end_at": draft.end, "place": draft.place, "organizer": draft.organizer,
            "leader": draft.leader, "participants": draft.participants, "content": draft.content,
            "remarks": draft.remarks, "status": draft.status.value,
            "created_at": self.now, "updated_at": self.now,
        }


# ---------------------------------------------------------------- import


def import_activities(session: Session, path: str | Path, progress: Progress | None = None) -> ImportReport:
    """Import every activity of the first sheet of `path`, or raise ValidationError and write nothing.

    `progress(done, total)` is called every 500 rows and may raise Cancelled. Never commits.
    """
    path = Path(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:
        log.warning("cannot open %s", path, exc_info=True)
        raise _unreadable(path, err) from err
    try:
        rows, header, scanned = _parse(session, workbook, path, progress)
    finally:
        workbook.close()
    if rows:  # never empty here (_parse refuses a sheet without records), but an empty
        session.execute(insert(Activity.__table__), rows)  # executemany would insert one blank row
    if progress is not None:
        progress(scanned, scanned)
    return ImportReport(rows_read=len(rows), created=len(rows), header_row=header.row,
                        columns=header.texts, problems=[])


def _parse(session: Session, workbook: Any, path: Path,
           progress: Progress | None) -> tuple[list[dict[str, object]], _Header, int]:
    """Rows ready for insert, the header found and how many sheet rows were scanned."""
    if not workbook.worksheets:
        raise ValidationError.single("文件", "文件里没有工作表。")
    sheet = workbook.worksheets[0]
    estimated = sheet.max_row or 0  # from the file's own dimension record; may be wrong or missing
    sheet.reset_dimensions()  # so a wrong record cannot cut the sheet short
    numbered = _numbered_rows(sheet, path)
    head = list(islice(numbered, HEADER_SEARCH_ROWS))
    header = _find_header(head)
    reader = _RowReader(header, _Categories(list_categories(session)), datetime.now().replace(microsecond=0))
    total = max(estimated - header.row, 0)
    out: list[dict[str, object]] = []
    read = scanned = 0
    for number, values in _chain_rows(head, numbered, header.row):
        scanned += 1
        if progress is not None and scanned % PROGRESS_EVERY == 0:
            progress(scanned, max(total, scanned))
        cells = reader.values(values)
        if cells is None:
            continue
        read += 1
        row = reader.read(number, cells)
        if row is not None:
            out.append(row)
    if reader.problems:
        raise ValidationError(reader.problems)
    if read == 0:
        raise ValidationError.single("文件", f"第 {header.row} 行的表头下面没有活动记录。")
    return out, header, max(total, scanned)


def _chain_rows(head: list[tuple[int, tuple[object, ...]]], rest: Iterator[tuple[int, tuple[object, ...]]],
                header_row: int) -> Iterator[tuple[int, tuple[object, ...]]]:
    """Data rows: the buffered first rows below the header, then the rest of the stream."""
    yield from (row for row in head if row[0] > header_row)
    yield from rest


# ---------------------------------------------------------------- template

TEMPLATE_WIDTHS = {
    "title": 26, "category": 22, "start": 18, "end": 18, "place": 18, "organizer": 18,
    "leader": 10, "participants": 10, "content": 44, "remarks": 22, "status": 10,
}
TEMPLATE_EXAMPLE: dict[str, object] = {
    "title": "重阳节敬老活动",
    "category": "社会环境/传统节日",
    "start": datetime(2026, 10, 18, 9, 0),
    "end": datetime(2026, 10, 18, 11, 30),
    "place": "社区老年活动中心",
    "organizer": "惠泉社区居委会",
    "leader": "王芳",
    "participants": 45,
    "content": "组织志愿者为辖区 80 岁以上老人送去重阳糕，开展义诊和文艺演出。",
    "remarks": "附照片 6 张、签到表 1 份",
    "status": STATUS_LABELS[ActivityStatus.DONE],
}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def default_category_paths() -> list[str]:
    """Every category path of the bundled default tree (db/seed/categories.json)."""
    seed = json.loads((bundled("db") / "seed" / "categories.json").read_text(encoding="utf-8"))
    paths: list[str] = []
    for node in seed["categories"]:
        paths.append(node["name"])
        paths += [f"{node['name']}/{child}" for child in node.get("children", [])]
    return paths


def save_template(path: str | Path) -> Path:
    """Write an import template: canonical headers, one example row, and a sheet of categories."""
    path = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    keys = list(HEADER_SYNONYMS)
    _write_template_sheet(sheet, keys)
    paths = default_category_paths()
    _write_category_sheet(workbook.create_sheet(CATEGORY_SHEET), paths)
    _add_validations(sheet, keys, len(paths))
    with atomic_output(path) as tmp:
        workbook.save(tmp)
    return path


def _write_template_sheet(sheet: Any, keys: list[str]) -> None:
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDDDDD")
    for column, key in enumerate(keys, start=1):
        head = sheet.cell(row=1, column=column, value=HEADER_SYNONYMS[key][0])
        head.font, head.fill = bold, fill
        head.alignment = Alignment(horizontal="center", vertical="center")
        cell = sheet.cell(row=2, column=column, value=TEMPLATE_EXAMPLE.get(key))
        cell.alignment = Alignment(vertical="top", wrap_text=key in ("content", "remarks"))
        if key in ("start", "end"):
            cell.number_format = DATETIME_FORMAT
        sheet.column_dimensions[get_column_letter(column)].width = TEMPLATE_WIDTHS.get(key, 12)
    sheet.freeze_panes = "A2"


def _write_category_sheet(sheet: Any, paths: list[str]) -> None:
    sheet.append(["类别（填入「活动类别」列，可写完整路径或最后一级名称）"])
    sheet["A1"].font = Font(bold=True)
    for category in paths:
        sheet.append([category])
    sheet.column_dimensions["A"].width = 48


def _add_validations(sheet: Any, keys: list[str], category_count: int) -> None:
    """Drop-down lists for 活动类别 (a warning only: the user may have added categories) and 状态."""
    last = 1000
    category = DataValidation(type="list", formula1=f"'{CATEGORY_SHEET}'!$A$2:$A${category_count + 1}",
                              allow_blank=True, errorStyle="warning", showErrorMessage=True,
                              errorTitle="类别", error="不在默认类别中；如是新增的类别请确认软件中已添加。")
    status = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS.values()) + '"',
                            allow_blank=True, showErrorMessage=True, errorTitle="状态",
                            error=f"只能填 {'、'.join(STATUS_LABELS.values())}，或留空。")
    for validation, key in ((category, "category"), (status, "status")):
        letter = get_column_letter(keys.index(key) + 1)
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)
