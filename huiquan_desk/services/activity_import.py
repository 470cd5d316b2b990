"""Import an activity ledger (.xlsx) that a committee already keeps, and write its template.

The whole file is parsed and validated first; any problem raises one ValidationError listing
every problem of every row, and nothing is written. A valid file is inserted with one Core
executemany. Nothing is committed here: the caller owns the transaction, so a preview is the
same call inside `Workspace.preview()`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from huiquan_desk.domain.activity import (
    FIELD_LABELS,
    STATUS_LABELS,
    ActivityDraft,
    ActivityStatus,
    validate_activity,
)
from huiquan_desk.domain.dates import parse_datetime
from huiquan_desk.domain.errors import Problem, Progress, ValidationError
from huiquan_desk.domain.text import clean, halfwidth
from huiquan_desk.paths import bundled
from huiquan_desk.services.categories import CategoryNode, list_categories, resolve_category
from huiquan_desk.services.excel_import import (
    DATETIME_FORMAT,
    HeaderSpec,
    ImportReport,
    ListSheet,
    TemplateColumn,
    add_choice,
    cell_text,
    count_cell,
    has_content,
    no_spaces,
    open_sheet,
    save_workbook,
    template_workbook,
)
from huiquan_desk.storage import audit
from huiquan_desk.storage.models import Activity

# Every header the import understands, per field; the first name is the canonical label
# (domain.activity.FIELD_LABELS) and is what the template writes. Earlier names win when a
# file has several columns for one field. Names are compared after excel_import.normalize_header().
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
TEMPLATE_SHEET = "活动"
CATEGORY_SHEET = "类别"

# "2026-03-05 09:00–11:30" (what the activity ledger prints) and "… 9:00~11:30", "… 至 …".
_SPAN_SPLIT_RE = re.compile(r"\s*(?:[–—~～至到]|--)\s*")
_TIME_RANGE_RE = re.compile(r"^(.*\d{1,2}[:：]\d{2})\s*-\s*(\d{1,2}[:：]\d{2})$")
_TIME_ONLY_RE = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")




# ---------------------------------------------------------------- cells


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
    categories: _Categories
    now: datetime
    problems: list[Problem] = field(default_factory=list)

    def read(self, number: int, cells: dict[str, object]) -> dict[str, object] | None:
        """A row ready for insert, or None after adding its problems to self.problems."""
        problems: list[Problem] = []

        def bad(key: str, message: str) -> None:
            problems.append(Problem(FIELD_LABELS[key], message, number))

        draft = ActivityDraft(
            title=cell_text(cells.get("title")), place=cell_text(cells.get("place")),
            organizer=cell_text(cells.get("organizer")), leader=cell_text(cells.get("leader")),
            content=cell_text(cells.get("content")), remarks=cell_text(cells.get("remarks")),
        )
        category = self.categories.resolve(cell_text(cells.get("category")))
        if isinstance(category, int):
            draft.category_id = category
        else:
            bad("category", category)
        self._read_times(draft, cells, bad)
        try:
            draft.participants = count_cell(cells.get("participants"))
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
            if draft.start is not None and has_content([end_cell]):
                draft.end = _same_day_end(draft.start, parse_datetime(end_cell))
            elif draft.start is not None and span_end is not None:
                draft.end = _span_end(draft.start, span_end)
        except ValueError as err:
            bad("end", str(err))

    def _read_status(self, draft: ActivityDraft, cells: dict[str, object], bad: Callable[[str, str], None]) -> None:
        text = no_spaces(cell_text(cells.get("status")))
        if text:
            try:
                draft.status = ActivityStatus.from_label(text)
            except ValueError as err:
                bad("status", f"「{text}」无法识别：{err}")
            if draft.status is ActivityStatus.ARCHIVED:
                bad("status", "导入时不能直接设为「已归档」：归档要按档案整理规则办理，请改为「已开展」")
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
    with open_sheet(path, SPEC) as sheet:
        reader = _RowReader(_Categories(list_categories(session)), datetime.now().replace(microsecond=0))
        numbered = [(number, row) for number, cells in sheet.records(progress)
                    if (row := reader.read(number, cells)) is not None]
        problems = reader.problems + _duplicates(session, numbered)
        if problems:
            raise ValidationError(sorted(problems, key=lambda p: p.row or 0))
        rows = [row for _number, row in numbered]
        sheet.require_records()
    if rows:  # never empty here (require_records() refuses a sheet without records), but an empty
        session.execute(insert(cast(Table, Activity.__table__)), rows)  # executemany would insert one blank row
        # One entry in the audit trail for the whole file (a Core insert is not seen by the ORM hook).
        audit.record(session, "import", "activities", f"导入 {len(rows)} 项活动（{Path(path).name}）",
                     details={"文件": str(path), "条数": len(rows)})
    if progress is not None:
        progress(sheet.total, sheet.total)
    return ImportReport(rows_read=len(rows), created=len(rows), header_row=sheet.header.row,
                        examples_skipped=sheet.examples,
                        columns=sheet.header.texts)


def _duplicates(session: Session, numbered: list[tuple[int, dict[str, object]]]) -> list[Problem]:
    """The same title at the same start time, already in the ledger or twice in the file: most
    likely the file (or part of it) was imported before."""
    if not numbered:
        return []
    starts = [cast(datetime, row["start_at"]) for _n, row in numbered]
    existing = set(session.execute(select(Activity.title, Activity.start_at)
                                   .where(Activity.start_at.between(min(starts), max(starts)))).all())
    seen: dict[tuple[object, object], int] = {}
    problems = []
    for number, row in numbered:
        key = (row["title"], row["start_at"])
        if key in existing:
            problems.append(Problem(FIELD_LABELS["title"], "台账中已有同名、同一开始时间的活动，可能已经导入过", number))
        elif key in seen:
            problems.append(Problem(FIELD_LABELS["title"], f"与第 {seen[key]} 行重复（同名、同一开始时间）", number))
        seen.setdefault(key, number)
    return problems


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


# A row repeating the template's example is skipped (templates of earlier versions had it as row 2).
SPEC = HeaderSpec(HEADER_SYNONYMS, REQUIRED_FIELDS, "活动记录",
                  {key: TEMPLATE_EXAMPLE[key] for key in ("title", "start", "place", "remarks")})
TEMPLATE_HINTS = {
    "title": "活动的名称", "category": "见「类别」表，可写完整路径（社会环境/传统节日）或最后一级名称",
    "start": "如 2026-03-05 09:00，也可写 2026/3/5、2026年3月5日", "end": "可不填（与开始时间相同）",
    "place": "", "organizer": "", "leader": "", "participants": "数字，没有可填 0",
    "content": "", "remarks": "", "status": "已开展 / 计划中；不填时按开始时间判断",
}


def default_category_paths() -> list[str]:
    """Every category path of the bundled default tree (db/seed/categories.json)."""
    seed = json.loads((bundled("db") / "seed" / "categories.json").read_text(encoding="utf-8"))
    paths: list[str] = []
    for node in seed["categories"]:
        paths.append(node["name"])
        paths += [f"{node['name']}/{child}" for child in node.get("children", [])]
    return paths


def save_template(path: str | Path, category_paths: list[str] | None = None) -> Path:
    """Write an import template: the canonical headers, a 填写说明 sheet (how to fill each column,
    with an example that is never imported), and a sheet of categories (the community's own, when
    given; the default tree otherwise)."""
    keys = list(HEADER_SYNONYMS)
    columns = [TemplateColumn(SPEC.label(key), TEMPLATE_WIDTHS.get(key, 12), TEMPLATE_EXAMPLE.get(key),
                              DATETIME_FORMAT if key in ("start", "end") else None,
                              wrap=key in ("content", "remarks"), required=key in REQUIRED_FIELDS,
                              hint=TEMPLATE_HINTS.get(key, ""))
               for key in keys]
    categories = ListSheet(CATEGORY_SHEET, ["类别（填入「活动类别」列，可写完整路径或最后一级名称）"],
                           [category_paths or default_category_paths()], widths=[48])
    workbook = template_workbook(TEMPLATE_SHEET, columns, [categories])
    _add_validations(workbook[TEMPLATE_SHEET], keys, categories)
    return save_workbook(workbook, path)


def _add_validations(sheet: Any, keys: list[str], categories: ListSheet) -> None:
    """Drop-down lists for 活动类别 (a warning only: the user may have added categories) and 状态."""
    add_choice(sheet, keys.index("category") + 1, categories.range(), title="类别",
               error="不在默认类别中；如是新增的类别请确认软件中已添加。", warning=True)
    add_choice(sheet, keys.index("status") + 1, list(STATUS_LABELS.values()), title="状态",
               error=f"只能填 {'、'.join(STATUS_LABELS.values())}，或留空。")
