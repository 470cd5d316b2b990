"""Ask where to save a ledger, then write it in the background (one place for every page); which
file to import. Each file dialog starts in the folder used last for its kind (QSettings), never in
the program's working folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from huiquan_desk.services.exporting import export, write_logged
from huiquan_desk.services.ledgers import LEDGERS, LedgerParams
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.tasks import Task

FILTERS = {"xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)"}


def ask_open_path(parent: QWidget, title: str, fmt: str) -> Path | None:
    """The open dialog for a file to import, starting in the last folder an import came from (the
    user's home the first time). Tests replace this function."""
    settings = QSettings()
    folder = str(settings.value("import/folder", str(Path.home())))
    name, _ = QFileDialog.getOpenFileName(parent, title, folder, FILTERS[fmt])
    if not name:
        return None
    settings.setValue("import/folder", str(Path(name).parent))
    return Path(name)


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


def ask_new_folder(parent: QWidget, title: str, suggested_name: str) -> Path | None:
    """Where to create a new folder (a photo folder export): a parent folder is chosen, the folder
    `suggested_name` is made inside it. Starts in the last folder used. Tests replace this function."""
    settings = QSettings()
    folder = str(settings.value("export/folder", str(Path.home())))
    chosen = QFileDialog.getExistingDirectory(parent, title, folder)
    if not chosen:
        return None
    settings.setValue("export/folder", chosen)
    return Path(chosen) / suggested_name


def export_in_background(parent: QWidget, ws: Workspace, key: str, params: LedgerParams, fmt: str,
                         path: Path | None = None, done: Callable[[int, Path], None] | None = None) -> Task | None:
    """Print the ledger `key` of the registry (services.ledgers) off the GUI thread: the save dialog
    suggests its file name, a ledger of personal data is written with its audit entry as one act
    (services.exporting.export), and `done(count, path)` runs on the GUI thread afterwards."""
    entry = LEDGERS[key]
    path = path or ask_save_path(parent, entry.title, f"{entry.file_stem(params)}.{fmt}", fmt)
    if path is None:
        return None

    def work(progress):
        return export(ws, key, params, path, fmt, progress)

    return Task(parent, parent.tr("正在导出{0}…").format(entry.title), work,
                lambda count: done(count, path) if done else None, lambda e: messages.show_error(parent, e))


def file_in_background(parent: QWidget, ws: Workspace, title: str, path: Path, entity: str,
                       write: Callable[..., int], done: Callable[[int, Path], None] | None = None) -> Task:
    """A file of personal data that is not a ledger (a reprinted certificate), written off the GUI
    thread together with its audit entry (services.exporting.write_logged)."""
    return Task(parent, parent.tr("正在导出{0}…").format(title),
                lambda progress: write_logged(ws, path, entity, title, write),
                lambda count: done(count, path) if done else None, lambda e: messages.show_error(parent, e))
