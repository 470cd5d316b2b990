"""The activity ledger (活动台账), declared once for Excel and PDF."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from huiquan_desk.domain.activity import FIELD_LABELS
from huiquan_desk.domain.dates import cn_date, span_text
from huiquan_desk.exports.ledger import NAME_CHARS, Column, Ledger, Letterhead

L = FIELD_LABELS

COLUMNS = [
    Column(L["time"], lambda r: span_text(r.start, r.end), 16),
    Column(L["title"], lambda r: r.title, 18),
    Column(L["category"], lambda r: r.category, 10),
    Column(L["place"], lambda r: r.place, 12),
    Column(L["organizer"], lambda r: r.organizer, 11),
    Column(L["leader"], lambda r: r.leader, 8.5, "center", NAME_CHARS),
    Column(L["participants"], lambda r: r.participants, 9, "right"),
    Column(L["content"], lambda r: r.content, 30),
    Column(L["remarks"], lambda r: r.remarks, 14),
    Column(f"{L['photos']}数", lambda r: r.photo_count, 7, "right"),
    Column(L["status"], lambda r: r.status.label, 7, "center"),
]


def period_text(date_from: date | None, date_to: date | None) -> str:
    if date_from and date_to:
        return f"{cn_date(date_from)}至{cn_date(date_to)}"
    if date_from:
        return f"{cn_date(date_from)}起"
    if date_to:
        return f"截至{cn_date(date_to)}"
    return "全部时间"


def activity_ledger(rows: Sequence[Any], head: Letterhead, date_from: date | None, date_to: date | None,
                    category: str | None, narrowed: Sequence[str] = ()) -> Ledger:
    """`rows` are activity rows (services.activities.ActivityRow or alike); `narrowed` says what
    else chose them (状态, 检索 …), for the header."""
    return Ledger(
        title=head.title("活动台账"),
        subtitle=head.subtitle(f"时间：{period_text(date_from, date_to)}", f"类别：{category or '全部'}",
                               *narrowed, f"共 {len(rows)} 项"),
        columns=COLUMNS,
        rows=rows,
        row_count=len(rows),
        describe=lambda r: f"「{r.title}」（{r.start:%Y-%m-%d}）",
        preparer=head.preparer,
        sheet_name="活动台账",
    )
