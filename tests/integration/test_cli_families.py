"""The civic family campaign prints on the command line, run as a user would: `campaigns`, the
ledgers of the registry (`export nominations|review|families|households`) and the documents
(`export notice|plaques`), on a real data folder in a real process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.domain.family import Stage
from huiquan_desk.paths import DataDir
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.workspace import open_workspace
from tests.family_helpers import campaign_through, household
from tests.integration.test_cli import cli

pytestmark = pytest.mark.slow

PHONE = "13800138000"
TITLE = "2026年度惠泉社区文明家庭评选"


@dataclass
class Folder:
    data: Path
    commended: int  # at 表彰: 王建国, 陈堃, 陶喆 chosen, 钱守仁 not
    reviewing: int  # at 评议


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Folder:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("families") / "data"
    ws = open_workspace(DataDir(data))
    try:
        with ws.write() as s:
            save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", preparer="陈晓燕", phone="0591-87654321"))
            homes = [household(s, "王建国", "3", "2", "501", phone=PHONE), household(s, "陈堃", "5", "1", "301"),
                     household(s, "陶喆", "12", "3", "1102"), household(s, "钱守仁", "7", "1", "201", phone=PHONE)]
            commended = campaign_through(s, homes, 3, Stage.COMMEND)
            reviewing = campaign_through(s, homes[:1], 1, Stage.REVIEW, year=2027)
    finally:
        ws.close()
    return Folder(data, commended, reviewing)


def ok(*args: str, data: Path) -> str:
    result = cli(*args, data=data)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def pdf_pages(path: Path) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(path).pages]


def test_campaigns_lists_one_a_line_id_first(folder) -> None:  # type: ignore[no-untyped-def]
    lines = ok("campaigns", data=folder.data).splitlines()
    assert lines == [f"{folder.reviewing}  文明家庭  2027  评议  2027年度惠泉社区文明家庭评选",
                     f"{folder.commended}  文明家庭  2026  表彰  {TITLE}"]


def test_notice_and_plaques(folder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    notice, plaques = tmp_path / "公示.pdf", tmp_path / "证书.pdf"
    out = ok("export", "notice", "--campaign", str(folder.commended), "-o", str(notice), data=folder.data)
    assert f"已导出公示（3 户家庭）到 {notice}" in out
    [page] = pdf_pages(notice)
    for expected in (f"关于{TITLE}结果的公示", "1王建国家庭3栋", "2陈堃家庭5栋", "3陶喆家庭12栋",
                     "公示时间：2026年11月23日至2026年11月29日", "惠泉社区居民委员会"):
        assert expected in page, expected
    assert "钱守仁" not in page and "501" not in page
    out = ok("export", "plaques", "--campaign", str(folder.commended), "-o", str(plaques), data=folder.data)
    assert "已导出荣誉证书（3 户家庭）" in out
    reader = PdfReader(plaques)
    assert len(reader.pages) == 3 and all(p.mediabox.width > p.mediabox.height for p in reader.pages)
    for name, text in zip(("王建国", "陈堃", "陶喆"), pdf_pages(plaques), strict=True):
        assert f"{name}家庭：" in text and "2026年12月1日" in text, text
    ws = open_workspace(DataDir(folder.data), daily_backup=False)
    try:
        with ws.read() as s:
            exports = [r.summary for r in query_audit(s, entity="campaigns", limit=None) if r.action == "export"]
    finally:
        ws.close()
    assert f"导出「{TITLE}」公示 → 公示.pdf (3 条)" in exports
    assert f"导出「{TITLE}」荣誉证书 → 证书.pdf (3 条)" in exports


def test_ledgers_come_from_the_registry(folder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    families, nominations = tmp_path / "创建台账.xlsx", tmp_path / "推荐名单.pdf"
    review, households = tmp_path / "评议结果.xlsx", tmp_path / "花名册.pdf"
    out = ok("export", "families", "--year", "2026", "--format", "xlsx", "-o", str(families), data=folder.data)
    assert "已导出文明家庭创建台账（4 条推荐记录）" in out
    sheet = openpyxl.load_workbook(families).active
    assert [c.value for c in sheet[3]][:4] == ["序号", "年度", "评选名称", "户主"]
    assert [sheet.cell(row=r, column=4).value for r in range(4, 8)] == ["王建国", "陈堃", "钱守仁", "陶喆"]
    ok("export", "nominations", "--campaign", str(folder.commended), "-o", str(nominations), data=folder.data)
    assert "惠泉社区文明家庭推荐名单" in pdf_pages(nominations)[0]
    ok("export", "review", "--campaign", str(folder.commended), "-o", str(review), data=folder.data)
    assert "内部材料，不公开" in openpyxl.load_workbook(review).active["A2"].value
    ok("export", "households", "--search", "陈", "-o", str(households), data=folder.data)
    [page] = pdf_pages(households)
    assert "陈堃" in page and "王建国" not in page
    for path in (families, nominations, review, households):
        text = "".join(pdf_pages(path)) if path.suffix == ".pdf" else str(
            [c for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row])
        assert PHONE not in text and "0013800" not in text, path.name


def test_refusals_in_chinese(folder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.pdf"
    early = cli("export", "notice", "--campaign", str(folder.reviewing), "-o", str(out), data=folder.data)
    assert early.returncode == 2 and "评选进入公示阶段后才能打印公示" in early.stderr
    missing = cli("export", "nominations", "-o", str(out), data=folder.data)
    assert missing.returncode == 2 and "请选择一项评选" in missing.stderr
    gone = cli("export", "plaques", "--campaign", "999", "-o", str(out), data=folder.data)
    assert gone.returncode == 2 and "这项评选已不存在" in gone.stderr
    typo = cli("export", "notice", "--campaign", "三", "-o", str(out), data=folder.data)
    assert typo.returncode == 2 and "评选编号应为数字" in typo.stderr
    assert not out.exists()
