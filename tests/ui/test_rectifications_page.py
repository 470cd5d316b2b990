"""A secretary keeps the 整改台账 in the window: registers a problem, steps it through 整改中,
已整改 and 验收 (who and when), steps it back with a reason, adds 整改前 / 整改后 photos (frozen once
verified), prints its 督办单 and the ledger; overdue ones are red, say 「逾期 N 天」 and are counted
in the navigation; the page fits 1280×720."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QColor

from huiquan_desk.services import assessment
from huiquan_desk.services import rectification_photos as rp
from huiquan_desk.services import rectifications as rs
from huiquan_desk.services.rectifications import RectificationDraft
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.ui import export_actions, rectifications_page, widgets
from huiquan_desk.ui.main_window import MainWindow
from huiquan_desk.ui.rectification_dialogs import RectificationDialog, StepBackDialog, VerifyDialog
from huiquan_desk.ui.widgets import to_qdate
from tests.helpers import make_image, wait_task

TODAY = date.today()
LATE = "惠泉小区 3 栋楼道公益广告破损"


@pytest.fixture
def page(window, ws):  # type: ignore[no-untyped-def]
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", preparer="陈晓燕"))
        assessment.seed_checklist(s)
    return window.go("rectifications")


def nav_text(window: MainWindow) -> str:
    return window.nav.item(window.page_keys().index("rectifications")).text()


def fill_new(monkeypatch, problem: str, deadline: date | None) -> None:  # type: ignore[no-untyped-def]
    """RectificationDialog.ask fills the real form the way a secretary would and presses 保存."""
    def ask(ws, rect_id=None, parent=None):  # type: ignore[no-untyped-def]
        dialog = RectificationDialog(ws, rect_id, parent)
        dialog.problem.setPlainText(problem)
        dialog.source.setCurrentText("暗访")
        dialog.found_on.setDate(to_qdate(TODAY - timedelta(days=20)))
        dialog.item.setCurrentIndex(dialog.item.findText("XJ-02", Qt.MatchFlag.MatchStartsWith))
        dialog.deduction.setValue(2)
        dialog.responsible.setText("刘志强")
        dialog.has_deadline.setChecked(deadline is not None)
        if deadline is not None:
            dialog.deadline.setDate(to_qdate(deadline))
        assert dialog.save()
        return dialog.saved_id

    monkeypatch.setattr(RectificationDialog, "ask", ask)


def test_create_step_through_back_photos_and_prints(page, window, ws, monkeypatch, qtbot, tmp_path, shown) -> None:
    assert nav_text(window) == "整改台账"
    fill_new(monkeypatch, LATE, TODAY + timedelta(days=10))
    page.new()
    with ws.read() as s:
        [row] = rs.list_rectifications(s)
    assert row.problem == LATE and row.item_code == "XJ-02" and row.source_label == "暗访" and row.deduction == 2
    assert page.current is not None and page.current.id == row.id
    assert page.next_button.text() == "推进到「整改中」" and page.model.rowCount() == 1

    # 整改前 photo by the file dialog, 整改后 by a drop on the thumbnails
    before = make_image(tmp_path / "整改前.jpg", "red")
    monkeypatch.setattr(rectifications_page, "pick_photos", lambda parent, stage: [str(before)])
    page.before.add_button.click()
    wait_task(qtbot, page.photo_task)  # stored off the GUI thread
    page.after.thumbs.files_dropped.emit([str(make_image(tmp_path / "整改后.jpg", "green"))])
    wait_task(qtbot, page.photo_task)
    assert page.before.thumbs.count() == 1 and page.after.thumbs.count() == 1
    assert page.before.title() == "整改前照片（1 张）" and page.model.data(page.model.index(0, 10)) == "1/1"
    page.before.thumbs.setCurrentRow(0)
    page.before.view()
    assert page.viewer is not None and page.viewer.windowTitle() == "整改前照片（第 1 张，共 1 张）"
    page.viewer.close()
    page.after.thumbs.setCurrentRow(0)
    page.after.remove()  # confirmed (shown.answer), to the bin
    assert page.after.thumbs.count() == 0 and "删除这张整改后照片" in shown.questions[-1]

    page.advance()
    assert page.current.status_label == "整改中"
    page.advance()  # no 整改后 photo: asked, answered yes (warned, not blocked)
    assert "还没有整改后照片" in shown.questions[-1] and page.current.status_label == "已整改"
    assert page.next_button.text() == "验收…"
    seen = {}

    def verify(row, missing_after, verifier="", parent=None):  # type: ignore[no-untyped-def]
        dialog = VerifyDialog(row, missing_after, verifier, parent)
        seen["warned"] = not dialog.warning.isHidden()
        dialog.verified_by.setText("林秀英")
        dialog.verified_on.setDate(to_qdate(TODAY - timedelta(days=1)))
        dialog._accept()
        return dialog.answer

    monkeypatch.setattr(VerifyDialog, "ask", verify)
    page.advance()
    assert seen["warned"]  # the 验收 dialog says there is no 整改后 photo
    assert page.current.status_label == "已验收" and page.current.verified_by == "林秀英"
    assert page.model.data(page.model.index(0, 9)) == f"林秀英 {TODAY - timedelta(days=1):%Y-%m-%d}"
    assert not page.next_button.isVisible() and not page.before.add_button.isEnabled()  # frozen
    assert not page.before.thumbs.acceptDrops()
    assert not page.order_button.isEnabled() and "不再督办" in page.order_button.toolTip()  # nothing to urge

    def back(row, parent=None):  # type: ignore[no-untyped-def]
        dialog = StepBackDialog(row, parent)
        assert [dialog.target.itemText(i) for i in range(dialog.target.count())] == ["已整改", "整改中", "待整改"]
        dialog.target.setCurrentIndex(1)
        dialog._accept()  # no reason: refused under the field
        assert dialog.result() == 0 and dialog.form.errors["退回原因"].text() == "退回要写明原因"
        dialog.reason.setPlainText("复查发现广告又被撕毁")
        dialog._accept()
        return dialog.target.currentData(), dialog.reason.toPlainText()

    monkeypatch.setattr(StepBackDialog, "ask", back)
    page.step_back()
    with ws.read() as s:
        row = rs.get_rectification(s, row.id)
    assert row.status_label == "整改中" and row.verified_by == "" and "复查发现广告又被撕毁" in row.remarks
    assert page.before.add_button.isEnabled()

    # the 督办单 from the page, read back
    assert page.order_button.isEnabled()  # stepped back: open again, urged again
    out = tmp_path / "督办单.pdf"
    monkeypatch.setattr(rectifications_page, "ask_save_path", lambda parent, title, name, fmt: out)
    wait_task(qtbot, page.export_order())
    text = PdfReader(out).pages[0].extract_text().replace("\n", "")
    assert "督办单" in text and LATE in text and "刘志强" in text and "逾期" not in text
    assert page.after_export.isVisible() and str(out) in page.after_export.message.text()

    # the ledger from the page, read back
    book = tmp_path / "整改台账.xlsx"
    monkeypatch.setattr(export_actions, "ask_save_path", lambda parent, title, name, fmt: book)
    wait_task(qtbot, page.export_ledger("xlsx"))
    sheet = openpyxl.load_workbook(book).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert LATE in values and "整改中" in values


def test_overdue_is_red_counted_in_the_navigation_and_on_the_order(page, window, ws, monkeypatch, qtbot,
                                                                    tmp_path, qtmodeltester) -> None:
    fill_new(monkeypatch, LATE, TODAY - timedelta(days=5))
    page.new()
    assert nav_text(window) == "整改台账\n1 项逾期"
    assert page.model.data(page.model.index(0, 8)) == "待整改（逾期 5 天）"
    brush = page.model.data(page.model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color() == QColor(rectifications_page.OVERDUE_COLOR)
    assert "逾期 5 天" in page.info.text() and "1 个已逾期" in page.summary.text()
    fill_new(monkeypatch, "宣传栏玻璃破损", TODAY + timedelta(days=5))
    page.new()
    assert page.model.rowCount() == 2
    qtmodeltester.check(page.model)
    on_time = next(i for i, r in enumerate(page.model.rows) if r.problem == "宣传栏玻璃破损")
    assert page.model.data(page.model.index(on_time, 0), Qt.ItemDataRole.ForegroundRole) is None
    page.overdue_only.setChecked(True)
    assert [r.problem for r in page.model.rows] == [LATE]
    page.overdue_only.setChecked(False)
    found_year = (TODAY - timedelta(days=20)).year
    assert [page.year_filter.itemText(i) for i in range(page.year_filter.count())] == ["全部年度", f"{found_year} 年"]
    page.year_filter.setCurrentIndex(1)
    assert page.model.rowCount() == 2 and "共 2 个问题" in page.summary.text()
    page.search.setText("玻璃")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert "找到 1 个（共 2 个）" in page.summary.text()
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    page.status_filter.setCurrentIndex(page.status_filter.findText("整改中"))
    assert page.model.rowCount() == 0
    assert not page.empty_hint.isHidden() and page.empty_hint.text() == "没有符合条件的整改问题。"

    out = tmp_path / "逾期督办单.pdf"
    monkeypatch.setattr(rectifications_page, "ask_save_path", lambda parent, title, name, fmt: out)
    late_id = next(r.id for r in rs_rows(ws) if r.problem == LATE)
    assert window.show_record("rectifications", late_id) and page.current.id == late_id
    assert page.status_filter.currentIndex() == 0  # the filter that hid it is cleared
    wait_task(qtbot, page.export_order())
    text = PdfReader(out).pages[0].extract_text().replace("\n", "")
    assert "已逾期 5 天" in text

    # closed elsewhere (another session): the navigation counts again when a page is shown
    with ws.write() as s:
        rs.set_status(s, late_id, "in_progress")
        rs.set_status(s, late_id, "done")
    window.go("archives")
    assert nav_text(window) == "整改台账"
    window.go("rectifications")  # refreshed: no longer red
    closed = next(i for i, r in enumerate(page.model.rows) if r.id == late_id)
    assert page.model.data(page.model.index(closed, 8)) == "已整改"
    assert page.model.data(page.model.index(closed, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert "逾期" not in page.summary.text()


def rs_rows(ws):  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return rs.list_rectifications(s)


def test_a_verified_one_cannot_be_edited_and_a_step_back_reason_is_limited(page, ws, monkeypatch) -> None:
    with ws.write() as s:
        open_one = rs.create_rectification(s, RectificationDraft("宣传栏破损", TODAY - timedelta(days=9), "督查"))
        closed = rs.create_rectification(s, RectificationDraft(LATE, TODAY - timedelta(days=10), "暗访"))
        rs.set_status(s, closed, "in_progress")
        rs.set_status(s, closed, "done")
        rs.set_status(s, closed, "verified", verified_by="林秀英", verified_on=TODAY)
    opened = []
    monkeypatch.setattr(RectificationDialog, "ask", lambda ws, rect_id=None, parent=None: opened.append(rect_id))
    page.reload(select=closed)
    assert page.current.id == closed
    assert not page.edit_button.isEnabled() and "先「退回…」" in page.edit_button.toolTip()
    page.edit()  # what a double-click on the row does
    assert opened == [] and "已验收" in page.status.text()
    page.reload(select=open_one)
    assert page.edit_button.isEnabled() and page.edit_button.toolTip() == ""
    page.edit()
    assert opened == [open_one]

    with ws.read() as s:
        dialog = StepBackDialog(rs.get_rectification(s, closed), page)
    dialog.reason.setPlainText("复" * 501)
    dialog._accept()
    assert dialog.result() == 0 and dialog.form.errors["退回原因"].text() == "不能超过 500 个字（现在是 501 个字）"
    dialog.reason.setPlainText("复" * 500)
    dialog._accept()
    assert dialog.result() == 1


@pytest.mark.expect_errors
def test_refusals_are_shown_and_nothing_is_saved(page, ws, monkeypatch, qtbot, tmp_path, shown) -> None:
    fill_new(monkeypatch, LATE, TODAY + timedelta(days=3))
    page.new()
    bomb = tmp_path / "海报.png"
    from PIL import Image

    Image.new("1", (20000, 20000)).save(bomb)
    wait_task(qtbot, page.add_photos(rp.BEFORE, [str(make_image(tmp_path / "ok.jpg")), str(bomb)]))
    assert "尺寸大得异常" in str(shown.errors[-1]) and page.before.thumbs.count() == 0

    dialog = RectificationDialog(ws, None, page)
    dialog.problem.setPlainText("")
    dialog.found_on.setDate(to_qdate(TODAY))
    dialog.deadline.setDate(to_qdate(TODAY - timedelta(days=3)))
    assert not dialog.save()
    assert dialog.form.errors["问题"].text() == "必须填写" and "不能早于发现日期" in dialog.form.errors["整改时限"].text()
    assert len(rs_rows(ws)) == 1

    shown.answer = True
    page.delete()
    assert rs_rows(ws) == [] and page.current is None


def test_the_page_fits_1280_by_720(app, ws, qtbot, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(widgets, "screen_area", lambda widget=None: QRect(0, 0, 1280, 720))
    QSettings().remove("main/geometry")
    with ws.write() as s:
        rid = rs.create_rectification(s, RectificationDraft(LATE, TODAY - timedelta(days=9), "督查",
                                                            responsible="刘志强", deadline=TODAY - timedelta(days=2)))
        rp.add_photos(s, rid, [rp.NewRectificationPhoto(str(make_image(tmp_path / "b.jpg")), rp.BEFORE)], ws.files)
    win = MainWindow(ws)
    qtbot.addWidget(win)
    win.show()
    page = win.go("rectifications")
    qtbot.waitExposed(win)
    room = QRect(0, 0, 1280 - widgets.FRAME.width(), 720 - widgets.FRAME.height())
    assert win.width() <= room.width() and win.height() <= room.height()
    for widget in (page.next_button, page.back_button, page.order_button, page.before.remove_button,
                   page.after.add_button, page.status):
        assert widget.isVisible()
        corner = widget.mapTo(win, widget.rect().bottomRight())
        assert room.contains(corner), (widget, corner)
    QSettings().remove("main/geometry")
