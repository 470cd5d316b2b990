"""The before and after photos of a rectification (整改前 / 整改后照片), the evidence an inspector
and the 验收 look at side by side.

A photo is stored like an activity's: the file once in files/ named by its SHA-256 (storage.files
FileStore; an iPhone HEIC gets its JPEG rendition), checked first by the same rules
(services.activities.check_attachment_file: an unreadable file or a decompression bomb is refused
with a message naming it), its row in `rectification_photos` (listed in storage.files.FILE_TABLES,
so backups and the recycle bin's clean-up keep its file). Removing one moves it to the recycle bin
(restorable); its file stays while anything names it.

Rules a secretary expects:
- A verified rectification (已验收) keeps its photos as they were verified: no photo is added,
  captioned or removed until it is stepped back (services.rectifications.set_status, with a reason).
- Marking one 已整改 or 已验收 without an 整改后 photo is allowed (the photo may come from the
  responsible person later) but warned about: `missing_after_photo` says so and the window asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain.activity import AttachmentKind, PhotoCaption
from huiquan_desk.domain.assessment import Status
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.text import clean, text_problems
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.activities import AttachmentInfo, check_attachment_file, file_label
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.storage.files import FileStore, enable_heif
from huiquan_desk.storage.models import Rectification, RectificationPhoto

BEFORE, AFTER = "before", "after"
STAGE_LABELS = {BEFORE: "整改前", AFTER: "整改后"}
PHOTOS_FIELD = "整改照片"
CAPTION_FIELD = "照片说明"
CAPTION_CHARS = 200
FROZEN = "已验收的整改问题，照片按验收时的样子保留，不能再{0}；如确需修改，请先把它退回「已整改」并写明原因"


@dataclass(frozen=True)
class NewRectificationPhoto:
    """A file the user picked (or dropped) for a rectification, not yet stored."""

    source: str
    stage: str = BEFORE  # before / after (or 整改前 / 整改后)
    caption: str = ""


@dataclass(frozen=True)
class RectificationPhotoInfo:
    id: int
    rectification_id: int
    stage: str
    path: Path  # the stored original (files/ab/ab….jpg)
    sha256: str
    suffix: str
    original_name: str
    size: int
    caption: str
    taken_at: datetime | None

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)

    @property
    def title(self) -> str:
        """What a thumbnail and the viewer call it: its caption, else 「整改前照片」."""
        return self.caption or f"{self.stage_label}照片"

    def as_attachment(self) -> AttachmentInfo:
        """The shape the photo viewer (ui.photo_viewer) and 另存为 (services.photo_record) read."""
        return AttachmentInfo(self.id, AttachmentKind.PHOTO, self.path, self.sha256, self.original_name, self.size,
                              PhotoCaption(title=self.title, taken_at=self.taken_at))


def stage_key(stage: str) -> str:
    """before / after from a key or its label; ValidationError naming the field otherwise."""
    value = clean(stage)
    if value in STAGE_LABELS:
        return value
    by_label = {label: key for key, label in STAGE_LABELS.items()}
    if value in by_label:
        return by_label[value]
    raise ValidationError.single(PHOTOS_FIELD, "照片应标明「整改前」或「整改后」")


def _rectification(session: Session, rect_id: int) -> Rectification:
    found = session.get(Rectification, rect_id)
    if found is None:
        raise NotFoundError("这条整改记录已不存在。")
    return found


def _photo(session: Session, photo_id: int) -> RectificationPhoto:
    found = session.get(RectificationPhoto, photo_id)
    if found is None:
        raise NotFoundError("这张整改照片已不存在，可能已被删除。")
    return found


def require_unfrozen(r: Rectification, what: str) -> None:
    """Refuse changing the photos of a verified rectification (see the module's rules)."""
    if r.status == Status.VERIFIED.value:
        raise ValidationError.single(PHOTOS_FIELD, FROZEN.format(what))


def restore_problem(session: Session, values: dict[str, object]) -> str | None:
    """Why a photo coming back from the recycle bin may not (its rectification is verified since), else
    None: the bin inserts through Core, past the services' checks."""
    r = session.get(Rectification, values.get("rectification_id"))
    if r is not None and r.status == Status.VERIFIED.value:
        return FROZEN.format("恢复照片")
    return None


def _taken_at(path: Path) -> datetime | None:
    """When the photo was taken (EXIF DateTimeOriginal, else DateTime); None when it does not say."""
    from PIL import ExifTags, Image

    enable_heif()  # a phone's HEIC says when it was taken too
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            stamp = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
        return datetime.strptime(str(stamp).strip("\x00 "), "%Y:%m:%d %H:%M:%S") if stamp else None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def photo_problems(items: Sequence[NewRectificationPhoto]) -> list[Problem]:
    """Each picked file checked as an activity photo is (type, readable, no decompression bomb)
    and its caption's length; the problems name the file."""
    problems = []
    for item in items:
        name = file_label(Path(item.source))
        if why := check_attachment_file(Path(item.source), AttachmentKind.PHOTO):
            problems.append(Problem(PHOTOS_FIELD, f"{name}：{why}"))
        problems += text_problems([(CAPTION_FIELD, clean(item.caption), CAPTION_CHARS)])
    return problems


def add_photos(session: Session, rect_id: int, items: Sequence[NewRectificationPhoto], store: FileStore) -> list[int]:
    """Store the files and add them to the rectification at their stage, after its other photos of
    that stage. Nothing is added when any file is refused (one ValidationError lists them all)."""
    require_writer(session, "添加整改照片")
    r = _rectification(session, rect_id)
    require_unfrozen(r, "添加照片")
    stages = [stage_key(item.stage) for item in items]
    problems = photo_problems(items)
    if problems:
        raise ValidationError(problems)
    order = session.scalar(select(func.max(RectificationPhoto.sort_order))
                           .where(RectificationPhoto.rectification_id == rect_id)) or 0
    added = []
    for item, stage in zip(items, stages, strict=True):
        stored = store.add(Path(item.source))
        try:
            store.ensure_rendition(stored.sha256, stored.suffix)  # a HEIC's JPEG, to show and print
        except ValidationError:
            raise ValidationError.single(PHOTOS_FIELD, f"{file_label(Path(item.source))}：图片无法读取，"
                                         "文件可能已损坏") from None
        order += 1
        photo = RectificationPhoto(rectification_id=rect_id, stage=stage, sha256=stored.sha256, suffix=stored.suffix,
                                   original_name=file_label(Path(item.source)), size=stored.size, sort_order=order,
                                   caption=clean(item.caption), taken_at=_taken_at(Path(item.source)))
        session.add(photo)
        session.flush()
        added.append(photo.id)
    return added


def set_caption(session: Session, photo_id: int, caption: str) -> None:
    """Change what the photo says it shows (「3 栋楼道，清理后」)."""
    require_writer(session, "修改整改照片说明")
    photo = _photo(session, photo_id)
    require_unfrozen(_rectification(session, photo.rectification_id), "修改照片说明")
    text = clean(caption)
    problems = text_problems([(CAPTION_FIELD, text, CAPTION_CHARS)])
    if problems:
        raise ValidationError(problems)
    photo.caption = text
    session.flush()


def remove_photo(session: Session, photo_id: int) -> int:
    """Move one photo to the recycle bin (restorable there); returns the bin id."""
    require_writer(session, "删除整改照片")
    photo = _photo(session, photo_id)
    require_unfrozen(_rectification(session, photo.rectification_id), "删除照片")
    return recycle_bin.move_to_bin(session, photo)


def _info(p: RectificationPhoto, store: FileStore) -> RectificationPhotoInfo:
    return RectificationPhotoInfo(p.id, p.rectification_id, p.stage, store.path_for(p.sha256, p.suffix), p.sha256,
                                  p.suffix, p.original_name, p.size, p.caption, p.taken_at)


def list_photos(session: Session, rect_id: int, store: FileStore, stage: str | None = None) -> list[RectificationPhotoInfo]:
    """The photos of a rectification, 整改前 first, each stage in the order added."""
    query = (select(RectificationPhoto).where(RectificationPhoto.rectification_id == rect_id)
             .order_by(RectificationPhoto.stage.desc(), RectificationPhoto.sort_order, RectificationPhoto.id))
    if stage is not None:
        query = query.where(RectificationPhoto.stage == stage_key(stage))
    return [_info(p, store) for p in session.scalars(query)]


def photo_counts(session: Session) -> dict[int, tuple[int, int]]:
    """(整改前, 整改后) photo counts by rectification id (those with none are left out)."""
    counts: dict[int, tuple[int, int]] = {}
    query = (select(RectificationPhoto.rectification_id, RectificationPhoto.stage, func.count())
             .group_by(RectificationPhoto.rectification_id, RectificationPhoto.stage))
    for rect_id, stage, n in session.execute(query):
        before, after = counts.get(rect_id, (0, 0))
        counts[rect_id] = (n, after) if stage == BEFORE else (before, n)
    return counts


def missing_after_photo(session: Session, rect_id: int) -> bool:
    """Whether the rectification has no 整改后 photo yet (warned about at 已整改 and 已验收)."""
    _rectification(session, rect_id)
    return not session.scalar(select(func.count()).select_from(RectificationPhoto).where(
        RectificationPhoto.rectification_id == rect_id, RectificationPhoto.stage == AFTER))
