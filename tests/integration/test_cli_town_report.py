"""`huiquan-desk export report --month YYYY-MM | --year YYYY --format pdf|xlsx -o FILE` run as a user
would, in a real process on a real data folder: the month report as PDF, the year annex as Excel,
the summary printed, the Chinese refusals of a bad month, a period to come and a bad format, and
the workbook opened and printed by LibreOffice."""

from __future__ import annotations

import os
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.paths import DataDir, font_file
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.town_reports import last_month
from huiquan_desk.services.workspace import open_workspace
from tests.helpers import log_activity
from tests.integration.test_cli import cli
from tests.integration.test_print_libreoffice import FONTS_CONF, SOFFICE

pytestmark = pytest.mark.slow
MONTH = last_month()


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("report") / "data"
    ws = open_workspace(DataDir(folder))
    try:
        with ws.write() as s:
            save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇"))
        for day, title in ((2, "中秋节猜灯谜"), (9, "敬老助餐")):
            log_activity(ws, title=title, participants=20, start=datetime(MONTH.year, MONTH.month, day, 9))
    finally:
        ws.close()
    return folder


def test_month_report_pdf(data, tmp_path) -> None:
    out = tmp_path / "月报.pdf"
    result = cli("export", "report", "--month", MONTH.stem, "-o", str(out), data=data)
    assert result.returncode == 0, result.stderr
    assert f"已导出惠泉社区文明创建工作月报（{MONTH.label}）（PDF）" in result.stdout
    assert "本月开展活动 2 次，参与居民 40 人次" in result.stdout
    flat = "".join("".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert f"惠泉社区文明创建工作月报（{MONTH.label}）" in flat and "中秋节猜灯谜" in flat and "敬老助餐" in flat


def test_year_annex_xlsx_by_format(data, tmp_path) -> None:
    out = tmp_path / "附表.dat"
    result = cli("export", "report", "--year", str(MONTH.year), "--format", "xlsx", "-o", str(out), data=data)
    assert result.returncode == 0, result.stderr
    with out.open("rb") as f:  # openpyxl goes by the extension unless handed a file
        book = openpyxl.load_workbook(f)
    assert book.sheetnames[:3] == ["总体情况", "活动分类", "活动月度"]
    month = next(r for r in book["活动月度"].iter_rows(min_row=4, values_only=True) if r[0] == f"{MONTH.month}月")
    assert month[-1] == 2


@pytest.mark.parametrize(("args", "message"), [
    (("--month", "2026-13"), "「月份」：「2026-13」的月份应在 1 到 12 之间"),
    (("--month", f"{date.today().year + 1}-01"), "还没有到"),
    (("--year", str(date.today().year + 1)), "「年度」"),
    (("--year", "明年"), "不是年份"),
])
def test_refused_periods_say_why_in_chinese(data, tmp_path, args, message) -> None:
    out = tmp_path / "x.pdf"
    result = cli("export", "report", *args, "-o", str(out), data=data)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not out.exists()


def test_one_period_and_a_known_format(data, tmp_path) -> None:
    both = cli("export", "report", "--month", MONTH.stem, "--year", str(MONTH.year), "-o", str(tmp_path / "x.pdf"),
               data=data)
    assert both.returncode == 2 and "--month" in both.stderr
    neither = cli("export", "report", "-o", str(tmp_path / "x.pdf"), data=data)
    assert neither.returncode == 2
    word = cli("export", "report", "--month", MONTH.stem, "-o", str(tmp_path / "x.docx"), data=data)
    assert word.returncode == 2 and "只能导出为 PDF 或 Excel" in word.stderr


def test_the_workbook_opens_in_libreoffice(data, tmp_path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (no soffice on PATH): Debian package libreoffice-calc-nogui")
    book = tmp_path / "附表.xlsx"
    assert cli("export", "report", "--year", str(MONTH.year), "-o", str(book), data=data).returncode == 0
    (tmp_path / "fonts.conf").write_text(FONTS_CONF.format(fonts=font_file().parent, cache=tmp_path / "fontcache"))
    (tmp_path / "home").mkdir()
    env = dict(os.environ, FONTCONFIG_FILE=str(tmp_path / "fonts.conf"), HOME=str(tmp_path / "home"))
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(book)],
        capture_output=True, text=True, env=env, timeout=300)
    printed = tmp_path / "pdf" / "附表.pdf"
    assert result.returncode == 0 and printed.is_file(), (result.stdout, result.stderr)
    reader = PdfReader(printed)
    flat = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert len(reader.pages) >= 9  # a sheet per section, each printed on its own pages
    assert f"惠泉社区文明创建工作年度数据附表（{MONTH.year}年度）" in flat and "七、整改落实情况" in flat
