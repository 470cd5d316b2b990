"""The activity page driven as a user would, on a real database, Qt offscreen."""

from datetime import datetime, timedelta

import openpyxl
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert

from huiquan_desk.domain.activity import NewAttachment
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.services import activities as svc
from huiquan_desk.storage.models import Activity
from huiquan_desk.ui.activity_dialog import ActivityDialog
from huiquan_desk.ui.main_window import MainWindow
from huiquan_desk.ui.widgets import to_qdatetime
from tests.helpers import category_id, make_image
from tests.helpers import log_activity as add

THIS_YEAR = datetime.now().year


def type_into(edit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type character by character (QTest.keyClicks cannot send Chinese characters)."""
    for char in text:
        edit.insert(char)


def titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [page.model.activity(r).title for r in range(page.model.rowCount())]


def test_add_through_the_dialog(window, ws, qtbot, tmp_path) -> None:
    page = window.activities
    dialog = ActivityDialog(ws, None, page)
    qtbot.addWidget(dialog)
    dialog.title.insert("端午节包粽子活动")
    dialog.category.setCurrentIndex(dialog.category.findData(next(c.id for c in dialog.categories if c.name == "传统节日")))
    dialog.start.setDateTime(to_qdatetime(datetime(THIS_YEAR, 6, 1, 9, 0)))
    dialog.end.setDateTime(to_qdatetime(datetime(THIS_YEAR, 6, 1, 11, 0)))
    dialog.place.insert("惠泉社区活动室")
    dialog.participants.setValue(36)
    dialog.content.setPlainText("居民和志愿者一起包粽子，送给独居老人。")
    assert dialog.add_files([str(make_image(tmp_path / "粽子.jpg"))], svc.AttachmentKind.PHOTO) == []
    assert dialog.save() is True
    page._after_write(dialog.saved_id)
    assert titles(page) == ["端午节包粽子活动"]
    row = page.model.activity(0)
    assert row.participants == 36 and row.photo_count == 1 and row.category == "传统节日"
    assert page.selected_ids() == [dialog.saved_id]
    assert page.strip.count() == 1  # the photo shows beside the table


def test_dialog_validates_in_place(window, ws, qtbot, tmp_path) -> None:
    dialog = ActivityDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start.setDateTime(to_qdatetime(datetime(THIS_YEAR, 6, 1, 9, 0)))
    dialog.end.setDateTime(to_qdatetime(datetime(THIS_YEAR, 6, 1, 8, 0)))
    broken = tmp_path / "损坏.jpg"
    broken.write_bytes(b"garbage")
    refused = dialog.add_files([str(broken)], svc.AttachmentKind.PHOTO)
    assert refused and "无法读取" in refused[0]
    assert dialog.save() is False
    assert dialog.form.errors["活动名称"].isVisible() and "必须填写" in dialog.form.errors["活动名称"].text()
    assert "不能早于开始时间" in dialog.form.errors["开始时间"].text()
    with ws.read() as s:
        assert svc.count_activities(s) == 0


def test_edit_keeps_photos_and_updates_row(window, ws, qtbot, tmp_path) -> None:
    activity_id = add(ws, files=[NewAttachment(str(make_image(tmp_path / "a.jpg")))])
    page = window.activities
    page.refresh()
    dialog = ActivityDialog(ws, activity_id, page)
    qtbot.addWidget(dialog)
    assert dialog.title.text() == "重阳节敬老爱老活动" and dialog.attachments.count() == 1
    dialog.title.setText("重阳节登山活动")
    assert dialog.save()
    page._after_write(activity_id)
    assert titles(page) == ["重阳节登山活动"] and page.model.activity(0).photo_count == 1


def test_filters_and_no_photo_gaps(window, ws, qtbot, tmp_path) -> None:
    add(ws, title="有照片的活动", files=[NewAttachment(str(make_image(tmp_path / "a.jpg")))])
    with ws.read() as s:
        law = category_id(s, "普法宣传")
    add(ws, title="没有照片的普法活动", category_id=law)
    add(ws, title="去年的活动", start=datetime(THIS_YEAR - 1, 5, 1, 9))
    page = window.activities
    page.refresh()
    assert sorted(titles(page)) == ["有照片的活动", "没有照片的普法活动"]  # this year by default
    qtbot.waitUntil(lambda: "1 项已开展（含已归档）但没有照片" in page.summary.text(), timeout=3000)
    page.without_photos.setChecked(True)
    assert titles(page) == ["没有照片的普法活动"]
    page.without_photos.setChecked(False)
    page.category.setCurrentIndex(page.category.findData(law))
    assert titles(page) == ["没有照片的普法活动"]
    page.category.setCurrentIndex(0)
    page.date_from.setDate(page.date_from.date().addYears(-1))
    assert len(titles(page)) == 3


def test_search_as_you_type(window, ws, qtbot) -> None:
    add(ws, title="中秋节猜灯谜", content="邻里共度中秋")
    add(ws, title="垃圾分类宣传", content="张三讲解分类知识")
    page = window.activities
    page.refresh()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F
    qtbot.waitUntil(page.search.hasFocus, timeout=2000)
    type_into(page.search, "张三")  # 2 characters: LIKE
    qtbot.waitUntil(lambda: titles(page) == ["垃圾分类宣传"], timeout=2000)
    page.search.clear()
    type_into(page.search, "猜灯谜")  # 3 characters: FTS5 trigram
    qtbot.waitUntil(lambda: titles(page) == ["中秋节猜灯谜"], timeout=2000)
    page.search.clear()
    qtbot.waitUntil(lambda: len(titles(page)) == 2, timeout=2000)


def test_sort_by_clicking_a_header(window, ws) -> None:
    for n, title in enumerate(["乙活动", "甲活动", "丙活动"]):
        add(ws, title=title, participants=10 * (n + 1))
    page = window.activities
    page.refresh()
    page.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)  # 参与人数
    assert [page.model.activity(r).participants for r in range(3)] == [10, 20, 30]
    page.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
    assert [page.model.activity(r).participants for r in range(3)] == [30, 20, 10]


def test_delete_asks_first(window, ws, shown) -> None:
    keep, gone = add(ws, title="保留"), add(ws, title="删除我")
    page = window.activities
    page.refresh()
    page.select_id(gone)
    shown.answer = False
    page.delete_selected()
    assert len(titles(page)) == 2 and "删除我" in shown.questions[0]
    shown.answer = True
    page.delete_selected()
    assert titles(page) == ["保留"] and page.model.id_at(0) == keep


@pytest.mark.expect_errors(of=ValidationError)
def test_buttons_explain_when_nothing_is_selected(window, shown) -> None:
    page = window.activities
    page.edit_selected()
    page.delete_selected()
    page.record_attendance()
    assert [str(e) for e in shown.errors] == ["「活动」：请先在表格中选择一项活动", "「活动」：请先在表格中选择要删除的活动",
                                              "「活动」：请先在表格中选择一项活动"]


def test_dropping_photos_on_the_selected_activity(window, ws, tmp_path) -> None:
    activity_id = add(ws)
    page = window.activities
    page.refresh()
    page.select_id(activity_id)
    page.add_photos_to_selected([str(make_image(tmp_path / "1.jpg", "red")), str(make_image(tmp_path / "2.png", "blue")),
                                 str(tmp_path / "说明.txt")])
    assert page.model.activity(0).photo_count == 2
    assert page.strip.count() == 2


def test_import_preview_then_import(window, ws, qtbot, tmp_path) -> None:
    bad = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["惠泉社区2026年活动台账"])
    sheet.append(["活动名称", "开始时间", "活动类别", "参与人数"])
    sheet.append(["清明祭英烈", f"{THIS_YEAR}-04-04 09:00", "传统节日", 30])
    sheet.append(["", f"{THIS_YEAR}-04-05", "不存在的类别", -2])
    wb.save(bad)
    page = window.activities
    dialog = page.import_file(bad)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    fields = {(p.row, p.field) for p in dialog.problems.problems}
    assert (4, "活动名称") in fields and (4, "活动类别") in fields
    assert not dialog.import_button.isEnabled()
    with ws.read() as s:
        assert svc.count_activities(s) == 0
    dialog.close()

    good = tmp_path / "good.xlsx"
    sheet.delete_rows(4)
    wb.save(good)
    dialog = page.import_file(good)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    assert dialog.import_button.isEnabled() and dialog.report.rows_read == 1
    with ws.read() as s:
        assert svc.count_activities(s) == 0  # the preview wrote nothing
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    assert titles(page) == ["清明祭英烈"]


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_export_runs_in_background(window, ws, qtbot, tmp_path, fmt) -> None:
    add(ws, title="国庆升旗仪式", leader="朱镕基")
    page = window.activities
    page.refresh()
    out = tmp_path / f"台账.{fmt}"
    task = page.export(fmt, out)
    with qtbot.waitSignal(task.done, timeout=20000):
        pass
    assert out.is_file() and page.last_export == out
    assert "共 1 项活动。" in page.after_export.message.text()  # the bar stays; the summary line races the photo count
    if fmt == "xlsx":
        assert openpyxl.load_workbook(out).active["C4"].value == "国庆升旗仪式"
    else:
        from pypdf import PdfReader

        assert "朱镕基" in PdfReader(out).pages[0].extract_text()


def test_model_passes_modeltester_and_loads_lazily(window, ws, qtmodeltester) -> None:
    with ws.write() as s:
        cat = category_id(s)
        start = datetime(THIS_YEAR, 1, 1, 9)
        s.execute(insert(Activity.__table__), [
            dict(title=f"活动{i}", category_id=cat, start_at=start + timedelta(minutes=i), end_at=start + timedelta(minutes=i),
                 place="", organizer="", leader="", participants=i, content="", remarks="", status="done",
                 created_at=start, updated_at=start) for i in range(3000)])
    page = window.activities
    page.refresh()
    assert page.model.rowCount() == 3000
    page.table.scrollToTop()
    window.repaint()
    assert page.model.loaded_count() < 3000  # only the painted block(s)
    qtmodeltester.check(page.model)


def test_geometry_is_remembered(app, ws, qtbot) -> None:
    first = MainWindow(ws)
    qtbot.addWidget(first)
    first.resize(1000, 655)  # the offscreen screen is small: restoreGeometry clamps wider windows
    first.show()
    size = (first.width(), first.height())
    assert size != (1360, 820)  # not the default
    first.close()
    second = MainWindow(ws)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == size


def test_status_bar_names_the_data_folder(window, ws) -> None:
    assert str(ws.data.root) in window.statusBar().currentMessage()
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "首页", "活动台账", "志愿服务", "文明家庭", "年度计划", "测评自查", "整改台账", "档案", "操作日志", "回收站", "设置",
        "账号管理"]  # admin when no accounts are set up


def test_shortcuts_new_and_print(window, ws, qtbot, monkeypatch, tmp_path) -> None:
    opened, printed = [], []
    monkeypatch.setattr(ActivityDialog, "ask", classmethod(lambda cls, *a, **k: opened.append(a) or None))
    monkeypatch.setattr(window.activities, "export", lambda fmt, path=None: printed.append(fmt))
    window.go("settings")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1 and window.current_key == "activities"
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == ["pdf"]


def test_selecting_thousands_then_filtering_stays_one_change(window, ws) -> None:
    with ws.write() as s:
        cat = category_id(s)
        start = datetime(THIS_YEAR, 1, 1, 9)
        s.execute(insert(Activity.__table__), [
            dict(title=f"活动{i}", category_id=cat, start_at=start + timedelta(minutes=i), end_at=start + timedelta(minutes=i),
                 place="", organizer="", leader="", participants=i, content="", remarks="", status="done",
                 created_at=start, updated_at=start) for i in range(5000)])
    page = window.activities
    page.refresh()
    page.table.selectAll()
    changes = []
    page.table.selectionModel().selectionChanged.connect(lambda *a: changes.append(1))
    page.without_photos.setChecked(True)  # same rows, filter re-applied: the selection is restored
    assert len(page.selected_ids()) == 5000
    assert len(changes) <= 2  # cleared and restored at once, not 5,000 times


def test_photo_caption_takes_the_activity_time_set_after_adding(window, ws, qtbot, tmp_path) -> None:
    dialog = ActivityDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.add_files([str(make_image(tmp_path / "a.jpg"))], svc.AttachmentKind.PHOTO)
    dialog.title.setText("清明祭英烈")
    dialog.start.setDateTime(to_qdatetime(datetime(THIS_YEAR, 4, 4, 9, 0)))
    dialog.end.setDateTime(to_qdatetime(datetime(THIS_YEAR, 4, 4, 11, 0)))
    assert dialog.save()
    with ws.read() as s:
        photo = svc.get_activity(s, dialog.saved_id, ws.files).attachments[0]
    assert photo.caption.taken_at == datetime(THIS_YEAR, 4, 4, 9, 0) and photo.caption.title == "清明祭英烈"


def test_cancel_asks_before_discarding_typed_work(window, ws, qtbot, shown) -> None:
    dialog = ActivityDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()  # nothing typed: closes without asking
    assert shown.questions == [] and not dialog.isVisible()
    dialog = ActivityDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title.setText("写了一半的活动")
    shown.answer = False
    dialog.reject()
    assert shown.questions and dialog.isVisible()
    shown.answer = True
    dialog.reject()
    assert not dialog.isVisible()


def test_archived_activity_opens_read_only(window, ws, qtbot) -> None:
    from huiquan_desk.services.filing import file_records

    activity_id = add(ws)
    with ws.write() as s:
        file_records(s, ws.files, [activity_id])  # filed (not numbered yet: no 全宗号 in this profile)
    dialog = ActivityDialog(ws, activity_id, window)
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QDialogButtonBox

    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert "已归档 未编号" in dialog.windowTitle()
