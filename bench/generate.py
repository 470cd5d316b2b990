"""Generate a large, believable community for benchmarks: N activities over several years.

    python bench/generate.py --data-dir DIR --activities 100000 [--seed 1] [--years 8]

The folder is created (and migrated) through `services.workspace.open_workspace`, like the app
does; the activities are written with SQLAlchemy Core executemany in batches, so 100,000 rows
(with their full-text indexes and ~230,000 attachment records) take well under a minute. The
full-text indexes are filled once at the end with the same insert their triggers make per row
(the triggers are dropped meanwhile and restored as they were). The text comes from the demo's activity templates (services.demo), spread over every leaf category and over
`years` calendar years ending with this one, plus a few planned activities in the coming weeks,
inserted in date order (a ledger kept over the years has rowids that follow the dates);
each content is lengthened with everyday report sentences to ~30–150 characters. The same seed
and the same `today` give the same data.

Attachments are records only: every photo points at one small stored JPEG and every sign-in
sheet at one small stored PDF (content-addressed, so the folder passes an integrity check).

Importable: `generate(data_dir, n, seed=1) -> Path` (the data folder).
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
import time
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from huiquan_desk.domain.activity import ActivityStatus, AttachmentKind
from huiquan_desk.domain.festivals import festivals
from huiquan_desk.paths import DataDir
from huiquan_desk.services import demo
from huiquan_desk.services.categories import FESTIVAL_CATEGORY, CategoryNode, list_categories
from huiquan_desk.services.settings import save_profile
from huiquan_desk.services.workspace import open_workspace
from huiquan_desk.storage.files import StoredFile
from huiquan_desk.storage.models import Activity, Attachment

BATCH = 5000
CONTENT_MIN = 30
CONTENT_MAX = 150
PLANNED_DAYS = 21  # planned activities reach this far past today
NO_PHOTO_SHARE = 0.08
# "CREATE TRIGGER name AFTER INSERT ON activities BEGIN INSERT INTO t(cols) VALUES (exprs); END":
# an index table kept row by row (the FTS indexes of migrations 0001 and 0004).
_INDEX_TRIGGER_RE = re.compile(
    r"^CREATE TRIGGER (\w+) AFTER INSERT ON activities BEGIN\s+"
    r"INSERT INTO (\w+)\s*\(([^()]*)\)\s*VALUES\s*\((.*)\)\s*;\s*END$", re.IGNORECASE | re.DOTALL)
_NEW_RE = re.compile(r"\bnew\.", re.IGNORECASE)

# Sentences a committee adds to a report; {k} {m} {leader} {helper} {resident} are filled in.
EXTRA_SENTENCES = (
    "活动结束后收集居民意见建议{k}条，已逐条登记并分办落实。",
    "现场发放宣传资料{m}份，解答居民咨询{k}人次。",
    "本次活动由{leader}负责组织，网格员{helper}协助做好签到和秩序维护。",
    "活动照片、签到表已归入本月文明创建工作台账。",
    "结合垃圾分类工作，志愿者同步开展分类投放指导。",
    "居民{resident}等积极参与，希望社区今后多开展此类活动。",
    "活动信息已在社区微信群和宣传栏发布，扩大了覆盖面。",
    "社区新时代文明实践站志愿者{k}人参与服务。",
    "下一步将结合居民需求，持续开展常态化志愿服务。",
    "楼栋长{resident}协助通知各楼栋居民参加。",
    "对行动不便的老人，工作人员上门送达资料并讲解。",
)
PHOTO_NAMES = ("活动现场", "居民参与", "合影留念")


def _tiny_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (190, 25, 30)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@cache
def _festival_days(year: int) -> list[tuple[str, date]]:
    return [(f.name, f.day) for f in festivals(year)]


class Generator:
    """Plans activity rows with the demo planner over a span of years; all randomness from `rng`."""

    def __init__(self, rng: random.Random, leaves: list[CategoryNode], first: date, last: date, today: date):
        self.rng = rng
        self.first, self.last, self.today = first, last, today
        self.planner = demo.Planner(rng, today, leaves)
        self.leaves = leaves
        self.weights = [demo.LEAF_WEIGHTS.get(demo.canonical(n.name) or "", 1.0) for n in leaves]
        self.festival_leaf = self.planner.leaf(FESTIVAL_CATEGORY)
        self.span_days = (last - first).days
        self.staff = [s.name for s in demo.STAFF.values()]
        self.seen: set[tuple[str, datetime]] = set()

    def day(self) -> date:
        return self.first + timedelta(days=self.rng.randint(0, self.span_days))

    def festival(self) -> tuple[demo.Template, date]:
        """A festival template on a day just before its festival, in a random year of the span."""
        rng = self.rng
        while True:
            year = rng.randint(self.first.year, self.last.year)
            name, day = rng.choice(_festival_days(year))
            events = demo.FESTIVAL_EVENTS.get(name)
            if not events:
                continue
            days_before, template = rng.choice(events)
            day = day - timedelta(days=days_before + rng.choice((0, 0, 0, 1, 2, 3)))
            if self.first <= day <= self.last:
                return template, day

    def slots(self, n: int) -> list[tuple[date, int, demo.Template | None]]:
        """(day, leaf index, festival template or None) of `n` activities, in date order: a ledger
        kept over the years is entered roughly in time order, so rowids follow the dates."""
        rng = self.rng
        picked = rng.choices(range(len(self.leaves)), weights=self.weights, k=n)
        out: list[tuple[date, int, demo.Template | None]] = []
        for index in picked:
            if self.leaves[index] == self.festival_leaf:
                template, day = self.festival()
                out.append((day, index, template))
            else:
                out.append((self.day(), index, None))
        out.sort(key=lambda slot: slot[0])
        return out

    def activity(self, day: date, leaf: int, template: demo.Template | None) -> demo.DemoActivity:
        node = self.leaves[leaf]
        activity = self.planner.make(node, template or self.planner.pick(node, day.month), day)
        while (activity.title, activity.start) in self.seen:  # a ledger has no two same-named at one time
            activity.start += timedelta(minutes=30)
            activity.end += timedelta(minutes=30)
        self.seen.add((activity.title, activity.start))
        activity.content = self.lengthen(activity.content, activity.leader)
        return activity

    def lengthen(self, content: str, leader: str) -> str:
        """Add 0–3 report sentences, keeping the content between CONTENT_MIN and CONTENT_MAX characters."""
        rng = self.rng
        wanted = rng.choice((0, 1, 1, 2, 2, 3))
        for sentence in rng.sample(EXTRA_SENTENCES, 5):
            if wanted <= 0 and len(content) >= CONTENT_MIN:
                break
            text = sentence.format(k=rng.randint(3, 30), m=rng.randint(50, 300), leader=leader,
                                   helper=rng.choice(self.staff), resident=demo.resident_name(rng))
            if len(content) + len(text) > CONTENT_MAX:
                continue
            content += text
            wanted -= 1
        return content[:CONTENT_MAX]


def _activity_row(a: demo.DemoActivity, stamp: datetime) -> dict[str, object]:
    return {
        "title": a.title, "category_id": a.category_id, "start_at": a.start, "end_at": a.end, "place": a.place,
        "organizer": a.organizer, "leader": a.leader, "participants": a.participants, "content": a.content,
        "remarks": a.remarks, "status": a.status.value, "created_at": stamp, "updated_at": stamp,
    }


def _attachment_rows(activity_id: int, a: demo.DemoActivity, photo: StoredFile, sheet: StoredFile,
                     stamp: datetime) -> list[dict[str, object]]:
    rows = []
    for view in range(a.photos):
        rows.append({
            "activity_id": activity_id, "kind": AttachmentKind.PHOTO.value, "sha256": photo.sha256,
            "suffix": photo.suffix, "original_name": f"IMG_{a.start:%Y%m%d}_{view + 1:03d}.jpg",
            "size": photo.size, "sort_order": view + 1,
            "caption_title": f"{a.title}（{PHOTO_NAMES[view % 3]}）", "caption_time": a.start + timedelta(minutes=20 * view),
            "caption_place": a.place, "caption_people": a.people, "caption_photographer": a.photographer,
            "caption_background": a.place, "created_at": stamp, "updated_at": stamp,
        })
    if a.sign_in:
        rows.append({
            "activity_id": activity_id, "kind": AttachmentKind.SIGN_IN.value, "sha256": sheet.sha256,
            "suffix": sheet.suffix, "original_name": f"签到表_{a.start:%Y%m%d}.pdf", "size": sheet.size,
            "sort_order": a.photos + 1, "caption_title": f"{a.title}签到表", "caption_time": a.start,
            "caption_place": a.place, "caption_people": "", "caption_photographer": a.photographer,
            "caption_background": "", "created_at": stamp, "updated_at": stamp,
        })
    return rows


def _hold_index_triggers(session: Session) -> list[tuple[str, str]]:
    """Drop the insert triggers that feed an index table row by row; returns (trigger SQL, the
    same insert for every row at once). Filling an index in one statement is ~4x faster."""
    conn = session.connection()
    held = []
    for (sql,) in conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'activities'").all():
        match = _INDEX_TRIGGER_RE.match(sql.strip())
        if match is None:
            continue  # any other trigger keeps firing per row
        name, target, columns, values = match.groups()
        rows = _NEW_RE.sub("activities.", values)
        bulk = f"INSERT INTO {target}({columns}) SELECT {rows} FROM activities"
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
        held.append((sql, bulk))
    return held


def _restore_index_triggers(session: Session, held: list[tuple[str, str]]) -> None:
    """Fill each held index for all (new) activities at once and put its trigger back as it was."""
    conn = session.connection()
    for sql, bulk in held:
        conn.exec_driver_sql(bulk)
        conn.exec_driver_sql(sql)


def generate(data_dir: str | Path, n: int, seed: int = 1, years: int = 8, today: date | None = None,
             verbose: bool = False) -> Path:
    """Create `data_dir` (must hold no activities yet) with `n` generated activities; returns its path."""
    today = today or date.today()
    root = Path(data_dir).expanduser().resolve()
    ws = open_workspace(DataDir(root))
    started = time.perf_counter()
    try:
        with ws.write() as session:
            existing = session.scalar(select(func.count()).select_from(Activity))
            if existing:
                raise SystemExit(f"{root} already holds {existing} activities; give an empty folder")
            save_profile(session, demo.demo_profile())
            leaves = demo.leaf_categories(list_categories(session))
            photo = ws.files.add_bytes(_tiny_jpeg(), ".jpg")
            sheet = ws.files.add_bytes(TINY_PDF, ".pdf")
            rng = random.Random(seed)
            first = date(today.year - years + 1, 1, 1)
            gen = Generator(rng, leaves, first, today + timedelta(days=PLANNED_DAYS), today)
            now = datetime.combine(today, datetime.min.time()).replace(hour=8)
            slots = gen.slots(n)
            next_id = (session.scalar(select(func.max(Activity.id))) or 0) + 1
            held = _hold_index_triggers(session)
            done = 0
            while done < n:
                batch = [gen.activity(*slot) for slot in slots[done:done + BATCH]]
                for a in batch:
                    if a.status is ActivityStatus.DONE and rng.random() < NO_PHOTO_SHARE:
                        a.photos = 0
                        a.remarks = "现场照片待补传"
                session.execute(insert(Activity.__table__), [_activity_row(a, min(a.end, now)) for a in batch])
                # SQLite gives rowids max+1 in insert order inside this one transaction.
                attachments = [row for offset, a in enumerate(batch)
                               for row in _attachment_rows(next_id + offset, a, photo, sheet, min(a.end, now))]
                if attachments:
                    session.execute(insert(Attachment.__table__), attachments)
                next_id += len(batch)
                done += len(batch)
                if verbose:
                    print(f"  {done:>7,} activities  {time.perf_counter() - started:6.1f} s", file=sys.stderr)
            _restore_index_triggers(session, held)
            last_id = session.scalar(select(func.max(Activity.id)))
            if last_id != next_id - 1:
                raise RuntimeError(f"unexpected activity ids: last {last_id}, expected {next_id - 1}")
        # No ANALYZE: the app never runs it, so a user's database has no planner statistics either.
        with ws.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ws.close()
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="a new (or empty) data folder")
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=8, help="calendar years ending with this one")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    root = generate(args.data_dir, args.activities, args.seed, args.years, verbose=True)
    print(f"{args.activities:,} activities in {root} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
