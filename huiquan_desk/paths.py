"""Where things are: the bundled `resources/` and `db/` folders, and the user's data folder.

`resources/` and `db/` sit beside the package in a checkout or an editable install, inside it
in an installed wheel (see pyproject's force-include) and under `sys._MEIPASS` in a frozen
bundle. `bundled()` is the one place that knows this.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from huiquan_desk import APP_NAME

DATA_DIR_ENV = "HUIQUAN_DATA_DIR"


def bundled(name: str) -> Path:
    """Return the bundled folder `name` ("resources" or "db")."""
    package = Path(__file__).resolve().parent
    candidates = [package / name, package.parent / name]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found beside {package}")


def resource(*parts: str) -> Path:
    return bundled("resources").joinpath(*parts)


def font_file() -> Path:
    return resource("fonts", "wqy-microhei.ttc")


@dataclass(frozen=True)
class DataDir:
    """The user's data folder and the fixed places inside it."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "huiquan.sqlite3"

    @property
    def files(self) -> Path:
        return self.root / "files"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def ensure(self) -> DataDir:
        for folder in (self.root, self.files, self.backups, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def data_dir(explicit: str | os.PathLike[str] | None = None) -> DataDir:
    """`--data-dir` wins, then HUIQUAN_DATA_DIR, then the platform's user data folder."""
    if explicit:
        return DataDir(Path(explicit).expanduser().resolve())
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return DataDir(Path(env).expanduser().resolve())
    from platformdirs import user_data_dir

    return DataDir(Path(user_data_dir(APP_NAME, appauthor=False)))
