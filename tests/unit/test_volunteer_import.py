"""Import of an existing Excel volunteer roster (services.volunteer_import)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from huiquan_desk.domain.errors import Cancelled, Problem, ValidationError
from huiquan_desk.domain.identity import check_char
from huiquan_desk.domain.volunteer import FIELD_LABELS as L
from huiquan_desk.domain.volunteer import POLITICAL_STATUSES
from huiquan_desk.services import volunteers as vsvc
from huiquan_desk.services.volunteer_import import (
    HEADER_SYNONYMS,
    ImportReport,
    default_team_names,
    import_volunteers,
    save_volunteer_template,
)
from huiquan_desk.services.workspace import Workspace
from tests.helpers import write_book
from tests.volunteer_helpers import KNOWN_FEMALE, KNOWN_MALE, add_volunteer, make_id, to_fullwidth

HEADERS = ["姓名", "性别", "身份证号", "联系方式", "所属队伍", "专业技能", "注册日期", "志愿者编号"]
TEAM = "党员志愿服务队"


def person(name: str = "林秀英", id_number: object = KNOWN_FEMALE, **extra: object) -> dict[str, object]:
    return {"姓名": name, "身份证号": id_number, "注册日期": "2026-03-05", **extra}


def roster(path: Path, records: Sequence[dict[str, object]], headers: Sequence[str] = HEADERS,
           title_rows: Sequence[str] = ()) -> Path:
    return write_book(path, [list(headers)] + [[r.get(h) for h in headers] for r in records], title_rows)


def run_import(ws: Workspace, path: Path) -> ImportReport:
    with ws.write() as s:
        return import_volunteers(s, path)


def problems_of(ws: Workspace, path: Path) -> list[Problem]:
    with pytest.raises(ValidationError) as caught, ws.write() as s:
        import_volunteers(s, path)
    return caught.value.problems


def count(ws: Workspace) -> int:
    with ws.read() as s:
        return len(vsvc.list_volunteers(s))


def details(ws: Workspace) -> list[vsvc.VolunteerDetail]:
    with ws.read() as s:
        return [vsvc.get_volunteer(s, row.id) for row in vsvc.list_volunteers(s)]


def only(ws: Workspace) -> vsvc.VolunteerDetail:
    (detail,) = details(ws)
    return detail


def team_id(ws: Workspace, name: str) -> int:
    with ws.read() as s:
        return next(t.id for t in vsvc.list_teams(s) if t.name == name)


# ---------------------------------------------------------------- headers


def test_shuffled_headers_below_title_rows(ws: Workspace, tmp_path: Path) -> None:
    headers = ["备注", "手机号", "服务队", "序号", "居住区域/楼栋", "身份证号码", "特长", "政治面貌", "服务意向",
               "姓名", "性别", "出生日期", "登记日期", "编号"]
    record = {"备注": "退休医生", "手机号": "138-1234-5678", "服务队": TEAM, "序号": 1, "居住区域/楼栋": "3 号楼",
              "身份证号码": KNOWN_FEMALE, "特长": "医疗护理", "政治面貌": "中共党员", "服务意向": "健康义诊",
              "姓名": "林秀英", "性别": "女", "出生日期": date(1949, 12, 31), "登记日期": "2026年3月5日",
              "编号": "HQ-001"}
    path = roster(tmp_path / "in.xlsx", [record], headers, title_rows=["惠泉社区志愿者花名册", "2026 年"])

    report = run_import(ws, path)

    assert (report.rows_read, report.created, report.header_row) == (1, 1, 3)
    assert report.columns["id_number"] == "身份证号码" and report.columns["team"] == "服务队"
    assert set(report.columns) == set(HEADER_SYNONYMS)
    v = only(ws).draft
    assert (v.name, v.gender, v.birth_date, v.id_number, v.phone) == (
        "林秀英", "女", date(1949, 12, 31), KNOWN_FEMALE, "13812345678")
    assert (v.team_id, v.skills, v.service_types, v.political_status, v.area, v.remarks) == (
        team_id(ws, TEAM), "医疗护理", "健康义诊", "中共党员", "3 号楼", "退休医生")
    assert (v.registered_on, v.number) == (date(2026, 3, 5), "HQ-001")


@pytest.mark.parametrize("header", ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "身份证号（必填）",
                                    "身 份 证 号", "*身份证号"])
def test_id_number_header_synonyms(ws: Workspace, tmp_path: Path, header: str) -> None:
    path = write_book(tmp_path / "in.xlsx", [["姓名", header], ["林秀英", KNOWN_FEMALE]])
    assert run_import(ws, path).columns == {"name": "姓名", "id_number": header}


def test_missing_required_header(ws: Workspace, tmp_path: Path) -> None:
    path = write_book(tmp_path / "in.xlsx", [["姓名", "手机号"], ["林秀英", "13812345678"]])
    (problem,) = problems_of(ws, path)
    assert problem.field == "身份证号" and "找不到" in problem.message and "公民身份号码" in problem.message


def test_header_without_records(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, write_book(tmp_path / "in.xlsx", [["花名册"], HEADERS]))
    assert problem.field == "文件" and "第 2 行" in problem.message and "志愿者" in problem.message


# ---------------------------------------------------------------- ID numbers and phones


def test_fullwidth_digits_and_lowercase_x_are_normalized(ws: Workspace, tmp_path: Path) -> None:
    typed = to_fullwidth(KNOWN_FEMALE[:-1]) + "x"
    run_import(ws, roster(tmp_path / "in.xlsx", [person(id_number=typed, **{"联系方式": "１３８ １２３４ ５６７８"})]))
    v = only(ws).draft
    assert (v.id_number, v.phone) == (KNOWN_FEMALE, "13812345678")
    assert (v.gender, v.birth_date) == ("女", date(1949, 12, 31))  # derived from the number


def test_bad_check_digit_reported_by_row_and_field(ws: Workspace, tmp_path: Path) -> None:
    wrong = KNOWN_MALE[:-1] + ("5" if KNOWN_MALE[-1] != "5" else "6")
    path = roster(tmp_path / "in.xlsx", [person(), person(name="张建国", id_number=wrong)])
    (problem,) = problems_of(ws, path)
    assert (problem.row, problem.field) == (3, "身份证号")
    assert "校验位" in problem.message
    assert count(ws) == 0


@pytest.mark.parametrize(("cell", "words"), [("11010519491231", "18 位"), ("110105491231002", "15 位"),
                                             ("110105194902300023", "不存在")])
def test_malformed_id_numbers(ws: Workspace, tmp_path: Path, cell: str, words: str) -> None:
    (problem,) = problems_of(ws, roster(tmp_path / "in.xlsx", [person(id_number=cell)]))
    assert (problem.row, problem.field) == (2, "身份证号") and words in problem.message


def test_id_number_that_excel_stored_as_a_number(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, roster(tmp_path / "in.xlsx", [person(id_number=float(KNOWN_MALE))]))
    assert (problem.row, problem.field) == (2, "身份证号")
    assert "文本" in problem.message


def test_gender_contradicting_the_id_number(ws: Workspace, tmp_path: Path) -> None:
    path = roster(tmp_path / "in.xlsx", [person(id_number=KNOWN_FEMALE, **{"性别": "男"})])
    (problem,) = problems_of(ws, path)
    assert (problem.row, problem.field) == (2, "性别")
    assert "女" in problem.message


def test_birth_date_contradicting_the_id_number(ws: Workspace, tmp_path: Path) -> None:
    headers = [*HEADERS, "出生日期"]
    path = roster(tmp_path / "in.xlsx", [person(**{"出生日期": "1949-12-30"})], headers)
    (problem,) = problems_of(ws, path)
    assert (problem.row, problem.field) == (2, "出生日期") and "1949-12-31" in problem.message


@pytest.mark.parametrize("gender", ["男性", " 男 ", "男"])
def test_gender_written_in_full(ws: Workspace, tmp_path: Path, gender: str) -> None:
    run_import(ws, roster(tmp_path / "in.xlsx", [person(id_number=KNOWN_MALE, **{"性别": gender})]))
    assert only(ws).draft.gender == "男"


def test_unrecognised_gender(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, roster(tmp_path / "in.xlsx", [person(**{"性别": "未知"})]))
    assert (problem.row, problem.field) == (2, "性别") and "男 或 女" in problem.message


def test_bad_phone(ws: Workspace, tmp_path: Path) -> None:
    path = roster(tmp_path / "in.xlsx", [person(), person(name="张建国", id_number=KNOWN_MALE, **{"联系方式": "1381234567"})])
    (problem,) = problems_of(ws, path)
    assert (problem.row, problem.field) == (3, L["phone"])


def test_phone_as_number_cell(ws: Workspace, tmp_path: Path) -> None:
    run_import(ws, roster(tmp_path / "in.xlsx", [person(**{"联系方式": 13812345678})]))
    assert only(ws).draft.phone == "13812345678"


# ---------------------------------------------------------------- duplicates: by ID number, never by name


def test_duplicate_id_inside_the_file_names_both_rows(ws: Workspace, tmp_path: Path) -> None:
    records = [person(name="林秀英", id_number=KNOWN_FEMALE), person(name="张建国", id_number=KNOWN_MALE),
               person(name="林秀英", id_number=KNOWN_FEMALE.lower())]
    (problem,) = problems_of(ws, roster(tmp_path / "in.xlsx", records, title_rows=["花名册"]))
    assert (problem.row, problem.field) == (5, "身份证号")
    assert "与第 3 行身份证号重复" in problem.message
    assert count(ws) == 0


def test_duplicate_with_the_registry(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        add_volunteer(s, name="林秀英", id_number=KNOWN_FEMALE)
    path = roster(tmp_path / "in.xlsx", [person(name="张建国", id_number=KNOWN_MALE),
                                         person(name="林秀英", id_number=to_fullwidth(KNOWN_FEMALE))])
    (problem,) = problems_of(ws, path)
    assert (problem.row, problem.field) == (3, "身份证号")
    assert "已登记" in problem.message and "林秀英" in problem.message
    assert count(ws) == 1


def test_same_name_different_ids_are_two_volunteers(ws: Workspace, tmp_path: Path) -> None:
    first, second = make_id(date(1980, 5, 1), 11), make_id(date(1992, 7, 9), 12)
    path = roster(tmp_path / "in.xlsx", [person(name="王伟", id_number=first, **{"联系方式": "13800000001"}),
                                         person(name="王伟", id_number=second, **{"联系方式": "13900000002"})])

    assert run_import(ws, path).created == 2

    people = sorted((d.draft.id_number, d.draft.phone, d.draft.name) for d in details(ws))
    assert people == sorted([(first, "13800000001", "王伟"), (second, "13900000002", "王伟")])
    assert len({d.id for d in details(ws)}) == 2


def test_same_name_as_a_registered_volunteer_is_a_new_volunteer(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        add_volunteer(s, name="王伟", id_number=make_id(date(1980, 5, 1), 11), phone="13800000001")
    run_import(ws, roster(tmp_path / "in.xlsx", [person(name="王伟", id_number=make_id(date(1992, 7, 9), 12),
                                                        **{"联系方式": "13900000002"})]))
    assert sorted(d.draft.phone for d in details(ws)) == ["13800000001", "13900000002"]


def test_duplicate_volunteer_number_inside_the_file(ws: Workspace, tmp_path: Path) -> None:
    path = roster(tmp_path / "in.xlsx", [person(**{"志愿者编号": "HQ-7"}),
                                         person(name="张建国", id_number=KNOWN_MALE, **{"志愿者编号": "HQ-7"})])
    (problem,) = problems_of(ws, path)
    assert (problem.row, problem.field) == (3, "志愿者编号") and "与第 2 行志愿者编号重复" in problem.message


def test_volunteer_number_taken_in_the_registry(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        add_volunteer(s, name="林秀英", id_number=KNOWN_FEMALE, number="HQ-7")
    (problem,) = problems_of(ws, roster(tmp_path / "in.xlsx", [person(id_number=KNOWN_MALE, **{"志愿者编号": "HQ-7"})]))
    assert (problem.row, problem.field) == (2, "志愿者编号") and "林秀英" in problem.message


# ---------------------------------------------------------------- teams, dates, numbers


def test_unknown_team_is_reported_not_invented(ws: Workspace, tmp_path: Path) -> None:
    with ws.read() as s:
        before = [t.name for t in vsvc.list_teams(s)]
    (problem,) = problems_of(ws, roster(tmp_path / "in.xlsx", [person(**{"所属队伍": "环保志愿服务队"})]))
    assert (problem.row, problem.field) == (2, "所属队伍")
    assert "环保志愿服务队" in problem.message
    assert all(name in problem.message for name in before)
    with ws.read() as s:
        assert [t.name for t in vsvc.list_teams(s)] == before


def test_team_name_with_stray_spaces(ws: Workspace, tmp_path: Path) -> None:
    run_import(ws, roster(tmp_path / "in.xlsx", [person(**{"所属队伍": " 青年志愿 服务队 "})]))
    assert only(ws).draft.team_id == team_id(ws, "青年志愿服务队")


def test_bad_date(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, roster(tmp_path / "in.xlsx", [person(**{"注册日期": "2026-02-30"})]))
    assert (problem.row, problem.field) == (2, "注册日期") and "不存在" in problem.message


def test_blank_registration_date_is_today(ws: Workspace, tmp_path: Path) -> None:
    run_import(ws, roster(tmp_path / "in.xlsx", [person(**{"注册日期": None})]))
    assert only(ws).draft.registered_on == date.today()


def test_numbers_assigned_after_the_registry_and_around_the_file(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        add_volunteer(s, name="林秀英", id_number=KNOWN_FEMALE)  # ZY20260001
    records = [person(name="甲", id_number=make_id(date(1980, 1, 1), 21)),
               person(name="乙", id_number=make_id(date(1980, 1, 1), 23), **{"志愿者编号": "ZY20260003"}),
               person(name="丙", id_number=make_id(date(1980, 1, 1), 25)),
               person(name="丁", id_number=make_id(date(1980, 1, 1), 27), **{"注册日期": "2025-12-01"})]
    run_import(ws, roster(tmp_path / "in.xlsx", records))
    numbers = {d.draft.name: d.draft.number for d in details(ws)}
    assert numbers == {"林秀英": "ZY20260001", "甲": "ZY20260002", "乙": "ZY20260003", "丙": "ZY20260004",
                       "丁": "ZY20250001"}
    with ws.write() as s:
        add_volunteer(s, name="戊", id_number=make_id(date(1980, 1, 1), 29))
    assert {d.draft.name: d.draft.number for d in details(ws)}["戊"] == "ZY20260005"


# ---------------------------------------------------------------- all or nothing


def test_every_problem_of_every_row_in_one_error(ws: Workspace, tmp_path: Path) -> None:
    records = [
        person(name="好的一行", id_number=make_id(date(1980, 1, 1), 31)),
        person(name="", id_number=KNOWN_MALE[:-1] + "9", **{"联系方式": "12345"}),  # row 3: three problems
        {},  # row 4: blank, skipped
        person(name="队伍错", id_number=make_id(date(1980, 1, 1), 33), **{"所属队伍": "不存在的队"}),  # row 5
        person(name="重复", id_number=make_id(date(1980, 1, 1), 31)),  # row 6
    ]
    problems = problems_of(ws, roster(tmp_path / "in.xlsx", records))
    assert [(p.row, p.field) for p in problems] == [
        (3, "姓名"), (3, "身份证号"), (3, "联系方式"), (5, "所属队伍"), (6, "身份证号")]
    assert count(ws) == 0


def test_all_or_nothing(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        add_volunteer(s, name="已有志愿者", id_number=KNOWN_FEMALE)
    records = [person(name=f"好{i}", id_number=make_id(date(1985, 1, 1), 40 + i)) for i in range(3)]
    records.append(person(name="坏", id_number=make_id(date(1985, 1, 1), 50), **{"联系方式": "not a phone"}))
    with pytest.raises(ValidationError), ws.write() as s:
        import_volunteers(s, roster(tmp_path / "in.xlsx", records))
    assert count(ws) == 1


def test_preview_rolls_back_a_valid_import(ws: Workspace, tmp_path: Path) -> None:
    path = roster(tmp_path / "in.xlsx", [person(name=f"预览{i}", id_number=make_id(date(1990, 1, 1), 60 + i))
                                         for i in range(5)])
    with ws.preview() as s:
        report = import_volunteers(s, path)
        assert len(vsvc.list_volunteers(s)) == 5
    assert (report.rows_read, report.created) == (5, 5)
    assert count(ws) == 0


def test_does_not_commit(ws: Workspace, tmp_path: Path) -> None:
    session = ws.sessions()
    try:
        assert import_volunteers(session, roster(tmp_path / "in.xlsx", [person()])).created == 1
        session.rollback()
    finally:
        session.close()
    assert count(ws) == 0


def test_progress_and_cancel(ws: Workspace, tmp_path: Path) -> None:
    records = [person(name=f"志愿者{i}", id_number=make_id(date(1970, 1, 1) if i < 999 else date(1971, 1, 1), i % 999 + 1))
               for i in range(1100)]
    path = roster(tmp_path / "in.xlsx", records)

    def cancel(done: int, total: int) -> None:
        raise Cancelled()

    with pytest.raises(Cancelled), ws.write() as s:
        import_volunteers(s, path, progress=cancel)
    assert count(ws) == 0
    calls: list[tuple[int, int]] = []
    with ws.write() as s:
        assert import_volunteers(s, path, progress=lambda done, total: calls.append((done, total))).created == 1100
    assert calls == [(500, 1100), (1000, 1100), (1100, 1100)]
    assert count(ws) == 1100


# ---------------------------------------------------------------- files


@pytest.mark.parametrize(("name", "content"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
    ("roster.xlsx", b"this is not a spreadsheet"),
    ("list.csv", "姓名,身份证号\n林秀英,11010519491231002X\n".encode()),
])
def test_unreadable_file(ws: Workspace, tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    (problem,) = problems_of(ws, path)
    assert problem.field == "文件"
    assert "无法读取" in problem.message and "另存为 .xlsx" in problem.message and name in problem.message


def test_missing_file(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, tmp_path / "nowhere.xlsx")
    assert problem.field == "文件" and "找不到" in problem.message


# ---------------------------------------------------------------- template


def test_template_example_id_is_valid() -> None:
    assert check_char(KNOWN_FEMALE[:17]) == KNOWN_FEMALE[17]


def test_template_round_trip(ws: Workspace, tmp_path: Path) -> None:
    """The template imported unchanged gives no volunteer (its example person 王芳 is not one);
    filled in as its 填写说明 shows, it imports."""
    path = save_volunteer_template(tmp_path / "out" / "志愿者导入模板.xlsx")
    assert path.is_file()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".part")]
    with pytest.raises(ValidationError, match="表头下面没有志愿者记录"):
        run_import(ws, path)

    book = load_workbook(path)
    sheet, instructions = book["志愿者"], book["填写说明"]
    example = {row[0]: row[3] for row in instructions.iter_rows(min_row=4, values_only=True) if row[0]}
    assert example["身份证号"] == KNOWN_FEMALE
    headers = [c.value for c in sheet[1]]
    sheet.append([example[h] if h != "姓名" else "林秀英" for h in headers])  # a real person, typed in
    book.save(path)
    report = run_import(ws, path)
    assert (report.rows_read, report.created, report.header_row) == (1, 1, 1)
    v = only(ws).draft
    assert v.name == "林秀英" and v.id_number == KNOWN_FEMALE and v.gender == "女"
    assert v.birth_date == date(1949, 12, 31)
    assert v.team_id == team_id(ws, "巾帼志愿服务队") and v.political_status == "中共党员"
    assert v.number == "ZY20260001"


def test_template_layout(ws: Workspace, tmp_path: Path) -> None:
    book = load_workbook(save_volunteer_template(tmp_path / "template.xlsx"))
    sheet, instructions, options = book.worksheets
    headers = [c.value for c in sheet[1]]
    assert headers == [names[0] for names in HEADER_SYNONYMS.values()]
    assert headers[:3] == ["姓名", "性别", "身份证号"]
    assert all(c.font.bold for c in sheet[1])
    assert all((sheet.column_dimensions[c.column_letter].width or 0) >= 6 for c in sheet[1])
    assert sheet.max_row == 1  # headers only: the example person lives on the 填写说明 sheet
    id_column = sheet.column_dimensions[sheet.cell(row=1, column=headers.index("身份证号") + 1).column_letter]
    assert id_column.number_format == "@"  # an ID number typed there stays text
    example = {row[0]: row[3] for row in instructions.iter_rows(min_row=4, values_only=True) if row[0]}
    assert example["身份证号"] == KNOWN_FEMALE
    assert options.title == "选项"
    assert [c.value for c in options[1]] == ["所属队伍", "政治面貌", "性别"]
    teams = [r[0] for r in options.iter_rows(min_row=2, values_only=True) if r[0]]
    statuses = [r[1] for r in options.iter_rows(min_row=2, values_only=True) if r[1]]
    assert teams == default_team_names() and statuses == list(POLITICAL_STATUSES)
    with ws.read() as s:
        assert [t.name for t in vsvc.list_teams(s)] == default_team_names()


def test_template_replaces_existing_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"old")
    save_volunteer_template(target)
    assert zipfile.is_zipfile(target)
    assert load_workbook(target).sheetnames == ["志愿者", "填写说明", "选项"]
