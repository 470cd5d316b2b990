"""Benchmarks of huiquan_desk on a large community, each figure beside its floor.

    python bench/run.py            # full run (10,000-row exports/import, 100,000-row search and start-up)
    python bench/run.py --quick    # smoke run on 2,000 activities, fewer repeats

A floor is the least the same work can cost with the same libraries on the same machine in the
same run (e.g. openpyxl appending the same cell values with no styles); a ratio is ours / floor.
Search figures have an absolute target instead. Every figure is printed as it is measured, then
a final table; the table is also written as JSON to bench/out/results.json (results-quick.json
for --quick, results-partial.json for --only). Generated data folders are cached in bench/out/ (see README.md).

Not a test: pytest never collects this file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from generate import generate  # bench/ is sys.path[0] when this file runs as a script
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import insert

from huiquan_desk.domain.activity import ActivityStatus
from huiquan_desk.exports.fonts import PRIMARY, fonts
from huiquan_desk.paths import DATA_DIR_ENV, DataDir
from huiquan_desk.services.activities import (
    ActivityFilter,
    count_activities,
    fetch_rows,
    list_activities,
    query_ids,
)
from huiquan_desk.services.activity_import import import_activities
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.exporting import export_ledger
from huiquan_desk.services.ledgers import LedgerParams, build_ledger
from huiquan_desk.services.workspace import Workspace, open_workspace
from huiquan_desk.storage.models import Activity

EVERY_ACTIVITY = LedgerParams(status="all")  # the printed ledger leaves 计划中 out unless asked
BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
SEED = 1
GENERATOR_VERSION = 3  # bump when generate.py changes what it writes, so cached folders are rebuilt
SEARCH_WORDS = ("重阳节敬老", "垃圾分类", "张三", "社区志愿者")
FIRST_BLOCK = 200  # ui.activity_model.BLOCK: the rows fetched for the first screen
SEARCH_TARGET_MS = 50.0
IMPORT_HEADERS = ("活动名称", "活动类别", "开始时间", "结束时间", "活动地点", "主办单位", "负责人", "参与人数", "活动内容", "备注")


@dataclass
class Settings:
    quick: bool
    rows: int  # activities exported / imported
    search_rows: int  # activities in the search / start-up data folder
    repeat: int  # runs per timed figure (median): PDF export
    short_repeat: int  # runs of the shorter figures: Excel export, import (9: this VM's runs vary by ±20 %)
    keystroke_repeat: int  # runs of each search query
    startup_repeat: int
    first_start_repeat: int  # starts that are a day's first (each takes the daily backup)


FULL = Settings(quick=False, rows=10_000, search_rows=100_000, repeat=3, short_repeat=9, keystroke_repeat=5,
                startup_repeat=5, first_start_repeat=3)
QUICK = Settings(quick=True, rows=2_000, search_rows=2_000, repeat=1, short_repeat=1, keystroke_repeat=3,
                 startup_repeat=2, first_start_repeat=1)


@dataclass
class Figure:
    name: str
    unit: str  # "s" or "ms"
    ours: float
    target: float | None  # a ratio if floor is given, else an absolute limit in `unit`; None: for information
    floor: float | None = None
    median: float | None = None  # for max-of-many figures (search): the median beside the max
    runs: list[float] = field(default_factory=list)
    floor_runs: list[float] = field(default_factory=list)
    note: str = ""
    cpu_ours: float | None = None  # median process CPU seconds (in-process figures only)
    cpu_floor: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.ours / self.floor if self.floor else None

    @property
    def cpu_ratio(self) -> float | None:
        """The same ratio in CPU time: steadier than wall time when other jobs share the machine."""
        return self.cpu_ours / self.cpu_floor if self.cpu_ours and self.cpu_floor else None

    @property
    def ok(self) -> bool:
        if self.target is None:
            return True
        value = self.ratio if self.floor is not None else self.ours
        return value is not None and value <= self.target

    def line(self) -> str:
        fmt = "{:.2f}" if self.unit == "s" else "{:.1f}"
        ours = fmt.format(self.ours) + f" {self.unit}"
        verdict = "info" if self.target is None else "OK" if self.ok else "MISSED"
        goal = "(no target)" if self.target is None else f"target ≤ {self.target:.2f}"
        if self.floor is not None:
            cpu = f"(cpu {self.cpu_ratio:4.2f})" if self.cpu_ratio else " " * 10
            return (f"{self.name:<27} ours {ours:>9}  floor {fmt.format(self.floor) + ' ' + self.unit:>9}  "
                    f"ratio {self.ratio:5.2f} {cpu}  {goal:<13}  {verdict}")
        goal = "(no target)" if self.target is None else f"target ≤ {self.target:.0f} {self.unit}"
        return (f"{self.name:<27} max  {ours:>9}  median {fmt.format(self.median or 0) + ' ' + self.unit:>8}  "
                f"{'':22}{goal}  {verdict}")

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio, "cpu_ratio": self.cpu_ratio, "ok": self.ok}


def say(text: str = "") -> None:
    print(text, flush=True)


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    """Seconds of each of `repeat` calls, and the last call's result."""
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
    return runs, result


@dataclass
class Runs:
    """Wall-clock and process CPU seconds of each run."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def measure(self, fn: Callable[[], object]) -> object:
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)
        return result


def paired(ours: Callable[[], object], floor: Callable[[], object], repeat: int) -> tuple[Runs, Runs]:
    """Interleaved runs (ours, floor, floor, ours, …) so that a busy machine slows both alike."""
    ours_runs, floor_runs = Runs(), Runs()
    for i in range(repeat):
        order = ((ours, ours_runs), (floor, floor_runs))
        for fn, runs in order if i % 2 == 0 else reversed(order):
            runs.measure(fn)
    return ours_runs, floor_runs


def ratio_figure(name: str, ours: Runs, floor: Runs, target: float | None, note: str = "") -> Figure:
    figure = Figure(name, "s", statistics.median(ours.wall), target, statistics.median(floor.wall), runs=ours.wall,
                    floor_runs=floor.wall, note=note)
    if ours.cpu and floor.cpu:
        figure.cpu_ours, figure.cpu_floor = statistics.median(ours.cpu), statistics.median(floor.cpu)
    say(figure.line() + (f"   ({figure.note})" if figure.note else ""))
    return figure


# ---------------------------------------------------------------------------------------------
# Data folders


def data_folder(n: int) -> Path:
    """bench/out/data-<n>: generated once (for this calendar year) and then reused."""
    folder = OUT / f"data-{n}"
    marker = folder / "bench.json"
    wanted = {"activities": n, "seed": SEED, "year": date.today().year, "generator": GENERATOR_VERSION}
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        return folder
    if folder.exists():
        shutil.rmtree(folder)  # only ever a folder this script made under bench/out
    say(f"generating {n:,} activities in {folder} …")
    started = time.perf_counter()
    generate(folder, n, seed=SEED)
    marker.write_text(json.dumps(wanted))
    say(f"  generated in {time.perf_counter() - started:.1f} s")
    return folder


# ---------------------------------------------------------------------------------------------
# Exports


def ledger_cells(ws: Workspace) -> tuple[object, list[list[object]]]:
    """The activity ledger of every activity (planned ones included, so all cfg.rows rows), and its
    printed cells, collected beforehand."""
    with ws.read() as session:
        ledger = build_ledger(session, "activities", EVERY_ACTIVITY)  # what export_ledger renders
    return ledger, [cells for _row, cells in ledger.table()]


def floor_xlsx(ledger, table: list[list[object]], path: Path) -> None:  # type: ignore[no-untyped-def]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=ledger.sheet_name)
    sheet.append([ledger.title])
    sheet.append([ledger.subtitle])
    sheet.append(ledger.headers)
    for cells in table:
        sheet.append(cells)
    sheet.append([])
    sheet.append([ledger.signature_line()])
    workbook.save(path)


def pdf_pages(path: Path) -> int:
    """Page count of a reportlab PDF (its page tree root says /Count N, uncompressed)."""
    counts = [int(m) for m in re.findall(rb"/Count (\d+)", path.read_bytes())]
    return max(counts) if counts else 0


def floor_pdf(ledger, table: list[list[object]], path: Path, pages: int) -> None:  # type: ignore[no-untyped-def]
    """Every cell's whole text with one drawString, the same font and compression, no layout;
    the rows spread evenly over `pages` pages (as many as ours has)."""
    page_w, page_h = landscape(A4)
    left, usable = 20 * mm, page_w - 34 * mm
    units = sum(ledger.widths)
    xs = [left]
    for width in ledger.widths[:-1]:
        xs.append(xs[-1] + usable * width / units)
    canvas = Canvas(str(path), pagesize=(page_w, page_h), pageCompression=1, initialFontName=PRIMARY)
    top, step = page_h - 14 * mm, 9.0 * 1.3
    y = top
    page = -1
    for index, cells in enumerate(table):
        if index * pages // len(table) != page:
            if page >= 0:
                canvas.showPage()
            page = index * pages // len(table)
            canvas.setFont(PRIMARY, 9.0)
            y = top
        for x, value in zip(xs, cells, strict=True):
            text = "" if value is None else str(value)
            if text:
                canvas.drawString(x, y, text)
        y -= step
    canvas.save()


def bench_exports(ws: Workspace, cfg: Settings, tmp: Path) -> list[Figure]:
    fonts()  # register the fonts once, outside every timing (the app has done it before any export)
    ledger, table = ledger_cells(ws)
    assert len(table) == cfg.rows, (len(table), cfg.rows)
    figures = []

    def ours(fmt: str) -> Callable[[], int]:
        def run() -> int:
            with ws.read() as session:
                return export_ledger(session, "activities", EVERY_ACTIVITY, tmp / f"ours.{fmt}", fmt)
        return run

    assert ours("xlsx")() == cfg.rows  # also a warm-up (first-use imports, caches) for both
    floor_xlsx(ledger, table, tmp / "floor.xlsx")
    ours_runs, floor_runs = paired(ours("xlsx"), lambda: floor_xlsx(ledger, table, tmp / "floor.xlsx"),
                                   cfg.short_repeat)
    figures.append(ratio_figure(f"excel_export_{_k(cfg.rows)}", ours_runs, floor_runs, 1.3))

    ours("pdf")()  # warm-up, and the page count the floor is given
    pages = max(pdf_pages(tmp / "ours.pdf"), 1)
    ours_runs, floor_runs = paired(ours("pdf"), lambda: floor_pdf(ledger, table, tmp / "floor.pdf", pages),
                                   cfg.repeat)
    figures.append(ratio_figure(f"pdf_export_{_k(cfg.rows)}", ours_runs, floor_runs, 1.5,
                                f"{pages} pages; floor {pdf_pages(tmp / 'floor.pdf')} pages"))
    return figures


# ---------------------------------------------------------------------------------------------
# Import


def write_import_file(ws: Workspace, path: Path) -> int:
    """The activities of `ws` as a committee's own sheet: canonical headers, one row per activity."""
    with ws.read() as session:
        rows = list_activities(session, ActivityFilter(), sort="start", descending=False)
        paths = {c.id: c.path for c in list_categories(session)}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="活动")
    sheet.append(list(IMPORT_HEADERS))
    for r in rows:
        sheet.append([r.title, paths[r.category_id], r.start, r.end, r.place, r.organizer, r.leader,
                      r.participants, r.content, r.remarks or None])
    workbook.save(path)
    return len(rows)


def _when(value: object) -> datetime:
    """calamine gives a date cell at midnight as a date; the column stores datetimes."""
    return value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())  # type: ignore[arg-type]


def floor_import(session, path: Path, category_ids: dict[str, int], stamp: datetime) -> int:  # type: ignore[no-untyped-def]
    """Read every value with python-calamine (the fastest reader, and the one the import uses), insert
    the same rows with one executemany (only the conversions the insert needs: date cells at midnight
    to datetimes, the participant count from float to int)."""
    workbook = CalamineWorkbook.from_path(str(path))
    rows = []
    try:
        values = workbook.get_sheet_by_index(0).iter_rows()
        next(values)  # the header
        for v in values:
            rows.append({
                "title": v[0], "category_id": category_ids[v[1]], "start_at": _when(v[2]), "end_at": _when(v[3]),
                "place": v[4], "organizer": v[5], "leader": v[6], "participants": int(v[7]), "content": v[8],
                "remarks": v[9], "status": ActivityStatus.DONE.value, "created_at": stamp, "updated_at": stamp,
            })
    finally:
        workbook.close()
    session.execute(insert(Activity.__table__), rows)
    return len(rows)


def bench_import(source: Workspace, cfg: Settings, tmp: Path) -> Figure:
    path = tmp / "import.xlsx"
    count = write_import_file(source, path)
    target = open_workspace(DataDir(tmp / "import-data"), daily_backup=False)  # a fresh, empty data folder
    try:
        with target.read() as session:
            category_ids = {c.path: c.id for c in list_categories(session)}
        stamp = datetime.now().replace(microsecond=0)

        def in_rolled_back_transaction(work: Callable[[object], int], runs: Runs | None = None) -> None:
            session = target.sessions()
            try:
                written = runs.measure(lambda: work(session)) if runs is not None else work(session)
                assert written == count, (written, count)
            finally:
                session.rollback()
                session.close()

        ours, floor = Runs(), Runs()
        order = ((ours, lambda s: import_activities(s, path).created),
                 (floor, lambda s: floor_import(s, path, category_ids, stamp)))
        for _runs, work in order:  # warm-up (first-use imports and caches), not counted
            in_rolled_back_transaction(work)
        for i in range(cfg.short_repeat):  # interleaved, as in paired()
            for runs, work in order if i % 2 == 0 else reversed(order):
                in_rolled_back_transaction(work, runs)
    finally:
        target.close()
    return ratio_figure(f"excel_import_{_k(count)}", ours, floor, 2.0)


# ---------------------------------------------------------------------------------------------
# Search


def prefixes(word: str) -> list[str]:
    return [word[:i] for i in range(1, len(word) + 1)]


def bench_search(ws: Workspace, cfg: Settings) -> tuple[list[Figure], dict[str, object]]:
    """Per keystroke, what the activity page runs: on the GUI thread the first block of ids and its
    rows; off it (ActivitiesPage._count_in_background) the whole id list and the photo-gap count."""
    year = date.today().year
    repeat = cfg.keystroke_repeat
    filters = {
        "all_years": lambda text: ActivityFilter(text=text),
        "this_year": lambda text: ActivityFilter.year(year, text=text),
    }
    typed = [p for word in SEARCH_WORDS for p in prefixes(word)]

    def run_query(flt: ActivityFilter) -> list[int]:  # the first block (ActivityTableModel.show_first)
        with ws.read() as session:  # the page opens a short read per call, so do we
            return query_ids(session, flt, limit=FIRST_BLOCK)

    def run_whole(flt: ActivityFilter) -> list[int]:  # the whole list, counted in the background
        with ws.read() as session:
            return query_ids(session, flt)

    def run_fetch(ids: list[int]) -> object:
        with ws.read() as session:
            return fetch_rows(session, ids[:FIRST_BLOCK])

    def run_summary(flt: ActivityFilter) -> int:  # ActivitiesPage's photo-gap count, in the background
        with ws.read() as session:
            return count_activities(session, ActivityFilter(
                date_from=flt.date_from, date_to=flt.date_to, status=ActivityStatus.DONE, without_photos=True,
                text=flt.text))

    for make in filters.values():  # warm the page cache once, as a user's first searches would
        for text in typed:
            run_fetch(run_query(make(text)))
            run_whole(make(text))
    figures, details = [], {}
    for label, make in filters.items():
        query_ms, fetch_ms, whole_ms, summary_ms, rows = [], [], [], [], []
        for text in typed:
            flt = make(text)
            runs, ids = timed(lambda flt=flt: run_query(flt), repeat)
            query_ms.append(statistics.median(runs) * 1000)
            runs, _ = timed(lambda ids=ids: run_fetch(ids), repeat)
            fetch_ms.append(statistics.median(runs) * 1000)
            runs, whole = timed(lambda flt=flt: run_whole(flt), repeat)
            whole_ms.append(statistics.median(runs) * 1000)
            assert whole[:FIRST_BLOCK] == ids, text  # the first block begins the whole list
            runs, _ = timed(lambda flt=flt: run_summary(flt), repeat)
            summary_ms.append(statistics.median(runs) * 1000)
            rows.append({"text": text, "hits": len(whole), "query_ms": round(query_ms[-1], 2),
                         "fetch_ms": round(fetch_ms[-1], 2), "whole_ms": round(whole_ms[-1], 2),
                         "summary_ms": round(summary_ms[-1], 2)})
        details[label] = rows
        size = _k(cfg.search_rows)
        for name, values, target in ((f"search_{size}_{label}", query_ms, SEARCH_TARGET_MS),
                                     (f"fetch_block_{size}_{label}", fetch_ms, SEARCH_TARGET_MS),
                                     (f"whole_list_{size}_{label}", whole_ms, None),
                                     (f"gap_count_{size}_{label}", summary_ms, None)):
            worst = rows[values.index(max(values))]["text"]
            note = f"slowest: 「{worst}」" + ("; off the GUI thread" if target is None else "")
            figure = Figure(name, "ms", max(values), target, median=statistics.median(values),
                            runs=[round(v, 2) for v in values], note=note)
            say(figure.line() + f"   ({figure.note})")
            figures.append(figure)
    return figures, details


def print_search_details(details: dict[str, object]) -> None:
    for label, rows in details.items():
        say(f"  {label:<10} {'typed':<12} {'hits':>7} {'first':>8} {'fetch':>8} {'whole':>8} {'gaps':>8}  (ms)")
        for row in rows:  # type: ignore[attr-defined]
            text = row["text"] + " " * max(0, 12 - 2 * len(row["text"]))  # CJK: two columns each
            say(f"  {'':<10} {text} {row['hits']:>7} {row['query_ms']:>8.1f} {row['fetch_ms']:>8.1f} "
                f"{row['whole_ms']:>8.1f} {row['summary_ms']:>8.1f}")


# ---------------------------------------------------------------------------------------------
# Start-up (separate processes, offscreen Qt)

CHILD_COMMON = """
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class FirstPaint(QObject):
    # Notes when a top-level window first gets a Paint event.
    def __init__(self):
        super().__init__()
        self.at = None
    def eventFilter(self, obj, event):
        if self.at is None and event.type() == QEvent.Type.Paint and obj.isWidgetType() and obj.isWindow():
            self.at = time.time()
        return False

info = {}
def finish(extra):
    info["first_paint"] = first_paint.at
    info["ready"] = time.time()
    info.update(extra)
    print("BENCH " + json.dumps(info), flush=True)
    QApplication.instance().exit(0)  # not quit(): that asks the windows to close, which may wait for tasks

def when(ready, extra=dict):
    # Checks ready() on every event-loop turn (1 ms timer) and finishes when it holds.
    def check():
        if ready():
            finish(extra())
        else:
            QTimer.singleShot(1, check)
    QTimer.singleShot(0, check)

app = QApplication(sys.argv[:1])
first_paint = FirstPaint()
app.installEventFilter(first_paint)
QTimer.singleShot(180_000, lambda: sys.exit(3))
"""

CHILD_FLOOR = CHILD_COMMON + """
from PySide6.QtWidgets import QMainWindow
window = QMainWindow()
window.resize(1360, 820)
window.show()
when(lambda: first_paint.at is not None)
app.exec()
"""

CHILD_OURS = CHILD_COMMON + """
from huiquan_desk.ui.app import start
info["imported"] = time.time()
started = start(sys.argv[1])
if not isinstance(started, tuple):  # an exit code: the data could not be opened, or sign-in
    sys.exit(10 + (started or 0))
_app, window, ws = started
info["started"] = time.time()
home = window.page("home")  # the page the window opens on
# Ready: painted, and the home page shows its figures (read in the background).
when(lambda: first_paint.at is not None and home.data is not None,
     lambda: {"held_year": home.data.held_year})
app.exec()
try:  # a background task (the day's backup) must not outlive the interpreter
    from huiquan_desk.ui import tasks
    tasks.cancel_all_and_wait(60_000)
except (ImportError, AttributeError):
    pass
ws.close()
"""

PHASES = ("imported", "started", "first_paint", "ready")


def run_child(code: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from just before launch to each phase the child reports (time.time() on both sides)."""
    launched = time.time()
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
                          timeout=240, check=False)
    exited = time.time()
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"start-up child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    info = json.loads(line[6:])
    out = {key: (value - launched if key in PHASES else value) for key, value in info.items()}
    out["exited"] = exited - launched
    return out


def drop_todays_auto_backups(data: Path) -> int:
    """Remove today's automatic backups, which the app itself made in this bench-owned data folder
    (storage.backups names them huiquan-auto-YYYYMMDD-HHMMSS.zip), so the next start is a day's first."""
    removed = 0
    for path in (data / "backups").glob(f"huiquan-auto-{date.today():%Y%m%d}-*.zip"):
        path.unlink()
        removed += 1
    return removed


def bench_startup(data: Path, cfg: Settings, tmp: Path) -> tuple[list[Figure], dict[str, object]]:
    config = tmp / "xdg-config"
    config.mkdir(exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config)}
    env.pop(DATA_DIR_ENV, None)
    for code, args in ((CHILD_FLOOR, []), (CHILD_OURS, [str(data)])):  # warm-up: byte code, font caches,
        run_child(code, args, env)  # and the day's automatic backup if none exists yet
    floor, ours = [], []
    for _ in range(cfg.startup_repeat):  # interleaved, so drift hits both alike
        floor.append(run_child(CHILD_FLOOR, [], env))
        ours.append(run_child(CHILD_OURS, [str(data)], env))
    first = []
    for _ in range(cfg.first_start_repeat):  # a day's first start: the automatic backup is due
        drop_todays_auto_backups(data)
        first.append(run_child(CHILD_OURS, [str(data)], env))
    last = ours[-1]
    floor_paint = Runs([r["first_paint"] for r in floor])
    size = _k(cfg.search_rows)
    figures = [
        ratio_figure(f"startup_{size}", Runs([r["first_paint"] for r in ours]), floor_paint, 2.0,
                     f"start() returned at {statistics.median(r['started'] for r in ours):.2f} s"),
        ratio_figure(f"startup_{size}_home", Runs([r["ready"] for r in ours]), floor_paint, None,
                     f"首页 painted with its figures; {last['held_year']:,} activities held this year"),
        ratio_figure(f"startup_{size}_first_of_day", Runs([r["ready"] for r in first]), floor_paint, None,
                     "首页 with its figures, on a day's first start (automatic backup due)"),
    ]
    return figures, {"ours": ours, "floor": floor, "first_of_day": first}


# ---------------------------------------------------------------------------------------------


def _k(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def machine() -> dict[str, object]:
    from importlib.metadata import version

    import openpyxl
    import PySide6
    import reportlab
    import sqlalchemy

    return {
        "cpus": os.cpu_count(), "load_average": os.getloadavg(), "platform": platform.platform(), "python": platform.python_version(),
        "sqlite": __import__("sqlite3").sqlite_version, "PySide6": PySide6.__version__,
        "SQLAlchemy": sqlalchemy.__version__, "openpyxl": openpyxl.__version__, "reportlab": reportlab.Version,
        "python-calamine": version("python-calamine"),
    }


def code_version() -> dict[str, object]:
    """The commit measured and whether the work tree had changes (read-only git calls)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=BENCH.parent, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"), "changed_files": len(git("status", "--porcelain").splitlines())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="huiquan_desk benchmarks (see bench/README.md)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 activities, fewer repeats")
    parser.add_argument("--only", nargs="*", choices=("export", "import", "search", "startup"),
                        help="run only these groups")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    groups = set(args.only or ("export", "import", "search", "startup"))
    began = time.perf_counter()
    load_at_start = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    say(f"huiquan_desk benchmarks — {'quick' if cfg.quick else 'full'} run, {datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")
    small = data_folder(cfg.rows)
    large = data_folder(cfg.search_rows)
    figures: list[Figure] = []
    details: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="run-", dir=OUT) as scratch:
        tmp = Path(scratch)
        if groups & {"export", "import"}:
            ws = open_workspace(DataDir(small), daily_backup=False)
            try:
                if "export" in groups:
                    say("\n— exports —")
                    figures += bench_exports(ws, cfg, tmp)
                if "import" in groups:
                    say("\n— import —")
                    figures.append(bench_import(ws, cfg, tmp))
            finally:
                ws.close()
        if "search" in groups:
            say(f"\n— search-as-you-type over {cfg.search_rows:,} activities "
                f"(per keystroke, median of {cfg.keystroke_repeat}) —")
            ws = open_workspace(DataDir(large), daily_backup=False)
            try:
                found, details["search"] = bench_search(ws, cfg)
                figures += found
            finally:
                ws.close()
            print_search_details(details["search"])
        if "startup" in groups:
            say(f"\n— start-up to first paint, {cfg.search_rows:,} activities (median of {cfg.startup_repeat}) —")
            found, details["startup"] = bench_startup(large, cfg, tmp)
            figures += found
    total = time.perf_counter() - began
    say(f"\n{'=' * 100}\nResults ({'quick' if cfg.quick else 'full'} run, same machine and run; "
        f"ratio = ours / floor)\n{'=' * 100}")
    for figure in figures:
        say(figure.line())
    judged = [f for f in figures if f.target is not None]
    missed = [f.name for f in judged if not f.ok]
    say(f"{'=' * 100}\n{len(judged) - len(missed)} of {len(judged)} within target"
        + (f"; missed: {', '.join(missed)}" if missed else "") + f".  bench/run.py took {total:.0f} s")
    result = {
        "date": datetime.now().isoformat(timespec="seconds"), "mode": "quick" if cfg.quick else "full",
        "settings": asdict(cfg), "groups": sorted(groups), "machine": machine(),
        "load_average_at_start": load_at_start, "code": code_version(),
        "seconds": round(total, 1),
        "figures": [f.as_dict() for f in figures], "details": details,
    }
    name = "results-quick.json" if cfg.quick else "results.json" if not args.only else "results-partial.json"
    (OUT / name).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    say(f"written {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
