"""The annual plan (年度文明创建工作计划): one plan a year, made from the template (db/seed/plan.json:
the 惠泉社区 plan's five sections and their tasks) and then edited: its title and preamble, its
phases (dates inside the year, one after another), its sections and tasks (added, edited,
removed, moved up and down; every field checked with a Chinese message naming it), and the
records counted towards each task (activities, campaigns, archive items).

A task's progress comes from its linked records (domain.plan): with a count target
(category_count of the checklist's vocabulary) the linked activities that took place (已开展 /
已归档) are counted per month / quarter / year of the plan's year up to today; otherwise the
records done of those linked (an activity held, a campaign commended, an archive item filed).
`task_list` gives the year's tasks with progress and overdue (完成时限 passed, not done).

The links themselves are services.plan_links. Reading and editing return dataclasses; nothing here
commits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import assessment as checklist
from huiquan_desk.domain import plan as rules
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.text import clean, text_problems
from huiquan_desk.paths import bundled
from huiquan_desk.services.categories import list_categories, resolve_category
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.services.plan_links import LinkRow, link_rows
from huiquan_desk.storage.models import (
    Plan,
    PlanPhase,
    PlanSection,
    PlanTask,
    PlanTaskLink,
)

T = rules.TASK_LABELS


# --- what is handed out ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PhaseRow:
    id: int
    name: str
    date_from: date
    date_to: date
    sort_order: int


@dataclass(frozen=True)
class TaskRow:
    id: int
    section_id: int
    section_title: str  # with its number: 一、提升社区居民文明素质…
    number: str  # （一）
    title: str
    standard: str
    lead: str
    owner: str
    due: date | None
    phase_id: int | None
    phase_name: str
    target: str  # rule JSON or ''
    target_text: str
    status: str
    remarks: str
    sort_order: int
    links: int
    progress: rules.Progress
    overdue: bool

    @property
    def status_label(self) -> str:
        return rules.TASK_STATUS_LABELS.get(self.status, self.status)

    def state_text(self, today: date) -> str:
        """推进中；3/4 个季度达标；已逾期 5 天 — what the 责任分解表 prints in 进度/状态."""
        parts = [self.status_label, self.progress.text]
        if self.overdue and self.due is not None:
            parts.append(f"已逾期 {(today - self.due).days} 天")
        return "；".join(parts)


@dataclass(frozen=True)
class SectionRow:
    id: int
    number: str  # 一、
    title: str
    intro: str
    sort_order: int
    tasks: list[TaskRow] = field(default_factory=list)


@dataclass(frozen=True)
class PlanDetail:
    id: int
    year: int
    title: str
    preamble: str
    phases: list[PhaseRow]
    sections: list[SectionRow]

    @property
    def tasks(self) -> list[TaskRow]:
        return [t for s in self.sections for t in s.tasks]


@dataclass
class TaskDraft:
    title: str
    standard: str = ""
    lead: str = ""
    owner: str = ""
    due: date | None = None
    phase_id: int | None = None
    target: str = ""  # rule JSON (category_count) or ''
    target_text: str = ""
    status: str = rules.TaskStatus.PLANNED.value
    remarks: str = ""
    section_id: int | None = None  # on edit: move the task to this section (None: stays)


# --- the template ----------------------------------------------------------------------------------
def load_template() -> rules.PlanTemplate:
    """The bundled plan template (db/seed/plan.json), checked."""
    path = bundled("db") / "seed" / "plan.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValidationError.single(rules.TEMPLATE_FIELD, f"计划模板 {path.name} 无法读取：{err}") from None
    return rules.parse_template(data)


def _get_plan(session: Session, year: int) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.year == year))


def _check_year(year: int) -> int:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError.single(rules.PLAN_LABELS["year"], "应为 4 位年份，如 2026")
    return year


def create_plan(session: Session, year: int, community: str | None = None,
                names: dict[str, str] | None = None) -> int:
    """The plan of `year` from the template: its phases, sections and tasks (the 责任 columns as the
    template's roles, or the names `names` gives for them). Refused when the year has a plan."""
    require_writer(session, "生成年度计划")
    _check_year(year)
    if _get_plan(session, year) is not None:
        raise ValidationError.single(rules.PLAN_LABELS["year"], f"{year}年度已有工作计划，不能再生成一份；"
                                     "请在「年度计划」中修改它")
    if community is None:
        from huiquan_desk.services.settings import get_profile

        community = get_profile(session).name
    template = load_template()
    names = names or {}
    plan = Plan(year=year, title=template.fill(template.title, year, community or ""),
                preamble=template.fill(template.preamble, year, community or "本社区"))
    session.add(plan)
    session.flush()
    phases = {}
    for order, (name, start, end) in enumerate(rules.DEFAULT_PHASES, start=1):
        phase = PlanPhase(plan_id=plan.id, name=name, date_from=date(year, *start), date_to=date(year, *end),
                          sort_order=order)
        session.add(phase)
        phases[name] = phase
    session.flush()
    nodes = list_categories(session)
    for s_order, raw in enumerate(template.sections, start=1):
        section = PlanSection(plan_id=plan.id, title=raw.title, intro=raw.intro, sort_order=s_order)
        session.add(section)
        session.flush()
        for t_order, t in enumerate(raw.tasks, start=1):
            target = ""
            if t.target is not None:  # a category renamed by the community: the task is judged by its links
                rule = checklist.rule_from_dict(t.target)
                if resolve_category(nodes, getattr(rule, "category", "")) is not None:
                    target = checklist.dump_rule(rule)
            session.add(PlanTask(section_id=section.id, title=t.title, standard=t.standard,
                                 lead=names.get(t.lead, t.lead), owner=names.get(t.owner, t.owner),
                                 due=rules.on_day(year, t.due), phase_id=phases[t.phase].id, target=target,
                                 target_text=t.target_text, status=rules.TaskStatus.PLANNED.value, remarks="",
                                 sort_order=t_order))
    session.flush()
    return plan.id


def plan_years(session: Session) -> list[int]:
    return list(session.scalars(select(Plan.year).order_by(Plan.year)))


def _plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("这份年度计划已不存在。")
    return plan


def update_plan(session: Session, plan_id: int, title: str, preamble: str) -> None:
    require_writer(session, "修改年度计划")
    plan = _plan(session, plan_id)
    title, preamble = clean(title), clean(preamble)
    problems = text_problems([(rules.PLAN_LABELS["title"], title, rules.LIMITS["title"]),
                              (rules.PLAN_LABELS["preamble"], preamble, rules.LIMITS["preamble"])])
    if not title:
        problems.append(Problem(rules.PLAN_LABELS["title"], "必须填写"))
    if problems:
        raise ValidationError(problems)
    plan.title, plan.preamble = title, preamble
    session.flush()


# --- phases ----------------------------------------------------------------------------------------
def _phases(session: Session, plan_id: int) -> list[PlanPhase]:
    return list(session.scalars(select(PlanPhase).where(PlanPhase.plan_id == plan_id)
                                .order_by(PlanPhase.sort_order, PlanPhase.id)))


def _check_phases(year: int, phases: Sequence[tuple[str, date | None, date | None]]) -> list[Problem]:
    """Each phase named, its dates inside the year and in order, each after the one before it."""
    P = rules.PHASE_LABELS
    problems: list[Problem] = []
    previous: tuple[str, date] | None = None
    names = [name for name, _f, _t in phases]
    for row, (name, start, end) in enumerate(phases, start=1):
        problems += text_problems([(P["name"], name, rules.LIMITS["name"])], row)
        if not name:
            problems.append(Problem(P["name"], "必须填写", row))
        elif names.count(name) > 1:
            problems.append(Problem(P["name"], f"「{name}」重复了", row))
        for label, day in ((P["date_from"], start), (P["date_to"], end)):
            if day is None:
                problems.append(Problem(label, "必须填写", row))
            elif day.year != year:
                problems.append(Problem(label, f"应在 {year} 年内", row))
        if start and end and end < start:
            problems.append(Problem(P["date_to"], "不能早于开始日期", row))
        if start and previous is not None and start <= previous[1]:
            problems.append(Problem(P["date_from"], f"应在上一阶段「{previous[0]}」结束（{previous[1]:%Y-%m-%d}）之后", row))
        if end:
            previous = (name, end)
    return problems


def set_phases(session: Session, plan_id: int, phases: Sequence[tuple[int | None, str, date | None, date | None]]) -> None:
    """The plan's phases as (id or None for a new one, name, from, to), in order. A phase left out
    is removed (its tasks keep no phase). Dates inside the plan's year, one phase after another."""
    require_writer(session, "修改计划阶段")
    plan = _plan(session, plan_id)
    cleaned = [(pid, clean(name), start, end) for pid, name, start, end in phases]
    problems = _check_phases(plan.year, [(n, f, t) for _i, n, f, t in cleaned])
    if not cleaned:
        problems.append(Problem(rules.PHASE_FIELD, "至少要有一个阶段"))
    existing = {p.id: p for p in _phases(session, plan_id)}
    for row, (pid, *_rest) in enumerate(cleaned, start=1):
        if pid is not None and pid not in existing:
            problems.append(Problem(rules.PHASE_LABELS["name"], "这个阶段已不存在，请重新打开", row))
    if problems:
        raise ValidationError(problems)
    kept = {pid for pid, *_ in cleaned if pid is not None}
    for pid, phase in existing.items():
        if pid not in kept:
            for task in session.scalars(select(PlanTask).where(PlanTask.phase_id == pid)):
                task.phase_id = None
            session.delete(phase)
    session.flush()
    for order, (pid, name, start, end) in enumerate(cleaned, start=1):
        assert start is not None and end is not None  # checked above
        phase = existing[pid] if pid is not None else PlanPhase(plan_id=plan_id)
        phase.name, phase.date_from, phase.date_to, phase.sort_order = name, start, end, order
        session.add(phase)
    session.flush()


# --- sections --------------------------------------------------------------------------------------
def _section(session: Session, section_id: int) -> PlanSection:
    section = session.get(PlanSection, section_id)
    if section is None:
        raise NotFoundError("这个工作板块已不存在。")
    return section


def _checked_section(title: str, intro: str) -> tuple[str, str]:
    S = rules.SECTION_LABELS
    title, intro = clean(title), clean(intro)
    problems = text_problems([(S["title"], title, rules.LIMITS["title"]), (S["intro"], intro, rules.LIMITS["intro"])])
    if not title:
        problems.append(Problem(S["title"], "必须填写"))
    if problems:
        raise ValidationError(problems)
    return title, intro


def add_section(session: Session, plan_id: int, title: str, intro: str = "") -> int:
    require_writer(session, "新增工作板块")
    _plan(session, plan_id)
    title, intro = _checked_section(title, intro)
    last = session.scalar(select(func.max(PlanSection.sort_order)).where(PlanSection.plan_id == plan_id)) or 0
    section = PlanSection(plan_id=plan_id, title=title, intro=intro, sort_order=last + 1)
    session.add(section)
    session.flush()
    return section.id


def update_section(session: Session, section_id: int, title: str, intro: str = "") -> None:
    require_writer(session, "修改工作板块")
    section = _section(session, section_id)
    section.title, section.intro = _checked_section(title, intro)
    session.flush()


def remove_section(session: Session, section_id: int) -> int:
    """Remove a section with its tasks and their links (each row audited); returns the tasks removed."""
    require_writer(session, "删除工作板块")
    section = _section(session, section_id)
    tasks = list(session.scalars(select(PlanTask).where(PlanTask.section_id == section_id)))
    for task in tasks:
        _delete_task(session, task)
    session.flush()  # the tasks first: the ORM does not order deletes of tables without a relationship
    session.delete(section)
    session.flush()
    return len(tasks)


def _swap(session: Session, rows: list, index: int, delta: int) -> bool:
    other = index + delta
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for order, row in enumerate(rows, start=1):
        row.sort_order = order
    session.flush()
    return True


def move_section(session: Session, section_id: int, delta: int) -> bool:
    """Move a section up (-1) or down (+1); False when it is already first / last."""
    require_writer(session, "调整板块顺序")
    section = _section(session, section_id)
    rows = list(session.scalars(select(PlanSection).where(PlanSection.plan_id == section.plan_id)
                                .order_by(PlanSection.sort_order, PlanSection.id)))
    return _swap(session, rows, rows.index(section), delta)


# --- tasks -----------------------------------------------------------------------------------------
def _task(session: Session, task_id: int) -> PlanTask:
    task = session.get(PlanTask, task_id)
    if task is None:
        raise NotFoundError("这项工作任务已不存在。")
    return task


def check_target(session: Session, text: str) -> str:
    """A task's target rule: '' or a category_count rule naming an existing category (as JSON)."""
    rule = checklist.parse_rule(text) if clean(text) else None
    if rule is None:
        return ""
    if not isinstance(rule, checklist.CategoryCount):
        raise ValidationError.single(T["target"], "计划任务只支持「某类活动的次数」规则（category_count）；"
                                     "其他要求请写在「目标」里，进度按关联记录计算")
    if resolve_category(list_categories(session), rule.category) is None:
        raise ValidationError.single(T["target"], f"找不到活动类别「{rule.category}」（写完整路径如 社会环境/传统节日，或类别名称）")
    return checklist.dump_rule(rule)


def _checked_task(session: Session, plan: Plan, d: TaskDraft) -> TaskDraft:
    d = TaskDraft(clean(d.title), clean(d.standard), clean(d.lead), clean(d.owner), d.due, d.phase_id, clean(d.target),
                  clean(d.target_text), clean(d.status), clean(d.remarks), d.section_id)
    problems = text_problems([(T[k], getattr(d, k), rules.LIMITS[k])
                              for k in ("title", "standard", "lead", "owner", "target_text", "remarks")])
    if not d.title:
        problems.append(Problem(T["title"], "必须填写"))
    if d.due is not None and d.due.year != plan.year:
        problems.append(Problem(T["due"], f"应在计划年度 {plan.year} 年内"))
    if d.phase_id is not None:
        phase = session.get(PlanPhase, d.phase_id)
        if phase is None or phase.plan_id != plan.id:
            problems.append(Problem(T["phase_id"], "这个阶段已不存在或不属于本计划"))
    key = rules.status_key(d.status)
    if key is None:
        problems.append(Problem(T["status"], f"应为{'、'.join(rules.TASK_STATUS_LABELS.values())}之一"))
    else:
        d.status = key
    if d.section_id is not None:
        section = session.get(PlanSection, d.section_id)
        if section is None or section.plan_id != plan.id:
            problems.append(Problem(T["section_id"], "这个工作板块已不存在或不属于本计划"))
    try:
        d.target = check_target(session, d.target)
    except ValidationError as err:
        problems += err.problems
    if problems:
        raise ValidationError(problems)
    if d.target and not d.target_text:
        d.target_text = checklist.rule_sentence(checklist.parse_rule(d.target))[:rules.LIMITS["target_text"]]
    return d


def _apply(task: PlanTask, d: TaskDraft) -> None:
    task.title, task.standard, task.lead, task.owner, task.due = d.title, d.standard, d.lead, d.owner, d.due
    task.phase_id, task.target, task.target_text, task.status, task.remarks = (d.phase_id, d.target, d.target_text,
                                                                              d.status, d.remarks)


def _last_task(session: Session, section_id: int) -> int:
    return session.scalar(select(func.max(PlanTask.sort_order)).where(PlanTask.section_id == section_id)) or 0


def add_task(session: Session, section_id: int, draft: TaskDraft) -> int:
    require_writer(session, "新增工作任务")
    section = _section(session, section_id)
    d = _checked_task(session, _plan(session, section.plan_id), draft)
    task = PlanTask(section_id=section_id, sort_order=_last_task(session, section_id) + 1)
    _apply(task, d)
    session.add(task)
    session.flush()
    return task.id


def update_task(session: Session, task_id: int, draft: TaskDraft) -> None:
    """Save a task; with `draft.section_id` of another section it moves there (last)."""
    require_writer(session, "修改工作任务")
    task = _task(session, task_id)
    plan = _plan(session, _section(session, task.section_id).plan_id)
    d = _checked_task(session, plan, draft)
    _apply(task, d)
    if d.section_id is not None and d.section_id != task.section_id:
        task.sort_order = _last_task(session, d.section_id) + 1
        task.section_id = d.section_id
    session.flush()


def _delete_task(session: Session, task: PlanTask) -> None:
    for link in session.scalars(select(PlanTaskLink).where(PlanTaskLink.task_id == task.id)):
        session.delete(link)
    session.flush()
    session.delete(task)


def remove_task(session: Session, task_id: int) -> None:
    """Remove a task and its links (the records stay where they are)."""
    require_writer(session, "删除工作任务")
    _delete_task(session, _task(session, task_id))
    session.flush()


def move_task(session: Session, task_id: int, delta: int) -> bool:
    """Move a task up (-1) or down (+1) within its section; False when already first / last."""
    require_writer(session, "调整任务顺序")
    task = _task(session, task_id)
    rows = list(session.scalars(select(PlanTask).where(PlanTask.section_id == task.section_id)
                                .order_by(PlanTask.sort_order, PlanTask.id)))
    return _swap(session, rows, rows.index(task), delta)


# --- reading the plan ------------------------------------------------------------------------------
def _progress(target: str, links: list[LinkRow], year: int, today: date) -> rules.Progress:
    rule = checklist.parse_rule(target) if target else None
    if isinstance(rule, checklist.CategoryCount):
        days = [r.record.day for r in links if r.record.table == "activities" and r.record.done
                and r.record.day is not None and r.record.day <= today]
        return rules.count_progress(rule.per.value, rule.n, year, days, today)
    return rules.records_progress(sum(1 for r in links if r.record.done), len(links))


def get_plan(session: Session, year: int, today: date | None = None) -> PlanDetail | None:
    """The plan of `year` with its phases, sections and tasks (progress and overdue as of
    `today`), or None when the year has no plan."""
    plan = _get_plan(session, year)
    if plan is None:
        return None
    today = today or date.today()
    phases = [PhaseRow(p.id, p.name, p.date_from, p.date_to, p.sort_order) for p in _phases(session, plan.id)]
    phase_names = {p.id: p.name for p in phases}
    sections = list(session.scalars(select(PlanSection).where(PlanSection.plan_id == plan.id)
                                    .order_by(PlanSection.sort_order, PlanSection.id)))
    tasks = list(session.scalars(select(PlanTask).where(PlanTask.section_id.in_([s.id for s in sections]))
                                 .order_by(PlanTask.sort_order, PlanTask.id)))
    links = list(session.scalars(select(PlanTaskLink).where(PlanTaskLink.task_id.in_([t.id for t in tasks]))))
    by_task: dict[int, list[LinkRow]] = {}
    for row in link_rows(session, links):
        by_task.setdefault(row.task_id, []).append(row)
    out = []
    for s_index, s in enumerate(sections, start=1):
        number = rules.section_number(s_index)
        rows = []
        for t_index, t in enumerate([t for t in tasks if t.section_id == s.id], start=1):
            linked = by_task.get(t.id, [])
            progress = _progress(t.target, linked, plan.year, today)
            done = t.status == rules.TaskStatus.DONE.value or progress.complete
            rows.append(TaskRow(t.id, s.id, f"{number}{s.title}", rules.task_number(t_index), t.title, t.standard,
                                t.lead, t.owner, t.due, t.phase_id, phase_names.get(t.phase_id or 0, ""), t.target,
                                t.target_text, t.status, t.remarks, t.sort_order, len(linked), progress,
                                rules.is_overdue(t.due, t.status, done, today)))
        out.append(SectionRow(s.id, number, s.title, s.intro, s.sort_order, rows))
    return PlanDetail(plan.id, plan.year, plan.title, plan.preamble, phases, out)


def require_plan(session: Session, year: int, today: date | None = None) -> PlanDetail:
    detail = get_plan(session, year, today)
    if detail is None:
        raise NotFoundError(f"{year}年度还没有工作计划：请先在「年度计划」中点「按模板生成本年度计划」。")
    return detail


def task_list(session: Session, year: int, today: date | None = None) -> list[TaskRow]:
    """Every task of the year's plan in plan order ([] without a plan), overdue marked."""
    detail = get_plan(session, year, today)
    return detail.tasks if detail is not None else []


def overdue_tasks(session: Session, year: int, today: date | None = None) -> list[TaskRow]:
    return [t for t in task_list(session, year, today) if t.overdue]


def get_task(session: Session, task_id: int, today: date | None = None) -> TaskRow:
    task = _task(session, task_id)
    plan = _plan(session, _section(session, task.section_id).plan_id)
    found = next((t for t in task_list(session, plan.year, today) if t.id == task_id), None)
    assert found is not None
    return found


def task_draft(row: TaskRow) -> TaskDraft:
    return TaskDraft(row.title, row.standard, row.lead, row.owner, row.due, row.phase_id, row.target, row.target_text,
                     row.status, row.remarks, row.section_id)


def year_of_task(session: Session, task_id: int) -> int:
    """The year of the plan a task belongs to."""
    return _plan(session, _section(session, _task(session, task_id).section_id).plan_id).year
