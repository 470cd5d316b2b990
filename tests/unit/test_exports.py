"""Both ledger writers, read back the way a user (or an inspector's Excel) would."""

from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.domain.errors import StorageError
from huiquan_desk.exports.fonts import MissingGlyphError
from huiquan_desk.exports.ledger import Column, Ledger
from huiquan_desk.exports.pdf import write_pdf
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
