"""The 年度计划 page: generate the year's plan, add and edit a task through its dialog, link a
record and open it, export the plan and the 责任分解表 from the page and read them back, and the
page and its dialogs on a 1280×720 screen."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.services import plans
from huiquan_desk.ui import export_actions, plan_page
from huiquan_desk.ui.plan_dialogs import LinkDialog, PlanTaskDialog
from tests.helpers import category_id, draft, wait_task
from tests.ui.test_screens import assert_fits, small_screen  # noqa: F401 - the fixture

YEAR = date.today().year


@pytest.fixture
def page(window):  # type: ignore[no-untyped-def]
    return window.go("plan")


def lecture_activity(ws) -> int:  # type: ignore[no-untyped-def]
    from huiquan_desk.services.activities import create_activity

    with ws.write() as s:
        start = datetime(YEAR, 1, 8, 9)
        return create_activity(s, draft(s, title="道德讲堂：身边好人", category_id=category_id(s, "学习先进人物（道德讲堂）"),
                                        start=start, end=start.replace(hour=11)), ws.files)


def tree_texts(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Each task row's cells by its title column."""
    out = {}
    for r in range(page.model.rowCount()):
        head = page.model.item(r, 0)
        for c in range(head.rowCount()):
            cells = [head.child(c, k).text() for k in range(page.model.columnCount())]
            out[cells[0]] = cells
    return out


@pytest.mark.expect_errors
def test_generate_add_edit_and_link(page, window, ws, monkeypatch, shown) -> None:
    assert page.stack.currentIndex() == 0 and page.generate_button.isVisibleTo(page)
    assert f"{YEAR} 年度还没有文明创建工作计划" in page.empty_text.text()
    assert page.generate()
    assert page.stack.currentIndex() == 1 and page.model.rowCount() == 5
    assert "宣传发动" in page.phases_label.text() and page.title.text().endswith("年度文明创建工作计划")
    assert page.generate() is False  # the year has its plan: said, nothing doubled
    assert "已有工作计划" in str(shown.errors[-1])

    # a new task through the real dialog: an empty title is refused under its field, then saved
    def fill_new(ws_, detail, section_id, task=None, parent=None):  # type: ignore[no-untyped-def]
        dialog = PlanTaskDialog(ws_, detail, section_id, task, parent)
        assert not dialog.save() and dialog.form.errors["工作任务"].isVisibleTo(dialog)
        dialog.title_edit.setText("重阳节敬老主题活动")
        dialog.lead.setText("欧阳娜娜")
        dialog.owner.setText("司马相如")
        dialog.kind.setCurrentIndex(1)
        dialog.category.setCurrentIndex(dialog.category.findText("社会环境/传统节日"))
        dialog.per.setCurrentIndex(dialog.per.findData("year"))
        assert dialog.save()
        return dialog.saved_id

    monkeypatch.setattr(plan_page.PlanTaskDialog, "ask", fill_new)
    page.select("section", page.detail.sections[3].id)
    page.add_task()
    rows = tree_texts(page)
    new = next(cells for title, cells in rows.items() if title.endswith("重阳节敬老主题活动"))
    assert new[1:3] == ["欧阳娜娜", "司马相如"] and new[5] == "传统节日类活动每年至少 1 次"
    assert page.selected_task() is not None and page.selected_task().title == "重阳节敬老主题活动"

    def edit(ws_, detail, section_id, task=None, parent=None):  # type: ignore[no-untyped-def]
        dialog = PlanTaskDialog(ws_, detail, section_id, task, parent)
        dialog.owner.setText("王堃")
        dialog.status.setCurrentIndex(dialog.status.findData("in_progress"))
        assert dialog.save()
        return dialog.saved_id

    monkeypatch.setattr(plan_page.PlanTaskDialog, "ask", edit)
    page.edit_selected()
    row = tree_texts(page)[f"{page.selected_task().number}重阳节敬老主题活动"]
    assert row[2] == "王堃" and row[7] == "推进中"

    # link an activity to 道德讲堂 through the 关联记录 dialog, then open it from the list
    aid = lecture_activity(ws)
    lecture = next(t for t in page.detail.tasks if "道德讲堂" in t.title)
    page.select("task", lecture.id)

    def link(ws_, task, year, parent=None):  # type: ignore[no-untyped-def]
        dialog = LinkDialog(ws_, task, year, parent)
        dialog.search.setText("身边好人")
        assert dialog.model.rowCount() == 1
        dialog.view.selectRow(0)
        dialog.link_selected()
        assert dialog.model.data(dialog.model.index(0, 0)) == "✓"
        return dialog.changed

    monkeypatch.setattr(plan_page.LinkDialog, "ask", link)
    page.link_records()
    assert page.links.rowCount() == 1 and page.links.row(0).record.id == aid
    assert tree_texts(page)[f"{lecture.number}{lecture.title}"][6].startswith("1/4 个季度达标")
    assert page.open_link(0) and window.current_key == "activities"
    assert window.show_record("plan_tasks", lecture.id) and window.current_key == "plan"
    assert page.selected_task().id == lecture.id

    page.move_selected(-1)
    with ws.read() as s:
        assert plans.get_task(s, lecture.id).number == "（二）"


def test_export_from_the_page(page, ws, qtbot, monkeypatch, tmp_path) -> None:
    page.generate()
    monkeypatch.setattr(plan_page, "ask_save_path", lambda parent, title, name, fmt: tmp_path / name)
    monkeypatch.setattr(export_actions, "ask_save_path", lambda parent, title, name, fmt: tmp_path / name)
    wait_task(qtbot, page.export_plan("pdf"))
    pdf = tmp_path / f"{YEAR}年度文明创建工作计划.pdf"
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace(" ", "")
    assert "一、提升社区居民文明素质" in text and "责任人：宣传委员" in text
    assert page.after_export.isVisibleTo(page) and pdf.name in page.status.text()
    wait_task(qtbot, page.export_responsibilities("xlsx"))
    book = openpyxl.load_workbook(tmp_path / f"责任分解表_{YEAR}.xlsx")
    headers = [c.value for c in book.active[3]]
    assert headers[:3] == ["序号", "工作板块", "工作任务"] and headers[-1] == "进度/状态"
    assert "已导出责任分解表" in page.status.text()


def test_the_page_and_its_dialogs_fit_a_small_screen(ws, app, qtbot, small_screen) -> None:  # noqa: F811
    from huiquan_desk.ui.main_window import MainWindow

    window = MainWindow(ws)  # sized for the 1280×720 screen
    qtbot.addWidget(window)
    window.show()
    page = window.go("plan")
    assert_fits(window, app, "main window, empty plan page")
    page.generate()
    window.resize(window.size())
    assert_fits(window, app, "main window, plan page")
    detail = page.detail
    task = detail.tasks[0]
    assert_fits(PlanTaskDialog(ws, detail, task.section_id, task, window), app, "task dialog")
    assert_fits(LinkDialog(ws, task, detail.year, window), app, "link dialog")
