"""Accounts (admins only): who may sign in with which role, passwords, and the idle lock time."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.errors import HuiquanError, Problem, ValidationError
from huiquan_desk.services import accounts
from huiquan_desk.services.accounts import FIELD_LABELS, ROLE_HELP, ROLE_LABELS, UserRow
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.widgets import FieldForm, read_only_table, save_cancel

EXPLANATION = (
    "账号是可选的：没有启用的账号时，软件打开后不需要登录，直接使用。\n"
    "新增第一个账号后，下次打开软件就要登录；第一个账号必须是「管理员」，并且至少要保留一个启用的管理员。\n"
    "角色：管理员 —— 管理账号和设置；录入员 —— 录入和修改台账；查看 —— 只能查看和打印。\n"
    "密码只保存为加密后的摘要，谁也看不到原密码；忘记密码时由管理员重设。"
)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "从未登录"


def status_text(user: UserRow, at: datetime | None = None) -> str:
    if not user.active:
        return "已停用"
    if user.locked(at):
        return f"暂时锁定（输错 {user.failed_attempts} 次）"
    return "启用"


COLUMNS = [
    Col("用户名", lambda u: u.username, width=140),
    Col("姓名", lambda u: u.display_name, width=120),
    Col("角色", lambda u: u.role_label, align="center", width=80),
    Col("状态", status_text, align="center", width=150),
    Col("上次登录", lambda u: _when(u.last_login), width=150),
]


def _password_field() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(accounts.PASSWORD_MAX)
    edit.setPlaceholderText(f"至少 {accounts.PASSWORD_MIN} 个字符")
    return edit


def _place(form: FieldForm, parent: QWidget, err: HuiquanError) -> None:
    """Problems under their fields; anything else in the one message box."""
    if isinstance(err, ValidationError):
        messages.place_problems(parent, form, err)
    else:
        messages.show_error(parent, err)


class UserDialog(QDialog):
    """A new account (用户名, 姓名, 角色, 密码 twice), or the name and role of an existing one."""

    def __init__(self, ws: Workspace, user_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.user_id = user_id
        self.saved_id: int | None = None
        existing = None
        if user_id is not None:
            with ws.read() as session:
                existing = accounts.get_user(session, user_id)
        self.setWindowTitle(self.tr("修改账号") if existing else self.tr("新增账号"))
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        self.form = FieldForm()
        self.username = QLineEdit()
        self.username.setMaxLength(accounts.USERNAME_MAX)
        self.username.setPlaceholderText(self.tr("登录时输入，如 wangkun（不区分大小写）"))
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(accounts.DISPLAY_NAME_MAX)
        self.display_name.setPlaceholderText(self.tr("记录在修改痕迹和证明上，如 王堃"))
        self.role = QComboBox()
        for key, label in ROLE_LABELS.items():
            self.role.addItem(f"{label}（{ROLE_HELP[key]}）", key)
        self.form.add(FIELD_LABELS["username"], self.username, required=existing is None)
        self.form.add(FIELD_LABELS["display_name"], self.display_name)
        self.form.add(FIELD_LABELS["role"], self.role, required=True)
        self.password = self.confirm = None
        if existing is None:
            self.password = self.form.add(FIELD_LABELS["password"], _password_field(), required=True)
            self.confirm = self.form.add(FIELD_LABELS["confirm"], _password_field(), required=True)
            with ws.read() as session:
                first = not any(u.active and u.role == Role.ADMIN for u in accounts.list_users(session))
            if first:
                self.role.setCurrentIndex(self.role.findData(Role.ADMIN.value))
                self.role.setEnabled(False)
                self.role.setToolTip(self.tr("第一个账号必须是管理员"))
        else:
            self.username.setText(existing.username)
            self.username.setReadOnly(True)
            self.display_name.setText(existing.display_name)
            self.role.setCurrentIndex(self.role.findData(existing.role))
        layout.addLayout(self.form)
        buttons = save_cancel(self, self.save)
        layout.addWidget(buttons)

    def save(self) -> bool:
        self.form.clear_errors()
        role = self.role.currentData()
        try:
            if self.password is not None and self.confirm is not None \
                    and self.password.text() != self.confirm.text() and self.password.text():
                raise ValidationError(Problem(FIELD_LABELS["confirm"], "两次输入的密码不一样"))
            with self.ws.write() as session:
                if self.user_id is None:
                    self.saved_id = accounts.create_user(session, self.username.text(), self.display_name.text(),
                                                         role, self.password.text() if self.password else "")
                else:
                    accounts.update_user(session, self.user_id, display_name=self.display_name.text(), role=role)
                    self.saved_id = self.user_id
        except HuiquanError as err:
            _place(self.form, self, err)
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, ws: Workspace, user_id: int | None = None, parent: QWidget | None = None) -> int | None:
        dialog = cls(ws, user_id, parent)
        return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None


class PasswordDialog(QDialog):
    """An admin sets a new password for an account (this also lifts a lock after wrong passwords)."""

    def __init__(self, ws: Workspace, user: UserRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.user = user
        self.setWindowTitle(self.tr("重设密码"))
        self.setMinimumWidth(360)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("为账号「{0}」设置新密码。请把新密码当面告诉本人。").format(user.username))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = FieldForm()
        self.password = self.form.add(self.tr("新密码"), _password_field(), required=True)
        self.confirm = self.form.add(FIELD_LABELS["confirm"], _password_field(), required=True)
        layout.addLayout(self.form)
        buttons = save_cancel(self, self.save)
        layout.addWidget(buttons)

    def save(self) -> bool:
        self.form.clear_errors()
        try:
            problems = accounts.password_problems(self.password.text(), self.user.username, field="新密码")
            if problems:
                raise ValidationError(problems)
            if self.password.text() != self.confirm.text():
                raise ValidationError(Problem(FIELD_LABELS["confirm"], "两次输入的密码不一样"))
            with self.ws.write() as session:
                accounts.set_password(session, self.user.id, self.password.text())
        except HuiquanError as err:
            _place(self.form, self, err)
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, ws: Workspace, user: UserRow, parent: QWidget | None = None) -> bool:
        dialog = cls(ws, user, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted


class UsersPage(QWidget):
    users_changed = Signal()
    idle_minutes_changed = Signal(int)

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        layout = QVBoxLayout(self)

        explanation = QLabel(self.tr(EXPLANATION))
        explanation.setWordWrap(True)
        explanation.setObjectName("hint")
        layout.addWidget(explanation)

        box = QGroupBox(self.tr("账号"))
        box_layout = QVBoxLayout(box)
        self.model = RowsModel(COLUMNS, self)
        self.table = read_only_table(self.model)
        self.table.doubleClicked.connect(lambda _index: self.edit_user())
        box_layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("新增账号"))
        self.new_button.setObjectName("primary")
        self.edit_button = QPushButton(self.tr("修改"))
        self.password_button = QPushButton(self.tr("重设密码"))
        self.deactivate_button = QPushButton(self.tr("停用"))
        self.activate_button = QPushButton(self.tr("启用"))
        for button, slot in ((self.new_button, self.new_user), (self.edit_button, self.edit_user),
                             (self.password_button, self.reset_password),
                             (self.deactivate_button, self.deactivate), (self.activate_button, self.activate)):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        box_layout.addLayout(buttons)
        layout.addWidget(box, 1)

        idle_box = QGroupBox(self.tr("闲置锁定"))
        idle_layout = QHBoxLayout(idle_box)
        idle_layout.addWidget(QLabel(self.tr("无人操作")))
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(0, accounts.IDLE_LOCK_MAX)
        self.idle_minutes.setSuffix(self.tr(" 分钟"))
        self.idle_minutes.setSpecialValueText(self.tr("不锁定"))
        idle_layout.addWidget(self.idle_minutes)
        idle_layout.addWidget(QLabel(self.tr("后锁定软件，需要输入密码才能继续（0 = 不锁定；仅在启用账号后有效）")))
        self.idle_button = QPushButton(self.tr("保存"))
        self.idle_button.clicked.connect(self.save_idle_minutes)
        idle_layout.addWidget(self.idle_button)
        idle_layout.addStretch(1)
        layout.addWidget(idle_box)

        self.status = QLabel()
        layout.addWidget(self.status)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reload()

    # --- data ---------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else (self.selected_user().id if self.selected_user() else None)
        with self.ws.read() as session:
            users = accounts.list_users(session)
            minutes = accounts.idle_lock_minutes(session)
        self.model.set_rows(users)
        self.idle_minutes.setValue(minutes)
        if keep is not None:
            self.select_user(keep)
        self._update_buttons()

    def users(self) -> list[UserRow]:
        return list(self.model.rows)

    def selected_user(self) -> UserRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def select_user(self, user_id: int) -> bool:
        for row, user in enumerate(self.model.rows):
            if user.id == user_id:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                self.table.setCurrentIndex(self.model.index(row, 0))
                return True
        return False

    def _update_buttons(self) -> None:
        user = self.selected_user()
        for button in (self.edit_button, self.password_button):
            button.setEnabled(user is not None)
        self.deactivate_button.setEnabled(user is not None and user.active)
        self.activate_button.setEnabled(user is not None and not user.active)

    def _need_selection(self) -> UserRow | None:
        user = self.selected_user()
        if user is None:
            messages.show_error(self, ValidationError.single("账号", "请先在列表中选择一个账号"))
        return user

    def _done(self, text: str, select_id: int | None = None) -> None:
        self.reload(select_id)
        self.status.setText(text)
        self.users_changed.emit()

    # --- actions ------------------------------------------------------------------------------
    def new_user(self) -> None:
        first = not any(u.active for u in self.model.rows)
        user_id = UserDialog.ask(self.ws, None, self)
        if user_id is None:
            return
        note = self.tr("已新增账号。下次打开软件时需要登录。") if first else self.tr("已新增账号。")
        self._done(note, user_id)

    def edit_user(self) -> None:
        user = self._need_selection()
        if user is not None and UserDialog.ask(self.ws, user.id, self) is not None:
            self._done(self.tr("已保存账号「{0}」。角色的变化在该账号下次登录时生效。").format(user.username), user.id)

    def reset_password(self) -> None:
        user = self._need_selection()
        if user is not None and PasswordDialog.ask(self.ws, user, self):
            self._done(self.tr("已为「{0}」设置新密码。").format(user.username), user.id)

    def _set_active(self, user: UserRow, active: bool) -> bool:
        try:
            with self.ws.write() as session:
                accounts.update_user(session, user.id, active=active)
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        return True

    def deactivate(self) -> None:
        user = self._need_selection()
        if user is None or not user.active:
            return
        if not messages.confirm(self, self.tr("停用账号"),
                                self.tr("停用账号「{0}」？停用后该账号不能再登录；它做过的记录和修改痕迹都会保留，"
                                        "需要时可以再启用。").format(user.username), self.tr("停用")):
            return
        if self._set_active(user, False):
            self._done(self.tr("已停用账号「{0}」。").format(user.username), user.id)

    def activate(self) -> None:
        user = self._need_selection()
        if user is not None and not user.active and self._set_active(user, True):
            self._done(self.tr("已启用账号「{0}」。").format(user.username), user.id)

    def save_idle_minutes(self) -> bool:
        try:
            with self.ws.write() as session:
                minutes = accounts.set_idle_lock_minutes(session, self.idle_minutes.value())
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self.status.setText(self.tr("不会自动锁定。") if minutes == 0
                            else self.tr("已保存：无人操作 {0} 分钟后锁定。").format(minutes))
        self.idle_minutes_changed.emit(minutes)
        return True
