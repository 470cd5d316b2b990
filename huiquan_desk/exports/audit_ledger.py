"""The 操作日志 ledger: the audit trail as Excel or PDF, declared once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from huiquan_desk.exports.ledger import Column, Ledger, Letterhead

COLUMNS = [
    Column("时间", lambda r: r.at.strftime("%Y-%m-%d %H:%M:%S"), 17, "center"),
    Column("操作人", lambda r: r.user, 9, "center"),
    Column("操作", lambda r: r.action_label, 8, "center"),
    Column("对象", lambda r: r.entity_label, 8, "center"),
    Column("记录", lambda r: r.record, 26),
    Column("修改内容", lambda r: r.changes, 60),
]


def audit_ledger(rows: Sequence[Any], head: Letterhead, scope: str = "") -> Ledger:
    """`rows` are services.audit_log.AuditRow, newest first; `scope` says which filters were used."""
    return Ledger(
        title=head.title("操作日志"),
        subtitle=head.subtitle(scope, f"共 {len(rows)} 条"),
        columns=COLUMNS,
        rows=rows,
        row_count=len(rows),
        describe=lambda r: f"{r.at:%Y-%m-%d %H:%M} {r.user} {r.action_label}「{r.summary}」",
        preparer=head.preparer,
        sheet_name="操作日志",
        notes=["注：操作日志由软件自动记录，不能修改或删除；身份证号、联系方式、出生日期按个人信息保护要求隐去部分内容。"],
    )
