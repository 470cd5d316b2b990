"""Both ledger writers, read back the way a user (or an inspector's Excel) would."""

import errno
import os
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.domain.errors import Cancelled, StorageError
from huiquan_desk.exports import ledger as ledger_module
from huiquan_desk.exports import pdf as pdf_module
from huiquan_desk.exports.fonts import MissingGlyphError
from huiquan_desk.exports.ledger import Column, Ledger
from huiquan_desk.exports.pdf import write_pdf
from huiquan_desk.exports.pdftext import NO_LINE_START, PdfText
from huiquan_desk.exports.xlsx import write_xlsx
from huiquan_desk.services import activities as svc
from huiquan_desk.services.activities import ActivityFilter
from huiquan_desk.services.exporting import export_activities
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
