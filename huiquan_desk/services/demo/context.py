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
    photos: int = 0
    sign_ins: int = 0
    volunteers: int = 0
    service_records: int = 0
    certificates: int = 0


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

    def draft(self) -> ActivityDraft:
        return ActivityDraft(self.title, self.category_id, self.start, self.end, self.place, self.organizer,
                             self.leader, self.participants, self.content, self.remarks, self.status)
