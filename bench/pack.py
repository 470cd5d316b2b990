"""Inspection pack figures (issue 12): a year of the demo community → the 迎检资料包 zip.

    python bench/pack.py [--repeat 3] [--profile]

The demo (`services.demo.fill_demo`, as `huiquan-desk demo` makes it: about 200 activities over
twelve months with their photos and sign-in sheets, volunteers, campaigns, archive, plan,
checklist) is filled once into bench/out/pack-demo/data/ and reused; it is made again when missing
or when the calendar year changes (the pack's default period is this year up to today).

Prints, median of `--repeat` runs after one untimed warm-up, wall clock and CPU seconds of:

* ours: `services.inspection_pack.export_pack(ws, None, None, path, progress)`, the entry point the
  window and the command line call (every ledger as PDF and Excel, the 活动图片记录 PDF, the photos
  copied without their GPS, the cover, the index, the manifest, the audit entry);
* the phases inside it, from the progress calls: the documents and the photo record PDF, the photo
  folders, and the cover, index, manifest and audit entry; for information the photo record PDF of
  the same period on its own (`services.photo_record.write_pdf`);
* `verify_pack` of the result (re-hashing every member);

and the pack's size and member count. The target: under 60 s here. `--profile` adds the 20
functions with the most cumulative time of one more run (cProfile). Not a test: pytest never
collects this file. Results go to bench/out/results-pack.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from huiquan_desk.paths import DataDir
from huiquan_desk.services import photo_record
from huiquan_desk.services.demo import fill_demo
from huiquan_desk.services.inspection_pack import export_pack, verify_pack
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.workspace import open_workspace

OUT = Path(__file__).resolve().parent / "out"
FOLDER = OUT / "pack-demo"
TARGET_S = 60.0


def demo_folder() -> Path:
    """The cached demo data folder, made again when missing or from another calendar year."""
    data, stamp = FOLDER / "data", FOLDER / "year.txt"
    if data.is_dir() and stamp.is_file() and stamp.read_text() == str(date.today().year):
        return data
    shutil.rmtree(FOLDER, ignore_errors=True)
    data.mkdir(parents=True)
    ws = open_workspace(DataDir(data))
    try:
        started = time.time()
        fill_demo(ws)
        print(f"demo filled in {time.time() - started:.1f} s")
    finally:
        ws.close()
    stamp.write_text(str(date.today().year))
    return data


class Phases:
    """The time of every progress call. The photo folders are the last `photos` steps (one each)
    before the final call, which comes after the cover, the index and the manifest."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def __call__(self, done: int, total: int) -> None:
        self.times.append(time.perf_counter())

    def split(self, started: float, ended: float, photos: int) -> dict[str, float]:
        folders_from, folders_to = self.times[-2 - photos], self.times[-2]
        return {"documents_and_record_s": round(folders_from - started, 2),
                "photo_folders_s": round(folders_to - folders_from, 2),
                "cover_index_manifest_audit_s": round(ended - folders_to, 2)}


def record_alone(data: Path, out: Path) -> float:
    """For information: the 活动图片记录 PDF of the same period on its own (no audit entry)."""
    ws = open_workspace(DataDir(data))
    try:
        with ws.read() as session:
            started = time.perf_counter()
            params = LedgerParams(date_from=date(date.today().year, 1, 1), date_to=date.today())
            photo_record.write_pdf(photo_record.gather(session, ws.files, params), ws.files, out)
            return round(time.perf_counter() - started, 2)
    finally:
        ws.close()


def one_run(data: Path, out: Path) -> dict[str, float]:
    out.unlink(missing_ok=True)
    ws = open_workspace(DataDir(data))
    try:
        phases = Phases()
        wall, cpu = time.perf_counter(), time.process_time()
        started = wall
        report = export_pack(ws, None, None, out, phases)
        ended = time.perf_counter()
        wall, cpu = ended - wall, time.process_time() - cpu
    finally:
        ws.close()
    figures = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "members": len(report.members),
               "size_mb": round(out.stat().st_size / 1e6, 1), "photos": report.photos,
               "activities": report.activities}
    figures.update(phases.split(started, ended, report.photos))
    figures["photo_record_alone_s"] = record_alone(data, out.with_suffix(".pdf"))
    verify = time.perf_counter()
    check = verify_pack(out)
    figures["verify_s"] = round(time.perf_counter() - verify, 2)
    assert check.ok, check.lines()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    data = demo_folder()
    out = FOLDER / "迎检资料包.zip"
    one_run(data, out)  # warm-up: byte code, fonts, the file cache
    runs = [one_run(data, out) for _ in range(args.repeat)]
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(f"pack of this year ({median['activities']:.0f} activities, {median['photos']:.0f} photos): "
          f"{median['wall_s']:.1f} s wall, {median['cpu_s']:.1f} s CPU, {median['members']:.0f} members, "
          f"{median['size_mb']:.1f} MB; verify {median['verify_s']:.2f} s — target < {TARGET_S:.0f} s: "
          f"{'ok' if median['wall_s'] < TARGET_S else 'OVER'}")
    print("  phases (median):", {k: v for k, v in median.items() if k.endswith("_s") and k not in ("wall_s", "cpu_s")})
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        one_run(data, out)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(20)
    OUT.mkdir(exist_ok=True)
    (OUT / "results-pack.json").write_text(json.dumps({
        "runs": runs, "median": median, "target_s": TARGET_S,
        "machine": {"cpus": os.cpu_count(), "load": os.getloadavg(), "python": sys.version.split()[0],
                    "platform": platform.platform()},
    }, ensure_ascii=False, indent=1))
    return 0 if median["wall_s"] < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
