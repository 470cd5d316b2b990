"""Self-assessment (测评自查): the checklist kept as data, evaluated over the records for any period.

`evaluate(session, date_from, date_to)` judges every item in force by its rule
(domain.assessment's vocabulary) and gives, per item, the grade (A / B / C / C# by the item's
problem thresholds), the score (grade share × points), each problem with the record that fixes it
(table, id) where there is one, and the evidence: the records that satisfy it. An item without a
rule takes the latest hand-made assessment covering the period (`record_manual`), or shows
「待人工评定」.

The checklist: `default_checklist()` (from DOMAIN.md and the 惠泉社区 plan's five sections),
`seed_checklist` (only into an empty table), `add_item` / `update_item` / `retire_item` with
Chinese messages naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.activity import ActivityStatus, AttachmentKind
from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.family import Stage
from huiquan_desk.domain.text import clean, text_problems
from huiquan_desk.domain.workdays import working_days_between
from huiquan_desk.services import filing, fixity
from huiquan_desk.services.categories import list_categories, resolve_category, subtree_ids
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.storage.models import (
    Activity,
    ArchiveItem,
    Campaign,
    ChecklistItem,
    ManualAssessment,
    Rectification,
    ServiceRecord,
    Volunteer,
)

L = rules.ITEM_LABELS
M = rules.MANUAL_LABELS
COMMENDED = (Stage.COMMEND.value, Stage.PUBLICIZE.value)
COUNTED = (ActivityStatus.DONE.value, ActivityStatus.ARCHIVED.value)  # activities that took place


# --- results ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """A problem (or a piece of evidence) and the record it is about: `fix` = (table, id), None
    when no one record fixes it (an activity still to be held)."""

    text: str
    fix: tuple[str, int] | None = None


@dataclass(frozen=True)
class ItemSpec:
    """A checklist item as evaluated: a stored one (id) or one not saved yet (id None)."""

    id: int | None
    code: str
    project: str
    indicator: str
    content: str
    points: float
    method: str
    rule: str = ""
    thresholds: str = rules.DEFAULT_THRESHOLDS
    sort_order: int = 0
    retired: bool = False

    @property
    def rule_sentence(self) -> str:
        return rules.rule_sentence(rules.parse_rule(self.rule))


@dataclass(frozen=True)
class ManualRow:
    id: int
    item_id: int
    period_from: date
    period_to: date
    grade: str
    note: str
    evidence: str
    assessed_by: str
    assessed_on: date


@dataclass(frozen=True)
class ItemResult:
    item: ItemSpec
    grade: str | None  # None: an item by hand not assessed for the period
    score: float | None
    problems: list[Finding] = field(default_factory=list)
    evidence: list[Finding] = field(default_factory=list)
    manual: ManualRow | None = None
    note: str = ""  # what the rule could not judge yet (a month still running …)

    @property
    def grade_text(self) -> str:
        return self.grade or rules.PENDING

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def lost_points(self) -> float:
        return round(self.item.points - (self.score or 0.0), 2) if self.grade else 0.0


# --- periods ---------------------------------------------------------------------------------------
def _units(per: rules.Per, start: date, end: date) -> list[tuple[date, date, str]]:
    """The calendar months / quarters / years touching [start, end]: (first day, last day, name)."""
    out = []
    if per is rules.Per.YEAR:
        return [(date(y, 1, 1), date(y, 12, 31), f"{y}年") for y in range(start.year, end.year + 1)]
    step = 1 if per is rules.Per.MONTH else 3
    year, month = start.year, (start.month - 1) // step * step + 1
    while date(year, month, 1) <= end:
        first = date(year, month, 1)
        ny, nm = (year + 1, 1) if month + step > 12 else (year, month + step)
        last = date(ny, nm, 1) - timedelta(days=1)
        name = f"{year}年{month}月" if step == 1 else f"{year}年第{(month - 1) // 3 + 1}季度"
        out.append((first, last, name))
        year, month = ny, nm
    return out


def _between(column, start: date, end: date):  # type: ignore[no-untyped-def]
    return column.between(datetime.combine(start, datetime.min.time()),
                          datetime.combine(end, datetime.max.time().replace(microsecond=0)))


# --- the rule kinds --------------------------------------------------------------------------------
Judged = tuple[list[Finding], list[Finding], str]  # problems, evidence, note


def _category_ids(session: Session, name: str) -> list[int] | None:
    node = resolve_category(list_categories(session), name)
    return subtree_ids(session, node.id) if node is not None else None


def _missing_category(name: str) -> Judged:
    return [Finding(f"找不到活动类别「{name}」，请在「设置」中核对类别名称或修改本项规则")], [], ""


def _category_count(session: Session, rule: rules.CategoryCount, start: date, end: date, today: date) -> Judged:
    ids = _category_ids(session, rule.category)
    if ids is None:
        return _missing_category(rule.category)
    problems, evidence, running = [], [], []
    for first, last, name in _units(rule.per, start, end):
        if first > today:
            continue
        acts = session.execute(select(Activity.id, Activity.title, Activity.start_at).where(
            Activity.category_id.in_(ids), Activity.status.in_(COUNTED), _between(Activity.start_at, first, last))
            .order_by(Activity.start_at, Activity.id)).all()
        evidence += [Finding(f"{cn_date(a.start_at.date())}「{a.title}」", ("activities", a.id)) for a in acts]
        if len(acts) >= rule.n:
            continue
        if last >= today:  # the month is still running: not a problem yet
            running.append(f"{name}已开展 {len(acts)} 次，还需 {rule.n - len(acts)} 次")
            continue
        problems.append(Finding(f"{name}：{rule.category}类活动 {len(acts)} 次，应至少 {rule.n} 次"))
    return problems, evidence, "；".join(running)


def _category_evidence(session: Session, rule: rules.CategoryEvidence, start: date, end: date, today: date) -> Judged:
    ids = _category_ids(session, rule.category)
    if ids is None:
        return _missing_category(rule.category)
    problems, evidence = [], []
    acts = session.scalars(select(Activity).where(Activity.category_id.in_(ids), Activity.status.in_(COUNTED),
                                                   _between(Activity.start_at, start, end))
                           .order_by(Activity.start_at, Activity.id)).all()
    for a in acts:
        photos = sum(1 for f in a.attachments if f.kind == AttachmentKind.PHOTO.value)
        signed = any(f.kind == AttachmentKind.SIGN_IN.value for f in a.attachments)
        lacks = []
        if photos < rule.photos:
            lacks.append(f"照片 {photos} 张（应至少 {rule.photos} 张）")
        if rule.sign_in and not signed:
            lacks.append("缺签到表")
        name = f"{cn_date(a.start_at.date())}「{a.title}」"
        if lacks:
            problems.append(Finding(f"{name}：{'，'.join(lacks)}", ("activities", a.id)))
        else:
            evidence.append(Finding(f"{name}：照片 {photos} 张{'，有签到表' if signed else ''}", ("activities", a.id)))
    return problems, evidence, "" if acts else f"评定时段内没有{rule.category}类活动"


def _hours_on_time(session: Session, rule: rules.HoursOnTime, start: date, end: date, today: date) -> Judged:
    problems, on_time = [], 0
    rows = session.execute(select(ServiceRecord.id, ServiceRecord.service_date, ServiceRecord.entered_at,
                                  ServiceRecord.title, Volunteer.name)
                           .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
                           .where(ServiceRecord.service_date.between(start, end))
                           .order_by(ServiceRecord.service_date, ServiceRecord.id)).all()
    for r in rows:
        days = working_days_between(r.service_date, r.entered_at.date())
        if days > rule.workdays:
            problems.append(Finding(f"{r.name} {cn_date(r.service_date)}「{r.title or '志愿服务'}」的时长在第 {days} 个"
                                    f"工作日才录入（应在 {rule.workdays} 个工作日内）", ("service_records", r.id)))
        else:
            on_time += 1
    evidence = [Finding(f"按时录入的服务记录 {on_time} 条（共 {len(rows)} 条）")] if rows else []
    return problems, evidence, "" if rows else "评定时段内没有服务记录"


def _average_hours(session: Session, rule: rules.AverageHours, start: date, end: date, today: date) -> Judged:
    last = min(end, today)
    volunteers = session.scalar(select(func.count()).select_from(Volunteer).where(Volunteer.registered_on <= last)) or 0
    if not volunteers:
        return [Finding("没有注册志愿者")], [], ""
    minutes = session.scalar(select(func.coalesce(func.sum(ServiceRecord.minutes), 0))
                             .where(ServiceRecord.service_date.between(start, last))) or 0
    days = (last - start).days + 1
    target = rule.hours * max(days, 0) / 365
    average = minutes / 60 / volunteers
    said = f"注册志愿者 {volunteers} 人，服务 {minutes / 60:.1f} 小时，人均 {average:.1f} 小时"
    if average + 1e-9 < target:
        return [Finding(f"{said}，低于按 {days} 天折算的 {target:.1f} 小时（每年 {rule.hours:g} 小时）")], [], ""
    return [], [Finding(f"{said}，达到按 {days} 天折算的 {target:.1f} 小时")], ""


def _filed_by(session: Session, rule: rules.FiledBy, start: date, end: date, today: date) -> Judged:
    last = min(end, today)
    year = last.year - 1
    due = filing.due_date(year)
    filed = session.execute(select(ArchiveItem.id, ArchiveItem.title, ArchiveItem.created_at).where(
        ArchiveItem.year == year, (ArchiveItem.activity_id.is_not(None)) | (ArchiveItem.campaign_id.is_not(None)))
        .order_by(ArchiveItem.id)).all()
    evidence = [Finding(f"{year}年已归档：{f.title}", ("archive_items", f.id)) for f in filed if f.created_at.date() <= due]
    waiting = filing.unfiled(session, year)
    if last <= due:
        note = f"{year}年的材料应在{cn_date(due)}前归档" + (f"，还有 {len(waiting)} 项未归档" if waiting else "")
        return [], evidence, note
    problems = [Finding(f"{year}年的{'活动' if c.kind == 'activity' else '评选'}「{c.title}」超过{cn_date(due)}仍未归档",
                        ("activities" if c.kind == "activity" else "campaigns", c.id)) for c in waiting]
    problems += [Finding(f"{year}年的「{f.title}」在{cn_date(f.created_at.date())}才归档（应在{cn_date(due)}前）",
                         ("archive_items", f.id)) for f in filed if f.created_at.date() > due]
    return problems, evidence, ""


def _campaign_commended(session: Session, rule: rules.CampaignCommended, start: date, end: date,
                        today: date) -> Judged:
    problems, evidence = [], []
    for year in range(start.year, end.year + 1):
        found = session.execute(select(Campaign.id, Campaign.title, Campaign.stage, Campaign.commended_on).where(
            Campaign.kind == rule.campaign_kind, Campaign.year == year).order_by(Campaign.id)).all()
        done = [c for c in found if c.stage in COMMENDED]
        if done:
            evidence += [Finding(f"「{c.title}」已表彰" + (f"（{cn_date(c.commended_on)}）" if c.commended_on else ""),
                                 ("campaigns", c.id)) for c in done]
            continue
        going = found[0] if found else None
        problems.append(Finding(f"{year}年的{rule.campaign_kind}评选" + ("尚未完成表彰" if going else "还没有开展"),
                                ("campaigns", going.id) if going else None))
    return problems, evidence, ""


def _no_overdue(session: Session, rule: rules.NoOverdueRectification, start: date, end: date, today: date) -> Judged:
    from huiquan_desk.services.rectifications import overdue

    problems = [Finding(f"「{r.problem[:40]}」超过整改时限{cn_date(r.deadline)}仍{r.status_label}"
                        + (f"（责任人 {r.responsible}）" if r.responsible else ""), ("rectifications", r.id))
                for r in overdue(session, min(end, today)) if r.deadline is not None]
    closed = session.scalar(select(func.count()).select_from(Rectification).where(
        Rectification.status.in_([rules.Status.DONE.value, rules.Status.VERIFIED.value]))) or 0
    return problems, [Finding(f"已整改完成的问题 {closed} 个")] if closed else [], ""


def _fixity_within(session: Session, rule: rules.FixityWithin, start: date, end: date, today: date) -> Judged:
    last = fixity.last_check(session)
    if last is None:
        return [Finding("还没有做过档案检测")], [], ""
    ref = min(end, today)
    age = (ref - last.checked_at.date()).days
    problems = []
    said = f"最近一次档案检测：{cn_date(last.checked_at.date())}，检测 {last.files} 个文件"
    if age > rule.days:
        problems.append(Finding(f"{said}，已过 {age} 天（应在 {rule.days} 天内）", ("fixity_checks", last.id)))
    if last.problems:
        problems.append(Finding(f"最近一次档案检测发现 {last.problems} 个问题", ("fixity_checks", last.id)))
    return problems, [] if problems else [Finding(said, ("fixity_checks", last.id))], ""


JUDGES = {"category_count": _category_count, "category_evidence": _category_evidence, "hours_on_time": _hours_on_time,
          "average_hours": _average_hours, "filed_by": _filed_by, "campaign_commended": _campaign_commended,
          "no_overdue_rectification": _no_overdue, "fixity_within": _fixity_within}


# --- evaluation ------------------------------------------------------------------------------------
def _spec(item: ChecklistItem) -> ItemSpec:
    return ItemSpec(item.id, item.code, item.project, item.indicator, item.content, item.points, item.method,
                    item.rule, item.thresholds, item.sort_order, item.retired)


def _manual_row(m: ManualAssessment) -> ManualRow:
    return ManualRow(m.id, m.item_id, m.period_from, m.period_to, m.grade, m.note, m.evidence, m.assessed_by,
                     m.assessed_on)


def latest_manual(session: Session, item_id: int, date_from: date, date_to: date) -> ManualRow | None:
    """The latest hand-made assessment of the item whose period covers [date_from, date_to]."""
    found = session.scalar(select(ManualAssessment).where(
        ManualAssessment.item_id == item_id, ManualAssessment.period_from <= date_from,
        ManualAssessment.period_to >= date_to).order_by(ManualAssessment.assessed_on.desc(), ManualAssessment.id.desc())
        .limit(1))
    return _manual_row(found) if found is not None else None


def _check_period(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ValidationError.single("评定时段", "结束日期不能早于开始日期")


def evaluate_item(session: Session, item: ItemSpec, date_from: date, date_to: date,
                  today: date | None = None) -> ItemResult:
    today = today or date.today()
    rule = rules.parse_rule(item.rule)
    if rule is None:
        manual = latest_manual(session, item.id, date_from, date_to) if item.id is not None else None
        if manual is None:
            return ItemResult(item, None, None)
        evidence = [Finding(manual.evidence)] if manual.evidence else []
        return ItemResult(item, manual.grade, rules.score_for(manual.grade, item.points), [], evidence, manual,
                          manual.note)
    problems, evidence, note = JUDGES[rule.kind](session, rule, date_from, date_to, today)  # type: ignore[operator]
    grade = rules.grade_for(len(problems), rules.parse_thresholds(item.thresholds))
    return ItemResult(item, grade, rules.score_for(grade, item.points), problems, evidence, None, note)


def evaluate(session: Session, date_from: date, date_to: date, today: date | None = None,
             items: Sequence[ItemSpec] | None = None,
             progress: Callable[[int, int], None] | None = None) -> list[ItemResult]:
    """Every item in force (or `items`), judged over [date_from, date_to] as of `today`.
    `progress(done, total)` is called before each item, so a background task can stop between items."""
    _check_period(date_from, date_to)
    specs = list(items) if items is not None else [i for i in list_items(session) if not i.retired]
    results = []
    for done, item in enumerate(specs):
        if progress is not None:
            progress(done, len(specs))
        results.append(evaluate_item(session, item, date_from, date_to, today))
    return results


def total_score(results: Sequence[ItemResult]) -> tuple[float, float]:
    """(score, points) over the items graded."""
    graded = [r for r in results if r.grade is not None]
    return round(sum(r.score or 0.0 for r in graded), 2), round(sum(r.item.points for r in graded), 2)


# --- the checklist ---------------------------------------------------------------------------------
@dataclass
class ChecklistDraft:
    code: str
    project: str
    indicator: str
    content: str = ""
    points: float = 5
    method: str = "材料审核"
    rule: str = ""  # JSON, domain.assessment; '' = by hand
    thresholds: str = rules.DEFAULT_THRESHOLDS
    sort_order: int = 0


def _rule(rule_kind: str, /, **params: object) -> str:
    return rules.dump_rule(rules.rule_from_dict({rule_kind: params}))


def default_checklist() -> list[ChecklistDraft]:
    """The default checklist: the 惠泉社区 plan's five sections (the activity categories), with the
    rules of DOMAIN.md (道德讲堂 a quarter, documented activities, 10 working days, 25 hours a year,
    filing by June 30, fixity, rectifications). 100 points in all; two items assessed by hand."""
    d = ChecklistDraft
    return [
        d("SX-01", "思想道德教育", "道德讲堂", "每季度举办道德讲堂，学习先进人物事迹", 8, "材料审核",
          _rule("category_count", category="学习先进人物（道德讲堂）", n=1, per="quarter"), "0/1/2", 10),
        d("SX-02", "思想道德教育", "宣传阵地", "宣传栏、板报每季度至少更新一次", 6, "实地考察",
          _rule("category_count", category="宣传栏、板报宣传", n=1, per="quarter"), "0/1/2", 20),
        d("XJ-01", "宣传教育", "未成年人思想道德建设", "每季度开展青少年德育活动", 8, "材料审核",
          _rule("category_count", category="青少年德育", n=1, per="quarter"), "0/1/2", 30),
        d("XJ-02", "宣传教育", "公益广告", "社区宣传栏、楼道有社会主义核心价值观公益广告，内容完好", 6, "实地考察",
          "", "0/1/2", 40),
        d("ZX-01", "社区秩序", "群防群治", "治安巡逻每月至少一次，有记录", 8, "材料审核",
          _rule("category_count", category="群防群治（治安巡逻）", n=1, per="month"), "0/1/3", 50),
        d("HJ-01", "社会环境", "传统节日", "围绕传统节日开展主题活动，每季度至少一次", 8, "材料审核",
          _rule("category_count", category="传统节日", n=1, per="quarter"), "0/1/2", 60),
        d("HJ-02", "社会环境", "活动资料", "传统节日活动资料齐全：每次至少 2 张照片和签到表", 6, "材料审核",
          _rule("category_evidence", category="传统节日", photos=2, sign_in=True), "0/1/2", 70),
        d("HJ-03", "社会环境", "环境卫生", "每月开展卫生整治", 6, "实地考察",
          _rule("category_count", category="卫生整治", n=1, per="month"), "0/1/3", 80),
        d("ZY-01", "社会环境", "志愿服务记录", "志愿服务时长在服务后 10 个工作日内录入", 8, "材料审核",
          _rule("hours_on_time", workdays=10), "0/2/5", 90),
        d("ZY-02", "社会环境", "志愿服务时长", "注册志愿者人均每年服务不少于 25 小时", 8, "网络调查",
          _rule("average_hours", hours=25), "0/1/1", 100),
        d("WC-01", "文明创建", "文明家庭评选", "每年开展文明家庭评选并表彰", 6, "听取汇报",
          _rule("campaign_commended", kind="文明家庭"), "0/1/1", 110),
        d("WC-02", "文明创建", "档案管理", "上一年度的活动和评选材料在 6 月 30 日前归档", 8, "材料审核",
          _rule("filed_by"), "0/2/5", 120),
        d("WC-03", "文明创建", "档案安全", "每季度检测档案文件（校验值、能否打开）", 4, "材料审核",
          _rule("fixity_within", days=92), "0/1/2", 130),
        d("WC-04", "文明创建", "问题整改", "自查、暗访、督查发现的问题按时限整改", 6, "材料审核",
          _rule("no_overdue_rectification"), "0/1/2", 140),
        d("WC-05", "文明创建", "志愿服务站", "志愿服务站有人员、制度、设备、活动记录和档案", 4, "实地考察",
          "", "0/1/2", 150),
    ]


def _item_problems(session: Session, d: ChecklistDraft, exclude: int | None) -> tuple[ChecklistDraft, list[Problem]]:
    d = ChecklistDraft(clean(d.code).upper(), clean(d.project), clean(d.indicator), clean(d.content), d.points,
                       clean(d.method), clean(d.rule), clean(d.thresholds) or rules.DEFAULT_THRESHOLDS, d.sort_order)
    problems = text_problems([(L[key], getattr(d, key), limit) for key, limit in rules.ITEM_LIMITS.items()])
    for key in ("code", "project", "indicator"):
        if not getattr(d, key):
            problems.append(Problem(L[key], "必须填写"))
    if d.code and session.scalar(select(ChecklistItem.id).where(ChecklistItem.code == d.code,
                                                                ChecklistItem.id != (exclude or 0))) is not None:
        problems.append(Problem(L["code"], f"编号「{d.code}」已被另一个测评项目使用"))
    try:
        points = float(d.points)
    except (TypeError, ValueError):
        points = -1.0
    if not 0 < points <= 100:
        problems.append(Problem(L["points"], "应为大于 0、不超过 100 的分数"))
    if d.method not in rules.METHODS:
        problems.append(Problem(L["method"], f"应为{'、'.join(rules.METHODS)}之一"))
    for check in (lambda: rules.parse_thresholds(d.thresholds), lambda: _check_rule(session, d.rule)):
        try:
            check()
        except ValidationError as err:
            problems += err.problems
    return d, problems


def _check_rule(session: Session, text: str) -> None:
    rule = rules.parse_rule(text)
    category = getattr(rule, "category", None)
    if category is not None and resolve_category(list_categories(session), category) is None:
        raise ValidationError.single(rules.RULE_FIELD, f"找不到活动类别「{category}」（写完整路径如 社会环境/传统节日，或类别名称）")


def _checked(session: Session, draft: ChecklistDraft, exclude: int | None = None) -> ChecklistDraft:
    d, problems = _item_problems(session, draft, exclude)
    if problems:
        raise ValidationError(problems)
    d.rule = rules.dump_rule(rules.parse_rule(d.rule))
    d.thresholds = "/".join(str(n) for n in rules.parse_thresholds(d.thresholds))
    return d


def _apply(item: ChecklistItem, d: ChecklistDraft) -> None:
    item.code, item.project, item.indicator, item.content = d.code, d.project, d.indicator, d.content
    item.points, item.method, item.rule, item.thresholds = float(d.points), d.method, d.rule, d.thresholds
    item.sort_order = d.sort_order


def list_items(session: Session, include_retired: bool = True) -> list[ItemSpec]:
    query = select(ChecklistItem).order_by(ChecklistItem.sort_order, ChecklistItem.code)
    if not include_retired:
        query = query.where(ChecklistItem.retired.is_(False))
    return [_spec(i) for i in session.scalars(query)]


def _get(session: Session, item_id: int) -> ChecklistItem:
    item = session.get(ChecklistItem, item_id)
    if item is None:
        raise NotFoundError("这个测评项目已不存在。")
    return item


def get_item(session: Session, item_id: int) -> ItemSpec:
    return _spec(_get(session, item_id))


def add_item(session: Session, draft: ChecklistDraft) -> int:
    require_writer(session, "新增测评项目")
    d = _checked(session, draft)
    item = ChecklistItem(retired=False)
    _apply(item, d)
    session.add(item)
    session.flush()
    return item.id


def update_item(session: Session, item_id: int, draft: ChecklistDraft) -> None:
    require_writer(session, "修改测评项目")
    item = _get(session, item_id)
    _apply(item, _checked(session, draft, item_id))
    session.flush()


def retire_item(session: Session, item_id: int, retired: bool = True) -> None:
    """Retire an item (kept with its assessments and rectifications), or bring it back."""
    require_writer(session, "停用测评项目" if retired else "恢复测评项目")
    _get(session, item_id).retired = retired
    session.flush()


def seed_checklist(session: Session) -> int:
    """Store the default checklist when the checklist is empty; returns how many items were added.
    An item whose rule names a category the community renamed is stored as assessed by hand."""
    if session.scalar(select(func.count()).select_from(ChecklistItem)):
        return 0
    require_writer(session, "生成默认测评项目")
    added = 0
    for draft in default_checklist():
        try:
            d = _checked(session, draft)
        except ValidationError:
            d = _checked(session, ChecklistDraft(**{**draft.__dict__, "rule": ""}))
        item = ChecklistItem(retired=False)
        _apply(item, d)
        session.add(item)
        added += 1
    session.flush()
    return added


def record_manual(session: Session, item_id: int, period_from: date | None, period_to: date | None, grade: str,
                  note: str = "", evidence: str = "", assessed_by: str = "", assessed_on: date | None = None) -> int:
    """A hand-made grade of an item for a period, with its note and evidence."""
    require_writer(session, "人工评定")
    item = _get(session, item_id)
    problems: list[Problem] = []
    if period_from is None:
        problems.append(Problem(M["period_from"], "必须填写"))
    if period_to is None:
        problems.append(Problem(M["period_to"], "必须填写"))
    if period_from and period_to and period_to < period_from:
        problems.append(Problem(M["period_to"], "不能早于评定时段起"))
    try:
        grade = rules.check_grade(grade, M["grade"])
    except ValidationError as err:
        problems += err.problems
    note, evidence, assessed_by = clean(note), clean(evidence), clean(assessed_by)
    problems += text_problems([(M["note"], note, 2000), (M["evidence"], evidence, 2000),
                               (M["assessed_by"], assessed_by, 50)])
    if not assessed_by:
        problems.append(Problem(M["assessed_by"], "必须填写"))
    if item.rule and not problems:
        problems.append(Problem(M["item_id"], f"「{item.code}」按规则自动评定，不需要人工评定"))
    if problems:
        raise ValidationError(problems)
    assert period_from is not None and period_to is not None
    manual = ManualAssessment(item_id=item_id, period_from=period_from, period_to=period_to, grade=grade, note=note,
                              evidence=evidence, assessed_by=assessed_by, assessed_on=assessed_on or date.today())
    session.add(manual)
    session.flush()
    return manual.id
