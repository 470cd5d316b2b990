"""Start the window: Qt application, bundled font and style, the workspace, the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from huiquan_desk import APP_NAME, __version__
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.paths import data_dir, font_file, resource

log = logging.getLogger("huiquan_desk.ui")


def setup_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    if app.property("huiquan_ready"):
        return app  # type: ignore[return-value]
    app.setProperty("huiquan_ready", True)
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("惠泉台账")
    app.setApplicationVersion(__version__)
    translator = QTranslator(app)  # Qt's own buttons (OK, Cancel, Yes …) in Chinese
    if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    font_id = QFontDatabase.addApplicationFont(str(font_file()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if families:
        font = QFont(families[0])
        font.setPointSize(10)
        app.setFont(font)
    style = resource("style.qss")
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app  # type: ignore[return-value]


def _excepthook(kind, value, tb) -> None:  # type: ignore[no-untyped-def]
    log.error("uncaught exception", exc_info=(kind, value, tb))
    sys.__excepthook__(kind, value, tb)


def start(explicit_data_dir: str | None = None):  # type: ignore[no-untyped-def]
    """Everything up to a shown main window: (app, window, workspace), or None if it cannot open."""
    app = setup_application()
    sys.excepthook = _excepthook
    from huiquan_desk.services.workspace import open_workspace
    from huiquan_desk.ui.main_window import MainWindow

    try:
        ws = open_workspace(data_dir(explicit_data_dir))
    except HuiquanError as err:
        QMessageBox.critical(None, err.title, str(err))
        return None
    window = MainWindow(ws)
    window.show()
    if not window.settings_page.profile().name:
        window.nav.setCurrentRow(window.pages.indexOf(window.settings_page))
        window.statusBar().showMessage(window.tr("欢迎使用惠泉台账：请先填写社区名称等信息，它们会打印在台账上。"))
    return app, window, ws


def run(explicit_data_dir: str | None = None) -> int:
    started = start(explicit_data_dir)
    if started is None:
        return 2
    app, _window, ws = started
    code = app.exec()
    ws.close()
    return code
