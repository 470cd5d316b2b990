"""Volunteer service hours: attendance with an activity in one step, 补录 afterwards, totals, ledgers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import volunteer as rules
from huiquan_desk.domain.dates import out_of_range
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.text import clean, text_problem, text_problems
from huiquan_desk.domain.volunteer import ServiceSource
from huiquan_desk.services import recycle_bin
from huiquan_desk.storage.models import Activity, ServiceRecord, Team, Volunteer, now

MAX_MINUTES = 24 * 60
L = rules.SERVICE_LABELS
NO_TEAM = "未分队"
NO_TEAM_ID = 0  # a team filter's 未分队: the volunteers without a team (no team has id 0)


def default_minutes(start: datetime, end: datetime) -> int:
    """The activity's duration, as the default hours of everyone who served (at least 30 min)."""
    minutes = int((end - start).total_seconds() // 60)
    return max(30, min(minutes, MAX_MINUTES))


@dataclass(frozen=True)
class AttendanceRow:
    volunteer_id: int
    name: str
    number: str
    team: str
    minutes: int
    entered_by: str
    entered_at: datetime
    late: bool


def attendance(session: Session, activity_id: int) -> list[AttendanceRow]:
    rows = session.execute(
        select(ServiceRecord, Volunteer.name, Volunteer.number, func.coalesce(Team.name, ""))
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .outerjoin(Team, Team.id == Volunteer.team_id)
        .where(ServiceRecord.activity_id == activity_id, ServiceRecord.source == ServiceSource.ACTIVITY.value)
        .order_by(Volunteer.number))
    return [AttendanceRow(r.volunteer_id, name, number, team, r.minutes, r.entered_by, r.entered_at, r.late)
            for r, name, number, team in rows]


def _check_minutes(minutes: int, who: str) -> Problem | None:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        return Problem(L["minutes"], f"{who}：应为整数分钟")
    if not 0 < minutes <= MAX_MINUTES:
        return Problem(L["minutes"], f"{who}：应大于 0 且不超过 24 小时")
    return None


def _check_entered_by(entered_by: str) -> Problem | None:
    entered_by = clean(entered_by)
    if not entered_by:
        return Problem(L["entered_by"], "必须填写（每条记录都要写明由谁登记）")
    why = text_problem(entered_by, rules.SERVICE_LIMITS["entered_by"])
    return Problem(L["entered_by"], why) if why else None


def record_attendance(session: Session, activity_id: int, served: Mapping[int, int], entered_by: str,
                      at: datetime | None = None) -> int:
    """Set who served at an activity and for how long (minutes), in one step.

    Volunteers left out are removed from the activity; changed hours are updated. Each new or
    changed record notes who entered it and when, and whether that was after the deadline.
    Returns the number of volunteers recorded.
    """
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFoundError("这条活动已不存在，可能已被删除。")
    at = at or now()
    if activity.start_at.date() > at.date():
        raise ValidationError.single(L["activity"], "活动还没有开展，开展后再登记志愿服务时长")
    names = dict(session.execute(select(Volunteer.id, Volunteer.name).where(Volunteer.id.in_(list(served)))).all())
    problems = [Problem(L["volunteer"], f"编号 {vid} 的志愿者已不存在") for vid in served if vid not in names]
    problems += [p for vid, minutes in served.items() if vid in names and (p := _check_minutes(minutes, names[vid]))]
    if who := _check_entered_by(entered_by):
        problems.append(who)
    if problems:
        raise ValidationError(problems)
    existing = {r.volunteer_id: r for r in session.scalars(select(ServiceRecord).where(
        ServiceRecord.activity_id == activity_id, ServiceRecord.source == ServiceSource.ACTIVITY.value))}
    late = rules.is_late(activity.end_at.date(), at.date())
    for vid in [vid for vid in existing if vid not in served]:  # through the ORM: each removal is audited
        session.delete(existing.pop(vid))
    # What the record copies from the activity; refreshed on every save so a corrected date or
    # title of the activity reaches the records already entered (their hours and entry stay as they were).
    copied = dict(service_date=activity.start_at.date(), title=activity.title, place=activity.place,
                  content=activity.content[:500], organizer=activity.organizer, leader=activity.leader)
    for vid, minutes in served.items():
        record = existing.get(vid)
        if record is None:
            session.add(ServiceRecord(
                volunteer_id=vid, activity_id=activity_id, source=ServiceSource.ACTIVITY.value, minutes=minutes,
                entered_by=clean(entered_by), entered_at=at, late=late, **copied))
            continue
        for key, value in copied.items():
            if getattr(record, key) != value:
                setattr(record, key, value)
        if record.minutes != minutes:
            record.minutes, record.entered_by, record.entered_at, record.late = minutes, clean(entered_by), at, late
    session.flush()
    return len(served)


@dataclass
class SupplementDraft:
    """Hours added afterwards by staff (补录): kept apart from sign-in hours, with a reason."""

    volunteer_id: int | None = None
    service_date: date | None = None
    minutes: int = 0
    title: str = ""
    place: str = ""
    content: str = ""
    organizer: str = ""
    leader: str = ""
    reason: str = ""
    activity_id: int | None = None


def add_supplement(session: Session, draft: SupplementDraft, entered_by: str, at: datetime | None = None) -> int:
    at = at or now()
    texts = {key: clean(getattr(draft, key)) for key in ("title", "place", "content", "organizer", "leader", "reason")}
    problems = []
    if draft.volunteer_id is None or session.get(Volunteer, draft.volunteer_id) is None:
        problems.append(Problem(L["volunteer"], "必须选择"))
    if draft.service_date is None:
        problems.append(Problem(L["service_date"], "必须填写"))
    elif draft.service_date > at.date():
        problems.append(Problem(L["service_date"], "不能晚于今天"))
    elif why := out_of_range(draft.service_date):
        problems.append(Problem(L["service_date"], why))
    if isinstance(draft.minutes, bool) or not isinstance(draft.minutes, int):
        problems.append(Problem(L["minutes"], "应为整数分钟"))
    elif not 0 < draft.minutes <= MAX_MINUTES:
        problems.append(Problem(L["minutes"], "应大于 0 且不超过 24 小时"))
    if not texts["title"]:
        problems.append(Problem(L["title"], "必须填写"))
    problems += text_problems((L[key], value, rules.SERVICE_LIMITS[key]) for key, value in texts.items())
    if not texts["reason"]:
        problems.append(Problem(L["reason"], "必须填写（如：当天签到表遗漏）"))
    if draft.activity_id is not None and session.get(Activity, draft.activity_id) is None:
        problems.append(Problem(L["activity"], "所选活动已不存在"))
    elif draft.activity_id is not None and session.scalar(select(ServiceRecord.id).where(
            ServiceRecord.activity_id == draft.activity_id, ServiceRecord.volunteer_id == draft.volunteer_id,
            ServiceRecord.source == ServiceSource.ACTIVITY.value)) is not None:
        problems.append(Problem(L["activity"], "该志愿者在这项活动的签到中已有时长，不能重复补录；如时长有误请在「志愿服务登记」中修改"))
    if who := _check_entered_by(entered_by):
        problems.append(who)
    if problems:
        raise ValidationError(problems)
    record = ServiceRecord(
        volunteer_id=draft.volunteer_id, activity_id=draft.activity_id, source=ServiceSource.SUPPLEMENT.value,
        service_date=draft.service_date, minutes=draft.minutes, entered_by=clean(entered_by), entered_at=at,
        late=rules.is_late(draft.service_date, at.date()), **texts)  # type: ignore[arg-type]
    session.add(record)
    session.flush()
    return record.id


def delete_supplement(session: Session, record_id: int) -> int:
    """Move a 补录 record to the recycle bin; returns the bin id."""
    record = session.get(ServiceRecord, record_id)
    if record is None:
        raise NotFoundError("该服务记录已不存在。")
    if record.source != ServiceSource.SUPPLEMENT.value:
        raise ValidationError.single("服务记录", "随活动登记的时长请在活动的「志愿服务登记」中修改")
    name = session.scalar(select(Volunteer.name).where(Volunteer.id == record.volunteer_id)) or ""
    label = f"{name}：{record.service_date:%Y-%m-%d}「{record.title}」{rules.hours_text(record.minutes)} 小时"
    return recycle_bin.move_to_bin(session, record, (), label)


# --- totals and ledgers ---------------------------------------------------------------------------
@dataclass(frozen=True)
class HoursSummary:
    activity_minutes: int  # entered with activities (sign-in)
    supplement_minutes: int  # 补录
    services: int

    @property
    def minutes(self) -> int:
        return self.activity_minutes + self.supplement_minutes


def hours_total(session: Session, volunteer_id: int | None = None, start: date | None = None,
                end: date | None = None) -> HoursSummary:
    is_activity = ServiceRecord.source == ServiceSource.ACTIVITY.value
    query = select(
        func.coalesce(func.sum(case((is_activity, ServiceRecord.minutes), else_=0)), 0),
        func.coalesce(func.sum(case((is_activity, 0), else_=ServiceRecord.minutes)), 0),
        func.count(ServiceRecord.id))
    if volunteer_id is not None:
        query = query.where(ServiceRecord.volunteer_id == volunteer_id)
    if start is not None:
        query = query.where(ServiceRecord.service_date >= start)
    if end is not None:
        query = query.where(ServiceRecord.service_date <= end)
    a, s, n = session.execute(query).one()
    return HoursSummary(int(a), int(s), int(n))


@dataclass(frozen=True)
class ServiceRow:
    id: int
    service_date: date
    title: str
    place: str
    volunteer_id: int
    volunteer: str
    volunteer_number: str
    team: str
    minutes: int
    content: str
    source: ServiceSource
    reason: str
    entered_by: str
    entered_at: datetime
    late: bool

    @property
    def hours(self) -> str:
        return rules.hours_text(self.minutes)


def service_rows(session: Session, start: date | None = None, end: date | None = None,
                 volunteer_id: int | None = None, team_id: int | None = None) -> list[ServiceRow]:
    """Service records of a period, a volunteer, a team (NO_TEAM_ID: of volunteers without a team;
    None: every team), by day, activity and volunteer number."""
    r = ServiceRecord
    query = (select(r.id, r.service_date, r.title, r.place, r.volunteer_id, Volunteer.name, Volunteer.number,
                    func.coalesce(Team.name, ""), r.minutes, r.content, r.source, r.reason, r.entered_by, r.entered_at,
                    r.late)
             .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
             .outerjoin(Team, Team.id == Volunteer.team_id))
    if start is not None:
        query = query.where(ServiceRecord.service_date >= start)
    if end is not None:
        query = query.where(ServiceRecord.service_date <= end)
    if volunteer_id is not None:
        query = query.where(ServiceRecord.volunteer_id == volunteer_id)
    if team_id == NO_TEAM_ID:
        query = query.where(Volunteer.team_id.is_(None))
    elif team_id is not None:
        query = query.where(Volunteer.team_id == team_id)
    query = query.order_by(ServiceRecord.service_date, ServiceRecord.title, Volunteer.number)
    sources = {s.value: s for s in ServiceSource}
    return [ServiceRow(i, day, title, place, vid, name, number, team, minutes, content, sources[source], reason,
                       by, at, bool(late))
            for i, day, title, place, vid, name, number, team, minutes, content, source, reason, by, at, late
            in session.connection().execute(query)]  # plain columns: a year can be 50,000 records


@dataclass(frozen=True)
class MonthlyStat:
    team: str  # '' = not in a team; '合计' = all teams
    month: int
    volunteers: int
    services: int
    minutes: int

    @property
    def hours(self) -> str:
        return rules.hours_text(self.minutes)


TOTAL = "合计"


def monthly_stats(session: Session, year: int) -> list[MonthlyStat]:
    """Per team and month: distinct volunteers who served, service count, hours; plus totals."""
    month = func.strftime("%m", ServiceRecord.service_date)
    base = (select(month.label("month"), func.count(func.distinct(ServiceRecord.volunteer_id)),
                   func.count(ServiceRecord.id), func.sum(ServiceRecord.minutes))
            .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
            .where(ServiceRecord.service_date >= date(year, 1, 1), ServiceRecord.service_date <= date(year, 12, 31)))
    per_team = session.execute(
        base.add_columns(func.coalesce(Team.name, NO_TEAM)).outerjoin(Team, Team.id == Volunteer.team_id)
        .group_by(Team.id, "month").order_by(func.coalesce(Team.sort_order, 10**6), Team.id, "month"))
    out = [MonthlyStat(team, int(m), v, n, int(mins or 0)) for m, v, n, mins, team in per_team]
    totals = session.execute(base.group_by("month").order_by("month"))
    out += [MonthlyStat(TOTAL, int(m), v, n, int(mins or 0)) for m, v, n, mins in totals]
    return out
