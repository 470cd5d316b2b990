"""Archive items (归档文件, DA/T 22-2015): entering them by hand with their files, listing them,
ordering and fixing their 件号, and removing one (a recorded gap once numbered).

Numbering. Items of one series (门类 + 年度 + 保管期限 + 机构, domain.archives.Group) wait unnumbered in
the order the user gives them (by date at first); `fix_numbers` gives them the next 件号 in that
order. A number typed by hand is taken as it is when free; the counter is always one past the
highest number used or left as a gap, so a typed number never moves it backwards and no number is
ever given twice. Removing a numbered item records a gap with its reason (`archive_gaps`) instead
of renumbering the rest. Filing from records is in services.filing, boxes in services.archive_boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import archives as rules
from huiquan_desk.domain.activity import PhotoCaption, validate_caption
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.text import clean, text_problems
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.services.plan_links import links_of
from huiquan_desk.services.settings import ARCHIVE_CATEGORY_CODES, get_profile, get_setting
from huiquan_desk.storage.files import FileStore
from huiquan_desk.storage.models import (
    Activity,
    ArchiveBox,
    ArchiveFile,
    ArchiveItem,
    Campaign,
    DestructionDecision,
    NumberGap,
)

L = rules.ITEM_LABELS
Group = rules.Group
# Files an item may hold: scans and photos (images), documents as PDF/OFD or office files, and
# audio-visual material for 录音录像 items. Images and PDFs are also checked to open (fixity).
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".heic", ".heif"})
DOCUMENT_SUFFIXES = frozenset({".pdf", ".ofd", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".txt"})
MEDIA_SUFFIXES = frozenset({".mp3", ".wav", ".m4a", ".mp4", ".mov", ".avi"})
FILE_SUFFIXES = IMAGE_SUFFIXES | DOCUMENT_SUFFIXES | MEDIA_SUFFIXES
LIMITS = {"title": 300, "doc_number": 60, "author": 100, "remarks": 1000}


@dataclass
class ItemDraft:
    """An item as the form (or filing) gives it."""

    title: str = ""
    title_made_up: bool = False
    category: str = rules.DEFAULT_CATEGORY
    year: int | None = None
    retention: str = "D10"
    org: str = ""
    doc_number: str = ""
    author: str = ""
    day: date | None = None
    secrecy: str = ""
    pages: int = 0
    remarks: str = ""
    number: int | None = None  # a 件号 typed by hand (fixed at once); None: numbered with its series


@dataclass(frozen=True)
class NewArchiveFile:
    """A file picked for an item, not yet stored; photos carry their caption (GB/T 11821)."""

    source: str
    kind: str = "scan"  # domain.archives.FILE_KINDS
    caption: PhotoCaption = field(default_factory=PhotoCaption)


@dataclass(frozen=True)
class ItemRow:
    """An item as the archive page lists it and the catalogue prints it."""

    id: int
    fonds: str
    category: str
    year: int
    retention: str
    org: str
    number: int | None
    sort_order: int
    doc_number: str
    author: str
    title: str  # as stored
    title_made_up: bool
    day: date | None
    secrecy: str
    pages: int
    remarks: str
    box_id: int | None
    box_number: int | None
    files: int
    activity_id: int | None
    campaign_id: int | None
    corrects_id: int | None
    destroyed_on: date | None
    keep_until: int | None

    @property
    def group(self) -> Group:
        return Group(self.category, self.year, self.retention, self.org)

    @property
    def code(self) -> str:
        """The 档号 once numbered (0194-WS·2026-D30-0001), '' before."""
        if self.number is None:
            return ""
        return rules.code_text(self.fonds, self.category, self.year, self.retention, self.number, self.org)

    @property
    def shown_title(self) -> str:
        """题名 as the catalogue prints it: a made-up title in [ ]."""
        return rules.made_up_title(self.title) if self.title_made_up else self.title

    @property
    def catalogue_date(self) -> str:
        return rules.catalogue_date(self.day)

    @property
    def expiry_year(self) -> int | None:
        return rules.expiry_year(self.year, self.retention, self.keep_until)

    @property
    def source(self) -> str:
        """Where it came from: 活动 / 评选 / 更正 / 手工录入."""
        if self.activity_id is not None:
            return "活动"
        if self.campaign_id is not None:
            return "评选"
        return "更正" if self.corrects_id is not None else "手工录入"


@dataclass(frozen=True)
class FileInfo:
    id: int
    kind: str
    sha256: str
    suffix: str
    original_name: str
    size: int
    caption: PhotoCaption
    path: Path


@dataclass(frozen=True)
class ItemDetail:
    row: ItemRow
    draft: ItemDraft
    files: list[FileInfo]
    activity_title: str = ""
    campaign_title: str = ""
    corrected_by: list[int] = field(default_factory=list)  # later items that correct this one


@dataclass(frozen=True)
class GroupSummary:
    group: Group
    items: int
    numbered: int
    pages: int
    boxed: int
    gaps: int  # 件号 without an item: recorded gaps and missing numbers
    last_number: int  # the highest 件号 used or left as a gap


# --- reading -------------------------------------------------------------------------------------
def _rows(session: Session, *where) -> list[ItemRow]:  # type: ignore[no-untyped-def]
    files = (select(ArchiveFile.item_id, func.count().label("n")).group_by(ArchiveFile.item_id).subquery())
    query = (select(ArchiveItem, ArchiveBox.number, func.coalesce(files.c.n, 0))
             .outerjoin(ArchiveBox, ArchiveBox.id == ArchiveItem.box_id)
             .outerjoin(files, files.c.item_id == ArchiveItem.id)
             .where(*where)
             .order_by(ArchiveItem.year, ArchiveItem.category, ArchiveItem.retention, ArchiveItem.org,
                       ArchiveItem.number.is_(None), ArchiveItem.number, ArchiveItem.sort_order, ArchiveItem.id))
    return [_row(item, box, count) for item, box, count in session.execute(query)]


def _row(i: ArchiveItem, box_number: int | None, files: int) -> ItemRow:
    return ItemRow(i.id, i.fonds, i.category, i.year, i.retention, i.org, i.number, i.sort_order, i.doc_number,
                   i.author, i.title, i.title_made_up, i.day, i.secrecy, i.pages, i.remarks, i.box_id, box_number,
                   files, i.activity_id, i.campaign_id, i.corrects_id, i.destroyed_on, i.keep_until)


def list_items(session: Session, year: int | None = None, retention: str | None = None, category: str | None = None,
               org: str | None = None, text: str = "", numbered: bool | None = None) -> list[ItemRow]:
    """Items by series, numbered ones by 件号 then the unnumbered in the order they will be numbered."""
    where = []
    if year is not None:
        where.append(ArchiveItem.year == year)
    if retention:
        where.append(ArchiveItem.retention == retention)
    if category:
        where.append(ArchiveItem.category == category)
    if org is not None:
        where.append(ArchiveItem.org == org)
    if numbered is not None:
        where.append(ArchiveItem.number.is_not(None) if numbered else ArchiveItem.number.is_(None))
    if text.strip():
        like = f"%{text.strip()}%"
        where.append(or_(ArchiveItem.title.like(like), ArchiveItem.author.like(like), ArchiveItem.doc_number.like(like),
                         ArchiveItem.remarks.like(like)))
    return _rows(session, *where)


def item_years(session: Session) -> list[int]:
    return list(session.scalars(select(ArchiveItem.year).distinct().order_by(ArchiveItem.year.desc())))


def series(session: Session, year: int | None = None) -> list[GroupSummary]:
    """Each series (门类 + 年度 + 期限 + 机构) with its counts, for the page's overview."""
    where = [ArchiveItem.year == year] if year is not None else []
    found: dict[Group, list[int]] = {}
    for c, y, r, o, n, numbered, pages, boxed in session.execute(
            select(ArchiveItem.category, ArchiveItem.year, ArchiveItem.retention, ArchiveItem.org, func.count(),
                   func.count(ArchiveItem.number), func.coalesce(func.sum(ArchiveItem.pages), 0),
                   func.count(ArchiveItem.box_id)).where(*where)
            .group_by(ArchiveItem.category, ArchiveItem.year, ArchiveItem.retention, ArchiveItem.org)):
        found[Group(c, y, r, o)] = [n, numbered, pages, boxed]
    out = []
    for group in sorted(found):
        n, numbered, pages, boxed = found[group]
        gaps = _gap_numbers(session, group)
        used = _used_numbers(session, group) | gaps
        holes = len(gaps) + len(missing_numbers(session, group))
        out.append(GroupSummary(group, n, numbered, pages, boxed, holes, max(used, default=0)))
    return out


def get_item(session: Session, item_id: int, store: FileStore) -> ItemDetail:
    item = _get(session, item_id)
    row = next(r for r in _rows(session, ArchiveItem.id == item_id))
    draft = ItemDraft(item.title, item.title_made_up, item.category, item.year, item.retention, item.org,
                      item.doc_number, item.author, item.day, item.secrecy, item.pages, item.remarks, item.number)
    files = [file_info(f, store) for f in item.files]
    activity = session.get(Activity, item.activity_id) if item.activity_id else None
    campaign = session.get(Campaign, item.campaign_id) if item.campaign_id else None
    corrected_by = list(session.scalars(select(ArchiveItem.id).where(ArchiveItem.corrects_id == item_id)))
    return ItemDetail(row, draft, files, activity.title if activity else "", campaign.title if campaign else "",
                      corrected_by)


def filed_codes(session: Session, activity_id: int | None = None, campaign_id: int | None = None) -> list[str]:
    """The 档号 of the items that file a record (「未编号」 while waiting for its number)."""
    column = ArchiveItem.activity_id if activity_id is not None else ArchiveItem.campaign_id
    wanted = activity_id if activity_id is not None else campaign_id
    return [r.code or "未编号" for r in _rows(session, column == wanted)]


def filed_campaigns(session: Session) -> dict[int, str]:
    """Filed campaigns: id -> the 档号 of their item (「未编号」 while waiting for its number)."""
    return {r.campaign_id: r.code or "未编号" for r in _rows(session, ArchiveItem.campaign_id.is_not(None))
            if r.campaign_id is not None}


def file_info(f: ArchiveFile, store: FileStore) -> FileInfo:
    caption = PhotoCaption(f.caption_title, f.caption_time, f.caption_place, f.caption_people,
                           f.caption_photographer, f.caption_background)
    return FileInfo(f.id, f.kind, f.sha256, f.suffix, f.original_name, f.size, caption,
                    store.path_for(f.sha256, f.suffix))


def _get(session: Session, item_id: int) -> ArchiveItem:
    item = session.get(ArchiveItem, item_id)
    if item is None:
        raise NotFoundError("该归档文件已不存在，可能已被移出。")
    return item


def _group_of(item: ArchiveItem) -> Group:
    return Group(item.category, item.year, item.retention, item.org)


def _in_group(group: Group):  # type: ignore[no-untyped-def]
    return (ArchiveItem.category == group.category, ArchiveItem.year == group.year,
            ArchiveItem.retention == group.retention, ArchiveItem.org == group.org)


def _used_numbers(session: Session, group: Group) -> set[int]:
    return set(session.scalars(select(ArchiveItem.number).where(*_in_group(group), ArchiveItem.number.is_not(None))))


def _gap_numbers(session: Session, group: Group) -> set[int]:
    return set(session.scalars(select(NumberGap.number).where(
        NumberGap.category == group.category, NumberGap.year == group.year, NumberGap.retention == group.retention,
        NumberGap.org == group.org)))


@dataclass(frozen=True)
class GapRow:
    """A 件号 without an item: a recorded gap (an item removed, with its reason), or a missing
    number nobody explained yet (a number typed by hand skipped it: `recorded` False)."""

    category: str
    year: int
    retention: str
    org: str
    number: int
    code: str
    title: str
    reason: str
    recorded: bool = True

    @property
    def group(self) -> Group:
        return Group(self.category, self.year, self.retention, self.org)


MISSING = "缺号，尚未登记原因"


def _code_in(group: Group, fonds: str, number: int) -> str:
    return rules.code_text(fonds, group.category, group.year, group.retention, number, group.org)


def missing_numbers(session: Session, group: Group) -> list[int]:
    """Numbers below the highest of `group` that neither an item nor a recorded gap holds."""
    taken = _used_numbers(session, group) | _gap_numbers(session, group)
    return [n for n in range(1, max(taken, default=0)) if n not in taken]


def list_gaps(session: Session, year: int | None = None) -> list[GapRow]:
    """Every hole in the numbering, by series and 件号: the recorded gaps and the missing numbers."""
    query = select(NumberGap)
    if year is not None:
        query = query.where(NumberGap.year == year)
    rows = [GapRow(g.category, g.year, g.retention, g.org, g.number, g.code, g.title, g.reason)
            for g in session.scalars(query)]
    for summary in series(session, year):
        group = summary.group
        fonds = session.scalar(select(func.max(ArchiveItem.fonds)).where(*_in_group(group))) or ""
        rows += [GapRow(group.category, group.year, group.retention, group.org, n, _code_in(group, fonds, n), "",
                        MISSING, recorded=False) for n in missing_numbers(session, group)]
    return sorted(rows, key=lambda g: (g.group, g.number))


def record_gap(session: Session, group: Group, number: int, reason: str) -> None:
    """Give a missing number its reason: it becomes a recorded gap (and is never given again)."""
    require_writer(session, "登记空号原因")
    reason = clean(reason)
    if not reason:
        raise ValidationError.single("空号原因", "请写明这个件号为什么空着")
    if number not in missing_numbers(session, group):
        raise ValidationError.single(L["number"], f"{group} 的 {number:04d} 不是缺号（已有文件或已登记）")
    fonds = session.scalar(select(func.max(ArchiveItem.fonds)).where(*_in_group(group))) or ""
    session.add(NumberGap(category=group.category, year=group.year, retention=group.retention, org=group.org,
                          number=number, code=_code_in(group, fonds, number), title="", reason=reason[:1000]))
    session.flush()


# --- checking and writing --------------------------------------------------------------------------
def check_item(session: Session, draft: ItemDraft, files: Sequence[NewArchiveFile] = ()) -> ItemDraft:
    """Normalize and validate; every problem names its field."""
    d = replace(draft, title=clean(draft.title), doc_number=clean(draft.doc_number), author=clean(draft.author),
                remarks=clean(draft.remarks), category=clean(draft.category).upper(), org=clean(draft.org).upper(),
                retention=clean(draft.retention).upper(), secrecy=clean(draft.secrecy))
    if d.title.startswith("[") and d.title.endswith("]") and len(d.title) > 2:  # typed with its brackets
        d = replace(d, title=d.title[1:-1].strip(), title_made_up=True)
    problems = text_problems((L[k], getattr(d, k), limit) for k, limit in LIMITS.items())
    if not d.title:
        problems.append(Problem(L["title"], "必须填写"))
    if why := rules.category_problem(d.category, get_setting(session, ARCHIVE_CATEGORY_CODES)):
        problems.append(Problem(L["category"], why))
    if d.year is None or not 1949 <= d.year <= 2100:
        problems.append(Problem(L["year"], "应为 4 位年份，如 2026"))
    if d.retention not in rules.RETENTION_LABELS:
        problems.append(Problem(L["retention"], f"应为 {' / '.join(f'{k} {v}' for k, v in rules.RETENTION_LABELS.items())}"))
    if why := rules.org_problem(d.org):
        problems.append(Problem(L["org"], why))
    if d.secrecy not in rules.SECRECY_LEVELS:
        problems.append(Problem(L["secrecy"], f"应为空或 {'、'.join(s for s in rules.SECRECY_LEVELS if s)}"))
    if not 0 <= d.pages <= 9999:
        problems.append(Problem(L["pages"], "应在 0 到 9999 之间"))
    if d.day is not None and d.year is not None and abs(d.day.year - d.year) > 1:
        problems.append(Problem(L["day"], f"{d.day:%Y-%m-%d} 与年度 {d.year} 相差太远，请核对"))
    if d.number is not None and not 1 <= d.number <= rules.MAX_NUMBER:
        problems.append(Problem(L["number"], f"应在 1 到 {rules.MAX_NUMBER} 之间"))
    problems += file_problems(files)
    if problems:
        raise ValidationError(problems)
    return d


def file_problems(files: Sequence[NewArchiveFile]) -> list[Problem]:
    from huiquan_desk.services.activities import AttachmentKind, check_attachment_file, file_label

    problems = []
    for f in files:
        path = Path(f.source)
        name = file_label(path)
        label = rules.FILE_KINDS.get(f.kind, "文件")
        if f.kind not in rules.FILE_KINDS:
            problems.append(Problem(label, f"{name}：类型「{f.kind}」不是 {'、'.join(rules.FILE_KINDS.values())} 之一"))
            continue
        suffix = path.suffix.lower()
        if not path.is_file():
            problems.append(Problem(label, f"{name}：找不到该文件"))
        elif suffix not in FILE_SUFFIXES:
            problems.append(Problem(label, f"{name}：不支持的文件类型「{suffix or '无扩展名'}」"))
        elif suffix in IMAGE_SUFFIXES or suffix == ".pdf":
            if why := check_attachment_file(path, AttachmentKind.SIGN_IN):  # an image that decodes, a PDF that starts as one
                problems.append(Problem(label, f"{name}：{why}"))
        problems += validate_caption(f.caption, name)
    return problems


def store_files(session: Session, store: FileStore, item: ArchiveItem, files: Sequence[NewArchiveFile]) -> None:
    """Store the (checked) files by SHA-256 and add them after the item's other files."""
    from huiquan_desk.services.activities import file_label

    order = session.scalar(select(func.max(ArchiveFile.sort_order)).where(ArchiveFile.item_id == item.id)) or 0
    for f in files:
        path = Path(f.source)
        stored = store.add(path)
        if path.suffix.lower() in IMAGE_SUFFIXES:
            store.ensure_rendition(stored.sha256, stored.suffix)
        order += 1
        c = f.caption
        session.add(ArchiveFile(
            item_id=item.id, kind=f.kind, sha256=stored.sha256, suffix=stored.suffix, original_name=file_label(path),
            size=stored.size, sort_order=order, caption_title=clean(c.title), caption_time=c.taken_at,
            caption_place=clean(c.place), caption_people=clean(c.people), caption_background=clean(c.background),
            caption_photographer=clean(c.photographer)))


def _next_order(session: Session, group: Group) -> int:
    return (session.scalar(select(func.max(ArchiveItem.sort_order)).where(*_in_group(group))) or 0) + 1


def _take_number(session: Session, group: Group, typed: int | None) -> int:
    """A 件号 for an item of `group`: the typed one when free (not used, not a recorded gap), else
    one past the highest used or left as a gap."""
    gaps = _gap_numbers(session, group)
    if typed is not None and typed in gaps:
        reason = session.scalar(select(NumberGap.reason).where(
            NumberGap.category == group.category, NumberGap.year == group.year, NumberGap.retention == group.retention,
            NumberGap.org == group.org, NumberGap.number == typed))
        raise ValidationError.single(L["number"], f"{group.label}：件号 {typed:04d} 是已登记的空号（{reason}），不能再用")
    used = _used_numbers(session, group) | gaps
    try:
        return rules.next_number(used, typed)
    except ValueError as err:
        raise ValidationError.single(L["number"], f"{group.label}：{err}") from None


def fonds_code(session: Session) -> str:
    """The 全宗号 of the profile, refused with a message naming where to set it when missing."""
    fonds = get_profile(session).fonds_code
    if why := rules.fonds_problem(fonds):
        raise ValidationError.single("全宗号", why)
    return fonds


def create_item(session: Session, draft: ItemDraft, store: FileStore, files: Sequence[NewArchiveFile] = (),
                *, activity_id: int | None = None, campaign_id: int | None = None,
                corrects_id: int | None = None, retention_by_user: bool = True) -> int:
    """A new item (by hand, or filed from a record by services.filing); numbered at once when the
    draft carries a typed 件号, else waiting at the end of its series."""
    require_writer(session, "录入归档文件")
    d = check_item(session, draft, files)
    group = Group(d.category, d.year, d.retention, d.org)  # type: ignore[arg-type]
    item = ArchiveItem(
        category=d.category, year=d.year, retention=d.retention, org=d.org, doc_number=d.doc_number, author=d.author,
        title=d.title, title_made_up=d.title_made_up, day=d.day, secrecy=d.secrecy, pages=d.pages, remarks=d.remarks,
        sort_order=_next_order(session, group), activity_id=activity_id, campaign_id=campaign_id,
        corrects_id=corrects_id, retention_by_user=retention_by_user)
    if d.number is not None:
        item.fonds = fonds_code(session)
        item.number = _take_number(session, group, d.number)
    session.add(item)
    session.flush()
    store_files(session, store, item, files)
    session.flush()
    return item.id


def update_item(session: Session, item_id: int, draft: ItemDraft, store: FileStore,
                new_files: Sequence[NewArchiveFile] = ()) -> None:
    """Change an item's description. Once numbered, its 档号 parts (门类, 年度, 期限, 机构, 件号) stay:
    a wrong one is corrected by removing the item (a recorded gap) and entering it again."""
    require_writer(session, "修改归档文件")
    item = _get(session, item_id)
    _refuse_destroyed(item)
    d = check_item(session, draft, new_files)
    if item.number is not None:
        changed = [L[k] for k, old in (("category", item.category), ("year", item.year), ("retention", item.retention),
                                       ("org", item.org), ("number", item.number))
                   if getattr(d, k) != old and not (k == "number" and d.number is None)]
        if changed:
            raise ValidationError.single("、".join(changed), f"已编号（{_code(item)}）的档号不能再改；如确实有误，请"
                                         "移出该件（留下空号并写明原因）后重新录入")
    elif (d.category, d.year, d.retention, d.org) != (item.category, item.year, item.retention, item.org):
        item.sort_order = _next_order(session, Group(d.category, d.year, d.retention, d.org))  # type: ignore[arg-type]
    if d.retention != item.retention:
        item.retention_by_user = True
    for key in ("category", "year", "retention", "org", "doc_number", "author", "title", "title_made_up", "day",
                "secrecy", "pages", "remarks"):
        setattr(item, key, getattr(d, key))
    if item.number is None and d.number is not None:
        item.fonds = fonds_code(session)
        item.number = _take_number(session, _group_of(item), d.number)
    session.flush()
    store_files(session, store, item, new_files)
    session.flush()


def _code(item: ArchiveItem) -> str:
    if item.number is None:
        return f"未编号「{item.title}」"
    return rules.code_text(item.fonds, item.category, item.year, item.retention, item.number, item.org)


def _refuse_destroyed(item: ArchiveItem) -> None:
    if item.destroyed_on is not None:
        raise ValidationError.single(L["destroyed_on"], f"{_code(item)} 已于 {item.destroyed_on:%Y-%m-%d} 销毁，只保留目录记录")


def remove_file(session: Session, file_id: int) -> None:
    require_writer(session, "删除档案文件")
    f = session.get(ArchiveFile, file_id)
    if f is None:
        raise NotFoundError("该文件已不存在。")
    if f.item.number is not None:
        raise ValidationError.single("文件", f"{_code(f.item)} 已编号，其文件不能删除（可以补充新文件）")
    session.delete(f)
    session.flush()


# --- order and numbers -----------------------------------------------------------------------------
def _unnumbered(session: Session, group: Group) -> list[ArchiveItem]:
    return list(session.scalars(select(ArchiveItem).where(*_in_group(group), ArchiveItem.number.is_(None))
                                .order_by(ArchiveItem.sort_order, ArchiveItem.id)))


def order_by_date(session: Session, group: Group) -> None:
    """The default order before numbering: by date (undated last), then title."""
    require_writer(session, "调整排列顺序")
    items = sorted(_unnumbered(session, group), key=lambda i: (i.day is None, i.day or date.min, i.title))
    base = max(_used_numbers(session, group), default=0)
    for index, item in enumerate(items, start=1):
        item.sort_order = base + index
    session.flush()


def set_order(session: Session, group: Group, item_ids: Sequence[int]) -> None:
    """The unnumbered items of `group` in the order given (drag and drop); every one must be listed."""
    require_writer(session, "调整排列顺序")
    items = {i.id: i for i in _unnumbered(session, group)}
    if sorted(item_ids) != sorted(items):
        raise ValidationError.single("排列顺序", "列表已变化（有归档文件被编号、移出或新增），请刷新后重排")
    base = max(_used_numbers(session, group), default=0)
    for index, item_id in enumerate(item_ids, start=1):
        items[item_id].sort_order = base + index
    session.flush()


def fix_numbers(session: Session, group: Group) -> list[tuple[int, int]]:
    """Give the unnumbered items of `group` their 件号 in their order, continuing the series:
    (item id, number) of each. The 全宗号 of the profile goes into their 档号."""
    require_writer(session, "固定件号")
    fonds = fonds_code(session)
    numbered = []
    for item in _unnumbered(session, group):
        item.fonds = fonds
        item.number = _take_number(session, group, None)
        session.flush()
        numbered.append((item.id, item.number))
    return numbered


def remove_item(session: Session, item_id: int, reason: str = "") -> str:
    """Take an item out of the archive. Unnumbered, it simply goes (its record, if any, is unfiled
    again). Numbered, its 件号 stays as a recorded gap with `reason` (required): the numbers after it
    never move. Either way it waits in the recycle bin with its files (restoring it fills its gap
    again). A destroyed item stays as its catalogue row. Returns what was removed, as a message."""
    require_writer(session, "移出归档文件")
    item = _get(session, item_id)
    _refuse_destroyed(item)
    if session.scalar(select(func.count()).select_from(ArchiveItem).where(ArchiveItem.corrects_id == item_id)):
        raise ValidationError.single("更正", f"{_code(item)} 已有更正件，不能移出（更正件指向它）")
    what = _code(item)
    if session.scalar(select(func.count()).select_from(DestructionDecision).where(DestructionDecision.item_id == item_id)):
        raise ValidationError.single("销毁鉴定", f"{what} 已列入销毁鉴定，鉴定记录永久保存，不能移出")
    if item.number is not None:
        reason = clean(reason)
        if not reason:
            raise ValidationError.single("空号原因", f"{what} 已编号：移出后该件号留为空号，请写明原因")
        session.add(NumberGap(category=item.category, year=item.year, retention=item.retention, org=item.org,
                              number=item.number, code=what, title=item.title, reason=reason[:1000]))
    activity_id = item.activity_id
    recycle_bin.move_to_bin(session, item, [*item.files, *links_of(session, "archive_items", item_id)],
                            label=f"{what} {item.title}" if item.number else what)
    session.flush()
    if activity_id is not None:
        from huiquan_desk.services.filing import unfile_activity

        unfile_activity(session, activity_id)
    return what
