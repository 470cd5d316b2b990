"""The annual plan's words and rules (年度文明创建工作计划): the labels of its parts, the task
statuses, the three phases a year is divided into, how parts are numbered (一、 / （一）), when a
task is overdue, its progress from the records linked to it (a count target of the checklist's
vocabulary judged per month / quarter / year: 「3/4 个季度达标」; otherwise records done of records
linked), and the plan template's shape (db/seed/plan.json, checked by `parse_template`).
Plain Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from huiquan_desk.domain.errors import ValidationError


class TaskStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


TASK_STATUS_LABELS = {TaskStatus.PLANNED.value: "未开始", TaskStatus.IN_PROGRESS.value: "推进中",
                      TaskStatus.DONE.value: "已完成", TaskStatus.DROPPED.value: "已取消"}

# The year's three phases and their default dates as (month, day) pairs.
DEFAULT_PHASES = (("宣传发动", (1, 1), (3, 31)), ("重点推进", (4, 1), (9, 30)), ("巩固迎检", (10, 1), (12, 31)))

PLAN_LABELS = {"year": "年度", "title": "计划名称", "preamble": "指导思想"}
PHASE_LABELS = {"plan_id": "所属计划", "name": "阶段", "date_from": "开始日期", "date_to": "结束日期",
                "sort_order": "顺序"}
SECTION_LABELS = {"plan_id": "所属计划", "title": "工作板块", "intro": "说明", "sort_order": "顺序"}
TASK_LABELS = {"section_id": "所属板块", "title": "工作任务", "standard": "工作标准", "lead": "责任领导",
               "owner": "责任人", "due": "完成时限", "phase_id": "阶段", "target": "目标规则",
               "target_text": "目标", "status": "状态", "remarks": "备注", "sort_order": "顺序"}
LINK_LABELS = {"task_id": "所属任务", "activity_id": "活动", "campaign_id": "评选活动", "archive_item_id": "归档文件"}
PLAN_FIELD = "年度计划"
TEMPLATE_FIELD = "计划模板"
PHASE_FIELD = "计划阶段"
OPEN_STATUSES = (TaskStatus.PLANNED.value, TaskStatus.IN_PROGRESS.value)  # these can be overdue
# The records a task can be linked to: table -> what the plan calls it.
RECORD_KINDS = {"activities": "活动", "campaigns": "评选", "archive_items": "归档文件"}
LINK_COLUMNS = {"activities": "activity_id", "campaigns": "campaign_id", "archive_items": "archive_item_id"}
LIMITS = {"title": 200, "standard": 2000, "lead": 50, "owner": 50, "target_text": 200, "remarks": 2000,
          "intro": 2000, "preamble": 8000, "name": 50}

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (up to 99), as a plan numbers its parts."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if not tens:
        return _DIGITS[ones]
    return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"


def section_number(index: int) -> str:
    """一、 二、 … for the index-th section (1-based)."""
    return f"{chinese_number(index)}、"


def task_number(index: int) -> str:
    """（一） （二） … for the index-th task of a section (1-based)."""
    return f"（{chinese_number(index)}）"


def status_key(text: str) -> str | None:
    """The status key of a key or a label (未开始 / planned …), else None."""
    text = (text or "").strip()
    if text in TASK_STATUS_LABELS:
        return text
    return next((k for k, v in TASK_STATUS_LABELS.items() if v == text), None)


def is_overdue(due: date | None, status: str, complete: bool, today: date) -> bool:
    """A task is overdue when its 完成时限 has passed and it is neither done (by its status or by
    its progress) nor dropped."""
    return due is not None and due < today and status in OPEN_STATUSES and not complete


# --- progress ---------------------------------------------------------------------------------------
UNIT_WORDS = {"month": "个月", "quarter": "个季度"}


def year_units(per: str, year: int) -> list[tuple[date, date, str]]:
    """The months / quarters / the year of `year`: (first day, last day, name)."""
    if per == "year":
        return [(date(year, 1, 1), date(year, 12, 31), f"{year}年")]
    step = 1 if per == "month" else 3
    out = []
    for month in range(1, 13, step):
        first = date(year, month, 1)
        last = (date(year + 1, 1, 1) if month + step > 12 else date(year, month + step, 1)) - timedelta(days=1)
        out.append((first, last, f"{month}月" if step == 1 else f"第{(month - 1) // 3 + 1}季度"))
    return out


@dataclass(frozen=True)
class Progress:
    """How far a task is, from its linked records: `done` of `total` (units met of the year's units
    for a count target, records done of records linked otherwise), the units already over that
    missed their count (`behind`), and the sentence shown and printed."""

    done: int
    total: int
    text: str
    behind: int = 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total


def count_progress(per: str, n: int, year: int, days: list[date], today: date) -> Progress:
    """A count target (n a month / quarter / year) judged over the days the linked activities took
    place: the units of the year that reached n (「3/4 个季度达标」), the units over that did not."""
    units = year_units(per, year)
    met = behind = 0
    for first, last, _name in units:
        count = sum(1 for d in days if first <= d <= last)
        if count >= n:
            met += 1
        elif last < today:
            behind += 1
    if per == "year":
        count = sum(1 for d in days if d.year == year)
        text = f"已开展 {count} 次（目标 {n} 次）"
    else:
        text = f"{met}/{len(units)} {UNIT_WORDS[per]}达标"
    if behind and per != "year":
        text += f"（{behind} {UNIT_WORDS[per]}未达标）"
    elif behind:
        text += "（未达标）"
    return Progress(met, len(units), text, behind)


def records_progress(done: int, total: int) -> Progress:
    """Progress judged from the linked records alone: how many of them are done."""
    if not total:
        return Progress(0, 0, "尚未关联记录")
    return Progress(done, total, f"{done}/{total} 条记录已完成")


# --- the template -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateTask:
    title: str
    standard: str
    due: tuple[int, int]  # (month, day) in the plan's year
    phase: str
    target_text: str
    target: dict[str, Any] | None
    lead: str
    owner: str


@dataclass(frozen=True)
class TemplateSection:
    title: str
    intro: str
    tasks: tuple[TemplateTask, ...]


@dataclass(frozen=True)
class PlanTemplate:
    title: str  # with {community} and {year}
    preamble: str
    sections: tuple[TemplateSection, ...]

    def fill(self, text: str, year: int, community: str) -> str:
        return text.replace("{year}", str(year)).replace("{community}", community)


def _template_text(data: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError.single(TEMPLATE_FIELD, f"{where}缺少「{key}」")
    limit = LIMITS.get(key, 200)
    if len(value) > limit:
        raise ValidationError.single(TEMPLATE_FIELD, f"{where}的「{key}」超过 {limit} 个字")
    return value.strip()


def _month_day(text: object, where: str) -> tuple[int, int]:
    try:
        month, day = (int(p) for p in str(text).split("-"))
        date(2000, month, day)  # a leap year: 02-29 is allowed and moves to 02-28 in other years
    except ValueError:
        raise ValidationError.single(TEMPLATE_FIELD, f"{where}的 due 应为「月-日」，如 12-31") from None
    return month, day


def on_day(year: int, month_day: tuple[int, int]) -> date:
    month, day = month_day
    try:
        return date(year, month, day)
    except ValueError:  # 02-29 in a common year
        return date(year, month, day - 1)


def parse_template(data: object) -> PlanTemplate:
    """The plan template (db/seed/plan.json) checked: sections with tasks, each task's due as
    「月-日」, its phase one of DEFAULT_PHASES, its target a JSON object or null."""
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not data["sections"]:
        raise ValidationError.single(TEMPLATE_FIELD, "模板应含有 sections（工作板块）列表")
    phases = {name for name, _start, _end in DEFAULT_PHASES}
    sections = []
    for s_index, raw in enumerate(data["sections"], start=1):
        where = f"第 {s_index} 个板块"
        if not isinstance(raw, dict) or not isinstance(raw.get("tasks"), list):
            raise ValidationError.single(TEMPLATE_FIELD, f"{where}应含有 tasks（工作任务）列表")
        tasks = []
        for t_index, task in enumerate(raw["tasks"], start=1):
            at = f"{where}第 {t_index} 项任务"
            if not isinstance(task, dict):
                raise ValidationError.single(TEMPLATE_FIELD, f"{at}应为一个对象")
            phase = _template_text(task, "phase", at)
            if phase not in phases:
                raise ValidationError.single(TEMPLATE_FIELD, f"{at}的阶段「{phase}」应为{'、'.join(sorted(phases))}之一")
            target = task.get("target")
            if target is not None and not isinstance(target, dict):
                raise ValidationError.single(TEMPLATE_FIELD, f"{at}的 target 应为规则对象或 null")
            tasks.append(TemplateTask(_template_text(task, "title", at), _template_text(task, "standard", at, False),
                                      _month_day(task.get("due"), at), phase,
                                      _template_text(task, "target_text", at, False), target,
                                      _template_text(task, "lead", at, False), _template_text(task, "owner", at, False)))
        sections.append(TemplateSection(_template_text(raw, "title", where), _template_text(raw, "intro", where, False),
                                        tuple(tasks)))
    return PlanTemplate(_template_text(data, "title", "模板"), _template_text(data, "preamble", "模板", False),
                        tuple(sections))
