"""Help: the user guide PDF kept ready to open, and the facts the 关于 box shows.

Where the guide PDF is written
------------------------------
`guide_pdf(data)` writes the guide into the open data folder's `logs/`, named with the program
version (惠泉台账用户指南-0.1.0.pdf), and rewrites it when it is missing or older than the guide's
text (an upgrade that changed the text). Why there:
* it is the data folder's place for what the program writes for itself, not the community's
  records: `logs/` is in no backup (a backup holds the database and `files/`), and a restore
  neither brings nor removes it;
* it is per user and known to be writable (the start-up check stops on a data folder that is
  not), and the file stays while a PDF viewer has it open — unlike a temporary folder that the
  system empties at restart, which on Linux is shared by every user of the computer;
* tests always use a temporary data folder, so no test writes into a real profile.
An older version's guide (the same name pattern, nothing else) is removed when the new one is
written. If `logs/` cannot be written all the same, the guide goes into a private temporary
folder of this process instead (`tempfile.mkdtemp`: only this user can read or replace it).
"""

from __future__ import annotations

import logging
import platform
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from huiquan_desk import __version__
from huiquan_desk.domain.errors import StorageError
from huiquan_desk.exports.guide import guide_source, write_guide_pdf
from huiquan_desk.paths import DataDir, resource

log = logging.getLogger("huiquan_desk")
GUIDE_PREFIX = "惠泉台账用户指南-"


def guide_name(version: str = __version__) -> str:
    return f"{GUIDE_PREFIX}{version}.pdf"


def guide_pdf(data: DataDir, version: str = __version__) -> Path:
    """The user guide PDF of this program version, written first when missing or stale."""
    try:
        return _ensure(data.logs, version)
    except StorageError as err:  # logs/ not writable: a private temporary folder instead
        log.warning("user guide not written to %s (%s); using a temporary folder", data.logs, err)
        return _ensure(_private_temp(), version)


def _ensure(folder: Path, version: str) -> Path:
    path = folder / guide_name(version)
    source = guide_source()
    if path.is_file() and path.stat().st_mtime >= source.stat().st_mtime:
        return path
    write_guide_pdf(path, version, source.read_text(encoding="utf-8"))
    for old in folder.glob(f"{GUIDE_PREFIX}*.pdf"):  # only guides this program wrote, never other files
        if old != path:
            try:
                old.unlink()
            except OSError:
                pass
    return path


@cache
def _private_temp() -> Path:
    return Path(tempfile.mkdtemp(prefix="huiquan-guide-"))


# --- 关于 ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Library:
    name: str  # as people know it
    distribution: str  # the installed distribution, for its version
    licence: str  # SPDX expression
    version: str = ""


# The main libraries the program ships with, and their licences (from each distribution's metadata).
LIBRARIES = (
    Library("PySide6 (Qt for Python)", "PySide6-Essentials", "LGPL-3.0-only"),
    Library("SQLAlchemy", "SQLAlchemy", "MIT"),
    Library("Alembic", "alembic", "MIT"),
    Library("openpyxl", "openpyxl", "MIT"),
    Library("python-calamine", "python-calamine", "MIT"),
    Library("ReportLab", "reportlab", "BSD-3-Clause"),
    Library("Pillow", "pillow", "MIT-CMU"),
    Library("platformdirs", "platformdirs", "MIT"),
    Library("lunar-python", "lunar_python", "MIT"),
    Library("chinesecalendar", "chinesecalendar", "MIT"),
)
APP_LICENCE = "Apache-2.0"
FONT = "文泉驿微米黑（WenQuanYi Micro Hei）"
FONT_LICENCE = "Apache-2.0 或 GPL-3.0-or-later（附字体例外）"


@dataclass(frozen=True)
class AboutInfo:
    version: str
    data_folder: Path
    python: str
    sqlite: str
    libraries: tuple[Library, ...]
    licence_folder: Path  # the licence texts shipped with the program
    font_licence_text: str

    @property
    def licence_files(self) -> list[Path]:
        return sorted(self.licence_folder.glob("*.txt"))


def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # a frozen bundle may carry no metadata
        return ""


def about(data: DataDir) -> AboutInfo:
    """What the 关于 box shows (the Qt version is the window's to add)."""
    folder = resource("fonts")
    licence = folder / "wqy-microhei.LICENSE.txt"
    try:
        font_text = licence.read_text(encoding="utf-8")
    except OSError:
        font_text = ""
    return AboutInfo(
        version=__version__, data_folder=data.root, python=platform.python_version(), sqlite=sqlite3.sqlite_version,
        libraries=tuple(Library(lib.name, lib.distribution, lib.licence, _installed(lib.distribution))
                        for lib in LIBRARIES),
        licence_folder=folder, font_licence_text=font_text,
    )
