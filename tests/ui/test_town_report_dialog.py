"""迎检 → 镇文明办报表…: the dialog opened from the menu, a month report and a year annex exported in
the background and read back, the after-export bar opening the file, a period still running said
so, a cancelled save dialog writing nothing, and closing while it runs cancelling it first (or,
past its last step, showing it done)."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import openpyxl
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt, QThreadPool
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from huiquan_desk.services import town_reports
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.ui import after_export, export_actions, tasks
from huiquan_desk.ui.town_report_dialog import TownReportDialog
from tests.helpers import log_activity, wait_task


def open_dialog(window) -> TownReportDialog:  # type: ignore[no-untyped-def]
    window.report_action.trigger()
    dialog = window.findChild(TownReportDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def save_to(monkeypatch, folder: Path) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    asked: list[tuple[str, str]] = []

    def ask(parent, title, name, fmt):  # type: ignore[no-untyped-def]
        asked.append((name, fmt))
        return folder / name

    monkeypatch.setattr(export_actions, "ask_save_path", ask)
    return asked


def test_month_report_from_the_menu_then_open_it(window, ws, qtbot, tmp_path, monkeypatch) -> None:
    month = town_reports.last_month()
    log_activity(ws, title="重阳节敬老活动", participants=38, start=datetime(month.year, month.month, 3, 9))
    dialog = open_dialog(window)
    assert dialog.month_radio.isChecked() and dialog.period() == month and dialog.fmt == "pdf"
    assert not dialog.year_spin.isEnabled()
    hint = dialog.minimumSizeHint()  # it fits a 1280×720 screen with room to spare, nothing squeezed
    assert dialog.width() <= 1280 and dialog.height() <= 720
    assert hint.width() <= dialog.width() and hint.height() <= dialog.height()
    asked = save_to(monkeypatch, tmp_path)
    wait_task(qtbot, dialog.export())
    assert asked == [(f"文明创建工作月报_{month.stem}.pdf", "pdf")]
    path = tmp_path / asked[0][0]
    flat = "".join("".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert f"文明创建工作月报（{month.label}）" in flat and "重阳节敬老活动" in flat and "本月开展活动1次，参与居民38人次" in flat
    assert dialog.after.isVisibleTo(dialog) and dialog.after.path == path and dialog.export_button.isEnabled()
    assert dialog.report is not None and dialog.report.activities.total == 1
    opened: list[Path] = []
    monkeypatch.setattr(after_export, "open_location", lambda p: opened.append(Path(p)) or True)
    dialog.after.open_button.click()
    assert opened == [path]


def test_year_annex_as_excel(window, ws, qtbot, tmp_path, monkeypatch) -> None:
    year = date.today().year
    log_activity(ws, title="学雷锋普法", start=datetime(year, 3, 5, 9))
    dialog = open_dialog(window)
    dialog.set_year(year)
    dialog.set_format("xlsx")
    assert dialog.period() == town_reports.ReportPeriod("year", year) and not dialog.month_edit.isEnabled()
    assert "还没有结束" in dialog.hint.text() or date.today() == date(year, 12, 31)
    asked = save_to(monkeypatch, tmp_path)
    wait_task(qtbot, dialog.export())
    book = openpyxl.load_workbook(tmp_path / asked[0][0])
    assert asked[0][0] == f"文明创建工作年度数据附表_{year}.xlsx"
    assert "活动月度" in book.sheetnames and "服务月度" in book.sheetnames
    march = next(r for r in book["活动月度"].iter_rows(min_row=4, values_only=True) if r[0] == "3月")
    assert march[-1] == 1


def test_the_month_cannot_go_past_this_one_and_a_cancelled_save_writes_nothing(window, qtbot, tmp_path,
                                                                               monkeypatch) -> None:
    dialog = open_dialog(window)
    today = date.today()
    dialog.month_edit.setDate(QDate(today.year + 1, 1, 1))  # the chooser stops at this month
    assert dialog.period() == town_reports.ReportPeriod("month", today.year, today.month)
    assert "还没有结束" in dialog.hint.text() or today.day == town_reports.ReportPeriod("month", today.year, today.month).last.day
    monkeypatch.setattr(export_actions, "ask_save_path", lambda *args: None)
    assert dialog.export() is None and dialog.task is None and not list(tmp_path.rglob("*.pdf"))
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_closing_while_exporting_cancels_and_writes_nothing(window, ws, qtbot, tmp_path, monkeypatch) -> None:
    """Esc / 关闭 / the window's close button while the report is written: the dialog stays,
    「正在取消…」, until the work has stopped; then it goes, with no file and no audit entry."""
    dialog = open_dialog(window)
    folder = tmp_path / "out"
    folder.mkdir()
    save_to(monkeypatch, folder)
    reached, gate = threading.Event(), threading.Event()
    real = town_reports.export_town_report

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        reached.set()
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(town_reports, "export_town_report", held)
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    task = dialog.export()
    try:
        assert reached.wait(30)
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.close()
        dialog.close_button.click()
        assert dialog.isVisible() and closed == [] and dialog.hint.text() == "正在取消…"
    finally:
        gate.set()
    wait_task(qtbot, task)
    qtbot.waitUntil(lambda: closed == [QDialog.DialogCode.Rejected.value], timeout=5000)
    qtbot.waitUntil(lambda: window.findChild(TownReportDialog) is None, timeout=5000)  # closed and deleted
    assert list(folder.iterdir()) == [] and task not in tasks.RUNNING
    with ws.read() as s:
        assert [r for r in query_audit(s, limit=None) if r.action == "export"] == []


def test_closed_after_the_report_is_written_it_shows_the_result(window, qtbot, tmp_path, monkeypatch) -> None:
    dialog = open_dialog(window)
    asked = save_to(monkeypatch, tmp_path)
    task = dialog.export()
    assert QThreadPool.globalInstance().waitForDone(30000)  # written and logged; the GUI not told yet
    dialog.reject()
    wait_task(qtbot, task)
    assert dialog.isVisible() and dialog.after.path == tmp_path / asked[0][0] and dialog.export_button.isEnabled()
    assert "月报：" in dialog.hint.text() and task not in tasks.RUNNING
