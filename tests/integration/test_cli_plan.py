"""The annual plan on the command line, run as a user would: `export plan --year --format pdf|xlsx`
and `export responsibilities --year`, on a real data folder in a real process."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.paths import DataDir
from huiquan_desk.services.plans import create_plan
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.workspace import open_workspace
from tests.integration.test_cli import cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("plan") / "data"
    ws = open_workspace(DataDir(folder))
    try:
        with ws.write() as s:
            save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", preparer="陈晓燕"))
            create_plan(s, 2026, names={"社区书记": "林秀英", "宣传委员": "陈晓燕"})
    finally:
        ws.close()
    return folder


def test_export_plan_as_pdf_and_xlsx(data, tmp_path) -> None:
    pdf = tmp_path / "计划.pdf"
    result = cli("export", "plan", "--year", "2026", "--format", "pdf", "-o", str(pdf), data=data)
    assert result.returncode == 0, result.stderr
    assert "已导出2026年度文明创建工作计划" in result.stdout
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace(" ", "")
    assert "惠泉社区2026年度文明创建工作计划" in text and "责任人：陈晓燕" in text and "五、积极开展文明创建活动" in text
    book = tmp_path / "计划.xlsx"
    assert cli("export", "plan", "--year", "2026", "-o", str(book), data=data).returncode == 0
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["工作计划", "责任分解表"]
    owners = [row[5] for row in wb["责任分解表"].iter_rows(min_row=4, values_only=True)]
    assert "陈晓燕" in owners


def test_export_responsibilities_and_a_year_without_a_plan(data, tmp_path) -> None:
    out = tmp_path / "责任分解表.xlsx"
    result = cli("export", "responsibilities", "--year", "2026", "-o", str(out), data=data)
    assert result.returncode == 0, result.stderr
    assert "已导出责任分解表（21 条工作任务）" in result.stdout
    assert [c.value for c in openpyxl.load_workbook(out).active[3]][-1] == "进度/状态"
    missing = cli("export", "plan", "--year", "2027", "--format", "pdf", "-o", str(tmp_path / "x.pdf"), data=data)
    assert missing.returncode != 0 and "2027年度还没有工作计划" in missing.stderr
    assert not (tmp_path / "x.pdf").exists()
