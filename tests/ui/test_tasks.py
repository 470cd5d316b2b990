"""Background work: results come back on the GUI thread, progress shows only for slow work,
cancelling rolls the work back; a task whose widget is deleted stops and is forgotten, and a
dialog closed while its task runs waits for the task to stop."""

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
from PySide6.QtWidgets import QDialog, QProgressDialog, QPushButton, QWidget
from sqlalchemy import func, select

from huiquan_desk.domain.errors import Cancelled, HuiquanError
from huiquan_desk.storage.models import Setting
from huiquan_desk.ui import messages, tasks
from huiquan_desk.ui.import_dialog import ProblemModel
from tests.helpers import wait_task


@pytest.fixture
def progress_dialogs(monkeypatch):  # type: ignore[no-untyped-def]
    """Every progress dialog a task creates (task.dialog is None again once the task is done)."""
    created: list[QProgressDialog] = []

    class Recorded(QProgressDialog):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            created.append(self)

    monkeypatch.setattr(tasks, "QProgressDialog", Recorded)
    return created


def test_fast_work_shows_no_progress_dialog(app, qtbot, progress_dialogs) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    results, threads = [], []
    task = tasks.Task(parent, "快", lambda progress: threads.append(threading.current_thread()) or 42, results.append)
    with qtbot.waitSignal(task.done, timeout=5000):
        pass
    assert results == [42] and task.dialog is None
    assert progress_dialogs == []  # never created, not merely closed again
    assert not task._timer.isActive()  # and it cannot pop up later
    assert threads[0] is not threading.main_thread()  # ran off the GUI thread
    assert tasks.running_labels() == []


def test_the_dialog_spy_sees_a_dialog_that_is_shown(app, qtbot, progress_dialogs, monkeypatch) -> None:
    """The check above would notice: with no delay even fast work gets a (flashing) dialog."""
    monkeypatch.setattr(tasks, "SHOW_AFTER_MS", 0)
    parent = QWidget()
    qtbot.addWidget(parent)
    release = threading.Event()
    task = tasks.Task(parent, "快", lambda progress: release.wait(10) and 42)
    try:
        qtbot.waitUntil(lambda: task.dialog is not None, timeout=5000)
    finally:
        release.set()
    with qtbot.waitSignal(task.done, timeout=5000):
        pass
    assert len(progress_dialogs) == 1 and task.dialog is None


def test_slow_work_shows_progress_and_can_be_cancelled(app, qtbot, ws) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    failures = []
    give_up = threading.Event()  # set only if the test fails: the work never ends by itself

    def work(progress):  # type: ignore[no-untyped-def]
        with ws.write() as session:
            session.add(Setting(key="half.done", value="x"))
            session.flush()
            step = 0
            while not give_up.is_set():  # slow until 取消: progress() then raises Cancelled
                progress(step % 200, 200)
                step += 1
                give_up.wait(0.01)  # pace the progress signals
        return "finished"

    task = tasks.Task(parent, "慢", work, on_error=failures.append)
    try:
        qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=5000)
        assert task.dialog.maximum() == 200
        task.dialog.findChild(QPushButton).click()  # the user presses 取消
        qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    finally:
        give_up.set()
    assert isinstance(failures[0], Cancelled)
    with ws.read() as session:  # the half-done write was rolled back
        assert session.scalar(select(func.count()).select_from(Setting).where(Setting.key == "half.done")) == 0


def test_quitting_cancels_and_waits(app, qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    started, stopped = threading.Event(), threading.Event()

    def work(progress):  # type: ignore[no-untyped-def]
        try:
            started.set()
            while True:
                progress(0, 0)
                stopped.wait(0.01)  # pace the progress signals
        finally:
            stopped.set()

    tasks.Task(parent, "导出活动台账", work)
    assert tasks.running_labels() == ["导出活动台账"]
    assert started.wait(5)  # cancel work that is really running
    assert tasks.cancel_all_and_wait(5000)
    assert stopped.is_set()
    qtbot.waitUntil(lambda: tasks.running_labels() == [], timeout=5000)  # its failure reached the GUI


def test_a_crashed_task_is_an_undeclared_error_box(app, qtbot, shown) -> None:
    """A background task that crashes shows 「程序出错」; the shown fixture fails a test that did not
    declare it (see tests/conftest.py), and user-facing messages alone are not enough to declare it."""
    parent = QWidget()
    qtbot.addWidget(parent)
    task = tasks.Task(parent, "坏", lambda progress: 1 / 0, on_error=lambda err: messages.show_error(parent, err))
    with qtbot.waitSignal(task.failed, timeout=5000):
        pass
    assert [type(e) for e in shown.errors] == [ZeroDivisionError]
    shown.expect_errors()  # HuiquanError only
    assert shown.unexpected() == shown.errors
    with pytest.raises(pytest.fail.Exception, match="ZeroDivisionError"):
        shown.fail_on_unexpected("during the test")
    shown.expect_errors(HuiquanError, ZeroDivisionError)  # declared: this test passes
    assert shown.unexpected() == []


def test_problem_model(qtmodeltester) -> None:
    from huiquan_desk.domain.errors import Problem

    model = ProblemModel([Problem("活动名称", "必须填写", 3), Problem("开始时间", "无法识别", 4)])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 0)) == 4


def test_a_task_whose_widget_is_deleted_is_cancelled_and_forgotten(app, qtbot, ws) -> None:
    """The widget that asked for the work is gone before it ends (a dialog deleted while it runs):
    nobody is left to tell, so the work stops and rolls back, and quitting does not ask about it."""
    parent = QWidget()
    started, stopped = threading.Event(), threading.Event()
    give_up = threading.Event()  # set only if the test fails: the work never ends by itself

    def work(progress):  # type: ignore[no-untyped-def]
        try:
            with ws.write() as session:
                session.add(Setting(key="half.done", value="x"))
                session.flush()
                started.set()
                while not give_up.is_set():
                    progress(0, 0)
                    give_up.wait(0.01)
        finally:
            stopped.set()

    task = tasks.Task(parent, "导出迎检资料包", work)
    try:
        assert started.wait(5) and task in tasks.RUNNING and "导出迎检资料包" in tasks.running_labels()
        parent.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert task not in tasks.RUNNING and not task.running  # at once, not when the worker ends
        assert "导出迎检资料包" not in tasks.running_labels()
        assert stopped.wait(5)  # the work was cancelled
    finally:
        give_up.set()
    with ws.read() as session:
        assert session.scalar(select(func.count()).select_from(Setting).where(Setting.key == "half.done")) == 0
    assert QThreadPool.globalInstance().waitForDone(5000)
    assert task not in tasks.RUNNING


def test_closing_a_dialog_waits_for_its_task_to_stop(app, qtbot) -> None:
    """hold_close: while the task runs, reject() cancels it and keeps the dialog, which closes once
    the work has stopped cancelled; work that ends done anyway leaves the dialog open."""
    said: list[str] = []
    give_up = threading.Event()  # set only if the test fails: the work stops only when cancelled

    def slow(progress):  # type: ignore[no-untyped-def]
        while not give_up.wait(0.01):
            progress(0, 0)
        return "gave up"

    class Busy(QDialog):
        task: tasks.Task | None = None

        def reject(self) -> None:
            if not tasks.hold_close(self, self.task, said.append):
                super().reject()

    dialog = Busy()
    qtbot.addWidget(dialog)
    dialog.show()
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    dialog.task = tasks.Task(dialog, "慢", slow)
    try:
        dialog.reject()
        assert not dialog.close()  # the window's close button too
        assert dialog.isVisible() and closed == [] and said == ["正在取消…"] * 2
        wait_task(qtbot, dialog.task, 5000)
        qtbot.waitUntil(lambda: closed == [QDialog.DialogCode.Rejected.value], timeout=5000)
    finally:
        give_up.set()
    assert not dialog.isVisible() and dialog.task not in tasks.RUNNING

    dialog.show()  # the work passes its last progress call before the close: it ends done
    results: list[object] = []
    dialog.task = tasks.Task(dialog, "快", lambda progress: "done", results.append)
    assert QThreadPool.globalInstance().waitForDone(5000)  # finished, the result not delivered yet
    dialog.reject()
    assert dialog.isVisible()
    wait_task(qtbot, dialog.task)
    assert results == ["done"] and dialog.isVisible() and closed == [QDialog.DialogCode.Rejected.value]
    dialog.reject()  # nothing runs now: it closes
    assert not dialog.isVisible() and dialog.task not in tasks.RUNNING
