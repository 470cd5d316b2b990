"""The main window: a side navigation holding the pages that work, shortcuts, remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QMainWindow, QStackedWidget, QWidget

from huiquan_desk.services.settings import get_profile
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages, tasks
from huiquan_desk.ui.activities_page import ActivitiesPage
from huiquan_desk.ui.settings_page import SettingsPage
from huiquan_desk.ui.volunteers_page import VolunteersPage


class MainWindow(QMainWindow):
    def __init__(self, ws: Workspace):
        super().__init__()
        self.ws = ws
        self.setMinimumSize(1000, 640)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(150)
        self.pages = QStackedWidget()
        self.activities = ActivitiesPage(ws)
        self.volunteers = VolunteersPage(ws)
        self.settings_page = SettingsPage(ws)
        for label, page in ((self.tr("活动台账"), self.activities), (self.tr("志愿服务"), self.volunteers),
                            (self.tr("设置"), self.settings_page)):
            self.nav.addItem(label)
            self.pages.addWidget(page)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.settings_page.profile_saved.connect(self.update_title)
        self.settings_page.categories_changed.connect(self.activities.reload_categories)
        self.activities.changed.connect(self.volunteers.reload)
        self._shortcuts()
        self.update_title()
        self.statusBar().showMessage(self.tr("数据文件夹：{0}").format(ws.data.root))
        self.restore_geometry()

    def _shortcuts(self) -> None:
        def action(text: str, key: QKeySequence | str, slot) -> QAction:  # type: ignore[no-untyped-def]
            act = QAction(text, self)
            act.setShortcut(QKeySequence(key))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.new_action = action(self.tr("新建活动"), QKeySequence.StandardKey.New, self._new)
        self.find_action = action(self.tr("搜索"), QKeySequence.StandardKey.Find, self._find)
        self.print_action = action(self.tr("打印台账"), QKeySequence.StandardKey.Print, self._print)

    def _show_activities(self) -> None:
        self.nav.setCurrentRow(0)

    def _new(self) -> None:
        self._show_activities()
        self.activities.new_activity()

    def _find(self) -> None:
        self._show_activities()
        self.activities.focus_search()

    def _print(self) -> None:
        self._show_activities()
        self.activities.export("pdf")

    def update_title(self) -> None:
        with self.ws.read() as session:
            profile = get_profile(session)
        name = profile.name or self.tr("（请在「设置」中填写社区名称）")
        self.setWindowTitle(self.tr("惠泉台账 — {0}").format(name))

    def restore_geometry(self) -> None:
        geometry = QSettings().value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 820)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        busy = tasks.running_labels()
        if busy:
            if not messages.confirm(self, self.tr("退出"), self.tr("还有操作没有完成：{0}\n取消这些操作并退出吗？（未完成的写入不会保存）")
                                    .format("、".join(busy)), self.tr("取消并退出")):
                event.ignore()
                return
            tasks.cancel_all_and_wait()
        QSettings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
