"""归档文件目录 (the catalogue of filed items, DA/T 22-2015), declared as a ledger (exports.ledger).

One catalogue per series (门类 + 年度 + 保管期限 + 机构(问题)), as the norm binds them: A4 landscape,
a cover before the table (全宗号, 全宗名称, 年度, 保管期限, 机构(问题)), then the nine columns in
order 序号, 档号, 文号, 责任者, 题名, 日期, 密级, 页数, 备注. 日期 is 8 digits (20260315); a title the
filer made up is in [方括号]; an empty 文号 or 密级 stays blank. Every 件号 of the series has its row:
a destroyed item keeps its row with 「已销毁（日期）」 in 备注, and a 件号 left empty on purpose (a
removed item, a recorded gap) has a row of its own with 「空号：原因」, so the catalogue shows no
silent hole. Several series print as one ledger in parts (Ledger.parts), each with its own cover,
pages and sheets.

What is printed is read by attribute from what the service hands over (services.archive_prints):
a series' `group` (domain.archives.Group) and its `lines`, each either an item row of
services.archives (`code`, `doc_number`, `author`, `shown_title`, `catalogue_date`, `secrecy`,
`pages`, `remarks`, `destroyed_on`) or a gap (`code`, `reason`), as `CatalogueLine`s made by
`item_line` and `gap_line`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from huiquan_desk.domain.archives import RETENTION_LABELS, Group
from huiquan_desk.exports.ledger import Column, Cover, Ledger, Letterhead

NAME = "归档文件目录"
GAP = "空号"
DESTROYED = "已销毁"
COMMITTEE = "居民委员会"


@dataclass(frozen=True)
class CatalogueLine:
    """A row of the catalogue as printed (one item, or one 件号 left empty)."""

    number: int
    code: str
    doc_number: str = ""
    author: str = ""
    title: str = ""
    day: str = ""  # 8 digits, or blank
    secrecy: str = ""
    pages: int | str = ""
    remarks: str = ""
    gap: bool = False


@dataclass(frozen=True)
class CatalogueSeries:
    group: Group
    lines: Sequence[CatalogueLine]
    unnumbered: int = 0  # items of the series still waiting for their 件号 (not printed)


def item_line(item: Any) -> CatalogueLine:
    """An item row (services.archives.ItemRow) as its catalogue row; a destroyed one says so in 备注."""
    remarks = item.remarks or ""
    if item.destroyed_on is not None:
        destroyed = f"{DESTROYED}（{item.destroyed_on:%Y-%m-%d}）"
        remarks = f"{destroyed}；{remarks}" if remarks else destroyed
    return CatalogueLine(item.number, item.code, item.doc_number or "", item.author or "", item.shown_title,
                         item.catalogue_date, item.secrecy or "", item.pages, remarks)


def gap_line(gap: Any) -> CatalogueLine:
    """A gap (services.archives.GapRow: recorded, or a missing number) as its row: 备注 「空号：原因」."""
    reason = (gap.reason or "").strip()
    return CatalogueLine(gap.number, gap.code, remarks=f"{GAP}：{reason}" if reason else GAP, gap=True)


def merged_lines(items: Sequence[Any], gaps: Sequence[Any]) -> list[CatalogueLine]:
    """Items and gaps of one series as rows, by 件号."""
    lines = [item_line(i) for i in items] + [gap_line(g) for g in gaps]
    return sorted(lines, key=lambda line: (line.number, line.gap))


def fonds_name(head: Letterhead) -> str:
    """全宗名称: the committee that forms the fonds, 惠泉镇惠泉社区居民委员会 (the street, the
    community, 居民委员会 unless the name already says it)."""
    if not head.community:
        return head.unit
    if head.community.endswith((COMMITTEE, "居委会")):
        return head.unit
    return f"{head.unit}{COMMITTEE}"


def retention_text(retention: str) -> str:
    """定期30年（D30）."""
    return f"{RETENTION_LABELS.get(retention, retention)}（{retention}）"


# Excel widths: a 档号 without 机构 (0194-WS·2025-D30-0001) on one line in Excel and LibreOffice.
COLUMNS = [
    Column("档号", lambda r: r.code, 27, "left"),
    Column("文号", lambda r: r.doc_number, 16, "left"),
    Column("责任者", lambda r: r.author, 18, "left", min_chars=4),
    Column("题名", lambda r: r.title, 38, "left"),
    Column("日期", lambda r: r.day, 10, "center"),
    Column("密级", lambda r: r.secrecy, 6, "center"),
    Column("页数", lambda r: r.pages, 6, "center"),
    Column("备注", lambda r: r.remarks, 26, "left"),
]


def cover(head: Letterhead, group: Group) -> Cover:
    return Cover(NAME, (("全宗号", head.fonds_code), ("全宗名称", fonds_name(head)), ("年度", str(group.year)),
                        ("保管期限", RETENTION_LABELS.get(group.retention, group.retention)),
                        ("机构(问题)", group.org)), sheet_name=f"封面 {group}")


def series_ledger(series: CatalogueSeries, head: Letterhead) -> Ledger:
    """The catalogue of one series, with its cover."""
    group = series.group
    lines = list(series.lines)
    items = sum(1 for line in lines if not line.gap)
    gaps = len(lines) - items
    counted = f"共 {items} 件" + (f"，空号 {gaps} 个" if gaps else "")
    parts = [f"年度：{group.year}", f"保管期限：{retention_text(group.retention)}"]
    if group.org:
        parts.append(f"机构(问题)：{group.org}")
    notes = []
    if series.unnumbered:
        notes.append(f"另有 {series.unnumbered} 件尚未固定件号，未列入本目录。")
    return Ledger(
        title=NAME,
        subtitle=head.subtitle(*parts, counted),
        columns=COLUMNS, rows=lines, row_count=len(lines),
        describe=lambda r: f"{r.code}「{r.title}」" if r.title else r.code,
        preparer=head.preparer, sheet_name=f"目录 {group}", notes=notes, cover=cover(head, group),
    )


def archive_catalogue(series: Sequence[CatalogueSeries], head: Letterhead, year: int) -> Ledger:
    """The catalogues of `series` (at least one): one ledger, or one in parts, a part a series."""
    if not series:
        raise ValueError("archive_catalogue needs at least one series")
    if len(series) == 1:
        return series_ledger(series[0], head)
    parts = [series_ledger(s, head) for s in series]
    return Ledger(title=f"{head.community}{year}年度{NAME}", subtitle="", columns=COLUMNS, rows=[],
                  row_count=sum(p.row_count for p in parts), sheet_name=NAME, parts=parts)
