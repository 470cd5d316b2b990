"""Signing in: the login dialog at start-up and the lock screen after idle time.

`LoginDialog.ask(ws)` is the only blocking call; tests build the dialog, fill it and call
`try_login()`. `IdleLock` watches the application's mouse and keyboard input; after the idle
minutes it hides the main window's content and opens `LockScreen` over it, which only the
signed-in user's password (or an admin's) unlocks. Tests call `check_idle(now)` with a later time
instead of waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import accounts
from huiquan_desk.services.accounts import SignedIn
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui.widgets import FieldForm

# Input that counts as "someone is at the computer".
ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress,
})
CHECK_EVERY_MS = 15_000


class _PasswordForm(QDialog):
    """用户名 + 密码 with an inline error line; shared by the login dialog and the lock screen."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.signed_in: SignedIn | None = None
        self.layout_ = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.layout_.addWidget(self.intro)
        self.form = FieldForm()
        self.username = QLineEdit()
        self.username.setMaxLength(accounts.USERNAME_MAX)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(accounts.PASSWORD_MAX)
        self.form.add(self.tr("用户名"), self.username)
        self.form.add(self.tr("密码"), self.password)
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.layout_.addWidget(self.error)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.layout_.addLayout(self.buttons)
        self.username.returnPressed.connect(self.password.setFocus)

    def show_message(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _check(self) -> SignedIn | None:
        """Authenticate what is typed; on failure show why (inline), clear the password, return None."""
        self.show_message("")
        try:
            signed = accounts.authenticate(self.ws, self.username.text(), self.password.text())
        except HuiquanError as err:  # a wrong password, a locked or disabled account, a busy database
            self.show_message(str(err))
            self.password.clear()
            (self.password if self.username.text().strip() else self.username).setFocus()
            return None
        self.password.clear()
        return signed


class LoginDialog(_PasswordForm):
    """Sign in before the main window opens."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(ws, parent)
        self.setWindowTitle(self.tr("登录 — 惠泉台账"))
        self.setMinimumWidth(360)
        self.intro.setText(self.tr("本软件已启用账号登录，请输入您的用户名和密码。忘记密码请找管理员重设。"))
        self.login_button = QPushButton(self.tr("登录"))
        self.login_button.setObjectName("primary")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        self.cancel_button = QPushButton(self.tr("退出"))
        self.cancel_button.clicked.connect(self.reject)
        self.buttons.addWidget(self.login_button)
        self.buttons.addWidget(self.cancel_button)
        self.password.returnPressed.connect(self.try_login)
        self.username.setFocus()

    def try_login(self) -> bool:
        signed = self._check()
        if signed is None:
            return False
        self.signed_in = signed
        self.accept()
        return True

    @classmethod
    def ask(cls, ws: Workspace, parent: QWidget | None = None) -> SignedIn | None:
        dialog = cls(ws, parent)
        return dialog.signed_in if dialog.exec() == QDialog.DialogCode.Accepted else None


class LockScreen(_PasswordForm):
    """The modal dialog over a locked window. Closing it or pressing Esc does not unlock."""

    unlocked = Signal(object)  # the SignedIn that unlocked (the same user, or an admin)
    quit_requested = Signal()

    def __init__(self, ws: Workspace, owner: SignedIn, parent: QWidget | None = None):
        super().__init__(ws, parent)
        self.owner = owner
        self._closing = False
        self.setWindowTitle(self.tr("已锁定 — 惠泉台账"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(380)
        self.unlock_button = QPushButton(self.tr("解锁"))
        self.unlock_button.setObjectName("primary")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.quit_button = QPushButton(self.tr("退出软件"))
        self.quit_button.setToolTip(self.tr("换人使用时：关闭软件（已保存的数据不受影响，未保存的输入会丢失）"))
        self.quit_button.clicked.connect(self._quit)
        self.buttons.addWidget(self.unlock_button)
        self.buttons.addWidget(self.quit_button)
        self.password.returnPressed.connect(self.try_unlock)
        self.reset()

    def reset(self) -> None:
        self.intro.setText(self.tr("长时间没有操作，软件已锁定以保护居民信息。\n请 {0} 输入密码解锁，或由管理员输入自己的用户名和密码。")
                           .format(self.owner.operator))
        self.username.setText(self.owner.username)
        self.password.clear()
        self.show_message("")
        self.password.setFocus()

    def try_unlock(self) -> bool:
        typed = accounts.normalize_username(self.username.text()).casefold()
        if typed and typed != self.owner.username.casefold():
            with self.ws.read() as session:
                role = accounts.role_of(session, typed)
            if role != Role.ADMIN:  # checked before the password: nobody else signs in from here
                self.show_message(self.tr("只有 {0} 本人或管理员可以解锁。").format(self.owner.operator))
                self.password.clear()
                return False
        signed = self._check()
        if signed is None:
            return False
        self.signed_in = signed
        self._closing = True
        self.accept()
        self._closing = False
        self.unlocked.emit(signed)
        return True

    def _quit(self) -> None:
        self._closing = True
        self.quit_requested.emit()
        self._closing = False

    def reject(self) -> None:  # Esc and the close button keep the screen locked
        if self._closing:
            super().reject()

    def closeEvent(self, event) -> None:
        if self._closing:
            super().closeEvent(event)
        else:
            event.ignore()


class IdleLock(QObject):
    """Locks `window` after `minutes` without mouse or keyboard input (0 = never).

    Installed as an application event filter; a timer checks now and then. `check_idle(now)`
    does the check for a given clock value. `clock` (seconds, `time.monotonic` by default) is
    injectable so tests can drive time exactly. The lock time is kept as a deadline computed
    once (`last_activity + interval`) and compared with `now`: subtracting two large clock values
    (`now - last_activity`) can round to just below the interval and miss the lock. While locked,
    `ws.operator`/`ws.role` stay as they were; if an admin unlocks, the session continues as that
    admin and `signed_in_changed` is emitted.
    """

    locked_changed = Signal(bool)
    signed_in_changed = Signal(object)  # SignedIn

    def __init__(self, ws: Workspace, signed_in: SignedIn, window: QWidget, minutes: float | None = None,
                 parent: QObject | None = None, clock: Callable[[], float] = time.monotonic):
        super().__init__(parent if parent is not None else window)
        self.ws = ws
        self.signed_in = signed_in
        self.window = window
        self.clock = clock
        if minutes is None:
            with ws.read() as session:
                minutes = accounts.idle_lock_minutes(session)
        self.interval = 0.0
        self._last_activity = 0.0
        self._deadline: float | None = None  # when it locks; None = never
        self.last_activity = self.clock()
        self.screen: LockScreen | None = None
        self._covered: QWidget | None = None
        self._faded: list[tuple[QWidget, float]] = []
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check_idle)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # --- settings -----------------------------------------------------------------------------
    def set_minutes(self, minutes: float) -> None:
        """Change the idle time (from the users page); 0 turns the lock off."""
        self.interval = max(0.0, float(minutes) * 60)
        self.last_activity = self.clock()  # also recomputes the deadline
        if self.interval:
            self._timer.start(int(min(CHECK_EVERY_MS, max(1000, self.interval * 1000 / 4))))
        else:
            self._timer.stop()

    @property
    def last_activity(self) -> float:
        """The clock value of the last input (or of the last unlock / change of the idle time)."""
        return self._last_activity

    @last_activity.setter
    def last_activity(self, when: float) -> None:
        self._last_activity = when
        self._deadline = when + self.interval if self.interval else None

    @property
    def deadline(self) -> float | None:
        """The clock value from which `check_idle` locks; None when the lock is off."""
        return self._deadline

    @property
    def locked(self) -> bool:
        return self.screen is not None and self.screen.isVisible()

    # --- watching -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self.last_activity = self.clock()
        return False

    def check_idle(self, now: float | None = None) -> bool:
        """Lock if the idle time has passed at `now` (a `clock` value, the clock's own by default);
        whether it is locked."""
        if self.locked:
            return True
        now = self.clock() if now is None else now
        if self._deadline is not None and now >= self._deadline:
            self.lock()
        return self.locked

    # --- locking ------------------------------------------------------------------------------
    def lock(self) -> None:
        if self.locked:
            return
        content = self.window.centralWidget() if isinstance(self.window, QMainWindow) else None
        if content is not None and content.isVisible():
            content.setVisible(False)  # nothing readable behind the lock screen
            self._covered = content
        # Other open windows (an edit dialog, the photo viewer) turn invisible without being closed.
        self._faded = [(w, w.windowOpacity()) for w in QApplication.topLevelWidgets()
                       if w.isVisible() and w is not self.window and w is not self.screen]
        for widget, _opacity in self._faded:
            widget.setWindowOpacity(0.0)
        if self.screen is None:
            self.screen = LockScreen(self.ws, self.signed_in, self.window)
            self.screen.unlocked.connect(self._unlocked)
            self.screen.quit_requested.connect(self._quit)
        self.screen.owner = self.signed_in
        self.screen.reset()
        self.screen.show()  # application-modal, not blocking (open() would make it window-modal)
        self.screen.raise_()
        self.screen.activateWindow()
        self.locked_changed.emit(True)

    def _unlocked(self, signed: SignedIn) -> None:
        if self._covered is not None:
            self._covered.setVisible(True)
            self._covered = None
        for widget, opacity in self._faded:
            if shiboken6.isValid(widget):  # it may have been closed meanwhile
                widget.setWindowOpacity(opacity)
        self._faded = []
        self.last_activity = self.clock()
        if signed != self.signed_in:
            self.signed_in = signed
            self.ws.sign_in(signed.operator, signed.role)
            self.signed_in_changed.emit(signed)
        self.locked_changed.emit(False)

    def _quit(self) -> None:
        """Close the program from the lock screen (someone else needs the computer)."""
        if self.screen is not None:
            self.screen.hide()
        if not self.window.close() and self.screen is not None:  # the window asked and was told to stay
            self.screen.show()

    def uninstall(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
