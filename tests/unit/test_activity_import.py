"""Import of an existing Excel activity ledger (services.activity_import)."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from huiquan_desk.domain.activity import FIELD_LABELS, ActivityStatus
from huiquan_desk.domain.errors import Cancelled, Problem, ValidationError
from huiquan_desk.paths import DataDir
from huiquan_desk.services.activities import ActivityFilter, count_activities, list_activities
from huiquan_desk.services.activity_import import (
    HEADER_SYNONYMS,
    TEMPLATE_EXAMPLE,
    ImportReport,
    default_category_paths,
    import_activities,
    save_template,
)
from huiquan_desk.services.categories import add_category, list_categories
from huiquan_desk.services.workspace import Workspace, open_workspace
from tests.helpers import write_book

HEADERS = ["活动名称", "活动类别", "开始时间", "结束时间", "活动地点", "主办单位", "负责人", "参与人数",
           "活动内容", "备注", "状态"]
FESTIVAL = "社会环境/传统节日"


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(DataDir(tmp_path / "data"))
    yield workspace
    workspace.close()


def activity(title: str = "清明祭英烈活动", category: object = FESTIVAL, start: object = "2026-04-04 09:00",
             end: object = None, participants: object = 30, **extra: object) -> dict[str, object]:
    return {"活动名称": title, "活动类别": category, "开始时间": start, "结束时间": end,
            "参与人数": participants, **extra}


def ledger(path: Path, records: Sequence[dict[str, object]], headers: Sequence[str] = HEADERS,
           title_rows: Sequence[str] = ()) -> Path:
    return write_book(path, [list(headers)] + [[r.get(h) for h in headers] for r in records], title_rows)


def count(ws: Workspace) -> int:
    with ws.read() as s:
        return count_activities(s)


def run_import(ws: Workspace, path: Path) -> ImportReport:
    with ws.write() as s:
        return import_activities(s, path)


def problems_of(ws: Workspace, path: Path) -> list[Problem]:
    with pytest.raises(ValidationError) as caught, ws.write() as s:
        import_activities(s, path)
    return caught.value.problems


def only_row(ws: Workspace):  # type: ignore[no-untyped-def]
    with ws.read() as s:
        rows = list_activities(s, ActivityFilter())
    assert len(rows) == 1
    return rows[0]


# ---------------------------------------------------------------- headers


def test_shuffled_headers_below_title_rows(ws: Workspace, tmp_path: Path) -> None:
    headers = ["负责人", "状态", "开始时间", "活动内容", "活动名称", "参与人数", "活动地点", "活动类别",
               "结束时间", "备注", "主办单位", "序号"]
    record = activity(title="中秋游园会", start="2026-09-25 19:00", end="2026-09-25 21:00",
                      **{"负责人": "李敏", "状态": "已开展", "活动内容": "猜灯谜、做月饼", "活动地点": "社区广场",
                         "备注": "照片 8 张", "主办单位": "惠泉社区居委会", "序号": 1})
    path = ledger(tmp_path / "in.xlsx", [record], headers, title_rows=["惠泉社区活动台账", "2026 年"])

    report = run_import(ws, path)

    assert (report.rows_read, report.created, report.header_row) == (1, 1, 3)
    assert report.columns == {key: names[0] for key, names in HEADER_SYNONYMS.items()}
    row = only_row(ws)
    assert (row.title, row.category, row.leader, row.place, row.organizer) == (
        "中秋游园会", "传统节日", "李敏", "社区广场", "惠泉社区居委会")
    assert (row.start, row.end) == (datetime(2026, 9, 25, 19), datetime(2026, 9, 25, 21))
    assert (row.participants, row.content, row.remarks, row.status) == (30, "猜灯谜、做月饼", "照片 8 张",
                                                                         ActivityStatus.DONE)


def test_synonyms_and_decorated_headers(ws: Workspace, tmp_path: Path) -> None:
    headers = ["标题*", "分类", "活动日期（必填）", "结束日期", "场所", "举办单位", "联系人", "参加人数(人)",
               "主要内容", "成效", "活动状态"]
    path = write_book(tmp_path / "in.xlsx", [
        headers,
        ["端午包粽子", "传统节日", "2026年6月19日", None, "社区食堂", "社区妇联", "张华", "25人", "包粽子",
         "居民好评", "已开展"],
    ])

    report = run_import(ws, path)

    assert report.columns["title"] == "标题*"
    assert report.columns["start"] == "活动日期（必填）"
    assert report.columns["participants"] == "参加人数(人)"
    row = only_row(ws)
    assert (row.title, row.place, row.organizer, row.leader, row.participants, row.content, row.remarks) == (
        "端午包粽子", "社区食堂", "社区妇联", "张华", 25, "包粽子", "居民好评")
    assert row.start == row.end == datetime(2026, 6, 19)


@pytest.mark.parametrize("header", ["活 动 名 称", "活\u3000动\u3000名\u3000称", "＊活动名称", "活动名称\n(必填)", "名称：",
                                    "活动主题", "主题"])
def test_header_spelling_variants(ws: Workspace, tmp_path: Path, header: str) -> None:
    path = write_book(tmp_path / "in.xlsx", [[header, "类别", "时间"], ["学雷锋", "志愿服务", "2026-03-05"]])
    report = run_import(ws, path)
    assert report.columns == {"title": header, "category": "类别", "start": "时间"}
    assert only_row(ws).title == "学雷锋"


def test_canonical_header_wins_over_synonym(ws: Workspace, tmp_path: Path) -> None:
    path = write_book(tmp_path / "in.xlsx", [
        ["日期", "活动名称", "活动类别", "开始时间"],
        ["2026-01-01", "元宵灯会", FESTIVAL, "2026-03-03 18:30"],
    ])
    report = run_import(ws, path)
    assert report.columns["start"] == "开始时间"
    assert only_row(ws).start == datetime(2026, 3, 3, 18, 30)


def test_missing_required_headers_are_named(ws: Workspace, tmp_path: Path) -> None:
    path = write_book(tmp_path / "in.xlsx", [["序号", "活动类别", "地点"], [1, FESTIVAL, "广场"]])
    problems = problems_of(ws, path)
    assert [p.field for p in problems] == ["活动名称", "开始时间"]
    assert all(p.row is None and "表头" in p.message for p in problems)
    assert count(ws) == 0


def test_header_must_be_in_first_ten_rows(ws: Workspace, tmp_path: Path) -> None:
    path = ledger(tmp_path / "in.xlsx", [activity()], title_rows=[f"说明第 {i} 行" for i in range(10)])
    assert {p.field for p in problems_of(ws, path)} == {"活动名称", "开始时间"}


def test_empty_sheet(ws: Workspace, tmp_path: Path) -> None:
    path = write_book(tmp_path / "empty.xlsx", [])
    (problem,) = problems_of(ws, path)
    assert problem.field == "文件" and "空" in problem.message


def test_headers_without_records(ws: Workspace, tmp_path: Path) -> None:
    path = write_book(tmp_path / "in.xlsx", [HEADERS, [None] * len(HEADERS)])
    (problem,) = problems_of(ws, path)
    assert "没有活动记录" in problem.message


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(("cell", "expected"), [
    (datetime(2026, 3, 5, 14, 30), datetime(2026, 3, 5, 14, 30)),
    (date(2026, 3, 5), datetime(2026, 3, 5)),
    ("2026-03-05", datetime(2026, 3, 5)),
    ("2026/3/5", datetime(2026, 3, 5)),
    ("2026.3.5", datetime(2026, 3, 5)),
    ("2026年3月5日", datetime(2026, 3, 5)),
    ("2026-03-05 08:30", datetime(2026, 3, 5, 8, 30)),
    ("2026/3/5 8:30:15", datetime(2026, 3, 5, 8, 30, 15)),
    ("2026.3.5 14:00", datetime(2026, 3, 5, 14)),
    ("2026年3月5日 9:30", datetime(2026, 3, 5, 9, 30)),
    ("２０２６年３月５日", datetime(2026, 3, 5)),
    ("２０２６－０３－０５　０９：３０", datetime(2026, 3, 5, 9, 30)),
    (" 2026-03-05 ", datetime(2026, 3, 5)),
])
def test_date_formats(ws: Workspace, tmp_path: Path, cell: object, expected: datetime) -> None:
    path = ledger(tmp_path / "in.xlsx", [activity(start=cell)])
    run_import(ws, path)
    row = only_row(ws)
    assert row.start == row.end == expected


def test_real_excel_date_cell_with_date_format(ws: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS[:4])
    sheet.append(["植树节", "卫生整治", datetime(2026, 3, 12), datetime(2026, 3, 12, 11)])
    sheet["C2"].number_format = "yyyy\"年\"m\"月\"d\"日\""
    book.save(tmp_path / "in.xlsx")
    run_import(ws, tmp_path / "in.xlsx")
    row = only_row(ws)
    assert (row.start, row.end) == (datetime(2026, 3, 12), datetime(2026, 3, 12, 11))


def test_end_written_as_same_date_means_same_day(ws: Workspace, tmp_path: Path) -> None:
    path = ledger(tmp_path / "in.xlsx", [activity(start="2026-03-05 09:00", end="2026-03-05")])
    run_import(ws, path)
    row = only_row(ws)
    assert row.start == row.end == datetime(2026, 3, 5, 9)


@pytest.mark.parametrize(("cell", "end"), [
    ("2026-03-05 09:00–11:30", datetime(2026, 3, 5, 11, 30)),
    ("2026-03-05 09:00-11:30", datetime(2026, 3, 5, 11, 30)),
    ("2026年3月5日 9:00～11:00", datetime(2026, 3, 5, 11)),
    ("2026-03-05 09:00–2026-03-06 17:00", datetime(2026, 3, 6, 17)),
    ("2026年3月5日至2026年3月7日", datetime(2026, 3, 7)),
])
def test_time_span_in_start_column(ws: Workspace, tmp_path: Path, cell: str, end: datetime) -> None:
    headers = ["活动名称", "活动类别", "活动时间"]
    path = write_book(tmp_path / "in.xlsx", [headers, ["学雷锋", "志愿服务", cell]])
    run_import(ws, path)
    row = only_row(ws)
    assert row.start.date() == date(2026, 3, 5) and row.end == end


@pytest.mark.parametrize(("cell", "expected"), [(30, 30), (30.0, 30), ("30", 30), ("30人", 30), ("３０", 30),
                                                ("３０ 人", 30), ("1,200", 1200), (None, 0), ("", 0), (0, 0)])
def test_participants(ws: Workspace, tmp_path: Path, cell: object, expected: int) -> None:
    run_import(ws, ledger(tmp_path / "in.xlsx", [activity(participants=cell)]))
    assert only_row(ws).participants == expected


@pytest.mark.parametrize("cell", ["约三十人", "30.5", 12.5, "若干", True])
def test_participants_not_a_number(ws: Workspace, tmp_path: Path, cell: object) -> None:
    (problem,) = problems_of(ws, ledger(tmp_path / "in.xlsx", [activity(participants=cell)]))
    assert (problem.field, problem.row) == ("参与人数", 2)
    assert "整数" in problem.message


def test_negative_participants(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, ledger(tmp_path / "in.xlsx", [activity(participants=-3)]))
    assert (problem.field, problem.row, problem.message) == ("参与人数", 2, "不能小于 0")


def test_category_by_path_or_unique_name(ws: Workspace, tmp_path: Path) -> None:
    records = [activity(title="a1", category="传统节日"), activity(title="a2", category=" 社会环境／传统节日 "),
               activity(title="a3", category="思想道德教育/宣传栏、板报宣传"), activity(title="a4", category="社会环境")]
    run_import(ws, ledger(tmp_path / "in.xlsx", records))
    with ws.read() as s:
        rows = list_activities(s, ActivityFilter(), sort="title")
    assert [r.category for r in rows] == ["传统节日", "传统节日", "宣传栏、板报宣传", "社会环境"]


def test_unknown_category_is_reported_not_invented(ws: Workspace, tmp_path: Path) -> None:
    with ws.read() as s:
        before = len(list_categories(s))
    path = ledger(tmp_path / "in.xlsx", [activity(), activity(category="广场舞比赛")])
    (problem,) = problems_of(ws, path)
    assert (problem.field, problem.row) == (FIELD_LABELS["category"], 3)
    assert "广场舞比赛" in problem.message
    with ws.read() as s:
        assert len(list_categories(s)) == before


def test_blank_category_is_reported_once(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, ledger(tmp_path / "in.xlsx", [activity(category=None)]))
    assert (problem.field, problem.row) == ("活动类别", 2)
    assert "必须填写" in problem.message


def test_ambiguous_category_name_asks_for_path(ws: Workspace, tmp_path: Path) -> None:
    with ws.write() as s:
        parent = next(c for c in list_categories(s) if c.name == "宣传教育")
        add_category(s, "传统节日", parent.id)
    (problem,) = problems_of(ws, ledger(tmp_path / "in.xlsx", [activity(category="传统节日")]))
    assert "宣传教育/传统节日" in problem.message and "社会环境/传统节日" in problem.message
    run_import(ws, ledger(tmp_path / "ok.xlsx", [activity(category="宣传教育/传统节日")]))
    assert only_row(ws).category == "传统节日"


def test_status_labels_and_defaults(ws: Workspace, tmp_path: Path) -> None:
    future = (datetime.now() + timedelta(days=30)).strftime("%Y-%m-%d")
    records = [activity(title="t1", start="2026-01-01"), activity(title="t2", start=future),
               activity(title="t3", **{"状态": "计划中"}), activity(title="t4", **{"状态": " 已开展 "})]
    run_import(ws, ledger(tmp_path / "in.xlsx", records))
    with ws.read() as s:
        rows = list_activities(s, ActivityFilter(), sort="title")
    assert [r.status for r in rows] == [ActivityStatus.DONE, ActivityStatus.PLANNED, ActivityStatus.PLANNED,
                                        ActivityStatus.DONE]


def test_archived_status_is_not_imported(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, ledger(tmp_path / "in.xlsx", [activity(**{"状态": "已归档"})]))
    assert problem.field == "状态" and "已归档" in problem.message


def test_unknown_status(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, ledger(tmp_path / "in.xlsx", [activity(**{"状态": "完成"})]))
    assert (problem.field, problem.row) == ("状态", 2)
    assert "完成" in problem.message and "已开展" in problem.message


# ---------------------------------------------------------------- rows and problems


def test_end_before_start(ws: Workspace, tmp_path: Path) -> None:
    path = ledger(tmp_path / "in.xlsx", [activity(start="2026-03-05 09:00", end="2026-03-04 10:00")])
    (problem,) = problems_of(ws, path)
    assert (problem.field, problem.row, problem.message) == ("结束时间", 2, "不能早于开始时间")


def test_bad_date_reported_once(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, ledger(tmp_path / "in.xlsx", [activity(start="三月五日")]))
    assert (problem.field, problem.row) == ("开始时间", 2)
    assert "三月五日" in problem.message


def test_every_problem_of_every_row_in_one_error(ws: Workspace, tmp_path: Path) -> None:
    records = [
        activity(title="好的一行"),
        activity(title="", category="不存在的类别"),  # row 3: two problems
        {},  # row 4: blank, skipped
        activity(title="人数错", participants="很多"),  # row 5
        activity(title="日期错", start="2026-02-30"),  # row 6
        activity(title="x" * 201, end="2026-04-03"),  # row 7: two problems
    ]
    problems = problems_of(ws, ledger(tmp_path / "in.xlsx", records, title_rows=["台账"]))
    assert [(p.row, p.field) for p in problems] == [
        (4, "活动类别"), (4, "活动名称"), (6, "参与人数"), (7, "开始时间"), (8, "活动名称"), (8, "结束时间"),
    ]
    assert count(ws) == 0


def test_blank_rows_are_skipped_and_row_numbers_kept(ws: Workspace, tmp_path: Path) -> None:
    headers = ["序号", *HEADERS]
    rows: list[list[object]] = [headers, [1, "a", FESTIVAL, "2026-01-01"], [2], [3, "  ", None, "\u3000"],
                                [], [4, "b", FESTIVAL, "2026-01-02"], [5, "c", "无此类", "2026-01-03"]]
    path = write_book(tmp_path / "in.xlsx", rows)
    (problem,) = problems_of(ws, path)
    assert problem.row == 7
    path = write_book(tmp_path / "ok.xlsx", rows[:-1])
    report = run_import(ws, path)
    assert (report.rows_read, report.created) == (2, 2)


def test_all_or_nothing(ws: Workspace, tmp_path: Path) -> None:
    run_import(ws, ledger(tmp_path / "first.xlsx", [activity(title="已有活动")]))
    records = [activity(title="好1"), activity(title="好2"), activity(title="好3"), activity(title="坏", participants=-1)]
    with pytest.raises(ValidationError), ws.write() as s:
        import_activities(s, ledger(tmp_path / "in.xlsx", records))
    assert count(ws) == 1


def test_preview_rolls_back_a_valid_import(ws: Workspace, tmp_path: Path) -> None:
    path = ledger(tmp_path / "in.xlsx", [activity(title=f"预览活动{i}") for i in range(5)])
    with ws.preview() as s:
        report = import_activities(s, path)
        assert count_activities(s) == 5
    assert (report.rows_read, report.created) == (5, 5)
    assert count(ws) == 0


def test_imported_rows_are_listed_and_searchable(ws: Workspace, tmp_path: Path) -> None:
    records = [activity(title="重阳节敬老活动", **{"活动地点": "老年活动中心", "活动内容": "为老人包饺子"}),
               activity(title="垃圾分类宣传", category="卫生整治", start="2026-05-10")]
    run_import(ws, ledger(tmp_path / "in.xlsx", records))
    with ws.read() as s:
        assert sorted(r.title for r in list_activities(s, ActivityFilter())) == ["垃圾分类宣传", "重阳节敬老活动"]
        assert [r.title for r in list_activities(s, ActivityFilter(text="重阳节敬老"))] == ["重阳节敬老活动"]
        assert [r.title for r in list_activities(s, ActivityFilter(text="包饺子"))] == ["重阳节敬老活动"]
        assert [r.title for r in list_activities(s, ActivityFilter(text="垃圾分类"))] == ["垃圾分类宣传"]


def test_does_not_commit(ws: Workspace, tmp_path: Path) -> None:
    path = ledger(tmp_path / "in.xlsx", [activity()])
    session = ws.sessions()
    try:
        assert import_activities(session, path).created == 1
        session.rollback()
    finally:
        session.close()
    assert count(ws) == 0


def test_timestamps_set(ws: Workspace, tmp_path: Path) -> None:
    before = datetime.now().replace(microsecond=0)
    run_import(ws, ledger(tmp_path / "in.xlsx", [activity()]))
    assert before <= only_row(ws).updated_at <= datetime.now()


# ---------------------------------------------------------------- progress


def test_progress_every_500_rows(ws: Workspace, tmp_path: Path) -> None:
    path = ledger(tmp_path / "in.xlsx", [activity(title=f"活动{i}") for i in range(1200)])
    calls: list[tuple[int, int]] = []
    with ws.write() as s:
        report = import_activities(s, path, progress=lambda done, total: calls.append((done, total)))
    assert report.created == 1200
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_cancel_propagates_and_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    path = ledger(tmp_path / "in.xlsx", [activity(title=f"活动{i}") for i in range(600)])

    def cancel(done: int, total: int) -> None:
        raise Cancelled()

    with pytest.raises(Cancelled), ws.write() as s:
        import_activities(s, path, progress=cancel)
    assert count(ws) == 0


# ---------------------------------------------------------------- files


def test_wrong_dimension_record_does_not_cut_rows(ws: Workspace, tmp_path: Path) -> None:
    good = ledger(tmp_path / "good.xlsx", [activity(title=f"活动{i}") for i in range(3)])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            dst.writestr(item, data)
    assert run_import(ws, bad).created == 3


@pytest.mark.parametrize(("name", "content"), [
    ("notes.xlsx", b"this is not a spreadsheet"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
    ("list.csv", "活动名称,开始时间\n清明,2026-04-04\n".encode()),
    ("empty.xlsx", b""),
])
def test_unreadable_file(ws: Workspace, tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    (problem,) = problems_of(ws, path)
    assert problem.field == "文件"
    assert "无法读取" in problem.message and "另存为 .xlsx" in problem.message
    assert name in problem.message


def test_zip_that_is_not_a_workbook(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    (problem,) = problems_of(ws, path)
    assert "无法读取" in problem.message


def test_missing_file(ws: Workspace, tmp_path: Path) -> None:
    (problem,) = problems_of(ws, tmp_path / "nowhere.xlsx")
    assert problem.field == "文件" and "找不到" in problem.message


# ---------------------------------------------------------------- template


def test_template_round_trip(ws: Workspace, tmp_path: Path) -> None:
    """The template imported unchanged gives no rows; filled in as its 填写说明 shows, it imports."""
    path = save_template(tmp_path / "out" / "活动导入模板.xlsx")
    assert path.is_file()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".part")]
    with pytest.raises(ValidationError, match="表头下面没有活动记录"):
        run_import(ws, path)
    assert count(ws) == 0

    book = load_workbook(path)
    sheet, instructions = book["活动"], book["填写说明"]
    example = {row[0]: row[3] for row in instructions.iter_rows(min_row=4, values_only=True) if row[0]}
    assert example["活动名称"] == "重阳节敬老活动" and example["开始时间"] == "2026-10-18 09:00"
    headers = [c.value for c in sheet[1]]
    sheet.append([example[h] if h != "活动名称" else "重阳节登高活动" for h in headers])  # a real record
    book.save(path)
    report = run_import(ws, path)
    assert (report.rows_read, report.created, report.header_row) == (1, 1, 1)
    row = only_row(ws)
    assert row.title == "重阳节登高活动" and row.category == "传统节日"
    assert row.start < row.end and row.participants > 0


def test_an_older_templates_example_row_is_skipped_and_said(ws: Workspace, tmp_path: Path) -> None:
    """Templates of earlier versions carried the example in row 2 of the data sheet: it is not data."""
    book = Workbook()
    keys = list(HEADER_SYNONYMS)
    book.active.append([HEADER_SYNONYMS[k][0] for k in keys])
    book.active.append([TEMPLATE_EXAMPLE.get(k) for k in keys])
    book.save(tmp_path / "old.xlsx")
    with pytest.raises(ValidationError, match="第 2 行是模板的示例，已跳过"):
        run_import(ws, tmp_path / "old.xlsx")
    book.active.append(["清明祭英烈", "传统节日", datetime(2026, 4, 4, 9)])
    book.save(tmp_path / "old.xlsx")
    report = run_import(ws, tmp_path / "old.xlsx")
    assert report.created == 1 and report.examples_skipped == [2]
    assert report.notes == ["第 2 行与模板的示例相同，是示例而不是记录，已跳过。"]
    assert only_row(ws).title == "清明祭英烈"


def test_template_layout(tmp_path: Path) -> None:
    path = save_template(tmp_path / "template.xlsx")
    book = load_workbook(path)
    sheet, instructions, categories = book.worksheets
    assert [c.value for c in sheet[1]] == [names[0] for names in HEADER_SYNONYMS.values()]
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert all((sheet.column_dimensions[c.column_letter].width or 0) >= 10 for c in sheet[1])
    assert sheet.max_row == 1  # headers only: the example lives on the 填写说明 sheet
    assert instructions.title == "填写说明"
    required = {row[0] for row in instructions.iter_rows(min_row=4, values_only=True) if row[1] == "必填"}
    assert required == {"活动名称", "开始时间"}
    assert categories.title == "类别"
    listed = [r[0] for r in categories.iter_rows(min_row=2, values_only=True)]
    assert listed == default_category_paths()
    assert "社会环境/传统节日" in listed and "文明创建" in listed


def test_default_category_paths_match_seeded_tree(ws: Workspace) -> None:
    with ws.read() as s:
        assert [c.path for c in list_categories(s)] == default_category_paths()


def test_template_replaces_existing_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"old")
    save_template(target)
    assert zipfile.is_zipfile(target)
    shutil.copy(target, tmp_path / "copy.xlsx")
    assert load_workbook(tmp_path / "copy.xlsx").sheetnames == ["活动", "填写说明", "类别"]


# ---------------------------------------------------------------- our own ledger


def test_exported_activity_ledger_imports_back(ws: Workspace, tmp_path: Path) -> None:
    from huiquan_desk.exports.activity_ledger import activity_ledger
    from huiquan_desk.exports.ledger import Letterhead
    from huiquan_desk.exports.xlsx import write_xlsx

    records = [activity(title="中秋游园会", start="2026-09-25 19:00", end="2026-09-25 21:00", **{"活动地点": "广场"}),
               activity(title="国庆升旗仪式", category="传统节日", start="2026-10-01 08:00",
                        end="2026-10-02 09:00", **{"备注": "=SUM(A1)"})]
    run_import(ws, ledger(tmp_path / "in.xlsx", records))
    with ws.read() as s:
        before = list_activities(s, ActivityFilter())
    write_xlsx(activity_ledger(before, Letterhead("惠泉社区"), None, None, None), tmp_path / "export.xlsx")

    # into the same ledger: every row is recognised as imported before
    duplicates = problems_of(ws, tmp_path / "export.xlsx")
    assert [(p.row, p.field) for p in duplicates] == [(4, "活动名称"), (5, "活动名称")]
    assert all("已经导入过" in p.message for p in duplicates)

    # into another community's ledger: everything comes across
    other = open_workspace(DataDir(tmp_path / "other"))
    report = run_import(other, tmp_path / "export.xlsx")
    assert (report.header_row, report.created) == (3, 2)
    with other.read() as s:
        after = list_activities(s, ActivityFilter())
    other.close()
    key = [(r.title, r.category, r.start, r.end, r.place, r.participants, r.remarks, r.status) for r in before]
    assert sorted(key) == sorted(
        (r.title, r.category, r.start, r.end, r.place, r.participants, r.remarks, r.status) for r in after)


def test_same_title_and_time_twice_in_a_file(ws: Workspace, tmp_path: Path) -> None:
    records = [activity(title="清明祭英烈", start="2026-04-04 09:00"), activity(title="清明祭英烈", start="2026-04-04 09:00")]
    (problem,) = problems_of(ws, ledger(tmp_path / "in.xlsx", records))
    assert (problem.row, problem.field) == (3, "活动名称") and "与第 2 行重复" in problem.message
