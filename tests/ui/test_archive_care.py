"""The archive page's care functions (ui.archive_care): the fixity check in the background and its
message, the appraisal and destruction dialog (group, decisions, finishing, the 销毁清册), and the
hand-over package. No modal box: `tell`, `run_modal`, `ask_list_format`, `ask_package_target` and
the save dialog are replaced."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from huiquan_desk.services import archive_package, archives, destruction
from huiquan_desk.services.archives import ItemDraft, NewArchiveFile
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.ui import archive_care, export_actions, widgets
from tests.helpers import make_image, wait_task

THIS_YEAR = date.today().year


@pytest.fixture
def told(monkeypatch):  # type: ignore[no-untyped-def]
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(archive_care, "tell", lambda parent, title, text: said.append((title, text)))
    return said


@pytest.fixture
def archive(app, ws, tmp_path):  # type: ignore[no-untyped-def]
    """Three 2010 D10 items (retention ended with 2020) with a file each, and a 永久 one."""
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
    ids = []
    for n, (title, retention) in enumerate((("2010年居民会议记录", "D10"), ("2010年停水通知", "D10"),
                                            ("2010年卫生检查记录", "D10"), ("居民公约", "Y")), start=1):
        with ws.write() as s:
            ids.append(archives.create_item(
                s, ItemDraft(title=title, year=2010, retention=retention, number=n if retention == "D10" else 1, pages=2),
                ws.files, [NewArchiveFile(str(make_image(tmp_path / "in" / f"{n}.png", ("red", "blue", "navy", "gray")[n - 1])))]))
    return ws, ids


@pytest.fixture
def parent(app, qtbot):  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_the_fixity_check_runs_in_the_background_and_says_what_it_found(archive, parent, qtbot, told) -> None:
    ws, ids = archive
    reports: list = []
    wait_task(qtbot, archive_care.run_fixity_check(parent, ws, reports.append))
    assert told == [("档案检测", "已检测 4 个档案文件，没有发现问题。")] and reports[0].ok
    with ws.read() as s:
        (f,) = archives.get_item(s, ids[1], ws.files).files
    f.path.unlink()
    wait_task(qtbot, archive_care.run_fixity_check(parent, ws))
    title, text = told[-1]
    assert "发现 1 个问题" in text and "0194-WS·2010-D10-0002 2.png：文件缺失" in text and "从备份恢复" in text


def test_the_destruction_dialog_from_group_to_list(archive, parent, qtbot, monkeypatch, tmp_path, shown) -> None:
    ws, ids = archive
    monkeypatch.setattr(widgets, "screen_area", lambda widget=None: QRect(0, 0, 1280, 720))
    dialog = archive_care.DestructionDialog(ws, parent)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.year.setValue(2020)
    assert [i.code for i in dialog.items] == [f"0194-WS·2010-D10-000{n}" for n in (1, 2, 3)]
    assert "尚未开始鉴定：到期 3 件" in dialog.state.text()
    size = dialog.size()
    assert size.width() <= 1280 - widgets.FRAME.width() and size.height() <= 720 - widgets.FRAME.height()

    # the group must have resident representatives: the problem goes under its field
    dialog.members.setPlainText("王堃（社区书记）\n陈晓燕（档案员）")
    assert not dialog.save()
    assert "居民代表" in dialog.form.errors["居民代表"].text()
    dialog.residents.setPlainText("李桂兰\n赵建国")
    dialog.set_decision(0, "销毁")
    dialog.set_decision(1, "续存", "涉及供水管网改造", THIS_YEAR + 10)
    assert dialog.save()
    with ws.read() as s:
        round_id = destruction.open_round(s)
        assert round_id is not None and len(destruction.get_round(s, round_id).decisions) == 2

    # opened again, the open round comes back with its group and decisions
    again = archive_care.DestructionDialog(ws, parent)
    qtbot.addWidget(again)
    assert again.year.value() == 2020 and not again.year.isEnabled()
    assert again.residents.toPlainText() == "李桂兰\n赵建国"
    assert again._choice(1)[0].currentText() == "续存" and again._choice(1)[1].text() == "涉及供水管网改造"
    assert "进行中的鉴定：到期 3 件，销毁 1 件，续存 1 件，未定 1 件" in again.state.text()
    dialog.grab().save(str(tmp_path.parent / "destruction_dialog.png"))
    again.close()

    shown.expect_errors()
    assert not dialog.finish()  # one item has no decision yet
    assert "还有 1 件没有鉴定意见：0194-WS·2010-D10-0003" in str(shown.errors[-1])
    dialog.destroy_undecided()
    shown.answer = False
    assert not dialog.finish()  # the confirmation declined: nothing happens
    with ws.read() as s:
        assert destruction.open_round(s) == round_id
    shown.answer = True
    out = tmp_path / "销毁清册.pdf"
    monkeypatch.setattr(archive_care, "ask_list_format", lambda parent, text="": "pdf")
    monkeypatch.setattr(export_actions, "ask_save_path", lambda *a: out)
    assert dialog.finish()
    assert "完成鉴定吗" in shown.questions[-1] and "将销毁 2 件档案" in shown.questions[-1]
    assert "鉴定已完成：销毁 2 件，续存 1 件，删除电子文件 2 个" in dialog.status.text()
    wait_task(qtbot, dialog.task)
    text = "".join(p.extract_text() for p in PdfReader(out).pages).replace(" ", "")
    assert "档案销毁清册" in text and "0194-WS·2010-D10-0001" in text and "李桂兰" in text
    with ws.read() as s:
        rows = {r.id: r for r in archives.list_items(s)}
        assert rows[ids[0]].destroyed_on == date.today() and rows[ids[1]].keep_until == THIS_YEAR + 10
        assert destruction.open_round(s) is None
    assert dialog.rounds.count() == 1 and dialog.save_list_button.isEnabled()
    assert dialog.items == [] and "没有 2020 年底前保管期限届满的档案" in dialog.state.text()
    assert len(shown.errors) == 1


def test_open_destruction_shows_the_dialog_modally(archive, parent, monkeypatch) -> None:
    ws, _ids = archive
    opened: list = []
    monkeypatch.setattr(archive_care, "run_modal", lambda dialog: opened.append(dialog) or 0)
    archive_care.open_destruction(parent, ws)
    assert isinstance(opened[0], archive_care.DestructionDialog)
    opened[0].deleteLater()


def test_the_package_dialog_writes_in_the_background(archive, parent, qtbot, monkeypatch, tmp_path, told) -> None:
    ws, _ids = archive
    asked: list[str] = []

    def target(parent, suggested: str) -> Path:  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return tmp_path / f"{suggested}.zip"

    monkeypatch.setattr(archive_care, "ask_package_target", target)
    infos: list = []
    wait_task(qtbot, archive_care.export_package_dialog(parent, ws, 2010, done=infos.append))
    assert asked == ["0194_惠泉社区_2010年度档案移交包"]
    assert told[-1][0] == "档案移交包" and "2010年度档案移交包：4 件，4 个档案文件" in told[-1][1]
    assert archive_package.verify_package(infos[0].path) == []
    monkeypatch.setattr(archive_care, "ask_package_target", lambda parent, suggested: None)
    assert archive_care.export_package_dialog(parent, ws, 2010) is None  # the user cancelled


@pytest.mark.expect_errors
def test_a_year_without_items_is_refused_with_a_message(archive, parent, qtbot, shown, tmp_path) -> None:
    ws, _ids = archive
    wait_task(qtbot, archive_care.export_package_dialog(parent, ws, 2019, out=tmp_path / "x"))
    assert "2019 年度没有已编号的归档文件" in str(shown.errors[-1])
