"""A dialog whose work runs in the background while it stays open: the 迎检资料包 and the 镇文明办报表
dialogs. One place for what they share: the window-modal opening that tests drive (`ask`), the
导出… / 关闭 buttons, one task at a time, closing while busy cancels and waits (ui.tasks.hold_close),
a failure shown in one box (取消 says nothing: it leaves no file), the buttons back afterwards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from huiquan_desk.domain.errors import Cancelled
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.tasks import Task, hold_close

D = TypeVar("D", bound="TaskDialog")


class TaskDialog(QDialog):
    """Subclasses build their form, put `self.hint` in it, call `add_buttons`, and give
    `export()` (what 导出… does) and `refresh_hint()` (what the hint says when nothing runs)."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.ws = ws
        self.today = today or date.today()
        self.task: Task | None = None
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.hint = QLabel()  # what will be written; 「正在取消…」 while a close waits
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.export_button = QPushButton(self.tr("导出…"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda: self.export())  # type: ignore[attr-defined]
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        self.busy_buttons: list[QPushButton] = [self.export_button]  # disabled while a task runs

    @classmethod
    def ask(cls: type[D], ws: Workspace, parent: QWidget | None = None, today: date | None = None) -> D:
        """Open the dialog (window-modal, without blocking) and return it; it deletes itself when closed."""
        dialog = cls(ws, parent, today)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def add_buttons(self, layout: QBoxLayout, *left: QPushButton) -> None:
        """The bottom row: `left` buttons (核对资料包…), then 导出… and 关闭 on the right."""
        row = QHBoxLayout()
        for button in left:
            row.addWidget(button)
            self.busy_buttons.append(button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(self.close_button)
        layout.addLayout(row)

    def busy(self) -> bool:
        return self.task is not None and self.task.running

    def reject(self) -> None:
        """关闭 / Esc / the window's close button while the work runs cancels it (no file, no audit
        entry) and closes once it has stopped (ui.tasks.hold_close)."""
        if not hold_close(self, self.task, self.hint.setText):
            super().reject()

    def run(self, label: str, work: Callable[..., Any], done: Callable[[Any], None]) -> Task:
        """`work(progress)` in the background; `done(result)` on the GUI thread, the buttons back."""
        def finished(result: Any) -> None:
            self._idle()
            done(result)

        def failed(error: BaseException) -> None:
            self._idle()
            if not isinstance(error, Cancelled):
                messages.show_error(self, error)

        for button in self.busy_buttons:
            button.setEnabled(False)
        self.task = Task(self, label, work, finished, failed)
        return self.task

    def _idle(self) -> None:
        for button in self.busy_buttons:
            button.setEnabled(True)
        self.refresh_hint()  # type: ignore[attr-defined]  # in place of 「正在取消…」
