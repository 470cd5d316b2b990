"""Start the window: Qt application, bundled font and style, the workspace, the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from huiquan_desk import APP_NAME, __version__
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.paths import data_dir, font_file, resource

log = logging.getLogger("huiquan_desk.ui")


def setup_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    if app.property("huiquan_ready"):
        return app
    app.setProperty("huiquan_ready", True)
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("惠泉台账")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("huiquan-desk")  # Wayland: the .deb's huiquan-desk.desktop (its name and icon)
    app.setWindowIcon(app_icon())
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
    return app


def app_icon() -> QIcon:
    """The program's icon (resources/icons/, drawn from huiquan_desk.svg), every PNG size."""
    icon = QIcon()
    for png in sorted(resource("icons").glob("huiquan_desk-*.png")):
        icon.addFile(str(png))
    return icon


def _excepthook(kind, value, tb) -> None:
    log.error("uncaught exception", exc_info=(kind, value, tb))
    sys.__excepthook__(kind, value, tb)


def sign_in(ws):
    """Ask for a user name and password if accounts are set up: the SignedIn, None if there are no
    accounts, or False if the user cancelled. Sets `ws.operator` and `ws.role` on success."""
    from huiquan_desk.services.accounts import accounts_enabled
    from huiquan_desk.ui.login_dialog import LoginDialog

    with ws.read() as session:
        if not accounts_enabled(session):  # one small query: no accounts, no sign-in
            return None
    signed = LoginDialog.ask(ws)
    if signed is None:
        return False
    ws.sign_in(signed.operator, signed.role)
    return signed


def start(explicit_data_dir: str | None = None):
    """Everything up to a shown main window: (app, window, workspace), or the exit code if no
    window opens (2: the data cannot be opened, 0: sign-in cancelled)."""
    app = setup_application()
    sys.excepthook = _excepthook
    from huiquan_desk.ui.main_window import MainWindow

    window = MainWindow()  # on screen before the data layer is even imported
    window.show()
    app.processEvents()
    from huiquan_desk.services.workspace import open_workspace
    from huiquan_desk.ui import messages

    data = data_dir(explicit_data_dir)
    try:
        window.data_lock = open_data_folder(window, data)
        if window.data_lock is None:
            window.close()
            return 2
        ws = open_workspace(data, daily_backup=False)
    except HuiquanError as err:
        messages.show_error(window, err)
        window.close()
        return 2
    try:
        signed = sign_in(ws)
    except HuiquanError as err:
        messages.show_error(window, err)
        ws.close()
        window.close()
        return 2
    if signed is False:
        ws.close()
        window.close()
        return 0
    window.attach(ws)  # after the role is known, so it can hide what the role may not use
    if signed is not None:
        from huiquan_desk.ui.login_dialog import IdleLock

        window.idle_lock = IdleLock(ws, signed, window)
        window.idle_lock.signed_in_changed.connect(lambda _s: window.apply_role())
        window.statusBar().showMessage(window.tr("已登录：{0}（{1}）").format(signed.operator, signed.role_label))
    _daily_backup_in_background(window, ws)
    _fixity_check_when_due(window, ws)
    if ws.read_only:
        messages.show_error(window, HuiquanError(ws.read_only_message))
    from huiquan_desk.ui.first_run import show_at_start

    # A new data folder (no community name yet), for an admin: the first-run guide, which can be skipped.
    window.first_run = show_at_start(window, ws)
    return app, window, ws


def open_data_folder(window, data):
    """The start-up policy (services.workspace.open_folder) in the window: one program per folder,
    a network share warned about, and a damaged database never written to — the newest good
    backup is offered instead. Returns the held folder lock, or None when the program should stop."""
    from huiquan_desk.services.workspace import DamagedDatabase, NetworkShareWarning, open_folder, recover
    from huiquan_desk.ui import messages

    opening = open_folder(data)  # FolderInUse (a StorageError) when another copy has it
    if opening.network_share:
        messages.show_error(window, NetworkShareWarning(opening.network_warning))
    if not opening.damaged:
        return opening.lock
    if opening.offer is None:
        messages.show_error(window, DamagedDatabase(opening.damaged_message()))
        opening.release()
        return None
    if not messages.confirm(window, "数据库已损坏", opening.damaged_message(), "从备份恢复"):
        opening.release()
        return None
    recover(opening)
    return opening.lock


def _daily_backup_in_background(window, ws) -> None:
    """The day's automatic backup (skipped at once when it exists), off the GUI thread."""
    from huiquan_desk.services.backups import daily_backup
    from huiquan_desk.ui.tasks import Task

    def done(info) -> None:
        if info is not None:
            window.statusBar().showMessage(window.tr("已自动备份：{0}").format(info.path.name), 8000)

    def failed(error: BaseException) -> None:
        log.warning("daily backup failed: %s", error)
        window.statusBar().showMessage(window.tr("今天的自动备份没有完成：{0}").format(error))

    window.daily_backup = Task(window, window.tr("正在自动备份…"), lambda progress: daily_backup(ws, progress),
                               done, failed, ask_before_quit=False, quiet=True)


def _fixity_check_when_due(window, ws) -> None:
    """The archive's fixity check, at start-up when the setting says it is due (services.fixity),
    off the GUI thread; its result goes to the status bar and the archive page."""
    from huiquan_desk.services.fixity import check_archive, check_due
    from huiquan_desk.ui.tasks import Task

    window.fixity_check = window.fixity_report = None
    if ws.read_only:
        return
    with ws.read() as session:
        if not check_due(session):
            return

    def done(report) -> None:
        window.fixity_report = report
        if report.problems:
            window.statusBar().showMessage(window.tr("档案检测发现 {0} 个问题，请到「档案」页查看。").format(len(report.problems)))
        else:
            window.statusBar().showMessage(window.tr("档案检测完成：{0} 个文件，没有发现问题。").format(report.files), 8000)

    def failed(error: BaseException) -> None:
        log.warning("fixity check failed: %s", error)
        window.statusBar().showMessage(window.tr("定期档案检测没有完成：{0}").format(error))

    window.fixity_check = Task(window, window.tr("正在检测档案文件…"), lambda progress: check_archive(ws, progress),
                               done, failed, ask_before_quit=False, quiet=True)


def run(explicit_data_dir: str | None = None) -> int:
    started = start(explicit_data_dir)
    if isinstance(started, int):
        return started
    app, _window, ws = started
    code = app.exec()
    ws.close()
    return code
