"""Volunteers (志愿者) under 《志愿服务记录与证明出具办法（试行）》: fields, star levels, entry deadline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from huiquan_desk.domain.text import clean, halfwidth
from huiquan_desk.domain.workdays import add_working_days

# Chinese labels of the volunteer fields; forms, table headers, import headers and messages use these.
FIELD_LABELS = {
    "number": "志愿者编号",
    "name": "姓名",
    "gender": "性别",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "area": "居住区域/楼栋",
    "phone": "联系方式",
    "skills": "专业技能",
    "service_types": "服务类别",
    "political_status": "政治面貌",
    "registered_on": "注册日期",
    "team": "所属队伍",
    "remarks": "备注",
}
# Longest text of each free-text field (characters, after clean()). 身份证号, 联系方式, 性别 and
# 政治面貌 have rules of their own that admit nothing longer.
FIELD_LIMITS = {"name": 50, "area": 100, "skills": 200, "service_types": 200, "number": 32, "remarks": 2000}

# A volunteer team (志愿服务队伍).
TEAM_LABELS = {"name": "队伍名称", "description": "队伍简介"}
TEAM_LIMITS = {"name": 60, "description": 2000}

# A volunteer's trainings, commendations and evaluations (记录办法 art. 8: 培训、表彰奖励、评价).
TRAINING_LABELS = {"name": "培训名称", "held_on": "培训日期", "minutes": "学习时长", "content": "主要内容",
                   "organizer": "举办单位"}
TRAINING_LIMITS = {"name": 200, "content": 20000, "organizer": 200}
COMMENDATION_LABELS = {"name": "表彰名称", "awarded_on": "表彰日期", "grantor": "授予单位"}
COMMENDATION_LIMITS = {"name": 200, "grantor": 200}
EVALUATION_LABELS = {"quality": "服务质量评价", "evaluated_on": "评价日期", "evaluator": "评价人", "remarks": "说明"}
EVALUATION_LIMITS = {"evaluator": 50, "remarks": 20000}

# A service record (志愿服务记录), as 补录 enters it and attendance signs who entered it.
SERVICE_LABELS = {"volunteer": "志愿者", "service_date": "服务日期", "minutes": "服务时长", "title": "活动名称",
                  "place": "地点", "content": "服务内容", "organizer": "活动组织单位", "leader": "活动负责人",
                  "reason": "补录原因", "entered_by": "登记人", "activity": "活动"}
SERVICE_LIMITS = {"title": 200, "place": 200, "content": 20000, "organizer": 200, "leader": 100, "reason": 2000,
                  "entered_by": 50}

POLITICAL_STATUSES = ("中共党员", "中共预备党员", "共青团员", "民主党派", "群众")
QUALITY_GRADES = ("优秀", "良好", "合格", "不合格")
STAR_LABELS = ("", "一星", "二星", "三星", "四星", "五星")
DEFAULT_STAR_THRESHOLDS = (100, 300, 600, 1000, 1500)  # hours; 中国社区志愿者注册管理办法 art. 18
ENTRY_DEADLINE_WORKING_DAYS = 10  # 记录办法: within 10 working days after the activity ends


class ServiceSource(StrEnum):
    ACTIVITY = "activity"  # entered with the activity (sign-in)
    SUPPLEMENT = "supplement"  # 补录 afterwards by staff, with a reason

    @property
    def label(self) -> str:
        return {"activity": "随活动登记", "supplement": "补录"}[self.value]


def star_level(hours: float, thresholds: tuple[int, ...] = DEFAULT_STAR_THRESHOLDS) -> int:
    """0 (none) to 5 stars by total service hours."""
    level = 0
    for index, limit in enumerate(sorted(thresholds), start=1):
        if hours >= limit:
            level = index
    return level


def parse_thresholds(text: str) -> tuple[int, ...]:
    """'100/300/600/1000/1500', '100，300，…' or '100、300、…' → five increasing hour counts (ValueError otherwise)."""
    parts = [p for p in re.split(r"[,/、;\s]+", halfwidth(clean(text))) if p]
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError("星级时长应为 5 个整数，如 100/300/600/1000/1500") from None
    if len(values) != 5 or any(v <= 0 for v in values) or list(values) != sorted(set(values)):
        raise ValueError("星级时长应为 5 个递增的正整数，如 100/300/600/1000/1500")
    return values


def entry_deadline(activity_end: date) -> date:
    return add_working_days(activity_end, ENTRY_DEADLINE_WORKING_DAYS)


def is_late(activity_end: date, entered_on: date) -> bool:
    return entered_on > entry_deadline(activity_end)


def hours_text(minutes: int) -> str:
    """Hours as printed: 2, 2.5, 1.25 — never a float artefact."""
    hours = minutes / 60
    return f"{hours:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None
