"""The main window: a side navigation holding the pages that work, a menu, shortcuts, remembered
geometry. It paints before the data layer is even imported (`MainWindow()` then `attach(ws)`), and
builds each page the first time it is shown, so the program is on screen at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QMainWindow, QStackedWidget, QWidget

from huiquan_desk.services.permissions import Role
from huiquan_desk.ui import messages, tasks
from huiquan_desk.ui.widgets import fit_window

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

WRITE_ROLES = (Role.ADMIN, Role.EDITOR)
# The window's size: PREFERRED where the screen has room, else what it has (ui.widgets.fit_window);
# never smaller than MINIMUM, which fits the smallest screen (1280×720 less the frame), so every page
# keeps its buttons, summary and status line on screen (tests/ui/test_screens.py).
PREFERRED = QSize(1360, 820)
MINIMUM = QSize(1000, 640)


def _home_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.home_page import HomePage

    return HomePage(window.ws, window)


def _activities_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.activities_page import ActivitiesPage

    return ActivitiesPage(window.ws)


def _volunteers_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.volunteers_page import VolunteersPage

    return VolunteersPage(window.ws)


def _families_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.families_page import FamiliesPage

    return FamiliesPage(window.ws)


def _rectifications_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.rectifications_page import RectificationsPage

    page = RectificationsPage(window.ws)
    page.overdue_changed.connect(window.show_overdue)
    return page


def _assessment_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.assessment_page import AssessmentPage

    return AssessmentPage(window.ws, window.show_record)


def _plan_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.plan_page import PlanPage

    return PlanPage(window.ws)


def _archives_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.archives_page import ArchivesPage

    return ArchivesPage(window.ws)


def _audit_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.audit_page import AuditPage

    return AuditPage(window.ws)


def _recycle_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.recycle_page import RecyclePage

    return RecyclePage(window.ws)


def _settings_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.settings_page import SettingsPage

    page = SettingsPage(window.ws)
    page.profile_saved.connect(window.update_title)
    page.categories_changed.connect(lambda: window.activities.reload_categories())
    page.backup_requested.connect(window.open_backups)
    return page


def _users_page(window: MainWindow) -> QWidget:
    from huiquan_desk.ui.users_page import UsersPage

    page = UsersPage(window.ws)
    page.idle_minutes_changed.connect(lambda minutes: window.idle_lock and window.idle_lock.set_minutes(minutes))
    return page


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str  # in the side navigation
    factory: Callable[[MainWindow], QWidget]  # builds the page the first time it is shown
    roles: frozenset[str] | None = None  # who sees it; None: everyone


# The main window's pages, in navigation order: one entry each, looked up by key, never by row.
PAGES = (
    PageSpec("home", QT_TRANSLATE_NOOP("MainWindow", "首页"), _home_page),
    PageSpec("activities", QT_TRANSLATE_NOOP("MainWindow", "活动台账"), _activities_page),
    PageSpec("volunteers", QT_TRANSLATE_NOOP("MainWindow", "志愿服务"), _volunteers_page),
    PageSpec("families", QT_TRANSLATE_NOOP("MainWindow", "文明家庭"), _families_page),
    PageSpec("plan", QT_TRANSLATE_NOOP("MainWindow", "年度计划"), _plan_page),
    PageSpec("assessment", QT_TRANSLATE_NOOP("MainWindow", "测评自查"), _assessment_page),
    PageSpec("rectifications", QT_TRANSLATE_NOOP("MainWindow", "整改台账"), _rectifications_page),
    PageSpec("archives", QT_TRANSLATE_NOOP("MainWindow", "档案"), _archives_page),
    PageSpec("audit", QT_TRANSLATE_NOOP("MainWindow", "操作日志"), _audit_page),
    PageSpec("recycle", QT_TRANSLATE_NOOP("MainWindow", "回收站"), _recycle_page),
    PageSpec("settings", QT_TRANSLATE_NOOP("MainWindow", "设置"), _settings_page),
    PageSpec("users", QT_TRANSLATE_NOOP("MainWindow", "账号管理"), _users_page, frozenset({Role.ADMIN})),
)

# Which page opens a record of a table (a self-assessment problem, a dashboard tile, a plan task's
# link): the page's `show_record(table, id)` selects it.
RECORD_PAGES = {"activities": "activities", "volunteers": "volunteers", "service_records": "volunteers",
                "campaigns": "families", "nominations": "families", "households": "families",
                "archive_items": "archives", "fixity_checks": "archives", "plan_tasks": "plan",
                "checklist_items": "assessment", "rectifications": "rectifications"}


class MainWindow(QMainWindow):
    def __init__(self, ws: Workspace | None = None):
        super().__init__()
        self.ws: Workspace | None = None
        self.idle_lock = None  # set by ui.app when someone signed in
        self.setWindowTitle(self.tr("惠泉台账"))
        self.setMinimumSize(MINIMUM)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(150)
        self.pages = QStackedWidget()
        self.loading = QLabel(self.tr("正在打开数据……"), alignment=Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.loading)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.restore_geometry()
        if ws is not None:
            self.attach(ws)

    # --- pages ------------------------------------------------------------------------------
    def attach(self, ws: Workspace) -> None:
        """Open the data: build the navigation for this role and show the first page (首页)."""
        self.ws = ws
        self._pages = [page for page in PAGES if page.roles is None or ws.role in page.roles]
        self._built: dict[str, QWidget] = {}
        self.nav.clear()
        for page in self._pages:
            self.nav.addItem(self.tr(page.label))
        self.nav.currentRowChanged.connect(self._show_row)
        self.show_overdue()
        self.nav.setCurrentRow(0)
        self._menus()
        self.update_title()
        self.statusBar().showMessage(self.tr("数据文件夹：{0}").format(ws.data.root))

    def page_keys(self) -> list[str]:
        """The keys of the pages this role sees, in navigation order."""
        return [page.key for page in self._pages]

    def page(self, key: str) -> QWidget:
        """The page `key` (see PAGES), built on first use."""
        widget = self._built.get(key)
        if widget is None:
            spec = next((p for p in self._pages if p.key == key), None)
            if spec is None:
                raise KeyError(f"no page {key!r} for this role")
            widget = spec.factory(self)
            self._built[key] = widget
            self.pages.addWidget(widget)
            self._apply_role(widget)
        return widget

    def go(self, key: str) -> QWidget:
        """Show the page `key` (selecting it in the navigation)."""
        self.nav.setCurrentRow(self.page_keys().index(key))
        return self.page(key)

    @property
    def current_key(self) -> str | None:
        row = self.nav.currentRow()
        return self._pages[row].key if 0 <= row < len(self._pages) else None

    def show_overdue(self, count: int | None = None) -> None:
        """The navigation's 整改台账 says how many rectifications are past their deadline, in red
        (「整改台账」 over 「2 项逾期」); `count` from the page that just counted, else counted here."""
        if self.ws is None or "rectifications" not in self.page_keys():
            return
        if count is None:
            from huiquan_desk.services.rectifications import overdue_count

            with self.ws.read() as session:
                count = overdue_count(session)
        item = self.nav.item(self.page_keys().index("rectifications"))
        label = self.tr("整改台账")
        item.setText(self.tr("{0}\n{1} 项逾期").format(label, count) if count else label)  # narrow navigation: 2 lines
        item.setForeground(QColor("#ff8f80") if count else self.nav.palette().text())  # red that reads on the dark blue
        item.setToolTip(self.tr("{0} 个整改问题已超过整改时限仍未整改完成").format(count) if count else "")

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.show_overdue()  # the day may have turned, another page may have closed one
        key = self._pages[row].key
        fresh = key not in self._built
        widget = self.page(key)
        if not fresh:  # another page may have changed what this one shows
            for name in ("refresh", "reload", "load"):
                if hasattr(widget, name):
                    getattr(widget, name)()
                    break
        self.pages.setCurrentWidget(widget)

    def show_record(self, table: str, record_id: int) -> bool:
        """Open the page that keeps records of `table` (RECORD_PAGES) with this record selected; the
        page does it through its own `show_record(table, id)`. False when no page of this role keeps it."""
        key = RECORD_PAGES.get(table)
        if key is None or key not in self.page_keys():
            return False
        widget = self.go(key)
        shower = getattr(widget, "show_record", None)
        return bool(shower(table, record_id)) if shower is not None else False

    @property
    def activities(self):
        return self.page("activities")

    @property
    def volunteers(self):
        return self.page("volunteers")

    @property
    def settings_page(self):
        return self.page("settings")

    # --- roles ------------------------------------------------------------------------------
    def _apply_role(self, widget: QWidget) -> None:
        """A 查看 account sees no button that would only end in "没有权限" (the services refuse anyway)."""
        if self.ws is None or self.ws.role in WRITE_ROLES:
            return
        from PySide6.QtWidgets import QAbstractButton

        for button in widget.findChildren(QAbstractButton):
            if button.property("writes"):
                button.setEnabled(False)
                button.setToolTip(self.tr("当前账号只能查看和打印"))

    def apply_role(self) -> None:
        for widget in self._built.values():
            self._apply_role(widget)
        self.new_action.setEnabled(self.ws is not None and self.ws.role in WRITE_ROLES)

    # --- menu and shortcuts -----------------------------------------------------------------
    def _menus(self) -> None:
        # attach() runs again after a restore: drop the old actions, or every shortcut would exist
        # twice in the window, and Qt triggers neither of two actions with the same shortcut
        for old in getattr(self, "_menu_actions", ()):
            self.removeAction(old)
            old.deleteLater()
        self._menu_actions: list[QAction] = []

        def action(menu, text: str, slot, key=None) -> QAction:
            act = QAction(text, self)
            if key is not None:
                act.setShortcut(QKeySequence(key))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            menu.addAction(act)
            self.addAction(act)
            self._menu_actions.append(act)
            return act

        bar = self.menuBar()
        bar.clear()
        data = bar.addMenu(self.tr("文件"))
        self.new_action = action(data, self.tr("新建活动"), self._new, QKeySequence.StandardKey.New)
        self.find_action = action(data, self.tr("搜索活动"), self._find, QKeySequence.StandardKey.Find)
        self.print_action = action(data, self.tr("打印活动台账…"), self._print, QKeySequence.StandardKey.Print)
        data.addSeparator()
        self.backup_action = action(data, self.tr("备份与恢复…"), self.open_backups)
        data.addSeparator()
        action(data, self.tr("退出"), self.close, QKeySequence.StandardKey.Quit)
        inspection = bar.addMenu(self.tr("迎检"))
        self.pack_action = action(inspection, self.tr("导出迎检资料包…"), self._inspection_pack)
        self.report_action = action(inspection, self.tr("镇文明办报表（月报 / 年度数据附表）…"), self._town_report)
        # imported here, not at the top: the window paints before the data layer loads
        from huiquan_desk.ui import help as help_ui

        assist = bar.addMenu(self.tr("帮助"))
        self.first_run_action = action(assist, self.tr("使用向导…"), lambda: help_ui.open_first_run(self))
        self.guide_action = action(assist, self.tr("用户指南（PDF）…"), lambda: help_ui.open_user_guide(self),
                                   QKeySequence.StandardKey.HelpContents)
        assist.addSeparator()
        self.about_action = action(assist, self.tr("关于惠泉台账…"), lambda: help_ui.open_about(self))
        self.apply_role()

    def _inspection_pack(self) -> None:
        from huiquan_desk.ui.pack_dialog import open_pack_dialog

        open_pack_dialog(self)

    def _town_report(self) -> None:
        from huiquan_desk.ui.town_report_dialog import open_town_report_dialog

        open_town_report_dialog(self)

    def _new(self) -> None:
        self.go("activities").new_activity()

    def _find(self) -> None:
        self.go("activities").focus_search()

    def _print(self) -> None:
        """文件 → 打印活动台账… (Ctrl+P): the print dialog for the ledger of the filters on screen."""
        self.go("activities").print_ledger()

    def open_backups(self) -> None:
        from huiquan_desk.ui.backup_dialog import BackupDialog

        dialog = BackupDialog(self.ws, self, self._close_workspace, self._reopen_workspace)
        dialog.exec()

    def _close_workspace(self) -> None:
        """Before a restore replaces the database: stop work and let go of every connection."""
        tasks.cancel_all_and_wait()
        for widget in self._built.values():
            self.pages.removeWidget(widget)
            widget.deleteLater()
        self._built = {}
        self.pages.setCurrentWidget(self.loading)
        self.ws.close()

    def _reopen_workspace(self, ws: Workspace) -> None:
        """After a restore: the data folder open again (services.backups.run_restore / reopen)."""
        self.nav.currentRowChanged.disconnect(self._show_row)
        self.attach(ws)

    # --- window ------------------------------------------------------------------------------
    def update_title(self) -> None:
        from huiquan_desk.services.settings import get_profile

        with self.ws.read() as session:
            profile = get_profile(session)
        name = profile.name or self.tr("（请在「设置」中填写社区名称）")
        self.setWindowTitle(self.tr("惠泉台账 — {0}").format(name))

    def restore_geometry(self) -> None:
        """The size and place it had (restoreGeometry keeps it on today's screen, shrunk if that screen
        is smaller); the first time, the sizing rule: PREFERRED shrunk to the screen, centred."""
        geometry = QSettings().value("main/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            fit_window(self, PREFERRED.width(), PREFERRED.height(), centre=True)

    def closeEvent(self, event) -> None:
        busy = tasks.running_labels()
        if busy and not messages.confirm(self, self.tr("退出"), self.tr("还有操作没有完成：{0}\n取消这些操作并退出吗？（未完成的写入不会保存）")
                                         .format("、".join(busy)), self.tr("取消并退出")):
            event.ignore()
            return
        tasks.cancel_all_and_wait()  # also stops a daily backup quietly (it is written to a temporary file)
        QSettings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
