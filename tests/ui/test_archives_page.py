"""A secretary files a year in the 档案 page: the year's activities filed in one step through the
filing dialog, the waiting items dragged into order and numbered, one removed with its reason (a
recorded gap), the rest boxed, a scan entered by hand by dropping it in, a correction; every
button is on a 1280×720 screen, and a 查看 account cannot change anything."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QPointF, QRect, QSettings, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog

from huiquan_desk.domain.activity import NewAttachment, PhotoCaption
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.paths import DataDir
from huiquan_desk.services import archives as items
from huiquan_desk.services import filing
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.settings import (
    ARCHIVE_CATEGORY_CODES,
    RETENTION_RULES,
    CommunityProfile,
    get_setting,
    save_profile,
)
from huiquan_desk.services.workspace import open_workspace
from huiquan_desk.ui import archives_page, tasks, widgets
from huiquan_desk.ui.archive_dialogs import BoxDialog, FilingDialog, ItemDialog
from huiquan_desk.ui.main_window import MainWindow
from tests.helpers import log_activity, make_image
from tests.ui.test_screens import SCREEN, assert_fits

LAST = date.today().year - 1
# The activities of last year, in the order they are entered (not their date order).
DAYS = {"春节慰问": (1, 20), "学雷锋志愿服务": (3, 5), "青年节座谈": (5, 4), "端午包粽子": (6, 1), "重阳敬老": (10, 11)}
BY_DATE = sorted(DAYS, key=lambda t: DAYS[t])


@pytest.fixture
def records(ws, tmp_path):  # type: ignore[no-untyped-def]
    """Five activities of last year, each with a photo (传统节日: the rule table proposes D10)."""
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194"))
    for index, (title, (month, day)) in enumerate(DAYS.items()):
        photo = make_image(tmp_path / f"photo{index}.jpg")
        log_activity(ws, [NewAttachment(str(photo))], title=title, start=datetime(LAST, month, day, 9))
    return ws


@pytest.fixture
def page(window, records):  # type: ignore[no-untyped-def]
    return window.go("archives")


def titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.title for r in page.items.rows]


def codes(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [page.items.data(page.items.index(row, 0)) for row in range(page.items.rowCount())]


def file_all(page, monkeypatch, number: bool = False, apart: bool = False, retention: dict | None = None) -> None:  # type: ignore[no-untyped-def]
    """归档… through the filing dialog: every candidate checked (the default), `retention` {title: code}."""
    seen = []

    def run(dialog):  # type: ignore[no-untyped-def]
        assert isinstance(dialog, FilingDialog)
        seen.append(dialog)
        assert all(dialog.table.item(r, 0).checkState() == Qt.CheckState.Checked for r in range(dialog.table.rowCount()))
        for row, candidate in enumerate(dialog.candidates):
            if candidate.title in (retention or {}):
                combo = dialog.combos[row]
                combo.setCurrentIndex(combo.findData(retention[candidate.title]))
        dialog.number.setChecked(number)
        dialog.photos_apart.setChecked(apart)
        if not dialog.save():
            return False
        deadline = time.monotonic() + 30
        while dialog.task is not None and time.monotonic() < deadline:  # filing runs in the background
            QApplication.processEvents()
            time.sleep(0.01)  # not QTest.qWait: it keeps the GIL, starving the filing (and every other) worker
        assert dialog.task is None, "filing did not finish"
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(archives_page, "run_dialog", run)
    page.file_records()
    assert seen, "the filing dialog was not opened"


def choose_series(page, group: str) -> None:  # type: ignore[no-untyped-def]
    row = next(i for i, line in enumerate(page.series.rows) if str(line.group) == group)
    page.series_view.setCurrentIndex(page.series.index(row, 0))


def select_rows(page, *rows: int) -> None:  # type: ignore[no-untyped-def]
    page.items_view.clearSelection()
    for row in rows:
        page.items_view.selectionModel().select(
            page.items.index(row, 0), page.items_view.selectionModel().SelectionFlag.Select
            | page.items_view.selectionModel().SelectionFlag.Rows)


def test_the_year_is_filed_in_one_step(page, ws, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert page.year == LAST  # last year is still waiting: the page opens on it
    assert f"{LAST}年度还有 5 项活动未归档" in page.reminder.text()
    assert f"{LAST + 1}年6月30日" in page.reminder.text()
    file_all(page, monkeypatch, retention={"重阳敬老": "Y"})
    with ws.read() as s:
        rows = items.list_items(s, LAST)
        assert not filing.unfiled(s, LAST)
    assert sorted(r.title for r in rows) == sorted(DAYS)
    assert {r.title: r.retention for r in rows}["重阳敬老"] == "Y"  # the period chosen in the dialog
    assert all(r.source == "活动" and r.files == 1 and r.number is None for r in rows)
    assert [str(line.group) for line in page.series.rows[1:]] == [f"WS·{LAST}-D10", f"WS·{LAST}-Y"]
    assert codes(page)[0] == "未编号"
    assert "都已归档" in page.reminder.text()
    assert "已归档 5 件" in page.status.text()


@pytest.mark.expect_errors
def test_filing_runs_in_the_background_and_a_refusal_keeps_the_dialog(page, ws, qtbot, shown) -> None:  # type: ignore[no-untyped-def]
    dialog = FilingDialog(ws, LAST, page)
    qtbot.addWidget(dialog)
    with ws.write() as s:  # someone files one of them meanwhile (another window, the command line)
        filing.file_records(s, ws.files, [dialog.candidates[0].id])
    file_button = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert dialog.save() and not file_button.isEnabled()  # started: 归档 cannot be pressed twice
    assert dialog.buttons.button(dialog.buttons.StandardButton.Cancel).isEnabled()  # 取消 cancels it
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30000)
    assert shown.errors and dialog.result() != QDialog.DialogCode.Accepted and file_button.isEnabled()
    with ws.read() as s:  # one transaction: none of the others was filed either
        assert len(items.list_items(s, LAST)) == 1


def settle(dialog) -> None:  # type: ignore[no-untyped-def]
    """Until the dialog's filing has ended (the file_all loop: the worker is not starved of the GIL)."""
    deadline = time.monotonic() + 30
    while dialog.task is not None and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    assert dialog.task is None, "filing did not finish"
    QApplication.processEvents()


def test_closing_the_filing_dialog_cancels_it_and_files_nothing(page, ws, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Esc, the window's close button, 取消: while filing, each cancels it and the dialog stays
    (「正在取消…」) until it has stopped; then it closes, nothing filed, the page as it was."""
    reached, gate = threading.Event(), threading.Event()
    real = filing.file_records

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        reached.set()  # the first record is being filed in the (uncommitted) transaction
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(filing, "file_records", held)
    closed: list[int] = []
    started: list[tasks.Task] = []

    def run(dialog):  # type: ignore[no-untyped-def]
        dialog.finished.connect(closed.append)
        dialog.show()  # shown, not exec'd
        try:
            assert dialog.save() and reached.wait(30)
            started.append(dialog.task)
            QTest.keyClick(dialog, Qt.Key.Key_Escape)
            assert not dialog.close()  # the window's close button is refused too
            dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
            assert dialog.isVisible() and closed == [] and dialog.count.text() == "正在取消…"
        finally:
            gate.set()
        settle(dialog)
        assert closed == [QDialog.DialogCode.Rejected.value] and not dialog.isVisible()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(archives_page, "run_dialog", run)
    before = page.status.text()
    page.file_records()
    assert closed, "the filing dialog was not opened"
    with ws.read() as s:  # the record filed before the cancel was rolled back with the rest
        assert items.list_items(s, LAST) == [] and len(filing.unfiled(s, LAST)) == 5
    assert started[0] not in tasks.RUNNING and page.status.text() == before


def test_a_filing_past_its_last_step_when_closed_is_shown_done(page, ws, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Closed after the work has committed (its result not back yet): the cancel comes too late,
    the dialog ends accepted and the page shows what was filed."""
    started: list[tasks.Task] = []

    def run(dialog):  # type: ignore[no-untyped-def]
        dialog.number.setChecked(True)
        assert dialog.save()
        started.append(dialog.task)
        assert QThreadPool.globalInstance().waitForDone(30000)  # committed; the GUI not told yet
        dialog.reject()
        assert dialog.count.text() == "正在取消…"
        settle(dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(archives_page, "run_dialog", run)
    page.file_records()
    assert "已归档 5 件，固定件号 5 个" in page.status.text()
    choose_series(page, f"WS·{LAST}-D10")
    assert titles(page) == BY_DATE and codes(page)[0] == f"0194-WS·{LAST}-D10-0001"  # reloaded
    assert started[0] not in tasks.RUNNING


def test_filing_with_photos_apart_and_numbers_fixed(page, ws, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    file_all(page, monkeypatch, number=True, apart=True)
    choose_series(page, f"WS·{LAST}-D10")
    assert titles(page) == BY_DATE  # numbered by date
    assert codes(page)[0] == f"0194-WS·{LAST}-D10-0001"
    choose_series(page, f"ZP·{LAST}-D10")
    assert codes(page)[-1] == f"0194-ZP·{LAST}-D10-0005"
    assert page.items.rows[0].shown_title.startswith("[")  # a made-up title, in [ ]


def test_drag_into_order_then_fix_the_numbers(page, qtbot, monkeypatch, shown) -> None:  # type: ignore[no-untyped-def]
    file_all(page, monkeypatch)
    choose_series(page, f"WS·{LAST}-D10")
    assert titles(page) == BY_DATE
    # Drag the last one (重阳敬老) onto the first row: it goes first.
    model = page.items
    data = model.mimeData([model.index(4, 0)])
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(0, 0))
    qtbot.waitUntil(lambda: titles(page)[0] == "重阳敬老")
    assert titles(page) == ["重阳敬老", *BY_DATE[:4]]
    page.order_by_date()
    assert titles(page) == BY_DATE
    data = model.mimeData([model.index(0, 0)])  # the first one dropped at the end
    model.dropMimeData(data, Qt.DropAction.MoveAction, 5, 0, QModelIndex())
    qtbot.waitUntil(lambda: titles(page)[-1] == BY_DATE[0])
    page.fix_numbers()
    assert "不能再改" in shown.questions[-1]
    assert codes(page) == [f"0194-WS·{LAST}-D10-{n:04d}" for n in range(1, 6)]
    assert titles(page) == [*BY_DATE[1:], BY_DATE[0]]
    assert not model.waiting()  # numbered: nothing left to drag


@pytest.mark.expect_errors(of=ValidationError)
def test_removing_a_numbered_item_leaves_a_gap(page, ws, monkeypatch, shown) -> None:  # type: ignore[no-untyped-def]
    file_all(page, monkeypatch, number=True)
    choose_series(page, f"WS·{LAST}-D10")
    monkeypatch.setattr(archives_page, "ask_text", lambda *a, **k: "")  # no reason: refused
    select_rows(page, 1)
    page.remove_item()
    assert len(page.items.rows) == 5 and "空号原因" in str(shown.errors[-1])
    monkeypatch.setattr(archives_page, "ask_text", lambda *a, **k: "与 0001 重复归档")
    select_rows(page, 1)
    page.remove_item()
    assert codes(page) == [f"0194-WS·{LAST}-D10-{n:04d}" for n in (1, 3, 4, 5)]  # the others keep theirs
    assert [(g.code, g.title, g.reason) for g in page.gaps.rows] == [(f"0194-WS·{LAST}-D10-0002", BY_DATE[1], "与 0001 重复归档")]
    assert page.series.rows[1].gaps == 1 and "空号（1）" in page.tabs.tabText(2)
    with ws.read() as s:  # its activity may be filed again
        assert [c.title for c in filing.unfiled(s, LAST)] == [BY_DATE[1]]


def test_a_number_skipped_by_hand_is_listed_and_explained(page, ws, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    file_all(page, monkeypatch, number=True)
    with ws.write() as s:  # an old paper file entered with its own 件号, past the series' end
        items.create_item(s, items.ItemDraft(title="2019年旧档补录", year=LAST, retention="D10", number=8), ws.files)
    page.reload()
    missing = [g for g in page.gaps.rows if not g.recorded]
    assert [g.code[-4:] for g in missing] == ["0006", "0007"] and missing[0].reason == items.MISSING
    page.tabs.setCurrentIndex(2)
    page.gaps_view.setCurrentIndex(page.gaps.index(page.gaps.rows.index(missing[0]), 0))
    monkeypatch.setattr(archives_page, "ask_text", lambda *a, **k: "原件已移交街道")
    page.explain_gap()
    assert [(g.code[-4:], g.reason, g.recorded) for g in page.gaps.rows] == [
        ("0006", "原件已移交街道", True), ("0007", items.MISSING, False)]


@pytest.mark.expect_errors(of=ValidationError)
def test_boxing_shows_the_range_of_numbers(page, ws, monkeypatch, shown) -> None:  # type: ignore[no-untyped-def]
    file_all(page, monkeypatch)
    choose_series(page, f"WS·{LAST}-D10")
    select_rows(page, 0, 1)
    page.box_selected()  # not numbered yet: refused with the reason
    assert "请先固定件号" in str(shown.errors[-1]) and not page.boxes.rows
    page.fix_numbers()
    select_rows(page, 0, 1)
    page.box_selected()
    assert [b.range_text for b in page.boxes.rows] == ["0001—0002"]
    page.pack()  # the rest of the series
    assert [b.range_text for b in page.boxes.rows] == ["0001—0002", "0003—0005"]
    assert [r.box_number for r in page.items.rows] == [1, 1, 2, 2, 2]
    assert page.series.rows[1].boxed == 5

    def fill(dialog):  # type: ignore[no-untyped-def]
        assert isinstance(dialog, BoxDialog)
        dialog.arranged_by.setText("陈晓燕")
        dialog.notes.setPlainText("本盒文件齐全")
        dialog.spine.setCurrentIndex(dialog.spine.findData(30))
        return dialog.save()

    monkeypatch.setattr(archives_page, "run_dialog", fill)
    page.boxes_view.setCurrentIndex(page.boxes.index(1, 0))
    page.edit_box()
    box = page.boxes.rows[1]
    assert (box.arranged_by, box.notes, box.spine_mm) == ("陈晓燕", "本盒文件齐全", 30)


def test_a_scan_dropped_into_a_hand_entered_item(page, ws, monkeypatch, tmp_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    scan = make_image(tmp_path / "通知扫描件.png", size=(200, 280))

    def enter(dialog):  # type: ignore[no-untyped-def]
        assert isinstance(dialog, ItemDialog)
        dialog.title.setText("惠泉社区2025年工作总结")
        dialog.made_up.setChecked(True)
        dialog.author.setText("惠泉社区居委会")
        dialog.pages.setValue(6)
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(scan))])
        drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
        dialog.file_list.dropEvent(drop)
        assert dialog.file_list.count() == 1 and "扫描件" in dialog.file_list.item(0).text()
        return dialog.save()

    monkeypatch.setattr(archives_page, "run_dialog", enter)
    page.new_item()
    with ws.read() as s:
        (row,) = items.list_items(s, LAST)
        detail = items.get_item(s, row.id, ws.files)
    assert (row.source, row.shown_title, row.files, row.pages) == ("手工录入", "[惠泉社区2025年工作总结]", 1, 6)
    assert detail.files[0].kind == "scan" and detail.files[0].path.read_bytes() == scan.read_bytes()
    assert page.items.rows[0].id == row.id


def test_a_photo_item_with_its_caption_and_a_correction(page, ws, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photo = make_image(tmp_path / "合影.jpg")

    def enter(dialog):  # type: ignore[no-untyped-def]
        dialog.category.setCurrentIndex(dialog.category.findData("ZP"))
        dialog.title.setText("重阳敬老活动合影")
        dialog.add_files([str(photo)])
        dialog.set_caption(0, PhotoCaption("重阳敬老活动合影", datetime(LAST, 10, 11, 10), "社区活动室", "王堃（书记）",
                                           "陈晓燕"))
        dialog.number.setValue(1)  # a 件号 typed by hand: numbered at once
        return dialog.save()

    monkeypatch.setattr(archives_page, "run_dialog", enter)
    page.new_item()
    with ws.read() as s:
        (row,) = items.list_items(s, LAST)
        detail = items.get_item(s, row.id, ws.files)
    assert row.code == f"0194-ZP·{LAST}-D10-0001"
    assert (detail.files[0].kind, detail.files[0].caption.people) == ("photo", "王堃（书记）")

    def check_numbered(dialog):  # type: ignore[no-untyped-def]
        assert not dialog.category.isEnabled() and not dialog.number.isEnabled()  # 档号 fixed
        dialog.remarks.setPlainText("底片另存")
        return dialog.save()

    monkeypatch.setattr(archives_page, "run_dialog", check_numbered)
    choose_series(page, f"ZP·{LAST}-D10")
    select_rows(page, 0)
    page.edit_item()

    def correct(dialog):  # type: ignore[no-untyped-def]
        assert dialog.corrects == row.id and not dialog.year.isEnabled()
        dialog.title.setText("重阳敬老活动合影（更正人物说明）")
        return dialog.save()

    monkeypatch.setattr(archives_page, "run_dialog", correct)
    select_rows(page, 0)
    page.correct_item()
    with ws.read() as s:
        rows = items.list_items(s, LAST)
    assert [r.source for r in rows] == ["手工录入", "更正"] and rows[0].remarks == "底片另存"
    assert rows[1].corrects_id == row.id


def test_a_viewer_changes_nothing(window, records, ws) -> None:  # type: ignore[no-untyped-def]
    ws.role = Role.VIEWER
    page = window.go("archives")
    buttons = {b.text(): b for b in page.findChildren(QAbstractButton) if b.text()}
    for text in ("从活动和评选归档…", "手工录入…", "固定件号…", "移出…", "装盒", "自动装盒", "检测"):
        assert not buttons[text].isEnabled(), text
    for text in ("修改…", "打印", "移交包…"):
        assert buttons[text].isEnabled(), text


@pytest.fixture
def small_screen(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(widgets, "screen_area", lambda widget=None: QRect(SCREEN))
    QSettings().remove("main/geometry")
    yield SCREEN
    QSettings().remove("main/geometry")


def test_the_page_and_its_dialogs_fit_a_small_screen(app, ws, records, qtbot, small_screen, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    page = window.go("archives")
    file_all(page, monkeypatch, number=True)
    choose_series(page, f"WS·{LAST}-D10")
    page.pack()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # the filing dialog is gone
    assert_fits(window, app, "档案")
    for text in ("从活动和评选归档…", "手工录入…", "修改…", "更正…", "移出…", "按日期排序", "固定件号…", "装盒", "自动装盒",
                 "打印", "检测", "到期鉴定/销毁…", "移交包…"):
        button = next(b for b in page.findChildren(QAbstractButton) if b.text() == text)
        assert button.isVisibleTo(window), text
    with ws.read() as s:
        item_id = items.list_items(s, LAST)[0].id
    page.boxes_view.setCurrentIndex(page.boxes.index(0, 0))
    for name, build in (("手工录入", lambda: ItemDialog(ws, None, window, year=LAST)),
                        ("修改", lambda: ItemDialog(ws, item_id, window)),
                        ("更正", lambda: ItemDialog(ws, None, window, corrects=item_id)),
                        ("归档", lambda: FilingDialog(ws, LAST + 1, window)),
                        ("档案盒", lambda: BoxDialog(ws, page.boxes.rows[0].id, window))):
        dialog = build()
        qtbot.addWidget(dialog)
        assert_fits(dialog, app, name)
        dialog.close()


def test_archive_settings_name_the_wrong_line(window, ws) -> None:  # type: ignore[no-untyped-def]
    page = window.go("settings")
    page.retention_rules.setPlainText("传统节日 = D10\n评选表彰 永久")
    assert not page.save_archive_settings()
    assert "第 2 行" in page.archive_form.errors[RETENTION_RULES.label].text()
    page.retention_rules.setPlainText("传统节日 = 30年\n其他 = D10")
    page.archive_codes.setPlainText("WS 文书\nzp 照片\nKJ 科技")
    assert page.save_archive_settings()
    with ws.read() as s:
        assert get_setting(s, RETENTION_RULES) == {"传统节日": "D30", "其他": "D10"}
        assert get_setting(s, ARCHIVE_CATEGORY_CODES) == {"WS": "文书", "ZP": "照片", "KJ": "科技"}
    page.archive_codes.setPlainText("ZP 照片")
    assert not page.save_archive_settings()
    assert "WS" in page.archive_form.errors[ARCHIVE_CATEGORY_CODES.label].text()


# --- the demo community ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The demo community, made once for the module (it takes a few seconds)."""
    from huiquan_desk.services.demo import fill_demo

    folder = tmp_path_factory.mktemp("demo") / "data"
    workspace = open_workspace(DataDir(folder))
    try:
        fill_demo(workspace)
    finally:
        workspace.close()
    return folder


def test_the_demo_year_is_filed_and_numbered_in_the_window(app, qtbot, demo_folder, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    shutil.copytree(demo_folder, folder)
    workspace = open_workspace(DataDir(folder))
    try:
        window = MainWindow(workspace)
        qtbot.addWidget(window)
        window.show()
        page = window.go("archives")
        with workspace.read() as s:
            waiting = filing.unfiled(s, page.year)
        assert waiting, f"the demo has nothing to file in {page.year}"
        file_all(page, monkeypatch, number=True)
        with workspace.read() as s:
            assert not filing.unfiled(s, page.year)
            rows = items.list_items(s, page.year)
        filed = [r for r in rows if r.activity_id is not None or r.campaign_id is not None]
        assert len(filed) >= len(waiting) and all(r.number is not None for r in rows)
        assert page.series.rows[0].items == len(rows) == page.series.rows[0].numbered
    finally:
        workspace.close()


def test_every_print_of_the_year(page, ws, monkeypatch, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from huiquan_desk.ui import export_actions
    from tests.helpers import wait_task

    file_all(page, monkeypatch, number=True, apart=True)
    for group in (f"WS·{LAST}-D10", f"ZP·{LAST}-D10"):
        choose_series(page, group)
        page.pack()
    choose_series(page, f"WS·{LAST}-D10")
    written: list[Path] = []

    def where(_parent, _title, name, fmt):  # type: ignore[no-untyped-def]
        written.append(tmp_path / "out" / name)
        written[-1].parent.mkdir(exist_ok=True)
        return written[-1]

    monkeypatch.setattr(archives_page, "ask_save_path", where)
    monkeypatch.setattr(export_actions, "ask_save_path", where)
    for fmt in ("xlsx", "pdf"):
        wait_task(qtbot, page.export_catalogue(fmt))
        assert "归档文件目录" in page.status.text()
    for key in archives_page.ArchivesPage.PRINTS:
        wait_task(qtbot, page.print_label(key))
        assert page.after_export.path == written[-1]
    assert [p.suffix for p in written] == [".xlsx", ".pdf", ".pdf", ".pdf", ".pdf", ".pdf"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert f"_{LAST}_D10" in written[2].name  # the chosen series' period


def test_check_destruction_and_package_from_the_page(page, ws, monkeypatch, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from huiquan_desk.ui import archive_care
    from tests.helpers import wait_task

    told: list[str] = []
    monkeypatch.setattr(archive_care, "tell", lambda parent, title, text: told.append(title))
    file_all(page, monkeypatch, number=True)
    assert "还没有检测过" in page.fixity.text()
    wait_task(qtbot, page.check_files())
    assert told == ["档案检测"] and "上次检测" in page.fixity.text() and "没有发现问题" in page.fixity.text()
    opened = []
    monkeypatch.setattr(archive_care, "run_modal", lambda dialog: opened.append(type(dialog).__name__) or 0)
    page.destruction()
    assert opened == ["DestructionDialog"]
    target = tmp_path / "移交包.zip"
    monkeypatch.setattr(archive_care, "ask_package_target", lambda parent, suggested: target)
    wait_task(qtbot, page.package())
    assert target.is_file() and page.after_export.path == target and "移交包" in told[-1]
