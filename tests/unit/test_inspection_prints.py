"""Inspection readiness prints: the 整改台账 and 测评自查表 of the ledger registry (Excel and PDF),
and the 督办单 of one rectification on the layout layer."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.services import assessment, rectifications
from huiquan_desk.services.exporting import export_ledger
from huiquan_desk.services.inspection_prints import export_supervision_order
from huiquan_desk.services.ledgers import LEDGERS, LedgerParams
from huiquan_desk.services.rectifications import RectificationDraft
from huiquan_desk.services.settings import CommunityProfile, save_profile

TODAY = date.today()
OVERDUE = "惠泉小区 3 栋楼道公益广告破损、褪色，未及时更换"
CLOSED = "重阳节敬老活动缺签到表"
RECT_HEADERS = ["序号", "编号", "问题", "来源", "发现日期", "测评项目", "扣分", "责任人", "整改时限", "状态", "验收人", "验收日期", "备注"]
CHECK_HEADERS = ["序号", "编号", "测评项目", "指标", "测评内容", "分值", "方法", "评定规则", "等级", "得分", "问题数"]


@pytest.fixture
def inspected(ws):  # type: ignore[no-untyped-def]
    """The default checklist, XJ-02 graded A by hand for this year, a verified rectification found
    six weeks ago and one past its deadline by 5 days, still 整改中."""
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
        assessment.seed_checklist(s)
        items = {i.code: i for i in assessment.list_items(s)}
        assessment.record_manual(s, items["XJ-02"].id, date(TODAY.year, 1, 1), date(TODAY.year, 12, 31), "A",
                                 "公益广告完好", "照片 6 张", "林秀英", TODAY)
        found = TODAY - timedelta(weeks=6)
        closed = rectifications.create_rectification(s, RectificationDraft(
            CLOSED, found, "自查", items["HJ-02"].id, 1, "陈晓燕", found + timedelta(days=14)))
        for status in ("in_progress", "done"):
            rectifications.set_status(s, closed, status)
        rectifications.set_status(s, closed, "verified", verified_by="林秀英", verified_on=found + timedelta(days=10))
        late = rectifications.create_rectification(s, RectificationDraft(
            OVERDUE, TODAY - timedelta(days=30), "暗访", items["XJ-02"].id, 2, "刘志强", TODAY - timedelta(days=5)))
        rectifications.set_status(s, late, "in_progress")
    return ws, closed, late


def sheet_rows(path: Path) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path).active
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_registry_entries() -> None:
    for key, title in (("rectifications", "整改台账"), ("checklist", "测评自查表")):
        entry = LEDGERS[key]
        assert entry.title == title and entry.params == ("date_from", "date_to") and not entry.personal


def test_rectification_ledger_marks_the_overdue(inspected, tmp_path) -> None:
    ws, _closed, _late = inspected
    out = tmp_path / "整改台账.xlsx"
    with ws.read() as s:
        assert export_ledger(s, "rectifications", LedgerParams(), out) == 2
    rows = sheet_rows(out)
    assert rows[0] == RECT_HEADERS
    closed, late = (row[1:] for row in rows[1:3])  # in the order found; [0] 序号 of the list, then 编号
    assert [rows[1][1], rows[2][1]] == [inspected[1], inspected[2]]  # the number 督办单 --id takes
    assert closed[1] == CLOSED and closed[2] == "自查" and closed[4] == "HJ-02" and closed[8] == "已验收"
    assert closed[9] == "林秀英" and closed[10]
    assert late[1] == OVERDUE and late[2] == "暗访" and late[5] == 2 and late[6] == "刘志强"
    assert late[7] == (TODAY - timedelta(days=5)).isoformat() and late[8] == "整改中（已逾期 5 天）"
    # the period is of the day found
    recent = tmp_path / "recent.xlsx"
    with ws.read() as s:
        assert export_ledger(s, "rectifications", LedgerParams(date_from=TODAY - timedelta(days=31)), recent) == 1
    assert [r[2] for r in sheet_rows(recent)[1:] if isinstance(r[0], int)] == [OVERDUE]
    pdf = tmp_path / "整改台账.pdf"
    with ws.read() as s:
        export_ledger(s, "rectifications", LedgerParams(), pdf)
    text = pdf_text(pdf).replace("\n", "").replace(" ", "")
    assert "惠泉社区整改台账" in text and "已逾期5天" in text and "逾期未整改1个" in text


def test_checklist_ledger_grades_the_period(inspected, tmp_path) -> None:
    ws, _closed, _late = inspected
    out = tmp_path / "测评自查表.xlsx"
    period = LedgerParams(date_from=date(TODAY.year, 1, 1), date_to=TODAY)
    with ws.read() as s:
        results = {r.code: r for r in assessment.evaluate(s, period.date_from, TODAY, TODAY)}
        assert export_ledger(s, "checklist", period, out) == len(results) == 15
    rows = sheet_rows(out)
    assert rows[0] == CHECK_HEADERS
    by_code = {r[1]: r for r in rows[1:16]}
    assert by_code["XJ-02"][8] == "A" and by_code["XJ-02"][9] == 6  # by hand, A of 6 points
    assert by_code["WC-05"][8] == "待人工评定" and by_code["WC-05"][9] in ("", None)
    assert by_code["WC-04"][8] == results["WC-04"].grade and by_code["WC-04"][10] == 1  # the overdue one
    assert by_code["HJ-01"][7] == "传统节日类活动每季度至少 1 次"
    for code, result in results.items():
        assert by_code[code][8] == result.grade_text, code
    pdf = tmp_path / "测评自查表.pdf"
    with ws.read() as s:
        export_ledger(s, "checklist", period, pdf)
    text = pdf_text(pdf)
    assert "测评自查表" in text and "合计得分" in text and "WC-05" in text


def test_checklist_of_an_empty_checklist_is_the_default_unsaved(ws, tmp_path) -> None:
    out = tmp_path / "c.xlsx"
    with ws.read() as s:
        assert export_ledger(s, "checklist", LedgerParams(), out) == len(assessment.default_checklist())
    with ws.read() as s:
        assert assessment.list_items(s) == []  # a print never writes
    with ws.read() as s, pytest.raises(ValidationError, match="结束日期"):
        export_ledger(s, "checklist", LedgerParams(date_from=date(2026, 3, 1), date_to=date(2026, 1, 1)), out)


def test_supervision_order(inspected, tmp_path) -> None:
    ws, _closed, late = inspected
    out = export_supervision_order(ws, late, tmp_path / "督办单.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    flat = text.replace("\n", "")
    assert "督办单" in text and f"督〔{(TODAY - timedelta(days=30)).year}〕第 {late} 号" in text
    assert OVERDUE in flat and "刘志强" in text and cn_date(TODAY - timedelta(days=5)) in text
    for label in ("督办事项", "来源", "发现日期", "测评项目", "责任人", "整改时限", "整改要求", "督办单位", "督办日期",
                  "督办人", "（盖章）", "惠泉社区居民委员会", "XJ-02 宣传教育·公益广告"):
        assert label in flat, label
    assert "【已逾期 5 天】" in flat and f"{cn_date(TODAY - timedelta(days=5))}（已逾期 5 天）" in flat
    assert "请立即整改，并书面说明逾期原因和完成日期" in flat and "应在时限前说明" not in flat
    on_time = export_supervision_order(ws, late, tmp_path / "当时的督办单.pdf", today=TODAY - timedelta(days=20))
    early = PdfReader(on_time).pages[0].extract_text().replace("\n", "")
    assert "逾期" not in early and f"请于{cn_date(TODAY - timedelta(days=5))}前完成整改" in early
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(tmp_path / "order")], check=True)
        assert (tmp_path / "order-1.png").stat().st_size > 1000


def test_supervision_order_refusals(inspected, tmp_path) -> None:
    ws, closed, _late = inspected
    with pytest.raises(ValidationError, match="PDF"):
        export_supervision_order(ws, closed, tmp_path / "督办单.xlsx")
    with pytest.raises(NotFoundError):
        export_supervision_order(ws, 999, tmp_path / "x.pdf")
    with pytest.raises(ValidationError, match="已于.*验收，不再督办"):  # closed: nothing to urge
        export_supervision_order(ws, closed, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_supervision_order_needs_the_community_name(ws, tmp_path) -> None:
    with ws.write() as s:
        rect = rectifications.create_rectification(s, RectificationDraft("宣传栏破损", TODAY))
    with pytest.raises(ValidationError) as err:
        export_supervision_order(ws, rect, tmp_path / "x.pdf")
    assert err.value.problems[0].field == "社区名称"
