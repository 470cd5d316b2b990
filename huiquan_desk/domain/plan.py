"""The annual plan's words and rules (年度文明创建工作计划): the labels of its parts, the task
statuses, and the three phases a year is divided into. Plain Python."""

from __future__ import annotations

from enum import Enum


class TaskStatus(str, Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


TASK_STATUS_LABELS = {TaskStatus.PLANNED.value: "未开始", TaskStatus.IN_PROGRESS.value: "推进中",
                      TaskStatus.DONE.value: "已完成", TaskStatus.DROPPED.value: "已取消"}

# The year's three phases and their default dates as (month, day) pairs.
DEFAULT_PHASES = (("宣传发动", (1, 1), (3, 31)), ("重点推进", (4, 1), (9, 30)), ("巩固迎检", (10, 1), (12, 31)))

PLAN_LABELS = {"year": "年度", "title": "计划名称", "preamble": "指导思想"}
PHASE_LABELS = {"plan_id": "所属计划", "name": "阶段", "date_from": "开始日期", "date_to": "结束日期",
                "sort_order": "顺序"}
SECTION_LABELS = {"plan_id": "所属计划", "title": "工作板块", "intro": "说明", "sort_order": "顺序"}
TASK_LABELS = {"section_id": "所属板块", "title": "工作任务", "standard": "工作标准", "lead": "责任领导",
               "owner": "责任人", "due": "完成时限", "phase_id": "阶段", "target": "目标规则",
               "target_text": "目标", "status": "状态", "remarks": "备注", "sort_order": "顺序"}
LINK_LABELS = {"task_id": "所属任务", "activity_id": "活动", "campaign_id": "评选活动", "archive_item_id": "归档文件"}
