"""The first-run guide (使用向导): four steps from an empty data folder to the first activity.

1 社区信息: 社区名称 and 填表人 (所属街道/镇, 全宗号, 负责人, 联系电话 optional), saved with
  services.settings.save_profile (an admin's right; with no accounts everyone is admin); then
  `ws.refresh_operator()`, so that without accounts the audit trail names the 填表人 rather
  than the computer's login. Others see the profile read-only.
2 活动类别: the category tree (from the 惠泉社区 plan), editable under 设置 (右侧).
3 第一项活动: opens the main window's new-activity dialog (`window.go("activities").new_activity()`).
4 完成: what to do next — 每天登记活动, 导出台账, 备份到 U 盘.

It opens by itself at start (`show_at_start`, called by ui.app.start) while the community has no
name, for an admin only, on a writable database; it can be skipped, and reopened from 帮助 →
使用向导…. `FirstRunGuide.ask` opens it window-modal with `open()` and returns at once, so no
code path a test drives ever blocks on it; tests press its buttons through its methods
(`next_step`, `back`, `skip`, `finish`, `add_first_activity`).

It follows the sizing rule of ui.widgets (`fit_window`: its preferred size, shrunk to the room the
screen has free); each step sits in a scroll area (`scrolling`) with the buttons outside it, so the
guide fits a 1280×720 screen without cutting anything off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.errors import HuiquanError, Problem, ValidationError
from huiquan_desk.services.activities import count_activities
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.permissions import Role, can_write
from huiquan_desk.services.settings import PROFILE_LABELS, CommunityProfile, get_profile, save_profile
from huiquan_desk.ui import messages
from huiquan_desk.ui.widgets import FieldForm, fit_window, scrolling

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace
    from huiquan_desk.ui.main_window import MainWindow


def wrapped(text: str, *, rich: bool = False, object_name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if object_name:
        label.setObjectName(object_name)
    return label


# --- the guide ----------------------------------------------------------------------------------
class FirstRunGuide(QDialog):
    """The four steps in a stack, with 跳过向导 / 上一步 / 下一步 (保存并继续, 完成)."""

    profile_saved = Signal()
    PREFERRED = QSize(760, 600)
    PROFILE, CATEGORIES, ACTIVITY, DONE = range(4)

    def __init__(self, ws: Workspace, window: MainWindow | None = None):
        super().__init__(window)
        self.ws = ws
        self.main_window = window  # the MainWindow: step 3 opens its new-activity dialog
        self.setWindowTitle(self.tr("使用向导 — 惠泉台账"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.may_edit_profile = ws.role == Role.ADMIN and not ws.read_only
        outer = QVBoxLayout(self)
        welcome = QLabel(self.tr("欢迎使用惠泉台账"))
        welcome.setStyleSheet("font-size: 20px; font-weight: bold; color: #22425f;")
        outer.addWidget(welcome)
        outer.addWidget(wrapped(self.tr("四步做好准备：填写社区信息，看一看活动类别，登记第一项活动，"
                                        "再了解以后每天要做什么。向导可以跳过，以后从「帮助 → 使用向导…」重新打开。")))
        steps = QHBoxLayout()
        self.step_labels: list[QLabel] = []
        for number, name in enumerate((self.tr("社区信息"), self.tr("活动类别"), self.tr("第一项活动"),
                                       self.tr("完成")), start=1):
            label = QLabel(self.tr("{0}. {1}").format(number, name))
            steps.addWidget(label)
            self.step_labels.append(label)
        steps.addStretch(1)
        outer.addLayout(steps)
        self.stack = QStackedWidget()
        for build in (self._profile_step, self._categories_step, self._activity_step, self._done_step):
            self.stack.addWidget(scrolling(build()))
        outer.addWidget(self.stack, 1)
        buttons = QHBoxLayout()
        self.skip_button = QPushButton(self.tr("跳过向导"))
        self.skip_button.clicked.connect(self.skip)
        self.back_button = QPushButton(self.tr("上一步"))
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton()
        self.next_button.setObjectName("primary")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next_step)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        outer.addLayout(buttons)
        self.load()
        self.go(self.PROFILE)
        fit_window(self, self.PREFERRED.width(), self.PREFERRED.height())

    @classmethod
    def ask(cls, ws: Workspace, window: MainWindow | None = None) -> FirstRunGuide:
        """Open the guide (window-modal, without blocking) and return it; it deletes itself when closed."""
        guide = cls(ws, window)
        guide.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        guide.open()
        return guide

    # --- the steps ------------------------------------------------------------------------------
    def _profile_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._heading(self.tr("第 1 步：社区信息")))
        layout.addWidget(wrapped(self.tr(
            "社区名称、所属街道/镇和全宗号印在每份台账的表头；负责人、填表人和联系电话印在志愿服务记录证明上。"
            "没有设置登录账号时，操作日志把「填表人」记为操作人，请填写真实姓名。带 * 的必须填写，其余可以以后在"
            "「设置」页补上。")))
        self.form = FieldForm()
        self.fields: dict[str, QLineEdit] = {}
        hints = {"name": self.tr("如：惠泉社区"), "street": self.tr("如：惠泉镇（可以不填）"),
                 "fonds_code": self.tr("4 位，如 0194（可以不填）"), "leader": self.tr("社区负责人，印在证明上（可以不填）"),
                 "preparer": self.tr("台账填表人，也是操作日志里的操作人"), "phone": self.tr("如：0591-87654321（可以不填）")}
        for key, label in PROFILE_LABELS.items():
            edit = QLineEdit()
            edit.setPlaceholderText(hints[key])
            edit.setReadOnly(not self.may_edit_profile)
            self.fields[key] = self.form.add(label, edit, required=key in ("name", "preparer"))
        layout.addLayout(self.form)
        if not self.may_edit_profile:
            layout.addWidget(wrapped(self.tr("只有管理员可以修改社区信息；这里只显示，点「下一步」继续。")
                                     if not self.ws.read_only else self.ws.read_only_message, object_name="note"))
        layout.addStretch(1)
        return page

    def _categories_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._heading(self.tr("第 2 步：检查活动类别")))
        self.category_note = wrapped(self.tr(
            "登记活动时要选一个类别，台账可以按类别打印。默认类别取自惠泉社区文明创建工作计划的五个部分。"
            "如果本社区的计划不同，可以在左侧「设置」页右边的「活动类别」中添加、改名或删除。"))
        layout.addWidget(self.category_note)
        self.category_tree = QTreeWidget()
        self.category_tree.setHeaderHidden(True)
        self.category_tree.setMinimumHeight(180)
        layout.addWidget(self.category_tree, 1)
        self.category_summary = QLabel()
        layout.addWidget(self.category_summary)
        return page

    def _activity_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._heading(self.tr("第 3 步：登记第一项活动")))
        layout.addWidget(wrapped(self.tr(
            "每项活动记下名称、类别、时间、地点、参与人数和活动内容，再附上照片和签到表——检查时最先看照片，"
            "没有照片的活动会被当作缺项。可以现在登记最近开展的一项活动，也可以以后在「活动台账」页点「新建活动」"
            "（Ctrl+N）。")))
        self.activity_button = QPushButton(self.tr("登记第一项活动…"))
        self.activity_button.setObjectName("primary")
        self.activity_button.clicked.connect(self.add_first_activity)
        writable = self.main_window is not None and can_write(self.ws.role) and not self.ws.read_only
        self.activity_button.setEnabled(writable)
        if self.main_window is not None and not writable:
            self.activity_button.setToolTip(self.tr("当前账号只能查看和打印"))
        layout.addWidget(self.activity_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.activity_count = QLabel()
        layout.addWidget(self.activity_count)
        layout.addStretch(1)
        return page

    def _done_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._heading(self.tr("第 4 步：准备好了，以后这样用")))
        self.next_steps = wrapped(self.tr(
            "<p><b>每天登记活动。</b>活动当天在「活动台账」页点「新建活动」（Ctrl+N），填写时间、地点、参与人数、"
            "内容，附上照片和签到表；志愿者到场的，选中活动点「志愿服务登记…」一次记下服务时长。</p>"
            "<p><b>导出台账。</b>在「活动台账」页选好时间和类别，点「导出 Excel…」或「导出 PDF…」，要直接打印点「打印…」（Ctrl+P）；"
            "每月导出一次，核对有没有漏登、缺照片的活动，检查来时不用临时准备。</p>"
            "<p><b>备份到 U 盘。</b>软件每天第一次打开时自动备份到本机；电脑坏了本机的备份也会丢，"
            "请至少每周用「文件 → 备份与恢复… → 立即备份到…」存一份到 U 盘，U 盘和电脑分开保管。</p>"
            "<p>要了解更多，打开「帮助 → 用户指南（PDF）」；这个向导随时可以从「帮助 → 使用向导…」再打开。</p>"),
            rich=True)
        layout.addWidget(self.next_steps)
        self.manual_button = QPushButton(self.tr("打开用户指南…"))
        self.manual_button.clicked.connect(self.open_manual)
        self.manual_button.setEnabled(self.main_window is not None)
        layout.addWidget(self.manual_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-size: 16px; font-weight: bold;")
        return label

    def load(self) -> None:
        with self.ws.read() as session:
            profile = get_profile(session)
            nodes = list_categories(session)
            activities = count_activities(session)
        for key, edit in self.fields.items():
            edit.setText(getattr(profile, key))
        self.category_tree.clear()
        items: dict[int, QTreeWidgetItem] = {}
        for node in nodes:
            item = QTreeWidgetItem([node.name])
            parent = items.get(node.parent_id) if node.parent_id else None
            (parent.addChild(item) if parent is not None else self.category_tree.addTopLevelItem(item))
            items[node.id] = item
        self.category_tree.expandAll()
        top = sum(1 for node in nodes if node.parent_id is None)
        self.category_summary.setText(self.tr("共 {0} 个大类、{1} 个小类。").format(top, len(nodes) - top))
        self._show_count(activities)

    def _show_count(self, activities: int) -> None:
        self.activity_count.setText(self.tr("已登记 {0} 项活动。").format(activities) if activities
                                    else self.tr("还没有登记活动。"))

    # --- moving through it ----------------------------------------------------------------------
    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        for index, label in enumerate(self.step_labels):
            label.setStyleSheet("font-weight: bold; color: #2c6fbb;" if index == step else "color: #777;")
        self.back_button.setEnabled(step > self.PROFILE)
        last = step == self.DONE
        self.skip_button.setVisible(not last)
        if step == self.PROFILE and self.may_edit_profile:
            self.next_button.setText(self.tr("保存并继续"))
        else:
            self.next_button.setText(self.tr("完成") if last else self.tr("下一步"))

    def next_step(self) -> None:
        """下一步 (on step 1 for an admin: 保存并继续, which stays there when the input has problems)."""
        if self.step == self.PROFILE and self.may_edit_profile and not self.save_profile():
            return
        if self.step == self.DONE:
            self.finish()
            return
        self.go(self.step + 1)

    def back(self) -> None:
        if self.step > self.PROFILE:
            self.go(self.step - 1)

    def skip(self) -> None:
        self.reject()

    def finish(self) -> None:
        self.accept()

    def profile(self) -> CommunityProfile:
        return CommunityProfile(**{key: edit.text() for key, edit in self.fields.items()})

    def save_profile(self) -> bool:
        """Save step 1 (社区名称 and 填表人 required); then the 填表人 is who the audit trail names."""
        profile = self.profile()

        def save(session) -> None:
            problems = [] if profile.preparer.strip() else [
                Problem(PROFILE_LABELS["preparer"], "请填写，没有账号时操作日志把填表人记为操作人")]
            try:
                save_profile(session, profile)
            except ValidationError as err:
                raise ValidationError([*err.problems, *problems]) from None
            if problems:
                raise ValidationError(problems)

        if not messages.write_from_form(self, self.ws, self.form, save):
            return False
        self.ws.refresh_operator()
        self.profile_saved.emit()
        return True

    def add_first_activity(self) -> None:
        """Step 3: the main window's new-activity dialog; the count shows whether one was saved."""
        if self.main_window is None:
            return
        self.main_window.go("activities").new_activity()
        try:
            with self.ws.read() as session:
                self._show_count(count_activities(session))
        except HuiquanError as err:
            messages.show_error(self, err)

    def open_manual(self) -> None:
        from huiquan_desk.ui import help as help_ui

        if self.main_window is not None:
            help_ui.open_user_guide(self.main_window)


def needed_at_start(ws: Workspace) -> bool:
    """The guide opens by itself while the community has no name, for an admin, on a writable database."""
    if ws.role != Role.ADMIN or ws.read_only:
        return False
    with ws.read() as session:
        return not get_profile(session).is_set


def show_at_start(window: MainWindow, ws: Workspace) -> FirstRunGuide | None:
    """At start (ui.app.start): open the guide over `window` when `needed_at_start`; None otherwise."""
    if not needed_at_start(ws):
        return None
    guide = open_guide(window)

    def closed(result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            window.statusBar().showMessage(window.tr("向导已跳过：社区名称等信息可以在「设置」中填写，"
                                                     "也可以从「帮助 → 使用向导…」重新打开向导。"))

    guide.finished.connect(closed)
    return guide


def open_guide(window: MainWindow) -> FirstRunGuide:
    """帮助 → 使用向导…: the guide over the main window (the one already open, if any)."""
    current = window.findChild(FirstRunGuide)
    if current is not None and current.isVisible():
        current.raise_()
        current.activateWindow()
        return current
    guide = FirstRunGuide.ask(window.ws, window)
    guide.profile_saved.connect(window.update_title)
    return guide
