"""Civic family campaigns (文明家庭 / 文明邻里 / 平安家庭 …) from mobilization to commendation.

A campaign moves through 组织动员 → 推荐 → 评议 → 公示 → 表彰 → 宣传推介 one stage at a time.
`stage_needs` says, one sentence each, what the next stage still needs; `advance_stage` refuses
with exactly those sentences. What may be changed depends on the stage: nominations during 推荐,
the review group's scores or votes and the decisions during 评议, objections during 公示. A
mistake is undone by stepping back a stage with a reason (audited), never by editing history.

Every write here is part of the caller's transaction (`with ws.write() as session:`); the ORM
flush hook writes the audit trail, and deletions go to the recycle bin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import family as rules
from huiquan_desk.domain.activity import AttachmentKind, NewAttachment
from huiquan_desk.domain.dates import cn_date, out_of_range
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.family import Decision, Outcome, ReviewMethod, Stage
from huiquan_desk.domain.text import clean, text_problem, text_problems
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.activities import (
    ActivityRow,
    AttachmentInfo,
    attach_files,
    attachment_info,
    attachment_problems,
    fetch_rows,
)
from huiquan_desk.services.households import HouseholdRow, list_households
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.services.plan_links import links_of
from huiquan_desk.services.settings import (
    FAMILY_KINDS,
    NOTICE_DAYS,
    NOTICE_WORKDAYS,
    REPEAT_YEARS,
    get_profile,
    get_setting,
    set_setting,
)
from huiquan_desk.storage import audit
from huiquan_desk.storage.files import FileStore
from huiquan_desk.storage.models import (
    Activity,
    Attachment,
    Ballot,
    Campaign,
    CampaignActivity,
    Household,
    Nomination,
    Objection,
    Reviewer,
    Score,
)

C = rules.CAMPAIGN_LABELS
N = rules.NOMINATION_LABELS
OB = rules.OBJECTION_LABELS


# --- what the window and the prints are handed -----------------------------------------------------
@dataclass
class CampaignDraft:
    kind: str = ""
    year: int | None = None
    title: str = ""  # blank: 2026年度惠泉社区文明家庭评选
    criteria: list[str] = field(default_factory=lambda: list(rules.DEFAULT_CRITERIA))
    quotas: dict[str, int] = field(default_factory=dict)  # 等额推荐: body -> households; empty: no quota
    review_method: ReviewMethod = ReviewMethod.SCORE
    max_score: int = rules.DEFAULT_MAX_SCORE
    remarks: str = ""


@dataclass(frozen=True)
class CampaignRow:
    id: int
    kind: str
    year: int
    title: str
    stage: Stage
    nominations: int
    chosen: int
    notice_start: date | None
    notice_end: date | None
    commended_on: date | None
    filed: str = ""  # 已归档: the 档号 of its archive item (未编号 until numbered); '' when not filed

    @property
    def stage_label(self) -> str:
        return rules.STAGE_LABELS[self.stage]


@dataclass(frozen=True)
class NominationRow:
    id: int
    campaign_id: int
    household: HouseholdRow
    nominator_kind: str
    nominator: str
    deeds: str
    decision: Decision
    reason: str
    photos: int
    recent_award: int | None  # the year it was last commended, when within the repeat-award years
    score: float | None = None  # average total of the members who scored every criterion
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0
    rank: int | None = None

    @property
    def decision_label(self) -> str:
        return rules.DECISION_LABELS[self.decision]

    @property
    def head_name(self) -> str:
        return self.household.head_name

    @property
    def family_name(self) -> str:
        return self.household.name

    @property
    def nominated_by(self) -> str:
        """网格（第一网格） / 自荐."""
        return f"{self.nominator_kind}（{self.nominator}）" if self.nominator else self.nominator_kind


@dataclass(frozen=True)
class ReviewerRow:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class ObjectionRow:
    id: int
    nomination_id: int | None
    household: str  # 王建国家庭, or '' when it concerns the list as a whole
    raised_by: str
    raised_on: date
    content: str
    outcome: Outcome
    settlement: str
    settled_on: date | None

    @property
    def outcome_label(self) -> str:
        return rules.OUTCOME_LABELS[self.outcome]


@dataclass(frozen=True)
class CampaignDetail:
    row: CampaignRow
    draft: CampaignDraft
    notice_days: int | None
    notice_workdays: bool
    nominations: list[NominationRow]
    reviewers: list[ReviewerRow]
    objections: list[ObjectionRow]
    activities: list[ActivityRow]
    needs: list[str]  # what the next stage still needs (empty: it may move on)

    @property
    def next_stage(self) -> Stage | None:
        return rules.next_stage(self.row.stage)

    @property
    def chosen(self) -> list[NominationRow]:
        return [n for n in self.nominations if n.decision is Decision.CHOSEN]


# --- settings ----------------------------------------------------------------------------------------
def campaign_kinds(session: Session) -> tuple[str, ...]:
    return get_setting(session, FAMILY_KINDS)


def save_settings(session: Session, kinds: Sequence[str], notice_days: int, notice_workdays: bool,
                  repeat_years: int) -> None:
    """评选设置 (管理员): the kinds offered, the notice period (used by notices started from now on)
    and how many years back a commendation is flagged on a new nomination."""
    cleaned = list(dict.fromkeys(k for k in (clean(k) for k in kinds) if k))
    problems = [] if cleaned else [Problem(FAMILY_KINDS.label, "至少要有一种评选类型")]
    problems += [Problem(FAMILY_KINDS.label, f"「{k[:20]}」{why}") for k in cleaned
                 if (why := text_problem(k, rules.CAMPAIGN_LIMITS["kind"]))]
    problems += [Problem(FAMILY_KINDS.label, f"「{k}」不能含顿号、逗号或分号") for k in cleaned
                 if any(ch in k for ch in "、,，;；")]
    if not 1 <= notice_days <= 60:
        problems.append(Problem(NOTICE_DAYS.label, "应在 1 到 60 天之间"))
    if not 0 <= repeat_years <= 20:
        problems.append(Problem(REPEAT_YEARS.label, "应在 0 到 20 年之间"))
    if problems:
        raise ValidationError(problems)
    set_setting(session, FAMILY_KINDS, tuple(cleaned))
    set_setting(session, NOTICE_DAYS, notice_days)
    set_setting(session, NOTICE_WORKDAYS, notice_workdays)
    set_setting(session, REPEAT_YEARS, repeat_years)


def default_title(session: Session, kind: str, year: int) -> str:
    return f"{year}年度{get_profile(session).name}{kind}评选"


# --- campaigns ---------------------------------------------------------------------------------------
def _get(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFoundError("这项评选已不存在，可能已被删除。")
    return campaign


def _stage(campaign: Campaign) -> Stage:
    return Stage(campaign.stage)


def criteria_of(campaign: Campaign) -> list[str]:
    return [line for line in campaign.criteria.split("\n") if line]


def _has_marks(session: Session, campaign_id: int) -> bool:
    nominations = select(Nomination.id).where(Nomination.campaign_id == campaign_id)
    return bool(session.scalar(select(func.count()).select_from(Score).where(Score.nomination_id.in_(nominations)))
                or session.scalar(select(func.count()).select_from(Ballot).where(Ballot.nomination_id.in_(nominations))))


def _checked_draft(session: Session, draft: CampaignDraft) -> CampaignDraft:
    problems: list[Problem] = []
    kind, title, remarks = clean(draft.kind), clean(draft.title), clean(draft.remarks)
    kinds = campaign_kinds(session)
    if not kind:
        problems.append(Problem(C["kind"], "必须选择"))
    elif kind not in kinds:
        problems.append(Problem(C["kind"], f"应为 {'、'.join(kinds)} 之一（可在「评选设置」中增加类型）"))
    year = draft.year
    if year is None or isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(Problem(C["year"], "应为 4 位年份，如 2026"))
    if not title and kind and year is not None and not problems:
        title = default_title(session, kind, year)
    problems += text_problems([(C["title"], title, rules.CAMPAIGN_LIMITS["title"]),
                               (C["remarks"], remarks, rules.CAMPAIGN_LIMITS["remarks"])])
    criteria = [clean(c) for c in draft.criteria]
    criteria = [c for c in criteria if c]
    if not criteria:
        problems.append(Problem(C["criteria"], "至少要有一条评选标准"))
    if len(criteria) > rules.MAX_CRITERIA:
        problems.append(Problem(C["criteria"], f"最多 {rules.MAX_CRITERIA} 条"))
    for index, criterion in enumerate(criteria, 1):
        if why := text_problem(criterion, rules.CAMPAIGN_LIMITS["criterion"]):
            problems.append(Problem(C["criteria"], f"第 {index} 条{why}"))
        elif "\n" in criterion:
            problems.append(Problem(C["criteria"], f"第 {index} 条不能换行"))
    repeated = sorted({c for c in criteria if criteria.count(c) > 1})
    if repeated:
        problems.append(Problem(C["criteria"], f"「{'、'.join(repeated)}」重复"))
    quotas: dict[str, int] = {}
    for body, quota in draft.quotas.items():
        name = clean(body)
        if why := text_problem(name, rules.CAMPAIGN_LIMITS["body"]):
            problems.append(Problem(C["quotas"], f"推荐单位「{name[:20]}」{why}"))
        elif not name or any(ch in name for ch in "=\n、,，;；"):
            problems.append(Problem(C["quotas"], f"推荐单位「{name[:20]}」的名称不能为空，也不能含「=」、顿号、逗号、分号或换行"
                                                 "（每行写一个单位，如 第一网格=2）"))
        elif isinstance(quota, bool) or not isinstance(quota, int) or not 1 <= quota <= 99:
            problems.append(Problem(C["quotas"], f"「{name}」的名额应在 1 到 99 之间"))
        else:
            quotas[name] = quota
    try:
        method = ReviewMethod(draft.review_method)
    except ValueError:
        problems.append(Problem(C["review_method"], "应为 逐项评分 或 投票"))
        method = ReviewMethod.SCORE
    max_score = draft.max_score
    if isinstance(max_score, bool) or not isinstance(max_score, int) or not 1 <= max_score <= 100:
        problems.append(Problem(C["max_score"], "应在 1 到 100 分之间"))
    if problems:
        raise ValidationError(problems)
    return CampaignDraft(kind, year, title, criteria, quotas, method, max_score, remarks)


def _apply(campaign: Campaign, d: CampaignDraft) -> None:
    campaign.kind, campaign.year, campaign.title = d.kind, d.year, d.title  # type: ignore[assignment]
    campaign.criteria = "\n".join(d.criteria)
    campaign.quotas = rules.quotas_text(d.quotas)
    campaign.review_method, campaign.max_score, campaign.remarks = d.review_method.value, d.max_score, d.remarks


def create_campaign(session: Session, draft: CampaignDraft) -> int:
    require_writer(session, "新建评选")
    d = _checked_draft(session, draft)
    campaign = Campaign(stage=Stage.MOBILIZE.value, notice_workdays=False)
    _apply(campaign, d)
    session.add(campaign)
    session.flush()
    return campaign.id


def update_campaign(session: Session, campaign_id: int, draft: CampaignDraft) -> None:
    """Change a campaign's settings. Criteria and the review method are fixed once a member has
    scored or voted; the quotas once nominations are closed (they were counted against them)."""
    require_writer(session, "修改评选")
    campaign = _get(session, campaign_id)
    d = _checked_draft(session, draft)
    problems = []
    if _has_marks(session, campaign_id):
        if d.criteria != criteria_of(campaign):
            problems.append(Problem(C["criteria"], "评议小组已开始评分或投票，不能再改评选标准"))
        if d.review_method.value != campaign.review_method or d.max_score != campaign.max_score:
            problems.append(Problem(C["review_method"], "评议小组已开始评分或投票，不能再改评议方式或满分"))
    if rules.reached(_stage(campaign), Stage.NOTICE):
        for key, before, after in (("kind", campaign.kind, d.kind), ("year", campaign.year, d.year),
                                   ("title", campaign.title, d.title)):
            if before != after:
                problems.append(Problem(C[key], "评选结果已公示，类型、年度和名称不能再改（公示和证书上印的就是这些）"))
    if rules.reached(_stage(campaign), Stage.REVIEW) and rules.quotas_text(d.quotas) != campaign.quotas:
        problems.append(Problem(C["quotas"], "推荐阶段已结束，名额不能再改；如确需调整，请先退回到推荐阶段"))
    if problems:
        raise ValidationError(problems)
    _apply(campaign, d)
    session.flush()


def delete_campaign(session: Session, campaign_id: int) -> int:
    """Move a campaign with everything it holds (nominations and their photos, the review group,
    scores, votes, objections, its links to activities) to the recycle bin. The activities stay
    in the activity ledger. Returns the bin id."""
    require_writer(session, "删除评选")
    campaign = _get(session, campaign_id)
    nomination_ids = list(session.scalars(select(Nomination.id).where(Nomination.campaign_id == campaign_id)))
    reviewer_ids = list(session.scalars(select(Reviewer.id).where(Reviewer.campaign_id == campaign_id)))
    children: list = []
    for model, condition in (
        (Score, Score.nomination_id.in_(nomination_ids)),
        (Ballot, Ballot.nomination_id.in_(nomination_ids)),
        (Objection, Objection.campaign_id == campaign_id),
        (Attachment, Attachment.nomination_id.in_(nomination_ids)),
        (Nomination, Nomination.campaign_id == campaign_id),
        (Reviewer, Reviewer.id.in_(reviewer_ids)),
        (CampaignActivity, CampaignActivity.campaign_id == campaign_id),
    ):
        children += list(session.scalars(select(model).where(condition).order_by(model.id)))
    children += links_of(session, "campaigns", campaign_id)  # its plan tasks' links
    return recycle_bin.move_to_bin(session, campaign, children)


def _counts(session: Session) -> dict[int, tuple[int, int]]:
    rows = session.execute(select(Nomination.campaign_id, func.count(),
                                  func.sum(func.iif(Nomination.decision == Decision.CHOSEN.value, 1, 0)))
                           .group_by(Nomination.campaign_id))
    return {cid: (n, int(chosen or 0)) for cid, n, chosen in rows}


def _filed(session: Session) -> dict[int, str]:
    from huiquan_desk.services.archives import filed_campaigns  # archives reads campaigns: import here

    return filed_campaigns(session)


def _campaign_row(c: Campaign, counts: dict[int, tuple[int, int]], filed: dict[int, str]) -> CampaignRow:
    n, chosen = counts.get(c.id, (0, 0))
    return CampaignRow(c.id, c.kind, c.year, c.title, Stage(c.stage), n, chosen, c.notice_start, c.notice_end,
                       c.commended_on, filed.get(c.id, ""))


def list_campaigns(session: Session, year: int | None = None) -> list[CampaignRow]:
    """Newest year first."""
    query = select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())
    if year is not None:
        query = query.where(Campaign.year == year)
    counts, filed = _counts(session), _filed(session)
    return [_campaign_row(c, counts, filed) for c in session.scalars(query)]


def get_campaign(session: Session, campaign_id: int, today: date | None = None) -> CampaignDetail:
    campaign = _get(session, campaign_id)
    today = today or date.today()
    draft = CampaignDraft(campaign.kind, campaign.year, campaign.title, criteria_of(campaign),
                          rules.parse_quotas(campaign.quotas) if campaign.quotas else {},
                          ReviewMethod(campaign.review_method), campaign.max_score, campaign.remarks)
    nominations = list_nominations(session, campaign_id)
    reviewers = list_reviewers(session, campaign_id)
    objections = list_objections(session, campaign_id)
    return CampaignDetail(_campaign_row(campaign, _counts(session), _filed(session)), draft, campaign.notice_days,
                          campaign.notice_workdays, nominations, reviewers, objections,
                          campaign_activities(session, campaign_id),
                          _needs(session, campaign, nominations, reviewers, objections, today))


# --- the stages ----------------------------------------------------------------------------------------
def _quota_problems(campaign: Campaign, nominations: Sequence[NominationRow], exact: bool) -> list[str]:
    """等额推荐: each body with a quota nominates exactly (or, while nominating, at most) that many."""
    quotas = rules.parse_quotas(campaign.quotas) if campaign.quotas else {}
    counted = {body: sum(1 for n in nominations if n.nominator == body) for body in quotas}
    needs = []
    for body, quota in quotas.items():
        if counted[body] > quota or (exact and counted[body] != quota):
            needs.append(f"「{body}」的名额为 {quota} 户，现推荐 {counted[body]} 户（等额推荐须正好 {quota} 户）")
    return needs


def _needs(session: Session, campaign: Campaign, nominations: list[NominationRow], reviewers: list[ReviewerRow],
           objections: list[ObjectionRow], today: date) -> list[str]:
    stage = _stage(campaign)
    needs: list[str] = []
    if stage is Stage.MOBILIZE:
        if not criteria_of(campaign):
            needs.append("先定好评选标准")
    elif stage is Stage.NOMINATE:
        if not nominations:
            needs.append("至少推荐一户家庭")
        needs += _quota_problems(campaign, nominations, exact=True)
        needs += [f"「{n.family_name}」还没有填写主要事迹" for n in nominations if not n.deeds]
    elif stage is Stage.REVIEW:
        if not reviewers:
            needs.append("先登记评议小组成员")
        else:
            needs += _marking_needs(session, campaign, nominations, reviewers)
        pending = [n.family_name for n in nominations if n.decision is Decision.PENDING]
        if pending:
            needs.append(f"还有 {len(pending)} 户没有评议结果：{'、'.join(pending[:5])}{'等' if len(pending) > 5 else ''}")
        if nominations and not any(n.decision is Decision.CHOSEN for n in nominations):
            needs.append("至少要有一户当选才能公示")
    elif stage is Stage.NOTICE:
        end = campaign.notice_end
        if end is not None and not rules.notice_over(end, today):
            needs.append(f"公示期到 {cn_date(end)} 结束，{cn_date(end + _ONE_DAY)}起才能进入表彰")
        open_ones = [o for o in objections if o.outcome is Outcome.OPEN]
        if open_ones:
            needs.append(f"还有 {len(open_ones)} 条公示异议没有处理完")
        if not any(n.decision is Decision.CHOSEN for n in nominations):
            needs.append("公示后没有当选的家庭，无法表彰")
    return needs


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def _marking_needs(session: Session, campaign: Campaign, nominations: list[NominationRow],
                   reviewers: list[ReviewerRow]) -> list[str]:
    """Every member has scored every criterion (or voted) for every nomination."""
    ids = [n.id for n in nominations]
    if campaign.review_method == ReviewMethod.VOTE:
        done = set(session.execute(select(Ballot.nomination_id, Ballot.reviewer_id)
                                   .where(Ballot.nomination_id.in_(ids))))
        what = "投票"
        complete = {(n, r) for n, r in done}
    else:
        criteria = len(criteria_of(campaign))
        counts = session.execute(select(Score.nomination_id, Score.reviewer_id, func.count())
                                 .where(Score.nomination_id.in_(ids)).group_by(Score.nomination_id, Score.reviewer_id))
        complete = {(n, r) for n, r, k in counts if k >= criteria}
        what = "评分"
    needs = []
    for reviewer in reviewers:
        missing = [n.family_name for n in nominations if (n.id, reviewer.id) not in complete]
        if missing:
            needs.append(f"{reviewer.name}还有 {len(missing)} 户没有{what}：{'、'.join(missing[:3])}"
                         f"{'等' if len(missing) > 3 else ''}")
    return needs


def stage_needs(session: Session, campaign_id: int, today: date | None = None) -> list[str]:
    campaign = _get(session, campaign_id)
    return _needs(session, campaign, list_nominations(session, campaign_id), list_reviewers(session, campaign_id),
                  list_objections(session, campaign_id), today or date.today())


def advance_stage(session: Session, campaign_id: int, today: date | None = None, on: date | None = None) -> Stage:
    """Move to the next stage, or refuse (ValidationError: one problem per missing thing).

    `on`: entering 公示, the day the notice starts (default today; its end follows from the
    notice settings, kept on the campaign); entering 表彰, the day of the commendation (default
    today, never before the notice has ended)."""
    require_writer(session, "推进评选")
    campaign = _get(session, campaign_id)
    today = today or date.today()
    stage = _stage(campaign)
    target = rules.next_stage(stage)
    if target is None:
        raise ValidationError.single(C["stage"], "宣传推介已是最后一个阶段")
    needs = stage_needs(session, campaign_id, today)
    if needs:
        raise ValidationError([Problem(f"进入{rules.STAGE_LABELS[target]}", need) for need in needs])
    detail = ""
    if target is Stage.NOTICE:
        start = on or today
        if why := out_of_range(start):
            raise ValidationError.single(C["notice_start"], why)
        decided = session.scalar(select(func.max(Nomination.decided_on)).where(Nomination.campaign_id == campaign_id))
        if decided is not None and start < decided:
            raise ValidationError.single(C["notice_start"], f"不能早于评议结果最后确定的日期 {cn_date(decided)}："
                                         "公示的是确定之后的名单，要公示满规定天数")
        days, workdays = get_setting(session, NOTICE_DAYS), get_setting(session, NOTICE_WORKDAYS)
        campaign.notice_start, campaign.notice_days, campaign.notice_workdays = start, days, workdays
        campaign.notice_end = rules.notice_end(start, days, workdays)
        detail = f"，公示期 {cn_date(start)}至{cn_date(campaign.notice_end)}"
    elif target is Stage.COMMEND:
        day = on or today
        if campaign.notice_end is not None and not rules.notice_over(campaign.notice_end, day):
            raise ValidationError.single(C["commended_on"], f"公示期到 {cn_date(campaign.notice_end)} 结束，"
                                         f"表彰日期不能早于 {cn_date(campaign.notice_end + _ONE_DAY)}")
        if day > today:
            raise ValidationError.single(C["commended_on"], "不能晚于今天")
        campaign.commended_on = day
        detail = f"，表彰日期 {cn_date(day)}"
    campaign.stage = target.value
    session.flush()
    audit.record(session, "stage", "campaigns", f"「{campaign.title}」进入{rules.STAGE_LABELS[target]}阶段{detail}",
                 entity_id=campaign.id)
    return target


def step_back(session: Session, campaign_id: int, reason: str) -> Stage:
    """Back one stage with a reason (a notice started too early, a decision to reconsider). Going
    back from 公示 clears the notice dates; from 表彰, the commendation date."""
    require_writer(session, "退回评选阶段")
    campaign = _get(session, campaign_id)
    reason = clean(reason)
    if not reason:
        raise ValidationError.single("退回原因", "必须填写")
    if why := text_problem(reason, 500):
        raise ValidationError.single("退回原因", why)
    target = rules.previous_stage(_stage(campaign))
    if target is None:
        raise ValidationError.single(C["stage"], "组织动员已是第一个阶段")
    if _stage(campaign) is Stage.NOTICE:
        campaign.notice_start = campaign.notice_end = campaign.notice_days = None
    elif _stage(campaign) is Stage.COMMEND:
        campaign.commended_on = None
    campaign.stage = target.value
    session.flush()
    audit.record(session, "stage", "campaigns", f"「{campaign.title}」退回到{rules.STAGE_LABELS[target]}阶段：{reason}",
                 entity_id=campaign.id, details={"退回原因": reason})
    return target


def _require_stage(campaign: Campaign, *stages: Stage, what: str) -> None:
    if _stage(campaign) not in stages:
        allowed = "、".join(rules.STAGE_LABELS[s] for s in stages)
        raise ValidationError.single(C["stage"], f"「{campaign.title}」现在是{rules.STAGE_LABELS[_stage(campaign)]}阶段，"
                                     f"{what}只能在{allowed}阶段进行")


# --- nominations ---------------------------------------------------------------------------------------
@dataclass
class NominationDraft:
    household_id: int | None = None
    nominator_kind: str = ""
    nominator: str = ""
    deeds: str = ""


def recent_award(session: Session, household_id: int, year: int, exclude_campaign: int | None = None) -> int | None:
    """The year this household was last commended, when that lies within the repeat-award years
    (a setting) of `year`; None otherwise."""
    within = get_setting(session, REPEAT_YEARS)
    query = (select(Campaign.year).join(Nomination, Nomination.campaign_id == Campaign.id)
             .where(Nomination.household_id == household_id, Nomination.decision == Decision.CHOSEN.value,
                    Campaign.stage.in_([Stage.COMMEND.value, Stage.PUBLICIZE.value])))
    if exclude_campaign is not None:
        query = query.where(Campaign.id != exclude_campaign)
    return rules.recent_award(year, session.scalars(query), within)


def _nomination_values(session: Session, campaign: Campaign, draft: NominationDraft,
                       exclude: int | None = None) -> NominationDraft:
    problems: list[Problem] = []
    kind, nominator, deeds = clean(draft.nominator_kind), clean(draft.nominator), clean(draft.deeds)
    household = session.get(Household, draft.household_id) if draft.household_id is not None else None
    if household is None:
        problems.append(Problem(N["household"], "必须选择" if draft.household_id is None else "所选家庭已不存在"))
    if kind not in rules.NOMINATOR_KINDS:
        problems.append(Problem(N["nominator_kind"], f"应为 {'、'.join(rules.NOMINATOR_KINDS)} 之一"))
    elif kind != "自荐" and not nominator:
        problems.append(Problem(N["nominator"], f"由{kind}推荐时必须填写（如 第一网格、3栋楼栋长）"))
    problems += text_problems([(N["nominator"], nominator, rules.NOMINATION_LIMITS["nominator"]),
                               (N["deeds"], deeds, rules.NOMINATION_LIMITS["deeds"])])
    if household is not None:
        query = select(Nomination.id).where(Nomination.campaign_id == campaign.id,
                                            Nomination.household_id == household.id)
        if exclude is not None:
            query = query.where(Nomination.id != exclude)
        if session.scalar(query) is not None:
            problems.append(Problem(N["household"], f"「{household.head_name}」家已在本次评选的推荐名单中"))
    if not problems:
        quotas = rules.parse_quotas(campaign.quotas) if campaign.quotas else {}
        if quotas and kind in rules.QUOTA_KINDS and nominator not in quotas:
            problems.append(Problem(N["nominator"], f"本次评选等额推荐，{kind}推荐时推荐单位应为 {'、'.join(quotas)} 之一"
                                                   f"（现在是「{nominator[:20]}」）"))
        elif nominator in quotas:
            query = select(func.count()).select_from(Nomination).where(
                Nomination.campaign_id == campaign.id, Nomination.nominator == nominator)
            if exclude is not None:
                query = query.where(Nomination.id != exclude)
            taken = session.scalar(query) or 0
            if taken >= quotas[nominator]:
                problems.append(Problem(N["nominator"], f"「{nominator}」的名额为 {quotas[nominator]} 户，已推荐 {taken} 户"))
    if problems:
        raise ValidationError(problems)
    return NominationDraft(draft.household_id, kind, nominator, deeds)


def add_nomination(session: Session, campaign_id: int, draft: NominationDraft, store: FileStore | None = None,
                   photos: Sequence[NewAttachment] = ()) -> int:
    require_writer(session, "推荐家庭")
    campaign = _get(session, campaign_id)
    _require_stage(campaign, Stage.NOMINATE, what="推荐家庭")
    d = _nomination_values(session, campaign, draft)
    _check_photos(photos, store)
    nomination = Nomination(campaign_id=campaign_id, household_id=d.household_id, nominator_kind=d.nominator_kind,
                            nominator=d.nominator, deeds=d.deeds, decision=Decision.PENDING.value, reason="")
    session.add(nomination)
    session.flush()
    _attach_photos(session, nomination, photos, store)
    return nomination.id


def update_nomination(session: Session, nomination_id: int, draft: NominationDraft, store: FileStore | None = None,
                      photos: Sequence[NewAttachment] = ()) -> None:
    """Change who nominated, the deeds, add photos. The household stays (remove and nominate the
    other one instead)."""
    require_writer(session, "修改推荐")
    nomination = _nomination(session, nomination_id)
    campaign = _get(session, nomination.campaign_id)
    _require_stage(campaign, Stage.NOMINATE, what="修改推荐")
    if draft.household_id != nomination.household_id:
        raise ValidationError.single(N["household"], "推荐的家庭不能改；请删除这条推荐，再推荐另一户")
    d = _nomination_values(session, campaign, draft, exclude=nomination_id)
    _check_photos(photos, store)
    nomination.nominator_kind, nomination.nominator, nomination.deeds = d.nominator_kind, d.nominator, d.deeds
    session.flush()
    _attach_photos(session, nomination, photos, store)


def _check_photos(photos: Sequence[NewAttachment], store: FileStore | None) -> None:
    if not photos:
        return
    if store is None:  # pragma: no cover - a programming error, not a user's
        raise ValueError("photos need a file store")
    if any(p.kind is not AttachmentKind.PHOTO for p in photos):
        raise ValidationError.single(N["photos"], "只能添加照片")
    problems = attachment_problems(photos)
    if problems:
        raise ValidationError(problems)


def _attach_photos(session: Session, nomination: Nomination, photos: Sequence[NewAttachment],
                   store: FileStore | None) -> None:
    if not photos or store is None:
        return
    household = session.get(Household, nomination.household_id)
    assert household is not None
    title = f"{household.head_name}家庭事迹"
    attach_files(session, store, photos, {"nomination_id": nomination.id}, title, None,
                 rules.address_text(household.building, household.unit, household.room))
    session.flush()


def remove_photo(session: Session, attachment_id: int) -> None:
    """Take one photo off a nomination (the file stays while the bin or another record names it)."""
    require_writer(session, "删除事迹照片")
    photo = session.get(Attachment, attachment_id)
    if photo is None or photo.nomination_id is None:
        raise NotFoundError("这张照片已不存在。")
    nomination = _nomination(session, photo.nomination_id)
    _require_stage(_get(session, nomination.campaign_id), Stage.NOMINATE, what="删除事迹照片")
    recycle_bin.move_to_bin(session, photo)


def nomination_photos(session: Session, nomination_id: int, store: FileStore) -> list[AttachmentInfo]:
    return [attachment_info(a, store) for a in session.scalars(
        select(Attachment).where(Attachment.nomination_id == nomination_id).order_by(Attachment.sort_order, Attachment.id))]


def remove_nomination(session: Session, nomination_id: int) -> int:
    """A nomination entered by mistake goes to the recycle bin with its photos (推荐 stage only)."""
    require_writer(session, "删除推荐")
    nomination = _nomination(session, nomination_id)
    _require_stage(_get(session, nomination.campaign_id), Stage.NOMINATE, what="删除推荐")
    marks = [what for model, what in ((Score, "评分"), (Ballot, "投票"), (Objection, "公示异议"))
             if session.scalar(select(func.count()).select_from(model).where(model.nomination_id == nomination_id))]
    if marks:
        raise ValidationError.single(N["household"], f"这户家庭已有{'、'.join(marks)}记录（评选材料应保留），不能删除推荐；"
                                     "如不再参评，请在评议中标为未当选并写明理由")
    photos = list(session.scalars(select(Attachment).where(Attachment.nomination_id == nomination_id)))
    household = session.get(Household, nomination.household_id)
    label = f"{household.head_name}家庭（推荐）" if household is not None else None
    return recycle_bin.move_to_bin(session, nomination, photos, label=label)


def _nomination(session: Session, nomination_id: int) -> Nomination:
    nomination = session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFoundError("这条推荐已不存在，可能已被删除。")
    return nomination


def list_nominations(session: Session, campaign_id: int) -> list[NominationRow]:
    """In the order they were nominated, with review totals and ranks."""
    campaign = _get(session, campaign_id)
    nominations = list(session.scalars(select(Nomination).where(Nomination.campaign_id == campaign_id)
                                       .order_by(Nomination.id)))
    households = {h.id: h for h in list_households(session, ids=[n.household_id for n in nominations])}
    photos = dict(session.execute(select(Attachment.nomination_id, func.count()).where(
        Attachment.nomination_id.in_([n.id for n in nominations])).group_by(Attachment.nomination_id)).all())
    criteria = len(criteria_of(campaign))
    scores: dict[int, list[tuple[int, float]]] = {}
    for nid, rid, value in session.execute(select(Score.nomination_id, Score.reviewer_id, Score.score)
                                           .where(Score.nomination_id.in_([n.id for n in nominations]))):
        scores.setdefault(nid, []).append((rid, value))
    votes: dict[int, list[str]] = {}
    for nid, vote in session.execute(select(Ballot.nomination_id, Ballot.vote)
                                     .where(Ballot.nomination_id.in_([n.id for n in nominations]))):
        votes.setdefault(nid, []).append(vote)
    tallies = [rules.tally(n.id, scores.get(n.id, []), votes.get(n.id, []), criteria) for n in nominations]
    by_votes = campaign.review_method == ReviewMethod.VOTE
    ranked = rules.ranks([float(t.votes_for) if by_votes and t.votes else (t.score if not by_votes else None)
                          for t in tallies])
    rows = []
    for n, t, rank in zip(nominations, tallies, ranked, strict=True):
        rows.append(NominationRow(
            n.id, n.campaign_id, households[n.household_id], n.nominator_kind, n.nominator, n.deeds,
            Decision(n.decision), n.reason, photos.get(n.id, 0), recent_award(session, n.household_id, campaign.year, campaign.id),
            t.score, t.votes_for, t.votes_against, t.votes_abstain, rank))
    return rows


# --- the review group, scores, votes, decisions ---------------------------------------------------------
def list_reviewers(session: Session, campaign_id: int) -> list[ReviewerRow]:
    return [ReviewerRow(r.id, r.name, r.role) for r in session.scalars(
        select(Reviewer).where(Reviewer.campaign_id == campaign_id).order_by(Reviewer.sort_order, Reviewer.id))]


def add_reviewer(session: Session, campaign_id: int, name: str, role: str = "") -> int:
    require_writer(session, "登记评议小组成员")
    campaign = _get(session, campaign_id)
    _require_stage(campaign, Stage.MOBILIZE, Stage.NOMINATE, Stage.REVIEW, what="登记评议小组成员")
    name, role = clean(name), clean(role)
    labels, limits = rules.REVIEWER_LABELS, rules.REVIEWER_LIMITS
    problems = [] if name else [Problem(labels["name"], "必须填写")]
    problems += text_problems([(labels["name"], name, limits["name"]), (labels["role"], role, limits["role"])])
    if not problems and session.scalar(select(Reviewer.id).where(Reviewer.campaign_id == campaign_id,
                                                                 Reviewer.name == name)) is not None:
        problems.append(Problem(labels["name"], f"「{name}」已在评议小组中"))
    if problems:
        raise ValidationError(problems)
    order = session.scalar(select(func.max(Reviewer.sort_order)).where(Reviewer.campaign_id == campaign_id)) or 0
    reviewer = Reviewer(campaign_id=campaign_id, name=name, role=role, sort_order=order + 1)
    session.add(reviewer)
    session.flush()
    return reviewer.id


def remove_reviewer(session: Session, reviewer_id: int) -> None:
    """Take a member off the review group, with the scores and votes they gave (评议 stage at the latest)."""
    require_writer(session, "调整评议小组")
    reviewer = session.get(Reviewer, reviewer_id)
    if reviewer is None:
        raise NotFoundError("这名评议小组成员已不存在。")
    campaign = _get(session, reviewer.campaign_id)
    _require_stage(campaign, Stage.MOBILIZE, Stage.NOMINATE, Stage.REVIEW, what="调整评议小组")
    for model in (Score, Ballot):
        for row in session.scalars(select(model).where(model.reviewer_id == reviewer_id)):
            session.delete(row)
    session.flush()
    session.delete(reviewer)
    session.flush()


def _review_target(session: Session, nomination_id: int, reviewer_id: int) -> tuple[Campaign, Nomination, Reviewer]:
    nomination = _nomination(session, nomination_id)
    campaign = _get(session, nomination.campaign_id)
    reviewer = session.get(Reviewer, reviewer_id)
    if reviewer is None or reviewer.campaign_id != campaign.id:
        raise NotFoundError("这名评议小组成员已不存在。")
    _require_stage(campaign, Stage.REVIEW, what="评分和投票")
    return campaign, nomination, reviewer


def record_scores(session: Session, nomination_id: int, reviewer_id: int, scores: Sequence[float | None]) -> None:
    """One member's scores of one nomination, one per criterion in order (None: not scored yet)."""
    require_writer(session, "评分")
    campaign, nomination, reviewer = _review_target(session, nomination_id, reviewer_id)
    if campaign.review_method != ReviewMethod.SCORE:
        raise ValidationError.single(C["review_method"], "本次评选采用投票，不逐项评分")
    criteria = criteria_of(campaign)
    if len(scores) != len(criteria):
        raise ValidationError.single("评分", f"应有 {len(criteria)} 项评分")
    problems = []
    for criterion, value in zip(criteria, scores, strict=True):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= campaign.max_score:
            problems.append(Problem(criterion, f"应在 0 到 {campaign.max_score} 分之间"))
        elif round(value * 2) != value * 2:
            problems.append(Problem(criterion, "最小单位为 0.5 分"))
    if problems:
        raise ValidationError(problems)
    existing = {s.criterion: s for s in session.scalars(select(Score).where(
        Score.nomination_id == nomination_id, Score.reviewer_id == reviewer_id))}
    for index, value in enumerate(scores):
        row = existing.get(index)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(Score(nomination_id=nomination_id, reviewer_id=reviewer_id, criterion=index, score=float(value)))
        elif row.score != float(value):
            row.score = float(value)
    session.flush()


def member_scores(session: Session, nomination_id: int, reviewer_id: int) -> dict[int, float]:
    return dict(session.execute(select(Score.criterion, Score.score).where(
        Score.nomination_id == nomination_id, Score.reviewer_id == reviewer_id)).all())


def member_marks(session: Session, campaign_id: int) -> dict[tuple[int, int], dict[int, float]]:
    """(nomination id, reviewer id) -> {criterion: score}: the score sheet of a campaign."""
    nominations = select(Nomination.id).where(Nomination.campaign_id == campaign_id)
    marks: dict[tuple[int, int], dict[int, float]] = {}
    for n, r, criterion, value in session.execute(select(Score.nomination_id, Score.reviewer_id, Score.criterion,
                                                         Score.score).where(Score.nomination_id.in_(nominations))):
        marks.setdefault((n, r), {})[criterion] = value
    return marks


def member_votes(session: Session, campaign_id: int) -> dict[tuple[int, int], str]:
    """(nomination id, reviewer id) -> vote."""
    nominations = select(Nomination.id).where(Nomination.campaign_id == campaign_id)
    return {(n, r): v for n, r, v in session.execute(
        select(Ballot.nomination_id, Ballot.reviewer_id, Ballot.vote).where(Ballot.nomination_id.in_(nominations)))}


def record_vote(session: Session, nomination_id: int, reviewer_id: int, vote: str | None) -> None:
    """One member's vote on one nomination (None: take it back)."""
    require_writer(session, "投票")
    campaign, _nomination_row, _reviewer = _review_target(session, nomination_id, reviewer_id)
    if campaign.review_method != ReviewMethod.VOTE:
        raise ValidationError.single(C["review_method"], "本次评选采用逐项评分，不投票")
    if vote is not None and vote not in set(rules.Vote):
        raise ValidationError.single("表决", "应为 同意、不同意 或 弃权")
    row = session.scalar(select(Ballot).where(Ballot.nomination_id == nomination_id, Ballot.reviewer_id == reviewer_id))
    if vote is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Ballot(nomination_id=nomination_id, reviewer_id=reviewer_id, vote=vote))
    elif row.vote != vote:
        row.vote = vote
    session.flush()


def _decided_on(on: date | None) -> date:
    day, today = on or date.today(), date.today()
    if day > today:
        raise ValidationError.single(N["decided_on"], "不能晚于今天")
    return day


def decide(session: Session, nomination_id: int, decision: Decision, reason: str = "", on: date | None = None) -> None:
    """当选 or 未当选 (a reason is required: it is kept, and the household is left out of public prints),
    decided `on` (default today): the notice of the list cannot start before the last decision."""
    require_writer(session, "确定评议结果")
    nomination = _nomination(session, nomination_id)
    _require_stage(_get(session, nomination.campaign_id), Stage.REVIEW, what="确定评议结果")
    day = _decided_on(on)
    reason = clean(reason)
    if decision is Decision.NOT_CHOSEN and not reason:
        raise ValidationError.single(N["reason"], "未当选须写明理由（留档备查，不公开）")
    if why := text_problem(reason, rules.NOMINATION_LIMITS["reason"]):
        raise ValidationError.single(N["reason"], why)
    nomination.decision, nomination.reason = decision.value, reason
    nomination.decided_on = None if decision is Decision.PENDING else day
    session.flush()


def decide_by_rank(session: Session, campaign_id: int, places: int, reason: str = "", on: date | None = None) -> int:
    """The first `places` by rank 当选, the rest 未当选 with `reason` (default: the rank and the
    total). Ties at the last place are all chosen. Returns how many were chosen."""
    require_writer(session, "确定评议结果")
    campaign = _get(session, campaign_id)
    _require_stage(campaign, Stage.REVIEW, what="确定评议结果")
    rows = list_nominations(session, campaign_id)
    if any(r.rank is None for r in rows):
        raise ValidationError.single("评议结果", "还有家庭没有评分或投票，不能按名次确定")
    if not 1 <= places <= len(rows):
        raise ValidationError.single("当选户数", f"应在 1 到 {len(rows)} 之间")
    day = _decided_on(on)
    chosen = 0
    for row in rows:
        nomination = _nomination(session, row.id)
        nomination.decided_on = day
        if row.rank is not None and row.rank <= places:
            nomination.decision, nomination.reason = Decision.CHOSEN.value, ""
            chosen += 1
        else:
            total = f"得分 {row.score:g}" if row.score is not None else f"同意 {row.votes_for} 票"
            nomination.decision = Decision.NOT_CHOSEN.value
            nomination.reason = clean(reason) or f"评议排名第 {row.rank} 名（{total}），未进入前 {places} 名"
    session.flush()
    return chosen


# --- the notice and objections --------------------------------------------------------------------------
def list_objections(session: Session, campaign_id: int) -> list[ObjectionRow]:
    rows = session.execute(select(Objection, Household.head_name)
                           .outerjoin(Nomination, Nomination.id == Objection.nomination_id)
                           .outerjoin(Household, Household.id == Nomination.household_id)
                           .where(Objection.campaign_id == campaign_id).order_by(Objection.raised_on, Objection.id))
    return [ObjectionRow(o.id, o.nomination_id, f"{head}家庭" if head else "", o.raised_by, o.raised_on, o.content,
                         Outcome(o.outcome), o.settlement, o.settled_on) for o, head in rows]


def add_objection(session: Session, campaign_id: int, nomination_id: int | None, raised_by: str,
                  raised_on: date | None, content: str, today: date | None = None) -> int:
    """An objection raised during the notice (公示 stage, dated within the notice period)."""
    require_writer(session, "登记公示异议")
    campaign = _get(session, campaign_id)
    _require_stage(campaign, Stage.NOTICE, what="登记公示异议")
    today = today or date.today()
    raised_by, content = clean(raised_by), clean(content)
    problems = [] if content else [Problem(OB["content"], "必须填写")]
    problems += text_problems([(OB["raised_by"], raised_by, rules.OBJECTION_LIMITS["raised_by"]),
                               (OB["content"], content, rules.OBJECTION_LIMITS["content"])])
    if raised_on is None:
        problems.append(Problem(OB["raised_on"], "必须填写"))
    elif campaign.notice_start is not None and campaign.notice_end is not None and not (
            campaign.notice_start <= raised_on <= min(campaign.notice_end, today)):
        problems.append(Problem(OB["raised_on"], f"应在公示期内（{cn_date(campaign.notice_start)}至"
                                f"{cn_date(campaign.notice_end)}），且不晚于今天"))
    if nomination_id is not None:
        nomination = session.get(Nomination, nomination_id)
        if nomination is None or nomination.campaign_id != campaign_id:
            problems.append(Problem(OB["nomination"], "所选家庭不在本次评选中"))
        elif nomination.decision != Decision.CHOSEN.value:
            problems.append(Problem(OB["nomination"], "所选家庭不在公示名单中"))
    if problems:
        raise ValidationError(problems)
    objection = Objection(campaign_id=campaign_id, nomination_id=nomination_id, raised_by=raised_by,
                          raised_on=raised_on, content=content, outcome=Outcome.OPEN.value, settlement="")
    session.add(objection)
    session.flush()
    return objection.id


def settle_objection(session: Session, objection_id: int, outcome: Outcome, settlement: str,
                     settled_on: date | None, today: date | None = None) -> None:
    """How an objection was settled. 异议成立 takes the household off the list: it becomes
    未当选 with the finding as the reason."""
    require_writer(session, "处理公示异议")
    objection = session.get(Objection, objection_id)
    if objection is None:
        raise NotFoundError("这条异议已不存在。")
    campaign = _get(session, objection.campaign_id)
    _require_stage(campaign, Stage.NOTICE, what="处理公示异议")
    if objection.outcome != Outcome.OPEN.value:
        raise ValidationError.single(OB["outcome"], f"这条异议已于 {cn_date(objection.settled_on) if objection.settled_on else '此前'}"
                                     f"处理（{rules.OUTCOME_LABELS[objection.outcome]}），不能再改处理结果")
    today = today or date.today()
    settlement = clean(settlement)
    problems = []
    if outcome is Outcome.OPEN:
        problems.append(Problem(OB["outcome"], "请选择处理结果"))
    if not settlement:
        problems.append(Problem(OB["settlement"], "必须写明核实和处理情况"))
    problems += text_problems([(OB["settlement"], settlement, rules.OBJECTION_LIMITS["settlement"])])
    if settled_on is None:
        problems.append(Problem(OB["settled_on"], "必须填写"))
    elif settled_on < objection.raised_on or settled_on > today:
        problems.append(Problem(OB["settled_on"], f"应在反映日期（{cn_date(objection.raised_on)}）与今天之间"))
    if outcome is Outcome.WITHDRAWN and objection.nomination_id is None:
        problems.append(Problem(OB["outcome"], "这条异议没有指明家庭，无法取消当选；请先登记所涉家庭"))
    if problems:
        raise ValidationError(problems)
    objection.outcome, objection.settlement, objection.settled_on = outcome.value, settlement, settled_on
    if outcome is Outcome.WITHDRAWN and objection.nomination_id is not None:
        nomination = _nomination(session, objection.nomination_id)
        nomination.decision = Decision.NOT_CHOSEN.value
        nomination.reason = f"公示期间有异议，经核实成立：{settlement}"[:rules.NOMINATION_LIMITS["reason"]]
    session.flush()


# --- campaign activities ---------------------------------------------------------------------------------
def campaign_activities(session: Session, campaign_id: int) -> list[ActivityRow]:
    ids = list(session.scalars(select(CampaignActivity.activity_id).join(Activity, Activity.id == CampaignActivity.activity_id)
                               .where(CampaignActivity.campaign_id == campaign_id).order_by(Activity.start_at)))
    return fetch_rows(session, ids)


def link_activity(session: Session, campaign_id: int, activity_id: int) -> None:
    require_writer(session, "关联活动")
    campaign = _get(session, campaign_id)
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFoundError("这条活动已不存在，可能已被删除。")
    other = session.scalar(select(CampaignActivity).where(CampaignActivity.activity_id == activity_id))
    if other is not None:
        if other.campaign_id == campaign_id:
            return
        title = session.scalar(select(Campaign.title).where(Campaign.id == other.campaign_id))
        raise ValidationError.single("活动", f"「{activity.title}」已关联到「{title}」")
    session.add(CampaignActivity(campaign_id=campaign.id, activity_id=activity_id))
    session.flush()


def unlink_activity(session: Session, campaign_id: int, activity_id: int) -> None:
    """The activity stays in the activity ledger; only the link goes."""
    require_writer(session, "取消关联活动")
    link = session.scalar(select(CampaignActivity).where(CampaignActivity.campaign_id == campaign_id,
                                                         CampaignActivity.activity_id == activity_id))
    if link is None:
        raise NotFoundError("这项活动已不在本次评选中。")
    session.delete(link)
    session.flush()


def campaign_of_activity(session: Session, activity_id: int) -> CampaignRow | None:
    campaign = session.scalar(select(Campaign).join(CampaignActivity, CampaignActivity.campaign_id == Campaign.id)
                              .where(CampaignActivity.activity_id == activity_id))
    return _campaign_row(campaign, _counts(session), _filed(session)) if campaign is not None else None


# --- across years -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FamilyRecord:
    """One line of the 文明家庭创建台账: a household in a campaign and how it ended."""

    household: HouseholdRow
    campaign: str
    kind: str
    year: int
    nominated_by: str
    result: str  # 当选 / 未当选 / 评议中 …
    commended_on: date | None


def family_records(session: Session, year: int | None = None) -> list[FamilyRecord]:
    """Every nomination of every campaign (of `year`), by year, campaign, then address."""
    query = (select(Nomination, Campaign).join(Campaign, Campaign.id == Nomination.campaign_id)
             .order_by(Campaign.year, Campaign.id))
    if year is not None:
        query = query.where(Campaign.year == year)
    pairs = session.execute(query).all()
    households = {h.id: h for h in list_households(session, ids=[n.household_id for n, _c in pairs])}
    records = []
    for n, c in pairs:
        stage = Stage(c.stage)
        if n.decision == Decision.CHOSEN.value:
            result = f"获评{c.kind}" if rules.reached(stage, Stage.COMMEND) else (
                "公示中" if stage is Stage.NOTICE else "拟当选")
        elif n.decision == Decision.NOT_CHOSEN.value:
            result = "未当选"
        else:
            result = "评议中" if rules.reached(stage, Stage.REVIEW) else "已推荐"
        h = households[n.household_id]
        nominated_by = f"{n.nominator_kind}（{n.nominator}）" if n.nominator else n.nominator_kind
        records.append(FamilyRecord(h, c.title, c.kind, c.year, nominated_by, result,
                                    c.commended_on if n.decision == Decision.CHOSEN.value else None))
    from huiquan_desk.services.households import address_key

    return sorted(records, key=lambda r: (r.year, r.campaign, address_key(r.household.building),
                                          address_key(r.household.unit), address_key(r.household.room)))

