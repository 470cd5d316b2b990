"""The checklist as Excel (services.checklist_io): exported and imported on a fresh workspace it is
the same checklist and judges the same; imported again it updates by 编号 and adds what is new;
hostile files (not a zip, the wrong sheet, formulas, huge text, 100,000 rows, a bad rule, an
unknown category, a 编号 twice) are refused with Chinese messages naming row and column, and
nothing is written. The command line exports, imports and writes the template."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from huiquan_desk.domain.activity import NewAttachment
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.paths import DataDir
from huiquan_desk.services import assessment
from huiquan_desk.services.assessment import ChecklistDraft
from huiquan_desk.services.checklist_io import MAX_ITEMS, export_checklist, import_checklist
from huiquan_desk.services.imports import IMPORTS
from huiquan_desk.services.workspace import open_workspace
from tests.helpers import log_activity, make_image

HEAD = ["编号", "测评项目", "指标", "测评内容", "分值", "测评方法", "评定规则", "评档标准", "顺序", "已停用"]
FESTIVAL = '{"category_count": {"category": "传统节日", "n": 1, "per": "month"}}'


@pytest.fixture
def other(tmp_path: Path):  # type: ignore[no-untyped-def]
    workspace = open_workspace(DataDir(tmp_path / "other"))
    yield workspace
    workspace.close()


def fields(item: assessment.ItemSpec) -> tuple:  # type: ignore[type-arg]
    return (item.code, item.project, item.indicator, item.content, item.points, item.method, item.rule,
            item.thresholds, item.sort_order, item.retired)


def checklist(ws) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    with ws.read() as s:
        return [fields(i) for i in assessment.list_items(s)]


def book(path: Path, rows: list[list[object]], head: list[str] = HEAD) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def refused(ws, path: Path) -> ValidationError:  # type: ignore[no-untyped-def]
    before = checklist(ws)
    with pytest.raises(ValidationError) as caught:
        with ws.write() as s:
            import_checklist(s, path)
    assert checklist(ws) == before  # nothing written
    return caught.value


def seeded(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        assessment.seed_checklist(s)
        items = {i.code: i for i in assessment.list_items(s)}
        assessment.retire_item(s, items["WC-05"].id)
        assessment.add_item(s, ChecklistDraft("=X-01", "社会环境", "重阳节", "-开头的内容\n两行", 2.5, "听取汇报", FESTIVAL,
                                              "1/2/2", 999))


def test_round_trip_on_a_fresh_workspace_gives_the_same_checklist_and_evaluation(ws, other, tmp_path) -> None:
    seeded(ws)
    for workspace in (ws, other):
        log_activity(workspace, [NewAttachment(str(make_image(tmp_path / "p.jpg")))], title="中秋节活动", start=datetime(2026, 9, 20, 9))
    path = tmp_path / "测评项目.xlsx"
    with ws.read() as s:
        assert export_checklist(s, path) == 16
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]][:7] == HEAD[:7] and sheet["A17"].data_type == "s"  # '=X-01' stays text
    with other.write() as s:
        report = import_checklist(s, path)
    assert (report.added, report.updated, report.created) == (16, 0, 16)
    assert checklist(other) == checklist(ws)
    period = (date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 10))
    with ws.read() as s, other.read() as t:
        mine = [(r.code, r.grade, r.score, [p.text for p in r.problems]) for r in assessment.evaluate(s, *period)]
        theirs = [(r.code, r.grade, r.score, [p.text for p in r.problems]) for r in assessment.evaluate(t, *period)]
    assert mine == theirs and any(code == "=X-01" for code, *_ in mine)


def test_imported_again_it_updates_by_code_and_adds_what_is_new(ws, tmp_path) -> None:
    seeded(ws)
    path = tmp_path / "items.xlsx"
    with ws.read() as s:
        export_checklist(s, path)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    head = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=head.index("分值") + 1, value="9分")
    retired = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "WC-05")
    sheet.cell(row=retired, column=head.index("已停用") + 1, value="否")
    sheet.append(["zz-01", "文明创建", "新项目", "", 3, "", "", "", "", ""])
    sheet.delete_rows(3)  # an item the file leaves out stays as it is
    workbook.save(path)
    with ws.write() as s:
        report = import_checklist(s, path)
    assert (report.added, report.updated) == (1, 15) and "新增 1 项，更新 15 项" in report.notes[-1]
    with ws.read() as s:
        items = {i.code: i for i in assessment.list_items(s)}
    assert items["SX-01"].points == 9 and not items["WC-05"].retired and items["SX-02"].points == 6
    assert items["ZZ-01"].method == "材料审核" and items["ZZ-01"].rule == "" and items["ZZ-01"].thresholds == "0/1/2"
    # a file of only some columns keeps what it does not name
    with ws.write() as s:
        import_checklist(s, book(tmp_path / "few.xlsx", [["SX-01", "思想道德教育", "道德讲堂（改）"]], HEAD[:3]))
    with ws.read() as s:
        item = next(i for i in assessment.list_items(s) if i.code == "SX-01")
    assert item.indicator == "道德讲堂（改）" and item.points == 9 and "category_count" in item.rule


def test_not_a_workbook_or_the_wrong_sheet(ws, tmp_path) -> None:
    text = tmp_path / "测评项目.xlsx"
    text.write_text("编号,测评项目\nSX-01,思想道德教育\n", encoding="utf-8")
    assert "不是有效的 Excel" in str(refused(ws, text))
    roster = book(tmp_path / "roster.xlsx", [["王建国", "3", "501"]], ["户主", "楼栋", "门牌"])
    problems = refused(ws, roster).problems
    assert {p.field for p in problems} == {"编号", "测评项目", "指标"} and "找不到这一列" in problems[0].message
    empty = book(tmp_path / "empty.xlsx", [])
    assert "下面没有测评项目" in str(refused(ws, empty))


def test_every_bad_row_is_named_by_row_and_column(ws, tmp_path) -> None:
    seeded(ws)
    path = book(tmp_path / "bad.xlsx", [
        ["A-01", "项目", "指标", "", 5, "材料审核", "{not json", "", "", ""],
        ["A-02", "项目", "指标", "", 5, "材料审核", '{"category_count": {"category": "火星节", "n": 1, "per": "month"}}'],
        ["A-01", "项目", "指标", "", 5],
        ["A-03", "项目", "指标", "长" * 5000, "五分", "拍脑袋", "", "3/2/1", "", "也许"],
        ["A-04", "项目", "指标", "", 5, "材料审核", "{" + "x" * 5000 + "}"],
        ["", "项目", "指标"],
    ])
    error = refused(ws, path)
    found = {(p.row, p.field): p.message for p in error.problems}
    assert "JSON 格式有误" in found[(2, "评定规则")]
    assert "找不到活动类别「火星节」" in found[(3, "评定规则")]
    assert "与第 2 行重复" in found[(4, "编号")]
    assert "2000" in found[(5, "测评内容")]
    assert "不是分值" in found[(5, "分值")] and "也许" in found[(5, "已停用")]
    assert "不能超过 2000 个字" in found[(6, "评定规则")]
    assert found[(7, "编号")] == "必须填写"
    assert "第 2 行「评定规则」" in str(error)  # the message names row and column
    # a row whose cells read is checked by the form's rules: the method and the thresholds too
    fixed = book(tmp_path / "fixed.xlsx", [["A-03", "项目", "指标", "", 5, "拍脑袋", "", "3/2/1"]])
    error = refused(ws, fixed)
    fields_found = {p.field for p in error.problems}
    assert {"测评方法", "评档标准"} <= fields_found


def test_formula_cells_are_refused(ws, tmp_path) -> None:
    path = book(tmp_path / "formula.xlsx", [["F-01", "项目", "指标", "", "=2+3", "材料审核"],
                                             ["F-02", "项目", '=CONCAT("指","标")', "", 5, "材料审核"]])
    problems = refused(ws, path).problems
    assert [(p.row, p.field) for p in problems if "公式" in p.message] == [(2, "分值"), (3, "指标")]


def test_a_hundred_thousand_rows_stop_at_once(ws, tmp_path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEAD)
    for n in range(100_000):
        sheet.append([f"R-{n}", "项目", "指标"])
    path = tmp_path / "huge.xlsx"
    workbook.save(path)
    error = refused(ws, path)
    assert f"上限 {MAX_ITEMS} 项" in str(error) and len(error.problems) == 1


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it: its own process (it holds the data folder's lock)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "huiquan_desk", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_the_command_line_exports_imports_and_writes_the_template(ws, tmp_path) -> None:
    seeded(ws)
    folder = str(ws.data.root)
    ws.close()
    out = tmp_path / "items.xlsx"
    done = cli("--data-dir", folder, "export", "checklist-items", "-o", str(out))
    assert done.returncode == 0 and "16 项" in done.stdout, done.stderr
    fresh = str(tmp_path / "fresh")
    done = cli("--data-dir", fresh, "import", "checklist", str(out), "--dry-run")
    assert done.returncode == 0 and "检查通过：16 行" in done.stdout, done.stderr
    done = cli("--data-dir", fresh, "import", "checklist", str(out))
    assert done.returncode == 0 and "已导入 16 项测评项目" in done.stdout, done.stderr
    template = tmp_path / "template.xlsx"
    assert cli("--data-dir", fresh, "template", "checklist", "-o", str(template)).returncode == 0
    sheets = load_workbook(template).sheetnames
    assert sheets[0] == "测评项目" and "填写说明" in sheets and "checklist" in IMPORTS
    # the template as it is imports nothing (its example is on 填写说明)
    done = cli("--data-dir", fresh, "import", "checklist", str(template))
    assert done.returncode == 2 and "下面没有测评项目" in done.stderr
