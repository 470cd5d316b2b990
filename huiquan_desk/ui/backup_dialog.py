"""备份与恢复: back up now (into the data folder or to a folder the user picks, e.g. a USB
stick) and a guided restore: pick a backup → it is verified in the background and what it
holds is shown → a clear confirmation → the restore runs → the user is told it is done.

A restore replaces the database file, so the dialog cannot do it with the main window's
workspace open. The main window hands in two callbacks:

    BackupDialog(ws, parent, close_workspace, reopen_workspace)

    close_workspace()     called on the GUI thread right before the restore starts (after the
                          user confirmed): stop using the workspace and close it (`ws.close()`
                          disposes the engine), e.g. by clearing the pages' models.
    reopen_workspace(ws)  called on the GUI thread after the restore ended, whether it worked or
                          not (a failed restore leaves the old data in place), with the data
                          folder open again (services.backups.run_restore or reopen: migrated if
                          the backup came from an older version, the restore in its audit
                          trail, the same person signed in): take it and reload the pages.

All work (backup, verification, restore) runs in `ui.tasks.Task`; no widget is touched off the
GUI thread. Tests call `backup_to()`, `backup_here()`, `inspect()` and `restore_chosen()` and
replace `ask_folder` / `ask_file` (module functions) instead of clicking file dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.errors import Cancelled, HuiquanError
from huiquan_desk.services import backups
from huiquan_desk.services.backups import STORE_DIR, BackupInfo, RestoreReport, default_name, human_size
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import fit_window, read_only_table

Index = QModelIndex | QPersistentModelIndex
FOLDER_KEY = "backup/folder"


def ask_folder(parent: QWidget | None) -> Path | None:
    """Where to put a backup (a USB stick …), starting in the last folder used. Tests replace this."""
    settings = QSettings()
    start = str(settings.value(FOLDER_KEY, str(Path.home())))
    name = QFileDialog.getExistingDirectory(parent, "选择备份保存的位置（如 U 盘）", start)
    if not name:
        return None
    settings.setValue(FOLDER_KEY, name)
    return Path(name)


def ask_single_file(parent: QWidget | None) -> Path | None:
    """Where to save a single-file backup (to send to someone). Tests replace this."""
    settings = QSettings()
    start = Path(str(settings.value(FOLDER_KEY, str(Path.home())))) / default_name("manual")
    name, _ = QFileDialog.getSaveFileName(parent, "保存为单个备份文件", str(start), "惠泉台账备份 (*.zip)")
    if not name:
        return None
    path = Path(name) if name.lower().endswith(".zip") else Path(name + ".zip")
    settings.setValue(FOLDER_KEY, str(path.parent))
    return path


def ask_file(parent: QWidget | None) -> Path | None:
    """A backup zip to restore from. Tests replace this."""
    settings = QSettings()
    start = str(settings.value(FOLDER_KEY, str(Path.home())))
    name, _ = QFileDialog.getOpenFileName(parent, "选择备份文件", start, "惠泉台账备份 (*.zip)")
    if not name:
        return None
    settings.setValue(FOLDER_KEY, str(Path(name).parent))
    return Path(name)


class BackupListModel(QAbstractTableModel):
    """The backups in data/backups, newest first (manifests only; verified when chosen)."""

    HEADERS = ("备份时间", "类型", "社区", "大小")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[BackupInfo] = []

    def set_items(self, items: list[BackupInfo]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.items):
            return None
        info = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return info.created_at.strftime("%Y-%m-%d %H:%M") if info.created_at else info.path.name
            if index.column() == 1:
                return "已损坏" if info.ok is False else info.kind_label
            if index.column() == 2:
                return info.community
            if index.column() == 3:
                return human_size(info.size)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join([info.path.name, *info.problems])
        return None


class BackupDialog(QDialog):
    """备份与恢复. See the module docstring for the two callbacks."""

    backed_up = Signal(object)  # BackupInfo
    inspected = Signal(object)  # BackupInfo (ok / problems filled in)
    restored = Signal(object)  # RestoreReport
    failed = Signal(object)  # the error of a backup or restore

    def __init__(self, ws: Workspace, parent: QWidget | None,
                 close_workspace: Callable[[], None], reopen_workspace: Callable[[Workspace], None]):
        super().__init__(parent)
        self.ws = ws
        self.data = ws.data
        self.request: backups.RestoreRequest | None = None
        self.close_workspace = close_workspace
        self.reopen_workspace = reopen_workspace
        self.task: Task | None = None
        self.chosen: BackupInfo | None = None
        self.restoring = False
        self.setWindowTitle(self.tr("备份与恢复"))
        layout = QVBoxLayout(self)

        backup_box = QGroupBox(self.tr("备份"))
        backup_layout = QVBoxLayout(backup_box)
        intro = QLabel(self.tr("每天第一次打开软件时会自动备份到数据文件夹。每个备份是一个 zip 文件（全部数据），照片和签到表"
                               "存在同一文件夹的 {0} 里，每张只存一份，所以第二次起只复制新增的照片。"
                               "建议定期再备份到 U 盘，和电脑分开保管；复制备份时请连同 {0} 文件夹一起复制。"
                               "要把备份发给别人，用「另存为单个文件…」（一个 zip 含全部照片）。").format(STORE_DIR))
        intro.setWordWrap(True)
        backup_layout.addWidget(intro)
        row = QHBoxLayout()
        self.backup_to_button = QPushButton(self.tr("立即备份到…"))
        self.backup_to_button.setToolTip(self.tr("选择一个文件夹（如 U 盘），把备份保存在那里"))
        self.backup_to_button.clicked.connect(self._pick_folder)
        self.backup_here_button = QPushButton(self.tr("立即备份到数据文件夹"))
        self.backup_here_button.clicked.connect(self.backup_here)
        self.single_file_button = QPushButton(self.tr("另存为单个文件…"))
        self.single_file_button.setToolTip(self.tr("一个独立的 zip 文件，含全部数据和照片，便于发给别人"))
        self.single_file_button.clicked.connect(self._pick_single_file)
        row.addWidget(self.backup_to_button)
        row.addWidget(self.backup_here_button)
        row.addWidget(self.single_file_button)
        row.addStretch(1)
        backup_layout.addLayout(row)
        layout.addWidget(backup_box)

        restore_box = QGroupBox(self.tr("从备份恢复"))
        restore_layout = QVBoxLayout(restore_box)
        warning = QLabel(self.tr("恢复会用备份替换当前的全部数据和附件；替换前会先自动备份当前数据。"))
        warning.setWordWrap(True)
        restore_layout.addWidget(warning)
        restore_layout.addWidget(QLabel(self.tr("数据文件夹里的备份：")))
        self.model = BackupListModel(self)
        self.table = read_only_table(self.model)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self._inspect_selected())
        restore_layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.inspect_selected_button = QPushButton(self.tr("检查选中的备份…"))
        self.inspect_selected_button.clicked.connect(self._inspect_selected)
        self.pick_file_button = QPushButton(self.tr("从备份文件恢复…"))
        self.pick_file_button.setToolTip(self.tr("选择一个备份文件（如 U 盘上的 .zip）"))
        self.pick_file_button.clicked.connect(self._pick_file)
        row.addWidget(self.inspect_selected_button)
        row.addWidget(self.pick_file_button)
        row.addStretch(1)
        restore_layout.addLayout(row)
        self.details = QLabel(self.tr("选择一个备份，软件会先检查它是否完整，再显示其中的内容。"))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        restore_layout.addWidget(self.details)
        self.restore_button = QPushButton(self.tr("用这个备份恢复…"))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_chosen)
        restore_layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignRight)
        if ws.role != Role.ADMIN:
            self.pick_file_button.setEnabled(False)
            self.inspect_selected_button.setEnabled(False)
            self.details.setText(self.tr("只有管理员可以从备份恢复。"))
        layout.addWidget(restore_box, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_window(self, 720, 600)  # the sizing rule (ui.widgets): the list of backups gives up height first
        self.refresh()

    @classmethod
    def ask(cls, ws: Workspace, parent: QWidget | None, close_workspace: Callable[[], None],
            reopen_workspace: Callable[[Workspace], None]) -> bool:
        """Show the dialog (modal); True if a restore happened, so the caller reloads its pages."""
        dialog = cls(ws, parent, close_workspace, reopen_workspace)
        restored: list[RestoreReport] = []
        dialog.restored.connect(restored.append)
        dialog.exec()
        return bool(restored)

    # -- state ----------------------------------------------------------------------------------

    def busy(self) -> bool:
        return self.task is not None and self.task.running

    def refresh(self) -> None:
        self.model.set_items(backups.list_backups(self.ws))
        self.table.resizeColumnsToContents()

    def _set_busy(self, busy: bool) -> None:
        admin = self.ws.role == Role.ADMIN
        for button in (self.backup_to_button, self.backup_here_button, self.single_file_button):
            button.setEnabled(not busy)
        for button in (self.pick_file_button, self.inspect_selected_button):
            button.setEnabled(not busy and admin)
        self.restore_button.setEnabled(not busy and admin and self.chosen is not None and bool(self.chosen.ok))

    def reject(self) -> None:
        """Esc / 关闭 while a backup or a check runs cancels it; a restore cannot be left half-way."""
        if self.busy():
            if self.restoring:
                self.status.setText(self.tr("正在恢复，请等它完成。"))
            else:
                self.task.cancel()
                self.status.setText(self.tr("正在取消…"))
            return
        super().reject()

    # -- backup ---------------------------------------------------------------------------------

    def _pick_folder(self) -> None:
        folder = ask_folder(self)
        if folder is not None:
            self.backup_to(folder)

    def _pick_single_file(self) -> None:
        path = ask_single_file(self)
        if path is not None:
            self._backup(path)  # a file name: one self-contained zip

    def backup_here(self) -> None:
        self._backup(None)

    def backup_to(self, folder: Path) -> None:
        self._backup(Path(folder))

    def _backup(self, folder: Path | None) -> None:
        from huiquan_desk.services.backups import back_up

        ws = self.ws

        def work(progress):
            return back_up(ws, folder, progress)  # the zip and its audit entry: one act

        self._set_busy(True)
        self.status.setText(self.tr("正在备份…"))
        self.task = Task(self, self.tr("正在备份…"), work, self._backed_up, self._backup_failed)

    def _backed_up(self, info: BackupInfo) -> None:
        self._set_busy(False)
        text = self.tr("备份完成：{0}\n保存在 {1}（{2}）").format(info.summary(), info.path, human_size(info.size))
        if info.in_store:
            text += self.tr("\n照片和签到表在旁边的 {0} 文件夹里，本次新复制 {1}。").format(STORE_DIR, human_size(info.copied))
        if info.missing:
            text += self.tr("\n注意：{0} 个附件文件缺失，没有放进备份。请在「检查数据」中查看。").format(len(info.missing))
        self.status.setText(text)
        self.refresh()
        self.backed_up.emit(info)

    def _backup_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.status.setText(str(error) if isinstance(error, HuiquanError) else self.tr("备份没有完成。"))
        if not isinstance(error, Cancelled):
            messages.show_error(self, error)
        self.failed.emit(error)

    # -- restore --------------------------------------------------------------------------------

    def _pick_file(self) -> None:
        path = ask_file(self)
        if path is not None:
            self.inspect(path)

    def _inspect_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.status.setText(self.tr("请先在列表中选中一个备份。"))
            return
        self.inspect(self.model.items[rows[0].row()].path)

    def inspect(self, path: Path) -> None:
        """Verify `path` in the background, then show what it holds (and any problem)."""
        self.chosen = None
        self._set_busy(True)
        self.details.setText(self.tr("正在检查 {0} …").format(Path(path).name))

        ws = self.ws

        def work(progress):
            return backups.inspect(ws, Path(path), progress)

        self.task = Task(self, self.tr("正在检查备份…"), work, self._inspected, self._inspect_failed)

    def _inspected(self, info: BackupInfo) -> None:
        self.chosen = info
        lines = [self.tr("文件：{0}（{1}）").format(info.path, human_size(info.size))]
        if info.created_at is not None:
            lines.append(info.summary())
            lines.append(self.tr("程序版本 {0}，数据库版本 {1}").format(info.app_version or "?", info.revision or "?"))
        if info.ok:
            lines.append(self.tr("✓ 检查通过：所有文件的校验值都相符，数据库完整。"))
            if info.missing:
                lines.append(self.tr("注意：备份时有 {0} 个附件文件已缺失，恢复后这些附件仍会缺失。").format(len(info.missing)))
        else:
            lines.append(self.tr("✗ 这个备份不能用来恢复："))
            lines.extend(f"  · {p}" for p in info.problems[:12])
        self.details.setText("\n".join(lines))
        self._set_busy(False)
        self.inspected.emit(info)

    def _inspect_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.details.setText(str(error) if isinstance(error, HuiquanError) else self.tr("检查没有完成。"))
        if not isinstance(error, Cancelled):
            messages.show_error(self, error)
        self.failed.emit(error)

    def restore_chosen(self) -> None:
        """Confirm, close the workspace, restore in the background, reopen."""
        info = self.chosen
        if info is None or not info.ok or self.busy():
            return
        question = self.tr("恢复会用这个备份替换当前的全部数据和附件：\n\n{0}\n\n当前数据会先自动备份到数据文件夹的 backups 里。"
                           "恢复期间请不要关闭电脑。确定恢复吗？").format(info.summary())
        if not messages.confirm(self, self.tr("从备份恢复"), question, ok=self.tr("恢复")):
            return
        try:
            request = backups.request_restore(self.ws, info.path)  # an admin; decided before anything closes
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        self.request = request
        self.close_workspace()
        self.restoring = True
        self._set_busy(True)
        self.status.setText(self.tr("正在恢复…"))

        def work(progress):
            return backups.run_restore(request, progress)

        self.task = Task(self, self.tr("正在从备份恢复…"), work, self._restored, self._restore_failed)

    def _reopen(self, ws: Workspace) -> None:
        self.restoring = False
        self.ws = ws
        self.reopen_workspace(ws)

    def _restored(self, result: tuple[RestoreReport, Workspace]) -> None:
        report, ws = result
        self._reopen(ws)
        lines = [self.tr("恢复完成：{0}").format(report.backup.summary())]
        if report.safety_backup is not None:
            lines.append(self.tr("恢复前的数据已保存为 {0}。").format(report.safety_backup.name))
        lines.extend(report.notes)
        self.status.setText("\n".join(lines))
        self.chosen = None
        self._set_busy(False)
        self.refresh()
        self.restored.emit(report)

    def _restore_failed(self, error: BaseException) -> None:
        try:
            self._reopen(backups.reopen(self.request))
        except HuiquanError as err:  # the old data could not be opened again either: say so, keep going
            messages.show_error(self, err)
        self._set_busy(False)
        self.status.setText(self.tr("没有恢复，当前数据保持原样。") + (f"\n{error}" if isinstance(error, HuiquanError) else ""))
        if not isinstance(error, Cancelled):
            messages.show_error(self, error)
        self.refresh()
        self.failed.emit(error)
