"""Import an Excel file (an entry of the import registry, services.imports: activities, volunteers,
households …): a preview listing every row's problems, then all or nothing. A long problem (the hint naming the categories to use) wraps in its
row and shows whole as the row's tooltip; nothing is cut off."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from huiquan_desk.domain.errors import Cancelled, HuiquanError, Problem, ValidationError
from huiquan_desk.services.imports import import_entry
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import fit_window

Index = QModelIndex | QPersistentModelIndex


class ProblemModel(QAbstractTableModel):
    HEADERS = ("行号", "字段", "问题")

    def __init__(self, problems: list[Problem] | None = None, parent=None):
        super().__init__(parent)
        self.problems = problems or []

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        self.problems = list(problems)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < 3:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.problems):
            return None
        p = self.problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return ("" if p.row is None else p.row, p.field, p.message)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(p)  # the whole sentence, 第 N 行「字段」：问题
        return None


class ImportDialog(QDialog):
    """Shows the preview of `path` as soon as it opens; 导入 is enabled only for a clean file."""

    previewed = Signal()
    imported = Signal(int)

    def __init__(self, ws: Workspace, path: Path, parent: QWidget | None = None, kind: str = "activities"):
        super().__init__(parent)
        self.ws, self.path = ws, Path(path)
        entry = import_entry(kind)  # the import registry (services.imports): what it reads and how
        self.run, self.noun = entry.run, entry.noun
        title = f"导入{entry.title}"
        self.report = None
        self.setWindowTitle(self.tr(title))
        layout = QVBoxLayout(self)
        self.summary = QLabel(self.tr("正在检查 {0} …").format(self.path.name))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.problems = ProblemModel()
        self.table = table = QTableView()
        table.setModel(self.problems)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(True)  # a long hint wraps in its row (at most ValidationError.LISTED rows)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setColumnWidth(0, 60)
        table.setColumnWidth(1, 110)
        layout.addWidget(table, 1)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        fit_window(self, 860, 520)  # the sizing rule (ui.widgets)
        self.task = Task(self, self.tr("正在检查…"), self._preview_work, self._preview_done, self._preview_failed)

    def _preview_work(self, progress):
        ws, path, run = self.ws, self.path, self.run  # the worker touches no widget
        with ws.preview() as session:  # the real writes, always rolled back
            return run(session, path, progress)

    def busy(self) -> bool:
        return self.task is not None and self.task.running

    def reject(self) -> None:
        """关闭 / Esc while an import is being written would hide its result: cancel it instead."""
        if self.busy():
            self.task.cancel()
            self.summary.setText(self.tr("正在取消…"))
            return
        super().reject()

    def _preview_done(self, report) -> None:
        self.report = report
        text = self.tr("检查通过：共 {0} 行，全部可以导入（表头在第 {1} 行）。点「导入」写入。").format(
            report.rows_read, report.header_row)
        self.summary.setText("\n".join([text, *report.notes]))  # e.g. the template's example row, skipped
        self.import_button.setEnabled(report.rows_read > 0)
        self.previewed.emit()

    def _preview_failed(self, error: BaseException) -> None:
        if isinstance(error, ValidationError):
            # The same summary as the error's message: the first ValidationError.LISTED problems in
            # the table, and how many more there are (a file of 200,000 bad rows is not listed whole).
            self.problems.set_problems(error.listed)
            text = self.tr("发现 {0} 个问题，请在 Excel 中改正后重新导入。导入是全部或全不：没有写入任何数据。").format(
                len(error.problems))
            if more := ValidationError.more_line(error.problems):
                text += "\n" + self.tr("下面列出前 {0} 个。").format(len(error.listed)) + more
            self.summary.setText(text)
        elif isinstance(error, HuiquanError):
            self.summary.setText(str(error))
        else:
            messages.show_error(self, error)
        self.previewed.emit()

    def run_import(self) -> None:
        self.import_button.setEnabled(False)
        ws, path, run = self.ws, self.path, self.run

        def work(progress):
            with ws.write() as session:
                return run(session, path, progress)

        self.task = Task(self, self.tr("正在导入…"), work, self._imported, self._import_failed)

    def _imported(self, report) -> None:
        self.summary.setText(self.tr("已导入 {0} {1}。").format(report.created, self.noun))
        self.imported.emit(report.created)
        self.accept()

    def _import_failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.summary.setText(str(error))
            self.import_button.setEnabled(True)
            return
        self._preview_failed(error)  # problems go to the table, others to the one message box
