"""Volunteer exports read back: roster, service ledger, monthly statistics, certificate register
(Excel and PDF) and the 志愿服务记录证明 PDF. Masking is checked in every file: the full ID and
phone appear nowhere except the certificate, which must carry the ID number in full."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.identity import age_on
from huiquan_desk.exports.fonts import MissingGlyphError
from huiquan_desk.services import activities as acts
from huiquan_desk.services.certificates import IssuerInfo, issue_certificate
from huiquan_desk.services.exporting import export_certificate, export_ledger
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.service_hours import SupplementDraft, add_supplement, record_attendance
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.volunteers import VolunteerDraft, create_volunteer, list_teams, set_star_thresholds
from tests.helpers import draft
from tests.unit.test_exports import embedded_fonts
from tests.volunteer_helpers import gb11643_check


def valid_id(first17: str) -> str:
    return first17 + gb11643_check(first17)


ZHU_ID = "11010519491231002X"  # 朱镕基 (女 by the sequence digit)
TAO_ID = "440524188001010014"  # 陶喆
WANG_ID = valid_id("35010219900101123")  # 王堃
LI_ID = valid_id("35010220000202456")  # 李四, no team
PHONES = {"朱镕基": "13812345678", "陶喆": "13987654321", "王堃": "15011112222"}
ISSUER = IssuerInfo("惠泉社区居民委员会", "王堃", "陶喆", "0591-12345678")
FULL = [ZHU_ID, TAO_ID, WANG_ID, LI_ID, *PHONES.values()]
# Written out, not computed by the code under test: ID keeps the first 6 and last 4, a mobile 3 and 4.
MASKED = {ZHU_ID: "110105********002X", TAO_ID: "440524********0014", WANG_ID: "350102********1238",
          LI_ID: "350102********4562", "13812345678": "138****5678", "13987654321": "139****4321",
          "15011112222": "150****2222"}
MASKED_IDS = [MASKED[n] for n in (ZHU_ID, TAO_ID, WANG_ID, LI_ID)]
MASKED_PHONES = [MASKED[p] for p in PHONES.values()]


@dataclass
class Data:
    ws: object
    zhu: int
    tao: int
    wang: int
    li: int
    party: str
    youth: str
    youth_id: int
    certificates: list


@pytest.fixture
def data(ws) -> Data:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", leader="王堃", preparer="陶喆"))
        set_star_thresholds(s, "1/2/3/4/5")  # so that a few hours already earn stars
        teams = list_teams(s)
        party, youth = teams[0], teams[1]

        def volunteer(name: str, id_number: str, team: int | None, **extra: object) -> int:
            return create_volunteer(s, VolunteerDraft(name=name, id_number=id_number, phone=PHONES.get(name, ""),
                                                      team_id=team, registered_on=date(2026, 1, 5), **extra))

        zhu = volunteer("朱镕基", ZHU_ID, party.id, area="惠泉小区3号楼", skills="书法", service_types="敬老助残",
                        political_status="中共党员")
        tao = volunteer("陶喆", TAO_ID, youth.id)
        wang = volunteer("王堃", WANG_ID, party.id)
        li = volunteer("李四", LI_ID, None)

        march = acts.create_activity(s, draft(s, title="学雷锋志愿服务", place="惠泉社区广场",
                                              start=datetime(2026, 3, 2, 9), end=datetime(2026, 3, 2, 11, 30),
                                              content="义务理发、量血压、清理楼道小广告。"), ws.files)
        record_attendance(s, march, {zhu: 150, tao: 120, wang: 90}, "陶喆", at=datetime(2026, 3, 2, 17))
        april = acts.create_activity(s, draft(s, title="清明祭英烈", start=datetime(2026, 4, 3, 9),
                                              end=datetime(2026, 4, 3, 11)), ws.files)
        # entered on 20 May: far more than 10 working days after the activity
        record_attendance(s, april, {zhu: 120, li: 60}, "陶喆", at=datetime(2026, 5, 20, 10))
        add_supplement(s, SupplementDraft(volunteer_id=wang, service_date=date(2026, 4, 15), minutes=90,
                                          title="垃圾分类入户宣传", place="惠泉小区", content="入户发放宣传册",
                                          reason="当天签到表遗漏"), "王堃", at=datetime(2026, 4, 16, 9))
        first = issue_certificate(s, zhu, date(2026, 1, 1), date(2026, 12, 31), ISSUER, "陶喆", date(2026, 11, 20))
        second = issue_certificate(s, wang, None, None, ISSUER, "陶喆", date(2026, 11, 21))
    return Data(ws, zhu, tao, wang, li, party.name, youth.name, youth.id, [first, second])


# --- reading files back ---------------------------------------------------------------------------
def xlsx_rows(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def xlsx_all_text(path: Path) -> str:
    """Every cell value of every sheet, and the raw text of every part of the package."""
    wb = openpyxl.load_workbook(path)
    cells = [str(v) for sheet in wb.worksheets for row in sheet.iter_rows(values_only=True) for v in row
             if v is not None]
    with zipfile.ZipFile(path) as package:
        raw = [package.read(name).decode("utf-8", "replace") for name in package.namelist()]
    return "\n".join(cells + raw)


def pdf_all_text(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(path)
    meta = [str(v) for v in (reader.metadata or {}).values()]
    return reader, "\n".join([page.extract_text() for page in reader.pages] + meta)


def flat(text: str) -> str:
    return "".join(text.split())


def all_text(path: Path) -> str:
    return xlsx_all_text(path) if path.suffix == ".xlsx" else pdf_all_text(path)[1]


def assert_masked(path: Path, masked: list[str]) -> None:
    text = all_text(path)
    squeezed = flat(text)
    for number in FULL:
        assert number not in squeezed, f"{path.name} shows {number} in full"
    for form in masked:
        assert form in text, f"{path.name} lacks {form}"


def assert_pdf_fonts_embedded(reader: PdfReader) -> None:
    fonts = embedded_fonts(reader)
    assert fonts and not any(f.startswith("NOT-EMBEDDED") for f in fonts), fonts
    assert any("WenQuanYi" in f for f in fonts)


# --- 志愿者花名册 ----------------------------------------------------------------------------------
def test_roster_xlsx(data, tmp_path) -> None:
    out = tmp_path / "花名册.xlsx"
    with data.ws.read() as s:
        assert export_ledger(s, "volunteers", LedgerParams(), out) == 4
    rows = xlsx_rows(out)
    assert rows[0][0] == "惠泉社区志愿者花名册"
    assert "惠泉社区" in rows[1][0] and "统计截至" in rows[1][0] and "共 4 人" in rows[1][0]
    headers = list(rows[2])
    assert headers == ["序号", "志愿者编号", "姓名", "性别", "年龄", "身份证号", "联系方式", "居住区域/楼栋",
                       "政治面貌", "所属队伍", "专业技能", "服务类别", "注册日期", "累计时长(小时)", "星级"]
    body = {r[2]: dict(zip(headers, r, strict=True)) for r in rows[3:7]}
    zhu = body["朱镕基"]
    assert zhu["身份证号"] == "110105********002X" and zhu["联系方式"] == "138****5678"
    assert zhu["性别"] == "女" and zhu["年龄"] == age_on(date(1949, 12, 31), date.today()) and "1949-12-31" not in str(zhu) and zhu["注册日期"] == "2026-01-05"
    assert zhu["所属队伍"] == data.party and zhu["政治面貌"] == "中共党员" and zhu["居住区域/楼栋"] == "惠泉小区3号楼"
    assert zhu["累计时长(小时)"] == 4.5 and zhu["星级"] == "四星"  # 150 + 120 minutes, thresholds 1/2/3/4/5
    assert body["王堃"]["累计时长(小时)"] == 3 and body["李四"]["累计时长(小时)"] == 1
    assert body["李四"]["联系方式"] in ("", None) and body["李四"]["所属队伍"] in ("", None)
    notes = " ".join(str(r[0]) for r in rows[7:] if r and r[0])
    assert "志愿者 4 人" in notes and "10.5 小时" in notes and "填表人：陶喆" in notes
    assert_masked(out, MASKED_IDS + MASKED_PHONES)


def test_roster_pdf_masks_and_prints_rare_names(data, tmp_path) -> None:
    out = tmp_path / "花名册.pdf"
    with data.ws.read() as s:
        export_ledger(s, "volunteers", LedgerParams(), out)
    reader, text = pdf_all_text(out)
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert "惠泉社区志愿者花名册" in text and "统计截至" in text
    for name in ("朱镕基", "陶喆", "王堃"):
        assert name in text, name
    assert "第 1 页 共 1 页" in text and "填表人：陶喆" in text
    assert_masked(out, MASKED_IDS + MASKED_PHONES)
    assert_pdf_fonts_embedded(reader)


def test_roster_filtered_by_team(data, tmp_path) -> None:
    out = tmp_path / "青年.xlsx"
    with data.ws.read() as s:
        assert export_ledger(s, "volunteers", LedgerParams(team_id=data.youth_id), out) == 1
    rows = xlsx_rows(out)
    assert f"队伍：{data.youth}" in rows[1][0]
    assert rows[3][2] == "陶喆" and not any(rows[4])  # one volunteer, then the blank row before the notes
    assert_masked(out, [MASKED[TAO_ID], MASKED[PHONES["陶喆"]]])


# --- 志愿服务记录台账 ------------------------------------------------------------------------------
def test_service_ledger_xlsx(data, tmp_path) -> None:
    out = tmp_path / "服务记录.xlsx"
    with data.ws.read() as s:
        assert export_ledger(s, "service-hours", LedgerParams(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)), out) == 6
    rows = xlsx_rows(out)
    assert rows[0][0] == "惠泉社区志愿服务记录台账"
    assert "2026年1月1日至2026年12月31日" in rows[1][0]
    headers = list(rows[2])
    assert headers == ["序号", "服务日期", "活动名称", "地点", "志愿者", "所属队伍", "服务时长(小时)", "服务内容",
                       "记录方式", "录入人", "录入时间", "是否逾期录入"]
    body = [dict(zip(headers, r, strict=True)) for r in rows[3:9]]
    assert [r["服务日期"] for r in body] == sorted(r["服务日期"] for r in body)  # date order
    assert sum(r["服务时长(小时)"] for r in body) == 10.5
    zhu_march = next(r for r in body if r["志愿者"].startswith("朱镕基") and r["服务日期"] == "2026-03-02")
    assert zhu_march["志愿者"] == "朱镕基（ZY20260001）" and zhu_march["服务时长(小时)"] == 2.5
    assert zhu_march["活动名称"] == "学雷锋志愿服务" and zhu_march["地点"] == "惠泉社区广场"
    assert zhu_march["记录方式"] == "随活动登记" and zhu_march["录入人"] == "陶喆"
    assert zhu_march["录入时间"] == "2026-03-02 17:00" and zhu_march["是否逾期录入"] in (None, "")
    supplement = next(r for r in body if r["活动名称"] == "垃圾分类入户宣传")
    assert supplement["记录方式"] == "补录（当天签到表遗漏）" and supplement["录入人"] == "王堃"
    assert supplement["服务时长(小时)"] == 1.5 and supplement["是否逾期录入"] in (None, "")
    late = [r for r in body if r["是否逾期录入"] == "逾期"]
    assert {r["志愿者"].split("（")[0] for r in late} == {"朱镕基", "李四"}
    assert all(r["活动名称"] == "清明祭英烈" for r in late)
    notes = " ".join(str(r[0]) for r in rows[9:] if r and r[0])
    assert "服务 6 人次" in notes and "总时长 10.5 小时" in notes and "其中补录 1 人次，1.5 小时" in notes
    assert "逾期录入 2 人次" in notes and "4 名志愿者" in notes
    assert_masked(out, [])


def test_service_ledger_pdf(data, tmp_path) -> None:
    out = tmp_path / "服务记录.pdf"
    with data.ws.read() as s:
        assert export_ledger(s, "service-hours", LedgerParams(date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)), out) == 3
    reader, text = pdf_all_text(out)
    squeezed = flat(text)
    assert "惠泉社区志愿服务记录台账" in text and "2026年4月1日至2026年4月30日" in text
    assert "补录（当天签到表遗漏）" in squeezed and squeezed.count("逾期") >= 2
    assert "学雷锋志愿服务" not in text  # March is outside the period
    assert "服务3人次，总时长4.5小时；其中补录1人次，1.5小时" in squeezed
    for name in ("朱镕基", "王堃"):
        assert name in text
    assert_masked(out, [])
    assert_pdf_fonts_embedded(reader)


# --- 志愿服务统计表 ---------------------------------------------------------------------------------
EXPECTED_STATS = [
    # team, month, volunteers, services, hours
    ("党员志愿服务队", "3月", 2, 2, 4),  # 朱镕基 150 + 王堃 90
    ("党员志愿服务队", "4月", 2, 2, 3.5),  # 朱镕基 120 + 王堃 补录 90
    ("青年志愿服务队", "3月", 1, 1, 2),
    ("未分队", "4月", 1, 1, 1),
    ("合计", "3月", 3, 3, 6),
    ("合计", "4月", 3, 3, 4.5),
]


def test_monthly_stats_xlsx(data, tmp_path) -> None:
    out = tmp_path / "统计.xlsx"
    with data.ws.read() as s:
        assert export_ledger(s, "monthly-stats", LedgerParams(year=2026), out) == 6
    wb = openpyxl.load_workbook(out)
    sheet = wb.active
    assert sheet.page_setup.orientation == "portrait"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "惠泉社区志愿服务统计表" and "2026年" in rows[1][0]
    assert list(rows[2]) == ["所属队伍", "月份", "服务人数", "服务人次", "服务时长(小时)"]
    assert (data.party, data.youth) == ("党员志愿服务队", "青年志愿服务队")
    assert [tuple(r) for r in rows[3:9]] == EXPECTED_STATS
    notes = " ".join(str(r[0]) for r in rows[9:] if r and r[0])
    assert "服务 6 人次" in notes and "10.5 小时" in notes
    assert_masked(out, [])


def test_monthly_stats_pdf(data, tmp_path) -> None:
    out = tmp_path / "统计.pdf"
    with data.ws.read() as s:
        export_ledger(s, "monthly-stats", LedgerParams(year=2026), out)
    reader, text = pdf_all_text(out)
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height  # portrait
    assert "惠泉社区志愿服务统计表" in text and "年度：2026年" in text
    squeezed = flat(text)
    at = squeezed.index("服务时长(小时)")
    for row in EXPECTED_STATS:  # every row, cells in column order, rows in order, 合计 last
        cells = "".join(str(v) for v in row)
        assert squeezed.find(cells, at) > at, cells
        at = squeezed.find(cells, at)
    assert_masked(out, [])
    assert_pdf_fonts_embedded(reader)


def test_monthly_stats_of_an_empty_year(data, tmp_path) -> None:
    out = tmp_path / "2025.xlsx"
    with data.ws.read() as s:
        assert export_ledger(s, "monthly-stats", LedgerParams(year=2025), out) == 0
    assert "服务 0 人次" in " ".join(str(r[0]) for r in xlsx_rows(out) if r and r[0])


# --- 志愿服务证明登记簿 -----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["xlsx", "pdf"])
def test_certificate_register(data, tmp_path, suffix) -> None:
    out = tmp_path / f"登记簿.{suffix}"
    with data.ws.read() as s:
        assert export_ledger(s, "certificate-register", LedgerParams(year=2026), out) == 2
    text = all_text(out)
    squeezed = flat(text)
    assert "惠泉社区志愿服务证明登记簿" in text and "2026年" in text
    assert "（2026）志证第0001号" in squeezed and "（2026）志证第0002号" in squeezed
    assert "2026年1月1日至2026年11月20日" in squeezed
    assert "截至2026年11月21日（全部服务记录）" in squeezed  # the second had no period
    assert_masked(out, [MASKED[ZHU_ID], MASKED[WANG_ID]])
    if suffix == "xlsx":
        rows = xlsx_rows(out)
        headers = list(rows[2])
        assert headers == ["序号", "证明编号", "出具日期", "姓名", "身份证号", "志愿者编号", "证明时段",
                           "服务时长(小时)", "服务次数", "经办人", "负责人", "出具人"]
        first = dict(zip(headers, rows[3], strict=True))
        assert first["证明编号"] == "（2026）志证第0001号" and first["出具日期"] == "2026-11-20"
        assert first["姓名"] == "朱镕基" and first["身份证号"] == "110105********002X"
        assert first["志愿者编号"] == "ZY20260001" and first["服务时长(小时)"] == 4.5 and first["服务次数"] == 2
        assert (first["经办人"], first["负责人"], first["出具人"]) == ("陶喆", "王堃", "陶喆")
        second = dict(zip(headers, rows[4], strict=True))
        assert second["姓名"] == "王堃" and second["服务时长(小时)"] == 3 and second["服务次数"] == 2
    else:
        reader = PdfReader(out)
        assert_pdf_fonts_embedded(reader)


def test_register_of_another_year_is_empty(data, tmp_path) -> None:
    out = tmp_path / "2025.xlsx"
    with data.ws.read() as s:
        assert export_ledger(s, "certificate-register", LedgerParams(year=2025), out) == 0
    assert "（2026）" not in xlsx_all_text(out)


# --- 志愿服务记录证明 -------------------------------------------------------------------------------
def test_certificate_pdf(data, tmp_path) -> None:
    out = tmp_path / "证明.pdf"
    with data.ws.read() as s:
        assert export_certificate(s, data.certificates[0].id, out) == out
    reader, text = pdf_all_text(out)
    squeezed = flat(text)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1  # A4 portrait
    assert "志愿服务记录证明" in squeezed
    for part in ("（一）志愿者身份信息", "（二）志愿服务信息", "（三）出具单位信息", "（四）其他"):
        assert part in squeezed, part
    assert squeezed.index("（一）") < squeezed.index("（二）") < squeezed.index("（三）") < squeezed.index("（四）")
    # identity: the ID number in full, only here
    assert ZHU_ID in squeezed and "居民身份证" in squeezed
    assert "朱镕基" in text and "ZY20260001" in squeezed and "性别女" in squeezed
    # service: period, hours, count, content
    assert "2026年1月1日至2026年11月20日" in squeezed
    assert "服务时长4.5小时" in squeezed and "服务次数2次" in squeezed
    assert "学雷锋志愿服务" in squeezed and "清明祭英烈" in squeezed
    # issuer, with places to sign and to stamp
    assert "出具单位惠泉社区居民委员会" in squeezed and "负责人王堃" in squeezed and "经办人陶喆" in squeezed
    assert "0591-12345678" in squeezed and squeezed.count("（签字）") == 2 and "（盖章）" in squeezed
    # other: number and date, top right and in part four
    assert squeezed.count("（2026）志证第0001号") >= 2 and "出具日期2026年11月20日" in squeezed
    assert "兹证明以上志愿服务记录真实有效。" in squeezed and "谁记录谁证明" in squeezed
    for phone in PHONES.values():  # the certificate has no use for the phone
        assert phone not in squeezed
    assert_pdf_fonts_embedded(reader)


def test_certificate_without_period_names_the_issue_date(data, tmp_path) -> None:
    out = tmp_path / "证明2.pdf"
    with data.ws.read() as s:
        export_certificate(s, data.certificates[1].id, out)
    squeezed = flat(pdf_all_text(out)[1])
    assert "王堃" in squeezed and WANG_ID in squeezed and "（2026）志证第0002号" in squeezed
    assert "截至2026年11月21日" in squeezed and "服务时长3小时" in squeezed
    assert "学雷锋志愿服务" in squeezed and "垃圾分类入户宣传" in squeezed  # 补录 hours count too


def test_certificate_is_pdf_only(data, tmp_path) -> None:
    folder = tmp_path / "out"
    with data.ws.read() as s, pytest.raises(ValidationError):
        export_certificate(s, data.certificates[0].id, folder / "证明.xlsx")
    assert not folder.exists()


def test_certificate_with_a_character_no_font_has(ws, tmp_path) -> None:
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区"))
        vid = create_volunteer(s, VolunteerDraft(name="𠀾人", id_number=TAO_ID, registered_on=date(2026, 1, 5)))
        add_supplement(s, SupplementDraft(volunteer_id=vid, service_date=date(2026, 3, 1), minutes=60, title="巡逻",
                                          reason="补登"), "陶喆", at=datetime(2026, 3, 2, 9))
        info = issue_certificate(s, vid, None, None, ISSUER, "陶喆", date(2026, 3, 3))
    folder = tmp_path / "out"
    folder.mkdir()
    with ws.read() as s, pytest.raises(MissingGlyphError) as err:
        export_certificate(s, info.id, folder / "证明.pdf")
    assert "U+2003E" in str(err.value) and "（2026）志证第0001号" in str(err.value)
    assert list(folder.iterdir()) == []  # no partial file


def test_text_inside_a_frame_never_overhangs() -> None:
    from huiquan_desk.exports.pdftext import NO_LINE_START, PdfText

    text = PdfText()
    content = "参加「惠泉社区学雷锋志愿服务」、「清明祭英烈」、「垃圾分类入户宣传」、「重阳节敬老爱老活动」等志愿服务共 12 次。" * 3
    for width in (100.0, 157.0, 211.0, 335.0):
        lines = text.wrap(content, width, 12, hang=False)
        assert "".join(lines).replace(" ", "") == content.replace(" ", "")  # nothing lost
        assert all(text.text_width(line, 12) <= width + 0.01 for line in lines), width
        assert not any(line[:1] in NO_LINE_START for line in lines[1:]), width
