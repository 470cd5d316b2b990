"""The 操作日志 ledger: the audit trail as Excel or PDF, declared once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from huiquan_desk.exports.ledger import NAME_CHARS, Column, Ledger, Letterhead

COLUMNS = [
    Column("日期", lambda r: r.day.strftime("%Y-%m-%d"), 11, "center"),
    Column("时间", lambda r: r.times, 11, "center"),
    Column("操作人", lambda r: r.user, 9, "center", NAME_CHARS),
    Column("操作", lambda r: r.action_label, 8, "center"),
    Column("对象", lambda r: r.entity_label, 8, "center"),
    Column("记录", lambda r: r.record, 36),
    Column("修改内容", lambda r: r.changes, 46),
]


def audit_ledger(rows: Sequence[Any], head: Letterhead, scope: str = "", entries: int | None = None) -> Ledger:
    """`rows` are services.audit_log.AuditLine (entries grouped by day and record), newest first;
    `scope` says which filters were used, `entries` how many trail entries the lines stand for."""
    count = f"共 {entries} 条记录，合为 {len(rows)} 行" if entries is not None else f"共 {len(rows)} 条"
    return Ledger(
        title=head.title("操作日志"),
        subtitle=head.subtitle(scope, count),
        columns=COLUMNS,
        rows=rows,
        row_count=len(rows),
        describe=lambda r: f"{r.day:%Y-%m-%d} {r.times} {r.user} {r.action_label}「{r.record}」",
        preparer=head.preparer,
        sheet_name="操作日志",
        notes=["注：操作日志由软件自动记录，不能修改或删除；同一天同一人对同一记录的连续操作合为一行（照片、服务记录计入所属活动，"
               "培训、表彰、评价计入所属志愿者）；文件校验值等技术内容见软件「操作日志」页的详情；身份证号、联系方式、出生日期按"
               "个人信息保护要求隐去部分内容。"],
    )
