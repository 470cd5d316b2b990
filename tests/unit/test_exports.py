"""Both ledger writers, read back the way a user (or an inspector's Excel) would."""

import errno
import math
import os
import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from huiquan_desk.domain.errors import Cancelled, StorageError, ValidationError
from huiquan_desk.exports import ledger as ledger_module
from huiquan_desk.exports import pdf as pdf_module
from huiquan_desk.exports.fonts import MissingGlyphError
from huiquan_desk.exports.ledger import Column, Ledger
from huiquan_desk.exports.pdf import write_pdf
from huiquan_desk.exports.pdftext import NO_LINE_START, PdfText
from huiquan_desk.exports.xlsx import write_xlsx
from huiquan_desk.services import activities as svc
from huiquan_desk.services.activities import ActivityFilter
from huiquan_desk.services.campaigns import list_campaigns
from huiquan_desk.services.exporting import export_activities, export_ledger, format_from_path
from huiquan_desk.services.ledgers import LEDGERS, LedgerParams
from huiquan_desk.services.settings import CommunityProfile, save_profile
from tests.helpers import category_id, draft

NAMES = ["朱镕基", "陶喆", "王堃"]


@pytest.fixture
def filled(ws):  # type: ignore[no-untyped-def]
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", leader="王堃",
                                         preparer="陶喆"))
        for i in range(60):
            svc.create_activity(s, draft(
                s, title=f"重阳节敬老活动第{i + 1}场", leader=NAMES[i % 3], start=datetime(2026, 1, 1, 9) + timedelta(days=i * 5),
                end=datetime(2026, 1, 1, 11) + timedelta(days=i * 5),
                content="走访慰问辖区高龄老人，送去慰问品。" * (1 + i % 4),
                remarks="=HYPERLINK(\"http://x\")" if i == 0 else ("-不是公式" if i == 1 else "")), ws.files)
        svc.create_activity(s, draft(s, title="普法宣传", category_id=category_id(s, "普法宣传"),
                                     start=datetime(2026, 3, 15, 9), end=datetime(2026, 3, 15, 10)), ws.files)
    return ws


def test_xlsx_activity_ledger(filled, tmp_path) -> None:
    out = tmp_path / "活动台账.xlsx"
    with filled.read() as s:
        n = export_activities(s, ActivityFilter(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31),
                                                category_id=category_id(s, "传统节日")), out)
    assert n == 60
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.title == "活动台账"
    assert ws["A1"].value == "惠泉社区活动台账"
    assert "2026年1月1日至2026年12月31日" in ws["A2"].value and "传统节日" in ws["A2"].value
    headers = [c.value for c in ws[3]]
    assert headers[:4] == ["序号", "活动时间", "活动名称", "活动类别"]
    assert "参与人数" in headers and "活动内容" in headers
    rows = list(ws.iter_rows(min_row=4, max_row=63, values_only=True))
    assert [r[0] for r in rows] == list(range(1, 61))
    assert rows[0][2] == "重阳节敬老活动第1场" and rows[0][1] == "2026-01-01 09:00–11:00"
    assert {r[headers.index("负责人")] for r in rows} == set(NAMES)
    assert all(isinstance(r[headers.index("参与人数")], int) for r in rows)
    remark = ws.cell(row=4, column=headers.index("备注") + 1)
    assert remark.data_type == "s" and remark.value.startswith("=HYPERLINK")  # text, not a formula
    assert ws.cell(row=5, column=headers.index("备注") + 1).value == "-不是公式"
    # printing: A4 landscape, header repeated, fit to width, page numbers, frozen header
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.print_title_rows == "$3:$3"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["I"].width > ws.column_dimensions["A"].width
    assert ws.cell(row=4, column=headers.index("活动内容") + 1).alignment.wrap_text
    last = [c.value for c in ws[ws.max_row]]
    assert "填表人：陶喆" in last[0] and "审核人" in last[0] and "日期" in last[0]


def pdf_text(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(path)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
            else:
                names.add("NOT-EMBEDDED:" + str(font["/BaseFont"]))
    return names


def test_pdf_activity_ledger(filled, tmp_path) -> None:
    out = tmp_path / "活动台账.pdf"
    with filled.read() as s:
        export_activities(s, ActivityFilter(), out)
    reader, text = pdf_text(out)
    pages = len(reader.pages)
    assert pages >= 2
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert abs(float(reader.pages[0].mediabox.width) - 841.89) < 1  # A4
    assert "惠泉社区活动台账" in text and "全部时间" in text
    for name in NAMES:
        assert name in text, name
    for n in range(1, pages + 1):
        page_text = reader.pages[n - 1].extract_text()
        assert f"第 {n} 页 共 {pages} 页" in page_text
        assert "活动名称" in page_text and "参与人数" in page_text  # header repeated on every page
    assert "重阳节敬老活动第60场" in text.replace("\n", "") and "普法宣传" in text
    assert "填表人：陶喆" in reader.pages[-1].extract_text()
    fonts = embedded_fonts(reader)
    assert fonts and not any(f.startswith("NOT-EMBEDDED") for f in fonts), fonts
    assert any("WenQuanYi" in f for f in fonts)


def _ledger(rows: list[dict]) -> Ledger:
    return Ledger("测试台账", "副标题", [Column("姓名", lambda r: r["name"], 10), Column("内容", lambda r: r["text"], 30)],
                  rows, len(rows), describe=lambda r: f"「{r['name']}」")


def test_pdf_stops_on_a_character_no_font_has(tmp_path) -> None:
    out = tmp_path / "x.pdf"
    rows = [{"name": "王堃", "text": "正常"}, {"name": "𠀾人", "text": "罕见字"}]  # U+2003E: Extension B
    with pytest.raises(MissingGlyphError) as err:
        write_pdf(_ledger(rows), out)
    assert "「𠀾人」" in str(err.value) and "U+2003E" in str(err.value)
    assert not out.exists() and list(tmp_path.iterdir()) == []  # no partial file


def test_pdf_wraps_long_text_across_pages(tmp_path) -> None:
    long = "社区志愿者入户走访，宣传垃圾分类知识。" * 200
    out = write_pdf(_ledger([{"name": "陶喆", "text": long}, {"name": "朱镕基", "text": "短"}]), tmp_path / "long.pdf")
    reader, text = pdf_text(out)
    assert len(reader.pages) >= 2
    assert text.replace("\n", "").count("宣传垃圾分类知识") == 200  # nothing dropped while wrapping
    assert "朱镕基" in text


def test_export_to_unwritable_folder_says_so(tmp_path) -> None:
    not_a_folder = tmp_path / "备份.txt"  # tests run as root, so a read-only mode would not stop us
    not_a_folder.write_text("x")
    with pytest.raises(StorageError) as err:
        write_xlsx(_ledger([{"name": "王堃", "text": "x"}]), not_a_folder / "a.xlsx")
    assert "无法写入" in str(err.value)
    assert [p.name for p in tmp_path.iterdir()] == ["备份.txt"]


def test_failed_export_keeps_the_previous_file(tmp_path) -> None:
    out = tmp_path / "a.pdf"
    out.write_bytes(b"previous")
    with pytest.raises(MissingGlyphError):
        write_pdf(_ledger([{"name": "𠀾", "text": ""}]), out)
    assert out.read_bytes() == b"previous"


# ---------------------------------------------------------------------------------------------
# Review findings: overprinting punctuation, long titles, cancelling while drawing, formula guard


@pytest.fixture
def drawn(monkeypatch) -> list[tuple[float, float, str, float]]:  # type: ignore[no-untyped-def]
    """Every string the PDF writers draw: (x, y, text, size)."""
    calls: list[tuple[float, float, str, float]] = []
    draw, draw_lines = PdfText.draw, PdfText.draw_lines

    def recording(self, canvas, x, y, text, size, mode=None):  # type: ignore[no-untyped-def]
        calls.append((x, y, text, size))
        draw(self, canvas, x, y, text, size, mode)

    def recording_lines(self, canvas, lines, size):  # type: ignore[no-untyped-def]
        lines = list(lines)
        calls.extend((x, y, text, size) for x, y, text in lines)
        draw_lines(self, canvas, lines, size)

    monkeypatch.setattr(PdfText, "draw", recording)
    monkeypatch.setattr(PdfText, "draw_lines", recording_lines)
    return calls


def _columns_x(ledger: Ledger) -> list[float]:
    """The column edges write_pdf uses (landscape A4)."""
    usable = 841.89 - pdf_module.MARGIN_LEFT - pdf_module.MARGIN
    xs = [pdf_module.MARGIN_LEFT]
    for width in ledger.widths:
        xs.append(xs[-1] + usable * width / sum(ledger.widths))
    return xs


def test_wrap_hangs_at_most_one_punctuation_mark() -> None:
    text = PdfText()
    for hang in (True, False):
        assert text.wrap("好" * 10 + "。！好好", 90, 9, hang=hang) == ["好" * 9, "好。！好好"]  # 好 comes down too
    run = "好" * 5 + "！" * 30 + "……”" * 5 + "。" * 40
    for hang, extra in ((True, 1), (False, 0)):
        lines = text.wrap(run, 90, 9, hang=hang)
        assert "".join(lines) == run
        assert all(text.text_width(line, 9) <= 90 + extra * 9 + 1e-6 for line in lines), lines
        # a line begins with punctuation only after one that has nothing but punctuation to give
        for before, line in zip(lines, lines[1:], strict=False):
            assert line[0] not in NO_LINE_START or set(before[1:]) <= NO_LINE_START, (before, line)


def test_pdf_punctuation_runs_stay_in_their_cell(tmp_path, drawn) -> None:
    cell_text = ["。" * 40, "好" * 5 + "！" * 30 + "……”" * 5]
    ledger = Ledger("标点台账", "副标题", [Column("内容", lambda r: r, 10), Column("备注", lambda r: "", 70)],
                    cell_text, len(cell_text), numbered=False)
    out = write_pdf(ledger, tmp_path / "p.pdf")
    xs = _columns_x(ledger)
    room = xs[1] - xs[0] - 2 * pdf_module.PAD
    assert 8 * 9 < room < 11 * 9  # about ten characters
    measure = PdfText()
    one_char = max(measure.text_width(c, pdf_module.BODY_SIZE) for c in "".join(cell_text))
    lines = [(x, t) for x, _y, t, size in drawn if set(t) <= set("".join(cell_text)) and size == pdf_module.BODY_SIZE]
    assert len(lines) >= 10
    for x, line in lines:
        assert xs[0] <= x < xs[1]
        assert measure.text_width(line, pdf_module.BODY_SIZE) <= room + one_char + 1e-6, line
    _reader, extracted = pdf_text(out)
    for char, count in (("。", 40), ("！", 30), ("…", 10), ("”", 5), ("好", 5)):
        assert extracted.count(char) == count, char


@pytest.mark.parametrize("repeat", [5, 12])  # 60 characters: set smaller; 144: wrapped as well
def test_pdf_long_title_and_subtitle_stay_on_the_page(tmp_path, drawn, repeat) -> None:
    title = "城门镇惠泉社区居民委员会" * repeat
    subtitle = ("单位：城门镇惠泉社区居民委员会第三网格    时间：2026年1月1日至2026年12月31日    类别：全部    " * 8)[:300]
    ledger = Ledger(title, subtitle, [Column("姓名", lambda r: r, 10)], ["王堃"], 1,
                    notes=["注：" + "备注文字很长，" * 60])
    out = write_pdf(ledger, tmp_path / "t.pdf")
    left, right = pdf_module.MARGIN_LEFT, 841.89 - pdf_module.MARGIN
    measure = PdfText()
    for x, _y, line, size in drawn:
        assert x >= left - 1e-6 and x + measure.text_width(line, size) <= right + 1e-6, (line, size)
    title_sizes = {size for _x, _y, line, size in drawn if line and set(line) <= set(title)}
    assert len(title_sizes) == 1 and pdf_module.TITLE_MIN_SIZE <= title_sizes.pop() < pdf_module.TITLE_SIZE
    title_lines = [line for _x, _y, line, size in drawn if set(line) <= set(title) and size > pdf_module.BODY_SIZE]
    assert "".join(title_lines) == title and (len(title_lines) > 1) == (repeat > 5)

    def squeeze(s: str) -> str:
        return "".join(s.split())

    _reader, extracted = pdf_text(out)
    for whole in (title, subtitle, ledger.notes[0]):
        assert squeeze(whole) in squeeze(extracted)
    assert extracted.index("王堃") > extracted.index("类别")  # the table starts below the subtitle


def test_pdf_cancel_while_drawing_leaves_no_file(tmp_path) -> None:
    rows = [{"name": f"志愿者{i}", "text": "入户走访，宣传垃圾分类知识。" * 3} for i in range(400)]
    calls: list[tuple[int, int]] = []
    layout_done = len(rows) * pdf_module.LAYOUT_UNITS

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done > layout_done:  # the first report from drawing
            raise Cancelled

    out = tmp_path / "a.pdf"
    with pytest.raises(Cancelled):
        write_pdf(_ledger(rows), out, progress)
    assert list(tmp_path.iterdir()) == []  # neither the file nor its .part
    assert (layout_done, calls[0][1]) in calls  # cancelled after the layout had finished …
    assert calls[-1][0] < calls[-1][1]  # … and before drawing had

    calls.clear()
    write_pdf(_ledger(rows), out, lambda done, total: calls.append((done, total)))
    dones = [done for done, _total in calls]
    assert {total for _done, total in calls} == {calls[-1][0]} and dones == sorted(dones)
    assert len([d for d in dones if layout_done < d < calls[-1][0]]) >= 5  # the bar moves while drawing
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_xlsx_title_notes_and_signature_are_never_formulas(tmp_path) -> None:
    title = '=HYPERLINK("http://x","惠泉社区")'
    ledger = Ledger(title, "=1+1 副标题", [Column("内容", lambda r: r, 10), Column("负责人", lambda r: "-", 8, "center")],
                    ["+86 电话"], 1, notes=["=SUM(A1:A9)", "@提醒", "#N/A"])
    out = write_xlsx(ledger, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(out).active
    texts = {"A1": title, "A2": "=1+1 副标题", "B4": "+86 电话", "C4": "-", "A6": "=SUM(A1:A9)", "A7": "@提醒",
             "A8": "#N/A"}
    for ref, value in texts.items():
        assert (ws[ref].data_type, ws[ref].value, ws[ref].quotePrefix) == ("s", value, True), ref
    assert ws["C4"].alignment.horizontal == "center"  # guarded, and still in its column's alignment
    assert ws["A9"].data_type == "s" and ws["A9"].value.startswith("填表人：")


def test_xlsx_cancelled_leaves_no_file(tmp_path) -> None:
    out = tmp_path / "a.xlsx"

    def cancel(_done: int, _total: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        write_xlsx(_ledger([{"name": "王堃", "text": "x"}] * 500), out, cancel)
    assert list(tmp_path.iterdir()) == []
    out.write_bytes(b"previous")
    with pytest.raises(Cancelled):
        write_xlsx(_ledger([{"name": "王堃", "text": "x"}]), out, cancel)
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"] and out.read_bytes() == b"previous"


def test_failure_right_after_creating_the_temp_file_leaves_no_part_file(tmp_path, monkeypatch) -> None:
    real_close = os.close

    def failing_close(fd: int) -> None:
        real_close(fd)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(ledger_module.os, "close", failing_close)
    with pytest.raises(StorageError):
        with ledger_module.atomic_output(tmp_path / "a.xlsx"):
            pytest.fail("the block must not run")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_pdf_table_draws_fallback_characters_in_place(tmp_path, drawn) -> None:
    from huiquan_desk.exports.fonts import PRIMARY, fonts

    if fonts().font_for("☑") in (None, PRIMARY) or fonts().font_for("♻") in (None, PRIMARY):
        pytest.skip("no fallback font with ☑ and ♻ on this machine")
    rows = [{"name": "王堃☑", "text": "已签到☑王堃♻，" * 8}]
    out = write_pdf(_ledger(rows), tmp_path / "f.pdf")
    reader, extracted = pdf_text(out)
    assert "".join(extracted.split()).count("已签到☑王堃♻") == 8 and "王堃☑" in extracted
    embedded = embedded_fonts(reader)
    assert len(embedded) >= 2 and not any(f.startswith("NOT-EMBEDDED") for f in embedded)  # primary + fallback
    assert any("☑" in line for _x, _y, line, _size in drawn)


# ---------------------------------------------------------------------------------------------
# Issue 9 (2, 10): Excel rows as tall as their wrapped text, every ledger printable as it looks;
# four-character names and room numbers on one line in the PDF.

LONG_CONTENT = "".join(f"第{i}段：社区志愿者入户走访辖区高龄老人、独居老人和困难家庭，宣传垃圾分类、反诈骗和消防安全知识，"
                       f"登记居民意见建议 {i} 条。" for i in range(1, 7))  # several hundred characters
NAME_HEADERS = {"姓名", "负责人", "录入人", "经办人", "出具人", "操作人", "户主"}
BODY_LINE = 10 * 1.45  # points a line of 10-point body text


def fill_print_community(workspace) -> None:  # type: ignore[no-untyped-def]
    """Every ledger of the registry with something in it: activities led by 欧阳娜娜 and 司马相如
    (one with LONG_CONTENT), volunteers living at 惠泉小区20/4栋 and 3-2-401 with service hours, a
    补录 with a long reason, a certificate handled by them, households headed by them in a 文明家庭
    campaign (LONG_CONTENT as deeds) carried to 表彰; the audit trail comes by itself."""
    from huiquan_desk.domain.family import Stage
    from huiquan_desk.services.archives import ItemDraft, create_item
    from huiquan_desk.services.certificates import IssuerInfo, issue_certificate
    from huiquan_desk.services.households import Member
    from huiquan_desk.services.service_hours import SupplementDraft, add_supplement, record_attendance
    from huiquan_desk.services.volunteers import VolunteerDraft, create_volunteer, list_teams
    from tests.family_helpers import campaign_through, household
    from tests.volunteer_helpers import gb11643_check

    leaders = ["欧阳娜娜", "司马相如", "王堃"]
    with workspace.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", leader="王堃",
                                         preparer="陶喆"))
        activity_ids = []
        for i in range(12):
            activity_ids.append(svc.create_activity(s, draft(
                s, title=f"文明实践活动第{i + 1}场", leader=leaders[i % 3],
                start=datetime(2026, 2, 1, 9) + timedelta(days=i * 7), end=datetime(2026, 2, 1, 11) + timedelta(days=i * 7),
                place="惠泉小区3-2-401" if i == 2 else "惠泉社区活动室",
                content=LONG_CONTENT if i == 4 else "走访慰问辖区高龄老人，送去慰问品。" * (1 + i % 3)), workspace.files))
        teams = list_teams(s)
        people = []
        for k, (name, area) in enumerate((("欧阳娜娜", "惠泉小区20/4栋"), ("司马相如", "惠泉小区3-2-401"), ("王堃", "惠泉新村12幢"))):
            first17 = f"35010219900101{k}2{k}"
            people.append(create_volunteer(s, VolunteerDraft(
                name=name, id_number=first17 + gb11643_check(first17), phone="13812345678", area=area,
                team_id=teams[k % 2].id, registered_on=date(2026, 1, 5))))
        record_attendance(s, activity_ids[1], {v: 120 for v in people}, "欧阳娜娜", at=datetime(2026, 2, 8, 17))
        add_supplement(s, SupplementDraft(volunteer_id=people[1], service_date=date(2026, 3, 1), minutes=90,
                                          title="垃圾分类入户宣传", place="惠泉小区20/4栋", content="入户发放宣传册，讲解分类方法。",
                                          reason="当天签到表遗漏，经带队干部核实后补录"), "司马相如",
                       at=datetime(2026, 3, 2, 9))
        issue_certificate(s, people[0], date(2026, 1, 1), date(2026, 12, 31),
                          IssuerInfo("惠泉社区居民委员会", "司马相如", "欧阳娜娜", "0591-12345678"), "欧阳娜娜",
                          date(2026, 11, 20))
        homes = [household(s, "欧阳娜娜", "20", "4", "401", phone="13812345678", remarks="惠泉小区20/4栋"),
                 household(s, "司马相如", "3", "2", "401", members=[Member("王堃", "子")])]
        campaign_through(s, homes, 1, Stage.COMMEND, deeds=[LONG_CONTENT])
        # the 归档文件目录: an item numbered 0001
        create_item(s, ItemDraft(title="文明家庭评选通知", year=2026, retention="D30", day=date(2026, 3, 5),
                                 doc_number="惠居〔2026〕1号", author="惠泉社区居民委员会", pages=3, number=1),
                    workspace.files)
        # the 销毁清册: a 2010 D10 item destroyed and one kept, appraised by 欧阳娜娜 and 司马相如
        from huiquan_desk.services import destruction

        old = [create_item(s, ItemDraft(title=title, year=2010, retention="D10", pages=2, number=n), workspace.files)
               for n, title in ((1, "2010年居民会议记录"), (2, "2010年停水通知"))]
        round_id = destruction.start_round(s, 2020, ["欧阳娜娜（书记）"], ["司马相如"])
        destruction.decide(s, round_id, old[0], "keep", LONG_CONTENT[:200], date.today().year + 5)
        destruction.decide(s, round_id, old[1], "destroy")
        destruction.finish_round(s, workspace.files, round_id, date(2026, 11, 20))
        # the 整改台账 and 测评自查表: the default checklist and a rectification of 欧阳娜娜's, long and overdue
        from huiquan_desk.services.assessment import list_items, seed_checklist
        from huiquan_desk.services.rectifications import RectificationDraft, create_rectification

        seed_checklist(s)
        create_rectification(s, RectificationDraft(LONG_CONTENT[:300], date(2026, 3, 2), "督查", list_items(s)[0].id, 2,
                                                   "欧阳娜娜", date(2026, 3, 31), "已联系物业，正在整改。"))
        # the 责任分解表: the 2026 plan from the template, its 责任 columns held by 欧阳娜娜 and 司马相如
        from huiquan_desk.services.plans import create_plan

        create_plan(s, 2026, names={"社区书记": "欧阳娜娜", "社区主任": "欧阳娜娜", "宣传委员": "司马相如"})


def community_params(session, key: str) -> LedgerParams:  # type: ignore[no-untyped-def]
    """Everything of the print community: a campaign's ledgers print its campaign."""
    if "campaign_id" in LEDGERS[key].params:
        return LedgerParams(campaign_id=list_campaigns(session)[0].id)
    if key == "archive-catalog":
        return LedgerParams(year=2026)
    if key == "responsibilities":
        return LedgerParams(year=2026)
    if key in ("rectifications", "checklist"):
        return LedgerParams(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    if key == "destruction-list":
        from huiquan_desk.services.destruction import list_rounds

        return LedgerParams(round_id=list_rounds(session)[0].id)
    return LedgerParams()


@pytest.fixture
def community(ws):  # type: ignore[no-untyped-def]
    fill_print_community(ws)
    return ws


def expected_lines(text: str, width: float) -> int:
    """Lines of `text` in an Excel column `width` units wide, by the rule written out per character:
    a line holds width − 0.5 units; text of nothing but ASCII takes 1 unit a character, any other
    text 2 a CJK character and 1.2 an ASCII one, in whole CJK characters a line."""
    room = width - 0.5
    lines = 0
    for part in text.split("\n"):
        if part.isascii():
            lines += max(1, math.ceil(len(part) / math.floor(room)))
        else:
            fifths = sum(6 if c.isascii() else 10 for c in part)  # in fifths of a unit
            lines += max(1, math.ceil(fifths / (10 * math.floor(room / 2))))
    return lines


def test_xlsx_rows_are_as_tall_as_their_wrapped_text(tmp_path) -> None:
    rows = [("欧阳娜娜", "短", "2026-03-05"),
            ("王堃", "好" * 100, ""),  # 200 units, 14 characters a line: 8 lines
            ("司马相如", "第一行\n第二行\n第三行", ""),
            ("陶喆", "a" * 60, ""),  # ASCII: 29 a line
            ("朱镕基", "=" + "好" * 40, ""),  # guarded as text, measured all the same: 81.2 units, 3 lines
            ("欧阳娜娜娜", "", ""),  # five characters: two lines in a name column
            ("李四", "好" * 2000, "")]  # taller than Excel allows
    subtitle = "单位：惠泉镇惠泉社区    全宗号：0194    " + "时间：2026年1月1日至2026年12月31日    " * 2
    ledger = Ledger("惠泉社区测试台账", subtitle,
                    [Column("负责人", lambda r: r[0], 7, "center", min_chars=4), Column("内容", lambda r: r[1], 30),
                     Column("日期", lambda r: r[2], 11)],
                    rows, len(rows), notes=["注：" + "备注文字很长，" * 20])
    out = write_xlsx(ledger, tmp_path / "h.xlsx")
    sheet = openpyxl.load_workbook(out).active
    assert sheet.column_dimensions["B"].width == 8.5  # 负责人: four characters and the cell's margins
    heights = [sheet.row_dimensions[r].height for r in range(4, 4 + len(rows))]
    assert heights == [BODY_LINE, 8 * BODY_LINE, 3 * BODY_LINE, 3 * BODY_LINE, 3 * BODY_LINE, 2 * BODY_LINE, 409]
    assert sheet.cell(row=8, column=3).value == "=" + "好" * 40 and sheet.cell(row=8, column=3).quotePrefix
    # title (16 pt), subtitle wrapped over the whole table (5 + 8.5 + 30 + 11 = 54.5 units: 27 characters a line)
    assert sheet.row_dimensions[1].height == pytest.approx(16 * 1.45)
    assert expected_lines(subtitle, 54.5) > 1
    assert sheet.row_dimensions[2].height == pytest.approx(expected_lines(subtitle, 54.5) * BODY_LINE)
    assert sheet.row_dimensions[3].height == BODY_LINE
    notes_row = 4 + len(rows) + 1
    assert sheet.cell(row=notes_row, column=1).value.startswith("注：")
    assert sheet.row_dimensions[notes_row].height == pytest.approx(expected_lines(ledger.notes[0], 54.5) * BODY_LINE)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:D1", "A2:D2", f"A{notes_row}:D{notes_row}", f"A{notes_row + 1}:D{notes_row + 1}"} <= merged
    for ref in ("A1", "A2", f"A{notes_row}", f"A{notes_row + 1}"):
        assert sheet[ref].alignment.wrap_text, ref


@pytest.mark.parametrize("key", list(LEDGERS))
def test_every_xlsx_ledger_prints_each_row_whole(community, tmp_path, key) -> None:
    """Every ledger of the registry: each body row as tall as its most wrapped cell (at least one
    line), name columns four characters wide, A4 in the ledger's orientation, fit to the page width,
    the header row repeated on every page."""
    out = tmp_path / f"{key}.xlsx"
    with community.read() as s:
        count = export_ledger(s, key, community_params(s, key), out)
    assert count > 0
    sheet = openpyxl.load_workbook(out).active
    headers = [c.value for c in sheet[3]]
    widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, len(headers) + 1)]
    for header, width in zip(headers, widths, strict=True):
        if header in NAME_HEADERS:
            assert width >= 8.5, header
    for r in range(4, 4 + count):
        values = [c.value for c in sheet[r]]
        lines = max(expected_lines(v, w) if isinstance(v, str) and v else 1 for v, w in zip(values, widths, strict=False))
        assert sheet.row_dimensions[r].height == pytest.approx(min(lines * BODY_LINE, 409)), (r, values)
    assert sheet.row_dimensions[3].height >= BODY_LINE
    assert str(sheet.page_setup.paperSize) == "9"
    assert sheet.page_setup.orientation == ("landscape" if LEDGERS[key].landscape else "portrait")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0 and sheet.print_title_rows == "$3:$3"


def test_xlsx_long_content_row_holds_all_its_lines(community, tmp_path) -> None:
    out = tmp_path / "a.xlsx"
    with community.read() as s:
        export_ledger(s, "activities", LedgerParams(), out)
    sheet = openpyxl.load_workbook(out).active
    headers = [c.value for c in sheet[3]]
    column = headers.index("活动内容") + 1
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(row=r, column=column).value == LONG_CONTENT)
    lines = expected_lines(LONG_CONTENT, sheet.column_dimensions[get_column_letter(column)].width)
    assert 15 <= lines and lines * BODY_LINE < 409
    assert sheet.row_dimensions[row].height == pytest.approx(lines * BODY_LINE)


def pdf_lines(path: Path) -> list[str]:
    return [line for page in PdfReader(path).pages for line in page.extract_text().split("\n")]


@pytest.mark.parametrize("key", ["activities", "volunteers", "service-hours", "certificate-register", "nominations",
                                 "review", "families", "households"])
def test_pdf_four_character_names_stay_on_one_line(community, tmp_path, key) -> None:
    out = tmp_path / f"{key}.pdf"
    with community.read() as s:
        export_ledger(s, key, community_params(s, key), out)
    lines = pdf_lines(out)
    for name in ("欧阳娜娜", "司马相如"):
        assert any(name in line for line in lines), name
        for line in lines:  # never 欧阳娜 on one line and 娜 on the next
            if name[:2] in line:
                assert name in line, (name, line)


def test_name_columns_hold_four_characters_in_every_ledger() -> None:
    from huiquan_desk.domain.family import ReviewMethod
    from huiquan_desk.exports import activity_ledger, audit_ledger, family_ledgers, volunteer_ledgers

    declared = {"activities": activity_ledger.COLUMNS, "roster": volunteer_ledgers.ROSTER_COLUMNS,
                "service": volunteer_ledgers.SERVICE_COLUMNS, "register": volunteer_ledgers.REGISTER_COLUMNS,
                "audit": audit_ledger.COLUMNS, "nominations": family_ledgers.NOMINATION_COLUMNS,
                "review": family_ledgers.review_columns(ReviewMethod.VOTE), "families": family_ledgers.FAMILY_COLUMNS,
                "households": family_ledgers.HOUSEHOLD_COLUMNS}
    text = PdfText()
    for name, columns in declared.items():
        ledger = Ledger("台账", "", columns, [], 0)
        widths = pdf_module.column_widths(ledger, text, 841.89 - pdf_module.MARGIN_LEFT - pdf_module.MARGIN)
        assert sum(widths) == pytest.approx(841.89 - pdf_module.MARGIN_LEFT - pdf_module.MARGIN)
        named = [i for i, h in enumerate(ledger.headers) if h in NAME_HEADERS]
        assert named, name
        for i in named:
            assert ledger.columns[i - 1].min_chars >= 4 and ledger.widths[i] >= 8.5, (name, ledger.headers[i])
            for person in ("欧阳娜娜", "司马相如"):
                assert text.wrap(person, widths[i] - 2 * pdf_module.PAD, pdf_module.BODY_SIZE) == [person]


RUN = re.compile(r"[A-Za-z0-9]+(?:[/\-.:][A-Za-z0-9]+)*")


@pytest.mark.parametrize("hang", [True, False])
def test_wrap_keeps_runs_of_letters_and_digits_whole(hang) -> None:
    text = PdfText()
    samples = ["惠泉小区20/4栋", "住惠泉小区3-2-401室", "活动日期2026-03-05，地点惠泉社区", "时间9:30至11:00。",
               "Room A-12/3b。", "共计12345678901234567890人"]
    for sample in samples:
        for width in range(12, 160):
            lines = text.wrap(sample, width, 9, hang=hang)
            assert "".join(lines) == sample.replace(" ", "") or " ".join(lines) == sample, (sample, width, lines)
            for run in RUN.findall(sample):
                if text.text_width(run, 9) <= width:
                    assert any(run in line for line in lines), (sample, width, run, lines)


def test_pdf_roster_keeps_room_numbers_whole(community, tmp_path) -> None:
    out = tmp_path / "花名册.pdf"
    with community.read() as s:
        export_ledger(s, "volunteers", LedgerParams(), out)
    lines = pdf_lines(out)
    assert any("20/4" in line for line in lines) and any("3-2-401" in line for line in lines), lines
    assert not any(line.endswith(("20/", "20", "3-2-", "3-2-40")) for line in lines), lines


def test_the_format_and_the_file_name_must_agree(tmp_path) -> None:
    assert format_from_path(tmp_path / "台账.PDF") == "pdf" and format_from_path(tmp_path / "台账", "xlsx") == "xlsx"
    assert format_from_path(tmp_path / "台账.xlsx", "XLSX") == "xlsx"
    with pytest.raises(ValidationError, match=r"要导出的是 PDF，文件名却以 \.xlsx 结尾"):
        format_from_path(tmp_path / "月报.xlsx", "pdf")
    with pytest.raises(ValidationError, match="只能导出为 PDF 或 Excel"):
        format_from_path(tmp_path / "台账.docx")


def test_what_a_killed_export_left_is_cleared_by_the_next_one(tmp_path) -> None:
    stale, fresh, other = (tmp_path / ".台账-k1x2y3z4.xlsx.part", tmp_path / ".台账-a1b2c3d4.xlsx.part",
                          tmp_path / ".台账-2025-k3m4n5p6.xlsx.part")  # the last: another export's (台账-2025.xlsx)
    for leftover in (stale, fresh, other):
        leftover.write_bytes(b"half a workbook")
    old = time.time() - ledger_module.STALE_SECONDS - 60
    for leftover in (stale, other):
        os.utime(leftover, (old, old))
    with ledger_module.atomic_output(tmp_path / "台账.xlsx") as staged:
        staged.write_bytes(b"done")
    assert not stale.exists()  # killed long ago: gone
    assert fresh.exists() and other.exists()  # maybe still being written; another file's
    assert (tmp_path / "台账.xlsx").read_bytes() == b"done"


def test_the_notes_never_go_alone_on_a_page_under_a_bare_header(tmp_path) -> None:
    """However many rows, the last page holds a row with the notes and the signature line (the
    测评自查表's 合计得分 once went alone onto a page of a repeated header)."""
    notes = ["合计得分：57.3 / 90 分", "等级按问题数评定，得分 = 等级比例 × 分值。"] * 3
    for n in range(20, 60):
        ledger = Ledger(title="测试台账", subtitle="评定时段：2026年", columns=[Column("名称", lambda r: r, 30)],
                        rows=[f"第{i:02d}行" for i in range(n)], row_count=n, describe=str, preparer="陈晓燕", notes=notes)
        pages = PdfReader(write_pdf(ledger, tmp_path / f"{n}.pdf")).pages
        last = pages[-1].extract_text()
        assert "合计得分" in last and re.search(r"第\d\d行", last), (n, len(pages))
        assert all(re.search(r"第\d\d行", page.extract_text()) for page in pages), n
