"""Shared fixtures. Tests never touch a real profile: data, settings and home are temporary."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_SANDBOX = Path(tempfile.mkdtemp(prefix="huiquan-tests-"))
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["HUIQUAN_DATA_DIR"] = str(_SANDBOX / "default-data")
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")  # QSettings on Linux
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data-home")

import pytest  # noqa: E402

from huiquan_desk.paths import DataDir  # noqa: E402
from huiquan_desk.services.workspace import Workspace, open_workspace  # noqa: E402


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = open_workspace(DataDir(tmp_path / "data"))
    yield workspace
    workspace.close()


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["huiquan-desk-tests"]


@pytest.fixture
def app(qapp):  # type: ignore[no-untyped-def]
    """The QApplication set up as the real app does (font, style, names)."""
    from huiquan_desk.ui.app import setup_application

    return setup_application()


class Shown:
    """What the UI would have shown in a message box or asked for confirmation."""

    def __init__(self) -> None:
        self.errors: list[BaseException] = []
        self.questions: list[str] = []
        self.answer = True


@pytest.fixture(autouse=True)
def shown(monkeypatch) -> Shown:  # type: ignore[no-untyped-def]
    """No modal box ever blocks a test: errors are recorded, confirmations answered with `answer`."""
    from huiquan_desk.ui import messages

    record = Shown()
    monkeypatch.setattr(messages, "show_error", lambda parent, error: record.errors.append(error))

    def confirm(parent, title, text, ok="确定"):  # type: ignore[no-untyped-def]
        record.questions.append(text)
        return record.answer

    monkeypatch.setattr(messages, "confirm", confirm)
    return record
