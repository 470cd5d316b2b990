"""Civic family campaign ledgers, each declared once for Excel and PDF: a campaign's 推荐名单 and
its 评议结果, the 文明家庭创建台账 across years and the 家庭花名册.

All four print residents' names (the registry marks them personal, so an export is audited). The
phone is printed masked only (`phone_masked`); ID numbers are never held. The 评议结果 is the
internal record: it keeps the households not chosen with the reason, which every public print (the
公示, exports.family_documents) leaves out.

The rows are what the services hand over, read by attribute: services.campaigns.CampaignDetail
(its `row`, `draft` and `nominations` of NominationRow), FamilyRecord and
services.households.HouseholdRow.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from huiquan_desk.domain import family as rules
from huiquan_desk.domain.dates import iso_date
from huiquan_desk.domain.family import Decision, ReviewMethod
from huiquan_desk.exports.ledger import NAME_CHARS, Column, Ledger, Letterhead, sum_cell

H = rules.HOUSEHOLD_LABELS
N = rules.NOMINATION_LABELS
MASK_NOTE = "注：联系电话按个人信息保护要求隐去中间四位。"
INTERNAL = "内部材料，不公开"


def award_note(row: Any) -> str:
    """备注 of a nomination: 「2024年已获评」 when the household was commended within the repeat-award years."""
    return f"{row.recent_award}年已获评" if row.recent_award else ""


def _campaign_parts(detail: Any) -> tuple[str, str]:
    return f"评选：{detail.row.title}", f"阶段：{detail.row.stage_label}"


# --- 推荐名单 ----------------------------------------------------------------------------------------
NOMINATION_COLUMNS = [
    Column(H["head_name"], lambda r: r.head_name, 8.5, "center", NAME_CHARS),
    Column(H["address"], lambda r: r.household.address, 14),
    Column(H["size"], lambda r: r.household.size, 8.5, "center"),
    Column(f"{N['nominator_kind']}/推荐单位", lambda r: r.nominated_by, 18),
    Column(N["deeds"], lambda r: r.deeds, 50),
    Column("备注", award_note, 13),
]


def nomination_ledger(detail: Any, head: Letterhead) -> Ledger:
    """Every household nominated to the campaign `detail`, in the order nominated."""
    rows = detail.nominations
    flagged = sum(1 for r in rows if r.recent_award)
    notes = [f"注：「备注」标出不重复获评年限内已获评的家庭（年限见「评选设置」），共 {flagged} 户。"] if flagged else []
    return Ledger(
        title=head.title(f"{detail.row.kind}推荐名单"),
        subtitle=head.subtitle(*_campaign_parts(detail), f"共 {len(rows)} 户"),
        columns=NOMINATION_COLUMNS, rows=rows, row_count=len(rows),
        describe=lambda r: f"「{r.family_name}」（{r.household.address}）",
        preparer=head.preparer, sheet_name="推荐名单", notes=notes,
    )


# --- 评议结果 ----------------------------------------------------------------------------------------
def review_columns(method: ReviewMethod) -> list[Column]:
    if method is ReviewMethod.VOTE:
        totals = [Column(rules.VOTE_LABELS[v], attrgetter(f"votes_{v.value}"), 6.5, "right")
                  for v in (rules.Vote.FOR, rules.Vote.AGAINST, rules.Vote.ABSTAIN)]
    else:
        totals = [Column("平均得分", lambda r: sum_cell(r.score), 9, "right")]
    return [
        Column("名次", lambda r: r.rank or "", 5.5, "center"),
        Column(H["head_name"], lambda r: r.head_name, 8.5, "center", NAME_CHARS),
        Column(H["address"], lambda r: r.household.address, 14),
        *totals,
        Column(N["decision"], lambda r: r.decision_label, 9, "center"),
        Column(N["reason"], lambda r: r.reason, 44),
    ]


def review_ledger(detail: Any, head: Letterhead) -> Ledger:
    """The review of the campaign `detail`: every nomination by rank (the unranked last), its totals,
    当选 / 未当选 / 待评议 and the reason. An internal record, kept with the not-chosen."""
    method = ReviewMethod(detail.draft.review_method)
    rows = sorted(detail.nominations, key=lambda r: (r.rank is None, r.rank or 0))
    chosen = sum(1 for r in rows if r.decision is Decision.CHOSEN)
    not_chosen = sum(1 for r in rows if r.decision is Decision.NOT_CHOSEN)
    if method is ReviewMethod.VOTE:
        how = "名次按同意票数排列。"
    else:
        criteria = len(detail.draft.criteria)
        how = (f"平均得分为评完全部 {criteria} 项标准的评议小组成员所给总分的平均值（每项满分 {detail.draft.max_score} 分，"
               f"满分 {criteria * detail.draft.max_score} 分）。")
    notes = [f"合计：推荐 {len(rows)} 户，当选 {chosen} 户，未当选 {not_chosen} 户，"
             f"待评议 {len(rows) - chosen - not_chosen} 户。",
             f"注：{how}本表为评议过程的内部记录，未当选家庭及理由留档备查，不对外公开；公示只列当选家庭。"]
    return Ledger(
        title=head.title(f"{detail.row.kind}评议结果"),
        subtitle=head.subtitle(*_campaign_parts(detail), f"评议方式：{rules.REVIEW_METHOD_LABELS[method]}", INTERNAL),
        columns=review_columns(method), rows=rows, row_count=len(rows),
        describe=lambda r: f"「{r.family_name}」（{r.household.address}）",
        numbered=False, preparer=head.preparer, sheet_name="评议结果", notes=notes,
    )


# --- 文明家庭创建台账 ---------------------------------------------------------------------------------
FAMILY_COLUMNS = [
    Column("年度", lambda r: r.year, 6, "center"),
    Column("评选名称", lambda r: r.campaign, 26),
    Column(H["head_name"], lambda r: r.household.head_name, 8.5, "center", NAME_CHARS),
    Column(H["address"], lambda r: r.household.address, 14),
    Column(N["nominator_kind"], lambda r: r.nominated_by, 18),
    Column("结果", lambda r: r.result, 12, "center"),
    Column("表彰日期", lambda r: iso_date(r.commended_on), 11.5, "center"),
]


def family_ledger(rows: Sequence[Any], head: Letterhead, year: int | None = None) -> Ledger:
    """`rows` are services.campaigns.FamilyRecord: every nomination of every campaign (of `year`)."""
    commended = sum(1 for r in rows if r.commended_on is not None)
    return Ledger(
        title=head.title("文明家庭创建台账"),
        subtitle=head.subtitle(f"年度：{f'{year}年' if year else '全部'}", f"共 {len(rows)} 条"),
        columns=FAMILY_COLUMNS, rows=rows, row_count=len(rows),
        describe=lambda r: f"{r.year}年「{r.campaign}」「{r.household.name}」",
        preparer=head.preparer, sheet_name="文明家庭创建台账",
        notes=[f"合计：推荐 {len(rows)} 户次，获表彰 {commended} 户次。"],
    )


# --- 家庭花名册 ----------------------------------------------------------------------------------------
HOUSEHOLD_COLUMNS = [
    Column(H["head_name"], lambda r: r.head_name, 8.5, "center", NAME_CHARS),
    Column(H["address"], lambda r: r.address, 14),
    Column(H["size"], lambda r: r.size, 8.5, "center"),
    Column(H["phone"], lambda r: r.phone_masked, 14, "center"),
    Column(H["grid"], lambda r: r.grid, 12),
    Column("成员数", lambda r: r.members, 7, "center"),
    Column(H["remarks"], lambda r: r.remarks, 34),
]


def household_roster(rows: Sequence[Any], head: Letterhead, search: str = "") -> Ledger:
    """`rows` are services.households.HouseholdRow (the phone masked), by address."""
    return Ledger(
        title=head.title("家庭花名册"),
        subtitle=head.subtitle(f"检索：{search}" if search else "", f"共 {len(rows)} 户"),
        columns=HOUSEHOLD_COLUMNS, rows=rows, row_count=len(rows),
        describe=lambda r: f"「{r.name}」（{r.address}）",
        preparer=head.preparer, sheet_name="家庭花名册",
        notes=[f"合计：{len(rows)} 户，{sum(r.size for r in rows)} 人。", MASK_NOTE],
    )
