"""The 销毁清册 of a destruction round (鉴定销毁): every item the appraisal group decided about, with
its 档号, 题名, 年度, 保管期限, 页数, the decision (销毁 / 续存至某年) and the reason, the group and the
date above, and the signatures of the group's members and the resident representatives below. The
list itself is kept permanently (《城市社区档案管理办法》).

The rows are services.destruction.DecisionRow, read by attribute; the round is its RoundRow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from huiquan_desk.domain.dates import cn_date
from huiquan_desk.exports.ledger import Column, Ledger, Letterhead

TITLE = "档案销毁清册"
COLUMNS = [
    Column("档号", lambda r: r.code, 24, min_chars=11),
    Column("题名", lambda r: r.title, 40),
    Column("年度", lambda r: r.year, 6, "center"),
    Column("保管期限", lambda r: r.retention_label, 9, "center", min_chars=4),
    Column("页数", lambda r: r.pages, 5, "right"),
    Column("鉴定意见", lambda r: r.decision_label, 11, "center", min_chars=4),
    Column("理由", lambda r: r.reason, 26),
]


def destruction_list(round_row: Any, rows: Sequence[Any], head: Letterhead) -> Ledger:
    """`round_row` a RoundRow (due_year, members, residents, decided_on, remarks); `rows` its decisions."""
    destroyed = sum(1 for r in rows if r.decision == "destroy")
    kept = len(rows) - destroyed
    pages = sum(r.pages for r in rows if r.decision == "destroy")
    when = f"鉴定日期：{cn_date(round_row.decided_on)}" if round_row.decided_on else "鉴定日期：（鉴定尚未完成）"
    notes = [
        f"鉴定小组成员：{'、'.join(round_row.members) or '（未填写）'}",
        f"居民代表：{'、'.join(round_row.residents) or '（未填写）'}",
        f"合计：销毁 {destroyed} 件（{pages} 页），续存 {kept} 件。本清册永久保存。",
    ]
    if round_row.remarks:
        notes.insert(2, f"备注：{round_row.remarks}")
    if not round_row.decided_on:
        notes.append("注：本次鉴定尚未完成，此为草稿。")
    return Ledger(
        title=head.title(TITLE),
        subtitle=head.subtitle(f"范围：{round_row.due_year}年底前保管期限届满的档案", when),
        columns=COLUMNS, rows=list(rows), row_count=len(rows),
        describe=lambda r: f"{r.code}「{r.title}」",
        signature=("鉴定小组成员", "居民代表", "日期"),
        sheet_name="销毁清册", notes=notes,
    )
