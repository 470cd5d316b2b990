"""The 操作日志 ledger: the audit trail as Excel or PDF, declared once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from huiquan_desk.exports.ledger import Column, Ledger

COLUMNS = [
    Column("时间", lambda r: r.at.strftime("%Y-%m-%d %H:%M:%S"), 17, "center"),
    Column("操作人", lambda r: r.user, 9, "center"),
    Column("操作", lambda r: r.action_label, 8, "center"),
    Column("对象", lambda r: r.entity_label, 8, "center"),
    Column("记录", lambda r: r.record, 26),
    Column("修改内容", lambda r: r.changes, 60),
]


def audit_ledger(rows: Sequence[Any], community: str, scope: str = "", preparer: str = "") -> Ledger:
    """`rows` are services.audit_log.AuditRow, newest first; `scope` says which filters were used."""
    unit = community or "（未设置社区名称）"
    subtitle = f"单位：{unit}    {scope + '    ' if scope else ''}共 {len(rows)} 条"
    return Ledger(
        title=f"{community}操作日志" if community else "操作日志",
        subtitle=subtitle,
        columns=COLUMNS,
        rows=rows,
        row_count=len(rows),
        describe=lambda r: f"{r.at:%Y-%m-%d %H:%M} {r.user} {r.action_label}「{r.summary}」",
        preparer=preparer,
        sheet_name="操作日志",
        notes=["注：操作日志由软件自动记录，不能修改或删除；身份证号、联系方式、出生日期按个人信息保护要求隐去部分内容。"],
    )
