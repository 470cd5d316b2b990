"""Reports for the town (镇文明办): the monthly report and the year annex gathered over records the
tests make (counts per category and month, volunteers and hours by team, campaigns with the
commended households by name only, grades, open and overdue rectifications), the PDF read back
with pypdf (title, sections, numbers, every font embedded, no phone), the workbook read back with
openpyxl (a sheet per section, headers, the numbers), an empty month, and the periods refused."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.domain.activity import ActivityStatus, NewAttachment
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.family import Stage
from huiquan_desk.services import assessment, rectifications, service_hours
from huiquan_desk.services import town_reports as tr
from huiquan_desk.services import volunteers as vsvc
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.town_reports import ReportPeriod
from tests.family_helpers import campaign_through, household
from tests.helpers import category_id, log_activity, make_image
from tests.volunteer_helpers import add_volunteer

TODAY = date(2025, 11, 15)  # the day the reports are made: October 2025 is over, 2025 still runs
OCTOBER = ReportPeriod("month", 2025, 10)
YEAR = ReportPeriod("year", 2025)
PHONE = "13812345678"
_made = itertools.count()


def photos(tmp_path: Path, n: int) -> list[NewAttachment]:
    return [NewAttachment(str(make_image(tmp_path / f"p{next(_made)}.jpg"))) for _ in range(n)]


def activity(ws, tmp_path, day: date, category: str, participants: int, n_photos: int = 0,  # type: ignore[no-untyped-def]
             title: str = "活动", **kw) -> int:
    with ws.read() as s:
        cid = category_id(s, category)
    return log_activity(ws, photos(tmp_path, n_photos), title=title, category_id=cid, participants=participants,
                        start=datetime(day.year, day.month, day.day, 9), **kw)


def served(ws, volunteer: int, day: date, minutes: int, entered: date | None = None) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        service_hours.add_supplement(s, service_hours.SupplementDraft(
            volunteer, day, minutes, title="楼道清扫", reason="当天签到表遗漏"), "李文",
            at=datetime.combine(entered or day, datetime.min.time()).replace(hour=18))


@pytest.fixture
def community(ws, tmp_path):  # type: ignore[no-untyped-def]
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
        teams = {t.name: t.id for t in vsvc.list_teams(s)}  # the default teams
        party, youth = teams["党员志愿服务队"], teams["青年志愿服务队"]
        v1 = add_volunteer(s, "林秀英", seq=1, registered_on=date(2025, 1, 10), team_id=party)
        v2 = add_volunteer(s, "王小红", seq=2, registered_on=date(2025, 10, 5), team_id=party)
        v3 = add_volunteer(s, "赵大勇", seq=3, registered_on=date(2024, 6, 1), team_id=youth)
        add_volunteer(s, "钱多多", seq=4, registered_on=date(2025, 11, 2))  # after October, in no team
        homes = [household(s, "王建国", phone=PHONE), household(s, "李梅", room="502"), household(s, "张强", room="503")]
        campaign_through(s, homes, chosen=2, until=Stage.COMMEND, year=2025)
        assessment.add_item(s, assessment.ChecklistDraft(
            "HJ-T1", "社会环境", "传统节日", points=10,
            rule='{"category_count": {"category": "传统节日", "n": 1, "per": "month"}}'))
        late = rectifications.create_rectification(s, rectifications.RectificationDraft(
            "宣传栏破损未更换", date(2025, 10, 10), deadline=date(2025, 10, 31), responsible="刘志强"))
        open_ = rectifications.create_rectification(s, rectifications.RectificationDraft(
            "楼道堆物", date(2025, 11, 3), deadline=date(2025, 11, 30)))
        closed = rectifications.create_rectification(s, rectifications.RectificationDraft(
            "路灯不亮", date(2025, 10, 2), deadline=date(2025, 10, 20)))
        for status in ("in_progress", "done"):
            rectifications.set_status(s, closed, status)
        rectifications.set_status(s, closed, "verified", verified_by="周敏", verified_on=date(2025, 10, 15))
    activity(ws, tmp_path, date(2025, 10, 6), "传统节日", 30, 2, title="重阳节敬老活动")
    activity(ws, tmp_path, date(2025, 10, 18), "传统节日", 45, title="重阳登高")
    activity(ws, tmp_path, date(2025, 10, 21), "法律法规宣传", 20, 1, title="民法典进社区", place="社区广场")
    activity(ws, tmp_path, date(2025, 3, 5), "法律法规宣传", 10, 1, title="学雷锋普法")
    activity(ws, tmp_path, date(2025, 10, 25), "卫生整治", 99, title="还没开展的大扫除", status=ActivityStatus.PLANNED)
    served(ws, v1, date(2025, 10, 8), 120)
    served(ws, v2, date(2025, 10, 12), 90)
    served(ws, v3, date(2025, 10, 20), 60)
    served(ws, v3, date(2025, 3, 15), 180)
    served(ws, v1, date(2025, 5, 6), 30, entered=date(2025, 6, 30))  # entered late
    return {"late": late, "open": open_, "closed": closed}


def gather(ws, period: ReportPeriod, today: date = TODAY) -> tr.TownReport:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return tr.gather_report(s, period, today)


def test_month_report_counts_activities_volunteers_campaigns_grades_and_rectifications(ws, tmp_path, community) -> None:
    report = gather(ws, OCTOBER)
    assert report.title == "惠泉社区文明创建工作月报（2025年10月）"
    a = report.activities
    lines = {c.name: (c.count, c.participants, c.without_photos) for c in a.by_category}
    assert lines == {"思想道德教育": (0, 0, 0), "宣传教育": (1, 20, 0), "社区秩序": (0, 0, 0), "社会环境": (2, 75, 1),
                     "文明创建": (0, 0, 0)}  # the planned one is not counted
    assert (a.total, a.participants, a.without_photos) == (3, 95, 1)
    assert [(x.day, x.title, x.category, x.participants, x.photos) for x in a.activities] == [
        (date(2025, 10, 6), "重阳节敬老活动", "社会环境/传统节日", 30, 2),
        (date(2025, 10, 18), "重阳登高", "社会环境/传统节日", 45, 0),
        (date(2025, 10, 21), "民法典进社区", "宣传教育/法律法规宣传", 20, 1)]
    v = report.volunteers
    assert (v.registered, v.new, v.active, v.records, v.minutes, v.hours) == (3, 1, 3, 3, 270, 4.5)
    assert [(t.name, t.members, t.active, t.records, t.minutes) for t in v.teams] == [
        ("党员志愿服务队", 2, 2, 2, 210), ("青年志愿服务队", 1, 1, 1, 60), ("社区志愿服务队", 0, 0, 0, 0),
        ("巾帼志愿服务队", 0, 0, 0, 0)]  # 钱多多, in no team, registered in November
    (campaign,) = report.campaigns
    assert (campaign.kind, campaign.stage_label, campaign.nominations, campaign.chosen) == ("文明家庭", "表彰", 3, 2)
    assert campaign.families == ("王建国家庭", "李梅家庭")
    (item,) = report.assessment.items
    assert (item.code, item.grade, item.score) == ("HJ-T1", "A", 10)
    r = report.rectifications
    assert [x.problem for x in r.open] == ["宣传栏破损未更换", "楼道堆物"]  # oldest deadline first
    assert r.overdue_ids == {community["late"]} and (r.found, r.verified) == (2, 1)
    (year,) = report.archives.years  # 2024's filing was due by June 30, 2025: not in October's report
    assert (year.year, year.items, year.unfiled_activities, year.unfiled_campaigns) == (2025, 0, 4, 1)


def test_a_month_without_the_festival_grades_lower(ws, tmp_path, community) -> None:
    (item,) = gather(ws, ReportPeriod("month", 2025, 9)).assessment.items
    assert (item.grade, item.score, item.problems) == ("B", 6.6, 1)
    assert "2025年9月：传统节日类活动 0 次" in item.first_problem


def test_year_annex_counts_per_month_and_category(ws, tmp_path, community) -> None:
    report = gather(ws, YEAR)
    a = report.activities
    assert report.title == "惠泉社区文明创建工作年度数据附表（2025年度）" and report.running
    assert a.categories == ("思想道德教育", "宣传教育", "社区秩序", "社会环境", "文明创建")
    months = {m.month: m.counts for m in a.by_month if m.total}
    assert months == {3: (0, 1, 0, 0, 0), 10: (0, 1, 0, 2, 0)}
    assert [m.month for m in a.by_month] == list(range(1, 13)) and a.activities == []
    v = report.volunteers
    assert (v.records, v.minutes, v.late, v.new) == (5, 480, 1, 3)
    hours = {m.month: (m.volunteers, m.records, m.minutes) for m in v.by_month if m.records}
    assert hours == {3: (1, 1, 180), 5: (1, 1, 30), 10: (3, 3, 270)}
    assert [(t.name, t.members, t.minutes) for t in v.teams] == [
        ("党员志愿服务队", 2, 240), ("青年志愿服务队", 1, 240), ("社区志愿服务队", 0, 0), ("巾帼志愿服务队", 0, 0),
        ("未分队", 1, 0)]


def test_pdf_reads_back_with_its_fonts_embedded_and_no_phone(ws, tmp_path, community) -> None:
    report = gather(ws, OCTOBER)
    from huiquan_desk.exports.town_report import write_town_report_pdf

    path = write_town_report_pdf(report, tmp_path / "月报.pdf")
    reader = PdfReader(path)
    text = "".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())
    assert "惠泉社区文明创建工作月报（2025年10月）" in flat
    for section in ("二、活动开展情况", "三、志愿服务情况", "四、评选表彰情况", "六、测评自查情况", "七、整改落实情况"):
        assert section in flat
    assert "本月开展活动3次，参与居民95人次，其中1次没有照片" in flat
    assert "服务时长合计4.5小时" in flat and "王建国家庭、李梅家庭" in flat and "民法典进社区" in flat
    for secret in ("张强", PHONE, "单元"):  # not chosen; a phone; an address
        assert secret not in flat, flat[max(0, flat.find(secret) - 80):flat.find(secret) + 40]
    assert "宣传栏破损未更换" in flat and "整改中" not in flat and "待整改（逾期15天）" in flat
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            target = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = target.get("/FontDescriptor")
            fonts.add((str(font["/BaseFont"]), descriptor is not None and "/FontFile2" in descriptor.get_object()))
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert reader.metadata is not None and reader.metadata.title == report.title


def test_year_pdf_has_the_monthly_chart_and_table(ws, tmp_path, community) -> None:
    from huiquan_desk.exports.town_report import write_town_report_pdf

    reader = PdfReader(write_town_report_pdf(gather(ws, YEAR), tmp_path / "附表.pdf"))
    flat = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert "图22025年度各月活动开展次数（按类别）" in flat and "（二）按月份统计" in flat
    assert "统计截至2025年11月15日" in flat


def test_workbook_has_a_sheet_per_section_with_the_numbers(ws, tmp_path, community) -> None:
    from huiquan_desk.exports.town_report import write_town_report_xlsx

    book = openpyxl.load_workbook(write_town_report_xlsx(gather(ws, YEAR), tmp_path / "附表.xlsx"))
    assert book.sheetnames == ["总体情况", "活动分类", "活动月度", "志愿服务", "服务月度", "评选表彰", "档案归档", "测评自查",
                               "整改问题"]
    sheet = book["活动月度"]
    assert sheet["A1"].value == "惠泉社区文明创建工作年度数据附表（2025年度）"
    assert [c.value for c in sheet[3]] == ["月份", "思想道德教育", "宣传教育", "社区秩序", "社会环境", "文明创建", "合计"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=4, max_row=16, values_only=True)}
    assert rows["10月"] == (0, 1, 0, 2, 0, 3) and rows["3月"] == (0, 1, 0, 0, 0, 1) and rows["合计"] == (0, 2, 0, 2, 0, 4)
    teams = {r[0]: r[1:] for r in book["志愿服务"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert teams["党员志愿服务队"] == (2, 2, 3, 4) and teams["合计"][3] == 8  # hours
    families = next(r for r in book["评选表彰"].iter_rows(min_row=4, values_only=True))
    assert families[-1] == "王建国家庭、李梅家庭"
    rect = [r for r in book["整改问题"].iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [r[1] for r in rect] == ["宣传栏破损未更换", "楼道堆物"]
    sheet = book["总体情况"]
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"
    assert sheet.column_dimensions["A"].width == 24 and sheet.row_dimensions[4].height


def test_month_workbook_lists_the_activities(ws, tmp_path, community) -> None:
    from huiquan_desk.exports.town_report import write_town_report_xlsx

    book = openpyxl.load_workbook(write_town_report_xlsx(gather(ws, OCTOBER), tmp_path / "月报.xlsx"))
    listed = [r for r in book["活动清单"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [(r[0], r[1], r[4], r[5]) for r in listed] == [
        ("2025-10-06", "重阳节敬老活动", 30, 2), ("2025-10-18", "重阳登高", 45, 0), ("2025-10-21", "民法典进社区", 20, 1)]


def test_a_month_with_nothing_says_so(ws, tmp_path, community) -> None:
    from huiquan_desk.exports.town_report import write_town_report_pdf, write_town_report_xlsx

    report = gather(ws, ReportPeriod("month", 2024, 2))
    assert report.activities.total == 0 and report.volunteers.records == 0 and not report.campaigns
    flat = "".join("".join(p.extract_text() for p in PdfReader(
        write_town_report_pdf(report, tmp_path / "空.pdf")).pages).split())
    assert "本月没有登记已开展的活动" in flat and "本月没有志愿服务记录" in flat and "2024年度没有开展文明家庭等评选" in flat
    book = openpyxl.load_workbook(write_town_report_xlsx(report, tmp_path / "空.xlsx"))
    notes = [r[0] for r in book["活动清单"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert "本月没有登记已开展的活动。" in notes


def test_export_writes_the_file_with_its_audit_entry(ws, tmp_path, community) -> None:
    report = tr.export_town_report(ws, OCTOBER, tmp_path / "out" / "月报.xlsx", today=TODAY)
    assert (tmp_path / "out" / "月报.xlsx").is_file() and report.activities.total == 3
    with ws.read() as s:
        entries = query_audit(s, entity="campaigns", text="镇文明办月报")
    assert [e.action for e in entries] == ["export"] and "2025年10月" in entries[0].summary
    with pytest.raises(ValidationError, match="格式"):
        tr.export_town_report(ws, OCTOBER, tmp_path / "月报.docx", today=TODAY)


@pytest.mark.parametrize(("text", "message"), [
    ("2026-13", "月份应在 1 到 12 之间"), ("2026/0", "月份应在 1 到 12 之间"), ("十一月", "不是月份"),
    ("2025-12", "2025年12月还没有到"), ("1900-01", "太早了"),
])
def test_months_refused(text, message) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        tr.month_period(text, TODAY)
    assert caught.value.problems[0].field == "月份"


def test_periods_accepted_and_years_refused() -> None:
    assert tr.month_period("2025-11", TODAY) == ReportPeriod("month", 2025, 11)  # the month running
    assert tr.month_period("2025年3月", TODAY).last == date(2025, 3, 31)
    assert tr.year_period("2024", TODAY).label == "2024年度"
    assert tr.last_month(date(2026, 1, 9)) == ReportPeriod("month", 2025, 12)
    with pytest.raises(ValidationError, match="2026年度还没有到") as caught:
        tr.year_period(2026, TODAY)
    assert caught.value.problems[0].field == "年度"
    with pytest.raises(ValidationError, match="不是年份"):
        tr.year_period("明年", TODAY)


def test_a_chart_label_the_font_cannot_draw_stops_the_export(ws, tmp_path, community) -> None:
    from huiquan_desk.exports.fonts import MissingGlyphError
    from huiquan_desk.exports.town_report import write_town_report_pdf
    from huiquan_desk.services.categories import rename_category

    with ws.write() as s:
        rename_category(s, category_id(s, "社会环境"), "社会环境ɐ")  # U+0250: not in the embedded font
    with pytest.raises(MissingGlyphError, match="ɐ"):
        write_town_report_pdf(gather(ws, OCTOBER), tmp_path / "月报.pdf")
    assert not (tmp_path / "月报.pdf").exists()
