"""Volunteer figures (issue 3): 5,000 volunteers and 200,000 service records.

    python bench/volunteers.py [--no-exports]

Prints, for the same run and machine: the volunteer page opening (offscreen), a year's
hours-total queries, and the service-hours ledger of a year as Excel and PDF beside the same
floors as the activity ledgers (openpyxl write-only; reportlab drawing the same text).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert, select  # noqa: E402

from huiquan_desk.domain.identity import check_char  # noqa: E402
from huiquan_desk.paths import DataDir  # noqa: E402
from huiquan_desk.services import service_hours, volunteers  # noqa: E402
from huiquan_desk.services.workspace import open_workspace  # noqa: E402
from huiquan_desk.storage.models import ServiceRecord, Team, Volunteer  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
VOLUNTEERS, RECORDS, YEARS = 5_000, 200_000, 4
TODAY = date(2026, 11, 28)


def generate(folder: Path) -> Path:
    """A registry of VOLUNTEERS people and RECORDS service records over YEARS years (Core executemany)."""
    if (folder / "huiquan.sqlite3").exists():
        return folder
    ws = open_workspace(DataDir(folder), daily_backup=False)
    rng = random.Random(3)
    stamp = datetime(2026, 11, 1, 9)
    with ws.write() as s:
        teams = list(s.scalars(select(Team.id)))
        rows = []
        for n in range(VOLUNTEERS):
            birth = date(1950 + n % 55, 1 + n % 12, 1 + n % 28)
            first17 = f"350102{birth:%Y%m%d}{n % 1000:03d}"
            rows.append(dict(number=f"ZY{n:06d}", name=f"志愿者{n}", gender="男" if int(first17[16]) % 2 else "女",
                             birth_date=birth, id_type="居民身份证", id_number=first17 + check_char(first17), area="惠泉小区",
                             phone=f"138{n:08d}", skills="", service_types="", political_status="群众",
                             registered_on=date(2022, 1, 1), team_id=teams[n % len(teams)], remarks="",
                             created_at=stamp, updated_at=stamp))
        s.execute(insert(Volunteer.__table__), rows)
        records = []
        first = TODAY - timedelta(days=365 * YEARS)
        for n in range(RECORDS):
            day = first + timedelta(days=rng.randrange(365 * YEARS))
            records.append(dict(volunteer_id=1 + rng.randrange(VOLUNTEERS), activity_id=None, source="supplement",
                                service_date=day, minutes=rng.choice((60, 90, 120, 180)), title=f"社区志愿服务{n % 300}",
                                place="惠泉社区", content="环境整治、敬老助残、文明劝导", organizer="惠泉社区居委会", leader="林秀英",
                                reason="批量生成", entered_by="基准", entered_at=stamp, late=False,
                                created_at=stamp, updated_at=stamp))
        for start in range(0, len(records), 20_000):
            s.execute(insert(ServiceRecord.__table__), records[start:start + 20_000])
    ws.close()
    return folder


def ms(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main() -> int:
    from run import floor_pdf, floor_xlsx, paired, pdf_pages  # the activity benchmarks' floors

    from huiquan_desk.exports.fonts import fonts
    from huiquan_desk.exports.volunteer_ledgers import service_ledger
    from huiquan_desk.services.exporting import export_service_hours
    from huiquan_desk.services.settings import get_profile
    from huiquan_desk.ui.app import setup_application
    from huiquan_desk.ui.volunteers_page import VolunteersPage

    folder = generate(OUT / f"vol-{VOLUNTEERS}-{RECORDS}")
    ws = open_workspace(DataDir(folder), daily_backup=False)
    year = (date(TODAY.year, 1, 1), TODAY)
    results = []

    app = setup_application()

    def open_page() -> None:
        page = VolunteersPage(ws)
        page.show()
        app.processEvents()
        page.deleteLater()

    results.append(("volunteer_page_open", ms(open_page, 3), 100))
    with ws.read() as s:
        some = [1 + n * 997 % VOLUNTEERS for n in range(20)]
        results.append(("hours_total_year_one_volunteer", ms(lambda: [service_hours.hours_total(s, v, *year) for v in some]) / 20, 100))
        results.append(("hours_total_year_all", ms(lambda: service_hours.hours_total(s, None, *year)), 100))
        results.append(("list_volunteers_with_totals", ms(lambda: volunteers.list_volunteers(s), 3), 100))
        rows = service_hours.service_rows(s, *year)
        profile = get_profile(s)
    for name, value, target in results:
        print(f"{name:34s} {value:8.1f} ms   target ≤ {target} ms   {'OK' if value <= target else 'MISSED'}")
    if "--no-exports" in sys.argv:
        return 0
    fonts()
    ledger = service_ledger(rows, profile.name, *year)
    table = [cells for _row, cells in ledger.table()]
    tmp = Path(tempfile.mkdtemp())
    print(f"service-hours ledger for {year[0]}–{year[1]}: {len(rows)} records")

    def ours(fmt: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            with ws.read() as s:
                export_service_hours(s, tmp / f"ours.{fmt}", fmt, start=year[0], end=year[1])
        return run

    ours_x, floor_x = paired(ours("xlsx"), lambda: floor_xlsx(ledger, table, tmp / "floor.xlsx"), 3)
    ours("pdf")()
    pages = pdf_pages(tmp / "ours.pdf")
    ours_p, floor_p = paired(ours("pdf"), lambda: floor_pdf(ledger, table, tmp / "floor.pdf", pages), 3)
    for name, a, b, target in (("service_hours_xlsx", ours_x, floor_x, 1.3), ("service_hours_pdf", ours_p, floor_p, 1.5)):
        o, f = statistics.median(a.wall), statistics.median(b.wall)
        print(f"{name:34s} ours {o:6.2f} s  floor {f:6.2f} s  ratio {o / f:4.2f}  target ≤ {target}  "
              f"{'OK' if o / f <= target else 'MISSED'}")
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
