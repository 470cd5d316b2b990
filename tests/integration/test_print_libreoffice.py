"""Excel ledgers printed through LibreOffice, as a committee without Excel prints them (issue 9).

The activity ledger (with a 活动内容 of several hundred characters), the roster and the
service-hours ledger are exported through the services, converted to PDF by `soffice --headless`
and read back with pdftotext's word boxes: every cell's text must lie inside its own cell (its
column, and its row as tall as the workbook says), in order and whole, so that nothing is cut at a
row's edge, runs over the rows below or off the page; every page repeats the header row and
numbers itself; the pages are A4 landscape and as many as the rows need.

LibreOffice draws 宋体, which Linux lacks, with the fonts fontconfig offers: the conversion runs
with a private fontconfig file that adds the bundled WenQuanYi Micro Hei to the system's fonts
(CI has no CJK font of its own), and with a private LibreOffice profile, so that concurrent runs
do not share one.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from huiquan_desk.paths import DataDir, font_file
from huiquan_desk.services.exporting import export_ledger
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.workspace import open_workspace
from tests.unit.test_exports import LONG_CONTENT, fill_print_community

pytestmark = pytest.mark.slow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
KEYS = ("activities", "volunteers", "service-hours")
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float  # top (pdftotext measures y downwards from the top of the page)
    x1: float
    y1: float
    text: str

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def words_by_page(pdf: Path) -> list[list[Word]]:
    out = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([Word(float(a), float(b), float(c), float(d), html.unescape(t))
                      for a, b, c, d, t in WORD.findall(page)])
    return pages


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """key -> (the workbook, LibreOffice's PDF of it)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (no soffice on PATH): Debian package libreoffice-calc-nogui, "
                    "listed in installer/debian-packages.txt")
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed: Debian package poppler-utils, listed in installer/debian-packages.txt")
    root = tmp_path_factory.mktemp("print")
    ws = open_workspace(DataDir(root / "data"))
    try:
        fill_print_community(ws)
        with ws.read() as s:
            for key in KEYS:
                export_ledger(s, key, LedgerParams(), root / f"{key}.xlsx")
    finally:
        ws.close()
    (root / "fonts.conf").write_text(FONTS_CONF.format(fonts=font_file().parent, cache=root / "fontcache"))
    (root / "home").mkdir()
    env = dict(os.environ, FONTCONFIG_FILE=str(root / "fonts.conf"), HOME=str(root / "home"))
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(root / "pdf"), *(str(root / f"{key}.xlsx") for key in KEYS)],
        capture_output=True, text=True, env=env, timeout=300)
    files = {key: (root / f"{key}.xlsx", root / "pdf" / f"{key}.pdf") for key in KEYS}
    missing = [str(pdf) for _xlsx, pdf in files.values() if not pdf.is_file()]
    assert result.returncode == 0 and not missing, (result.returncode, missing, result.stdout, result.stderr)
    return files


@dataclass
class Table:
    headers: list[str]
    widths: list[float]  # Excel units
    rows: list[list[object]]  # body values as the workbook holds them
    heights: list[float]  # points


def read_table(xlsx: Path) -> Table:
    sheet = openpyxl.load_workbook(xlsx).active
    headers = [c.value for c in sheet[3]]
    widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, len(headers) + 1)]
    rows, heights = [], []
    for r in range(4, sheet.max_row + 1):
        values = [c.value for c in sheet[r]][:len(headers)]
        if not isinstance(values[0], int):  # the blank row before the notes
            break
        rows.append(values)
        heights.append(sheet.row_dimensions[r].height)
    return Table(headers, widths, rows, heights)


def column_edges(table: Table, header_words: list[Word]) -> list[float]:
    """Where each column begins and ends on the printed page: the header cells are centred in their
    columns, and LibreOffice sizes columns in proportion to their Excel widths."""
    found = {w.text: w for w in header_words}
    first = found[table.headers[0]]
    starts = [0.0]
    for width in table.widths:
        starts.append(starts[-1] + width)
    far = max((i for i, h in enumerate(table.headers) if h in found and i > 0), key=lambda i: starts[i])
    unit = (found[table.headers[far]].cx - first.cx) / ((starts[far] + starts[far + 1]) / 2 - table.widths[0] / 2)
    left = first.cx - unit * table.widths[0] / 2
    return [left + unit * s for s in starts]


def check_printed_table(xlsx: Path, pdf: Path) -> Table:
    """Every body cell's text inside its own cell on the printed page, whole and in order."""
    table = read_table(xlsx)
    assert table.rows and all(h and h >= 14.5 for h in table.heights), table.heights
    reader = PdfReader(pdf)
    pages = words_by_page(pdf)
    assert len(pages) == len(reader.pages)
    for n, page in enumerate(reader.pages, start=1):
        assert page.mediabox.width > page.mediabox.height  # A4 landscape
        assert abs(float(page.mediabox.width) - 841.89) < 1
        assert f"第{n}页共{len(pages)}页" in squeeze(page.extract_text())  # numbered

    # Where each row begins: its 序号, in the first column below the header row (repeated on every page).
    tops: dict[int, tuple[int, Word]] = {}
    headers_on = {}
    for p, words in enumerate(pages):
        header = [w for w in words if w.text == table.headers[0]]
        assert header, f"page {p + 1} does not repeat the header row"
        headers_on[p] = [w for w in words if abs(w.y0 - header[0].y0) < 1 and w.text in table.headers]
        for w in words:
            if w.text.isdigit() and w.x0 < header[0].x1 and w.y0 > header[0].y1:
                assert int(w.text) not in tops, f"row {w.text} printed twice"
                tops[int(w.text)] = (p, w)
    assert sorted(tops) == list(range(1, len(table.rows) + 1))

    # LibreOffice's points per workbook point (the page is scaled to fit its width): from the
    # distance between consecutive rows on a page; the same for every row if it kept our heights.
    scales = [(tops[k + 1][1].y0 - tops[k][1].y0) / table.heights[k - 1]
              for k in range(1, len(table.rows)) if tops[k][0] == tops[k + 1][0]]
    assert scales
    scale = statistics.median(scales)
    assert 0.5 < scale <= 1.0 and all(abs(s - scale) < 0.02 * scale for s in scales), scales

    for k, values in enumerate(table.rows, start=1):
        p, number = tops[k]
        top = number.y0 - 2
        bottom = top + table.heights[k - 1] * scale
        footer = max(w.y0 for w in pages[p])  # 第 N 页 共 M 页, the lowest line of every page
        assert bottom < footer, f"row {k} runs into the page's foot"
        edges = column_edges(table, headers_on[p])
        in_row = [w for w in pages[p] if top <= w.cy < bottom]
        for c, value in enumerate(values):
            inside = sorted((w for w in in_row if edges[c] <= w.cx < edges[c + 1]), key=lambda w: (round(w.y0), w.x0))
            printed_text = "".join(w.text for w in inside)
            expected = "" if value is None else squeeze(str(value))
            assert squeeze(printed_text) == expected, (k, table.headers[c], printed_text, value)
    return table


@pytest.mark.parametrize("key", KEYS)
def test_libreoffice_prints_every_cell_whole_inside_its_row(printed, key) -> None:
    xlsx, pdf = printed[key]
    table = check_printed_table(xlsx, pdf)
    pages = len(PdfReader(pdf).pages)
    if key == "activities":
        assert 2 <= pages <= len(table.rows)  # 12 activities, one of them tall
    else:
        assert pages == 1  # three volunteers, four service records


def test_libreoffice_prints_the_long_content_whole(printed) -> None:
    xlsx, pdf = printed["activities"]
    table = read_table(xlsx)
    column = table.headers.index("活动内容")
    k = next(i for i, row in enumerate(table.rows, start=1) if row[column] == LONG_CONTENT)
    assert len(LONG_CONTENT) > 300 and table.heights[k - 1] > 15 * 14.5  # a tall row, within Excel's 409 points
    text = squeeze("".join(page.extract_text() for page in PdfReader(pdf).pages))
    for part in LONG_CONTENT.split("。"):
        assert squeeze(part) in text, part  # every sentence, none cut (line breaks aside)
    check_printed_table(xlsx, pdf)  # and all of it inside its own cell: see above
