"""Import of a household register (services.household_import): the civic family campaigns' 家庭花名册."""

from __future__ import annotations

import re
import struct
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from huiquan_desk.domain.errors import Cancelled, Problem, ValidationError
from huiquan_desk.services import households as hs
from huiquan_desk.services.excel_import import MAX_UNPACKED_MB
from huiquan_desk.services.household_import import (
    HEADER_SYNONYMS,
    ImportReport,
    import_households,
    parse_members,
    save_household_template,
    split_address,
)
from huiquan_desk.services.imports import IMPORTS
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.storage.models import AuditEntry, Household, HouseholdMember
from tests.helpers import write_book

HEADERS = ["户主", "楼栋", "单元", "门牌", "家庭人口", "联系电话", "网格", "家庭成员", "备注"]
SHEET = "xl/worksheets/sheet1.xml"


def family(head: str = "王建国", building: object = "3", unit: object = "2", room: object = "501",
           **extra: object) -> dict[str, object]:
    return {"户主": head, "楼栋": building, "单元": unit, "门牌": room, **extra}


def register(path: Path, records: Sequence[dict[str, object]], headers: Sequence[str] = HEADERS,
             title_rows: Sequence[str] = ()) -> Path:
    return write_book(path, [list(headers)] + [[r.get(h) for h in headers] for r in records], title_rows)


def run_import(ws: Workspace, path: Path) -> ImportReport:
    with ws.write() as s:
        return import_households(s, path)


def refused(ws: Workspace, path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as caught, ws.write() as s:
        import_households(s, path)
    return caught.value


def problems_of(ws: Workspace, path: Path) -> list[Problem]:
    return refused(ws, path).problems


def file_problem(ws: Workspace, path: Path) -> str:
    """The one problem with the file itself (not a row), in Chinese; nothing written."""
    (problem,) = problems_of(ws, path)
    assert problem.field == "文件" and problem.row is None
    assert "Traceback" not in problem.message and re.search(r"[\u4e00-\u9fff]", problem.message)
    assert saved(ws) == (0, 0)
    return problem.message


def saved(ws: Workspace) -> tuple[int, int]:
    """(households, members) in the database."""
    with ws.read() as s:
        return (s.scalar(select(func.count()).select_from(Household)) or 0,
                s.scalar(select(func.count()).select_from(HouseholdMember)) or 0)


def details(ws: Workspace) -> list[hs.HouseholdDetail]:
    with ws.read() as s:
        return [hs.get_household(s, row.id) for row in hs.list_households(s)]


def rewrite(source: Path, dest: Path, sheet: bytes) -> Path:
    """`source` with its first sheet's XML replaced."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, sheet if item.filename == SHEET else src.read(item.filename))
    return dest


# ---------------------------------------------------------------- a good file


def test_a_good_file_imports_normalized(ws: Workspace, tmp_path: Path) -> None:
    headers = ["所属网格", "户主姓名", "楼号", "单元号", "房号", "人口", "手机", "成员", "备注"]
    records = [
        {"户主姓名": "王建国", "楼号": "３号楼", "单元号": "2单元", "房号": "501室", "手机": "138 1234 5678",
         "所属网格": "第一网格", "成员": "李秀英（配偶）、王小明（子）", "备注": "三代同堂"},
        {"户主姓名": "张桂兰", "楼号": 3, "单元号": 2, "房号": 502, "人口": 2},
        {"户主姓名": "陈志强", "楼号": "10栋", "房号": "101", "人口": "4人", "手机": "0591-87654321",
         "所属网格": "第二网格", "成员": "林美华/妻子；陈晨/女"},
    ]
    path = register(tmp_path / "in.xlsx", records, headers, title_rows=["惠泉社区家庭花名册"])

    report = run_import(ws, path)

    assert (report.rows_read, report.created, report.header_row) == (3, 3, 2)
    assert report.columns["building"] == "楼号" and report.columns["members"] == "成员"
    assert saved(ws) == (3, 4)
    first, second, third = details(ws)  # in address order: 3栋2单元501, 3栋2单元502, 10栋101
    assert (first.row.address, first.draft.head_name, first.draft.size, first.draft.phone, first.draft.grid) == (
        "3栋2单元501", "王建国", 3, "13812345678", "第一网格")
    assert first.draft.members == [hs.Member("李秀英", "配偶"), hs.Member("王小明", "子")]
    assert first.row.phone_masked == "138****5678" and first.draft.remarks == "三代同堂"
    assert (second.row.address, second.draft.size, second.draft.members) == ("3栋2单元502", 2, [])
    assert (third.row.address, third.draft.size, third.draft.phone) == ("10栋101", 4, "0591-87654321")
    assert third.draft.members == [hs.Member("林美华", "妻子"), hs.Member("陈晨", "女")]


def test_size_defaults_to_the_head_and_the_members(ws: Workspace, tmp_path: Path) -> None:
    run_import(ws, register(tmp_path / "in.xlsx", [
        family(**{"家庭成员": "李秀英（配偶）、王小明（子）、王小红（女）"}),
        family(head="独居老人", room="502"),
    ]))
    assert [d.draft.size for d in details(ws)] == [4, 1]


@pytest.mark.parametrize(("cell", "parts"), [
    ("3栋2单元501", ("3", "2", "501")),
    ("3-2-501", ("3", "2", "501")),
    ("3号楼2单元501室", ("3", "2", "501")),
    ("３号楼 ２单元 ５０１室", ("3", "2", "501")),
    ("3—2—501", ("3", "2", "501")),
    ("3栋501", ("3", "", "501")),
    ("A座1203", ("A", "", "1203")),
])
def test_one_address_column_instead_of_three(ws: Workspace, tmp_path: Path, cell: str,
                                              parts: tuple[str, str, str]) -> None:
    path = write_book(tmp_path / "in.xlsx", [["户主", "住址", "联系电话"], ["王建国", cell, "13812345678"]])
    assert run_import(ws, path).columns == {"head_name": "户主", "address": "住址", "phone": "联系电话"}
    (detail,) = details(ws)
    assert (detail.row.building, detail.row.unit, detail.row.room) == parts


def test_the_three_columns_win_over_an_address_column(ws: Workspace, tmp_path: Path) -> None:
    """A file with 楼栋 and 门牌 reads them; a 住址 beside them (a 小区 name, say) is not split."""
    path = write_book(tmp_path / "in.xlsx", [["户主", "住址", "楼栋", "门牌"], ["王建国", "惠泉小区", "5", "301"]])
    run_import(ws, path)
    assert details(ws)[0].row.address == "5栋301"


@pytest.mark.parametrize(("cell", "members"), [
    ("李秀英（配偶）、王小明（子）", [("李秀英", "配偶"), ("王小明", "子")]),
    ("李秀英/配偶；王小明/子", [("李秀英", "配偶"), ("王小明", "子")]),
    ("李秀英(配偶),王小明【子】", [("李秀英", "配偶"), ("王小明", "子")]),
    ("配偶：李秀英\n子：王小明", [("李秀英", "配偶"), ("王小明", "子")]),
    ("李秀英 配偶，王小明 子", [("李秀英", "配偶"), ("王小明", "子")]),
    ("李秀英、王小明", [("李秀英", ""), ("王小明", "")]),
    ("Anna Li（儿媳）", [("Anna Li", "儿媳")]),
    ("", []),
])
def test_members_are_parsed_generously(cell: str, members: list[tuple[str, str]]) -> None:
    assert parse_members(cell) == [hs.Member(name, relation) for name, relation in members]


def test_the_head_listed_among_the_members_is_not_counted_twice(ws: Workspace, tmp_path: Path) -> None:
    run_import(ws, register(tmp_path / "in.xlsx", [family(**{"家庭成员": "王建国（户主）、李秀英（配偶）"})]))
    (detail,) = details(ws)
    assert detail.draft.members == [hs.Member("李秀英", "配偶")] and detail.draft.size == 2


@pytest.mark.parametrize("cell", ["惠泉小区", "1203", "三栋501", "3栋2单元"])
def test_split_address_refuses_what_it_cannot_split(cell: str) -> None:
    with pytest.raises(ValueError, match="无法拆分"):
        split_address(cell)


# ---------------------------------------------------------------- row problems


def test_row_problems_name_row_and_field_and_nothing_is_saved(ws: Workspace, tmp_path: Path) -> None:
    records = [
        family(),  # row 2: good
        family(head="", room="502"),  # row 3: no 户主
        family(head="张桂兰", room="503", **{"联系电话": "12345"}),  # row 4: bad phone
        {},  # row 5: blank, skipped
        family(head="李四", building="３号楼", unit="2单元", room="501室"),  # row 6: row 2's address again
        family(head="赵六", room="504", **{"家庭人口": "若干"}),  # row 7
        family(head="钱七", room="505", **{"家庭人口": 1, "家庭成员": "钱小七（子）"}),  # row 8
    ]
    error = refused(ws, register(tmp_path / "in.xlsx", records))
    assert [(p.row, p.field) for p in error.problems] == [
        (3, "户主"), (4, "联系电话"), (6, "住址"), (7, "家庭人口"), (8, "家庭人口")]
    text = str(error)
    assert "第 3 行「户主」：必须填写" in text
    assert "第 6 行「住址」：3栋2单元501 与第 2 行（户主「王建国」）住址相同，一个住址只登记一户" in text
    assert "「若干」不是人数" in text and "少于户主加已填成员的人数（2 人）" in text
    assert saved(ws) == (0, 0)


def test_an_address_already_registered_names_its_head(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        hs.create_household(s, hs.HouseholdDraft("王建国", "3", "2", "501"))
    path = register(tmp_path / "in.xlsx", [family(head="新住户", room="502"),
                                           family(head="李四", building="３号楼", unit="２单元", room="501室")])
    (problem,) = problems_of(ws, path)
    assert (problem.row, problem.field) == (3, "住址")
    assert problem.message == "3栋2单元501 已登记为「王建国」家，一个住址只登记一户"
    assert saved(ws) == (1, 0)  # the good row 2 was not saved either


def test_an_address_that_cannot_be_split_is_one_problem(ws: Workspace, tmp_path: Path) -> None:
    path = write_book(tmp_path / "in.xlsx", [["户主", "住址"], ["王建国", "惠泉小区"], ["张桂兰", None],
                                             ["李四", "3-2-501"]])
    problems = problems_of(ws, path)
    assert [(p.row, p.field) for p in problems] == [(2, "住址"), (3, "住址")]
    assert "「惠泉小区」无法拆分成楼栋、单元、门牌" in problems[0].message and "3栋2单元501" in problems[0].message
    assert problems[1].message.startswith("必须填写")
    assert saved(ws) == (0, 0)


def test_a_part_too_long_in_the_address_column_is_named_by_that_column(ws: Workspace, tmp_path: Path) -> None:
    path = write_book(tmp_path / "in.xlsx", [["户主", "住址"], ["王建国", "3栋2单元" + "1" * 21]])
    (problem,) = problems_of(ws, path)
    assert (problem.row, problem.field) == (2, "住址") and problem.message.startswith("门牌不能超过 20 个字")


def test_every_problem_of_a_row_left_to_right(ws: Workspace, tmp_path: Path) -> None:
    path = register(tmp_path / "in.xlsx", [family(head="", building="", room="", **{
        "家庭人口": 0, "联系电话": "not a phone", "家庭成员": "（配偶）"})])
    assert [p.field for p in problems_of(ws, path)] == ["户主", "楼栋", "门牌", "家庭人口", "联系电话", "家庭成员"]


def test_phone_numbers_are_never_quoted_in_full(ws: Workspace, tmp_path: Path) -> None:
    """Not the bad one, and not one typed in the wrong column (住址, 家庭人口): masked there."""
    path = write_book(tmp_path / "in.xlsx", [
        ["户主", "住址", "家庭人口", "联系电话"],
        ["王建国", "13912345678", None, "1391234567"],
        ["张桂兰", "3-2-502", "0591-87654321", "１３９ ００１３ ９０００"],
    ])
    text = str(refused(ws, path))
    assert "「139****5678」无法拆分" in text and "「059*****4321」不是人数" in text
    for digits in ("13912345678", "1391234567", "87654321", "13900139000"):
        assert digits not in text.replace("-", "").replace(" ", "")


def test_missing_headers_are_named_with_the_address_column_as_a_choice(ws: Workspace, tmp_path: Path) -> None:
    problems = problems_of(ws, write_book(tmp_path / "in.xlsx", [["姓名", "单元", "电话"], ["王建国", "2", ""]]))
    assert [p.field for p in problems] == ["户主", "楼栋", "门牌"]
    assert "户主姓名" in problems[0].message and "住址" not in problems[0].message
    assert "楼号" in problems[1].message and "或者用一列「住址」代替" in problems[1].message


# ---------------------------------------------------------------- all or nothing, preview, trail


def test_dry_run_saves_nothing(ws: Workspace, tmp_path: Path) -> None:
    path = register(tmp_path / "in.xlsx", [family(room=str(500 + i), **{"家庭成员": "李秀英（配偶）"})
                                           for i in range(5)])
    with ws.preview() as s:
        report = import_households(s, path)
        assert len(hs.list_households(s)) == 5
    assert (report.rows_read, report.created) == (5, 5)
    assert saved(ws) == (0, 0)


def test_one_audit_entry_for_the_file(ws: Workspace, tmp_path: Path) -> None:
    run_import(ws, register(tmp_path / "家庭花名册.xlsx", [family(**{"家庭成员": "李秀英（配偶）"}),
                                                         family(head="张桂兰", room="502")]))
    with ws.read() as s:
        entries = s.execute(select(AuditEntry.action, AuditEntry.summary)
                            .where(AuditEntry.entity.in_(["households", "household_members"]))).all()
    assert [tuple(e) for e in entries] == [("import", "导入 2 户家庭（家庭花名册.xlsx）")]


def test_progress_and_cancel(ws: Workspace, tmp_path: Path) -> None:
    path = register(tmp_path / "in.xlsx", [family(head=f"户主{i}", room=str(1000 + i)) for i in range(600)])

    def cancel(done: int, total: int) -> None:
        raise Cancelled()

    with pytest.raises(Cancelled), ws.write() as s:
        import_households(s, path, progress=cancel)
    assert saved(ws) == (0, 0)
    calls: list[tuple[int, int]] = []
    with ws.write() as s:
        assert import_households(s, path, progress=lambda done, total: calls.append((done, total))).created == 600
    assert calls == [(500, 600), (600, 600)]


# ---------------------------------------------------------------- template


def test_template_round_trip(ws: Workspace, tmp_path: Path) -> None:
    """The template imported unchanged gives no household; filled in as its 填写说明 shows, it imports;
    its example copied onto the data sheet is skipped, and said."""
    path = save_household_template(tmp_path / "out" / "家庭花名册导入模板.xlsx")
    assert not [p for p in path.parent.iterdir() if p.name != path.name]
    assert "表头下面没有家庭记录" in file_problem(ws, path)

    book = load_workbook(path)
    sheet, instructions = book["家庭"], book["填写说明"]
    example = {row[0]: row[3] for row in instructions.iter_rows(min_row=4, values_only=True) if row[0]}
    headers = [c.value for c in sheet[1]]
    sheet.append([example[h] for h in headers])  # the example as it stands: not a household
    sheet.append([example[h] if h not in ("户主", "门牌") else {"户主": "林秀英", "门牌": "502"}[h] for h in headers])
    book.save(path)
    report = run_import(ws, path)
    assert (report.rows_read, report.created, report.examples_skipped) == (1, 1, [2])
    assert report.notes == ["第 2 行与模板的示例相同，是示例而不是记录，已跳过。"]
    (detail,) = details(ws)
    assert (detail.draft.head_name, detail.row.address, detail.draft.size, detail.draft.grid) == (
        "林秀英", "3栋2单元502", 3, "第一网格")
    assert detail.draft.members == [hs.Member("李秀英", "配偶"), hs.Member("王小明", "子")]


def test_template_layout(tmp_path: Path) -> None:
    book = load_workbook(save_household_template(tmp_path / "t.xlsx"))
    assert book.sheetnames == ["家庭", "填写说明"]
    sheet = book["家庭"]
    headers = [c.value for c in sheet[1]]
    assert headers == HEADERS == [names[0] for key, names in HEADER_SYNONYMS.items() if key != "address"]
    assert sheet.max_row == 1 and all(c.font.bold for c in sheet[1])
    for label in ("门牌", "联系电话"):
        letter = sheet.cell(row=1, column=headers.index(label) + 1).column_letter
        assert sheet.column_dimensions[letter].number_format == "@"  # 0501 and phone numbers stay text
    notes = {row[0]: row for row in book["填写说明"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert [h for h in headers if notes[h][1] == "必填"] == ["户主", "楼栋", "门牌"]
    assert "住址" in notes["楼栋"][2]


def test_registered_as_an_import(ws: Workspace, tmp_path: Path) -> None:
    entry = IMPORTS["households"]
    assert (entry.title, entry.noun, entry.template_name) == ("家庭花名册", "户家庭", "家庭花名册导入模板.xlsx")
    with ws.read() as s:
        path = entry.template(s, tmp_path / entry.template_name)
    with ws.write() as s:
        book = load_workbook(path)
        book["家庭"].append(["王建国", "3", "2", "501"])
        book.save(path)
        assert entry.run(s, path).created == 1


# ---------------------------------------------------------------- hostile files


@pytest.mark.parametrize(("name", "content"), [
    ("家庭.xlsx", b"this is a text file, not a spreadsheet"),
    ("empty.xlsx", b""),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
    ("list.csv", "户主,楼栋,门牌\n王建国,3,501\n".encode()),
])
def test_a_file_that_is_not_a_workbook(ws: Workspace, tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    message = file_problem(ws, path)
    assert "无法读取" in message and "另存为 .xlsx" in message and name in message


def test_a_zip_that_is_not_a_workbook(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "无法读取" in file_problem(ws, path)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workbook of 300 KB whose sheet inflates to 300 MB of spaces (more than the cap), built once."""
    folder = tmp_path_factory.mktemp("bomb")
    plain = write_book(folder / "plain.xlsx", [HEADERS[:4], ["王建国", "3", "2", "501"]])
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != SHEET:
                dst.writestr(item, src.read(item.filename))
                continue
            head, tail = src.read(SHEET).split(b"</sheetData>")
            info = zipfile.ZipInfo(SHEET, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as out:
                out.write(head)
                for _ in range(MAX_UNPACKED_MB + 44):
                    out.write(b" " * (1 << 20))
                out.write(b"</sheetData>" + tail)
    assert path.stat().st_size < 1 << 20
    return path


def test_a_zip_bomb_is_refused_before_it_is_inflated(ws: Workspace, bomb: Path) -> None:
    started = time.perf_counter()
    message = file_problem(ws, bomb)
    assert "解压后有 300 MB，超过了导入的上限 256 MB" in message and "bomb.xlsx" in message
    assert time.perf_counter() - started < 2  # nothing near 300 MB was read


def test_a_sheet_that_lies_about_its_size_is_unreadable(ws: Workspace, tmp_path: Path) -> None:
    """Declared 1 KB, inflating to 20 MB: reading stops at the declared size and the checksum fails."""
    plain = write_book(tmp_path / "plain.xlsx", [HEADERS[:4], ["王建国", "3", "2", "501"]])
    sheet = zipfile.ZipFile(plain).read(SHEET)
    big = rewrite(plain, tmp_path / "big.xlsx", sheet.replace(b"</sheetData>", b" " * (20 << 20) + b"</sheetData>"))
    data = bytearray(big.read_bytes())
    name = SHEET.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        name_at = {b"PK\x03\x04": 30, b"PK\x01\x02": 46}[signature]
        at = data.find(signature)
        while data[at + name_at:at + name_at + len(name)] != name:
            at = data.find(signature, at + 1)
        struct.pack_into("<I", data, at + size_at, 1024)
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    assert zipfile.ZipFile(liar).getinfo(SHEET).file_size == 1024
    assert "无法读取" in file_problem(ws, liar)


def test_entity_expansion_is_refused(ws: Workspace, tmp_path: Path) -> None:
    """A billion laughs in the sheet's XML: refused as unreadable, not expanded."""
    plain = write_book(tmp_path / "plain.xlsx", [HEADERS[:4], ["LOL", "3", "2", "501"]])
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{entities}]>'.encode()
    sheet = zipfile.ZipFile(plain).read(SHEET).replace(b"LOL", b"&l9;")
    assert "无法读取" in file_problem(ws, rewrite(plain, tmp_path / "lol.xlsx", doctype + sheet))


def test_formula_cells(ws: Workspace, tmp_path: Path) -> None:
    """A formula is read as the value Excel computed and saved with it; one without a computed value
    (written by a program, never opened in Excel) is a blank cell, named by row and field."""
    plain = write_book(tmp_path / "plain.xlsx", [HEADERS[:4], ["CACHED", "3", "2", "501"]])
    sheet = zipfile.ZipFile(plain).read(SHEET)
    cached = re.sub(rb'<c r="A2" t="inlineStr"><is><t>CACHED</t></is></c>',
                    '<c r="A2" t="str"><f>"王"&amp;"建国"</f><v>王建国</v></c>'.encode(), sheet)
    assert cached != sheet
    run_import(ws, rewrite(plain, tmp_path / "cached.xlsx", cached))
    assert details(ws)[0].draft.head_name == "王建国"

    uncached = write_book(tmp_path / "uncached.xlsx", [HEADERS[:4], ['="张"&"桂兰"', "3", "2", "502"],
                                                        ["李四", "=1+2", "2", "503"]])
    problems = problems_of(ws, uncached)
    assert [(p.row, p.field, p.message) for p in problems] == [(2, "户主", "必须填写"), (3, "楼栋", "必须填写")]
    assert saved(ws) == (1, 0)


def test_a_hundred_thousand_formatted_empty_rows(ws: Workspace, tmp_path: Path) -> None:
    """Rows with fills, borders and heights but no values (a sheet formatted to the bottom): read
    quickly, and said to hold no households."""
    book = Workbook()
    book.active.append(HEADERS)
    book.active["A2"].number_format = "@"  # a second cell format (s="1") for the empty rows
    book.save(tmp_path / "plain.xlsx")
    cells = "".join(f'<c r="{letter}{{n}}" s="1"/>' for letter in "ABCDEFGHI")
    rows = "".join(f'<row r="{n}" s="1" customFormat="1" ht="20" customHeight="1">{cells.format(n=n)}</row>'
                   for n in range(2, 100_002))
    sheet = zipfile.ZipFile(tmp_path / "plain.xlsx").read(SHEET)
    sheet = re.sub(rb"<row r=\"2\".*?</row>", b"", sheet).replace(b"</sheetData>", rows.encode() + b"</sheetData>")
    path = rewrite(tmp_path / "plain.xlsx", tmp_path / "formatted.xlsx", sheet)
    started = time.perf_counter()
    assert "第 1 行的表头下面没有家庭记录" in file_problem(ws, path)
    assert time.perf_counter() - started < 10


def test_headers_only_and_an_empty_sheet(ws: Workspace, tmp_path: Path) -> None:
    assert "第 2 行的表头下面没有家庭记录" in file_problem(
        ws, write_book(tmp_path / "headers.xlsx", [["惠泉社区家庭花名册"], HEADERS]))
    assert "第一张工作表是空的" in file_problem(ws, write_book(tmp_path / "empty.xlsx", []))


def test_a_missing_file(ws: Workspace, tmp_path: Path) -> None:
    assert "找不到文件" in file_problem(ws, tmp_path / "nowhere.xlsx")
