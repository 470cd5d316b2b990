"""Backup figures (issue 14): a data folder carrying --gb of incompressible photos (4 MB each).

    python bench/backups.py            # 2 GB of photos (about 10 GB of disk while it runs)
    python bench/backups.py --gb 0.2   # a quick look

The photos are random bytes stored as attachments of one activity (written straight into the
content-addressed files/ and the attachments table: the backup reads nothing else). Measured:

* the first backup into data/backups (every photo copied into the store) beside the plain floor,
  `shutil.copyfile` of the same photos into an empty folder, and beside a single-file zip (what every
  backup was before the store);
* a second backup after 10 new photos: its time and the bytes it wrote, as a share of the first's
  (goal ≤ 5 % of both);
* 23 daily backups kept by the rotation (7 + 4 + 12 at most), a photo added each day: the disk the
  backups folder takes, against 1.1 × the photos + 23 × the database (goal: below it);
* a restore of the newest backup into an empty data folder (every photo copied back from the store);
* the same first/second pair into a USB-style folder (`services.backups.back_up(ws, folder)`).

Results are printed and written to bench/out/backups.json. Not a test: pytest never collects this file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from huiquan_desk.paths import DataDir
from huiquan_desk.services.activities import create_activity
from huiquan_desk.services.backups import back_up
from huiquan_desk.services.workspace import Workspace, open_workspace
from huiquan_desk.storage import backups
from huiquan_desk.storage.backups import Rotation
from huiquan_desk.storage.models import Attachment

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
PHOTO_MB = 4


def du(path: Path) -> int:
    """Bytes of disk the files below `path` take (allocated blocks)."""
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


def add_photos(ws: Workspace, activity_id: int, count: int) -> int:
    """`count` incompressible 4 MB photos attached to the activity; returns their bytes."""
    total = 0
    with ws.write() as session:
        for n in range(count):
            data = os.urandom(PHOTO_MB << 20)
            stored = ws.files.add_bytes(data, ".jpg")
            session.add(Attachment(activity_id=activity_id, kind="photo", sha256=stored.sha256, suffix=".jpg",
                                   original_name=f"IMG_{n:04d}.jpg", size=len(data), sort_order=n))
            total += len(data)
    return total


def timed(work):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2.0, help="photos in the data folder, in GB (default 2)")
    args = parser.parse_args()
    count = max(10, round(args.gb * 1024 / PHOTO_MB))
    OUT.mkdir(exist_ok=True)
    results: dict[str, object] = {"photos": count, "photo_mb": PHOTO_MB}

    def say(key: str, value: object, note: str = "") -> None:
        results[key] = value
        shown = f"{value:.2f}" if isinstance(value, float) else value
        print(f"{key:<34} {shown} {note}", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-backups-", dir=OUT) as scratch:
        root = Path(scratch)
        ws = open_workspace(DataDir(root / "data"), daily_backup=False)
        with ws.write() as session:
            from tests.helpers import draft  # the same minimal activity the tests use

            activity = create_activity(session, draft(session, title="基准活动"), ws.files)
        photos = add_photos(ws, activity, count)
        say("photo_bytes_gb", photos / (1 << 30))

        floor_dir = root / "floor"
        floor_dir.mkdir()
        sources = [p for p in ws.data.files.rglob("*.jpg")]
        _none, floor = timed(lambda: [shutil.copyfile(p, floor_dir / p.name) for p in sources])
        shutil.rmtree(floor_dir)
        say("floor_copy_s", floor, "(shutil.copyfile of the same photos)")

        first, first_s = timed(lambda: backups.create_backup(ws.data, "manual"))
        say("first_backup_s", first_s, f"ratio to floor {first_s / floor:.2f}")
        say("first_backup_written_mb", first.copied / (1 << 20))
        single, single_s = timed(lambda: backups.create_backup(ws.data, "manual", dest=root / "single.zip"))
        say("single_file_zip_s", single_s, "(a whole-copy zip, as every backup was before)")
        single.path.unlink()

        add_photos(ws, activity, 10)
        second, second_s = timed(lambda: backups.create_backup(ws.data, "manual"))
        say("second_backup_s", second_s, f"{100 * second_s / first_s:.1f} % of the first (goal ≤ 5 %)")
        say("second_backup_written_mb", second.copied / (1 << 20),
            f"{100 * second.copied / first.copied:.1f} % of the first (goal ≤ 5 %)")

        for path in ws.data.backups.glob("*.zip"):
            path.unlink()
        backups.prune_store(ws.data.backups, now=time.time() + 3600)
        day = date(2026, 1, 1)
        kept = Rotation(23, 0, 0)  # 23 kept, the most 7 + 4 + 12 ever keeps
        for n in range(23):
            add_photos(ws, activity, 1)
            backups.backup_if_due(ws.data, today=day + timedelta(days=n), rotation=kept)
        database = ws.data.database.stat().st_size
        photos_now = sum(p.stat().st_size for p in ws.data.files.rglob("*.jpg"))
        used, goal = du(ws.data.backups), 1.1 * photos_now + 23 * database
        say("rotated_backups", len(list(ws.data.backups.glob("huiquan-auto-*.zip"))))
        say("rotated_disk_gb", used / (1 << 30), f"goal ≤ {goal / (1 << 30):.2f} GB (1.1 × photos + 23 × database)")
        newest = max(ws.data.backups.glob("huiquan-auto-*.zip"))

        fresh = DataDir(root / "restored")
        _report, restore_s = timed(lambda: backups.restore_backup(fresh, newest))
        say("restore_s", restore_s, "(into an empty data folder: every photo copied back)")

        usb = root / "usb"
        usb.mkdir()
        usb_first, usb_first_s = timed(lambda: back_up(ws, usb))
        add_photos(ws, activity, 10)
        usb_second, usb_second_s = timed(lambda: back_up(ws, usb))
        say("usb_first_s", usb_first_s)
        say("usb_second_s", usb_second_s, f"{100 * usb_second_s / usb_first_s:.1f} % of the first")
        say("usb_second_written_mb", usb_second.copied / (1 << 20),
            f"{100 * usb_second.copied / usb_first.copied:.1f} % of the first")
        ws.close()
    (OUT / "backups.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH.parent))
    sys.exit(main())
