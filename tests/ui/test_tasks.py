"""Background work: results come back on the GUI thread, progress shows only for slow work,
cancelling rolls the work back."""

import threading
import time

from PySide6.QtWidgets import QPushButton, QWidget
from sqlalchemy import func, select

from huiquan_desk.domain.errors import Cancelled
from huiquan_desk.storage.models import Setting
from huiquan_desk.ui import tasks
from huiquan_desk.ui.import_dialog import ProblemModel


def test_fast_work_shows_no_progress_dialog(app, qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    results, threads = [], []
    task = tasks.Task(parent, "快", lambda progress: threads.append(threading.current_thread()) or 42, results.append)
    with qtbot.waitSignal(task.done, timeout=5000):
        pass
    assert results == [42] and task.dialog is None
    assert threads[0] is not threading.main_thread()  # ran off the GUI thread
    assert tasks.running_labels() == []


def test_slow_work_shows_progress_and_can_be_cancelled(app, qtbot, ws) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    failures = []

    def work(progress):  # type: ignore[no-untyped-def]
        with ws.write() as session:
            session.add(Setting(key="half.done", value="x"))
            session.flush()
            for step in range(200):
                progress(step, 200)
                time.sleep(0.02)
        return "finished"

    task = tasks.Task(parent, "慢", work, on_error=failures.append)
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=3000)
    assert task.dialog.maximum() == 200
    task.dialog.findChild(QPushButton).click()  # the user presses 取消
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], Cancelled)
    with ws.read() as session:  # the half-done write was rolled back
        assert session.scalar(select(func.count()).select_from(Setting).where(Setting.key == "half.done")) == 0


def test_quitting_cancels_and_waits(app, qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    stopped = threading.Event()

    def work(progress):  # type: ignore[no-untyped-def]
        try:
            while True:
                progress(0, 0)
                time.sleep(0.01)
        finally:
            stopped.set()

    tasks.Task(parent, "导出活动台账", work)
    assert tasks.running_labels() == ["导出活动台账"]
    assert tasks.cancel_all_and_wait(5000)
    assert stopped.is_set()


def test_problem_model(qtmodeltester) -> None:
    from huiquan_desk.domain.errors import Problem

    model = ProblemModel([Problem("活动名称", "必须填写", 3), Problem("开始时间", "无法识别", 4)])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 0)) == 4
