"""迎检 → 导出迎检资料包… (ui.pack_dialog): opened from the window's menu, the period chosen, the zip
built in the background and shown in the after-export bar; cancelled, it leaves nothing; closed
while it runs, it is cancelled first (or, past its last step, shown done); a period
that ends before it starts is refused before any file dialog; 核对资料包… reports a tampered pack.
No modal box: `ask_pack_path`, `ask_pack_to_verify`, `tell` and `open_location` are replaced."""

from __future__ import annotations

import threading
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from huiquan_desk.domain.activity import NewAttachment
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.services import inspection_pack
from huiquan_desk.services.activities import create_activity
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.services.inspection_pack import verify_pack
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.ui import after_export, pack_dialog, tasks
from huiquan_desk.ui.pack_dialog import PackDialog
from tests.helpers import draft, make_image, wait_task

TODAY = date.today()


@pytest.fixture
def community(ws, tmp_path):  # type: ignore[no-untyped-def]
    """惠泉社区 with two activities this year, one with two photos."""
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
        day = datetime(TODAY.year, 1, 2, 9, 0)
        create_activity(s, draft(s, title="元旦游园", start=day, end=day.replace(hour=11)), ws.files,
                        [NewAttachment(str(make_image(tmp_path / "src" / f"{n}.jpg", color))) for n, color in
                         ((1, "red"), (2, "blue"))])
        create_activity(s, draft(s, title="卫生大扫除", start=day.replace(day=3), end=day.replace(day=3, hour=11)),
                        ws.files)
    return ws


@pytest.fixture
def dialog(window, community, qtbot):  # type: ignore[no-untyped-def]
    window.pack_action.trigger()
    found = window.findChild(PackDialog)
    assert found is not None and found.isVisible()
    return found


def saving_to(monkeypatch, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def ask(parent, suggested):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return path

    monkeypatch.setattr(pack_dialog, "ask_pack_path", ask)
    return asked


def test_export_this_year_from_the_menu(dialog, monkeypatch, qtbot, tmp_path) -> None:
    out = tmp_path / "out" / "资料包.zip"
    asked = saving_to(monkeypatch, out)
    assert dialog.this_year.isChecked() and not dialog.from_edit.isEnabled()
    assert dialog.chosen() == (date(TODAY.year, 1, 1), TODAY)
    task = dialog.export()
    assert not dialog.export_button.isEnabled()
    wait_task(qtbot, task, 60000)
    assert asked == [f"惠泉社区_迎检资料包_{TODAY.year}0101-{TODAY:%Y%m%d}.zip"]
    assert verify_pack(out).ok and dialog.report is not None and dialog.report.photos == 2
    with zipfile.ZipFile(out) as z:
        assert sum(1 for n in z.namelist() if n.startswith("09_照片/") and n.endswith(".jpg")) == 2
    assert dialog.after.isVisible() and "已导出迎检资料包" in dialog.after.message.text()
    assert dialog.export_button.isEnabled()
    opened: list[Path] = []
    monkeypatch.setattr(after_export, "open_location", lambda path: opened.append(path) or True)
    dialog.after.folder_button.click()
    assert opened == [out.parent]


def test_last_year_and_a_custom_period(dialog, monkeypatch, qtbot, tmp_path) -> None:
    dialog.last_year.setChecked(True)
    assert dialog.chosen() == (date(TODAY.year - 1, 1, 1), date(TODAY.year - 1, 12, 31))
    dialog.set_period(date(TODAY.year, 1, 1), date(TODAY.year, 1, 2))
    assert dialog.from_edit.isEnabled() and "资料时段" in dialog.hint.text()
    out = tmp_path / "一月.zip"
    saving_to(monkeypatch, out)
    wait_task(qtbot, dialog.export(), 60000)
    assert dialog.report is not None and dialog.report.activities == 1  # 卫生大扫除 is on the 3rd


@pytest.mark.expect_errors(of=ValidationError)
def test_a_period_ending_before_it_starts_is_refused(dialog, shown, monkeypatch, tmp_path) -> None:
    asked = saving_to(monkeypatch, tmp_path / "x.zip")
    dialog.set_period(date(TODAY.year, 3, 1), date(TODAY.year, 2, 1))
    assert "结束日期不能早于开始日期" in dialog.hint.text()
    assert dialog.export() is None
    assert asked == [] and "时间范围" in str(shown.errors[0].problems[0].field)


def test_cancel_leaves_nothing_behind(dialog, shown, monkeypatch, qtbot, tmp_path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    saving_to(monkeypatch, folder / "资料包.zip")
    task = dialog.export()
    task.cancel()
    wait_task(qtbot, task, 60000)
    assert list(folder.iterdir()) == [] and dialog.report is None
    assert shown.errors == [] and dialog.export_button.isEnabled()


def test_verify_a_tampered_pack(dialog, monkeypatch, qtbot, tmp_path) -> None:
    out = tmp_path / "资料包.zip"
    saving_to(monkeypatch, out)
    wait_task(qtbot, dialog.export(), 60000)
    said: list[tuple[str, bool]] = []
    monkeypatch.setattr(pack_dialog, "tell", lambda parent, title, text, problem=False: said.append((text, problem)))
    monkeypatch.setattr(pack_dialog, "ask_pack_to_verify", lambda parent: out)
    wait_task(qtbot, dialog.verify(), 60000)
    assert said[-1][1] is False and said[-1][0].startswith("迎检资料包完整")
    with zipfile.ZipFile(out, "a") as z:
        z.writestr("多出来的.txt", "x")
    wait_task(qtbot, dialog.verify(), 60000)
    text, problem = said[-1]
    assert problem and "多出的文件（清单中没有）：多出来的.txt" in text


def export_entries(ws) -> list[str]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return [r.summary for r in query_audit(s, limit=None) if r.action == "export"]


def test_closing_while_exporting_cancels_and_leaves_nothing(window, dialog, ws, monkeypatch, qtbot,
                                                            tmp_path) -> None:
    """Esc / 关闭 / the window's close button while the pack is built: the dialog stays,
    「正在取消…」, until the work has stopped; then it goes, with no zip, no hidden temporary file,
    no audit entry, and quitting does not ask about a pack that is not being made."""
    folder = tmp_path / "out"
    folder.mkdir()
    saving_to(monkeypatch, folder / "资料包.zip")
    reached, gate = threading.Event(), threading.Event()
    real = inspection_pack.export_pack

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        reached.set()
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(inspection_pack, "export_pack", held)
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    task = dialog.export()
    try:
        assert reached.wait(30)
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.close()
        dialog.close_button.click()
        assert dialog.isVisible() and closed == [] and dialog.hint.text() == "正在取消…"
        assert task.label in tasks.running_labels()  # still running: quitting would ask and wait
    finally:
        gate.set()
    wait_task(qtbot, task, 60000)
    qtbot.waitUntil(lambda: closed == [QDialog.DialogCode.Rejected.value], timeout=5000)
    qtbot.waitUntil(lambda: window.findChild(PackDialog) is None, timeout=5000)  # closed and deleted
    assert list(folder.iterdir()) == [] and export_entries(ws) == []
    assert task not in tasks.RUNNING and task.label not in tasks.running_labels()


def test_closed_after_the_pack_is_written_it_shows_the_result(dialog, ws, monkeypatch, qtbot, tmp_path) -> None:
    out = tmp_path / "资料包.zip"
    saving_to(monkeypatch, out)
    task = dialog.export()
    assert QThreadPool.globalInstance().waitForDone(60000)  # written and logged; the GUI not told yet
    dialog.reject()  # too late to cancel: the dialog stays and shows what was written
    wait_task(qtbot, task, 5000)
    assert dialog.isVisible() and "已导出迎检资料包" in dialog.after.message.text() and verify_pack(out).ok
    assert "资料时段" in dialog.hint.text() and len(export_entries(ws)) == 1
    assert task not in tasks.RUNNING
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_closing_while_checking_a_pack_cancels_the_check(window, dialog, monkeypatch, qtbot, tmp_path) -> None:
    out = tmp_path / "资料包.zip"
    saving_to(monkeypatch, out)
    wait_task(qtbot, dialog.export(), 60000)
    said: list[str] = []
    monkeypatch.setattr(pack_dialog, "tell", lambda parent, title, text, problem=False: said.append(text))
    reached, gate = threading.Event(), threading.Event()
    real = inspection_pack.verify_pack

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        reached.set()
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(inspection_pack, "verify_pack", held)
    task = dialog.verify(out)
    try:
        assert reached.wait(30)
        dialog.reject()
        assert dialog.isVisible()
    finally:
        gate.set()
    wait_task(qtbot, task, 60000)
    qtbot.waitUntil(lambda: window.findChild(PackDialog) is None, timeout=5000)
    assert said == [] and task not in tasks.RUNNING
