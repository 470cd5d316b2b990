"""The home page's figures (首页): this month and this year at a glance, as of a given day.

`overview(session, today)` gathers, in one read and with aggregate SQL only (a count or a sum per
group, never a loop over activity rows, so 100,000 activities stay fast):

- activities per top-level category and month of the year: held (已开展 and 已归档, the
  activities that took place) and planned (计划中) apart;
- held activities without a photo (已开展 or 已归档, no photo: services.activities.held_without_photos,
  the rule the town report counts by too), this month and this year;
- volunteer hours by team (the volunteer's team; 未分队 for those without), this month and year;
- overdue rectifications (services.rectifications.overdue);
- unfiled materials per year (services.filing.unfiled_counts: activities 已开展 and campaigns
  commended, not filed), each year with its due date (June 30 of the next year) and whether it has passed;
- the next traditional festivals (domain.festivals) and, for each, the 传统节日 activities planned
  or held for it.

`grades(session, today)` is the self-assessment of this year up to today (services.assessment.
evaluate) as traffic lights: A green, B amber, C orange, C# red, not assessed by hand grey. It takes
≈ 0.15 s on the demo but seconds on a large community (bench/dashboard.py: ≈ 6 s for 100,000
activities and 200,000 service records, most of it the 归档 and 按时录入 rules listing every
problem), so the page runs it in the background, item by item so it can be cancelled, and not on
every visit.

Which activity is "for" a festival (`festival_plans`): an activity of the 传统节日 category (or below
it) whose start day falls in the festival's window — FESTIVAL_BEFORE days before the day to
FESTIVAL_AFTER days after it, as festival activities are held in the run-up (写春联 a week before
春节). A title that names festivals (春节 / 新春 / 过年, 元宵, 清明, 端午, 七夕, 中秋, 重阳, 国庆) counts
only for those it names; a title that names none counts for the festival whose window holds it,
the nearest one when two windows overlap (元宵 is 14 days after 春节).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import assessment as assessment_rules
from huiquan_desk.domain.activity import ActivityStatus
from huiquan_desk.domain.festivals import FIXED_FESTIVALS, LUNAR_FESTIVALS, SOLAR_TERM_FESTIVALS, upcoming
from huiquan_desk.services import activities as activity_service
from huiquan_desk.services import assessment, filing, rectifications
from huiquan_desk.services.categories import FESTIVAL_CATEGORY, list_categories
from huiquan_desk.services.service_hours import NO_TEAM
from huiquan_desk.storage.models import Activity, ServiceRecord, Team, Volunteer

HELD = (ActivityStatus.DONE.value, ActivityStatus.ARCHIVED.value)  # activities that took place
NEXT_FESTIVALS = 3  # how many coming festivals the page lists
FESTIVAL_BEFORE = 14  # a festival's activities are held from this many days before the day …
FESTIVAL_AFTER = 3  # … to this many days after it
FESTIVAL_ALIASES = {"春节": ("春节", "新春", "过年"), "元宵": ("元宵",), "清明": ("清明",), "端午": ("端午",),
                    "七夕": ("七夕",), "中秋": ("中秋",), "重阳": ("重阳",), "国庆": ("国庆",)}
OVERDUE_SHOWN = 5  # overdue rectifications named on the page (the count covers them all)

GREEN, AMBER, ORANGE, RED, GREY = "green", "amber", "orange", "red", "grey"
LIGHTS = {"A": GREEN, "B": AMBER, "C": ORANGE, "C#": RED}  # C# (the one `assess` fails on) apart from C
LIGHT_LABELS = {GREEN: "A 档", AMBER: "B 档", ORANGE: "C 档", RED: "C# 档", GREY: assessment_rules.PENDING}
LIGHT_ORDER = (GREEN, AMBER, ORANGE, RED, GREY)


# --- results ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryMonths:
    """A top-level category's activities in each month of the year (index 0 = January)."""

    category_id: int
    name: str
    held: tuple[int, ...]
    planned: tuple[int, ...]

    @property
    def held_total(self) -> int:
        return sum(self.held)


@dataclass(frozen=True)
class TeamHours:
    team_id: int | None  # None: volunteers without a team (未分队)
    name: str
    month_minutes: int
    year_minutes: int


@dataclass(frozen=True)
class OverdueRectification:
    id: int
    problem: str
    responsible: str
    deadline: date


@dataclass(frozen=True)
class UnfiledYear:
    """What of a year still waits to be filed, and by when it is due (June 30 of the next year)."""

    year: int
    activities: int
    campaigns: int
    due: date

    @property
    def total(self) -> int:
        return self.activities + self.campaigns


@dataclass(frozen=True)
class FestivalActivity:
    id: int
    title: str
    day: date
    status: ActivityStatus


_LUNAR_MONTHS = "正二三四五六七八九十冬腊"
_DIGITS = "一二三四五六七八九十"


def _lunar_day_text(day: int) -> str:
    if day <= 10:
        return "初" + _DIGITS[day - 1]
    if day < 20:
        return "十" + _DIGITS[day - 11]
    if day == 20:
        return "二十"
    return ("廿" + _DIGITS[day - 21]) if day < 30 else "三十"


def calendar_note(name: str) -> str:
    """How a festival's day is fixed: 正月初一 (lunar), 节气 (a solar term), 10月1日 (fixed)."""
    for festival, month, day in LUNAR_FESTIVALS:
        if festival == name:
            return f"农历{_LUNAR_MONTHS[month - 1]}月{_lunar_day_text(day)}"
    if name in SOLAR_TERM_FESTIVALS:
        return "二十四节气"
    for festival, month, day in FIXED_FESTIVALS:
        if festival == name:
            return f"{month}月{day}日"
    return ""


@dataclass(frozen=True)
class FestivalPlan:
    """A coming festival, its window and the 传统节日 activities planned or held for it."""

    name: str
    day: date
    window_from: date
    window_to: date
    activities: tuple[FestivalActivity, ...] = ()

    @property
    def held(self) -> bool:
        return any(a.status is not ActivityStatus.PLANNED for a in self.activities)

    @property
    def planned(self) -> bool:
        """Something is planned or already held for it."""
        return bool(self.activities)

    def days_left(self, today: date) -> int:
        return (self.day - today).days

    @property
    def note(self) -> str:
        return calendar_note(self.name)


@dataclass(frozen=True)
class Dashboard:
    today: date
    categories: list[CategoryMonths]  # top-level, in tree order (every one, even without activities)
    held_month: int
    held_year: int
    planned_month: int  # 计划中 dated this month
    planned_ahead: int  # 计划中 from today to the end of the year
    without_photos_month: int  # held (已开展, 已归档) without a photo
    without_photos_year: int
    hours: list[TeamHours]  # teams with hours this year, in team order
    overdue: list[OverdueRectification]  # the first OVERDUE_SHOWN, oldest deadline first
    overdue_count: int
    unfiled: list[UnfiledYear]  # years up to this one with anything unfiled, oldest first
    festival_category_id: int | None  # the 传统节日 category, when the tree has one
    festivals: list[FestivalPlan] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def month(self) -> int:
        return self.today.month

    @property
    def month_minutes(self) -> int:
        return sum(t.month_minutes for t in self.hours)

    @property
    def year_minutes(self) -> int:
        return sum(t.year_minutes for t in self.hours)

    @property
    def unfiled_due(self) -> list[UnfiledYear]:
        """The years before this one still waiting: these are (or soon are) due."""
        return [u for u in self.unfiled if u.year < self.year]

    @property
    def unfiled_this_year(self) -> UnfiledYear | None:
        return next((u for u in self.unfiled if u.year == self.year), None)


@dataclass(frozen=True)
class GradeLight:
    item_id: int | None
    code: str
    indicator: str
    grade: str | None  # None: an item by hand not assessed for the period
    light: str  # green / amber / red / grey
    problems: int


@dataclass(frozen=True)
class Grades:
    period_from: date
    period_to: date
    lights: list[GradeLight]
    score: float
    points: float

    def count(self, light: str) -> int:
        return sum(1 for g in self.lights if g.light == light)


# --- the figures -----------------------------------------------------------------------------------
def _day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return _day_start(date(year, 1, 1)), _day_start(date(year + 1, 1, 1))


def _month_start(today: date) -> date:
    return today.replace(day=1)


def _next_month(today: date) -> date:
    return date(today.year + 1, 1, 1) if today.month == 12 else date(today.year, today.month + 1, 1)


def _category_months(session: Session, year: int) -> list[CategoryMonths]:
    nodes = list_categories(session)
    top: dict[int, int] = {}
    for node in nodes:  # tree order: a parent before its children
        top[node.id] = node.id if node.parent_id is None else top.get(node.parent_id, node.id)
    first, end = _year_bounds(year)
    month = cast(func.strftime("%m", Activity.start_at), Integer)
    planned = Activity.status == ActivityStatus.PLANNED.value
    rows = session.execute(
        select(Activity.category_id, month, planned, func.count())
        .where(Activity.start_at >= first, Activity.start_at < end)
        .group_by(Activity.category_id, month, planned))
    held_of = {n.id: [0] * 12 for n in nodes if n.parent_id is None}
    planned_of = {n.id: [0] * 12 for n in nodes if n.parent_id is None}
    for category_id, m, is_planned, count in rows:
        root = top.get(category_id)
        if root is None or root not in held_of:
            continue
        (planned_of if is_planned else held_of)[root][int(m) - 1] += count
    return [CategoryMonths(n.id, n.name, tuple(held_of[n.id]), tuple(planned_of[n.id]))
            for n in nodes if n.parent_id is None]


def _count(session: Session, since: date, before: date, statuses: tuple[str, ...]) -> int:
    return session.scalar(select(func.count()).select_from(Activity).where(
        Activity.start_at >= _day_start(since), Activity.start_at < _day_start(before),
        Activity.status.in_(statuses))) or 0


def _without_photos(session: Session, since: date, until: date) -> int:
    """Held without a photo, from `since` to `until` (inclusive): services.activities' one rule."""
    return sum(activity_service.held_without_photos(session, since, until).values())


def _team_hours(session: Session, today: date) -> list[TeamHours]:
    month_start = _month_start(today)
    in_month = case((ServiceRecord.service_date >= month_start, ServiceRecord.minutes), else_=0)
    rows = session.execute(
        select(Team.id, func.coalesce(Team.name, NO_TEAM), func.sum(in_month), func.sum(ServiceRecord.minutes))
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .outerjoin(Team, Team.id == Volunteer.team_id)
        .where(ServiceRecord.service_date >= date(today.year, 1, 1),
               ServiceRecord.service_date <= date(today.year, 12, 31))
        .group_by(Team.id)
        .order_by(func.coalesce(Team.sort_order, 10**6), Team.id))
    return [TeamHours(team_id, name, int(month or 0), int(year or 0)) for team_id, name, month, year in rows]


def _unfiled(session: Session, year: int) -> list[UnfiledYear]:
    """Years up to `year` with anything unfiled: services.filing.unfiled_counts, with the due dates."""
    return [UnfiledYear(y, acts, camps, filing.due_date(y))
            for y, (acts, camps) in filing.unfiled_counts(session, None, year).items()]


def _named(title: str) -> set[str]:
    return {name for name, words in FESTIVAL_ALIASES.items() if any(w in title for w in words)}


def festival_plans(session: Session, today: date, count: int = NEXT_FESTIVALS) -> tuple[int | None, list[FestivalPlan]]:
    """The next `count` festivals from today on, each with its 传统节日 activities (the rule in the
    module docstring), and the id of the 传统节日 category (None when the tree has none)."""
    coming = upcoming(today, 400)[:count]
    nodes = list_categories(session)
    roots = [n for n in nodes if n.name == FESTIVAL_CATEGORY]
    wanted = {n.id for n in roots}
    for node in nodes:
        if node.parent_id in wanted:
            wanted.add(node.id)
    windows = [(f, f.day - timedelta(days=FESTIVAL_BEFORE), f.day + timedelta(days=FESTIVAL_AFTER)) for f in coming]
    found: dict[str, list[FestivalActivity]] = {f.name: [] for f in coming}
    if wanted and windows:
        # the festival activities of the windows' span; one whose title names no festival goes to the
        # nearest festival, which may be one not listed (the one just before the first listed)
        lo = min(w[1] for w in windows)
        hi = max(w[2] for w in windows)
        rows = session.execute(
            select(Activity.id, Activity.title, Activity.start_at, Activity.status)
            .where(Activity.category_id.in_(wanted), Activity.start_at >= _day_start(lo),
                   Activity.start_at < _day_start(hi + timedelta(days=1)))
            .order_by(Activity.start_at, Activity.id))
        # a festival whose window holds a day of [lo, hi] falls in [lo - FESTIVAL_AFTER, hi + FESTIVAL_BEFORE]
        first = lo - timedelta(days=FESTIVAL_AFTER)
        neighbours = upcoming(first, (hi + timedelta(days=FESTIVAL_BEFORE) - first).days)
        listed = {f for f, _lo, _hi in windows}
        for activity_id, title, start, status in rows:
            day = start.date()
            holding = [f for f in neighbours
                       if f.day - timedelta(days=FESTIVAL_BEFORE) <= day <= f.day + timedelta(days=FESTIVAL_AFTER)]
            named = _named(title)
            if named:
                chosen = [f for f in holding if f.name in named]
            else:  # the nearest festival; on a tie the coming one
                chosen = sorted(holding, key=lambda f: (abs((f.day - day).days), f.day < day))[:1]
            for fest in chosen:
                if fest in listed:
                    found[fest.name].append(FestivalActivity(activity_id, title, day, ActivityStatus(status)))
    plans = [FestivalPlan(f.name, f.day, lo, hi, tuple(found[f.name])) for f, lo, hi in windows]
    return (roots[0].id if roots else None), plans


def overview(session: Session, today: date | None = None) -> Dashboard:
    """Everything the home page shows but the grades, as of `today`."""
    today = today or date.today()
    year = today.year
    month_start, next_month = _month_start(today), _next_month(today)
    overdue_rows = rectifications.overdue(session, today)
    festival_category, festivals = festival_plans(session, today)
    return Dashboard(
        today=today,
        categories=_category_months(session, year),
        held_month=_count(session, month_start, next_month, HELD),
        held_year=_count(session, date(year, 1, 1), date(year + 1, 1, 1), HELD),
        planned_month=_count(session, month_start, next_month, (ActivityStatus.PLANNED.value,)),
        planned_ahead=_count(session, today, date(year + 1, 1, 1), (ActivityStatus.PLANNED.value,)),
        without_photos_month=_without_photos(session, month_start, next_month - timedelta(days=1)),
        without_photos_year=_without_photos(session, date(year, 1, 1), date(year, 12, 31)),
        hours=_team_hours(session, today),
        overdue=[OverdueRectification(r.id, r.problem, r.responsible, r.deadline)  # type: ignore[arg-type]
                 for r in overdue_rows[:OVERDUE_SHOWN]],
        overdue_count=len(overdue_rows),
        unfiled=_unfiled(session, year),
        festival_category_id=festival_category,
        festivals=festivals,
    )


def grades(session: Session, today: date | None = None,
           progress: Callable[[int, int], None] | None = None) -> Grades:
    """This year's self-assessment up to today as traffic lights (in checklist order). `progress(done,
    total)` is called before each item, so a background task can stop between items (ui.tasks)."""
    today = today or date.today()
    start = date(today.year, 1, 1)
    results = assessment.evaluate(session, start, today, today, progress=progress)
    lights = [GradeLight(r.item.id, r.item.code, r.item.indicator, r.grade,
                         LIGHTS.get(r.grade, GREY) if r.grade else GREY, len(r.problems)) for r in results]
    score, points = assessment.total_score(results)
    return Grades(start, today, lights, score, points)
