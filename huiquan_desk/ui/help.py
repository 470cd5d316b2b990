"""The 帮助 menu: 使用向导… (the first-run guide again), 用户指南（PDF）… and 关于惠泉台账….

用户指南 is written by services.guide.guide_pdf (into the data folder's logs/, when missing or
stale; that module says why there) on a background task, then handed to the system's PDF viewer
through `open_file`, the one function that opens a file or folder with the default program —
tests replace it. 关于 shows the version, the data folder, the Python / Qt / SQLite versions and
the licences (the program's Apache-2.0, the embedded WenQuanYi font's licence text, one line per
main library), with a button that opens the folder of licence files. Both dialogs open without
blocking (`open()`), so no code path a test drives waits on them.
"""

from __future__ import annotations

import html
import platform
from pathlib import Path
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import QCoreApplication, QSize, Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services.guide import APP_LICENCE, FONT, FONT_LICENCE, AboutInfo, about, guide_pdf
from huiquan_desk.ui import after_export, first_run, messages
from huiquan_desk.ui.widgets import fit_window

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace
    from huiquan_desk.ui.tasks import Task


def tr(text: str) -> str:
    return QCoreApplication.translate("Help", text)


class CannotOpen(HuiquanError):
    title = "无法打开"


def open_shown(parent: QWidget | None, path: Path, what: str) -> bool:
    """Open with the system's default program (after_export.open_location, the one place that does),
    with a message saying where `path` is when nothing opened it."""
    if after_export.open_location(path):
        return True
    messages.show_error(parent, CannotOpen(tr("没有找到能打开{0}的程序。它保存在：{1}").format(what, path)))
    return False


# --- the menu's three items ---------------------------------------------------------------------
def open_first_run(window) -> first_run.FirstRunGuide:
    """帮助 → 使用向导…"""
    return first_run.open_guide(window)


def open_user_guide(window) -> Task:
    """帮助 → 用户指南（PDF）…: write the guide if needed (off the GUI thread), then open it."""
    from huiquan_desk.ui.tasks import Task

    data = window.ws.data

    def done(path: Path) -> None:
        if open_shown(window, path, tr("用户指南（PDF 文件）")):
            window.statusBar().showMessage(tr("已打开用户指南：{0}").format(path), 8000)

    def failed(error: BaseException) -> None:
        messages.show_error(window, error)

    return Task(window, tr("正在生成用户指南…"), lambda progress: guide_pdf(data), done, failed,
                ask_before_quit=False)


def open_about(window) -> AboutDialog:
    """帮助 → 关于惠泉台账…"""
    return AboutDialog.ask(window.ws, window)


# --- 关于 ---------------------------------------------------------------------------------------
def runtime_line(info: AboutInfo) -> str:
    return tr("Python {0} · Qt {1}（PySide6 {2}）· SQLite {3}").format(
        info.python, qVersion(), PySide6.__version__, info.sqlite)


def licences_html(info: AboutInfo) -> str:
    """The licence text of the 关于 box: the program, the font (its licence in full), the libraries."""
    rows = "".join(
        f"<tr><td>{html.escape(lib.name)}</td><td>{html.escape(lib.version or '—')}</td>"
        f"<td>{html.escape(lib.licence)}</td></tr>" for lib in info.libraries)
    files = "、".join(html.escape(path.name) for path in info.licence_files)
    return (
        "<p>" + tr("惠泉台账按 {0} 许可证发布。").format(APP_LICENCE) + "</p>"
        "<p>" + tr("打印和界面使用的字体：{0}，许可证 {1}，全文附在下面。").format(FONT, FONT_LICENCE) + "</p>"
        "<p>" + tr("许可证文件（在「打开许可证文件夹」里）：{0}").format(files) + "</p>"
        "<p><b>" + tr("使用的主要程序库") + "</b></p>"
        "<table cellspacing='0' cellpadding='3' border='1' style='border-collapse: collapse;'>"
        "<tr><th>" + tr("名称") + "</th><th>" + tr("版本") + "</th><th>" + tr("许可证") + "</th></tr>"
        + rows + "</table>"
        "<p>" + tr("PySide6 和 Qt 按 LGPL-3.0 使用，未作修改，可以换成兼容的版本。") + "</p>"
        "<p><b>" + tr("文泉驿微米黑许可证") + "</b></p>"
        f"<pre style='font-size: 9pt; white-space: pre-wrap;'>{html.escape(info.font_licence_text)}</pre>"
    )


class AboutDialog(QDialog):
    PREFERRED = QSize(720, 620)

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.info = info = about(ws.data)
        self.setWindowTitle(self.tr("关于惠泉台账"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        name = QLabel(self.tr("惠泉台账"))
        name.setStyleSheet("font-size: 20px; font-weight: bold; color: #22425f;")
        layout.addWidget(name)
        layout.addWidget(QLabel(self.tr("社区居委会文明创建工作台账桌面软件")))
        form = QFormLayout()
        self.version_label = QLabel(info.version)
        form.addRow(self.tr("版本"), self.version_label)
        folder_row = QHBoxLayout()
        self.folder_label = QLabel(str(info.data_folder))
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        open_folder = QPushButton(self.tr("打开"))
        open_folder.clicked.connect(lambda: open_shown(self, info.data_folder, self.tr("数据文件夹")))
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(open_folder)
        form.addRow(self.tr("数据文件夹"), folder_row)
        self.runtime_label = QLabel(runtime_line(info))
        self.runtime_label.setWordWrap(True)
        form.addRow(self.tr("运行环境"), self.runtime_label)
        layout.addLayout(form)
        heading = QLabel(self.tr("许可证"))
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        self.licences = QTextBrowser()
        self.licences.setOpenLinks(False)
        self.licences.setHtml(licences_html(info))
        layout.addWidget(self.licences, 1)
        buttons = QHBoxLayout()
        copy = QPushButton(self.tr("复制版本信息"))
        copy.setToolTip(self.tr("向技术支持说明问题时，把它粘贴进去"))
        copy.clicked.connect(self.copy_details)
        self.licence_button = QPushButton(self.tr("打开许可证文件夹"))
        self.licence_button.clicked.connect(self.open_licences)
        close = QPushButton(self.tr("关闭"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        self.close_button = close
        buttons.addWidget(copy)
        buttons.addWidget(self.licence_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        close.setFocus()
        fit_window(self, self.PREFERRED.width(), self.PREFERRED.height())

    @classmethod
    def ask(cls, ws: Workspace, parent: QWidget | None = None) -> AboutDialog:
        """Open the box (window-modal, without blocking) and return it; it deletes itself when closed."""
        dialog = cls(ws, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def details(self) -> str:
        """Version, data folder and runtime as plain text (for a support request)."""
        return "\n".join((self.tr("惠泉台账 {0}").format(self.info.version),
                          self.tr("数据文件夹：{0}").format(self.info.data_folder),
                          runtime_line(self.info),
                          self.tr("系统：{0}").format(platform.platform())))

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())

    def open_licences(self) -> bool:
        return open_shown(self, self.info.licence_folder, self.tr("许可证文件夹"))
