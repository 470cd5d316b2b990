"""An activity (活动) as the committee logs it: its fields, labels and rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from huiquan_desk.domain.dates import out_of_range
from huiquan_desk.domain.errors import Problem
from huiquan_desk.domain.text import clean, text_problem


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @classmethod
    def from_label(cls, text: str) -> ActivityStatus:
        for status, label in STATUS_LABELS.items():
            if text in (label, status.value):
                return status
        raise ValueError(f"状态只能是 {'、'.join(STATUS_LABELS.values())}")


STATUS_LABELS = {
    ActivityStatus.PLANNED: "计划中",
    ActivityStatus.DONE: "已开展",
    ActivityStatus.ARCHIVED: "已归档",
}

# Chinese label of every activity field: forms, table headers, import headers and messages use these.
FIELD_LABELS = {
    "time": "活动时间",  # start–end as one printed column
    "title": "活动名称",
    "category": "活动类别",
    "start": "开始时间",
    "end": "结束时间",
    "place": "活动地点",
    "organizer": "主办单位",
    "leader": "负责人",
    "participants": "参与人数",
    "content": "活动内容",
    "remarks": "备注",
    "status": "状态",
    "photos": "照片",
}
MAX_TITLE = 200
MAX_TEXT = 20000
# Longest text of each free-text field (characters, after clean()); the columns are as wide.
FIELD_LIMITS = {
    "title": MAX_TITLE,
    "place": 200,
    "organizer": 200,
    "leader": 100,  # may name several people
    "content": MAX_TEXT,
    "remarks": MAX_TEXT,
}


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    SIGN_IN = "signin"

    @property
    def label(self) -> str:
        return {"photo": "活动照片", "signin": "签到表"}[self.value]



@dataclass
class ActivityDraft:
    """What a form or an import row gives before it is stored."""

    title: str = ""
    category_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    place: str = ""
    organizer: str = ""
    leader: str = ""
    participants: int | None = 0
    content: str = ""
    remarks: str = ""
    status: ActivityStatus = ActivityStatus.DONE

    def normalized(self) -> ActivityDraft:
        return ActivityDraft(
            title=clean(self.title),
            category_id=self.category_id,
            start=self.start,
            end=self.end if self.end is not None else self.start,
            place=clean(self.place),
            organizer=clean(self.organizer),
            leader=clean(self.leader),
            participants=self.participants,
            content=clean(self.content),
            remarks=clean(self.remarks),
            status=ActivityStatus(self.status),
        )


def validate_activity(draft: ActivityDraft, row: int | None = None) -> list[Problem]:
    """Problems with a (normalized) draft, each naming its field; empty when it may be saved."""
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(FIELD_LABELS[key], message, row))

    def check_text(key: str) -> None:
        if why := text_problem(getattr(draft, key), FIELD_LIMITS[key]):
            bad(key, why)

    if not draft.title:
        bad("title", "必须填写")
    else:
        check_text("title")
    if draft.category_id is None:
        bad("category", "必须选择")
    if draft.start is None:
        bad("start", "必须填写")
    elif why := out_of_range(draft.start):
        bad("start", why)
    if draft.end is not None and draft.end != draft.start and (why := out_of_range(draft.end)):
        bad("end", why)
    elif draft.start and draft.end and draft.end < draft.start:
        bad("end", "不能早于开始时间")
    if draft.participants is None:
        bad("participants", "必须填写（没有可填 0）")
    elif draft.participants < 0:
        bad("participants", "不能小于 0")
    elif draft.participants > 1_000_000:
        bad("participants", "数值过大，请核对")
    for key in ("place", "organizer", "leader", "content", "remarks"):
        check_text(key)
    return problems


# What an inspector marks missing in an activity that took place (local inspection handbooks expect
# 时间, 地点, 参与人数, 内容 and photos for every one): allowed, but said when it is saved and marked
# in the list.
GAP_LABELS = {"place": "没有活动地点", "content": "没有活动内容", "participants": "参与人数为 0", "photos": "没有照片"}


def inspection_gaps(status: ActivityStatus | str, place: str, content: str, participants: int | None,
                    photos: int) -> list[str]:
    """What an inspector would mark missing in an activity marked 已开展 ([] for plans and archives)."""
    if ActivityStatus(status) is not ActivityStatus.DONE:
        return []
    missing = []
    if not (place or "").strip():
        missing.append(GAP_LABELS["place"])
    if not (content or "").strip():
        missing.append(GAP_LABELS["content"])
    if not participants:
        missing.append(GAP_LABELS["participants"])
    if photos <= 0:
        missing.append(GAP_LABELS["photos"])
    return missing


@dataclass
class PhotoCaption:
    """A photo archive is the image plus this caption (GB/T 11821, DA/T 50-2014)."""

    title: str = ""
    taken_at: datetime | None = None
    place: str = ""
    people: str = ""
    photographer: str = ""
    background: str = ""


CAPTION_LABELS = {
    "title": "题名",
    "taken_at": "时间",
    "place": "地点",
    "people": "人物",
    "photographer": "摄影者",
    "background": "背景",
}
CAPTION_LIMITS = {"title": 200, "place": 200, "people": 2000, "photographer": 50, "background": MAX_TEXT}


def caption_label(key: str) -> str:
    """照片题名, 照片时间 …: how a problem names a caption field (题名 alone would be ambiguous)."""
    return f"照片{CAPTION_LABELS[key]}"


def validate_caption(caption: PhotoCaption, photo: str = "") -> list[Problem]:
    """Problems with a photo's caption (its texts as cleaned), each naming the field and the photo."""
    prefix = f"{photo}：" if photo else ""
    problems = [Problem(caption_label(key), prefix + why) for key, limit in CAPTION_LIMITS.items()
                if (why := text_problem(clean(getattr(caption, key)), limit))]
    if why := out_of_range(caption.taken_at):
        problems.append(Problem(caption_label("taken_at"), prefix + why))
    return problems


@dataclass
class NewAttachment:
    """A file the user picked for an activity, not yet stored."""

    source: str
    kind: AttachmentKind = AttachmentKind.PHOTO
    caption: PhotoCaption = field(default_factory=PhotoCaption)
