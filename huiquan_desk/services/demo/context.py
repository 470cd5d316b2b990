"""What every demo step shares: the demo's constants, its results and its context."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from huiquan_desk.domain.activity import (
    ActivityDraft,
    ActivityStatus,
)
from huiquan_desk.domain.errors import Progress
from huiquan_desk.storage.files import FileStore

DEMO_COMMUNITY = "惠泉社区"
MONTHS = 12
PLANNED_WITHIN_DAYS = 21
NO_PHOTO_SHARE = 0.08
PHOTO_SIZE = (800, 600)
SHEET_SIZE = (600, 800)
JPEG_QUALITY = 70


# ---------------------------------------------------------------------------------------------
# Results and context


@dataclass
class DemoSummary:
    activities: int = 0
    photos: int = 0  # of activities
    sign_ins: int = 0
    volunteers: int = 0
    service_records: int = 0
    certificates: int = 0
    households: int = 0
    campaigns: int = 0
    nominations: int = 0
    nomination_photos: int = 0
    archive_items: int = 0
    archive_boxes: int = 0
    checklist_items: int = 0
    manual_grades: int = 0
    rectifications: int = 0
    overdue_rectifications: int = 0

    def text(self) -> str:
        """What `huiquan-desk demo` says it made, one sentence."""
        return (f"演示数据已生成：{self.activities} 项活动，{self.photos} 张照片，{self.sign_ins} 份签到表；"
                f"{self.volunteers} 名志愿者，{self.service_records} 条服务记录，{self.certificates} 份证明；"
                f"{self.households} 户家庭，{self.campaigns} 项评选（推荐家庭 {self.nominations} 户次，"
                f"事迹照片 {self.nomination_photos} 张）；{self.archive_items} 件归档文件，{self.archive_boxes} 个档案盒；"
                f"{self.checklist_items} 个测评项目（人工评定 {self.manual_grades} 项），{self.rectifications} 个整改问题"
                f"（逾期 {self.overdue_rectifications} 个）。")


@dataclass
class DemoContext:
    """What every demo step gets: one session (one transaction), the file store, a seeded RNG."""

    session: Session
    store: FileStore
    rng: random.Random
    today: date
    scratch: Path  # temporary folder for generated files; removed after the run
    summary: DemoSummary
    progress: Progress | None = None
    seed: int = 0
    # Activities a step planned for `fill_activities` to create with the year's (meetings of a campaign …).
    activities: list[DemoActivity] = field(default_factory=list)

    def fork(self, name: str) -> random.Random:
        """An RNG of its own for one area, so that adding an area leaves the others' data as it was."""
        return random.Random(f"{self.seed}:{name}")


@dataclass
class DemoActivity:
    """One planned demo activity with what to attach; turned into an ActivityDraft later."""

    category_id: int
    category: str
    title: str
    start: datetime
    end: datetime
    place: str
    organizer: str
    leader: str
    participants: int
    content: str
    remarks: str
    status: ActivityStatus
    photos: int = 0
    sign_in: bool = False
    banner: str = ""
    people: str = ""  # caption 人物
    photographer: str = ""
    attendees: list[tuple[str, str]] = field(default_factory=list)  # (name, address) on the sheet
    campaign_id: int | None = None  # a campaign's meeting: linked to it once created

    def draft(self) -> ActivityDraft:
        return ActivityDraft(self.title, self.category_id, self.start, self.end, self.place, self.organizer,
                             self.leader, self.participants, self.content, self.remarks, self.status)
