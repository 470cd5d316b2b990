"""Civic family campaigns (文明家庭 / 文明邻里 / 平安家庭 …): households, the stages of a campaign,
the notice period, review totals and the repeat-award rule. Plain rules; the services apply them.

The flow is the one DOMAIN.md gives: 组织动员 → 推荐 → 评议 → 公示 → 表彰 → 宣传推介. A campaign moves
one stage at a time; what the next stage needs is checked by services.campaigns and said in one
sentence per missing thing. The notice period (公示) has no national number: 7 calendar days by
default, a setting, optionally counted in working days (the State Council calendar of
domain.workdays).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from huiquan_desk.domain.text import clean, halfwidth
from huiquan_desk.domain.workdays import is_workday

# --- households ------------------------------------------------------------------------------------
HOUSEHOLD_LABELS = {
    "head_name": "户主",
    "building": "楼栋",
    "unit": "单元",
    "room": "门牌",
    "address": "住址",
    "size": "家庭人口",
    "phone": "联系电话",
    "grid": "网格",
    "members": "家庭成员",
    "remarks": "备注",
}
HOUSEHOLD_LIMITS = {"head_name": 50, "building": 20, "unit": 20, "room": 20, "grid": 50, "remarks": 2000}
MEMBER_LABELS = {"name": "成员姓名", "relation": "与户主关系"}
MEMBER_LIMITS = {"name": 50, "relation": 20}
MAX_HOUSEHOLD_SIZE = 30
RELATIONS = ("配偶", "子", "女", "儿媳", "女婿", "孙子", "孙女", "外孙子", "外孙女", "父亲", "母亲", "兄弟", "姐妹", "其他")

# What people type after the number of a building, a unit and a door: 3栋 / 3号楼 / 3幢, 2单元, 501室.
_SUFFIXES = {
    "building": ("号楼", "栋", "幢", "座", "楼", "号", "#"),
    "unit": ("单元",),
    "room": ("室", "号", "户"),
}


_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ROMAN = dict(zip("ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ", range(1, 13), strict=True))
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad]+")  # spaces, zero-width and format marks


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 (十二, 二十, 二十三) as a number, None for anything else."""
    if text in _NUMERALS:
        return _NUMERALS[text]
    match = re.fullmatch(r"([一二两三四五六七八九]?)十([一二三四五六七八九]?)", text)
    if not match:
        return None
    return _NUMERALS.get(match.group(1), 1) * 10 + _NUMERALS.get(match.group(2), 0)


def address_part(kind: str, text: object) -> str:
    """One part of an address as stored, written one way whatever way it was typed: half-width, no
    spaces or invisible marks, the usual suffix dropped when what is left is a number or a
    letter-number, numbers without leading zeros, Chinese and Roman numerals as digits
    (「３栋」「03号楼」「三栋」「Ⅲ」 → 「3」, 「A座」 → 「A」, 「0402」 → 「402」)."""
    value = _INVISIBLE.sub("", halfwidth(clean(text))).upper()
    for suffix in _SUFFIXES[kind]:
        stem = value[: -len(suffix)] if value.endswith(suffix) else ""
        if stem and (re.fullmatch(r"[0-9A-Z-]+", stem) or _chinese_number(stem) or stem in _ROMAN):
            value = stem
            break
    if (number := _chinese_number(value)) is not None:
        return str(number)
    if value in _ROMAN:
        return str(_ROMAN[value])
    if value.isdigit():
        return str(int(value))
    return value


def address_text(building: str, unit: str, room: str) -> str:
    """楼栋-单元-门牌 as people read it: 3栋2单元501 (3栋501 without a unit)."""
    parts = [f"{building}栋" if re.fullmatch(r"[0-9A-Z-]+", building) else building]
    if unit:
        parts.append(f"{unit}单元" if re.fullmatch(r"[0-9A-Z-]+", unit) else unit)
    parts.append(room)
    return "".join(parts)


def building_text(building: str) -> str:
    """A household's building as a public notice names it (楼栋, never the door)."""
    return f"{building}栋" if re.fullmatch(r"[0-9A-Z-]+", building) else building


# --- campaigns ---------------------------------------------------------------------------------------
DEFAULT_KINDS = ("文明家庭", "文明邻里", "平安家庭", "最美家庭", "五好家庭")
# Criteria of an example city (2022), DOMAIN.md: a campaign starts with these and may change them.
DEFAULT_CRITERIA = ("爱国守法", "遵德守礼", "平等和谐", "敬业诚信", "家教良好", "家风淳朴", "绿色节俭", "热心公益")
CAMPAIGN_LABELS = {
    "kind": "评选类型",
    "year": "年度",
    "title": "评选名称",
    "criteria": "评选标准",
    "quotas": "推荐名额",
    "review_method": "评议方式",
    "max_score": "每项满分",
    "stage": "阶段",
    "notice_start": "公示开始日期",
    "notice_days": "公示天数",
    "notice_workdays": "按工作日计算",
    "notice_end": "公示结束日期",
    "commended_on": "表彰日期",
    "remarks": "备注",
}
CAMPAIGN_LIMITS = {"kind": 20, "title": 100, "criterion": 50, "body": 50, "remarks": 2000}
MAX_CRITERIA = 20
DEFAULT_NOTICE_DAYS = 7
DEFAULT_REPEAT_YEARS = 3
DEFAULT_MAX_SCORE = 10


class Stage(StrEnum):
    MOBILIZE = "mobilize"
    NOMINATE = "nominate"
    REVIEW = "review"
    NOTICE = "notice"
    COMMEND = "commend"
    PUBLICIZE = "publicize"


STAGE_LABELS: dict[str, str] = {
    Stage.MOBILIZE: "组织动员",
    Stage.NOMINATE: "推荐",
    Stage.REVIEW: "评议",
    Stage.NOTICE: "公示",
    Stage.COMMEND: "表彰",
    Stage.PUBLICIZE: "宣传推介",
}
STAGES = tuple(Stage)


def next_stage(stage: Stage) -> Stage | None:
    index = STAGES.index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def previous_stage(stage: Stage) -> Stage | None:
    index = STAGES.index(stage)
    return STAGES[index - 1] if index > 0 else None


def reached(stage: Stage, than: Stage) -> bool:
    """Whether a campaign at `stage` has reached `than` (or gone past it)."""
    return STAGES.index(stage) >= STAGES.index(than)


class ReviewMethod(StrEnum):
    SCORE = "score"  # each member scores each criterion
    VOTE = "vote"  # each member votes 同意 / 不同意 / 弃权


REVIEW_METHOD_LABELS: dict[str, str] = {ReviewMethod.SCORE: "逐项评分", ReviewMethod.VOTE: "投票"}


class Vote(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


VOTE_LABELS: dict[str, str] = {Vote.FOR: "同意", Vote.AGAINST: "不同意", Vote.ABSTAIN: "弃权"}

# --- nominations -------------------------------------------------------------------------------------
NOMINATOR_KINDS = ("网格", "楼栋长", "居民代表", "自荐")
# Who holds a quota under 等额推荐: a 网格 or 楼栋长 nominating must be one of the campaign's quota bodies.
QUOTA_KINDS = ("网格", "楼栋长")
NOMINATION_LABELS = {
    "household": "推荐家庭",
    "nominator_kind": "推荐方式",
    "nominator": "推荐单位/推荐人",
    "deeds": "主要事迹",
    "decision": "评议结果",
    "reason": "理由",
    "decided_on": "评议结果确定日期",
    "photos": "事迹照片",
}
NOMINATION_LIMITS = {"nominator": 50, "deeds": 5000, "reason": 500}
REVIEWER_LABELS = {"name": "评议小组成员", "role": "身份"}
REVIEWER_LIMITS = {"name": 50, "role": 50}
REVIEWER_ROLES = ("社区党组织代表", "居委会代表", "居民代表", "网格员", "楼栋长", "驻区单位代表", "其他")


class Decision(StrEnum):
    PENDING = "pending"
    CHOSEN = "chosen"
    NOT_CHOSEN = "not_chosen"


DECISION_LABELS: dict[str, str] = {Decision.PENDING: "待评议", Decision.CHOSEN: "当选", Decision.NOT_CHOSEN: "未当选"}

# --- objections during the notice --------------------------------------------------------------------
OBJECTION_LABELS = {
    "nomination": "所涉家庭",
    "raised_by": "反映人",
    "raised_on": "反映日期",
    "content": "反映内容",
    "outcome": "处理结果",
    "settlement": "处理情况",
    "settled_on": "处理日期",
}
OBJECTION_LIMITS = {"raised_by": 50, "content": 2000, "settlement": 2000}


class Outcome(StrEnum):
    OPEN = "open"  # not settled yet
    UPHELD = "upheld"  # 异议不成立: the household stays
    WITHDRAWN = "withdrawn"  # 异议成立: the household is taken off the list


OUTCOME_LABELS: dict[str, str] = {Outcome.OPEN: "待处理", Outcome.UPHELD: "异议不成立，维持评选结果", Outcome.WITHDRAWN: "异议成立，取消当选"}


# --- the notice period -------------------------------------------------------------------------------
def notice_end(start: date, days: int, working_days: bool = False) -> date:
    """The last day of a notice that starts on `start` and runs `days` days, `start` counted
    (7 calendar days from 2016-11-07 end on 11-13, as the first national round's did). In working
    days, `start` counts when it is one, and the notice ends on the `days`-th working day."""
    if days < 1:
        raise ValueError("公示天数至少为 1 天")
    if not working_days:
        return start + timedelta(days=days - 1)
    day, counted = start, 1 if is_workday(start) else 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def notice_over(end: date, today: date) -> bool:
    """The notice has run its whole period: the day after its last day has come."""
    return today > end


# --- the repeat-award rule -----------------------------------------------------------------------------
def recent_award(year: int, awarded_years: Iterable[int], within: int) -> int | None:
    """The latest year in `awarded_years` that lies within `within` years before `year` (the same
    year counted: another campaign of that year), or None. within=3, year 2026: 2023–2026."""
    if within <= 0:
        return None
    recent = [y for y in awarded_years if 0 <= year - y <= within]
    return max(recent) if recent else None


# --- review totals ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tally:
    """One nomination's review: by scores (the average over the members who scored of each member's
    sum over the criteria) or by votes."""

    nomination_id: int
    score: float | None  # average total, None when no member has scored
    scored_by: int  # members who scored every criterion
    votes_for: int
    votes_against: int
    votes_abstain: int

    @property
    def votes(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


def tally(nomination_id: int, scores: Sequence[tuple[int, float]], votes: Sequence[str],
          criteria_count: int) -> Tally:
    """`scores`: (member id, score) for each criterion a member scored; `votes`: Vote values."""
    per_member: dict[int, list[float]] = {}
    for member, value in scores:
        per_member.setdefault(member, []).append(value)
    complete = [sum(values) for values in per_member.values() if len(values) >= criteria_count]
    average = round(sum(complete) / len(complete), 2) if complete else None
    return Tally(nomination_id, average, len(complete), votes.count(Vote.FOR), votes.count(Vote.AGAINST),
                 votes.count(Vote.ABSTAIN))


def ranks(values: Sequence[float | None]) -> list[int | None]:
    """Competition ranks (1, 1, 3 …), highest first; None stays unranked."""
    ordered = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else ordered.index(v) + 1 for v in values]


def parse_quotas(text: str) -> dict[str, int]:
    """「第一网格=2；第二网格=2」 (one per line, or separated by ；/;/，/,) → {body: quota}."""
    quotas: dict[str, int] = {}
    for part in re.split(r"[\n;；,，、]+", halfwidth(clean(text))):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(.+?)\s*[=:：]\s*(\d+)\s*(?:户|名|个)?", part)
        if match is None:
            raise ValueError(f"「{part}」应写成 推荐单位=名额，如 第一网格=2")
        body, quota = clean(match.group(1)), int(match.group(2))
        if not 1 <= quota <= 99:
            raise ValueError(f"「{body}」的名额应在 1 到 99 之间")
        if body in quotas:
            raise ValueError(f"「{body}」写了两次")
        quotas[body] = quota
    return quotas


def quotas_text(quotas: dict[str, int]) -> str:
    return "\n".join(f"{body}={quota}" for body, quota in quotas.items())
