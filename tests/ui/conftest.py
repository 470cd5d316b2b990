"""Fixtures of the window tests (the shared ones, `app`, `ws` and `shown`, are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from huiquan_desk.ui.main_window import MainWindow


@pytest.fixture
def window(app, ws, qtbot):  # type: ignore[no-untyped-def]
    """The main window on a fresh workspace, shown (each test module may narrow it, e.g. a page)."""
    win = MainWindow(ws)
    qtbot.addWidget(win)
    win.show()
    return win
