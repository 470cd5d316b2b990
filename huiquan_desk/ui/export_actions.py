"""Ask where to save a ledger, then write it in the background (one place for every page)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from huiquan_desk.services.exporting import write_logged
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.tasks import Task

FILTERS = {"xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)"}


def ask_save_path(parent: QWidget, title: str, suggested_name: str, fmt: str) -> Path | None:
    """The save dialog, starting in the last folder used. Tests replace this function."""
    settings = QSettings()
    folder = Path(str(settings.value("export/folder", str(Path.home()))))
    name, _ = QFileDialog.getSaveFileName(parent, title, str(folder / suggested_name), FILTERS[fmt])
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != f".{fmt}":
        path = path.with_name(path.name + f".{fmt}")
    settings.setValue("export/folder", str(path.parent))
    return path


def export_in_background(parent: QWidget, ws: Workspace, title: str, fmt: str, suggested_stem: str,
                         export: Callable[..., int], path: Path | None = None,
                         done: Callable[[int, Path], None] | None = None, personal: bool = False,
                         entity: str = "volunteers") -> Task | None:
    """`export(session, path, fmt, progress) -> count` runs off the GUI thread with its own session.

    `personal=True` marks a file holding personal data (rosters, service ledgers, certificates):
    the file and its audit entry (who exported what; `entity` names the record type) are one act
    (services.exporting.write_logged): if the entry cannot be written, no file is left behind.
    """
    path = path or ask_save_path(parent, title, f"{suggested_stem}.{fmt}", fmt)
    if path is None:
        return None

    def work(progress):  # type: ignore[no-untyped-def]
        if personal:
            return write_logged(ws, path, entity, title, lambda session, out: export(session, out, fmt, progress))
        with ws.read() as session:
            return export(session, path, fmt, progress)

    return Task(parent, parent.tr("正在导出{0}…").format(title), work,
                lambda count: done(count, path) if done else None, lambda e: messages.show_error(parent, e))
