"""The ledger registry: every printable ledger, one entry each.

An entry says what a ledger is (key, Chinese title, what its rows are), whether it holds personal
data (then its export and its audit entry are one act, services.exporting.write_logged), which
parameters it takes, and how its rows are gathered and declared (`build`). Everything else reads
from here: `services.exporting.export` prints any ledger by key, the command line builds
`huiquan-desk export <key>` with its options from the entries (so `export --help` lists them all),
and the window's export actions name the file and the audit entry from them.

Adding a ledger is a declaration in exports/ plus one entry below (docs/adding-a-ledger.md walks
through one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.exports.activity_ledger import activity_ledger, period_text
from huiquan_desk.exports.audit_ledger import audit_ledger
from huiquan_desk.exports.family_ledgers import (
    family_ledger,
    household_roster,
    nomination_ledger,
    review_ledger,
)
from huiquan_desk.exports.inspection_ledgers import checklist_ledger, rectification_ledger
from huiquan_desk.exports.ledger import Ledger, Letterhead
from huiquan_desk.exports.volunteer_ledgers import (
    certificate_register,
    monthly_stats_ledger,
    service_ledger,
    volunteer_roster,
)

if TYPE_CHECKING:  # the registry itself stays light: the command line reads it to build its options
    from sqlalchemy.orm import Session

    from huiquan_desk.services.campaigns import CampaignDetail


@dataclass(frozen=True)
class LedgerParams:
    """What a ledger may be asked for; each entry says which of these it takes (`params`)."""

    date_from: date | None = None
    date_to: date | None = None
    category_id: int | None = None  # the category and its subtree
    team_id: int | None = None
    year: int | None = None
    text: str = ""  # 检索 (activities, roster) or the audit trail's free text
    status: str | None = None  # activities: planned / done / archived / all; None: all but 计划中
    without_photos: bool = False  # activities: only those without a photo
    entity: str | None = None  # the audit trail's 对象
    entity_id: int | None = None
    user: str | None = None  # the audit trail's 操作人
    campaign_id: int | None = None  # a civic family campaign (评选)
    round_id: int | None = None  # a destruction round (销毁鉴定)
    retention: str | None = None  # archives: a 保管期限 (Y / D30 / D10); None: every one


# What each parameter is called, for the command line's options and for messages.
PARAM_LABELS = {
    "date_from": "开始日期", "date_to": "结束日期", "category_id": "类别", "team_id": "队伍", "year": "年度",
    "text": "检索", "entity": "对象", "entity_id": "记录编号", "user": "操作人", "status": "状态",
    "without_photos": "只含没有照片的活动", "campaign_id": "评选", "round_id": "销毁鉴定", "retention": "保管期限",
}
ALL_STATUSES = "all"


@dataclass(frozen=True)
class LedgerEntry:
    key: str  # as typed on the command line: huiquan-desk export <key>
    title: str  # 活动台账 (the community's name goes before it when printed)
    rows: str  # what one row is: 活动, 志愿者, 服务记录 …
    personal: bool  # holds personal data: exported only by a signed-in account, and audited
    entity: str  # the table the audit entry of an export names
    params: tuple[str, ...]  # the LedgerParams fields it takes
    build: Callable[[Session, Letterhead, LedgerParams], Ledger]
    landscape: bool = True

    def file_stem(self, params: LedgerParams, today: date | None = None) -> str:
        """A file name for a save dialog: 活动台账_20260101-20261231, 志愿服务统计表_2026."""
        if params.date_from or params.date_to:
            start = f"{params.date_from:%Y%m%d}" if params.date_from else ""
            end = f"{params.date_to:%Y%m%d}" if params.date_to else ""
            return f"{self.title}_{start}-{end}"
        if params.year:
            return f"{self.title}_{params.year}"
        return f"{self.title}_{(today or date.today()):%Y%m%d}"


def letterhead(session: Session) -> Letterhead:
    from huiquan_desk.services.settings import get_profile

    profile = get_profile(session)
    return Letterhead(profile.name, profile.street, profile.fonds_code, profile.preparer)


def _check_period(params: LedgerParams) -> None:
    if params.date_from and params.date_to and params.date_to < params.date_from:
        raise ValidationError.single("时间范围", "结束日期不能早于开始日期")


def _team_name(session: Session, team_id: int | None) -> str | None:
    from huiquan_desk.services.volunteers import list_teams

    if team_id is None:
        return None
    name = next((t.name for t in list_teams(session) if t.id == team_id), None)
    if name is None:
        raise NotFoundError("所选队伍已不存在，可能已被删除。")
    return name


# --- how each ledger gathers its rows --------------------------------------------------------------
def _activities(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    """The filters of the screen, 计划中 left out unless asked for (a plan is not yet a record)."""
    from huiquan_desk.domain.activity import STATUS_LABELS, ActivityStatus
    from huiquan_desk.services.activities import ActivityFilter, list_activities
    from huiquan_desk.services.categories import list_categories

    _check_period(p)
    status = ActivityStatus(p.status) if p.status and p.status != ALL_STATUSES else None
    flt = ActivityFilter(date_from=p.date_from, date_to=p.date_to, category_id=p.category_id, status=status,
                         without_photos=p.without_photos, text=p.text, exclude_planned=p.status is None)
    rows = list_activities(session, flt, sort="start", descending=False)
    category = None
    if p.category_id is not None:
        category = next((c.path for c in list_categories(session) if c.id == p.category_id), None)
        if category is None:
            raise NotFoundError("所选类别已不存在，可能已被删除。")
    if status is not None:
        shown = STATUS_LABELS[status]
    elif p.status == ALL_STATUSES:
        shown = "全部"
    else:
        shown = f"{STATUS_LABELS[ActivityStatus.DONE]}、{STATUS_LABELS[ActivityStatus.ARCHIVED]}（不含计划中）"
    narrowed = [f"状态：{shown}"]
    if p.text.strip():
        narrowed.append(f"检索：{p.text.strip()}")
    if p.without_photos:
        narrowed.append("只含没有照片的活动")
    return activity_ledger(rows, head, p.date_from, p.date_to, category, narrowed)


def _roster(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    from huiquan_desk.services.volunteers import list_volunteers

    team = _team_name(session, p.team_id)
    return volunteer_roster(list_volunteers(session, p.text, p.team_id), head, date.today(), team, p.text.strip())


def _service_hours(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    from huiquan_desk.services.service_hours import NO_TEAM, NO_TEAM_ID, service_rows

    _check_period(p)
    team = NO_TEAM if p.team_id == NO_TEAM_ID else _team_name(session, p.team_id)
    rows = service_rows(session, p.date_from, p.date_to, team_id=p.team_id)
    return service_ledger(rows, head, p.date_from, p.date_to, team)


def _check_year(year: int | None) -> int:
    year = year or date.today().year
    if not 1949 <= year <= 2100:
        raise ValidationError.single("年度", "应为 4 位年份，如 2026")
    return year


def _monthly_stats(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    from huiquan_desk.services.service_hours import monthly_stats

    year = _check_year(p.year)
    return monthly_stats_ledger(monthly_stats(session, year), head, year)


def _certificate_register(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    from huiquan_desk.services.certificates import list_certificates

    year = _check_year(p.year) if p.year else None
    return certificate_register(list_certificates(session, year), head, year)


def audit_scope(p: LedgerParams) -> str:
    """The filters of an audit export in words, for the ledger's subtitle."""
    from huiquan_desk.services.entities import entity_label

    parts = [f"时间：{period_text(p.date_from, p.date_to)}"]
    if p.entity:
        parts.append(f"对象：{entity_label(p.entity)}" + (f" #{p.entity_id}" if p.entity_id is not None else ""))
    if p.user:
        parts.append(f"操作人：{p.user}")
    if p.text.strip():
        parts.append(f"检索：{p.text.strip()}")
    return "    ".join(parts)


def _audit(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    from huiquan_desk.services.audit_log import ledger_lines, query_audit

    _check_period(p)
    rows = query_audit(session, entity=p.entity, entity_id=p.entity_id, user=p.user, date_from=p.date_from,
                       date_to=p.date_to, text=p.text, limit=None)
    return audit_ledger(ledger_lines(rows), head, audit_scope(p), entries=len(rows))


def _campaign(session: Session, p: LedgerParams) -> CampaignDetail:
    from huiquan_desk.services.campaigns import get_campaign

    if p.campaign_id is None:
        raise ValidationError.single(PARAM_LABELS["campaign_id"],
                                     "请选择一项评选（命令行：--campaign 编号，编号见 huiquan-desk campaigns）")
    return get_campaign(session, p.campaign_id)


def _nominations(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    return nomination_ledger(_campaign(session, p), head)


def _review(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    return review_ledger(_campaign(session, p), head)


def _families(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    from huiquan_desk.services.campaigns import family_records

    year = _check_year(p.year) if p.year else None
    return family_ledger(family_records(session, year), head, year)


def _households(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    from huiquan_desk.services.households import list_households

    return household_roster(list_households(session, p.text), head, p.text.strip())


def _destruction_list(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    from huiquan_desk.exports.destruction_list import destruction_list
    from huiquan_desk.services.destruction import get_round

    if p.round_id is None:
        raise ValidationError.single(PARAM_LABELS["round_id"], "请选择一次销毁鉴定（命令行：--round 编号，编号见 huiquan-desk archive rounds）")
    detail = get_round(session, p.round_id)
    return destruction_list(detail.row, detail.decisions, head)


def _archive_catalog(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    """One catalogue a series of the year (of `retention` when given), each with its cover."""
    from huiquan_desk.exports.archive_catalogue import archive_catalogue
    from huiquan_desk.services.archive_prints import catalogue_series, check_year

    return archive_catalogue(catalogue_series(session, p.year, p.retention), head, check_year(p.year))


def _rectifications(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    """Every rectification found in the period, in the order found; overdue as of today."""
    from huiquan_desk.services.rectifications import list_rectifications

    _check_period(p)
    rows = [r for r in list_rectifications(session)
            if (p.date_from is None or r.found_on >= p.date_from) and (p.date_to is None or r.found_on <= p.date_to)]
    rows.sort(key=lambda r: (r.found_on, r.id))
    return rectification_ledger(rows, head, p.date_from, p.date_to, date.today())


def _checklist(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    """The self-assessment of the period (default: this year up to today). An empty checklist is
    judged by the default one without saving it: a print never writes (as `huiquan-desk assess`
    does when not signed in)."""
    from huiquan_desk.services import assessment

    _check_period(p)
    today = date.today()
    date_to = p.date_to or today
    date_from = p.date_from or date(date_to.year, 1, 1)
    _check_period(LedgerParams(date_from=date_from, date_to=date_to))
    items = None
    if not assessment.list_items(session):
        items = [assessment.ItemSpec(None, **d.__dict__) for d in assessment.default_checklist()]
    results = assessment.evaluate(session, date_from, date_to, today, items)
    return checklist_ledger(results, head, date_from, date_to)


def _responsibilities(session: Session, head: Letterhead, p: LedgerParams) -> Ledger:
    """The 责任分解表 of the year's plan (default: this year), progress as of today."""
    from huiquan_desk.services.plan_prints import responsibilities

    return responsibilities(session, head, _check_year(p.year))


LEDGERS: dict[str, LedgerEntry] = {e.key: e for e in (
    LedgerEntry("activities", "活动台账", "活动", False, "activities",
                ("date_from", "date_to", "category_id", "status", "text", "without_photos"), _activities),
    LedgerEntry("volunteers", "志愿者花名册", "志愿者", True, "volunteers", ("team_id", "text"), _roster),
    LedgerEntry("service-hours", "志愿服务记录台账", "服务记录", True, "service_records",
                ("date_from", "date_to", "team_id"), _service_hours),
    LedgerEntry("monthly-stats", "志愿服务统计表", "月度统计", False, "service_records", ("year",), _monthly_stats,
                landscape=False),
    LedgerEntry("certificate-register", "志愿服务证明登记簿", "证明", True, "certificates", ("year",),
                _certificate_register),
    LedgerEntry("audit", "操作日志", "日志条目", True, "audit_log", ("date_from", "date_to", "entity", "user", "text"),
                _audit),
    LedgerEntry("nominations", "推荐名单", "推荐家庭", True, "nominations", ("campaign_id",), _nominations),
    LedgerEntry("review", "评议结果", "推荐家庭", True, "nominations", ("campaign_id",), _review),
    LedgerEntry("families", "文明家庭创建台账", "推荐记录", True, "nominations", ("year",), _families),
    LedgerEntry("households", "家庭花名册", "家庭", True, "households", ("text",), _households),
    LedgerEntry("destruction-list", "销毁清册", "鉴定意见", False, "destruction_rounds", ("round_id",), _destruction_list),
    LedgerEntry("archive-catalog", "归档文件目录", "归档文件", False, "archive_items", ("year", "retention"), _archive_catalog),
    LedgerEntry("rectifications", "整改台账", "整改问题", False, "rectifications", ("date_from", "date_to"),
                _rectifications),
    LedgerEntry("checklist", "测评自查表", "测评项目", False, "checklist_items", ("date_from", "date_to"), _checklist),
    LedgerEntry("responsibilities", "责任分解表", "工作任务", False, "plan_tasks", ("year",), _responsibilities),
)}


def ledger_entry(key: str) -> LedgerEntry:
    try:
        return LEDGERS[key]
    except KeyError:
        raise ValidationError.single("台账", f"没有「{key}」这种台账，可以导出：{'、'.join(LEDGERS)}") from None


def build_ledger(session: Session, key: str, params: LedgerParams) -> Ledger:
    return ledger_entry(key).build(session, letterhead(session), params)
