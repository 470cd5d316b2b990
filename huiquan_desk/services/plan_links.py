"""The records a plan task counts (计划任务的关联记录): activities, campaigns and archive items
linked to a task, what each is (its title, day, state, and whether it is done: an activity held
(已开展 / 已归档), a campaign commended, an archive item filed), the records of a year a task may
count (with a search), and which tasks a record counts towards.

A link is a row of the plan, not of the record: a filed record, frozen by services.filing, can
still be linked. A link goes with its record to the recycle bin (`links_of`, passed as children of
recycle_bin.move_to_bin by the services that delete records) and comes back on restore; one whose
task was removed meanwhile is left out with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiquan_desk.domain import plan as rules
from huiquan_desk.domain.activity import STATUS_LABELS as ACTIVITY_STATUS_LABELS
from huiquan_desk.domain.activity import ActivityStatus
from huiquan_desk.domain.archives import code_text
from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.domain.family import STAGE_LABELS, Stage
from huiquan_desk.domain.text import clean
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.storage.models import (
    Activity,
    ArchiveItem,
    Campaign,
    Plan,
    PlanSection,
    PlanTask,
    PlanTaskLink,
)

TOOK_PLACE = (ActivityStatus.DONE.value, ActivityStatus.ARCHIVED.value)
COMMENDED = (Stage.COMMEND.value, Stage.PUBLICIZE.value)


@dataclass(frozen=True)
class RecordRef:
    """A record a task may count: an activity, a campaign or an archive item."""

    table: str  # activities / campaigns / archive_items
    id: int
    title: str
    day: date | None
    state: str  # 已开展 / 表彰 / 0194-WS·2026-D30-0001
    done: bool

    @property
    def kind(self) -> str:
        return rules.RECORD_KINDS[self.table]


@dataclass(frozen=True)
class LinkRow:
    id: int
    task_id: int
    record: RecordRef


@dataclass(frozen=True)
class LinkedTask:
    """A task a record counts towards."""

    task_id: int
    year: int
    number: str  # 一、（二）
    title: str



# --- links -----------------------------------------------------------------------------------------
def _refs(session: Session, table: str, ids: Sequence[int]) -> dict[int, RecordRef]:
    """The records of `table` with these ids, as RecordRefs."""
    if not ids:
        return {}
    out: dict[int, RecordRef] = {}
    if table == "activities":
        for a in session.execute(select(Activity.id, Activity.title, Activity.start_at, Activity.status)
                                 .where(Activity.id.in_(list(ids)))):
            label = ACTIVITY_STATUS_LABELS.get(ActivityStatus(a.status), a.status)
            out[a.id] = RecordRef(table, a.id, a.title, a.start_at.date(), label, a.status in TOOK_PLACE)
    elif table == "campaigns":
        for c in session.execute(select(Campaign.id, Campaign.title, Campaign.stage, Campaign.commended_on, Campaign.year)
                                 .where(Campaign.id.in_(list(ids)))):
            out[c.id] = RecordRef(table, c.id, c.title, c.commended_on, STAGE_LABELS.get(c.stage, c.stage),
                                  c.stage in COMMENDED)
    else:
        for i in session.scalars(select(ArchiveItem).where(ArchiveItem.id.in_(list(ids)))):
            code = (code_text(i.fonds, i.category, i.year, i.retention, i.number, i.org) if i.number is not None
                    else "未编号")
            out[i.id] = RecordRef(table, i.id, i.title, i.day, code, True)
    return out


def _column(table: str):  # type: ignore[no-untyped-def]
    if table not in rules.LINK_COLUMNS:
        raise ValidationError.single("关联记录", f"只能关联{'、'.join(rules.RECORD_KINDS.values())}")
    return getattr(PlanTaskLink, rules.LINK_COLUMNS[table])


def link_record(session: Session, task_id: int, table: str, record_id: int) -> int:
    """Count a record towards a task. A filed (已归档) record can be linked too: the link is a row
    of the plan, not of the record, so the record itself stays as filed."""
    require_writer(session, "关联记录")
    task = session.get(PlanTask, task_id)
    if task is None:
        raise NotFoundError("这项工作任务已不存在。")
    column = _column(table)
    found = _refs(session, table, [record_id]).get(record_id)
    if found is None:
        raise NotFoundError(f"这条{rules.RECORD_KINDS[table]}已不存在，可能已被删除。")
    if session.scalar(select(PlanTaskLink.id).where(PlanTaskLink.task_id == task_id, column == record_id)) is not None:
        raise ValidationError.single("关联记录", f"{found.kind}「{found.title}」已关联到任务「{task.title}」")
    link = PlanTaskLink(task_id=task_id, **{rules.LINK_COLUMNS[table]: record_id})
    session.add(link)
    session.flush()
    return link.id


def unlink_record(session: Session, task_id: int, table: str, record_id: int) -> None:
    require_writer(session, "取消关联")
    link = session.scalar(select(PlanTaskLink).where(PlanTaskLink.task_id == task_id, _column(table) == record_id))
    if link is None:
        raise NotFoundError("这条记录已不在这项任务的关联中。")
    session.delete(link)
    session.flush()


def links_of(session: Session, table: str, record_id: int) -> list[PlanTaskLink]:
    """The link rows of a record: what goes with it to the recycle bin (as children of move_to_bin)."""
    return list(session.scalars(select(PlanTaskLink).where(_column(table) == record_id).order_by(PlanTaskLink.id)))


def link_rows(session: Session, links: Sequence[PlanTaskLink]) -> list[LinkRow]:
    refs: dict[str, dict[int, RecordRef]] = {}
    for table, column in rules.LINK_COLUMNS.items():
        refs[table] = _refs(session, table, [getattr(k, column) for k in links if getattr(k, column) is not None])
    rows = []
    for k in links:
        for table, column in rules.LINK_COLUMNS.items():
            rid = getattr(k, column)
            if rid is not None and rid in refs[table]:
                rows.append(LinkRow(k.id, k.task_id, refs[table][rid]))
    return rows


def task_links(session: Session, task_id: int) -> list[LinkRow]:
    """The records linked to a task: activities by date, then campaigns, then archive items."""
    links = list(session.scalars(select(PlanTaskLink).where(PlanTaskLink.task_id == task_id)))
    order = list(rules.RECORD_KINDS)
    return sorted(link_rows(session, links),
                  key=lambda r: (order.index(r.record.table), r.record.day or date.max, r.record.id))


def tasks_of_record(session: Session, table: str, record_id: int) -> list[LinkedTask]:
    """Which plan tasks a record counts towards, by year and place in the plan."""
    rows = session.execute(select(PlanTask.id, PlanTask.title, PlanTask.sort_order, PlanSection.id.label("sid"),
                                  PlanSection.plan_id, Plan.year)
                           .join(PlanTaskLink, PlanTaskLink.task_id == PlanTask.id)
                           .join(PlanSection, PlanSection.id == PlanTask.section_id)
                           .join(Plan, Plan.id == PlanSection.plan_id)
                           .where(_column(table) == record_id).order_by(Plan.year, PlanTask.id)).all()
    out = []
    for r in rows:
        numbers = _numbers(session, r.plan_id)
        out.append(LinkedTask(r.id, r.year, numbers.get(r.id, ""), r.title))
    return out


def _numbers(session: Session, plan_id: int) -> dict[int, str]:
    """Task id -> 一、（二） in the plan as it is ordered now."""
    out = {}
    sections = session.execute(select(PlanSection.id).where(PlanSection.plan_id == plan_id)
                               .order_by(PlanSection.sort_order, PlanSection.id)).scalars().all()
    for s_index, sid in enumerate(sections, start=1):
        tasks = session.scalars(select(PlanTask.id).where(PlanTask.section_id == sid)
                                .order_by(PlanTask.sort_order, PlanTask.id)).all()
        for t_index, tid in enumerate(tasks, start=1):
            out[tid] = f"{rules.section_number(s_index)}{rules.task_number(t_index)}"
    return out


def linkable_records(session: Session, year: int, table: str | None = None, text: str = "",
                     limit: int = 500) -> list[RecordRef]:
    """Records of the year a task may count (activities held or planned in it, its campaigns, its
    archive items), newest first, narrowed by kind and by a text in the title; at most `limit` a kind."""
    text = clean(text)
    out: list[RecordRef] = []
    for kind in [table] if table else list(rules.RECORD_KINDS):
        _column(kind)
        if kind == "activities":
            query = select(Activity.id).where(Activity.start_at >= date(year, 1, 1),
                                              Activity.start_at < date(year + 1, 1, 1)).order_by(Activity.start_at.desc())
            title = Activity.title
        elif kind == "campaigns":
            query, title = select(Campaign.id).where(Campaign.year == year).order_by(Campaign.id.desc()), Campaign.title
        else:
            query = select(ArchiveItem.id).where(ArchiveItem.year == year, ArchiveItem.destroyed_on.is_(None)) \
                .order_by(ArchiveItem.id.desc())
            title = ArchiveItem.title
        if text:
            query = query.where(title.contains(text))
        ids = list(session.scalars(query.limit(limit)))
        refs = _refs(session, kind, ids)
        out += [refs[i] for i in ids if i in refs]
    return out


