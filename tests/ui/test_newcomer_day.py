"""The issue's own yardstick, end to end in one run: a newcomer on a 1366×768 screen opens an empty
data folder, fills in the first-run guide, logs an activity with three photos through the dialog,
prints the ledger and exports the photo record pages — without leaving the app but for the printer
(the print dialog answered with a printer writing a PDF file, which is read back)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter

from huiquan_desk.services import activities as svc
from huiquan_desk.ui import after_export
from huiquan_desk.ui.activity_dialog import ActivityDialog
from huiquan_desk.ui.app import start
from huiquan_desk.ui.widgets import to_qdatetime
from tests.helpers import make_image, wait_task

THIS_YEAR = date.today().year


def test_a_newcomers_first_activity_printed_and_photographed(app, qtbot, tmp_path, monkeypatch) -> None:
    printed: list[Path] = []

    def ask(parent, pages: int, landscape: bool) -> QPrinter:  # type: ignore[no-untyped-def]
        out = tmp_path / f"printed-{len(printed)}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
        printed.append(out)
        return printer

    monkeypatch.setattr(after_export, "ask_printer", ask)
    started = start(str(tmp_path / "新社区"))
    assert not isinstance(started, int)
    _app, window, ws = started
    qtbot.addWidget(window)
    try:
        guide = window.first_run  # an empty folder: the guide, not an empty window
        assert guide is not None
        guide.fields["name"].setText("惠泉社区")
        guide.fields["preparer"].setText("陈晓燕")
        guide.next_step()
        assert ws.operator == "陈晓燕"  # who the trail names from now on, not the computer's login
        guide.finish()

        page = window.go("activities")
        dialog = ActivityDialog(ws, None, page)
        qtbot.addWidget(dialog)
        dialog.title.insert("重阳节敬老爱老活动")
        dialog.category.setCurrentIndex(dialog.category.findData(
            next(c.id for c in dialog.categories if c.name == "传统节日")))
        dialog.start.setDateTime(to_qdatetime(datetime(THIS_YEAR, 10, 18, 9, 0)))
        dialog.end.setDateTime(to_qdatetime(datetime(THIS_YEAR, 10, 18, 11, 30)))
        dialog.place.insert("社区老年活动中心")
        dialog.participants.setValue(45)
        dialog.content.setPlainText("为辖区 80 岁以上老人送去重阳糕，开展义诊和文艺演出。")
        assert "没有照片" in " ".join(dialog.current_gaps())  # said while typing, not blocking
        photos = [str(make_image(tmp_path / "相机" / f"IMG_{n}.jpg", colour, size))
                  for n, (colour, size) in enumerate((("red", (800, 600)), ("blue", (600, 800)), ("green", (900, 600))))]
        assert dialog.add_files(photos, svc.AttachmentKind.PHOTO) == []
        assert dialog.current_gaps() == []
        assert dialog.save()
        page._after_write(dialog.saved_id)

        task = page.print_ledger()  # 打印… (Ctrl+P)
        qtbot.waitUntil(lambda: page.last_print is not None, timeout=30000)
        wait_task(qtbot, page.last_print, timeout=90000)
        assert task is not None and len(printed) == 1
        assert len(PdfReader(printed[0]).pages) >= 1  # what came out of the printer: the ledger's page(s)

        record = tmp_path / "图片记录.pdf"
        task = page.export_photos("pdf", record)
        with qtbot.waitSignal(task.done, timeout=60000):
            pass
        reader = PdfReader(record)
        images = sum(len(p.images) for p in reader.pages)
        text = "".join(p.extract_text() for p in reader.pages)
        assert images == 3 and "重阳节敬老爱老活动" in text and "第 1 页 共" in text
    finally:
        window.close()
        ws.close()


def test_the_main_window_and_the_activity_dialog_fit_1366x768(tmp_path) -> None:
    """A real child process on a 1366×768 offscreen screen: every button of the main window and of
    the new-activity dialog lies on the screen."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768,
                                                "logicalDpi": 96}]}), encoding="utf-8")
    script = r"""
import sys
from huiquan_desk.paths import DataDir
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.workspace import open_workspace
ws = open_workspace(DataDir(__import__('pathlib').Path(sys.argv[1])))
with ws.write() as s:
    save_profile(s, CommunityProfile(name="惠泉社区", preparer="陈晓燕"))
ws.close()
from PySide6.QtWidgets import QAbstractButton
from huiquan_desk.ui.app import start
from huiquan_desk.ui.activity_dialog import ActivityDialog
app, window, ws = start(sys.argv[1])
app.processEvents()
screen = window.screen().availableGeometry()
def off(widget):
    return [b.text() for b in widget.findChildren(QAbstractButton)
            if b.isVisible() and not screen.contains(b.mapToGlobal(b.rect().center()))]
problems = off(window)
dialog = ActivityDialog(ws, None, window.go("activities"))
dialog.show(); app.processEvents()
problems += off(dialog)
print("SCREEN", screen.width(), screen.height(), "OFF", problems)
"""
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "data")], capture_output=True, text=True,
                            env=env, timeout=120)
    assert "SCREEN 1366 768 OFF []" in result.stdout, result.stdout + result.stderr
