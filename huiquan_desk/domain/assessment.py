"""Self-assessment (测评自查): the rule vocabulary a checklist item is judged by, kept as data
(JSON in the item's `rule`), the grades A / B / C / C# by problem count, the methods, and the
rectification ledger's sources and states with their Chinese labels.

A rule is one of a small set of kinds, written as {"kind": {parameters}}:

    category_count      {"category": "传统节日", "n": 1, "per": "month"}   at least n a month/quarter/year
    category_evidence   {"category": "传统节日", "photos": 2, "sign_in": true}   every activity documented
    hours_on_time       {"workdays": 10}     service hours entered within N working days
    average_hours       {"hours": 25}        average hours per registered volunteer a year (prorated)
    filed_by            {}                   last year's records all filed by June 30 of this year
    campaign_commended  {"kind": "文明家庭"}   a campaign of that kind commended in each year of the period
    no_overdue_rectification {}             no rectification past its deadline
    fixity_within       {"days": 90}         the archive's fixity checked within N days

`parse_rule` reads the JSON ('' is an item assessed by hand) and refuses anything else with a
Chinese message naming the field; `dump_rule` writes it back; `rule_sentence` says it in one
Chinese sentence (「传统节日类活动每月至少 1 次」).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from huiquan_desk.domain.errors import Problem, ValidationError

RULE_FIELD = "评定规则"
THRESHOLDS_FIELD = "评档标准"

METHODS = ("材料审核", "实地考察", "听取汇报", "问卷调查", "网络调查", "整体观察")
GRADES = ("A", "B", "C", "C#")
SHARES = {"A": 1.0, "B": 0.66, "C": 0.33, "C#": 0.0}
GRADE_LABELS = {"A": "A 档（100%）", "B": "B 档（66%）", "C": "C 档（33%）", "C#": "C# 档（0%）"}
PENDING = "待人工评定"
ITEM_LIMITS = {"code": 20, "project": 100, "indicator": 100, "content": 2000}  # characters of each text field
DEFAULT_THRESHOLDS = "0/1/2"

ITEM_LABELS = {"code": "编号", "project": "测评项目", "indicator": "指标", "content": "测评内容", "points": "分值",
               "method": "测评方法", "rule": RULE_FIELD, "thresholds": THRESHOLDS_FIELD, "sort_order": "顺序",
               "retired": "已停用"}
MANUAL_LABELS = {"item_id": "测评项目", "period_from": "评定时段起", "period_to": "评定时段止", "grade": "评定档次",
                 "note": "评定说明", "evidence": "佐证材料", "assessed_by": "评定人", "assessed_on": "评定日期"}
RECTIFICATION_LABELS = {"problem": "问题", "source": "问题来源", "found_on": "发现日期", "item_id": "测评项目",
                        "deduction": "扣分", "responsible": "责任人", "deadline": "整改时限", "status": "整改状态",
                        "verified_by": "验收人", "verified_on": "验收日期", "remarks": "备注"}


class Source(StrEnum):
    SELF = "self"
    UNANNOUNCED = "unannounced"
    SUPERVISION = "supervision"
    NOTICE = "notice"

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self]


SOURCE_LABELS: dict[str, str] = {Source.SELF: "自查", Source.UNANNOUNCED: "暗访", Source.SUPERVISION: "督查",
                                 Source.NOTICE: "上级通报"}


class Status(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[str, str] = {Status.PENDING: "待整改", Status.IN_PROGRESS: "整改中", Status.DONE: "已整改",
                                 Status.VERIFIED: "已验收"}
STATUS_ORDER = (Status.PENDING, Status.IN_PROGRESS, Status.DONE, Status.VERIFIED)
OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS)  # these can be overdue


# --- the rule vocabulary ---------------------------------------------------------------------------
class Per(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


PER_LABELS = {Per.MONTH: "每月", Per.QUARTER: "每季度", Per.YEAR: "每年"}


@dataclass(frozen=True)
class CategoryCount:
    category: str
    n: int
    per: Per
    kind = "category_count"


@dataclass(frozen=True)
class CategoryEvidence:
    category: str
    photos: int
    sign_in: bool
    kind = "category_evidence"


@dataclass(frozen=True)
class HoursOnTime:
    workdays: int = 10
    kind = "hours_on_time"


@dataclass(frozen=True)
class AverageHours:
    hours: float
    kind = "average_hours"


@dataclass(frozen=True)
class FiledBy:
    kind = "filed_by"


@dataclass(frozen=True)
class CampaignCommended:
    campaign_kind: str
    kind = "campaign_commended"


@dataclass(frozen=True)
class NoOverdueRectification:
    kind = "no_overdue_rectification"


@dataclass(frozen=True)
class FixityWithin:
    days: int
    kind = "fixity_within"


Rule = (CategoryCount | CategoryEvidence | HoursOnTime | AverageHours | FiledBy | CampaignCommended
        | NoOverdueRectification | FixityWithin)

KIND_LABELS = {"category_count": "某类活动的次数", "category_evidence": "某类活动的照片和签到表",
               "hours_on_time": "服务时长及时录入", "average_hours": "志愿者人均服务时长",
               "filed_by": "上年度材料按时归档", "campaign_commended": "评选按时表彰",
               "no_overdue_rectification": "整改不逾期", "fixity_within": "档案定期检测"}


def _bad(message: str) -> ValidationError:
    return ValidationError.single(RULE_FIELD, message)


def _int(params: dict[str, Any], key: str, label: str, low: int, high: int) -> int:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise _bad(f"「{label}」应为整数")
    if not low <= int(value) <= high:
        raise _bad(f"「{label}」应在 {low} 到 {high} 之间")
    return int(value)


def _text(params: dict[str, Any], key: str, label: str) -> str:
    value = params.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"请填写「{label}」")
    if len(value.strip()) > 100:
        raise _bad(f"「{label}」不能超过 100 个字")
    return value.strip()


def _only(params: dict[str, Any], kind: str, *keys: str) -> None:
    extra = sorted(set(params) - set(keys))
    if extra:
        raise _bad(f"「{KIND_LABELS[kind]}」规则没有参数 {'、'.join(extra)}")


def rule_from_dict(data: object) -> Rule:
    """A rule from its JSON object: the kind as the one key, its parameters as the value."""
    if not isinstance(data, dict) or len(data) != 1:
        raise _bad('规则应写成 {"种类": {参数}}，如 {"category_count": {"category": "传统节日", "n": 1, "per": "month"}}')
    [(kind, params)] = data.items()
    if kind not in KIND_LABELS:
        raise _bad(f"未知的规则种类「{kind}」；可用：{'、'.join(f'{k}（{v}）' for k, v in KIND_LABELS.items())}")
    if not isinstance(params, dict):
        raise _bad(f"「{KIND_LABELS[kind]}」规则的参数应为一个对象，如 {{}}")
    if kind == "category_count":
        _only(params, kind, "category", "n", "per")
        per = params.get("per")
        if per not in [p.value for p in Per]:
            raise _bad("「周期」应为 month（每月）、quarter（每季度）或 year（每年）")
        return CategoryCount(_text(params, "category", "活动类别"), _int(params, "n", "次数", 1, 1000), Per(per))
    if kind == "category_evidence":
        _only(params, kind, "category", "photos", "sign_in")
        sign_in = params.get("sign_in", False)
        if not isinstance(sign_in, bool):
            raise _bad("「签到表」应为 true 或 false")
        return CategoryEvidence(_text(params, "category", "活动类别"), _int(params, "photos", "照片张数", 0, 100), sign_in)
    if kind == "hours_on_time":
        _only(params, kind, "workdays")
        return HoursOnTime(_int(params, "workdays", "工作日数", 1, 60))
    if kind == "average_hours":
        _only(params, kind, "hours")
        hours = params.get("hours")
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 2000:
            raise _bad("「人均小时数」应为 0 到 2000 之间的数")
        return AverageHours(float(hours))
    if kind == "filed_by":
        _only(params, kind)
        return FiledBy()
    if kind == "campaign_commended":
        _only(params, kind, "kind")
        return CampaignCommended(_text(params, "kind", "评选类型"))
    if kind == "no_overdue_rectification":
        _only(params, kind)
        return NoOverdueRectification()
    _only(params, kind, "days")
    return FixityWithin(_int(params, "days", "天数", 1, 3650))


def parse_rule(text: str) -> Rule | None:
    """The rule of a checklist item from its JSON ('' or blank: assessed by hand)."""
    if not text or not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError:
        raise _bad("不是有效的规则（JSON 格式有误）") from None
    return rule_from_dict(data)


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(rule, CategoryCount):
        out |= {"category": rule.category, "n": rule.n, "per": rule.per.value}
    elif isinstance(rule, CategoryEvidence):
        out |= {"category": rule.category, "photos": rule.photos, "sign_in": rule.sign_in}
    elif isinstance(rule, HoursOnTime):
        out["workdays"] = rule.workdays
    elif isinstance(rule, AverageHours):
        out["hours"] = int(rule.hours) if rule.hours == int(rule.hours) else rule.hours
    elif isinstance(rule, CampaignCommended):
        out["kind"] = rule.campaign_kind
    elif isinstance(rule, FixityWithin):
        out["days"] = rule.days
    return {rule.kind: out}


def dump_rule(rule: Rule | None) -> str:
    return "" if rule is None else json.dumps(rule_to_dict(rule), ensure_ascii=False)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def rule_sentence(rule: Rule | None) -> str:
    """The rule in one Chinese sentence."""
    if rule is None:
        return "人工评定（填写评定说明和佐证材料）"
    if isinstance(rule, CategoryCount):
        return f"{rule.category}类活动{PER_LABELS[rule.per]}至少 {rule.n} 次"
    if isinstance(rule, CategoryEvidence):
        parts = [f"至少 {rule.photos} 张照片"] if rule.photos else []
        if rule.sign_in:
            parts.append("签到表")
        return f"每次{rule.category}类活动都有{'和'.join(parts) or '活动记录'}"
    if isinstance(rule, HoursOnTime):
        return f"志愿服务时长在服务后 {rule.workdays} 个工作日内录入"
    if isinstance(rule, AverageHours):
        return f"注册志愿者人均每年服务不少于 {_number(rule.hours)} 小时（按评定时段折算）"
    if isinstance(rule, FiledBy):
        return "上一年度的活动和评选材料在本年 6 月 30 日前全部归档"
    if isinstance(rule, CampaignCommended):
        return f"评定年度内有一项{rule.campaign_kind}评选完成表彰"
    if isinstance(rule, NoOverdueRectification):
        return "没有超过整改时限仍未整改完成的问题"
    return f"档案检测在 {rule.days} 天内做过，且没有发现问题"


# --- grading ---------------------------------------------------------------------------------------
def parse_thresholds(text: str) -> tuple[int, int, int]:
    """「0/1/2」: A when problems ≤ 0, B ≤ 1, C ≤ 2, more is C#. Non-decreasing counts."""
    parts = (text or "").replace("／", "/").replace(" ", "").split("/")
    try:
        numbers = tuple(int(p) for p in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != 3 or any(n < 0 for n in numbers):
        raise ValidationError.single(THRESHOLDS_FIELD, "应为 3 个用 / 分开的问题数，如 0/1/2（A 档最多 0 个问题，B 档 1 个，C 档 2 个）")
    if not numbers[0] <= numbers[1] <= numbers[2]:
        raise ValidationError.single(THRESHOLDS_FIELD, "三个问题数应从小到大，如 0/1/2")
    return numbers[0], numbers[1], numbers[2]


def grade_for(problems: int, thresholds: tuple[int, int, int]) -> str:
    a, b, c = thresholds
    if problems <= a:
        return "A"
    if problems <= b:
        return "B"
    if problems <= c:
        return "C"
    return "C#"


def score_for(grade: str, points: float) -> float:
    return round(SHARES[grade] * points, 2)


def check_grade(grade: str, field: str = "评定档次") -> str:
    value = (grade or "").strip().upper().replace("＃", "#")
    if value not in GRADES:
        raise ValidationError(Problem(field, "应为 A、B、C 或 C#"))
    return value
