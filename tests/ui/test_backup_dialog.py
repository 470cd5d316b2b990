"""备份与恢复 dialog: back up to a picked folder, verify a chosen backup, confirm, restore with
the workspace closed and reopened around it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from huiquan_desk.domain.activity import NewAttachment
from huiquan_desk.services.settings import CommunityProfile, get_profile, save_profile
from huiquan_desk.storage import backups
from huiquan_desk.ui import backup_dialog
from huiquan_desk.ui.backup_dialog import BackupDialog
from tests.helpers import log_activity, make_image


def make_dialog(qtbot, ws, events):  # type: ignore[no-untyped-def]
    state = {"ws": ws}

    def close() -> None:
        events.append("close")
        state["ws"].close()

    def reopen(new):  # type: ignore[no-untyped-def]
        events.append("reopen")
        state["ws"] = new

    dialog = BackupDialog(ws, None, close, reopen)
    qtbot.addWidget(dialog)
    return dialog, state


def test_backup_to_a_picked_folder(app, qtbot, ws, tmp_path, monkeypatch) -> None:
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区"))
    log_activity(ws, [NewAttachment(str(make_image(tmp_path / "合影.jpg")))])
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(backup_dialog, "ask_folder", lambda parent: usb)
    dialog, _state = make_dialog(qtbot, ws, [])
    with qtbot.waitSignal(dialog.backed_up, timeout=10000) as signal:
        dialog.backup_to_button.click()
    info = signal.args[0]
    assert info.path.parent == usb and backups.verify_backup(info.path) == []
    assert "备份完成" in dialog.status.text()
    assert (usb / backups.STORE_DIR).is_dir() and "huiquan-store 文件夹里，本次新复制" in dialog.status.text()
    with qtbot.waitSignal(dialog.backed_up, timeout=10000):
        dialog.backup_here()
    assert dialog.model.rowCount() == 1  # the one in data/backups is listed
    monkeypatch.setattr(backup_dialog, "ask_single_file", lambda parent: tmp_path / "发给街道.zip")
    with qtbot.waitSignal(dialog.backed_up, timeout=10000) as signal:
        dialog.single_file_button.click()
    single = signal.args[0]
    assert single.path == tmp_path / "发给街道.zip" and not single.in_store
    assert backups.verify_backup(single.path) == [] and not (tmp_path / backups.STORE_DIR).exists()


def test_guided_restore(app, qtbot, ws, tmp_path, shown) -> None:
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="恢复前的名字"))
    taken = backups.create_backup(ws.data, "manual", now=datetime(2026, 11, 1, 9))
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="备份之后改的名字"))
    events: list[str] = []
    dialog, state = make_dialog(qtbot, ws, events)
    assert dialog.model.rowCount() == 1
    dialog.table.selectRow(0)
    with qtbot.waitSignal(dialog.inspected, timeout=10000):
        dialog.inspect_selected_button.click()
    assert dialog.restore_button.isEnabled() and "检查通过" in dialog.details.text()
    assert "恢复前的名字" in dialog.details.text()

    shown.answer = False  # the user thinks again
    dialog.restore_button.click()
    assert events == [] and "替换当前的全部数据" in shown.questions[-1]

    shown.answer = True
    with qtbot.waitSignal(dialog.restored, timeout=20000):
        dialog.restore_button.click()
    assert events == ["close", "reopen"]
    assert "恢复完成" in dialog.status.text()
    with state["ws"].read() as s:
        assert get_profile(s).name == "恢复前的名字"
    assert dialog.ws is state["ws"]
    assert any(i.kind == "pre-restore" for i in dialog.model.items)
    assert taken.path.exists()
    state["ws"].close()


def test_a_damaged_backup_cannot_be_restored(app, qtbot, ws, tmp_path, monkeypatch) -> None:
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区"))
    info = backups.create_backup(ws.data, "manual", dest=tmp_path)
    raw = bytearray(info.path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    bad = tmp_path / "坏的.zip"
    bad.write_bytes(bytes(raw))
    monkeypatch.setattr(backup_dialog, "ask_file", lambda parent: Path(bad))
    events: list[str] = []
    dialog, _state = make_dialog(qtbot, ws, events)
    with qtbot.waitSignal(dialog.inspected, timeout=10000):
        dialog.pick_file_button.click()
    assert not dialog.restore_button.isEnabled() and "不能用来恢复" in dialog.details.text()
    dialog.restore_chosen()
    assert events == []


def test_backup_list_model(app, qtmodeltester, ws) -> None:
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区"))
    backups.create_backup(ws.data, "auto", now=datetime(2026, 11, 1, 9))
    backups.create_backup(ws.data, "manual", now=datetime(2026, 11, 2, 9))
    model = backup_dialog.BackupListModel()
    model.set_items(backups.list_backups(ws.data))
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "手动备份" and model.data(model.index(1, 0)) == "2026-11-01 09:00"
