"""Boxes (档案盒): numbered items go into boxes that never mix 门类, 年度, 保管期限 or 机构. A box has
its 盒号 within its series, its 起止件号 (from the items in it), a spine width of 20/30/40/50 mm
suggested from the items' pages (domain.archives.spine_width) and changeable, and its 备考表:
盒内文件情况说明, 整理人, 整理日期, 检查人, 检查日期."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import archives as rules
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.text import clean, text_problems
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.storage.models import ArchiveBox, ArchiveItem

L = rules.BOX_LABELS
Group = rules.Group


@dataclass
class BoxDraft:
    """What the box form changes: the spine and the 备考表."""

    spine_mm: int = 20
    notes: str = ""
    arranged_by: str = ""
    arranged_on: date | None = None
    checked_by: str = ""
    checked_on: date | None = None


@dataclass(frozen=True)
class BoxRow:
    id: int
    group: Group
    fonds: str
    number: int  # 盒号
    spine_mm: int
    suggested_mm: int  # from the pages of its items
    first: int | None  # 起件号
    last: int | None  # 止件号
    items: int
    pages: int
    notes: str
    arranged_by: str
    arranged_on: date | None
    checked_by: str
    checked_on: date | None

    @property
    def range_text(self) -> str:
        """起止件号 as printed: 0001—0012."""
        return rules.number_range(self.first, self.last)

    @property
    def name(self) -> str:
        return f"{self.group} 第 {self.number} 盒"


def _group(box: ArchiveBox) -> Group:
    return Group(box.category, box.year, box.retention, box.org)


def list_boxes(session: Session, year: int | None = None, box_ids: Sequence[int] | None = None) -> list[BoxRow]:
    query = select(ArchiveBox).order_by(ArchiveBox.year, ArchiveBox.category, ArchiveBox.retention, ArchiveBox.org,
                                        ArchiveBox.number)
    if year is not None:
        query = query.where(ArchiveBox.year == year)
    if box_ids is not None:
        query = query.where(ArchiveBox.id.in_(list(box_ids)))
    stats = {box_id: (first, last, n, pages, fonds) for box_id, first, last, n, pages, fonds in session.execute(
        select(ArchiveItem.box_id, func.min(ArchiveItem.number), func.max(ArchiveItem.number), func.count(),
               func.coalesce(func.sum(ArchiveItem.pages), 0), func.max(ArchiveItem.fonds))
        .where(ArchiveItem.box_id.is_not(None)).group_by(ArchiveItem.box_id))}
    out = []
    for b in session.scalars(query):
        first, last, n, pages, fonds = stats.get(b.id, (None, None, 0, 0, ""))
        out.append(BoxRow(b.id, _group(b), fonds or "", b.number, b.spine_mm, rules.spine_width(pages), first, last, n,
                          pages, b.notes, b.arranged_by, b.arranged_on, b.checked_by, b.checked_on))
    return out


def get_box(session: Session, box_id: int) -> BoxRow:
    found = list_boxes(session, box_ids=[box_id])
    if not found:
        raise NotFoundError("该档案盒已不存在。")
    return found[0]


def _items(session: Session, item_ids: Sequence[int]) -> list[ArchiveItem]:
    items = list(session.scalars(select(ArchiveItem).where(ArchiveItem.id.in_(list(item_ids)))
                                 .order_by(ArchiveItem.number)))
    if len(items) != len(set(item_ids)):
        raise NotFoundError("所选归档文件有的已不存在，请刷新后重试。")
    return items


def _check_boxable(items: Sequence[ArchiveItem], group: Group | None = None) -> Group:
    """The one series the items share; refused (naming the items) when they are unnumbered,
    destroyed or of different 门类/年度/期限/机构."""
    if not items:
        raise ValidationError.single("装盒", "请先选择要装盒的归档文件")
    unnumbered = [i.title for i in items if i.number is None]
    if unnumbered:
        raise ValidationError.single("装盒", f"「{'」「'.join(unnumbered[:3])}」还没有件号：请先固定件号再装盒")
    destroyed = [i.title for i in items if i.destroyed_on is not None]
    if destroyed:
        raise ValidationError.single("装盒", f"「{'」「'.join(destroyed[:3])}」已销毁，不能装盒")
    groups = {Group(i.category, i.year, i.retention, i.org) for i in items} | ({group} if group else set())
    if len(groups) > 1:
        raise ValidationError.single("装盒", "同一盒内不能混装不同门类、年度、保管期限或机构的文件："
                                     + "、".join(g.label for g in sorted(groups)))
    return groups.pop()


def _next_box_number(session: Session, group: Group) -> int:
    return (session.scalar(select(func.max(ArchiveBox.number)).where(
        ArchiveBox.category == group.category, ArchiveBox.year == group.year, ArchiveBox.retention == group.retention,
        ArchiveBox.org == group.org)) or 0) + 1


def _check_runs(session: Session, group: Group) -> None:
    """Each box of `group` holds one unbroken run of 件号 (gaps and destroyed items aside), so that the 起止件号 on
    its spine say what is inside: no item of another box, and none left out, between its first and last."""
    numbered: list[tuple[int, int | None, str]] = [(int(n or 0), b, t) for n, b, t, gone in session.execute(
        select(ArchiveItem.number, ArchiveItem.box_id, ArchiveItem.title, ArchiveItem.destroyed_on).where(
        ArchiveItem.category == group.category, ArchiveItem.year == group.year, ArchiveItem.retention == group.retention,
        ArchiveItem.org == group.org, ArchiveItem.number.is_not(None)).order_by(ArchiveItem.number))
        if gone is None or b is not None]  # a destroyed item out of any box is a hole, like a gap
    spans: dict[int, tuple[int, int]] = {}
    for number, box_id, _title in numbered:
        if box_id is not None:
            first, last = spans.get(box_id, (number, number))
            spans[box_id] = (min(first, number), max(last, number))
    numbers = {box.id: box.number for box in session.scalars(select(ArchiveBox).where(ArchiveBox.id.in_(list(spans))))}
    for number, box_id, title in numbered:
        for other, (first, last) in spans.items():
            if first < number < last and box_id != other:
                where = f"在第 {numbers[box_id]} 盒" if box_id is not None else "没有装盒"
                raise ValidationError.single("装盒", f"第 {numbers[other]} 盒装的是 {first:04d}—{last:04d}，其间的 "
                                             f"{number:04d}「{title}」{where}：一盒应装连续的件号，盒脊上的起止件号"
                                             "才与盒内一致。请按件号顺序装盒")


def new_box(session: Session, item_ids: Sequence[int], spine_mm: int | None = None) -> int:
    """A new box (next 盒号 of the series) holding these items; its spine is suggested from their pages."""
    require_writer(session, "装盒")
    items = _items(session, item_ids)
    group = _check_boxable(items)
    pages = sum(i.pages for i in items)
    box = ArchiveBox(category=group.category, year=group.year, retention=group.retention, org=group.org,
                     number=_next_box_number(session, group), spine_mm=spine_mm or rules.spine_width(pages))
    _check_spine(box.spine_mm)
    session.add(box)
    session.flush()
    for item in items:
        item.box_id = box.id
    session.flush()
    _check_runs(session, group)
    return box.id


def put_in_box(session: Session, item_ids: Sequence[int], box_id: int) -> None:
    require_writer(session, "装盒")
    box = session.get(ArchiveBox, box_id)
    if box is None:
        raise NotFoundError("该档案盒已不存在。")
    items = _items(session, item_ids)
    _check_boxable(items, _group(box))
    for item in items:
        item.box_id = box.id
    session.flush()
    _check_runs(session, _group(box))


def take_out(session: Session, item_ids: Sequence[int]) -> None:
    """Take items out of their boxes: only from either end of a box's run (a destroyed item stays)."""
    require_writer(session, "取出归档文件")
    taken = _items(session, item_ids)
    destroyed = [i.title for i in taken if i.destroyed_on is not None]
    if destroyed:
        raise ValidationError.single("装盒", f"「{'」「'.join(destroyed[:3])}」已销毁，目录和盒内说明仍记着它，不能取出")
    for item in taken:
        item.box_id = None
    session.flush()
    for group in {Group(i.category, i.year, i.retention, i.org) for i in taken}:
        _check_runs(session, group)


def pack(session: Session, group: Group, max_pages: int = rules.SPINE_WIDTHS_MM[-1] * rules.PAGES_PER_MM) -> list[int]:
    """Box the numbered, unboxed items of a series in 件号 order: a new box is started whenever the
    next item would take the box past `max_pages` (what the widest spine holds). Returns the new
    boxes' ids; each gets the spine its pages suggest."""
    require_writer(session, "自动装盒")
    items = list(session.scalars(select(ArchiveItem).where(
        ArchiveItem.category == group.category, ArchiveItem.year == group.year, ArchiveItem.retention == group.retention,
        ArchiveItem.org == group.org, ArchiveItem.number.is_not(None)).order_by(ArchiveItem.number)))
    batches: list[list[ArchiveItem]] = [[]]
    pages = 0
    for item in items:
        if item.box_id is not None or item.destroyed_on is not None:  # a run ends at a boxed item
            if batches[-1]:
                batches.append([])
                pages = 0
            continue
        if batches[-1] and pages + item.pages > max_pages:
            batches.append([])
            pages = 0
        batches[-1].append(item)
        pages += item.pages
    batches = [batch for batch in batches if batch]
    return [new_box(session, [i.id for i in batch]) for batch in batches]


def _check_spine(spine_mm: int) -> None:
    if spine_mm not in rules.SPINE_WIDTHS_MM:
        raise ValidationError.single(L["spine_mm"], f"应为 {' / '.join(str(w) for w in rules.SPINE_WIDTHS_MM)} 毫米之一")


def update_box(session: Session, box_id: int, draft: BoxDraft) -> None:
    require_writer(session, "修改档案盒")
    box = session.get(ArchiveBox, box_id)
    if box is None:
        raise NotFoundError("该档案盒已不存在。")
    d = replace(draft, notes=clean(draft.notes), arranged_by=clean(draft.arranged_by), checked_by=clean(draft.checked_by))
    problems = text_problems([(L["notes"], d.notes, 1000), (L["arranged_by"], d.arranged_by, 50),
                              (L["checked_by"], d.checked_by, 50)])
    if d.spine_mm not in rules.SPINE_WIDTHS_MM:
        problems.append(Problem(L["spine_mm"], f"应为 {' / '.join(str(w) for w in rules.SPINE_WIDTHS_MM)} 毫米之一"))
    if d.arranged_on and d.checked_on and d.checked_on < d.arranged_on:
        problems.append(Problem(L["checked_on"], "不能早于整理日期"))
    if problems:
        raise ValidationError(problems)
    for key in ("spine_mm", "notes", "arranged_by", "arranged_on", "checked_by", "checked_on"):
        setattr(box, key, getattr(d, key))
    session.flush()


def delete_box(session: Session, box_id: int) -> None:
    """Remove a box; its items wait unboxed. Only the last box of a series goes, so 盒号 stay unbroken."""
    require_writer(session, "删除档案盒")
    box = session.get(ArchiveBox, box_id)
    if box is None:
        raise NotFoundError("该档案盒已不存在。")
    group = _group(box)
    if _next_box_number(session, group) - 1 != box.number:
        raise ValidationError.single(L["number"], f"只能删除 {group} 的最后一盒（第 {_next_box_number(session, group) - 1} 盒），"
                                     "以免盒号中断；可以把文件移到别的盒")
    for item in session.scalars(select(ArchiveItem).where(ArchiveItem.box_id == box_id)):
        item.box_id = None
    session.flush()
    session.delete(box)
    session.flush()
