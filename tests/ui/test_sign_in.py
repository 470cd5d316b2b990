"""Signing in, the idle lock screen and the accounts page, driven as staff would (Qt offscreen)."""

import sys
import time

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow

from huiquan_desk.domain.errors import PermissionDenied, ValidationError
from huiquan_desk.services import accounts
from huiquan_desk.ui import app as app_module
from huiquan_desk.ui import users_page
from huiquan_desk.ui.login_dialog import IdleLock, LoginDialog
from huiquan_desk.ui.users_page import PasswordDialog, UserDialog, UsersPage

PASSWORD = "Huiquan#2026"


def add(ws, username="wangkun", role="admin", display_name="王堃", password=PASSWORD) -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        return accounts.create_user(s, username, display_name, role, password)


def users(ws) -> dict[str, accounts.UserRow]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return {u.username: u for u in accounts.list_users(s)}


# --- the login dialog -----------------------------------------------------------------------------
def test_login_dialog_wrong_then_right_password(app, ws, qtbot) -> None:
    add(ws)
    dialog = LoginDialog(ws)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("wangkun")
    dialog.password.setText("not-it")
    assert not dialog.try_login()
    assert dialog.error.isVisible() and "用户名或密码不正确" in dialog.error.text() and "再输错 2 次" in dialog.error.text()
    assert dialog.password.text() == "" and dialog.signed_in is None and dialog.result() != QDialog.DialogCode.Accepted
    dialog.password.setText(PASSWORD)
    assert dialog.try_login()
    assert dialog.signed_in == accounts.SignedIn("wangkun", "王堃", "admin")
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.password.text() == ""


def test_login_dialog_says_how_long_to_wait(app, ws, qtbot) -> None:
    add(ws)
    dialog = LoginDialog(ws)
    qtbot.addWidget(dialog)
    dialog.username.setText("wangkun")
    for _ in range(3):
        dialog.password.setText("not-it")
        assert not dialog.try_login()
    assert "请等 5 秒后再试" in dialog.error.text()
    dialog.password.setText(PASSWORD)
    assert not dialog.try_login()  # still within the wait
    assert "暂时锁定" in dialog.error.text()


def test_login_dialog_needs_both_fields(app, ws, qtbot) -> None:
    add(ws)
    dialog = LoginDialog(ws)
    qtbot.addWidget(dialog)
    assert not dialog.try_login()
    assert "请填写用户名和密码" in dialog.error.text()


# --- start-up -------------------------------------------------------------------------------------
def test_no_accounts_opens_without_sign_in(app, ws, monkeypatch) -> None:
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, ws, parent=None: pytest.fail("asked")))
    operator = ws.operator
    assert app_module.sign_in(ws) is None
    assert ws.role == "admin" and ws.operator == operator


def test_sign_in_sets_operator_and_role(app, ws, monkeypatch) -> None:
    add(ws)
    add(ws, "lili", role="viewer", display_name="李丽")
    monkeypatch.setattr(LoginDialog, "ask", classmethod(
        lambda cls, ws, parent=None: accounts.authenticate(ws, "lili", PASSWORD)))
    signed = app_module.sign_in(ws)
    assert signed.username == "lili" and ws.operator == "李丽" and ws.role == "viewer"
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, ws, parent=None: None))
    assert app_module.sign_in(ws) is False


def test_start_asks_first_and_cancel_quits(app, ws, monkeypatch) -> None:
    add(ws)
    root = str(ws.data.root)
    ws.close()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, ws, parent=None: None))
    assert app_module.start(root) == 0

    monkeypatch.setattr(LoginDialog, "ask", classmethod(
        lambda cls, ws, parent=None: accounts.authenticate(ws, "wangkun", PASSWORD)))
    started = app_module.start(root)
    _app, window, opened = started
    try:
        assert opened.operator == "王堃" and opened.role == "admin"
        assert isinstance(window.idle_lock, IdleLock) and window.idle_lock.interval == 600
        assert window.isVisible() and window.idle_lock.signed_in.username == "wangkun"
    finally:
        window.idle_lock.uninstall()
        window.close()
        window.deleteLater()
        opened.close()


# --- the idle lock --------------------------------------------------------------------------------
class FakeClock:
    """A monotonic clock the test moves by hand (seconds, like time.monotonic)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# Clock values just below a power of two, where `(last + 120) - last` rounds to just below 120
# (time.monotonic() after 12 days or 48 days of uptime); the lock must still fire at last + 120.
BELOW_POWERS_OF_TWO = [1048575.9999999, 1048575.9999999997, 4194303.9999999]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def window(app, qtbot):  # type: ignore[no-untyped-def]
    win = QMainWindow()
    win.setCentralWidget(QLabel("王伟 350102199001011234"))
    qtbot.addWidget(win)
    win.show()
    return win


def make_lock(ws, window, clock, username="wangkun", minutes=1):  # type: ignore[no-untyped-def]
    signed = accounts.authenticate(ws, username, PASSWORD)
    ws.operator, ws.role = signed.operator, signed.role
    lock = IdleLock(ws, signed, window, minutes=minutes, clock=clock)
    return lock


def test_idle_lock_locks_after_the_interval_and_unlocks_with_the_password(app, ws, window, qtbot, clock) -> None:
    add(ws)
    lock = make_lock(ws, window, clock)
    try:
        other = QDialog()  # e.g. an edit dialog left open
        qtbot.addWidget(other)
        other.show()
        assert lock.last_activity == clock.now
        clock.advance(59)
        assert not lock.check_idle()
        assert window.centralWidget().isVisible()
        clock.advance(1)  # exactly one minute without input
        assert lock.check_idle()
        screen = lock.screen
        assert screen.isVisible() and screen.isModal() and not window.centralWidget().isVisible()
        assert other.isVisible() and other.windowOpacity() == 0.0  # unreadable, not closed
        assert screen.windowModality() == Qt.WindowModality.ApplicationModal
        assert screen.username.text() == "wangkun" and "王堃" in screen.intro.text()
        # Esc / the close button keep it locked.
        screen.reject()
        assert screen.isVisible() and lock.locked
        screen.password.setText("not-it")
        assert not screen.try_unlock()
        assert lock.locked and "用户名或密码不正确" in screen.error.text() and screen.password.text() == ""
        screen.password.setText(PASSWORD)
        assert screen.try_unlock()
        assert not lock.locked and not screen.isVisible() and window.centralWidget().isVisible()
        assert other.windowOpacity() == 1.0 and ws.operator == "王堃"
        # Unlocking restarts the quiet time; it locks again after another full interval.
        assert lock.last_activity == clock.now
        clock.advance(30)
        assert not lock.check_idle()
        clock.advance(29)
        assert not lock.check_idle()
        clock.advance(1)
        assert lock.check_idle() and screen.username.text() == "wangkun"
    finally:
        lock.uninstall()


def test_keyboard_input_counts_as_activity(app, ws, window, clock) -> None:
    add(ws)
    lock = make_lock(ws, window, clock)
    try:
        clock.advance(120)  # two quiet minutes: due to lock
        assert lock.deadline is not None and clock.now >= lock.deadline
        QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"))
        assert lock.last_activity == clock.now
        assert not lock.check_idle()
        clock.advance(60)  # a quiet minute after the key press
        assert lock.check_idle()
    finally:
        lock.uninstall()


def test_only_the_user_or_an_admin_unlocks(app, ws, window, clock) -> None:
    add(ws)  # admin 王堃
    add(ws, "lili", role="editor", display_name="李丽")
    add(ws, "zhao", role="editor", display_name="赵敏")
    lock = make_lock(ws, window, clock, "lili")
    changed = []
    lock.signed_in_changed.connect(changed.append)
    try:
        lock.lock()
        screen = lock.screen
        screen.username.setText("zhao")  # another editor, even with the right password
        screen.password.setText(PASSWORD)
        assert not screen.try_unlock()
        assert lock.locked and "只有 李丽 本人或管理员可以解锁" in screen.error.text()
        with ws.read() as s:  # refused before the password was even checked
            assert accounts.get_user(s, users(ws)["zhao"].id).last_login is None
        screen.username.setText("wangkun")  # an admin takes over the computer
        screen.password.setText(PASSWORD)
        assert screen.try_unlock()
        assert not lock.locked and window.centralWidget().isVisible()
        assert ws.operator == "王堃" and ws.role == "admin" and [c.username for c in changed] == ["wangkun"]
    finally:
        lock.uninstall()


def test_zero_minutes_never_locks(app, ws, window, clock) -> None:
    add(ws)
    with ws.write() as s:
        accounts.set_idle_lock_minutes(s, 0)
    signed = accounts.authenticate(ws, "wangkun", PASSWORD)
    lock = IdleLock(ws, signed, window, clock=clock)  # minutes from the setting
    try:
        assert lock.interval == 0 and lock.deadline is None
        clock.advance(10 * 24 * 3600)
        assert not lock.check_idle()
        lock.set_minutes(2)  # counts from now
        clock.advance(119)
        assert not lock.check_idle()
        clock.advance(1)
        assert lock.check_idle()
    finally:
        lock.uninstall()


@pytest.mark.parametrize("start", BELOW_POWERS_OF_TWO)
def test_lock_fires_on_time_whatever_the_clock_reads(app, ws, window, start) -> None:
    add(ws)
    assert (start + 120) - start < 120  # the rounding that made the lock miss its minute
    clock = FakeClock(start)
    lock = make_lock(ws, window, clock, minutes=2)
    try:
        assert lock.last_activity == start
        assert not lock.check_idle(start + 119)
        clock.advance(120)
        assert lock.check_idle()
    finally:
        lock.uninstall()


def test_the_real_lock_reads_the_monotonic_clock(app, ws, window) -> None:
    add(ws)
    signed = accounts.authenticate(ws, "wangkun", PASSWORD)
    lock = IdleLock(ws, signed, window, minutes=1)
    try:
        assert lock.clock is time.monotonic
    finally:
        lock.uninstall()


# --- the accounts page ----------------------------------------------------------------------------
@pytest.fixture
def page(app, ws, qtbot):  # type: ignore[no-untyped-def]
    widget = UsersPage(ws)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def fill_user_dialog(monkeypatch, qtbot, **values):  # type: ignore[no-untyped-def]
    """Replace UserDialog.ask: build the real dialog, type `values`, press save."""
    dialogs = []

    def ask(cls, ws, user_id=None, parent=None):  # type: ignore[no-untyped-def]
        dialog = cls(ws, user_id, parent)
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        for key, value in values.items():
            if key == "role":
                if dialog.role.isEnabled():  # as a user could
                    dialog.role.setCurrentIndex(dialog.role.findData(value))
            else:
                getattr(dialog, key).setText(value)
        return dialog.saved_id if dialog.save() else None

    monkeypatch.setattr(UserDialog, "ask", classmethod(ask))
    return dialogs


def test_page_explains_optional_sign_in(page) -> None:
    assert "没有启用的账号时，软件打开后不需要登录" in users_page.EXPLANATION
    assert "第一个账号必须是「管理员」" in users_page.EXPLANATION
    assert page.users() == [] and page.idle_minutes.value() == 10


def test_create_accounts_from_the_page(page, ws, qtbot, monkeypatch, shown) -> None:
    dialogs = fill_user_dialog(monkeypatch, qtbot, username="wangkun", display_name="王堃", role="viewer",
                               password=PASSWORD, confirm=PASSWORD)
    page.new_user()
    first = dialogs[-1]
    assert not first.role.isEnabled() and first.role.currentData() == "admin"  # the first must be an admin
    assert [(u.username, u.role) for u in page.users()] == [("wangkun", "admin")]
    assert "下次打开软件时需要登录" in page.status.text()
    assert page.selected_user().username == "wangkun"
    assert [page.model.data(page.model.index(0, c)) for c in range(5)] == ["wangkun", "王堃", "管理员", "启用", "从未登录"]

    # Mistakes show under their fields; nothing is saved.
    dialogs = fill_user_dialog(monkeypatch, qtbot, username="WANGKUN", display_name="李丽", role="editor",
                               password="12345", confirm="12345")
    page.new_user()
    form = dialogs[-1].form
    assert "已有账号「wangkun」" in form.errors["用户名"].text() and "至少要 6 个字符" in form.errors["密码"].text()
    dialogs = fill_user_dialog(monkeypatch, qtbot, username="lili", password=PASSWORD, confirm="Huiquan#2025")
    page.new_user()
    assert "两次输入的密码不一样" in dialogs[-1].form.errors["确认密码"].text()
    assert len(page.users()) == 1 and shown.errors == []

    fill_user_dialog(monkeypatch, qtbot, username="lili", display_name="李丽", role="editor",
                     password=PASSWORD, confirm=PASSWORD)
    page.new_user()
    assert {u.username: u.role_label for u in page.users()} == {"wangkun": "管理员", "lili": "录入员"}
    assert page.status.text() == "已新增账号。"


def test_edit_reset_deactivate_and_activate(page, ws, qtbot, monkeypatch, shown) -> None:
    add(ws)
    lili = add(ws, "lili", role="editor", display_name="李丽")
    page.reload()
    assert page.select_user(lili)
    # 修改: name and role.
    fill_user_dialog(monkeypatch, qtbot, display_name="李丽（网格员）", role="viewer")
    page.edit_user()
    assert users(ws)["lili"].display_name == "李丽（网格员）" and users(ws)["lili"].role == "viewer"
    # 重设密码 (also lifts a lock after wrong passwords).
    for _ in range(3):
        with pytest.raises(accounts.SignInError):
            accounts.authenticate(ws, "lili", "not-it")
    page.reload()
    assert "暂时锁定" in page.model.data(page.model.index(page.table.currentIndex().row(), 3))

    def reset(cls, ws, user, parent=None):  # type: ignore[no-untyped-def]
        dialog = cls(ws, user, parent)
        qtbot.addWidget(dialog)
        dialog.password.setText("short")
        assert not dialog.save() and "至少要 6 个字符" in dialog.form.errors["新密码"].text()
        dialog.password.setText("Brand#New1")
        dialog.confirm.setText("Brand#New1")
        return dialog.save()

    monkeypatch.setattr(PasswordDialog, "ask", classmethod(reset))
    page.reset_password()
    assert "已为「lili」设置新密码" in page.status.text()
    assert accounts.authenticate(ws, "lili", "Brand#New1").display_name == "李丽（网格员）"
    # 停用 asks first; 取消 changes nothing.
    shown.answer = False
    page.deactivate()
    assert users(ws)["lili"].active and "停用账号「lili」" in shown.questions[-1]
    shown.answer = True
    page.deactivate()
    assert not users(ws)["lili"].active and "已停用账号「lili」" in page.status.text()
    assert page.activate_button.isEnabled() and not page.deactivate_button.isEnabled()
    with pytest.raises(accounts.SignInError, match="已停用"):
        accounts.authenticate(ws, "lili", "Brand#New1")
    page.activate()
    assert users(ws)["lili"].active and shown.errors == []


@pytest.mark.expect_errors(of=ValidationError)
def test_the_last_admin_cannot_be_deactivated_from_the_page(page, ws, monkeypatch, qtbot, shown) -> None:
    admin = add(ws)
    page.reload()
    page.select_user(admin)
    page.deactivate()
    assert len(shown.errors) == 1 and isinstance(shown.errors[0], ValidationError)
    assert "至少要保留一个启用的管理员" in str(shown.errors[0])
    dialogs = fill_user_dialog(monkeypatch, qtbot, role="editor")
    page.edit_user()
    assert "至少要保留一个启用的管理员" in dialogs[-1].form.errors["角色"].text()
    assert users(ws)["wangkun"].active and users(ws)["wangkun"].role == "admin"


@pytest.mark.expect_errors(of=ValidationError)
def test_actions_need_a_selection(page, ws, shown) -> None:
    add(ws)
    page.reload()
    page.table.clearSelection()
    page.reset_password()
    assert "请先在列表中选择一个账号" in str(shown.errors[-1])


def test_idle_minutes_setting_on_the_page(page, ws, shown) -> None:
    emitted = []
    page.idle_minutes_changed.connect(emitted.append)
    page.idle_minutes.setValue(5)
    assert page.save_idle_minutes() and emitted == [5]
    with ws.read() as s:
        assert accounts.idle_lock_minutes(s) == 5
    page.idle_minutes.setValue(0)
    assert page.save_idle_minutes() and "不会自动锁定" in page.status.text()


@pytest.mark.expect_errors(of=PermissionDenied)
def test_the_page_refuses_a_non_admin(page, ws, monkeypatch, qtbot, shown) -> None:
    add(ws)
    ws.role = "editor"
    assert not page.save_idle_minutes()
    assert "只有管理员可以" in str(shown.errors[-1])
