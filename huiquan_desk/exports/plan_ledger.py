"""The 责任分解表 of a year's plan, declared once for Excel and PDF (A4 landscape): a row per task in
plan order with 序号, 工作板块, 工作任务, 工作标准, 责任领导, 责任人, 完成时限, 阶段, 目标 and
进度/状态 (the task's status, its progress from its linked records, 「已逾期 N 天」 past its
deadline), the phases and their dates under the table.

No residents' personal data: the 责任 columns name the committee's staff (or their posts).

What is printed is read by attribute from what services.plans hands over: PlanDetail (year,
phases: name, date_from, date_to; tasks) and TaskRow (section_title, number, title, standard,
lead, owner, due, phase_name, target_text, state_text(today), overdue).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from huiquan_desk.domain import plan as rules
from huiquan_desk.domain.dates import iso_date
from huiquan_desk.exports.ledger import NAME_CHARS, Column, Ledger, Letterhead

T = rules.TASK_LABELS
PROGRESS_HEADER = "进度/状态"


def responsibility_columns(today: date) -> list[Column]:
    return [
        Column(rules.SECTION_LABELS["title"], lambda t: t.section_title, 16),
        Column(T["title"], lambda t: f"{t.number}{t.title}", 22),
        Column(T["standard"], lambda t: t.standard, 30),
        Column(T["lead"], lambda t: t.lead, 8.5, "center", NAME_CHARS),
        Column(T["owner"], lambda t: t.owner, 8.5, "center", NAME_CHARS),
        Column(T["due"], lambda t: iso_date(t.due), 11.5, "center"),
        Column(T["phase_id"], lambda t: t.phase_name, 9, "center"),
        Column(T["target_text"], lambda t: t.target_text, 16),
        Column(PROGRESS_HEADER, lambda t: t.state_text(today), 18),
    ]


def phases_text(detail: Any) -> str:
    """工作阶段：宣传发动 2026-01-01 至 2026-03-31；重点推进 …"""
    parts = [f"{p.name} {iso_date(p.date_from)} 至 {iso_date(p.date_to)}" for p in detail.phases]
    return "工作阶段：" + ("；".join(parts) if parts else "（未设置）")


def responsibility_ledger(detail: Any, head: Letterhead, today: date) -> Ledger:
    """The 责任分解表 of `detail` (a PlanDetail), progress and overdue as of `today`."""
    tasks = detail.tasks
    overdue = sum(1 for t in tasks if t.overdue)
    return Ledger(
        title=head.title(f"{detail.year}年度文明创建工作责任分解表"),
        subtitle=head.subtitle(f"计划年度：{detail.year}年", f"共 {len(tasks)} 项任务",
                               f"逾期未完成 {overdue} 项（截至{today.isoformat()}）" if overdue else
                               f"进度截至{today.isoformat()}"),
        columns=responsibility_columns(today), rows=tasks, row_count=len(tasks),
        describe=lambda t: f"「{t.title[:20]}」", preparer=head.preparer, sheet_name="责任分解表",
        notes=[phases_text(detail),
               "进度按关联到任务的记录计算：有次数目标的，按已开展的关联活动逐月（季度）统计达标情况；"
               "其余按已完成的关联记录计算。"],
    )
