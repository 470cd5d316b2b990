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


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    config.addinivalue_line(
        "markers",
        "expect_errors(of=ErrorType or (types, ...)): the test means to show error boxes of these "
        "types (default: HuiquanError, the user-facing messages); any other error box fails the test")


class Shown:
    """What the UI would have shown in a message box or asked for confirmation.

    An error box the test did not declare fails it: a crashed background task's 「程序出错」 box
    otherwise passes unnoticed. Declare with `@pytest.mark.expect_errors` (user-facing messages,
    HuiquanError), `@pytest.mark.expect_errors(of=SomeError)` / `(of=(SomeError, OtherError))`,
    or `shown.expect_errors(SomeError, ...)` in the test.
    """

    def __init__(self) -> None:
        self.errors: list[BaseException] = []
        self.questions: list[str] = []
        self.answer = True
        self.expected: tuple[type[BaseException], ...] = ()
        self.reported = 0  # errors already reported as unexpected

    def expect_errors(self, *types: type[BaseException]) -> None:
        from huiquan_desk.domain.errors import HuiquanError

        self.expected = types or (HuiquanError,)

    def unexpected(self) -> list[BaseException]:
        return [e for e in self.errors if not (self.expected and isinstance(e, self.expected))]

    def fail_on_unexpected(self, when: str) -> None:
        bad = self.unexpected()[self.reported:]
        if bad:
            self.reported += len(bad)
            listed = "\n".join(f"  {type(e).__name__}: {e}" for e in bad)
            pytest.fail(f"error box(es) shown {when} that the test did not declare "
                        f"(@pytest.mark.expect_errors):\n{listed}", pytrace=False)


@pytest.fixture(autouse=True)
def shown(request, monkeypatch) -> Shown:  # type: ignore[no-untyped-def]
    """No modal box ever blocks a test: errors are recorded, confirmations answered with `answer`."""
    from huiquan_desk.ui import messages

    record = Shown()
    marker = request.node.get_closest_marker("expect_errors")
    if marker is not None:  # `of=` because pytest takes a lone positional class for the decorated object
        of = marker.kwargs.get("of", ())
        record.expect_errors(*marker.args, *(of if isinstance(of, tuple) else (of,)))
    monkeypatch.setattr(messages, "show_error", lambda parent, error: record.errors.append(error))

    def confirm(parent, title, text, ok="确定"):  # type: ignore[no-untyped-def]
        record.questions.append(text)
        return record.answer

    monkeypatch.setattr(messages, "confirm", confirm)
    yield record
    record.fail_on_unexpected("after the test")  # e.g. a background task that failed late


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):  # type: ignore[no-untyped-def]
    """Fail the test itself (not only its teardown) when it showed an undeclared error box."""
    result = yield  # a test that already failed keeps its own failure
    record = getattr(item, "funcargs", {}).get("shown")
    if isinstance(record, Shown):
        record.fail_on_unexpected("during the test")
    return result
