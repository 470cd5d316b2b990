"""The archive prints of DA/T 22-2015, read back from the files: the 归档文件目录 (workbook and PDF,
a cover per series, nine columns, made-up titles in [ ], 8-digit dates, gaps and destroyed items
keeping their rows), the 盒脊 at their real spine widths, the 备考表, the 归档章 and the 照片目录
(with its audit entry: faces and names)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from huiquan_desk import cli
from huiquan_desk.domain.activity import PhotoCaption
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.exports.ledger import Column, Ledger
from huiquan_desk.exports.pdf import write_pdf
from huiquan_desk.exports.xlsx import write_xlsx
from huiquan_desk.paths import font_file
from huiquan_desk.services import archive_boxes as boxes
from huiquan_desk.services import archive_prints
from huiquan_desk.services import archives as items
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.services.exporting import export
from huiquan_desk.services.ledgers import LEDGERS, LedgerParams
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.storage.models import ArchiveItem
from tests.helpers import make_image

YEAR = 2025
HEADERS = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
A4_LANDSCAPE = (841.89, 595.28)
A4_PORTRAIT = (595.28, 841.89)


def squeeze(text: str) -> str:
    return "".join(text.split())


def _item(s, ws, title: str, retention: str, day: date, **more) -> int:  # type: ignore[no-untyped-def]
    files = more.pop("files", ())
    draft = items.ItemDraft(title=title, year=YEAR, retention=retention, day=day, author="惠泉社区居民委员会",
                            pages=more.pop("pages", 2), **more)
    return items.create_item(s, draft, ws.files, files)


@pytest.fixture
def fonds(ws, tmp_path):  # type: ignore[no-untyped-def]
    """2025: D30 items 0001–0005 (0002 made up with a photo, 0003 removed: a gap, 0004 destroyed),
    8 D10 items (one with two photos), one permanent item of 机构 BGS; boxes: seven of 20 mm and one
    of 50 mm for D10, 30 mm for D30, 40 mm for Y-BGS."""
    photo = make_image(tmp_path / "photo.jpg", "orange", (400, 300))
    caption = PhotoCaption(title="重阳节敬老活动（活动现场）", taken_at=datetime(YEAR, 10, 29, 9, 30), place="社区活动中心",
                           people="王秀兰（志愿者）、李建国（网格员）", photographer="陈晓燕", background="社区活动中心横幅")
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
        d30 = [
            _item(s, ws, "关于开展2025年度文明家庭评选的通知", "D30", date(YEAR, 3, 15), doc_number="惠居〔2025〕3号"),
            _item(s, ws, "重阳节敬老活动照片", "D30", date(YEAR, 10, 29), title_made_up=True, secrecy="内部",
                  files=[items.NewArchiveFile(str(photo), "photo", caption)]),
            _item(s, ws, "重复录入的一件", "D30", date(YEAR, 11, 1)),
            _item(s, ws, "平安志愿者治安巡逻", "D30", date(YEAR, 11, 20), remarks="活动记录"),
            _item(s, ws, "社区文化广场活动总结", "D30", date(YEAR, 12, 30)),
        ]
        d10 = [_item(s, ws, f"宣传栏更新（第{n}期）", "D10", date(YEAR, n, 10), pages=3,
                     files=[items.NewArchiveFile(str(make_image(tmp_path / f"{color}.jpg", color, (300, 400))), "photo",
                                                 caption) for color in ("blue", "green") if n == 1])
               for n in range(1, 9)]
        _item(s, ws, "办公室2025年度工作总结", "Y", date(YEAR, 12, 31), org="BGS", pages=6)
        for summary in items.series(s, YEAR):
            items.fix_numbers(s, summary.group)
        items.remove_item(s, d30[2], "重复归档，已并入 0001")
        s.get(ArchiveItem, d30[3]).destroyed_on = date(2026, 1, 5)
        s.flush()
        for n in range(7):
            boxes.new_box(s, [d10[n]], spine_mm=20)
        boxes.new_box(s, [d10[7]], spine_mm=50)
        d30_box = boxes.new_box(s, [d30[0], d30[1], d30[4]], spine_mm=30)
        boxes.update_box(s, d30_box, boxes.BoxDraft(30, "本盒文件齐全。0003 为空号，0004 已销毁。", "陈晓燕", date(2026, 3, 10),
                                                    "林秀英", date(2026, 3, 12)))
        bgs = items.list_items(s, YEAR, org="BGS")[0].id
        boxes.new_box(s, [bgs], spine_mm=40)
    return ws


# --- 归档文件目录 ------------------------------------------------------------------------------------------
def test_catalogue_workbook_has_a_cover_and_the_nine_columns_per_series(fonds, tmp_path: Path) -> None:
    out = tmp_path / "目录.xlsx"
    rows = export(fonds, "archive-catalog", LedgerParams(year=YEAR), out)
    assert rows == 8 + 5 + 1  # every 件号 has its row: the gap and the destroyed item included
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["封面 WS·2025-D10", "目录 WS·2025-D10", "封面 WS·2025-D30", "目录 WS·2025-D30",
                               "封面 WS·2025-Y-BGS", "目录 WS·2025-Y-BGS"]

    cover = {row[1]: row[2] for row in book["封面 WS·2025-D30"].iter_rows(values_only=True) if len(row) > 2}
    assert cover["全宗号："] == "0194"
    assert cover["全宗名称："] == "惠泉镇惠泉社区居民委员会"
    assert cover["年度："] == "2025"
    assert cover["保管期限："] == "定期30年"
    assert cover["机构(问题)："] in (None, "")
    bgs_cover = {row[1]: row[2] for row in book["封面 WS·2025-Y-BGS"].iter_rows(values_only=True) if len(row) > 2}
    assert (bgs_cover["保管期限："], bgs_cover["机构(问题)："]) == ("永久", "BGS")
    assert book["封面 WS·2025-D30"].page_setup.fitToHeight == 1  # the cover prints on one page of its own

    sheet = book["目录 WS·2025-D30"]
    assert [c.value for c in sheet[3]] == HEADERS
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    body = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)}
    assert [row[0] for row in body.values()] == [1, 2, 3, 4, 5]
    first, made_up, gap, destroyed, last = body.values()
    assert first[1:3] == ("0194-WS·2025-D30-0001", "惠居〔2025〕3号")
    assert first[6] is None  # 密级 blank
    assert made_up[2] is None and made_up[4] == "[重阳节敬老活动照片]" and made_up[6] == "内部"
    assert all(re.fullmatch(r"\d{8}", row[5]) for row in (first, made_up, destroyed, last))
    assert first[5] == "20250315"
    assert gap[1] == "0194-WS·2025-D30-0003" and gap[4] is None and gap[8] == "空号：重复归档，已并入 0001"
    assert destroyed[8] == "已销毁（2026-01-05）；活动记录" and destroyed[4] == "平安志愿者治安巡逻"
    heights = [sheet.row_dimensions[r].height for r in range(4, 9)]
    assert all(h and h >= 14 for h in heights), heights  # set, so LibreOffice prints wrapped rows whole
    assert "共 4 件，空号 1 个" in sheet["A2"].value


def test_catalogue_pdf_is_a4_landscape_with_a_cover_before_each_series(fonds, tmp_path: Path) -> None:
    out = tmp_path / "目录.pdf"
    export(fonds, "archive-catalog", LedgerParams(year=YEAR), out)
    reader = PdfReader(out)
    assert len(reader.pages) == 6  # three series, each a cover and a page of rows
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4_LANDSCAPE
    texts = [squeeze(page.extract_text()) for page in reader.pages]
    for cover in (texts[0], texts[2], texts[4]):
        assert "归档文件目录" in cover and "全宗名称：惠泉镇惠泉社区居民委员会" in cover and "0194" in cover
        assert "第1页" not in cover  # a cover has no page number
    assert "保管期限：定期30年" in texts[2] and "机构(问题)：BGS" in texts[4]
    table = texts[3]
    assert "0194-WS·2025-D30-0001" in table and "[重阳节敬老活动照片]" in table and "20250315" in table
    assert "空号：重复归档" in table and "已销毁（2026-01-05）" in table
    assert "第1页共1页" in table and "填表人：陈晓燕" in table
    assert squeeze("序号 档号 文号 责任者 题名 日期 密级 页数 备注") in table
    assert "0194-WS·2025-Y-BGS-0001" in texts[5]


def test_catalogue_of_one_retention_period_and_nothing_to_print(fonds, tmp_path: Path) -> None:
    out = tmp_path / "定期30年.xlsx"
    assert export(fonds, "archive-catalog", LedgerParams(year=YEAR, retention="D30"), out) == 5
    assert openpyxl.load_workbook(out).sheetnames == ["封面 WS·2025-D30", "目录 WS·2025-D30"]
    with pytest.raises(ValidationError, match="2024年度还没有固定件号的档案"):
        export(fonds, "archive-catalog", LedgerParams(year=2024), tmp_path / "x.pdf")
    with pytest.raises(ValidationError, match="请指定年度"):
        export(fonds, "archive-catalog", LedgerParams(), tmp_path / "x.pdf")
    with pytest.raises(ValidationError, match="保管期限"):
        export(fonds, "archive-catalog", LedgerParams(year=YEAR, retention="D20"), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    assert LEDGERS["archive-catalog"].params == ("year", "retention") and not LEDGERS["archive-catalog"].personal


def test_a_ledger_in_parts_counts_progress_over_all_its_rows(tmp_path: Path) -> None:
    """The generic part of exports.ledger: parts follow one another, progress runs once to the total."""
    columns = [Column("名称", lambda r: r, 20)]
    parts = [Ledger(f"第{n}部分", "", columns, [f"行{n}-{k}" for k in range(3)], 3, sheet_name=f"部分{n}")
             for n in (1, 2)]
    whole = Ledger("全部", "", columns, [], 6, parts=parts)
    calls: list[tuple[int, int]] = []
    write_xlsx(whole, tmp_path / "p.xlsx", lambda done, total: calls.append((done, total)))
    assert openpyxl.load_workbook(tmp_path / "p.xlsx").sheetnames == ["部分1", "部分2"]
    assert calls[-1] == (6, 6) and all(total == 6 for _done, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    pdf_calls: list[tuple[int, int]] = []
    write_pdf(whole, tmp_path / "p.pdf", lambda done, total: pdf_calls.append((done, total)))
    reader = PdfReader(tmp_path / "p.pdf")
    assert len(reader.pages) == 2 and "行2-2" in reader.pages[1].extract_text()
    assert pdf_calls[-1][0] == pdf_calls[-1][1] and [d for d, _ in pdf_calls] == sorted(d for d, _ in pdf_calls)


# --- 盒脊, 备考表, 归档章 --------------------------------------------------------------------------------------
def _rectangles(page) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    """(width, height) of every rectangle drawn on the page."""
    return [(round(float(ops[2]), 2), round(float(ops[3]), 2))
            for ops, op in page.get_contents().operations if op == b"re"]


def test_spine_labels_are_drawn_at_their_real_width_several_to_a_page(fonds, tmp_path: Path) -> None:
    out = tmp_path / "盒脊.pdf"
    assert archive_prints.export_box_labels(fonds, YEAR, out) == 10
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    height = round(260 * mm, 2)
    per_page = [[round(w / mm) for w, h in _rectangles(page) if h == height] for page in reader.pages]
    # seven 20 mm boxes: six fit across an A4 page (with room for the cut marks between them)
    assert per_page == [[20] * 6, [20, 50, 30, 40]]
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4_PORTRAIT
    text = squeeze(reader.pages[1].extract_text())
    for part in ("全宗号", "0194", "2025", "定期30年", "起止件号", "0001—0005", "0007至0007", "盒号", "机构(问题)", "BGS", "永久"):
        assert part in text, part
    assert text.count("盒号") == 4
    assert archive_prints.export_box_labels(fonds, YEAR, tmp_path / "d30.pdf", retention="D30") == 1


def test_box_sheets_one_page_per_box(fonds, tmp_path: Path) -> None:
    out = tmp_path / "备考表.pdf"
    assert archive_prints.export_box_sheets(fonds, YEAR, out, retention="D30") == 1
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = squeeze(reader.pages[0].extract_text())
    for part in ("备考表", "盒内文件情况说明", "本盒文件齐全。0003为空号，0004已销毁。", "整理人", "陈晓燕", "整理日期",
                 "2026年3月10日", "检查人", "林秀英", "检查日期", "2026年3月12日", "全宗号", "0194", "第1盒",
                 "0001—0005", "定期30年"):
        assert part in text, part
    assert archive_prints.export_box_sheets(fonds, YEAR, out) == 10
    assert len(PdfReader(out).pages) == 10
    with pytest.raises(ValidationError, match="2024年度还没有装盒的档案"):
        archive_prints.export_box_sheets(fonds, 2024, tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_stamps_one_per_item_kept_in_a_grid(fonds, tmp_path: Path) -> None:
    out = tmp_path / "归档章.pdf"
    count = archive_prints.export_stamps(fonds, YEAR, out)
    assert count == 8 + 3 + 1  # the gap has no item, the destroyed item needs no stamp
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    stamp = (round(45 * mm, 2), round(16 * mm, 2))
    assert _rectangles(reader.pages[0]).count(stamp) == count
    text = squeeze(reader.pages[0].extract_text())
    assert "0194-WS·2025-D30-0002" in text and "0194-WS·2025-D30-0004" not in text
    assert "0194-WS·2025-Y-BGS-0001" in text and "机构(问题)" in text
    with fonds.read() as s:
        chosen = [r.id for r in items.list_items(s, YEAR, retention="D10")][:2]
    assert archive_prints.export_stamps(fonds, YEAR, out, item_ids=chosen) == 2
    assert _rectangles(PdfReader(out).pages[0]).count(stamp) == 2


# --- 照片目录 --------------------------------------------------------------------------------------------------
def test_photo_catalogue_prints_every_photo_with_its_code_and_caption(fonds, tmp_path: Path) -> None:
    out = tmp_path / "照片目录.pdf"
    assert archive_prints.export_photo_catalogue(fonds, YEAR, out) == 3
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert len(reader.pages[0].images) == 3
    assert sum(op == b"Do" for _ops, op in reader.pages[0].get_contents().operations) == 3
    text = squeeze(reader.pages[0].extract_text())
    for part in ("照片目录", "档号：0194-WS·2025-D10-0001（第1张，共2张）", "档号：0194-WS·2025-D30-0002",
                 "人物：王秀兰（志愿者）、李建国（网格员）", "背景：社区活动中心横幅", "摄影者：陈晓燕", "时间：2025-10-2909:30",
                 "第1页共1页"):
        assert part in text, part
    with fonds.read() as s:
        logged = [row for row in query_audit(s, entity=archive_prints.ENTITY_PHOTOS) if row.action == "export"]
    assert len(logged) == 1 and "2025年度照片目录" in logged[0].summary and "照片目录.pdf" in logged[0].summary
    with pytest.raises(ValidationError, match="2024年度已编号的档案中没有照片"):
        archive_prints.export_photo_catalogue(fonds, 2024, tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


# --- the command line --------------------------------------------------------------------------------------
def test_command_line_exports(fonds, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data = str(fonds.data.root)
    fonds.close()
    for key in ("box-labels", "box-sheets", "stamps"):
        assert cli.main(["--data-dir", data, "export", key, "--year", str(YEAR), "--retention", "D30",
                         "-o", str(tmp_path / f"{key}.pdf")]) == 0
        assert PdfReader(tmp_path / f"{key}.pdf").pages
    assert cli.main(["--data-dir", data, "export", "archive-photos", "--year", str(YEAR),
                     "-o", str(tmp_path / "photos.pdf")]) == 0
    assert cli.main(["--data-dir", data, "export", "archive-catalog", "--year", str(YEAR), "--retention", "Y",
                     "--format", "xlsx", "-o", str(tmp_path / "目录.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "目录.xlsx").sheetnames == ["封面 WS·2025-Y-BGS", "目录 WS·2025-Y-BGS"]
    out = capsys.readouterr().out
    assert "已导出2025年度盒脊（1 盒）" in out and "已导出2025年度归档章（3 件）" in out and "照片目录（3 张照片）" in out
    assert cli.main(["--data-dir", data, "export", "stamps", "--year", "2024", "-o", str(tmp_path / "n.pdf")]) == 2
    assert "2024年度还没有固定件号的档案" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--data-dir", data, "export", "box-labels", "--year", str(YEAR), "--retention", "D20",
                  "-o", str(tmp_path / "n.pdf")])


# --- printed through LibreOffice ----------------------------------------------------------------------------
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


@pytest.mark.slow
def test_catalogue_workbook_prints_through_libreoffice(fonds, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (no soffice on PATH): Debian package libreoffice-calc-nogui")
    book = tmp_path / "目录.xlsx"
    export(fonds, "archive-catalog", LedgerParams(year=YEAR, retention="D30"), book)
    (tmp_path / "fonts.conf").write_text(FONTS_CONF.format(fonts=font_file().parent, cache=tmp_path / "fontcache"))
    (tmp_path / "home").mkdir()
    env = dict(os.environ, FONTCONFIG_FILE=str(tmp_path / "fonts.conf"), HOME=str(tmp_path / "home"))
    result = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                             "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(book)],
                            capture_output=True, text=True, env=env, timeout=300)
    printed = tmp_path / "pdf" / "目录.pdf"
    assert result.returncode == 0 and printed.is_file(), (result.stdout, result.stderr)
    reader = PdfReader(printed)
    assert len(reader.pages) == 2  # the cover sheet on a page of its own, then the catalogue
    cover, table = (squeeze(page.extract_text()) for page in reader.pages)
    assert "归档文件目录" in cover and "惠泉镇惠泉社区居民委员会" in cover and "定期30年" in cover
    assert "0194-WS" not in cover
    page = reader.pages[1]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    for part in ("0194-WS·2025-D30-0001", "[重阳节敬老活动照片]", "20250315", "空号：重复归档，已并入0001",
                 "已销毁（2026-01-05）", "第2页共2页"):
        assert part in table, part
