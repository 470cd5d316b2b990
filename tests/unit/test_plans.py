"""The annual plan (年度文明创建工作计划): the template, validation, phases, sections and tasks,
links and progress, the recycle bin round trip, and its prints read back."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.domain import plan as rules
from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.paths import bundled
from huiquan_desk.services import plan_links, plans
from huiquan_desk.services.activities import delete_activities
from huiquan_desk.services.exporting import export
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.plan_prints import export_plan
from huiquan_desk.services.recycle_bin import list_bin, restore_item
from huiquan_desk.services.settings import CommunityProfile, save_profile
from tests.helpers import category_id, draft

TODAY = date(2026, 11, 20)  # the fourth quarter of the plan's year
NAMES = {"社区书记": "欧阳娜娜", "宣传委员": "司马相如"}
LECTURE = "学习先进人物（道德讲堂）"


def make_plan(ws, year: int = 2026) -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", preparer="陶喆"))
        return plans.create_plan(s, year, names=NAMES)


def task_titled(ws, text: str, today: date = TODAY) -> plans.TaskRow:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return next(t for t in plans.task_list(s, 2026, today) if text in t.title)


def activity(ws, title: str, day: date, category: str = LECTURE, status: str = "done") -> int:  # type: ignore[no-untyped-def]
    from huiquan_desk.domain.activity import ActivityStatus
    from huiquan_desk.services.activities import create_activity

    with ws.write() as s:
        start = datetime(day.year, day.month, day.day, 9)
        return create_activity(s, draft(s, title=title, category_id=category_id(s, category), start=start,
                                        end=start.replace(hour=11), status=ActivityStatus(status)), ws.files)


# --- the template ----------------------------------------------------------------------------------
def test_the_template_names_categories_that_exist() -> None:
    data = json.loads((bundled("db") / "seed" / "plan.json").read_text(encoding="utf-8"))
    categories = json.loads((bundled("db") / "seed" / "categories.json").read_text(encoding="utf-8"))
    leaves = {c for node in categories["categories"] for c in node["children"]}
    template = rules.parse_template(data)
    assert len(template.sections) == 5
    counted = [t.target["category_count"]["category"] for s in template.sections for t in s.tasks if t.target]
    assert counted and set(counted) <= leaves
    with pytest.raises(ValidationError, match="due"):
        rules.parse_template({"title": "x", "sections": [{"title": "一", "tasks": [
            {"title": "t", "due": "13-40", "phase": "宣传发动"}]}]})
    with pytest.raises(ValidationError, match="阶段"):
        rules.parse_template({"title": "x", "sections": [{"title": "一", "tasks": [
            {"title": "t", "due": "12-31", "phase": "冲刺"}]}]})


def test_the_plan_from_the_template_and_only_one_a_year(ws) -> None:
    make_plan(ws)
    with ws.read() as s:
        detail = plans.get_plan(s, 2026, TODAY)
    assert detail is not None and detail.title == "惠泉社区2026年度文明创建工作计划"
    assert "2026年惠泉社区文明创建工作计划制定如下" in detail.preamble
    assert [p.name for p in detail.phases] == ["宣传发动", "重点推进", "巩固迎检"]
    assert (detail.phases[0].date_from, detail.phases[-1].date_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert [s.number for s in detail.sections] == ["一、", "二、", "三、", "四、", "五、"]
    assert detail.sections[0].title == "提升社区居民文明素质，加强公民思想道德教育"
    assert detail.sections[4].title.startswith("积极开展文明创建活动")
    titles = [t.title for t in detail.tasks]
    for words in ("宣传栏", "道德讲堂", "清明、端午、中秋、重阳、国庆", "志愿服务", "文明家庭、文明居民、文明邻里", "普法宣传",
                  "环境卫生"):
        assert any(words in t for t in titles), words
    lecture = task_titled(ws, "道德讲堂")
    assert (lecture.lead, lecture.owner, lecture.number) == ("欧阳娜娜", "司马相如", "（三）")
    assert json.loads(lecture.target) == {"category_count": {"category": LECTURE, "n": 1, "per": "quarter"}}
    assert lecture.due == date(2026, 12, 31) and lecture.phase_name == "重点推进" and lecture.status_label == "未开始"
    with ws.write() as s, pytest.raises(ValidationError, match="2026年度已有工作计划"):
        plans.create_plan(s, 2026)
    with ws.read() as s:
        assert plans.plan_years(s) == [2026] and plans.get_plan(s, 2027) is None


# --- validation ------------------------------------------------------------------------------------
def test_every_task_field_is_checked_by_name(ws) -> None:
    make_plan(ws)
    with ws.read() as s:
        detail = plans.require_plan(s, 2026)
    section = detail.sections[0].id
    with ws.write() as s, pytest.raises(ValidationError) as err:
        plans.add_task(s, section, plans.TaskDraft("", lead="张" * 51, due=date(2027, 1, 5), status="差不多",
                                                   target='{"hours_on_time": {"workdays": 10}}'))
    assert {p.field for p in err.value.problems} == {"工作任务", "责任领导", "完成时限", "状态", "目标规则"}
    with ws.write() as s, pytest.raises(ValidationError, match="找不到活动类别「跳广场舞」"):
        plans.add_task(s, section, plans.TaskDraft("广场舞", target=json.dumps(
            {"category_count": {"category": "跳广场舞", "n": 1, "per": "month"}}, ensure_ascii=False)))
    with ws.write() as s, pytest.raises(ValidationError, match="JSON"):
        plans.add_task(s, section, plans.TaskDraft("广场舞", target="{每月一次"))
    with ws.write() as s:  # a count target without its sentence gets one
        tid = plans.add_task(s, section, plans.TaskDraft("每月卫生大扫除", status="推进中", due=date(2026, 6, 30), target=json.dumps(
            {"category_count": {"category": "卫生整治", "n": 2, "per": "month"}}, ensure_ascii=False)))
    row = task_titled(ws, "每月卫生大扫除")
    assert row.id == tid and row.status == "in_progress" and row.target_text == "卫生整治类活动每月至少 2 次"
    with ws.write() as s, pytest.raises(ValidationError, match="必须填写"):
        plans.update_plan(s, detail.id, " ", "")


def test_phases_inside_the_year_and_in_order(ws) -> None:
    make_plan(ws)
    with ws.read() as s:
        detail = plans.require_plan(s, 2026)
    ids = [p.id for p in detail.phases]
    with ws.write() as s, pytest.raises(ValidationError) as err:
        plans.set_phases(s, detail.id, [(ids[0], "宣传发动", date(2025, 12, 1), date(2026, 3, 31)),
                                        (ids[1], "重点推进", date(2026, 3, 1), date(2026, 2, 1)),
                                        (ids[2], "", date(2026, 10, 1), date(2027, 1, 31))])
    messages = {str(p) for p in err.value.problems}
    assert "第 1 行「开始日期」：应在 2026 年内" in messages
    assert "第 2 行「结束日期」：不能早于开始日期" in messages
    assert any(p.row == 2 and "应在上一阶段「宣传发动」结束" in p.message for p in err.value.problems)
    assert "第 3 行「阶段」：必须填写" in messages and "第 3 行「结束日期」：应在 2026 年内" in messages
    lecture = task_titled(ws, "道德讲堂")
    with ws.write() as s:  # two phases: the third goes, its tasks keep no phase
        plans.set_phases(s, detail.id, [(ids[0], "准备", date(2026, 1, 1), date(2026, 5, 31)),
                                        (ids[1], "推进", date(2026, 6, 1), date(2026, 12, 31))])
        again = plans.require_plan(s, 2026)
    assert [(p.name, p.date_to) for p in again.phases] == [("准备", date(2026, 5, 31)), ("推进", date(2026, 12, 31))]
    assert task_titled(ws, "道德讲堂").phase_name == "推进" and lecture.phase_id == ids[1]
    assert task_titled(ws, "纠纷").phase_name == ""  # it was in 巩固迎检


def test_sections_and_tasks_edit_move_and_remove(ws) -> None:
    make_plan(ws)
    with ws.read() as s:
        detail = plans.require_plan(s, 2026)
    first, second = detail.sections[0], detail.sections[1]
    with ws.write() as s:
        assert plans.move_section(s, second.id, -1) and not plans.move_section(s, second.id, -1)
        plans.update_section(s, first.id, "思想道德教育", "新的说明")
        moved = first.tasks[0]
        assert plans.move_task(s, moved.id, 1)
        new = plans.add_section(s, detail.id, "创建特色品牌")
        d = plans.task_draft(moved)
        d.section_id = new
        plans.update_task(s, moved.id, d)
        plans.remove_task(s, first.tasks[1].id)
        after = plans.require_plan(s, 2026)
    assert [x.title for x in after.sections][:2] == [second.title, "思想道德教育"]
    assert after.sections[1].number == "二、" and after.sections[1].intro == "新的说明"
    assert [t.title for t in after.sections[1].tasks] == [t.title for t in first.tasks[2:]]
    assert [t.title for t in after.sections[-1].tasks] == [moved.title]
    with ws.write() as s:
        assert plans.remove_section(s, after.sections[0].id) == len(second.tasks)
        assert len(plans.require_plan(s, 2026).sections) == 5
    with ws.write() as s, pytest.raises(ValidationError, match="必须填写"):
        plans.add_section(s, detail.id, "  ")


# --- links and progress ----------------------------------------------------------------------------
def test_progress_counts_linked_activities_per_quarter(ws) -> None:
    make_plan(ws)
    lecture = task_titled(ws, "道德讲堂")
    q1 = activity(ws, "道德讲堂：身边好人", date(2026, 2, 16))
    q2 = activity(ws, "道德讲堂：道德模范", date(2026, 5, 10))
    planned = activity(ws, "道德讲堂：最美家庭", date(2026, 8, 10), status="planned")  # not held: not counted
    other_year = activity(ws, "道德讲堂：往年", date(2025, 5, 10))
    with ws.write() as s:
        for aid in (q1, q2, planned, other_year):
            plan_links.link_record(s, lecture.id, "activities", aid)
    row = task_titled(ws, "道德讲堂")
    assert row.links == 4 and row.progress.done == 2 and row.progress.total == 4 and row.progress.behind == 1
    assert row.progress.text == "2/4 个季度达标（1 个季度未达标）" and not row.overdue
    with ws.write() as s, pytest.raises(ValidationError, match="已关联到任务"):
        plan_links.link_record(s, lecture.id, "activities", q1)
    with ws.write() as s, pytest.raises(NotFoundError):
        plan_links.link_record(s, lecture.id, "campaigns", 999)
    with ws.read() as s:
        assert [r.record.title for r in plan_links.task_links(s, lecture.id)][:2] == ["道德讲堂：往年", "道德讲堂：身边好人"]
        linked = plan_links.tasks_of_record(s, "activities", q2)
    assert [(t.year, t.number, t.title) for t in linked] == [(2026, "一、（三）", lecture.title)]
    with ws.write() as s:
        plan_links.unlink_record(s, lecture.id, "activities", q2)
    assert task_titled(ws, "道德讲堂").progress.text == "1/4 个季度达标（2 个季度未达标）"


def test_progress_from_records_and_overdue(ws) -> None:
    make_plan(ws)
    convention = task_titled(ws, "文明公约")  # due 06-30, judged from its links
    assert convention.progress.text == "尚未关联记录" and convention.overdue
    held = activity(ws, "文明公约修订座谈会", date(2026, 4, 2), "文明公约")
    later = activity(ws, "文明公约公布", date(2026, 12, 10), "文明公约", status="planned")
    with ws.write() as s:
        plan_links.link_record(s, convention.id, "activities", held)
        plan_links.link_record(s, convention.id, "activities", later)
    row = task_titled(ws, "文明公约")
    assert row.progress.text == "1/2 条记录已完成" and row.overdue
    assert row.state_text(TODAY) == "未开始；1/2 条记录已完成；已逾期 143 天"
    with ws.read() as s:
        assert convention.id in [t.id for t in plans.overdue_tasks(s, 2026, TODAY)]
    with ws.write() as s:
        d = plans.task_draft(row)
        d.status = "已完成"
        plans.update_task(s, row.id, d)
    assert not task_titled(ws, "文明公约").overdue


def test_a_filed_activity_can_still_be_linked(ws) -> None:
    from huiquan_desk.services.filing import file_records

    make_plan(ws)
    aid = activity(ws, "道德讲堂：身边好人", date(2026, 2, 16))
    with ws.write() as s:
        [item] = file_records(s, ws.files, activity_ids=[aid])
    lecture = task_titled(ws, "道德讲堂")
    filing = task_titled(ws, "整理归档")
    with ws.write() as s:
        plan_links.link_record(s, lecture.id, "activities", aid)
        plan_links.link_record(s, filing.id, "archive_items", item)
        refs = plan_links.linkable_records(s, 2026, "archive_items", "身边好人")
    assert task_titled(ws, "道德讲堂").progress.done == 1
    assert [r.id for r in refs] == [item] and refs[0].kind == "归档文件"
    assert task_titled(ws, "整理归档").progress.text == "1/1 条记录已完成"
    from huiquan_desk.services.archives import remove_item

    with ws.write() as s:  # the item to the bin and back: its link with it
        remove_item(s, item)
    assert task_titled(ws, "整理归档").links == 0
    with ws.write() as s:
        restore_item(s, list_bin(s)[0].id)
    assert task_titled(ws, "整理归档").links == 1


def test_links_go_to_the_bin_with_their_record_and_come_back(ws) -> None:
    make_plan(ws)
    lecture = task_titled(ws, "道德讲堂")
    aid = activity(ws, "道德讲堂：身边好人", date(2026, 2, 16))
    with ws.write() as s:
        plan_links.link_record(s, lecture.id, "activities", aid)
        delete_activities(s, [aid])
    assert task_titled(ws, "道德讲堂").links == 0
    with ws.write() as s:
        [entry] = list_bin(s)
        assert entry.children.get("plan_task_links") == 1 and "任务关联记录 1" in entry.children_text
        info = restore_item(s, entry.id)
    row = task_titled(ws, "道德讲堂")
    assert row.links == 1 and row.progress.done == 1
    with ws.read() as s:
        assert [t.task_id for t in plan_links.tasks_of_record(s, "activities", info.entity_id)] == [lecture.id]
    # the task removed while the activity waits in the bin: the activity comes back without the link
    with ws.write() as s:
        delete_activities(s, [info.entity_id])
        plans.remove_task(s, lecture.id)
        [entry] = list_bin(s)
        again = restore_item(s, entry.id)
    assert any("关联" in note for note in again.notes)


def test_a_campaign_link_goes_and_comes_back_with_it(ws) -> None:
    from huiquan_desk.domain.family import Stage
    from huiquan_desk.services.campaigns import delete_campaign
    from tests.family_helpers import campaign_through, household

    make_plan(ws)
    task = task_titled(ws, "文明家庭")
    with ws.write() as s:
        cid = campaign_through(s, [household(s)], 1, Stage.COMMEND)
        plan_links.link_record(s, task.id, "campaigns", cid)
    assert task_titled(ws, "文明家庭").progress.text == "1/1 条记录已完成"
    with ws.write() as s:
        bin_id = delete_campaign(s, cid)
    assert task_titled(ws, "文明家庭").links == 0
    with ws.write() as s:
        restore_item(s, bin_id)
    assert task_titled(ws, "文明家庭").links == 1


# --- prints ----------------------------------------------------------------------------------------
def test_the_plan_prints_as_pdf_and_workbook(ws, tmp_path: Path) -> None:
    make_plan(ws)
    lecture = task_titled(ws, "道德讲堂")
    with ws.write() as s:
        plan_links.link_record(s, lecture.id, "activities", activity(ws, "道德讲堂", date(2026, 2, 16)))
    with ws.read() as s:
        pdf = export_plan(s, 2026, tmp_path / "计划.pdf", today=TODAY)
        book = export_plan(s, 2026, tmp_path / "计划.xlsx", today=TODAY)
        with pytest.raises(NotFoundError, match="2030年度还没有工作计划"):
            export_plan(s, 2030, tmp_path / "x.pdf")
        with pytest.raises(ValidationError, match="pdf 或 xlsx"):
            export_plan(s, 2026, tmp_path / "x.docx")
    reader = PdfReader(pdf)
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert len(reader.pages) >= 2 and reader.metadata.title == "惠泉社区2026年度文明创建工作计划"
    for words in ("惠泉社区2026年度文明创建工作计划", "工作步骤", "第一阶段：宣传发动", "一、提升社区居民文明素质",
                  "（三）举办道德讲堂", "责任人：司马相如", "责任领导：欧阳娜娜", "惠泉社区居民委员会"):
        assert words in text, words
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["工作计划", "责任分解表"]
    plan_sheet, table = wb["工作计划"], wb["责任分解表"]
    assert plan_sheet["A1"].value == "惠泉社区2026年度文明创建工作计划"
    column = [c.value for c in plan_sheet["A"] if c.value]
    assert any(v.startswith("（三）举办道德讲堂") for v in column)
    assert all(plan_sheet.row_dimensions[r].height for r in range(1, plan_sheet.max_row + 1) if plan_sheet.cell(r, 1).value)
    assert plan_sheet.page_setup.orientation == "portrait" and str(plan_sheet.page_setup.paperSize) == "9"
    assert table["A1"].value == "惠泉社区2026年度文明创建工作责任分解表"
    headers = [c.value for c in table[3]]
    assert headers == ["序号", "工作板块", "工作任务", "工作标准", "责任领导", "责任人", "完成时限", "阶段", "目标", "进度/状态"]
    rows = [[c.value for c in row] for row in table.iter_rows(min_row=4, max_row=3 + 21)]
    lecture_row = next(r for r in rows if str(r[2]).startswith("（三）举办道德讲堂"))
    assert lecture_row[5] == "司马相如" and lecture_row[4] == "欧阳娜娜" and "1/4 个季度达标" in lecture_row[9]
    assert table.page_setup.orientation == "landscape" and table.print_title_rows == "$3:$3"
    assert all(table.row_dimensions[r].height >= 14 for r in range(4, 25))
    tall = max(range(4, 25), key=lambda r: table.row_dimensions[r].height)
    assert table.row_dimensions[tall].height > 14.5 * 2  # a long 工作标准 wraps, and its row grows


def test_the_responsibility_table_from_the_ledger_registry(ws, tmp_path: Path) -> None:
    make_plan(ws)
    out = tmp_path / "责任分解表.pdf"
    assert export(ws, "responsibilities", LedgerParams(year=2026), out) == 21
    text = "".join(p.extract_text() for p in PdfReader(out).pages).replace(" ", "")
    for words in ("惠泉社区2026年度文明创建工作责任分解表", "工作标准", "责任领导", "进度/状态", "司马相如", "工作阶段：宣传发动"):
        assert words in text, words
    with pytest.raises(NotFoundError, match="2031年度还没有工作计划"):
        export(ws, "responsibilities", LedgerParams(year=2031), tmp_path / "x.xlsx")


def test_progress_and_numbering_rules() -> None:
    days = [date(2026, 1, 5), date(2026, 1, 20), date(2026, 3, 3)]
    monthly = rules.count_progress("month", 1, 2026, days, date(2026, 4, 15))
    assert (monthly.done, monthly.total, monthly.behind) == (2, 12, 1)  # January, March; February missed
    assert monthly.text == "2/12 个月达标（1 个月未达标）" and not monthly.complete
    yearly = rules.count_progress("year", 2, 2026, days, date(2026, 4, 15))
    assert yearly.text == "已开展 3 次（目标 2 次）" and yearly.complete
    assert rules.records_progress(0, 0).text == "尚未关联记录"
    assert [rules.chinese_number(n) for n in (1, 10, 12, 20, 21)] == ["一", "十", "十二", "二十", "二十一"]
    assert rules.section_number(5) == "五、" and rules.task_number(11) == "（十一）"
    assert rules.is_overdue(date(2026, 3, 1), "in_progress", False, date(2026, 3, 2))
    assert not rules.is_overdue(date(2026, 3, 1), "dropped", False, date(2026, 3, 2))
    assert not rules.is_overdue(date(2026, 3, 1), "planned", True, date(2026, 3, 2))
    assert rules.status_key("推进中") == "in_progress" and rules.status_key("搁置") is None


def test_the_plan_title_and_preamble_are_edited(ws) -> None:
    plan_id = make_plan(ws)
    with ws.write() as s:
        plans.update_plan(s, plan_id, " 惠泉社区2026年度创建工作计划（修订） ", "指导思想：以人为本。")
    with ws.read() as s:
        detail = plans.require_plan(s, 2026)
    assert (detail.title, detail.preamble) == ("惠泉社区2026年度创建工作计划（修订）", "指导思想：以人为本。")


def test_the_demo_has_this_years_plan_with_names_and_links(ws) -> None:
    from huiquan_desk.services.demo import STAFF, fill_demo

    fill_demo(ws, today=TODAY)
    with ws.read() as s:
        detail = plans.require_plan(s, 2026, TODAY)
    staff = {p.name for p in STAFF.values()}
    assert all(t.lead in staff and t.owner in staff for t in detail.tasks)
    lecture = next(t for t in detail.tasks if "道德讲堂" in t.title)
    assert lecture.links >= 3 and lecture.progress.done >= 3
    families = next(t for t in detail.tasks if "文明家庭" in t.title)
    with ws.read() as s:
        assert any(r.record.table == "campaigns" for r in plan_links.task_links(s, families.id))
    filing = next(t for t in detail.tasks if "整理归档" in t.title)
    assert filing.links > 0 and filing.status == "done"  # last year's items filed by June 30
    assert {t.status for t in detail.tasks} <= {"done", "in_progress"}
