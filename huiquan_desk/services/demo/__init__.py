"""Demo data: a believable year of 惠泉社区's civilization-creation work, for trying the app.

`fill_demo` writes a community profile and about twelve months of activities (with generated
photos and sign-in sheets) into an *empty* data folder, all in one transaction, through the
same services the UI uses. It refuses a folder that already holds activities, so it can never
mix invented records into real ones.

The work is split into steps that take a `DemoContext`, a module per area (people, households and
civic family campaigns, activities with their pictures, volunteers, archives, inspection readiness,
the annual plan); a later area adds a module with its step, one entry in `DEMO_STEPS` and a count in
`DemoSummary`. An area draws from its own RNG (`ctx.fork`), and a step that needs activities (a
campaign's meetings) plans them into `ctx.activities` for `fill_activities`, which creates them in
date order with the year's.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import Progress, ValidationError
from huiquan_desk.services.activities import count_activities
from huiquan_desk.services.demo.activities import (  # noqa: F401 - what bench/generate.py and the tests use
    FESTIVAL_EVENTS,
    LEAF_WEIGHTS,
    Planner,
    Template,
    canonical,
    fill_activities,
    leaf_categories,
    plan_activities,
)
from huiquan_desk.services.demo.archives import fill_archives
from huiquan_desk.services.demo.context import DEMO_COMMUNITY, DemoActivity, DemoContext, DemoSummary  # noqa: F401
from huiquan_desk.services.demo.families import fill_families, plan_timelines  # noqa: F401
from huiquan_desk.services.demo.inspection import fill_inspection
from huiquan_desk.services.demo.people import STAFF, demo_profile, fill_profile, resident_name  # noqa: F401
from huiquan_desk.services.demo.plan import fill_plan
from huiquan_desk.services.demo.volunteers import fill_volunteers
from huiquan_desk.services.settings import get_profile
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.storage.files import FileStore

DemoStep = Callable[[DemoContext], None]
# The steps, in order; a new area adds its module's step here.
DEMO_STEPS: tuple[DemoStep, ...] = (fill_profile, fill_families, fill_activities, fill_volunteers, fill_archives,
                                  fill_inspection, fill_plan)


def refuse_if_not_empty(session: Session) -> None:
    """The demo only ever goes into a new, empty data folder."""
    existing = count_activities(session)
    if existing:
        raise ValidationError.single(
            "数据文件夹", f"当前数据文件夹已有 {existing} 条活动，演示数据只能写入新建的空文件夹，以免与真实数据混在一起。"
            "请用 --data-dir 指定一个新文件夹后再试。")
    profile = get_profile(session)
    if profile.is_set and profile.name != DEMO_COMMUNITY:
        raise ValidationError.single(
            "数据文件夹", f"当前数据文件夹已设置为「{profile.name}」，演示数据只能写入新建的空文件夹。"
            "请用 --data-dir 指定一个新文件夹后再试。")


def fill_demo(ws: Workspace, today: date | None = None, seed: int = 2026,
              progress: Progress | None = None) -> DemoSummary:
    """Fill an empty data folder with the 惠泉社区 demo (one transaction; nothing is written on failure).

    `progress(done, total)` is called after each activity and may raise Cancelled (the households
    and campaigns, made before the activities, take about a second).
    Raises ValidationError if the folder already holds activities or another community's profile.
    """
    summary = DemoSummary()
    before: set[Path] | None = None
    with tempfile.TemporaryDirectory(prefix="huiquan-demo-") as scratch:
        try:
            with ws.write() as session:
                refuse_if_not_empty(session)
                session.info["user"] = STAFF["clerk"].name  # the demo's 填表人 keeps its ledgers
                before = _stored_files(ws.files)
                ctx = DemoContext(session, ws.files, random.Random(seed), today or date.today(), Path(scratch),
                                  summary, progress, seed)
                for step in DEMO_STEPS:
                    step(ctx)
        except BaseException:
            if before is not None:  # the transaction was rolled back: drop the files it had copied in
                for path in _stored_files(ws.files) - before:
                    path.unlink(missing_ok=True)
            raise
    return summary


def _stored_files(store: FileStore) -> set[Path]:
    return {p for p in store.root.rglob("*") if p.is_file()} if store.root.is_dir() else set()
