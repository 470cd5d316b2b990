"""Run long work off the GUI thread, with a progress dialog only if it takes a while.

The work function gets a `progress(done, total)` callable; after the user presses 取消 the
next call raises `Cancelled`, which the work lets propagate so its transaction rolls back.
Results come back to the GUI thread through a queued signal; worker code never touches a widget.
A task lives as long as the widget it was started for (its parent): when that widget is deleted
first, nobody is left to tell, so the work is cancelled and the task leaves RUNNING at once.
`hold_close` is what a dialog's reject() does while its task runs (Esc, 取消/关闭, the window's
close button): it cancels the task and closes the dialog only once the work has stopped.
"""

from __future__ import annotations

import logging
import threading
import traceback
import weakref
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QDialog, QProgressDialog, QWidget

from huiquan_desk.domain.errors import Cancelled, HuiquanError

log = logging.getLogger("huiquan_desk.ui")
SHOW_AFTER_MS = 500
RUNNING: set[Task] = set()  # tasks not finished yet, so quitting can cancel and wait for them


def running_labels() -> list[str]:
    """The running work worth asking about before quitting (a daily backup is simply cancelled)."""
    return [task.label for task in RUNNING if task.ask_before_quit]


def cancel_all_and_wait(timeout_ms: int = 30000) -> bool:
    """Cancel every running task and wait for the workers to stop (their transactions roll back)."""
    for task in list(RUNNING):
        task.cancel()
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


class _Signals(QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Callable[[int, int], None]], Any], signals: _Signals,
                 cancel: threading.Event):
        super().__init__()
        self.work, self.signals, self.cancel = work, signals, cancel
        self.setAutoDelete(True)

    def progress(self, done: int, total: int) -> None:
        if self.cancel.is_set():
            raise Cancelled()
        self._emit(self.signals.progressed, done, total)

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except BaseException as err:  # noqa: BLE001 - every failure goes back to the GUI thread
            if not isinstance(err, HuiquanError):
                log.error("background task failed:\n%s", traceback.format_exc())
            self._emit(self.signals.failed, err)
        else:
            self._emit(self.signals.finished, result)
        finally:
            self.cancel.set()  # a window closed meanwhile: later progress calls stop at once

    def _emit(self, signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window that asked for the work is gone: nobody to tell
            self.cancel.set()


class Task(QObject):
    """One background job and its (delayed) progress dialog."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QWidget | None, label: str, work: Callable[..., Any],
                 on_done: Callable[[Any], None] | None = None, on_error: Callable[[BaseException], None] | None = None,
                 ask_before_quit: bool = True, quiet: bool = False):
        super().__init__(parent)
        self.label = label
        self.cancel_event = threading.Event()
        self.running = True
        self.ask_before_quit = ask_before_quit
        RUNNING.add(self)
        self._signals = _Signals()
        self._signals.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._signals.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        if on_done:
            self.done.connect(on_done)
        if on_error:
            self.failed.connect(on_error)
        self.dialog: QProgressDialog | None = None
        self._parent_widget = parent
        self._last = (0, 0)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)
        if not quiet:  # quiet work (the daily backup) never pops up a progress dialog
            self._timer.start(SHOW_AFTER_MS)
        self.close_held = False  # a dialog waits for this task to stop before it closes (hold_close)
        # Deleted with its parent while the work still runs (the results would go nowhere): cancel
        # it and forget it, so quitting later does not ask about work nobody sees. A plain function
        # holding the task weakly: no reference cycle keeps a finished task alive.
        self.destroyed.connect(partial(_receiver_gone, weakref.ref(self)))
        QThreadPool.globalInstance().start(_Job(work, self._signals, self.cancel_event))

    def cancel(self) -> None:
        self.cancel_event.set()

    def _show_dialog(self) -> None:
        if not self.running:
            return
        dialog = QProgressDialog(self.label, self.tr("取消"), 0, 0, self._parent_widget)
        dialog.setWindowTitle(self.tr("请稍候"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        self._on_progress(*self._last)
        dialog.show()

    def _on_progress(self, done: int, total: int) -> None:
        self._last = (done, total)
        if self.dialog is not None and total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _close(self) -> None:
        self.running = False
        RUNNING.discard(self)
        self._timer.stop()
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _on_finished(self, result: object) -> None:
        self._close()
        self.done.emit(result)

    def _on_failed(self, error: object) -> None:
        self._close()
        self.failed.emit(error)


def _receiver_gone(ref: weakref.ref[Task], *_destroyed: object) -> None:
    """The widget the task was started for is gone before the work ended: stop the work (its
    transaction rolls back at the next progress call) and take it out of RUNNING."""
    task = ref()
    if task is not None and task.running:
        task.cancel_event.set()
        task.running = False
        RUNNING.discard(task)


def hold_close(dialog: QDialog, task: Task | None, say: Callable[[str], None]) -> bool:
    """For a dialog's reject() (Esc, 取消/关闭, the window's close button): True while `task` runs,
    and the dialog must stay — gone, its work would end unseen (a file, an audit entry, records
    filed). The task is cancelled (the work's next progress call raises Cancelled and its
    transaction rolls back), `say` shows 「正在取消…」, and the dialog is rejected once the task
    has ended cancelled. Work already past its last progress call ends done, and the dialog shows
    that result as it would have (and an error likewise). False when nothing runs: close."""
    if task is None or not task.running:
        return False
    if not task.close_held:
        task.close_held = True
        task.failed.connect(lambda error: dialog.reject() if isinstance(error, Cancelled) else None)
    task.cancel()
    say(dialog.tr("正在取消…"))
    return True
