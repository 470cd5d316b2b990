"""Every print of the civic family campaigns, read back: the 推荐名单, 评议结果, 文明家庭创建台账 and
家庭花名册 ledgers (Excel and PDF), the 公示 notice and the 荣誉证书; the phone masked in every one of
them, the households not chosen out of the public ones, the stage refusals and the audit entries."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.domain.errors import PermissionDenied, ValidationError
from huiquan_desk.domain.family import ReviewMethod, Stage
from huiquan_desk.services import households as hs
from huiquan_desk.services.accounts import create_user
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.services.exporting import export
from huiquan_desk.services.family_prints import export_family_print, issuer
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.workspace import Workspace
from tests.family_helpers import campaign_through, household

PHONE = "13800138000"
CHOSEN = ["王建国", "陈堃", "陶喆", "朱镕"]  # 堃 喆 镕: rare characters the fonts must have
NOT_CHOSEN = "钱守仁"
TITLE = "2026年度惠泉社区文明家庭评选"
LONG_DEEDS = "照顾瘫痪在床的婆婆十余年，" * 8 + "邻里称赞。"


@dataclass
class Data:
    ws: Workspace
    campaign: int  # 2026, at 表彰: four chosen, 钱守仁 not
    earlier: int  # 2024, at 表彰: 王建国 commended


def profile(session, name: str = "惠泉社区", phone: str = "0591-87654321") -> None:  # type: ignore[no-untyped-def]
    save_profile(session, CommunityProfile(name=name, street="惠泉镇", fonds_code="0194", leader="林秀英",
                                           preparer="陈晓燕", phone=phone))


@pytest.fixture
def data(ws) -> Data:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        profile(s)
        homes = [household(s, "王建国", "3", "2", "501", phone=PHONE, grid="第一网格"),
                 household(s, "陈堃", "5", "1", "301", phone=PHONE, members=[hs.Member("李秀英", "配偶")]),
                 household(s, "陶喆", "12", "3", "1102", phone="139 0000 1111"),
                 household(s, "朱镕", "A", "", "101"),
                 household(s, NOT_CHOSEN, "7", "1", "201", phone=PHONE, remarks="独居老人")]
        earlier = campaign_through(s, homes[:1], 1, Stage.COMMEND, year=2024)
        campaign = campaign_through(s, homes, 4, Stage.COMMEND, deeds=[LONG_DEEDS])
    return Data(ws, campaign, earlier)


# --- reading files back ---------------------------------------------------------------------------
def sheet_of(path: Path):  # type: ignore[no-untyped-def]
    return openpyxl.load_workbook(path).active


def body_rows(sheet) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The table's rows under the header (row 3), up to the first blank row."""
    rows = []
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


def flat(text: str) -> str:
    return "".join(text.split())


def file_text(path: Path) -> str:
    """Everything a file says: every cell and the raw package of a workbook, every page and the
    metadata of a PDF."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        cells = [str(v) for sheet in wb.worksheets for row in sheet.iter_rows(values_only=True) for v in row
                 if v is not None]
        with zipfile.ZipFile(path) as package:
            cells += [package.read(name).decode("utf-8", "replace") for name in package.namelist()]
        return "\n".join(cells)
    reader = PdfReader(path)
    return "\n".join([page.extract_text() for page in reader.pages] + [str(v) for v in (reader.metadata or {}).values()])


def pages(path: Path) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(path).pages]


def export_both(ws: Workspace, key: str, params: LedgerParams, tmp_path: Path) -> tuple[Path, Path]:
    xlsx, pdf = tmp_path / f"{key}.xlsx", tmp_path / f"{key}.pdf"
    assert export(ws, key, params, xlsx) == export(ws, key, params, pdf)
    return xlsx, pdf


def assert_row_heights(sheet, count: int) -> None:  # type: ignore[no-untyped-def]
    for r in range(4, 4 + count):
        assert sheet.row_dimensions[r].height and sheet.row_dimensions[r].height >= 10, r


# --- ledgers --------------------------------------------------------------------------------------
def test_nomination_list(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    xlsx, pdf = export_both(data.ws, "nominations", LedgerParams(campaign_id=data.campaign), tmp_path)
    sheet = sheet_of(xlsx)
    assert sheet["A1"].value == "惠泉社区文明家庭推荐名单"
    assert f"评选：{TITLE}" in sheet["A2"].value and "阶段：表彰" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["序号", "户主", "住址", "家庭人口", "推荐方式/推荐单位", "主要事迹", "备注"]
    rows = body_rows(sheet)
    assert [r[1] for r in rows] == [*CHOSEN, NOT_CHOSEN]
    assert rows[0][:5] == (1, "王建国", "3栋2单元501", 1, "网格（第一网格）")
    assert rows[1][3] == 2 and rows[3][2] == "A栋101"
    assert rows[0][5] == LONG_DEEDS and rows[0][6] == "2024年已获评" and rows[1][6] is None
    assert_row_heights(sheet, len(rows))
    assert sheet.row_dimensions[4].height > 2 * sheet.row_dimensions[5].height  # the long deeds wrap
    text = flat(PdfReader(pdf).pages[0].extract_text())
    for expected in ("惠泉社区文明家庭推荐名单", TITLE, "阶段：表彰", *CHOSEN, NOT_CHOSEN, "2024年已获评", "第1页共1页"):
        assert expected in text, expected


def test_review_result_keeps_the_not_chosen_as_an_internal_record(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    xlsx, pdf = export_both(data.ws, "review", LedgerParams(campaign_id=data.campaign), tmp_path)
    sheet = sheet_of(xlsx)
    assert sheet["A1"].value == "惠泉社区文明家庭评议结果"
    assert "内部材料，不公开" in sheet["A2"].value and "评议方式：逐项评分" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["名次", "户主", "住址", "平均得分", "评议结果", "理由"]
    rows = body_rows(sheet)
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        (1, "王建国", 20, "当选"), (2, "陈堃", 19, "当选"), (3, "陶喆", 18, "当选"), (4, "朱镕", 17, "当选"),
        (5, NOT_CHOSEN, 16, "未当选")]
    assert rows[4][5] == "评议得分靠后"
    assert_row_heights(sheet, len(rows))
    text = flat(file_text(pdf))
    assert "内部材料，不公开" in text and NOT_CHOSEN in text and "评议得分靠后" in text


def test_review_by_votes_prints_the_votes(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        profile(s)
        homes = [household(s, "甲户主", "1", "1", "101"), household(s, "乙户主", "1", "1", "102")]
        cid = campaign_through(s, homes, 1, Stage.NOTICE, method=ReviewMethod.VOTE)
    out = tmp_path / "投票.xlsx"
    assert export(ws, "review", LedgerParams(campaign_id=cid), out) == 2
    sheet = sheet_of(out)
    assert [c.value for c in sheet[3]] == ["名次", "户主", "住址", "同意", "不同意", "弃权", "评议结果", "理由"]
    assert [r[:7] for r in body_rows(sheet)] == [(1, "甲户主", "1栋1单元101", 1, 0, 0, "当选"),
                                                 (2, "乙户主", "1栋1单元102", 0, 1, 0, "未当选")]
    assert "评议方式：投票" in sheet["A2"].value and "阶段：公示" in sheet["A2"].value


def test_family_ledger_across_years_or_of_one(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    xlsx, pdf = export_both(data.ws, "families", LedgerParams(), tmp_path)
    sheet = sheet_of(xlsx)
    assert sheet["A1"].value == "惠泉社区文明家庭创建台账" and "年度：全部" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["序号", "年度", "评选名称", "户主", "住址", "推荐方式", "结果", "表彰日期"]
    rows = body_rows(sheet)
    assert [(r[1], r[3], r[6], r[7]) for r in rows] == [
        (2024, "王建国", "获评文明家庭", "2024-12-01"),
        (2026, "王建国", "获评文明家庭", "2026-12-01"), (2026, "陈堃", "获评文明家庭", "2026-12-01"),
        (2026, NOT_CHOSEN, "未当选", None), (2026, "陶喆", "获评文明家庭", "2026-12-01"),
        (2026, "朱镕", "获评文明家庭", "2026-12-01")]  # by year, then address: 3, 5, 7, 12栋, then A栋
    assert rows[0][2] == "2024年度惠泉社区文明家庭评选" and rows[0][5] == "网格（第一网格）"
    assert_row_heights(sheet, len(rows))
    assert "文明家庭创建台账" in flat(file_text(pdf))
    one = tmp_path / "2024.xlsx"
    assert export(data.ws, "families", LedgerParams(year=2024), one) == 1
    assert "年度：2024年" in sheet_of(one)["A2"].value


def test_household_roster_masks_the_phone_and_searches(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    xlsx, pdf = export_both(data.ws, "households", LedgerParams(), tmp_path)
    sheet = sheet_of(xlsx)
    assert sheet["A1"].value == "惠泉社区家庭花名册"
    assert [c.value for c in sheet[3]] == ["序号", "户主", "住址", "家庭人口", "联系电话", "网格", "成员数", "备注"]
    rows = body_rows(sheet)
    assert rows[0][1:] == ("王建国", "3栋2单元501", 1, "138****8000", "第一网格", 0, None)
    assert ("陈堃", 2, "138****8000", 1) == (rows[1][1], rows[1][3], rows[1][4], rows[1][6])
    assert_row_heights(sheet, len(rows))
    assert "138****8000" in file_text(pdf) and "139****1111" in file_text(pdf)
    found = tmp_path / "检索.xlsx"
    assert export(data.ws, "households", LedgerParams(text="李秀英"), found) == 1  # by a member's name
    assert [r[1] for r in body_rows(sheet_of(found))] == ["陈堃"]


def test_campaign_ledgers_need_a_campaign(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for key in ("nominations", "review"):
        with pytest.raises(ValidationError, match="请选择一项评选"):
            export(data.ws, key, LedgerParams(), tmp_path / f"{key}.xlsx")
        assert not (tmp_path / f"{key}.xlsx").exists()


# --- the 公示 notice --------------------------------------------------------------------------------
def test_notice_lists_the_chosen_by_name_and_building(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "公示.pdf"
    assert export_family_print(data.ws, "notice", data.campaign, out) == 4
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    text = pages(out)[0]
    for expected in (f"关于{TITLE}结果的公示", "经居民推荐、评议小组评议，拟评定以下4户家庭为2026年度惠泉社区文明家庭，现予公示。",
                     "序号家庭所在楼栋", "1王建国家庭3栋", "2陈堃家庭5栋", "3陶喆家庭12栋", "4朱镕家庭A栋",
                     "公示时间：2026年11月23日至2026年11月29日（共7天）", "书面或当面向社区居委会反映",
                     "联系电话：0591-87654321", "特此公示。", "惠泉社区居民委员会", "2026年11月23日", "（盖章）"):
        assert expected in text, expected
    assert NOT_CHOSEN not in text
    for door in ("501", "301", "1102", "单元"):  # the building only, never the door
        assert door not in text, door
    assert "138" not in text and "第1页" not in text  # no phone of a household; one page: no page number


def test_a_long_notice_runs_on_over_pages_row_by_row(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        profile(s)
        homes = [household(s, f"户主{i:02d}", str(1 + i % 12), "1", f"{i + 1}01") for i in range(41)]
        cid = campaign_through(s, homes, 40, Stage.NOTICE)
    out = tmp_path / "公示.pdf"
    assert export_family_print(ws, "notice", cid, out) == 40
    texts = pages(out)
    assert len(texts) >= 2
    for number, text in enumerate(texts, 1):
        assert f"第{number}页共{len(texts)}页" in text
    whole = "".join(texts)
    for i in range(40):  # every row whole, on one page, once
        assert sum(f"户主{i:02d}家庭" in text for text in texts) == 1, i
    assert "户主40" not in whole  # the 41st was not chosen
    assert "特此公示。" in texts[-1] and "惠泉社区居民委员会" in texts[-1]
    assert texts[-1].index("家庭") < texts[-1].index("公示时间")  # the closing follows a row, never alone


def test_the_committee_is_named_from_the_profile(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        profile(s, name="惠泉社区居委会", phone="")
        who = issuer(s)
    assert (who.community, who.committee, who.phone) == ("惠泉社区", "惠泉社区居委会", "")
    with ws.write() as s:
        profile(s, name="惠泉社区居民委员会")
        assert issuer(s).committee == "惠泉社区居民委员会"
        profile(s, name="惠泉社区")
        assert issuer(s).committee == "惠泉社区居民委员会"


# --- 荣誉证书 ---------------------------------------------------------------------------------------
def test_plaques_one_landscape_page_per_chosen_household(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "证书.pdf"
    assert export_family_print(data.ws, "plaques", data.campaign, out) == 4
    reader = PdfReader(out)
    assert len(reader.pages) == 4
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    texts = pages(out)
    for name, text in zip(["王建国", "陈堃", "陶喆", "朱镕"], texts, strict=True):  # by address
        assert text.startswith("文明家庭"), text
        for expected in (f"{name}家庭：", "被评为2026年度惠泉社区文明家庭。", "特发此证，以资鼓励。",
                         "惠泉社区居民委员会", "2026年12月1日", "（盖章）"):
            assert expected in text, (name, expected)
    whole = file_text(out)
    assert NOT_CHOSEN not in whole and "第1页" not in "".join(texts)
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}  # type: ignore[index]
    assert fonts and all("+" in f for f in fonts)  # embedded subsets only


# --- refusals, masking, audit ---------------------------------------------------------------------
def test_documents_are_refused_before_their_stage(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        profile(s)
        homes = [household(s, "王建国"), household(s, "陈堃", "5", "1", "301")]
        reviewing = campaign_through(s, homes[:1], 1, Stage.REVIEW)
        on_notice = campaign_through(s, homes[1:], 1, Stage.NOTICE)
    folder = tmp_path / "out"
    out = folder / "x.pdf"
    with pytest.raises(ValidationError, match="评选进入公示阶段后才能打印公示") as early:
        export_family_print(ws, "notice", reviewing, out)
    assert "现在是评议阶段" in str(early.value)
    with pytest.raises(ValidationError, match="评选进入表彰阶段后才能打印荣誉证书"):
        export_family_print(ws, "plaques", reviewing, out)
    with pytest.raises(ValidationError, match="评选进入表彰阶段后才能打印荣誉证书"):
        export_family_print(ws, "plaques", on_notice, out)
    assert not folder.exists() or not list(folder.iterdir())
    assert export_family_print(ws, "notice", on_notice, out) == 1
    with pytest.raises(ValidationError, match="只能导出为 PDF"):
        export_family_print(ws, "notice", on_notice, folder / "公示.docx")
    with ws.read() as s:
        exports = [r.summary for r in query_audit(s, entity="campaigns", limit=None) if r.action == "export"]
    assert exports == ["导出「2026年度惠泉社区文明家庭评选」公示 → x.pdf (1 条)"]


def test_documents_need_the_community_name(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid = campaign_through(s, [household(s)], 1, Stage.NOTICE)
    with pytest.raises(ValidationError, match="社区名称"):
        export_family_print(ws, "notice", cid, tmp_path / "公示.pdf")


def test_no_print_shows_a_full_phone_and_each_is_audited(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    written = []
    for key, params in (("nominations", LedgerParams(campaign_id=data.campaign)),
                        ("review", LedgerParams(campaign_id=data.campaign)),
                        ("families", LedgerParams()), ("households", LedgerParams())):
        written += export_both(data.ws, key, params, tmp_path)
    for key in ("notice", "plaques"):
        written.append(tmp_path / f"{key}.pdf")
        export_family_print(data.ws, key, data.campaign, written[-1])
    for path in written:
        text = flat(file_text(path))
        assert PHONE not in text and "0013800" not in text, path.name
        assert "13900001111" not in text, path.name
    with data.ws.read() as s:
        exports = {r.summary for r in query_audit(s, limit=None) if r.action == "export"}
    assert {"导出推荐名单 → nominations.xlsx (5 条)", "导出推荐名单 → nominations.pdf (5 条)",
            "导出评议结果 → review.pdf (5 条)", "导出文明家庭创建台账 → families.xlsx (6 条)",
            "导出家庭花名册 → households.pdf (5 条)",
            f"导出「{TITLE}」公示 → notice.pdf (4 条)", f"导出「{TITLE}」荣誉证书 → plaques.pdf (4 条)"} <= exports


def test_prints_of_residents_need_a_signed_in_account(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with data.ws.write() as s:
        create_user(s, "admin", "林秀英", "admin", "admin-pass-1")
    data.ws.sign_out()
    folder = tmp_path / "out"
    with pytest.raises(PermissionDenied, match="请先登录"):
        export_family_print(data.ws, "notice", data.campaign, folder / "公示.pdf")
    with pytest.raises(PermissionDenied, match="请先登录"):
        export(data.ws, "households", LedgerParams(), folder / "花名册.xlsx")
    assert not folder.exists() or not list(folder.iterdir())
