"""Activities (活动) and their photos and sign-in sheets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    TableClause,
    and_,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from huiquan_desk.domain.activity import (
    FIELD_LABELS,
    ActivityDraft,
    ActivityStatus,
    AttachmentKind,
    NewAttachment,
    PhotoCaption,
    inspection_gaps,
    validate_activity,
    validate_caption,
)
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.text import clean, savable
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.categories import subtree_ids
from huiquan_desk.services.plan_links import links_of
from huiquan_desk.storage.engine import spaced
from huiquan_desk.storage.files import FileStore, enable_heif
from huiquan_desk.storage.models import Activity, Attachment, CampaignActivity, Category, ServiceRecord, now

# .heic/.heif (iPhone photos) are kept as they are, with a JPEG rendition to show and print (storage.files)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".heic", ".heif"}
SIGN_IN_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}
FTS_MIN_CHARS = 3  # the trigram tokenizer finds nothing for shorter queries
ACTIVITY_FTS = table("activity_fts", column("rowid"))  # trigram FTS5 index kept by triggers (migration 0001)
ACTIVITY_CHARS = table("activity_chars", column("rowid"))  # one token per character (migration 0004)
SCAN_LIMIT = 20_000  # below this many candidate rows a short search scans them instead of using the index


@dataclass(frozen=True)
class ActivityFilter:
    date_from: date | None = None
    date_to: date | None = None
    category_id: int | None = None  # includes the category's subtree
    status: ActivityStatus | None = None
    without_photos: bool = False
    text: str = ""
    exclude_planned: bool = False  # with no status chosen: leave 计划中 out (a printed ledger does)

    @classmethod
    def year(cls, year: int, **kwargs) -> ActivityFilter:  # type: ignore[no-untyped-def]
        return cls(date_from=date(year, 1, 1), date_to=date(year, 12, 31), **kwargs)


@dataclass(frozen=True)
class ActivityRow:
    id: int
    title: str
    category_id: int
    category: str
    start: datetime
    end: datetime
    place: str
    organizer: str
    leader: str
    participants: int
    content: str
    remarks: str
    status: ActivityStatus
    photo_count: int
    sign_in_count: int
    updated_at: datetime

    @property
    def gaps(self) -> list[str]:
        """What an inspector would mark missing (empty unless 已开展)."""
        return inspection_gaps(self.status, self.place, self.content, self.participants, self.photo_count)


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    kind: AttachmentKind
    path: Path
    sha256: str
    original_name: str
    size: int
    caption: PhotoCaption


@dataclass(frozen=True)
class ActivityDetail:
    row: ActivityRow
    attachments: list[AttachmentInfo] = field(default_factory=list)
    filed_as: list[str] = field(default_factory=list)  # the 档号 (or 未编号) of the archive items filing it

    def draft(self) -> ActivityDraft:
        r = self.row
        return ActivityDraft(r.title, r.category_id, r.start, r.end, r.place, r.organizer, r.leader,
                             r.participants, r.content, r.remarks, r.status)


# Columns the table may sort by, keyed by ActivityRow field name.
SORT_COLUMNS = {
    "id": Activity.id,
    "title": Activity.title,
    "category": Activity.category_id,
    "start": Activity.start_at,
    "end": Activity.end_at,
    "place": Activity.place,
    "organizer": Activity.organizer,
    "leader": Activity.leader,
    "participants": Activity.participants,
    "status": Activity.status,
    "updated_at": Activity.updated_at,
}


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class _IndexMatch:
    """A text condition answered by a full-text index: the activity's id is among the rowids the
    index gives for `phrase`."""

    index: TableClause
    phrase: str

    def rowids(self) -> Select:
        return select(self.index.c.rowid).where(literal_column(self.index.name).op("MATCH")(self.phrase))

    def condition(self) -> ColumnElement[bool]:
        return Activity.id.in_(self.rowids())


TextCondition = _IndexMatch | ColumnElement[bool] | None


def _text_condition(session: Session, flt: ActivityFilter) -> TextCondition:
    text = clean(flt.text)
    if len(text) >= FTS_MIN_CHARS:
        return _IndexMatch(ACTIVITY_FTS, '"' + text.replace('"', '""') + '"')
    if text:
        narrowing = _plain_conditions(session, ActivityFilter(flt.date_from, flt.date_to, flt.category_id))
        return _short_text_condition(session, text, narrowing)
    return None


def _filtered(session: Session, query: Select, flt: ActivityFilter,
              text: TextCondition | str = "") -> Select:
    """`query` narrowed by the filter; `text` is its text condition when already worked out."""
    conditions = _plain_conditions(session, flt)
    if isinstance(text, str):
        text = _text_condition(session, flt)
    if text is not None:
        conditions.append(text.condition() if isinstance(text, _IndexMatch) else text)
    return query.where(and_(*conditions)) if conditions else query


def _short_text_condition(session: Session, text: str, narrowing: list) -> TextCondition:
    """One or two characters. Within a narrow range (the page shows one year by default) scanning
    the rows is fastest; across many rows the one-character index (a phrase of single-character
    tokens) is. Characters the index drops (punctuation, spaces) always scan."""
    tokens = [c for c in spaced(text).split(" ") if c.isalnum()]
    rows = session.scalar(select(func.count(Activity.id)).where(and_(*narrowing))) if narrowing else None
    if len(tokens) == len(text) and (rows is None or rows > SCAN_LIMIT):
        return _IndexMatch(ACTIVITY_CHARS, '"' + " ".join(tokens) + '"')
    pattern = _like_pattern(text)
    return or_(*(col.like(pattern, escape="\\") for col in (Activity.title, Activity.content, Activity.place)))


def _plain_conditions(session: Session, flt: ActivityFilter) -> list:
    conditions = []
    if flt.date_from:
        conditions.append(Activity.start_at >= datetime.combine(flt.date_from, time()))
    if flt.date_to:
        conditions.append(Activity.start_at < datetime.combine(flt.date_to + timedelta(days=1), time()))
    if flt.category_id is not None:
        conditions.append(Activity.category_id.in_(subtree_ids(session, flt.category_id)))
    if flt.status is not None:
        conditions.append(Activity.status == flt.status.value)
    elif flt.exclude_planned:
        conditions.append(Activity.status != ActivityStatus.PLANNED.value)
    if flt.without_photos:
        conditions.append(~exists().where(Attachment.activity_id == Activity.id, Attachment.kind == AttachmentKind.PHOTO.value))
    return conditions


def _ordered_ids(sort: str, descending: bool) -> tuple[Select, list[Any]]:
    """The id query and its display order (ties broken by id, so every order is total)."""
    column = SORT_COLUMNS.get(sort, Activity.start_at)
    order: list[Any] = [column.desc() if descending else column.asc(),
                        Activity.id.desc() if descending else Activity.id.asc()]
    if sort == "category":
        order[0] = Category.name.desc() if descending else Category.name.asc()
        return select(Activity.id).join(Category, Category.id == Activity.category_id), order
    return select(Activity.id), order


def query_ids(session: Session, flt: ActivityFilter, sort: str = "start", descending: bool = True,
              limit: int | None = None) -> list[int]:
    """Ids of the matching activities in display order. Cheap even for 100,000 rows.

    With `limit`, only the first ones, always the beginning of the whole list: what the activity
    page shows at once while the whole list is counted in the background (see `_first_ids`)."""
    query, order = _ordered_ids(sort, descending)
    connection = session.connection()  # through Core: for 100,000 ids the ORM's row handling costs more
    text = _text_condition(session, flt)
    if limit is not None and isinstance(text, _IndexMatch):
        first = _first_ids(connection, _filtered(session, query, flt, None).order_by(*order), text, limit)
        if first is not None:
            return first
    ordered = _filtered(session, query, flt, text).order_by(*order)
    return list(connection.execute(ordered if limit is None else ordered.limit(limit)).scalars())


FIRST_PROBE = 2_000  # rows first looked at in display order for a first block …
PROBE_LIMIT = 40_000  # … and at most, when the text is that common among them


def _first_ids(connection: Connection, ordered: Select, match: _IndexMatch, limit: int) -> list[int] | None:
    """The first `limit` ids in display order that `match` holds, found without the whole match.

    A character in most activities (社) gives the index 95,000 rowids to fetch, look up and sort
    (≈ 100–180 ms over 100,000 activities) before SQLite can give the first 200. Instead take the
    first rows in display order without the text condition (an index walk), ask the index only for
    its rowids between their smallest and largest id (≈ 1–3 ms), and keep those rows, in order:
    exactly the beginning of what the full query gives. If too few of them match, look at as many
    rows as should hold `limit` at that rate; None (the caller asks the index for everything) when
    that is more than PROBE_LIMIT rows: a text that rare has few rowids, which the index gives fast."""
    size = FIRST_PROBE
    while True:
        candidates = list(connection.execute(ordered.limit(size)).scalars())
        if not candidates:
            return []
        inside = set(connection.execute(match.rowids().where(
            match.index.c.rowid.between(min(candidates), max(candidates)))).scalars())
        first = [i for i in candidates if i in inside]
        if len(first) >= limit or len(candidates) < size:
            return first[:limit]
        needed = size * limit * 3 // (2 * len(first)) if first else PROBE_LIMIT + 1  # with half again to spare
        if needed > PROBE_LIMIT or size >= PROBE_LIMIT:
            return None
        size = min(max(needed, 2 * size), PROBE_LIMIT)


ROW_COLUMNS = (Activity.id, Activity.title, Activity.category_id, Category.name, Activity.start_at, Activity.end_at,
               Activity.place, Activity.organizer, Activity.leader, Activity.participants, Activity.content,
               Activity.remarks, Activity.status)


def _row_query() -> Select:
    photos = (select(func.count()).where(Attachment.activity_id == Activity.id, Attachment.kind == AttachmentKind.PHOTO.value)
              .correlate(Activity).scalar_subquery())
    sign_ins = (select(func.count()).where(Attachment.activity_id == Activity.id, Attachment.kind == AttachmentKind.SIGN_IN.value)
                .correlate(Activity).scalar_subquery())
    return select(*ROW_COLUMNS, photos, sign_ins, Activity.updated_at).join(Category, Category.id == Activity.category_id)


def fetch_rows(session: Session, ids: Sequence[int]) -> list[ActivityRow]:
    """Rows for these ids, in the order given (ids that vanished are skipped). Plain columns
    through Core: a ledger of 10,000 rows must not pay for 10,000 ORM objects."""
    found: dict[int, ActivityRow] = {}
    connection = session.connection()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in connection.execute(_row_query().where(Activity.id.in_(chunk))):
            (id_, title, category_id, category, start_at, end_at, place, organizer, leader, participants, content,
             remarks, status, photos, sign_ins, updated_at) = row
            found[id_] = ActivityRow(id_, title, category_id, category, start_at, end_at, place, organizer, leader,
                                     participants, content, remarks, ActivityStatus(status), photos, sign_ins, updated_at)
    return [found[i] for i in ids if i in found]


def list_activities(session: Session, flt: ActivityFilter, sort: str = "start", descending: bool = False) -> list[ActivityRow]:
    return fetch_rows(session, query_ids(session, flt, sort, descending))


def count_activities(session: Session, flt: ActivityFilter | None = None) -> int:
    return session.scalar(_filtered(session, select(func.count(Activity.id)), flt or ActivityFilter())) or 0


def held_without_photos_filter(date_from: date | None, date_to: date | None, **kwargs: Any) -> ActivityFilter:
    """The one rule for 「没有照片的活动」: held (已开展 or 已归档 — a filed activity took place too)
    with no photo. The home page, the town report and the activity page's count all use it."""
    return ActivityFilter(date_from=date_from, date_to=date_to, without_photos=True, exclude_planned=True, **kwargs)


def held_without_photos(session: Session, date_from: date | None, date_to: date | None) -> dict[int, int]:
    """How many held activities have no photo from `date_from` to `date_to` (inclusive), per
    category id (categories without any left out); `sum(...values())` is the total."""
    query = select(Activity.category_id, func.count()).group_by(Activity.category_id)
    rows = session.execute(_filtered(session, query, held_without_photos_filter(date_from, date_to)))
    return {category_id: count for category_id, count in rows}


def get_activity(session: Session, activity_id: int, store: FileStore) -> ActivityDetail:
    rows = fetch_rows(session, [activity_id])
    if not rows:
        raise NotFoundError("这条活动已不存在，可能已被删除。")
    attachments = session.scalars(
        select(Attachment).where(Attachment.activity_id == activity_id).order_by(Attachment.kind, Attachment.sort_order, Attachment.id)
    )
    from huiquan_desk.services.archives import filed_codes  # archives reads activities: import here

    return ActivityDetail(rows[0], [attachment_info(a, store) for a in attachments],
                          filed_codes(session, activity_id=activity_id))


def attachment_info(a: Attachment, store: FileStore) -> AttachmentInfo:
    caption = PhotoCaption(a.caption_title, a.caption_time, a.caption_place, a.caption_people,
                           a.caption_photographer, a.caption_background)
    return AttachmentInfo(a.id, AttachmentKind(a.kind), store.path_for(a.sha256, a.suffix), a.sha256,
                          a.original_name, a.size, caption)


def check_attachment_file(path: Path, kind: AttachmentKind) -> str | None:
    """None if the file may be attached as `kind`, else why not (Chinese)."""
    suffix = path.suffix.lower()
    allowed = IMAGE_SUFFIXES if kind is AttachmentKind.PHOTO else SIGN_IN_SUFFIXES
    if not path.is_file():
        return "找不到该文件"
    if suffix not in allowed:
        return f"不支持的文件类型「{suffix or '无扩展名'}」，可用：{' '.join(sorted(allowed))}"
    if suffix == ".pdf":
        with open(path, "rb") as handle:
            return None if handle.read(5) == b"%PDF-" else "不是有效的 PDF 文件"
    from PIL import Image, UnidentifiedImageError

    enable_heif()
    try:
        with Image.open(path) as image:
            if suffix in (".heic", ".heif"):
                image.load()  # pillow-heif's verify() reads the header only; the rendition needs the picture
            else:
                image.verify()
    except Image.DecompressionBombError:  # a few KB of header claiming hundreds of millions of pixels
        return "图片尺寸大得异常（可能是恶意构造的文件），不能作为附件"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, RuntimeError):
        return "图片无法读取，文件可能已损坏"
    return None


def file_label(path: Path) -> str:
    """A picked file's name as stored and shown: cleaned (no direction marks: "照片\u202egpj.exe"
    would print as "照片exe.jpg"), and a name from a disk written on another system (bytes that are
    not UTF-8 arrive as lone surrogates) kept with U+FFFD in their place instead of failing the save."""
    return savable(clean(path.name))[:255]


def attachment_problems(items: Sequence[NewAttachment]) -> list[Problem]:
    problems = []
    for item in items:
        name = file_label(Path(item.source))
        if why := check_attachment_file(Path(item.source), item.kind):
            problems.append(Problem(item.kind.label, f"{name}：{why}"))
        problems += validate_caption(item.caption, name)
    return problems


def _validated(session: Session, draft: ActivityDraft, new_files: Sequence[NewAttachment],
               captions: Sequence[PhotoCaption] = ()) -> ActivityDraft:
    draft = draft.normalized()
    problems = validate_activity(draft)
    if draft.category_id is not None and session.get(Category, draft.category_id) is None:
        problems.append(Problem(FIELD_LABELS["category"], "所选类别已不存在"))
    problems += attachment_problems(new_files)
    for caption in captions:
        problems += validate_caption(caption)
    if problems:
        raise ValidationError(problems)
    return draft


def _apply(activity: Activity, draft: ActivityDraft) -> None:
    activity.title = draft.title
    activity.category_id = draft.category_id  # type: ignore[assignment]
    activity.start_at = draft.start  # type: ignore[assignment]
    activity.end_at = draft.end  # type: ignore[assignment]
    activity.place = draft.place
    activity.organizer = draft.organizer
    activity.leader = draft.leader
    activity.participants = draft.participants  # type: ignore[assignment]
    activity.content = draft.content
    activity.remarks = draft.remarks
    activity.status = draft.status.value


def _attach(session: Session, activity: Activity, items: Sequence[NewAttachment], store: FileStore) -> None:
    attach_files(session, store, items, {"activity_id": activity.id}, activity.title, activity.start_at, activity.place)


def attach_files(session: Session, store: FileStore, items: Sequence[NewAttachment], owner: dict[str, int],
                 title: str, when: datetime | None, place: str) -> None:
    """Store the files (checked by the caller: `attachment_problems`) and add their `attachments`
    rows to `owner` ({"activity_id": …} or {"nomination_id": …}), after its other files; a caption
    left blank takes the owner's title, time and place."""
    owner_column = getattr(Attachment, next(iter(owner)))
    order = session.scalar(select(func.max(Attachment.sort_order)).where(owner_column == next(iter(owner.values())))) or 0
    for item in items:
        stored = store.add(Path(item.source))
        try:
            store.ensure_rendition(stored.sha256, stored.suffix)  # a HEIC's JPEG, to show and print
        except ValidationError:
            raise ValidationError.single(item.kind.label, f"{file_label(Path(item.source))}：图片无法读取，"
                                         "文件可能已损坏") from None
        order += 1
        c = item.caption
        session.add(Attachment(
            **owner, kind=item.kind.value, sha256=stored.sha256, suffix=stored.suffix,
            original_name=file_label(Path(item.source)), size=stored.size, sort_order=order,
            caption_title=clean(c.title) or title, caption_time=c.taken_at or when,
            caption_place=clean(c.place) or place, caption_people=clean(c.people),
            caption_photographer=clean(c.photographer), caption_background=clean(c.background),
        ))


def create_activity(session: Session, draft: ActivityDraft, store: FileStore,
                    attachments: Sequence[NewAttachment] = ()) -> int:
    if ActivityStatus(draft.status) is ActivityStatus.ARCHIVED:
        raise ValidationError.single(FIELD_LABELS["status"], "归档要按档案整理规则办理，新活动不能直接设为「已归档」")
    draft = _validated(session, draft, attachments)
    activity = Activity()
    _apply(activity, draft)
    session.add(activity)
    session.flush()
    _attach(session, activity, attachments, store)
    session.flush()
    return activity.id


def _refuse_archived(activity: Activity) -> None:
    if activity.status == ActivityStatus.ARCHIVED.value:
        raise ValidationError.single(FIELD_LABELS["status"], f"「{activity.title}」已归档，不能再修改；"
                                     "如需更正，请在「档案」中为它录入更正件")


def _editable(session: Session, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFoundError("这条活动已不存在，可能已被删除。")
    return activity


def update_activity(session: Session, activity_id: int, draft: ActivityDraft, store: FileStore,
                    add: Sequence[NewAttachment] = (), remove: Sequence[int] = (),
                    captions: dict[int, PhotoCaption] | None = None) -> None:
    activity = _editable(session, activity_id)
    _refuse_archived(activity)
    draft = _validated(session, draft, add, list((captions or {}).values()))
    if draft.status is ActivityStatus.ARCHIVED:
        raise ValidationError.single(FIELD_LABELS["status"], "归档要按档案整理规则办理，不能在这里直接设为「已归档」")
    _apply(activity, draft)
    if remove:  # through the ORM, so each removed photo is in the audit trail with its values
        for attachment in session.scalars(select(Attachment).where(Attachment.activity_id == activity_id,
                                                                   Attachment.id.in_(list(remove)))):
            session.delete(attachment)
    for attachment_id, caption in (captions or {}).items():
        captioned = session.get(Attachment, attachment_id)
        if captioned is None or captioned.activity_id != activity_id:
            continue
        attachment = captioned
        attachment.caption_title = clean(caption.title)
        attachment.caption_time = caption.taken_at
        attachment.caption_place = clean(caption.place)
        attachment.caption_people = clean(caption.people)
        attachment.caption_photographer = clean(caption.photographer)
        attachment.caption_background = clean(caption.background)
    _attach(session, activity, add, store)
    session.flush()


def add_attachments(session: Session, activity_id: int, items: Sequence[NewAttachment], store: FileStore) -> None:
    """Attach files (dropped on the page) to an existing activity."""
    activity = _editable(session, activity_id)
    _refuse_archived(activity)
    problems = attachment_problems(items)
    if problems:
        raise ValidationError(problems)
    _attach(session, activity, items, store)
    activity.updated_at = now()
    session.flush()


def delete_activities(session: Session, activity_ids: Sequence[int]) -> int:
    """Move activities with their attachment records to the recycle bin. Archived ones are refused.

    The photo files stay in files/ (the bin entry still names them), so a restore brings them back."""
    activities = [_editable(session, i) for i in activity_ids]
    archived = [a.title for a in activities if a.status == ActivityStatus.ARCHIVED.value]
    if archived:
        raise ValidationError.single(FIELD_LABELS["status"], f"已归档的活动不能删除：{'、'.join(archived[:5])}")
    served = session.execute(select(Activity.title, func.count(ServiceRecord.id)).join(
        ServiceRecord, ServiceRecord.activity_id == Activity.id).where(Activity.id.in_(list(activity_ids)))
        .group_by(Activity.id)).all()
    if served:
        names = "、".join(f"「{title}」（{n} 条）" for title, n in served[:5])
        raise ValidationError.single("志愿服务记录", f"{names}已有志愿服务记录，按记录办法应保留；"
                                     "如确属误录，请先在「志愿服务登记」中取消这些志愿者")
    for activity in activities:
        links = list(session.scalars(select(CampaignActivity).where(CampaignActivity.activity_id == activity.id)))
        plan_links = links_of(session, "activities", activity.id)  # its plan tasks' links go and come back with it
        recycle_bin.move_to_bin(session, activity, [*activity.attachments, *links, *plan_links])
    return len(activities)
