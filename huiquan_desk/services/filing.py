"""Filing records as archive items (归档): activities and campaigns become items in one step,
each with its photos and sign-in sheets, a title from the record, the retention period the rule
table proposes (settings.RETENTION_RULES) and a link both ways. A filed record shows 已归档 and is
frozen: `install` adds a flush guard that refuses any change to it or to what belongs to it (its
photos; a campaign's nominations, reviewers, scores, votes, objections and activities), whatever
code path tries. A correction is a new item that links the one it corrects.

Reminders: 文书 of a year are due by the end of June of the next year (《城市社区档案管理办法》);
`unfiled` says what of a year is still waiting, `unfiled_counts` how much per year (the one rule of
「未归档」: 已开展 activities and commended campaigns not in any archive item — the home page, the
town report and the archive page all count by it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, cast, delete, event, exists, func, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from huiquan_desk.domain import archives as rules
from huiquan_desk.domain.activity import ActivityStatus, PhotoCaption
from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.domain.family import STAGE_LABELS, Stage
from huiquan_desk.services.archives import ItemDraft, create_item, fix_numbers
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.services.settings import RETENTION_RULES, get_profile, get_setting
from huiquan_desk.storage.files import FileStore
from huiquan_desk.storage.models import (
    Activity,
    ArchiveFile,
    ArchiveItem,
    Attachment,
    Ballot,
    Campaign,
    CampaignActivity,
    Category,
    Nomination,
    NumberGap,
    Objection,
    Reviewer,
    Score,
)

PHOTOS_PER_PAGE = 4  # a photo record page holds up to four photos (exports.photo_record)
DUE_MONTH, DUE_DAY = 6, 30  # 文书 of a year are filed by June 30 of the next year
FILED_STAGES = (Stage.COMMEND, Stage.PUBLICIZE)  # a campaign is filed once its result is commended


@dataclass(frozen=True)
class Candidate:
    """A record that may be filed: an activity or a campaign of the year, not yet filed."""

    kind: str  # activity / campaign
    id: int
    title: str
    day: date | None
    what: str  # the category path, or 评选 and its stage
    retention: str  # what the rule table proposes
    photos: int
    sign_ins: int


# --- the freeze ------------------------------------------------------------------------------------
def _filed(session: Session, column: Any, ids: set[int]) -> set[int]:
    """Those of `ids` that an archive item links to through `column` (activity_id / campaign_id)."""
    if not ids:
        return set()
    with session.no_autoflush:
        return set(session.scalars(select(column).where(column.in_(ids))))


def _owners(session: Session, obj: object) -> tuple[set[int], set[int]]:
    """(activity ids, campaign ids) a changed row belongs to."""
    acts: set[int] = set()
    camps: set[int] = set()
    if isinstance(obj, Activity):
        acts.add(obj.id)
    elif isinstance(obj, Attachment):
        if obj.activity_id is not None:
            acts.add(obj.activity_id)
        if obj.nomination_id is not None:
            with session.no_autoflush:
                camps.add(session.scalar(select(Nomination.campaign_id).where(Nomination.id == obj.nomination_id)) or 0)
    elif isinstance(obj, Campaign):
        camps.add(obj.id)
    elif isinstance(obj, Nomination | Reviewer | Objection | CampaignActivity):
        camps.add(obj.campaign_id)
    elif isinstance(obj, Score | Ballot):
        with session.no_autoflush:
            camps.add(session.scalar(select(Nomination.campaign_id).where(Nomination.id == obj.nomination_id)) or 0)
    return acts, camps


def _publicized(obj: object) -> bool:
    """The one change a filed campaign still takes: 表彰 → 宣传推介 (its last stage, which changes
    nothing filed)."""
    if not isinstance(obj, Campaign):
        return False
    state = inspect(obj)
    changed = {a.key for a in state.attrs if a.history.has_changes()} - {"updated_at"}
    return changed == {"stage"} and obj.stage == Stage.PUBLICIZE.value


def _guard(session: Session, _context: object, _instances: object) -> None:
    """Refuse a flush that changes a filed record (or what belongs to it)."""
    if session.info.get("filing"):  # services.filing itself marks what it files
        return
    acts: set[int] = set()
    camps: set[int] = set()
    for obj in (*session.dirty, *session.deleted, *session.new):
        if isinstance(obj, Activity | Attachment | Campaign | Nomination | Reviewer | Objection | CampaignActivity
                      | Score | Ballot):
            if obj in session.dirty and (not session.is_modified(obj) or _publicized(obj)):
                continue
            a, c = _owners(session, obj)
            acts |= {i for i in a if i}
            camps |= {i for i in c if i}
    frozen_acts = _filed(session, ArchiveItem.activity_id, acts)
    frozen_camps = _filed(session, ArchiveItem.campaign_id, camps)
    if frozen_acts or frozen_camps:
        with session.no_autoflush:
            names = [f"活动「{t}」" for t in session.scalars(select(Activity.title).where(Activity.id.in_(frozen_acts)))]
            names += [f"评选「{t}」" for t in session.scalars(select(Campaign.title).where(Campaign.id.in_(frozen_camps)))]
        raise ValidationError.single("已归档", f"{'、'.join(names[:3])}已归档，不能再修改或删除；如内容有误，"
                                     "请在「档案」中为它录入更正件")


def restore_problem(session: Session, table: str, values: dict[str, Any]) -> str | None:
    """Why a row coming back from the recycle bin may not (it belongs to a filed record), else
    None: the bin inserts through Core, past the flush guard."""
    acts: set[int] = set()
    camps: set[int] = set()
    if table == "attachments" and values.get("activity_id") is not None:
        acts.add(values["activity_id"])
    if table in ("nominations", "reviewers", "objections", "campaign_activities") and values.get("campaign_id"):
        camps.add(values["campaign_id"])
    nomination = values.get("nomination_id") if table in ("attachments", "scores", "ballots") else None
    if nomination is not None:
        camps.add(session.scalar(select(Nomination.campaign_id).where(Nomination.id == nomination)) or 0)
    if _filed(session, ArchiveItem.activity_id, acts) or _filed(session, ArchiveItem.campaign_id, camps):
        return "它所属的记录已归档，不能再恢复到其中（归档的材料要保持原样）；如需补充，请在「档案」中录入更正件"
    return None


def install(factory: sessionmaker[Session]) -> None:
    """The freeze of filed records, on every writing session of the workspace."""
    event.listen(factory, "before_flush", _guard)


# --- what may be filed -----------------------------------------------------------------------------
def _paths(session: Session) -> dict[int, list[str]]:
    rows = {c.id: (c.parent_id, c.name) for c in session.scalars(select(Category))}
    paths: dict[int, list[str]] = {}
    for cid in rows:
        path: list[str] = []
        node: int | None = cid
        while node is not None and node in rows and len(path) < 20:
            path.insert(0, rows[node][1])
            node = rows[node][0]
        paths[cid] = path
    return paths


def _unfiled_activity() -> tuple[Any, ...]:
    """The one rule of what waits to be filed, for activities: 已开展 and in no archive item."""
    return Activity.status == ActivityStatus.DONE.value, ~exists().where(ArchiveItem.activity_id == Activity.id)


def _unfiled_campaign() -> tuple[Any, ...]:
    """… and for campaigns: commended (表彰 or later) and in no archive item."""
    return (Campaign.stage.in_([s.value for s in FILED_STAGES]),
            ~exists().where(ArchiveItem.campaign_id == Campaign.id))


def _activity_span(first: int | None, last: int) -> tuple[Any, ...]:
    end = Activity.start_at < datetime(last + 1, 1, 1)
    return (end,) if first is None else (Activity.start_at >= datetime(first, 1, 1), end)


def candidates(session: Session, year: int) -> list[Candidate]:
    """The activities (已开展) and campaigns (表彰 or later) of `year` not yet filed, by date."""
    rule_table = get_setting(session, RETENTION_RULES)
    paths = _paths(session)
    out = []
    for a in session.scalars(select(Activity).where(*_activity_span(year, year), *_unfiled_activity())
                             .order_by(Activity.start_at, Activity.id)):
        path = paths.get(a.category_id, [])
        photos = sum(1 for f in a.attachments if f.kind == "photo")
        out.append(Candidate("activity", a.id, a.title, a.start_at.date(), "/".join(path),
                             rules.proposed_retention(rule_table, path), photos, len(a.attachments) - photos))
    for c in session.scalars(select(Campaign).where(Campaign.year == year, *_unfiled_campaign()).order_by(Campaign.id)):
        photos = len(list(session.scalars(select(Attachment.id).join(Nomination, Nomination.id == Attachment.nomination_id)
                                          .where(Nomination.campaign_id == c.id))))
        out.append(Candidate("campaign", c.id, c.title, c.commended_on, f"评选（{STAGE_LABELS[Stage(c.stage)]}）",
                             rules.proposed_retention(rule_table, [], campaign=True), photos, 0))
    return sorted(out, key=lambda c: (c.day or date.max, c.kind, c.id))


def due_date(year: int) -> date:
    return date(year + 1, DUE_MONTH, DUE_DAY)


def unfiled(session: Session, year: int) -> list[Candidate]:
    """What of `year` is still unfiled (the archive page's reminder for last year)."""
    return candidates(session, year)


def unfiled_counts(session: Session, first: int | None, last: int) -> dict[int, tuple[int, int]]:
    """(activities, campaigns) still unfiled per year from `first` (None: the earliest) to `last`,
    by `candidates`' rule counted with SQL (the home page, the town report); years with nothing
    unfiled are left out."""
    activity_year = cast(func.strftime("%Y", Activity.start_at), Integer)
    acts = dict(session.execute(select(activity_year, func.count()).where(
        *_activity_span(first, last), *_unfiled_activity()).group_by(activity_year)).all())
    camps = dict(session.execute(select(Campaign.year, func.count()).where(
        Campaign.year >= (first or 0), Campaign.year <= last, *_unfiled_campaign()).group_by(Campaign.year)).all())
    return {int(y): (acts.get(y, 0), camps.get(y, 0)) for y in sorted({*acts, *camps})}


# --- filing ----------------------------------------------------------------------------------------
def _pages(photos: int, sign_ins: int) -> int:
    """A filed record's pages: its record page, its photo pages (four a page), a page per sign-in sheet."""
    return 1 + math.ceil(photos / PHOTOS_PER_PAGE) + sign_ins


def _copy(session: Session, item_id: int, attachments: Sequence[Attachment]) -> None:
    for order, a in enumerate(attachments, start=1):
        session.add(ArchiveFile(
            item_id=item_id, kind=a.kind, sha256=a.sha256, suffix=a.suffix, original_name=a.original_name,
            size=a.size, sort_order=order, caption_title=a.caption_title, caption_time=a.caption_time,
            caption_place=a.caption_place, caption_people=a.caption_people, caption_background=a.caption_background,
            caption_photographer=a.caption_photographer))


def file_records(session: Session, store: FileStore, activity_ids: Sequence[int] = (), campaign_ids: Sequence[int] = (),
                 retentions: dict[tuple[str, int], str] | None = None, photos_apart: bool = False,
                 number: bool = False) -> list[int]:
    """File the records in one step: an item each (文书 WS) with the record's photos and sign-in
    sheets; with `photos_apart`, an activity's photos go into a 照片 ZP item of their own, captions
    and all. `retentions` holds the periods the user chose ((kind, id) -> Y/D30/D10); the rest take
    what the rule table proposes. With `number`, the numbering of every touched series is fixed.
    Returns the new items' ids. Refused as a whole when any record is already filed or gone."""
    require_writer(session, "归档")
    retentions = retentions or {}
    rule_table = get_setting(session, RETENTION_RULES)
    paths = _paths(session)
    author = get_profile(session).name or ""
    filed: list[int] = []
    groups: set[rules.Group] = set()
    session.info["filing"] = True
    try:
        for activity_id in dict.fromkeys(activity_ids):
            activity = session.get(Activity, activity_id)
            if activity is None:
                raise NotFoundError("所选活动已不存在，可能已被删除。")
            if session.scalar(select(ArchiveItem.id).where(ArchiveItem.activity_id == activity_id)) is not None:
                raise ValidationError.single("归档", f"活动「{activity.title}」已归档，不能重复归档")
            if activity.status != ActivityStatus.DONE.value:
                raise ValidationError.single("归档", f"活动「{activity.title}」还是计划，开展后才能归档")
            chosen = retentions.get(("activity", activity_id))
            retention = chosen or rules.proposed_retention(rule_table, paths.get(activity.category_id, []))
            photos = [a for a in activity.attachments if a.kind == "photo"]
            sign_ins = [a for a in activity.attachments if a.kind != "photo"]
            record_files = sign_ins if photos_apart else [*photos, *sign_ins]
            draft = ItemDraft(title=activity.title, category=rules.DEFAULT_CATEGORY, year=activity.start_at.year,
                              retention=retention, author=activity.organizer or author, day=activity.start_at.date(),
                              pages=_pages(0 if photos_apart else len(photos), len(sign_ins)),
                              remarks=f"活动记录：{activity.place}，参与 {activity.participants} 人".strip("，"))
            item_id = create_item(session, draft, store, activity_id=activity_id, retention_by_user=chosen is not None)
            _copy(session, item_id, record_files)
            filed.append(item_id)
            groups.add(rules.Group(rules.DEFAULT_CATEGORY, draft.year, retention))  # type: ignore[arg-type]
            if photos_apart and photos:
                photo_draft = ItemDraft(title=f"{activity.title}照片", title_made_up=True, category=rules.PHOTO_CATEGORY,
                                        year=draft.year, retention=retention, author=draft.author, day=draft.day,
                                        pages=len(photos), remarks=f"{len(photos)} 张")
                photo_id = create_item(session, photo_draft, store, activity_id=activity_id,
                                       retention_by_user=chosen is not None)
                _copy(session, photo_id, photos)
                filed.append(photo_id)
                groups.add(rules.Group(rules.PHOTO_CATEGORY, draft.year, retention))  # type: ignore[arg-type]
            activity.status = ActivityStatus.ARCHIVED.value
        for campaign_id in dict.fromkeys(campaign_ids):
            campaign = session.get(Campaign, campaign_id)
            if campaign is None:
                raise NotFoundError("所选评选已不存在，可能已被删除。")
            if session.scalar(select(ArchiveItem.id).where(ArchiveItem.campaign_id == campaign_id)) is not None:
                raise ValidationError.single("归档", f"评选「{campaign.title}」已归档，不能重复归档")
            if Stage(campaign.stage) not in FILED_STAGES:
                raise ValidationError.single("归档", f"评选「{campaign.title}」还在「{STAGE_LABELS[Stage(campaign.stage)]}」"
                                             "阶段，表彰后才能归档")
            chosen = retentions.get(("campaign", campaign_id))
            retention = chosen or rules.proposed_retention(rule_table, [], campaign=True)
            photos = list(session.scalars(select(Attachment).join(Nomination, Nomination.id == Attachment.nomination_id)
                                          .where(Nomination.campaign_id == campaign_id)
                                          .order_by(Nomination.id, Attachment.sort_order)))
            nominations = len(list(session.scalars(select(Nomination.id).where(Nomination.campaign_id == campaign_id))))
            day = campaign.commended_on or campaign.notice_end or date(campaign.year, 12, 31)
            draft = ItemDraft(title=f"关于{campaign.title}的材料", title_made_up=True, year=campaign.year,
                              retention=retention, author=author or "居民委员会", day=day,
                              pages=2 + math.ceil(len(photos) / PHOTOS_PER_PAGE),
                              remarks=f"推荐 {nominations} 户：推荐名单、评议结果、公示、表彰及事迹照片")
            item_id = create_item(session, draft, store, campaign_id=campaign_id, retention_by_user=chosen is not None)
            _copy(session, item_id, photos)
            filed.append(item_id)
            groups.add(rules.Group(rules.DEFAULT_CATEGORY, campaign.year, retention))
        session.flush()
    finally:
        session.info.pop("filing", None)
    if number:
        number_series(session, groups, filed)
    return filed


def number_series(session: Session, groups: set[rules.Group], new_ids: Sequence[int]) -> list[tuple[rules.Group, int]]:
    """Fix the numbers of `groups`, each (series, numbers given): a series that waits with only the
    new items (`new_ids`) is put in date order first; an order the user set by hand is kept."""
    from huiquan_desk.services.archives import order_by_date

    new = set(new_ids)
    given = []
    for group in sorted(groups):
        waiting = set(session.scalars(select(ArchiveItem.id).where(
            ArchiveItem.category == group.category, ArchiveItem.year == group.year,
            ArchiveItem.retention == group.retention, ArchiveItem.org == group.org, ArchiveItem.number.is_(None))))
        if waiting <= new:
            order_by_date(session, group)
        given.append((group, len(fix_numbers(session, group))))
    return given


def number_new(session: Session, new_ids: Sequence[int]) -> int:
    """`number_series` for the series the new items went to; the count of numbers given."""
    groups = {rules.Group(i.category, i.year, i.retention, i.org)
              for i in session.scalars(select(ArchiveItem).where(ArchiveItem.id.in_(list(new_ids))))}
    return sum(n for _group, n in number_series(session, groups, new_ids))


def file_year(session: Session, store: FileStore, year: int) -> tuple[list[int], list[tuple[rules.Group, int]]]:
    """`huiquan-desk archive file --year`: file every unfiled record of `year` with the proposed
    periods and fix the numbers of every series of the year that waits (`number_series`). Returns
    (new item ids, (series, numbers given))."""
    found = candidates(session, year)
    items = file_records(session, store, [c.id for c in found if c.kind == "activity"],
                         [c.id for c in found if c.kind == "campaign"])
    groups = {rules.Group(i.category, i.year, i.retention, i.org)
              for i in session.scalars(select(ArchiveItem).where(ArchiveItem.year == year,
                                                                 ArchiveItem.number.is_(None)))}
    return items, number_series(session, groups, items)


def unfile_activity(session: Session, activity_id: int) -> None:
    """Its last item was removed (services.archives.remove_item): the activity is 已开展 again."""
    if session.scalar(select(ArchiveItem.id).where(ArchiveItem.activity_id == activity_id)) is None:
        session.execute(update(Activity).where(Activity.id == activity_id, Activity.status == ActivityStatus.ARCHIVED.value)
                        .values(status=ActivityStatus.DONE.value))


def refiled(session: Session, values: dict[str, Any]) -> None:
    """An item came back from the recycle bin: its gap is filled again and its activity is 已归档."""
    if values.get("number") is not None:
        session.execute(delete(NumberGap).where(
            NumberGap.category == values.get("category"), NumberGap.year == values.get("year"),
            NumberGap.retention == values.get("retention"), NumberGap.org == (values.get("org") or ""),
            NumberGap.number == values["number"]))
    if values.get("activity_id") is not None:
        session.execute(update(Activity).where(Activity.id == values["activity_id"])
                        .values(status=ActivityStatus.ARCHIVED.value))


def correct_item(session: Session, item_id: int, draft: ItemDraft, store: FileStore, files: Sequence[Any] = ()) -> int:
    """A correction (更正件) of a filed item: a new item of the same series that links the original;
    the original and its record stay as they are."""
    original = session.get(ArchiveItem, item_id)
    if original is None:
        raise NotFoundError("要更正的归档文件已不存在。")
    if original.destroyed_on is not None:
        raise ValidationError.single("更正", f"「{original.title}」已于 {original.destroyed_on:%Y-%m-%d} 销毁，不能再为它录入更正件")
    if not draft.remarks:
        draft.remarks = f"更正 {original.title}"
    return create_item(session, draft, store, files, corrects_id=item_id)


def caption_of(f: ArchiveFile) -> PhotoCaption:
    return PhotoCaption(f.caption_title, f.caption_time, f.caption_place, f.caption_people, f.caption_photographer,
                        f.caption_background)
