"""Inspection readiness ledgers, each declared once for Excel and PDF: the 整改台账 (every
rectification found in a period, overdue ones marked in their status) and the 测评自查表 (every
checklist item in force with its rule in words, grade, score and problem count for a period).

Neither holds residents' personal data: the 责任人 and 验收人 are the committee's staff.

The rows are what the services hand over, read by attribute: services.rectifications'
RectificationRow (problem, source_label, found_on, item_code, deduction, responsible, deadline,
status, status_label, verified_by, verified_on, remarks, is_overdue(today)) and
services.assessment's ItemResult (item: code, project, indicator, content, points, method,
rule_sentence; grade_text, score, problems).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.dates import iso_date
from huiquan_desk.exports.activity_ledger import period_text
from huiquan_desk.exports.ledger import NAME_CHARS, Column, Ledger, Letterhead, sum_cell

R = rules.RECTIFICATION_LABELS
C = rules.ITEM_LABELS


# --- 整改台账 ---------------------------------------------------------------------------------------
def status_text(row: Any, today: date) -> str:
    """整改中, or 「整改中（已逾期 5 天）」 for an open rectification past its deadline."""
    if row.is_overdue(today):
        return f"{row.status_label}（已逾期 {(today - row.deadline).days} 天）"
    return str(row.status_label)


def rectification_columns(today: date) -> list[Column]:
    return [
        Column("编号", lambda r: r.id, 6, "center"),  # what 督办单 (export supervision-order --id) and the window name it by
        Column(R["problem"], lambda r: r.problem, 30),
        Column("来源", lambda r: r.source_label, 8, "center"),
        Column(R["found_on"], lambda r: iso_date(r.found_on), 11.5, "center"),
        Column(R["item_id"], lambda r: r.item_code, 9, "center"),
        Column(R["deduction"], lambda r: sum_cell(r.deduction) if r.deduction else "", 6, "right"),
        Column(R["responsible"], lambda r: r.responsible, 8.5, "center", NAME_CHARS),
        Column(R["deadline"], lambda r: iso_date(r.deadline), 11.5, "center"),
        Column("状态", lambda r: status_text(r, today), 20, "center"),
        Column(R["verified_by"], lambda r: r.verified_by, 8.5, "center", NAME_CHARS),
        Column(R["verified_on"], lambda r: iso_date(r.verified_on), 11.5, "center"),
        Column("备注", lambda r: r.remarks, 20),
    ]


def rectification_ledger(rows: Sequence[Any], head: Letterhead, date_from: date | None, date_to: date | None,
                         today: date) -> Ledger:
    """`rows` (RectificationRow) found in [date_from, date_to], in the order found; overdue as of `today`."""
    overdue = sum(1 for r in rows if r.is_overdue(today))
    return Ledger(
        title=head.title("整改台账"),
        subtitle=head.subtitle(f"发现时间：{period_text(date_from, date_to)}", f"共 {len(rows)} 个问题",
                               f"逾期未整改 {overdue} 个（截至{today.isoformat()}）" if overdue else ""),
        columns=rectification_columns(today), rows=rows, row_count=len(rows),
        describe=lambda r: f"「{r.problem[:20]}」（{iso_date(r.found_on)}）",
        preparer=head.preparer, sheet_name="整改台账",
    )


# --- 测评自查表 -------------------------------------------------------------------------------------
CHECKLIST_COLUMNS = [
    Column(C["code"], lambda r: r.item.code, 8, "center"),
    Column(C["project"], lambda r: r.item.project, 12),
    Column(C["indicator"], lambda r: r.item.indicator, 14),
    Column(C["content"], lambda r: r.item.content, 28),
    Column(C["points"], lambda r: sum_cell(r.item.points), 6, "right"),
    Column("方法", lambda r: r.item.method, 10, "center"),
    Column(rules.RULE_FIELD, lambda r: r.item.rule_sentence, 24),
    Column("等级", lambda r: r.grade_text, 11, "center"),
    Column("得分", lambda r: sum_cell(r.score), 6, "right"),
    Column("问题数", lambda r: len(r.problems) if r.grade is not None else "", 7, "right"),
]


def checklist_ledger(results: Sequence[Any], head: Letterhead, date_from: date, date_to: date) -> Ledger:
    """`results` (ItemResult) of every item in force over [date_from, date_to], in checklist order."""
    graded = [r for r in results if r.grade is not None]
    total = round(sum(r.score or 0.0 for r in graded), 2)
    points = round(sum(r.item.points for r in graded), 2)
    pending = len(results) - len(graded)
    notes = [f"合计得分：{sum_cell(total)} / {sum_cell(points)} 分" + (f"；{pending} 项{rules.PENDING}" if pending else ""),
             "等级按问题数评定（A 档 100%、B 档 66%、C 档 33%、C# 档 0%），得分 = 等级比例 × 分值。"]
    return Ledger(
        title=head.title("测评自查表"),
        subtitle=head.subtitle(f"评定时段：{period_text(date_from, date_to)}", f"共 {len(results)} 项"),
        columns=CHECKLIST_COLUMNS, rows=results, row_count=len(results),
        describe=lambda r: f"「{r.item.code} {r.item.indicator}」",
        preparer=head.preparer, sheet_name="测评自查表", notes=notes,
    )
