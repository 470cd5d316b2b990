"""The fast paths of bench/README.md keep the results of the slow ones.

- Excel export (exports/xlsx.py) goes through two openpyxl internals: if openpyxl changes them,
  these tests say which one and why openpyxl is pinned (pyproject.toml).
- Excel import reads with python-calamine when it reads the file exactly as openpyxl does
  (services/excel_import.py): the same file through both readers gives the same values, and the
  files calamine would read differently go to openpyxl.
- The activity page's first block of a search (services.activities.query_ids with `limit`) is
  always the beginning of the whole list.

No timings here: speed is measured by bench/run.py.
"""

from __future__ import annotations

import random
import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import insert

from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.exports import xlsx
from huiquan_desk.exports.ledger import Column, Ledger
from huiquan_desk.services import activities as svc
from huiquan_desk.services import excel_import
from huiquan_desk.services.activities import ActivityFilter, query_ids
from huiquan_desk.services.activity_import import import_activities
from huiquan_desk.services.excel_import import read_rows, same_values
from huiquan_desk.storage.models import Activity
from tests.helpers import category_id

# ---------------------------------------------------------------- Excel export: openpyxl internals

PIN = (f"openpyxl {openpyxl.__version__} changed {{what}}, which exports/xlsx.py relies on: {{why}}. "
       "pyproject.toml pins openpyxl>=3.1.5,<3.2 because of this fast path (through the public API a "
       "10,000-row ledger costs 2.5-4.3x the write-only floor, target 1.3x). Adapt _BodyRows/_BodyCell to "
       "this openpyxl and re-measure (python bench/run.py --only export), or write the body rows through "
       "the public API and accept the slower export.")


def _pin(what: str, why: str) -> str:
    return PIN.format(what=what, why=why)


def test_openpyxl_calls_values_to_row_for_every_appended_row(tmp_path: Path) -> None:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("x")
    assert isinstance(ws, WriteOnlyWorksheet)
    why = "_BodyRows replaces it on our sheet to skip openpyxl's per-value conversion of cells we pass"
    assert callable(getattr(ws, "_values_to_row", None)), _pin("WriteOnlyWorksheet._values_to_row (gone)", why)
    seen: list[tuple[object, int]] = []
    normal = ws._values_to_row

    def spy(values, row_idx):  # type: ignore[no-untyped-def]
        seen.append((values, row_idx))
        return normal(values, row_idx)

    ws._values_to_row = spy
    first, second = ["a", 1], ["b", 2]
    ws.append(first)
    ws.append(second)
    workbook.save(tmp_path / "spy.xlsx")
    assert seen == [(first, 1), (second, 2)], _pin(
        "how WriteOnlyWorksheet.append uses _values_to_row (no longer called per row with (values, row_idx))", why)


def _styled_ledger() -> Ledger:
    rows = [("普通文字", 30, "=1+1"), ("#N/A", 2.5, None), ("-不是公式", None, "右对齐")]
    return Ledger(title="惠泉社区活动台账", subtitle="单位：惠泉社区",
                  columns=[Column("名称", lambda r: r[0], 20), Column("人数", lambda r: r[1], 8, "right"),
                           Column("备注", lambda r: r[2], 12, "center")],
                  rows=rows, row_count=len(rows))


def test_openpyxl_writes_the_cells_values_to_row_yields_with_their_style_id(tmp_path: Path) -> None:
    why = ("_BodyCell carries a style id registered once per column style, and the writer must read "
           "has_style/style_id from the cells _values_to_row yields")
    out = xlsx.write_xlsx(_styled_ledger(), tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(out).active
    body = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows(min_row=4, max_row=6)]
    assert body == [[(1, "n"), ("普通文字", "s"), (30, "n"), ("=1+1", "s")],
                    [(2, "n"), ("#N/A", "s"), (2.5, "n"), (None, "n")],
                    [(3, "n"), ("-不是公式", "s"), (None, "n"), ("右对齐", "s")]], _pin("what the writer writes", why)
    for row in ws.iter_rows(min_row=4, max_row=6):
        for cell in row:
            if cell.value is None:
                continue
            style = (cell.font.name, cell.font.sz, cell.border.left.style, cell.alignment.vertical,
                     cell.alignment.wrap_text)
            assert style == (xlsx.FONT_NAME, 10, "thin", "top", True), _pin(
                f"the style of cell {cell.coordinate} (the writer did not use _BodyCell.style_id)", why)
    aligns = [ws.cell(row=4, column=c).alignment.horizontal for c in (1, 2, 3, 4)]
    assert aligns == ["center", "left", "right", "center"], _pin("per-column alignments", why)
    quoted = {c.coordinate: c.quotePrefix for row in ws.iter_rows(min_row=4, max_row=6) for c in row if c.value}
    assert [ref for ref, q in quoted.items() if q] == ["D4", "B5", "B6"], _pin("text guarded by quotePrefix", why)


def test_body_rows_leave_room_for_row_heights(tmp_path: Path) -> None:
    """Per-row heights stay possible (issue 9): set through the public row_dimensions before the row."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("x")
    body = xlsx._BodyRows(ws)
    ws.append(["title"])
    style_id = xlsx._styled(ws, None, font=Font(name=xlsx.FONT_NAME), alignment=Alignment(wrap_text=True)).style_id
    cells = [xlsx._BodyCell(ws), xlsx._BodyCell(ws)]
    for cell, value in zip(cells, ("第一行", "多行\n文字"), strict=True):
        cell.value = value
        cell._style_id = style_id
    body.append(cells)
    cells[1].value = "三\n行\n文字"
    body.append(cells, height=45)
    assert body.next_row == 4
    workbook.save(tmp_path / "h.xlsx")
    read = openpyxl.load_workbook(tmp_path / "h.xlsx").active
    assert [[c.value for c in row] for row in read.iter_rows()] == [["title", None], ["第一行", "多行\n文字"],
                                                                  ["第一行", "三\n行\n文字"]]
    assert read.row_dimensions[3].height == 45 and read.row_dimensions[2].height is None
    assert read["B3"].font.name == xlsx.FONT_NAME and read["B3"].alignment.wrap_text


# ---------------------------------------------------------------- Excel import: calamine = openpyxl


def _many_types(path: Path, epoch_1904: bool = False) -> Path:
    """A ledger as committees keep them, with every kind of cell an import meets."""
    book = Workbook()
    if epoch_1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    first_days = (datetime(1904, 1, 2), datetime(1904, 3, 1)) if epoch_1904 else (datetime(1900, 1, 1), datetime(1900, 3, 1))
    sheet.append([])  # a blank first row
    sheet.append(["惠泉社区 2026 年活动台账"])
    sheet.append([None, "说明：时间写到分钟"])
    sheet.append(["活动名称", "活动类别", "开始时间", "结束时间", "参与人数", "活动内容", "备注", "时长", "星期", "比例"])
    formats = {3: "yyyy-mm-dd hh:mm", 4: 'yyyy"年"m"月"d"日"', 8: "[h]:mm", 9: "h:mm", 10: "0.00%"}
    rows = [
        ["清明祭英烈", "社会环境/传统节日", datetime(2026, 4, 4, 9, 0), date(2026, 4, 4), 30,
         "组织党员、志愿者到烈士陵园献花。\n第二行", "附照片 6 张", timedelta(hours=2, minutes=30), time(9, 30), 0.25],
        ["学雷锋", "志愿服务", datetime(2026, 3, 5, 8, 30, 15), datetime(2026, 3, 5, 11), 45.0, "  前后有空格  ",
         " 备注 ", None, time(0, 0), 1],
        [],  # a blank row in the middle
        ["垃圾分类宣传", "宣传教育", "2026/3/12 14:00", "2026-03-12", "30人", "张三讲解分类知识", True,
         timedelta(days=1, minutes=1), time(23, 59, 59), 0.125],
        ["重阳节敬老", None, datetime(1949, 10, 1), datetime(2100, 12, 31, 23, 59), 999999, "\u202e方向符\u202c",
         False, timedelta(minutes=15), None, 2.5],
        [20260305, 3.75, *first_days, 0, "", None, None, time(12), 0],
        ["数字", 123456, 0.1 + 0.2, 1 / 3, 42, "全角　空格", "=不是公式", None, None, None],
    ]
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            if cell.column in formats and cell.value is not None and not isinstance(cell.value, str | bool):
                cell.number_format = formats[cell.column]
    book.save(path)
    return path


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_calamine_reads_every_kind_of_cell_as_openpyxl(tmp_path: Path, epoch_1904: bool) -> None:
    path = _many_types(tmp_path / "many.xlsx", epoch_1904)
    fast = read_rows(path, "calamine")  # ValueError if the file were sent to openpyxl
    slow = read_rows(path, "openpyxl")
    assert [n for n, _v in fast] == [n for n, _v in slow] == list(range(1, 12))  # Excel's row numbers
    for (number, got), (_n, expected) in zip(fast, slow, strict=True):
        assert same_values([got], [expected]), (number, got, expected)
    values = dict(fast)
    assert values[5][2:5] == (datetime(2026, 4, 4, 9), datetime(2026, 4, 4), 30)  # dates as datetime, 30 an int
    assert values[6][4] == 45 and type(values[6][4]) is int  # 45.0 written as 45: an int, as openpyxl gives
    assert values[5][7:9] == (timedelta(hours=2, minutes=30), time(9, 30))
    assert values[7] == () or all(v is None for v in values[7])  # the blank row is there, blank


def test_the_import_gives_the_same_result_through_both_readers(ws, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = _many_types(tmp_path / "many.xlsx")
    results = {}
    for reader in ("calamine", "openpyxl"):
        if reader == "openpyxl":
            monkeypatch.setattr(excel_import, "_calamine_rows", lambda _path: None)
        with pytest.raises(ValidationError) as caught, ws.write() as session:
            import_activities(session, path)
        results[reader] = str(caught.value)
    assert results["calamine"] == results["openpyxl"]
    assert "第 9 行「活动类别」" in results["calamine"]  # Excel's row numbers in the messages


def _rewrite(source: Path, target: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """A copy of an .xlsx with each part's bytes passed through edit(name, data)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, edit(item.filename, src.read(item.filename)))
    return target


def _sheet_edit(pattern: bytes, replacement: bytes):  # type: ignore[no-untyped-def]
    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            new = re.sub(pattern, replacement, data, count=1)
            assert new != data, pattern
            return new
        return data
    return edit


def _plain_book(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


CALAMINE_DIFFERS = {
    # an error value (calamine: blank; openpyxl: the error text)
    "error": (rb'<c r="B2" t="inlineStr"><is><t>x</t></is></c>', rb'<c r="B2" t="e"><v>#N/A</v></c>'),
    # a whole number spelled 30.0 (openpyxl: float, calamine cannot tell)
    "30.0": (rb'<v>30</v>', rb'<v>30.0</v>'),
    # an ID number typed as a number (calamine: float without the last digits; openpyxl: int)
    "long number": (rb'<v>30</v>', rb'<v>110105194912310016</v>'),
    # _xHHHH_ escapes (calamine decodes them)
    "escape": (rb'<t>x</t>', rb'<t>a_x000D_b</t>'),
    # spaces at the edge of text not marked xml:space (calamine trims them)
    "edge spaces": (rb'<t>x</t>', rb'<t> x</t>'),
    # a number cell that is not a number: openpyxl refuses the file
    "not a number": (rb'<v>30</v>', rb'<v>abc</v>'),
    # a boolean spelled true: openpyxl refuses the file
    "boolean": (rb'<c r="B2" t="inlineStr"><is><t>x</t></is></c>', rb'<c r="B2" t="b"><v>true</v></c>'),
}


@pytest.mark.parametrize("case", sorted(CALAMINE_DIFFERS))
def test_files_calamine_reads_differently_are_read_with_openpyxl(tmp_path: Path, case: str) -> None:
    plain = _plain_book(tmp_path / "plain.xlsx", [["活动名称", "备注", "参与人数"], ["清明", "x", 30]])
    assert read_rows(plain, "calamine") == read_rows(plain, "openpyxl")
    crafted = _rewrite(plain, tmp_path / "crafted.xlsx", _sheet_edit(*CALAMINE_DIFFERS[case]))
    with pytest.raises(ValueError, match="read with openpyxl"):
        read_rows(crafted, "calamine")
    try:
        expected: object = read_rows(crafted, "openpyxl")
    except ValidationError as err:  # openpyxl refuses it: so does the import, with the same message
        expected = str(err)
    try:
        got: object = read_rows(crafted)
    except ValidationError as err:
        got = str(err)
    assert got == expected


def test_a_chinese_builtin_date_format_is_read_with_openpyxl(tmp_path: Path) -> None:
    """numFmtId 31 (yyyy"年"m"月"d"日" in a Chinese Excel): calamine reads a date, openpyxl the number."""
    book = Workbook()
    book.active.append(["开始时间"])
    book.active.append([datetime(2026, 3, 5)])
    book.active["A2"].number_format = '0.0"x"'  # a custom format (16x), renumbered below to the built-in 31
    book.save(tmp_path / "plain.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/styles.xml":
            new = re.sub(rb'<xf numFmtId="16[4-9]"', b'<xf numFmtId="31"', data)  # the cell format, not its declaration
            assert new != data
            return new
        return data

    crafted = _rewrite(tmp_path / "plain.xlsx", tmp_path / "cn.xlsx", edit)
    with pytest.raises(ValueError, match="read with openpyxl"):
        read_rows(crafted, "calamine")
    assert read_rows(crafted) == read_rows(crafted, "openpyxl") == [(1, ("开始时间",)), (2, (46086,))]


@pytest.mark.filterwarnings("ignore:Cell A2 is marked as a date")
@pytest.mark.parametrize(("value", "date_format", "calamine"), [
    ("-1", None, True), ("-1", "yyyy-mm-dd", False),  # calamine: a time of day; openpyxl: 1899-12-29
    ("3000000", None, True), ("3000000", "yyyy-mm-dd", False),  # past 9999: openpyxl gives #VALUE!
    ("0.9999999999", None, True), ("0.9999999999", "h:mm", False),  # rounds to the next day
])
def test_numbers_odd_for_a_date_go_to_openpyxl_only_in_a_date_cell(tmp_path: Path, value: str,
                                                                    date_format: str | None, calamine: bool) -> None:
    book = Workbook()
    book.active.append(["开始时间", "参与人数"])
    book.active.append([0.5, 30])
    if date_format:
        book.active["A2"].number_format = date_format
    book.save(tmp_path / "plain.xlsx")
    crafted = _rewrite(tmp_path / "plain.xlsx", tmp_path / "odd.xlsx", _sheet_edit(rb"<v>0.5</v>", f"<v>{value}</v>".encode()))
    expected = read_rows(crafted, "openpyxl")
    assert read_rows(crafted) == expected
    if calamine:
        assert same_values([v for _n, v in read_rows(crafted, "calamine")], [v for _n, v in expected])
    else:
        with pytest.raises(ValueError, match="read with openpyxl"):
            read_rows(crafted, "calamine")


def test_damaged_xml_stays_unreadable(tmp_path: Path) -> None:
    """calamine's XML parser is lenient: a part openpyxl refuses must stay refused, with its message."""
    plain = _plain_book(tmp_path / "plain.xlsx", [["活动名称"], ["清明"]])
    crafted = _rewrite(plain, tmp_path / "broken.xlsx", _sheet_edit(rb"</sheetData>", rb"</sheetDat>"))
    with pytest.raises(ValidationError) as caught:
        read_rows(crafted)
    assert "无法读取" in str(caught.value) and "broken.xlsx" in str(caught.value)


def test_random_values_read_alike(tmp_path: Path) -> None:
    """Numbers, dates and times as spreadsheets hold them (typed to the second) through both readers."""
    rng = random.Random(7)
    book = Workbook()
    sheet = book.active
    formats = ["General", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "h:mm:ss", "[h]:mm:ss", "0.00"]
    for _ in range(400):
        when = datetime(1950, 1, 1) + timedelta(seconds=rng.randrange(150 * 365 * 86400))
        row = [rng.randrange(1_000_000), round(rng.uniform(0, 1000), rng.randrange(1, 6)), when, when,
               when.time(), timedelta(seconds=rng.randrange(400 * 3600)), rng.uniform(0, 1)]
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell, fmt in zip(row[1:], formats, strict=True):
            cell.number_format = fmt
    book.save(tmp_path / "random.xlsx")
    assert same_values([v for _n, v in read_rows(tmp_path / "random.xlsx", "calamine")],
                       [v for _n, v in read_rows(tmp_path / "random.xlsx", "openpyxl")])


# ---------------------------------------------------------------- search: the first block begins the list


@pytest.fixture
def many(ws):  # type: ignore[no-untyped-def]
    """6,000 activities over all years (more than the first probe, so the index path is taken),
    inserted out of date order (an imported history: ids do not follow the dates)."""
    rng = random.Random(3)
    with ws.write() as s:
        cats = [category_id(s), category_id(s, "普法宣传")]
        rows = []
        for i in range(6000):
            start = datetime(2019, 1, 1, 9) + timedelta(hours=rng.randrange(8 * 365 * 24))
            words = rng.choice(["社区志愿服务", "社区", "重阳节敬老", "垃圾分类", "普法", "张三讲解"])
            rows.append(dict(title=f"{words}{i}", category_id=rng.choice(cats), start_at=start, end_at=start,
                             place=rng.choice(["社区活动室", "广场", "", "社 区"]), organizer="", leader="",
                             participants=i % 50, content=rng.choice(["", "社，区宣传", words]), remarks="",
                             status=rng.choice(["done", "done", "planned"]), created_at=start, updated_at=start))
        s.execute(insert(Activity.__table__), rows)
    return ws


@pytest.mark.parametrize("text", ["社", "社区", "区", "张三", "重阳", "普", "社区志", "敬老", "x", "，"])
def test_first_block_is_the_beginning_of_the_whole_list(many, text: str) -> None:  # type: ignore[no-untyped-def]
    filters = [ActivityFilter(text=text), ActivityFilter(text=text, status=svc.ActivityStatus.DONE),
               ActivityFilter(date_from=date(2020, 1, 1), date_to=date(2022, 12, 31), text=text)]
    for flt in filters:
        for sort, descending in (("start", True), ("start", False), ("title", False), ("category", True)):
            with many.read() as s:
                whole = query_ids(s, flt, sort, descending)
                for limit in (1, 200, 5000):
                    assert query_ids(s, flt, sort, descending, limit) == whole[:limit], (flt, sort, limit)


def test_a_common_character_takes_the_probe_and_a_rare_one_the_index(many, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    taken = []
    real = svc._first_ids
    monkeypatch.setattr(svc, "_first_ids", lambda *a: taken.append(real(*a)) or taken[-1])
    with many.read() as s:
        assert len(query_ids(s, ActivityFilter(text="社"), limit=200)) == 200
        assert query_ids(s, ActivityFilter(text="zz"), limit=200) == []
    assert [r is not None for r in taken] == [True, False]
