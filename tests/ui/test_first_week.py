"""Issue 9, the secretary's first week: gaps said while typing, ledgers that follow the screen, pages
that say what to do when empty, and the small things that misled her (Qt offscreen, real database)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout

from huiquan_desk.domain.activity import ActivityStatus, AttachmentKind, NewAttachment
from huiquan_desk.ui.activity_dialog import PHOTO_FOLDER_KEY, ActivityDialog
from huiquan_desk.ui.activity_model import column_of
from tests.helpers import make_image, wait_task
from tests.ui.test_activities_page import add

THIS_YEAR = datetime.now().year


def photo(tmp_path: Path, name: str = "a.jpg") -> NewAttachment:
    return NewAttachment(str(make_image(tmp_path / name)))



# --- gaps: said while typing, marked in the list ---------------------------------------------------
def test_dialog_says_the_gaps_while_typing_and_saves_anyway(window, ws, qtbot, tmp_path, shown) -> None:
    page = window.activities
    dialog = ActivityDialog(ws, None, page)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title.insert("端午节包粽子活动")
    assert dialog.status.currentData() == ActivityStatus.DONE.value
    assert dialog.gaps.isVisible()
    for gap in ("没有活动地点", "没有活动内容", "参与人数为 0", "没有照片"):
        assert gap in dialog.gaps.text()
    dialog.place.insert("惠泉社区活动室")
    assert "没有活动地点" not in dialog.gaps.text()
    dialog.content.setPlainText("居民和志愿者一起包粽子")
    dialog.participants.setValue(36)
    assert dialog.gaps.text().count("、") == 0 and "没有照片" in dialog.gaps.text()
    assert dialog.add_files([str(make_image(tmp_path / "粽子.jpg"))], AttachmentKind.PHOTO) == []
    assert not dialog.gaps.isVisible()  # complete: nothing said
    dialog.attachments.item(0).setSelected(True)
    dialog.remove_selected()
    assert "没有照片" in dialog.gaps.text() and dialog.gaps.isVisible()
    dialog.status.setCurrentIndex(dialog.status.findData(ActivityStatus.PLANNED.value))
    assert not dialog.gaps.isVisible()  # a plan has no gaps yet
    dialog.status.setCurrentIndex(dialog.status.findData(ActivityStatus.DONE.value))
    assert dialog.save() is True  # a warning, never a refusal
    assert shown.errors == []
    page._after_write(dialog.saved_id)
    assert page.after_export.isVisibleTo(page)
    assert "端午节包粽子活动" in page.after_export.message.text() and "没有照片" in page.after_export.message.text()


def test_the_list_marks_rows_with_gaps(window, ws, tmp_path) -> None:
    complete = add(ws, title="完整的活动", files=[photo(tmp_path)])
    missing = add(ws, title="缺项的活动", place="", participants=0, start=datetime(THIS_YEAR, 3, 6, 9))
    planned = add(ws, title="计划中的活动", place="", status=ActivityStatus.PLANNED, start=datetime(THIS_YEAR, 3, 7, 9))
    page = window.activities
    page.refresh()
    model, column = page.model, column_of("gaps")

    def cell(activity_id: int, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        return model.data(model.index(model.row_of(activity_id), column), role)

    assert model.headerData(column, Qt.Orientation.Horizontal) == "检查缺项"
    assert cell(missing) == "缺 3 项"
    tip = cell(missing, Qt.ItemDataRole.ToolTipRole)
    assert all(gap in tip for gap in ("没有活动地点", "参与人数为 0", "没有照片"))
    assert cell(complete) == "" and cell(planned) == ""


# --- ledgers follow the screen -----------------------------------------------------------------------
def ledger_titles(path: Path) -> set[str]:
    cells = {str(c) for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row if c}
    return cells & {"有照片的活动", "没有照片的活动", "计划中的活动", "垃圾分类宣传"}


def test_ledger_export_uses_the_filters_on_screen(window, ws, qtbot, tmp_path) -> None:
    add(ws, title="有照片的活动", files=[photo(tmp_path)])
    add(ws, title="没有照片的活动", start=datetime(THIS_YEAR, 3, 6, 9))
    add(ws, title="计划中的活动", status=ActivityStatus.PLANNED, start=datetime(THIS_YEAR, 3, 7, 9))
    add(ws, title="垃圾分类宣传", files=[photo(tmp_path, "b.jpg")], start=datetime(THIS_YEAR, 3, 8, 9))
    page = window.activities
    page.refresh()

    def export(name: str) -> set[str]:
        out = tmp_path / f"{name}.xlsx"
        wait_task(qtbot, page.export("xlsx", out))
        return ledger_titles(out)

    def bar() -> str:  # what the after-export bar says: it stays until the next export
        return page.after_export.message.text()

    assert page.model.rowCount() == 4  # 全部状态 shows the plan on screen …
    assert page.ledger_params().status is None
    assert export("default") == {"有照片的活动", "没有照片的活动", "垃圾分类宣传"}  # … the ledger leaves it out
    assert "不含计划中" in bar() and "共 3 项活动" in bar()

    page.include_planned.setChecked(True)
    assert export("with-plans") == {"有照片的活动", "没有照片的活动", "计划中的活动", "垃圾分类宣传"}
    assert "含计划中" in bar() and "不含计划中" not in bar()

    page.status.setCurrentIndex(page.status.findData(ActivityStatus.PLANNED.value))
    assert not page.include_planned.isEnabled()
    assert export("plans") == {"计划中的活动"} and "状态：计划中" in bar()

    page.status.setCurrentIndex(0)
    page.include_planned.setChecked(False)
    page.search.setText("垃圾")
    page.apply_filter()
    assert export("search") == {"垃圾分类宣传"} and "检索：垃圾" in bar()

    page.search.setText("")
    page.without_photos.setChecked(True)
    assert export("no-photos") == {"没有照片的活动"} and "只含没有照片的活动" in bar()
    assert page.after_export.isVisibleTo(page) and "共 1 项活动" in page.after_export.message.text()


# --- layout ------------------------------------------------------------------------------------------
@pytest.mark.expect_errors
def test_settings_hint_names_the_side_the_tree_is_on(window, shown) -> None:
    page = window.go("settings")
    window.resize(1264, 680)
    page.tree.setCurrentItem(None)
    page.add_child()
    message = str(shown.errors[-1])
    tree_x = page.tree.mapTo(page, QPoint(0, 0)).x()
    form_x = page.fields["name"].mapTo(page, QPoint(0, 0)).x()
    assert tree_x > form_x  # the category tree is on the right …
    assert "右侧" in message and "左侧" not in message  # … and the hint says so


def test_star_thresholds_field_shows_five_thresholds(window, app) -> None:
    page = window.go("volunteers")
    page.tabs.setCurrentIndex(4)
    window.resize(1264, 680)
    app.processEvents()
    text = "100/300/600/1000/1500"
    page.star_edit.setText(text)
    needed = page.star_edit.fontMetrics().horizontalAdvance(text)
    assert page.star_edit.width() >= needed + 12  # the text, its margins and the cursor


@pytest.mark.parametrize("which", ["supplement", "certificate"])
def test_supplement_and_certificate_fields_run_top_to_bottom(window, ws, qtbot, app, which) -> None:
    from huiquan_desk.ui.service_dialogs import CertificateDialog, SupplementDialog

    dialog = (SupplementDialog if which == "supplement" else CertificateDialog)(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    app.processEvents()
    assert dialog.height() <= dialog.sizeHint().height() + 4  # as tall as its fields, no more
    form = dialog.form
    rows = [form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget() for row in range(form.rowCount())]
    tops = [w.mapTo(dialog, QPoint(0, 0)).y() for w in rows]
    assert tops == sorted(tops)  # one under another
    for above, top in zip(rows, tops[1:], strict=False):
        bottom = above.mapTo(dialog, QPoint(0, 0)).y() + above.height()
        assert top - bottom <= 16, f"{top - bottom} empty pixels between two fields"
    last = rows[-1].mapTo(dialog, QPoint(0, 0)).y() + rows[-1].height()
    (buttons,) = dialog.findChildren(QDialogButtonBox)
    assert buttons.mapTo(dialog, QPoint(0, 0)).y() - last <= 24  # the buttons follow the fields


def test_empty_pages_say_what_to_do_next(window, ws, qtbot, app) -> None:
    page = window.activities
    assert page.model.rowCount() == 0
    assert page.empty_hint.isVisibleTo(page) and "新建活动" in page.empty_hint.text()
    page.search.setText("没有这样的活动")
    page.apply_filter()
    assert page.empty_hint.isVisibleTo(page) and "没有符合条件" in page.empty_hint.text()
    page.search.setText("")
    add(ws, title="重阳节")
    page.apply_filter()
    assert page.model.rowCount() == 1 and not page.empty_hint.isVisibleTo(page)

    volunteers = window.go("volunteers")
    assert volunteers.registry_hint.isVisibleTo(volunteers) and "新增志愿者" in volunteers.registry_hint.text()
    volunteers.tabs.setCurrentIndex(1)
    assert volunteers.services_hint.isVisibleTo(volunteers) and "志愿服务登记" in volunteers.services_hint.text()
    volunteers.tabs.setCurrentIndex(3)
    assert volunteers.register_hint.isVisibleTo(volunteers) and "出具证明" in volunteers.register_hint.text()

    audit = window.go("audit")
    audit.search.setText("没有这样的记录")
    audit.reload_rows()
    assert audit.model.rowCount() == 0
    assert audit.empty_hint.isVisibleTo(audit) and "没有符合条件" in audit.empty_hint.text()

    recycle = window.go("recycle")
    assert recycle.model.rowCount() == 0
    assert recycle.empty_hint.isVisibleTo(recycle) and "回收站是空的" in recycle.empty_hint.text()


# --- small things that misled --------------------------------------------------------------------------
def test_a_filter_that_hides_the_selected_activity_clears_the_detail(window, ws, tmp_path) -> None:
    add(ws, title="中秋节猜灯谜", files=[photo(tmp_path)])
    add(ws, title="垃圾分类宣传", start=datetime(THIS_YEAR, 3, 6, 9))
    page = window.activities
    page.refresh()
    page.select_id(page.model.id_at(next(r for r in range(2) if page.model.activity(r).title == "中秋节猜灯谜")))
    assert "中秋节猜灯谜" in page.detail.text() and page.strip.count() == 1
    page.search.setText("垃圾")
    page.apply_filter()
    assert page.selected_ids() == []
    assert "中秋节猜灯谜" not in page.detail.text() and page.strip.count() == 0 and page.photos == []


def test_summary_does_not_suggest_the_box_already_ticked(window, ws, qtbot) -> None:
    add(ws, title="没有照片的活动")
    page = window.activities
    page.refresh()
    qtbot.waitUntil(lambda: "勾选「只看没有照片的」" in page.summary.text(), timeout=5000)
    page.without_photos.setChecked(True)
    qtbot.waitUntil(lambda: "1 项已开展（含已归档）但没有照片" in page.summary.text(), timeout=5000)
    assert "勾选「只看没有照片的」" not in page.summary.text() and "补上" in page.summary.text()


def test_photo_picker_starts_in_the_last_folder_not_the_working_folder(window, ws, qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    QSettings().remove(PHOTO_FOLDER_KEY)
    first = make_image(tmp_path / "相机" / "一.jpg")
    second = make_image(tmp_path / "相机" / "二.jpg")
    asked: list[str] = []
    answers = iter([[str(first)], [str(second)]])

    def pick(parent, title, folder, name_filter):  # type: ignore[no-untyped-def]
        asked.append(folder)
        return next(answers), name_filter

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick))
    dialog = ActivityDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog._pick(AttachmentKind.PHOTO)
    assert asked[0] not in ("", ".", os.getcwd()) and Path(asked[0]).is_dir()
    assert QSettings().value(PHOTO_FOLDER_KEY) == str(tmp_path / "相机")
    again = ActivityDialog(ws, None, window)  # a later dialog, as after restarting the program
    qtbot.addWidget(again)
    again._pick(AttachmentKind.PHOTO)
    assert asked[1] == str(tmp_path / "相机") and again.attachments.count() == 1
    QSettings().remove(PHOTO_FOLDER_KEY)


def test_import_picker_remembers_its_folder(window, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from huiquan_desk.ui import export_actions

    QSettings().remove("import/folder")
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda parent, title, folder, f: (asked.append(folder), (str(tmp_path / "台账.xlsx"), f))[1]))
    assert export_actions.ask_open_path(window, "选择", "xlsx") == tmp_path / "台账.xlsx"
    assert export_actions.ask_open_path(window, "选择", "xlsx") == tmp_path / "台账.xlsx"
    assert asked[0] not in ("", ".", os.getcwd()) and asked[1] == str(tmp_path)
    QSettings().remove("import/folder")


def test_long_category_hints_in_the_import_dialog_wrap_and_show_whole(window, ws, qtbot, app, tmp_path) -> None:
    bad = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["活动名称", "开始时间", "活动类别", "参与人数"])
    sheet.append(["清明祭英烈", f"{THIS_YEAR}-04-04 09:00", "不存在的类别", 30])
    sheet.append(["植树节", f"{THIS_YEAR}-03-12 09:00", "传统节日", -1])
    book.save(bad)
    dialog = window.activities.import_file(bad)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    dialog.resize(700, 420)
    app.processEvents()
    problems = dialog.problems.problems
    long_row = max(range(len(problems)), key=lambda r: len(problems[r].message))
    message = problems[long_row].message
    assert "类别" in problems[long_row].field and len(message) > 30
    model = dialog.problems
    assert message in model.data(model.index(long_row, 2), Qt.ItemDataRole.ToolTipRole)
    assert dialog.table.wordWrap()
    column = dialog.table.columnWidth(2)
    assert dialog.table.fontMetrics().horizontalAdvance(message) > column  # too long for one line …
    assert dialog.table.rowHeight(long_row) >= 2 * dialog.table.fontMetrics().height()  # … so it wraps
    dialog.close()
