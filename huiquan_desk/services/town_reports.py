"""Reports for the town civilization office (镇文明办): the monthly report (月报) and the annual data
annex (年度数据附表), gathered for a period in one read session as plain dataclasses
(`gather_report`), and written as PDF or Excel (`export_town_report`, exports.town_report).

What the two hold
-----------------
Both: the headline numbers (活动次数, 参与人次, 志愿服务时长 …); activities that took place
(已开展 / 已归档) by top-level category (the five sections of the plan, or whatever the user's tree
has at its top) with participants and how many lack photos; volunteers (注册 by the period's last
day, 新注册 in the period, 参与服务 = served at least once in it) and service hours, total and by
team (a volunteer counts under the team he is in now; 未分队 for none); the civic family
campaigns of the period's year (kind, stage, nominations, households chosen) with the households
commended — named as a public notice names them, 「王建国家庭」 by the 户主's name, never a phone,
an ID number or a door (DOMAIN.md, personal data); the archive (items of the year filed, numbered,
boxed, boxes, what of the year is still unfiled, the filing deadline) and the last fixity check;
the self-assessment of the period (services.assessment.evaluate: every item's grade and score, the
total); the rectifications still open as of the day the report is made (overdue ones marked), and
how many were found and verified in the period.

月报 (a calendar month): the categories with a chart, and the list of the month's activities
(date, title, category, place, participants, photos), as the town asks to see what was done; the
archive of the month's year, and of the year before until its filing deadline (June 30) has passed.
年度数据附表 (a calendar year): activities per month and category (a stacked chart and its table),
service hours per month, and the archive of that year.

A period still running is reported as of today (「统计截至」); a period that has not begun is
refused with a Chinese message naming 月份 / 年度, as is a month like 「2026-13」. The numbers come
from aggregate SQL (GROUP BY over the indexed dates): on bench/generate.py's community of 100,000
activities a month (1,119 activities, all listed) or a year is gathered in about 0.15 s; the
self-assessment takes what services.assessment.evaluate takes.

The report names residents (the commended households), so it is written with its audit entry as
one act (services.exporting.write_logged), like the campaign's 公示.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import assessment as grading
from huiquan_desk.domain.activity import ActivityStatus, AttachmentKind
from huiquan_desk.domain.dates import EARLIEST_YEAR, cn_date
from huiquan_desk.domain.errors import Progress, ValidationError
from huiquan_desk.domain.family import STAGE_LABELS, Decision, Stage
from huiquan_desk.exports.ledger import Letterhead
from huiquan_desk.services import assessment, filing, fixity
from huiquan_desk.services.activities import held_without_photos
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.ledgers import letterhead
from huiquan_desk.services.rectifications import RectificationRow, list_rectifications
from huiquan_desk.storage.models import (
    Activity,
    ArchiveBox,
    ArchiveItem,
    Attachment,
    Campaign,
    Household,
    Nomination,
    ServiceRecord,
    Team,
    Volunteer,
)

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

Kind = Literal["month", "year"]
MONTH_FIELD = "月份"
YEAR_FIELD = "年度"
NO_TEAM = "未分队"
COUNTED = (ActivityStatus.DONE.value, ActivityStatus.ARCHIVED.value)  # activities that took place
COMMENDED = (Stage.COMMEND.value, Stage.PUBLICIZE.value)
OPEN = tuple(s.value for s in grading.OPEN_STATUSES)
ENTITY = "campaigns"  # what the audit entry of a report names: the residents in it are the commended households


# --- the period ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportPeriod:
    kind: Kind
    year: int
    month: int | None = None

    @property
    def first(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def last(self) -> date:
        if self.month is None or self.month == 12:
            return date(self.year, 12, 31)
        return date(self.year, self.month + 1, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        """2026年11月 / 2026年度."""
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年度"

    @property
    def name(self) -> str:
        """月报 / 年度数据附表."""
        return "月报" if self.kind == "month" else "年度数据附表"

    @property
    def unit(self) -> str:
        """本月 / 本年: how running text names the period."""
        return "本月" if self.kind == "month" else "本年"

    @property
    def stem(self) -> str:
        """2026-11 / 2026: as a file name carries it."""
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


def month_period(text: str, today: date | None = None) -> ReportPeriod:
    """「2026-11」 (also 2026-1, 2026年11月, 2026/11) as a month that has begun by `today`."""
    found = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", text or "")
    if found is None:
        raise ValidationError.single(MONTH_FIELD, f"「{text}」不是月份，应写成 年-月，如 2026-11")
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12:
        raise ValidationError.single(MONTH_FIELD, f"「{text}」的月份应在 1 到 12 之间")
    return checked(ReportPeriod("month", year, month), today)


def year_period(year: int | str, today: date | None = None) -> ReportPeriod:
    """A calendar year that has begun by `today`."""
    try:
        number = int(str(year).strip().removesuffix("年度").removesuffix("年"))
    except ValueError:
        raise ValidationError.single(YEAR_FIELD, f"「{year}」不是年份，应写成四位数字，如 2026") from None
    return checked(ReportPeriod("year", number), today)


def checked(period: ReportPeriod, today: date | None = None) -> ReportPeriod:
    """`period`, if it is one a report can be made for: begun by `today`, not before EARLIEST_YEAR."""
    today = today or date.today()
    what = MONTH_FIELD if period.kind == "month" else YEAR_FIELD
    if period.year < EARLIEST_YEAR:
        raise ValidationError.single(what, f"{period.label}太早了，应在 {EARLIEST_YEAR} 年以后")
    if period.first > today:
        raise ValidationError.single(what, f"{period.label}还没有到（今天是{cn_date(today)}），不能生成{period.name}")
    return period


def last_month(today: date | None = None) -> ReportPeriod:
    """The month before `today`'s: what a monthly report is usually made for."""
    first = (today or date.today()).replace(day=1) - timedelta(days=1)
    return ReportPeriod("month", first.year, first.month)


# --- what the report holds -------------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryLine:
    name: str  # a top-level category
    count: int
    participants: int
    without_photos: int


@dataclass(frozen=True)
class MonthLine:
    month: int
    counts: tuple[int, ...]  # activities per top-level category, in ActivitySummary.categories' order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class ActivityLine:
    id: int
    day: date
    title: str
    category: str  # the path: 社会环境/传统节日
    place: str
    participants: int
    photos: int


@dataclass(frozen=True)
class ActivitySummary:
    categories: tuple[str, ...]  # the top-level categories, in the tree's order
    by_category: list[CategoryLine]
    by_month: list[MonthLine]  # the year annex: 12 months; the month report: its one month
    activities: list[ActivityLine]  # the month report only

    @property
    def total(self) -> int:
        return sum(c.count for c in self.by_category)

    @property
    def participants(self) -> int:
        return sum(c.participants for c in self.by_category)

    @property
    def without_photos(self) -> int:
        return sum(c.without_photos for c in self.by_category)


@dataclass(frozen=True)
class TeamLine:
    name: str
    members: int  # registered by the period's last day
    active: int  # served at least once in the period
    records: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class HoursMonth:
    month: int
    volunteers: int
    records: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class VolunteerSummary:
    registered: int
    new: int
    active: int
    records: int
    minutes: int
    late: int  # service records entered after the 10-working-day deadline
    teams: list[TeamLine]
    by_month: list[HoursMonth]  # the year annex only

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class CampaignLine:
    id: int
    title: str
    kind: str
    stage: str
    nominations: int
    chosen: int
    commended_on: date | None
    families: tuple[str, ...]  # 王建国家庭 …: the households commended (only once commended)

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    items: int
    numbered: int
    boxed: int
    boxes: int
    pages: int
    unfiled_activities: int
    unfiled_campaigns: int
    due: date  # the year's 文书 are filed by this day

    @property
    def unfiled(self) -> int:
        return self.unfiled_activities + self.unfiled_campaigns


@dataclass(frozen=True)
class ArchiveSummary:
    years: list[ArchiveYear]
    last_check: fixity.CheckRow | None


@dataclass(frozen=True)
class GradeLine:
    code: str
    project: str
    indicator: str
    points: float
    grade: str  # A / B / C / C# / 待人工评定
    score: float | None
    problems: int
    first_problem: str


@dataclass(frozen=True)
class AssessmentSummary:
    items: list[GradeLine]
    score: float
    points: float  # of the items graded

    def count(self, grade: str) -> int:
        return sum(1 for item in self.items if item.grade == grade)

    @property
    def pending(self) -> int:
        return self.count(grading.PENDING)


@dataclass(frozen=True)
class RectificationSummary:
    open: list[RectificationRow]  # 待整改 / 整改中 as of the report's day, the oldest deadline first
    overdue_ids: frozenset[int]
    found: int  # found in the period
    verified: int  # verified (已验收) in the period

    @property
    def overdue(self) -> int:
        return len(self.overdue_ids)


@dataclass(frozen=True)
class TownReport:
    period: ReportPeriod
    head: Letterhead
    committee: str  # 惠泉社区居民委员会: who reports
    today: date  # the day the report is made
    activities: ActivitySummary
    volunteers: VolunteerSummary
    campaigns: list[CampaignLine]
    archives: ArchiveSummary
    assessment: AssessmentSummary
    rectifications: RectificationSummary
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """惠泉社区文明创建工作月报（2026年11月）."""
        return self.head.title(f"文明创建工作{self.period.name}（{self.period.label}）")

    @property
    def until(self) -> date:
        """The last day counted: the period's last, or today while it runs."""
        return min(self.period.last, self.today)

    @property
    def running(self) -> bool:
        return self.period.last > self.today

    @property
    def commended_families(self) -> int:
        return sum(len(c.families) for c in self.campaigns)


# --- gathering -------------------------------------------------------------------------------------
def _span(first: date, last: date):  # type: ignore[no-untyped-def]
    return Activity.start_at.between(datetime.combine(first, time.min), datetime.combine(last, time(23, 59, 59)))


def _month_of(column):  # type: ignore[no-untyped-def]
    return cast(func.strftime("%m", column), Integer)


def _activities(session: Session, period: ReportPeriod, last: date) -> ActivitySummary:
    nodes = list_categories(session)
    top: dict[int, str] = {}
    path: dict[int, str] = {}
    for node in nodes:  # tree order: a parent before its children
        top[node.id] = node.name if node.parent_id is None else top.get(node.parent_id, node.name)
        path[node.id] = node.path
    names = [node.name for node in nodes if node.parent_id is None]
    month = _month_of(Activity.start_at)
    rows = session.execute(
        select(Activity.category_id, month, func.count(), func.coalesce(func.sum(Activity.participants), 0))
        .where(Activity.status.in_(COUNTED), _span(period.first, last))
        .group_by(Activity.category_id, month)).all()
    per_cat: dict[str, list[int]] = {name: [0, 0, 0] for name in names}
    per_month: dict[int, dict[str, int]] = {}
    bare = held_without_photos(session, period.first, last)  # the home page's rule and count
    for category_id, m, count, participants in rows:
        name = top.get(category_id, "（未分类）")
        if name not in per_cat:
            per_cat[name] = [0, 0, 0]
            names.append(name)
        totals = per_cat[name]
        totals[0] += count
        totals[1] += participants or 0
        totals[2] += bare.pop(category_id, 0)
        cell = per_month.setdefault(int(m), {})
        cell[name] = cell.get(name, 0) + count
    by_category = [CategoryLine(name, *per_cat[name]) for name in names]
    months = range(1, 13) if period.kind == "year" else [period.month or 1]
    by_month = [MonthLine(m, tuple(per_month.get(m, {}).get(name, 0) for name in names)) for m in months]
    listed: list[ActivityLine] = []
    if period.kind == "month":
        photos = (select(func.count()).where(Attachment.activity_id == Activity.id,
                                             Attachment.kind == AttachmentKind.PHOTO.value).scalar_subquery())
        for a in session.execute(
                select(Activity.id, Activity.start_at, Activity.title, Activity.category_id, Activity.place,
                       Activity.participants, photos)
                .where(Activity.status.in_(COUNTED), _span(period.first, last))
                .order_by(Activity.start_at, Activity.id)):
            listed.append(ActivityLine(a.id, a.start_at.date(), a.title, path.get(a.category_id, ""), a.place,
                                       a.participants, a[6]))
    return ActivitySummary(tuple(names), by_category, by_month, listed)


def _volunteers(session: Session, period: ReportPeriod, last: date) -> VolunteerSummary:
    first = period.first
    in_period = ServiceRecord.service_date.between(first, last)
    registered = session.scalar(select(func.count()).select_from(Volunteer).where(Volunteer.registered_on <= last)) or 0
    new = session.scalar(select(func.count()).select_from(Volunteer)
                         .where(Volunteer.registered_on.between(first, last))) or 0
    active, records, minutes, late = session.execute(
        select(func.count(func.distinct(ServiceRecord.volunteer_id)), func.count(),
               func.coalesce(func.sum(ServiceRecord.minutes), 0),
               func.coalesce(func.sum(case((ServiceRecord.late, 1), else_=0)), 0)).where(in_period)).one()
    members = dict(session.execute(select(Volunteer.team_id, func.count()).where(Volunteer.registered_on <= last)
                                   .group_by(Volunteer.team_id)).all())
    served = {row[0]: row[1:] for row in session.execute(
        select(Volunteer.team_id, func.count(func.distinct(ServiceRecord.volunteer_id)), func.count(),
               func.sum(ServiceRecord.minutes))
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id).where(in_period).group_by(Volunteer.team_id))}
    teams = [TeamLine(name, members.get(team_id, 0), *served.get(team_id, (0, 0, 0)))
             for team_id, name in session.execute(select(Team.id, Team.name).order_by(Team.sort_order, Team.id))]
    if members.get(None) or served.get(None):
        teams.append(TeamLine(NO_TEAM, members.get(None, 0), *served.get(None, (0, 0, 0))))
    by_month: list[HoursMonth] = []
    if period.kind == "year":
        month = _month_of(ServiceRecord.service_date)
        found = {int(m): (v, n, s) for m, v, n, s in session.execute(
            select(month, func.count(func.distinct(ServiceRecord.volunteer_id)), func.count(),
                   func.sum(ServiceRecord.minutes)).where(in_period).group_by(month))}
        by_month = [HoursMonth(m, *found.get(m, (0, 0, 0))) for m in range(1, 13)]
    return VolunteerSummary(registered, new, active, records, minutes, late, teams, by_month)


def _campaigns(session: Session, period: ReportPeriod) -> list[CampaignLine]:
    counts = {cid: (n, chosen) for cid, n, chosen in session.execute(
        select(Nomination.campaign_id, func.count(),
               func.sum(case((Nomination.decision == Decision.CHOSEN.value, 1), else_=0)))
        .join(Campaign, Campaign.id == Nomination.campaign_id).where(Campaign.year == period.year)
        .group_by(Nomination.campaign_id))}
    families: dict[int, list[str]] = {}
    for cid, head in session.execute(
            select(Nomination.campaign_id, Household.head_name).join(Household, Household.id == Nomination.household_id)
            .join(Campaign, Campaign.id == Nomination.campaign_id)
            .where(Campaign.year == period.year, Campaign.stage.in_(COMMENDED),
                   Nomination.decision == Decision.CHOSEN.value).order_by(Nomination.campaign_id, Nomination.id)):
        families.setdefault(cid, []).append(f"{head}家庭")
    out = []
    for c in session.execute(select(Campaign.id, Campaign.title, Campaign.kind, Campaign.stage, Campaign.commended_on)
                             .where(Campaign.year == period.year).order_by(Campaign.id)):
        n, chosen = counts.get(c.id, (0, 0))
        out.append(CampaignLine(c.id, c.title, c.kind, c.stage, n, chosen or 0,
                                c.commended_on if c.stage in COMMENDED else None, tuple(families.get(c.id, ()))))
    return out


def _archive_year(session: Session, year: int) -> ArchiveYear:
    items, numbered, boxed, pages = session.execute(
        select(func.count(), func.count(ArchiveItem.number), func.count(ArchiveItem.box_id),
               func.coalesce(func.sum(ArchiveItem.pages), 0)).where(ArchiveItem.year == year)).one()
    boxes = session.scalar(select(func.count()).select_from(ArchiveBox).where(ArchiveBox.year == year)) or 0
    acts, camps = filing.unfiled_counts(session, year, year).get(year, (0, 0))
    return ArchiveYear(year, items, numbered, boxed, boxes, pages, acts, camps, filing.due_date(year))


def _archives(session: Session, period: ReportPeriod) -> ArchiveSummary:
    years = [period.year]
    if period.kind == "month" and period.first <= filing.due_date(period.year - 1):
        years.insert(0, period.year - 1)  # last year's filing is still due
    return ArchiveSummary([_archive_year(session, y) for y in years], fixity.last_check(session))


def _assessment(session: Session, period: ReportPeriod, today: date) -> AssessmentSummary:
    results = assessment.evaluate(session, period.first, period.last, today)
    lines = [GradeLine(r.code, r.item.project, r.item.indicator, r.item.points, r.grade_text, r.score,
                       len(r.problems), r.problems[0].text if r.problems else (r.note or ""))
             for r in results]
    score, points = assessment.total_score(results)
    return AssessmentSummary(lines, score, points)


def _rectifications(session: Session, period: ReportPeriod, last: date, today: date) -> RectificationSummary:
    rows = list_rectifications(session)
    still = sorted((r for r in rows if r.status in OPEN), key=lambda r: (r.deadline or date.max, r.id))
    found = sum(1 for r in rows if period.first <= r.found_on <= last)
    verified = sum(1 for r in rows if r.verified_on is not None and period.first <= r.verified_on <= last)
    return RectificationSummary(still, frozenset(r.id for r in still if r.is_overdue(today)), found, verified)


def committee_name(head: Letterhead) -> str:
    """惠泉社区居民委员会 (the name as it is when it already ends so)."""
    if not head.community:
        return ""
    return head.community if head.community.endswith(("居民委员会", "居委会")) else f"{head.community}居民委员会"


def gather_report(session: Session, period: ReportPeriod, today: date | None = None) -> TownReport:
    """Everything the report of `period` says, as of `today` (the period must have begun)."""
    today = today or date.today()
    checked(period, today)
    last = min(period.last, today)
    head = letterhead(session)
    return TownReport(
        period=period, head=head, committee=committee_name(head), today=today,
        activities=_activities(session, period, last),
        volunteers=_volunteers(session, period, last),
        campaigns=_campaigns(session, period),
        archives=_archives(session, period),
        assessment=_assessment(session, period, today),
        rectifications=_rectifications(session, period, last, today),
    )


# --- writing ---------------------------------------------------------------------------------------
def report_format(path: Path, fmt: str | None) -> str:
    """pdf / xlsx: as given, else from the file's extension (services.exporting's one rule)."""
    from huiquan_desk.services.exporting import format_from_path

    return format_from_path(path, fmt, "报表")


def file_name(period: ReportPeriod, fmt: str) -> str:
    """What a save dialog suggests: 文明创建工作月报_2026-11.pdf."""
    return f"文明创建工作{period.name}_{period.stem}.{fmt}"


def export_town_report(ws: Workspace, period: ReportPeriod, path: Path, fmt: str | None = None,
                       progress: Progress | None = None, today: date | None = None) -> TownReport:
    """Gather the report of `period` and write it to `path` as PDF or xlsx, with its audit entry
    (the report names the commended households); returns what was written."""
    from huiquan_desk.exports.town_report import write_town_report_pdf, write_town_report_xlsx
    from huiquan_desk.services.exporting import write_logged

    fmt = report_format(path, fmt)
    gathered: list[TownReport] = []

    def write(session: Session, out: Path) -> int:
        report = gather_report(session, period, today)
        gathered.append(report)
        if progress is not None:
            progress(1, 3)
        (write_town_report_pdf if fmt == "pdf" else write_town_report_xlsx)(report, out)
        if progress is not None:
            progress(3, 3)
        return report.activities.total

    write_logged(ws, Path(path), ENTITY, f"镇文明办{period.name}（{period.label}）", write)
    return gathered[0]
