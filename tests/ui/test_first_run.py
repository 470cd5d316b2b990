"""The first-run guide (使用向导) and the 帮助 menu: the guide opens at start for a new data folder,
saves the profile and makes the 填表人 the operator, can be skipped and reopened; 用户指南 writes
the PDF and hands it to the system's viewer; 关于 shows the version, the data folder and the
licences; everything fits a 1280×720 screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QScrollArea

from huiquan_desk import __version__
from huiquan_desk.paths import DataDir, resource
from huiquan_desk.services.activities import create_activity
from huiquan_desk.services.audit_log import audit_users
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.settings import CommunityProfile, get_profile, save_profile
from huiquan_desk.services.workspace import open_workspace
from huiquan_desk.ui import after_export
from huiquan_desk.ui.activity_dialog import ActivityDialog
from huiquan_desk.ui.app import start
from huiquan_desk.ui.first_run import FirstRunGuide, needed_at_start
from huiquan_desk.ui.help import AboutDialog, CannotOpen
from huiquan_desk.ui.main_window import MainWindow
from huiquan_desk.ui.widgets import FRAME, SMALLEST_SCREEN, screen_room
from tests.helpers import draft


@pytest.fixture
def opened(app, qtbot, tmp_path):  # type: ignore[no-untyped-def]
    """start() on a data folder: yields a function that starts it, and closes what it started."""
    started = []

    def open_(data: DataDir):  # type: ignore[no-untyped-def]
        result = start(str(data.root))
        assert not isinstance(result, int)
        _app, window, ws = result
        qtbot.addWidget(window)
        started.append((window, ws))
        return window, ws

    yield open_
    for window, ws in started:
        window.close()
        window.data_lock.release()
        ws.close()


@pytest.fixture
def opened_files(monkeypatch) -> list[Path]:
    """What would have been opened with the system's default program."""
    calls: list[Path] = []

    def record(path: Path) -> bool:
        calls.append(Path(path))
        return True

    monkeypatch.setattr(after_export, "open_location", record)
    return calls


def named(ws, name: str = "惠泉社区", preparer: str = "陈晓燕") -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        save_profile(s, CommunityProfile(name=name, street="惠泉镇", preparer=preparer))
    ws.refresh_operator()


def window_for(ws, qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    return window


def help_menu(window: MainWindow):  # type: ignore[no-untyped-def]
    menus = [a.menu() for a in window.menuBar().actions() if a.text() == "帮助"]
    assert len(menus) == 1
    return menus[0]


def fits(dialog: QDialog) -> None:
    """The dialog is sized from its screen, and its layout can shrink to a 1280×720 screen less the
    window frame (ui.widgets' sizing rule) without cutting anything off."""
    room = screen_room(dialog)
    assert dialog.width() <= room.width() and dialog.height() <= room.height()
    smallest = SMALLEST_SCREEN - FRAME
    hint = dialog.minimumSizeHint()
    assert hint.width() <= smallest.width() and hint.height() <= smallest.height(), hint
    assert dialog.minimumWidth() <= smallest.width() and dialog.minimumHeight() <= smallest.height()
    assert dialog.width() <= 1280 - FRAME.width() and dialog.height() <= 720 - FRAME.height()  # preferred fits too


# --- at start ------------------------------------------------------------------------------------
def test_the_guide_opens_at_start_for_a_new_data_folder(opened, tmp_path) -> None:
    window, ws = opened(DataDir(tmp_path / "d"))
    guide = window.first_run
    assert isinstance(guide, FirstRunGuide) and guide.isVisible() and guide.parent() is window
    assert guide.windowModality() == Qt.WindowModality.WindowModal  # over the window, opened without blocking
    assert guide.step == FirstRunGuide.PROFILE and guide.next_button.text() == "保存并继续"
    assert window.current_key == "home"  # the window's first page (no longer the settings page)
    screen = guide.screen().availableGeometry()
    assert screen.contains(guide.geometry())


def test_saving_step_one_sets_the_profile_and_the_operator(opened, tmp_path) -> None:
    window, ws = opened(DataDir(tmp_path / "d"))
    guide = window.first_run
    assert ws.operator != "陈晓燕"  # the computer's login until the 填表人 is known
    guide.fields["name"].setText(" 惠泉社区 ")
    guide.fields["street"].setText("惠泉镇")
    guide.fields["fonds_code"].setText("０１９４")
    guide.fields["preparer"].setText("陈晓燕")
    guide.next_step()
    assert guide.step == FirstRunGuide.CATEGORIES
    with ws.read() as s:
        profile = get_profile(s)
    assert (profile.name, profile.street, profile.fonds_code, profile.preparer) == ("惠泉社区", "惠泉镇", "0194", "陈晓燕")
    assert ws.operator == "陈晓燕" and "惠泉社区" in window.windowTitle()
    with ws.write() as s:  # the audit trail now names the 填表人
        create_activity(s, draft(s), ws.files)
    with ws.read() as s:
        assert "陈晓燕" in audit_users(s)


def test_step_one_needs_the_name_and_the_preparer(opened, tmp_path) -> None:
    window, ws = opened(DataDir(tmp_path / "d"))
    guide = window.first_run
    guide.next_step()  # nothing filled in: the problems appear under the fields, no box
    assert guide.step == FirstRunGuide.PROFILE
    shown = {label: error.text() for label, error in guide.form.errors.items() if not error.isHidden()}
    assert set(shown) == {"社区名称", "填表人"}
    with ws.read() as s:
        assert not get_profile(s).is_set


def test_the_guide_walks_through_its_steps_and_finishes(opened, tmp_path, monkeypatch, qtbot, opened_files) -> None:
    window, ws = opened(DataDir(tmp_path / "d"))
    guide = window.first_run
    guide.fields["name"].setText("惠泉社区")
    guide.fields["preparer"].setText("陈晓燕")
    guide.next_step()
    tree = guide.category_tree  # step 2: the plan's five parts
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [
        "思想道德教育", "宣传教育", "社区秩序", "社会环境", "文明创建"]
    assert "「设置」页右边" in guide.category_note.text() and guide.category_summary.text() == "共 5 个大类、20 个小类。"
    guide.next_step()
    assert guide.step == FirstRunGuide.ACTIVITY and guide.activity_count.text() == "还没有登记活动。"

    def new_activity(cls, ws, activity_id=None, parent=None, initial_files=None):  # type: ignore[no-untyped-def]
        with ws.write() as s:  # what the dialog does when the user saves
            return create_activity(s, draft(s, title="第一项活动"), ws.files)

    monkeypatch.setattr(ActivityDialog, "ask", classmethod(new_activity))
    guide.add_first_activity()  # step 3: the main window's new-activity dialog
    assert guide.activity_count.text() == "已登记 1 项活动。"
    assert window.current_key == "activities" and window.activities.model.rowCount() == 1
    guide.next_step()
    assert guide.step == FirstRunGuide.DONE and guide.next_button.text() == "完成" and guide.skip_button.isHidden()
    for what in ("每天登记活动", "导出台账", "备份到 U 盘"):
        assert what in guide.next_steps.text()
    guide.manual_button.click()  # the user guide, as from the 帮助 menu
    qtbot.waitUntil(lambda: len(opened_files) == 1, timeout=20000)
    assert opened_files[0].parent == ws.data.logs
    guide.back()
    assert guide.step == FirstRunGuide.ACTIVITY
    guide.next_step()
    guide.next_step()  # 完成
    assert guide.result() == QDialog.DialogCode.Accepted and not guide.isVisible()
    assert "向导已跳过" not in window.statusBar().currentMessage()


def test_the_guide_can_be_skipped(opened, tmp_path, qtbot) -> None:
    window, ws = opened(DataDir(tmp_path / "d"))
    guide = window.first_run
    guide.skip()
    assert not guide.isVisible()
    assert "帮助 → 使用向导" in window.statusBar().currentMessage()
    with ws.read() as s:
        assert not get_profile(s).is_set
    qtbot.waitUntil(lambda: not window.findChildren(FirstRunGuide))  # it deletes itself when closed


def test_no_guide_when_the_community_has_a_name(opened, tmp_path) -> None:
    data = DataDir(tmp_path / "d")
    ws = open_workspace(data, daily_backup=False)
    named(ws)
    ws.close()
    window, _ws = opened(data)
    assert window.first_run is None and not window.findChildren(FirstRunGuide)


def test_only_an_admin_on_a_writable_database_gets_it_at_start(ws) -> None:
    assert needed_at_start(ws)
    ws.role = Role.EDITOR
    assert not needed_at_start(ws)
    ws.role = Role.ADMIN
    ws.read_only = True
    assert not needed_at_start(ws)
    ws.read_only = False
    named(ws)
    assert not needed_at_start(ws)


def test_others_see_the_profile_read_only(app, qtbot, ws) -> None:
    named(ws)
    ws.role = Role.VIEWER
    guide = FirstRunGuide(ws)
    qtbot.addWidget(guide)
    assert guide.fields["name"].text() == "惠泉社区" and guide.fields["name"].isReadOnly()
    assert guide.next_button.text() == "下一步"
    guide.next_step()  # nothing to save: on to the categories
    assert guide.step == FirstRunGuide.CATEGORIES
    guide.next_step()
    assert not guide.activity_button.isEnabled()


# --- the 帮助 menu -------------------------------------------------------------------------------
def test_the_help_menu_has_its_three_items(app, qtbot, ws) -> None:
    window = window_for(ws, qtbot)
    items = [a.text() for a in help_menu(window).actions() if not a.isSeparator()]
    assert items == ["使用向导…", "用户指南（PDF）…", "关于惠泉台账…"]
    window._menus()  # built again after a restore: no action (no shortcut) twice
    texts = [a.text() for a in window.actions()]
    assert len(texts) == len(set(texts))


def test_the_guide_reopens_from_the_menu(app, qtbot, ws) -> None:
    named(ws)
    window = window_for(ws, qtbot)
    window.first_run_action.trigger()
    guides = window.findChildren(FirstRunGuide)
    assert len(guides) == 1 and guides[0].isVisible()
    assert guides[0].fields["name"].text() == "惠泉社区" and guides[0].fields["preparer"].text() == "陈晓燕"
    window.first_run_action.trigger()  # the one already open comes to the front, no second one
    assert window.findChildren(FirstRunGuide) == guides
    guides[0].fields["name"].setText("惠泉社区（新）")
    guides[0].next_step()
    assert "惠泉社区（新）" in window.windowTitle()
    guides[0].skip()


def test_the_user_guide_is_written_and_opened(app, qtbot, ws, opened_files) -> None:
    window = window_for(ws, qtbot)
    window.guide_action.trigger()
    qtbot.waitUntil(lambda: len(opened_files) == 1, timeout=20000)
    path = opened_files[0]
    assert path.parent == ws.data.logs and __version__ in path.name and path.suffix == ".pdf"
    assert 3 <= len(PdfReader(path).pages) <= 6
    assert window.guide_action.shortcut().toString() == "F1"
    written = path.stat().st_mtime_ns
    window.guide_action.trigger()  # the second time the file is only opened
    qtbot.waitUntil(lambda: len(opened_files) == 2, timeout=20000)
    assert opened_files[1] == path and path.stat().st_mtime_ns == written


@pytest.mark.expect_errors(of=CannotOpen)
def test_without_a_pdf_viewer_the_user_is_told_where_the_guide_is(app, qtbot, ws, shown, monkeypatch) -> None:
    monkeypatch.setattr(after_export, "open_location", lambda path: False)
    window = window_for(ws, qtbot)
    window.guide_action.trigger()
    qtbot.waitUntil(lambda: len(shown.errors) == 1, timeout=20000)
    assert isinstance(shown.errors[0], CannotOpen) and str(ws.data.logs) in str(shown.errors[0])


def test_about_shows_the_version_the_data_folder_and_the_licences(app, qtbot, ws, opened_files) -> None:
    window = window_for(ws, qtbot)
    window.about_action.trigger()
    dialogs = window.findChildren(AboutDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    about = dialogs[0]
    assert about.version_label.text() == __version__
    assert about.folder_label.text() == str(ws.data.root)
    runtime = about.runtime_label.text()
    assert "Python" in runtime and "Qt" in runtime and "SQLite" in runtime
    licences = about.licences.toPlainText()
    for text in ("Apache-2.0", "WenQuanYi", "PySide6", "LGPL-3.0", "SQLAlchemy", "openpyxl", "ReportLab", "BSD",
                 "Pillow", "MIT-CMU"):
        assert text in licences, text
    assert __version__ in about.details() and str(ws.data.root) in about.details()
    about.licence_button.click()
    assert opened_files == [resource("fonts")] and (opened_files[0] / "Apache-2.0.txt").is_file()
    about.close_button.click()
    assert not about.isVisible()


# --- the screen ----------------------------------------------------------------------------------
def test_the_guide_and_about_fit_a_1280_by_720_screen(app, qtbot, ws) -> None:
    named(ws)
    window = window_for(ws, qtbot)
    guide = FirstRunGuide(ws, window)
    qtbot.addWidget(guide)
    about = AboutDialog(ws, window)
    qtbot.addWidget(about)
    for dialog in (guide, about):
        fits(dialog)
    for step in range(guide.stack.count()):  # long steps scroll rather than grow the dialog
        page = guide.stack.widget(step)
        assert isinstance(page, QScrollArea) and page.widgetResizable()
        guide.go(step)
        fits(guide)
    smallest = SMALLEST_SCREEN - FRAME
    guide.resize(smallest)  # at the smallest room the layout takes that size and the buttons stay inside
    guide.go(FirstRunGuide.CATEGORIES)
    guide.show()
    qtbot.waitExposed(guide)
    assert guide.size() == smallest
    for button in (guide.skip_button, guide.back_button, guide.next_button):
        corner = button.mapTo(guide, QPoint(button.width() - 1, button.height() - 1))
        assert guide.rect().contains(button.mapTo(guide, QPoint(0, 0))) and guide.rect().contains(corner)
