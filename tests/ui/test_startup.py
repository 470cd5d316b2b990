"""Starting the window: it paints before the data loads, refuses a second copy on the same folder,
never opens a damaged database for writing, and offers the newest good backup instead."""

import sqlite3

import pytest

from huiquan_desk.paths import DataDir
from huiquan_desk.services.workspace import DamagedDatabase, open_workspace
from huiquan_desk.storage import backups
from huiquan_desk.storage.guard import DataLock, FolderInUse
from huiquan_desk.ui.app import start
from tests.helpers import draft


def fill(data: DataDir, n: int = 200) -> None:
    from huiquan_desk.services.activities import create_activity

    ws = open_workspace(data)
    with ws.write() as s:
        for i in range(n):
            create_activity(s, draft(s, title=f"活动{i}", content="内容" * 100), ws.files)
    ws.close()


def damage(path) -> None:  # type: ignore[no-untyped-def]
    raw = bytearray(path.read_bytes())
    for page in range(3, 12):
        raw[4096 * page: 4096 * page + 12] = b"\xff" * 12
    path.write_bytes(bytes(raw))


def titles(data: DataDir) -> int:
    conn = sqlite3.connect(data.database)
    try:
        return conn.execute("SELECT count(*) FROM activities").fetchone()[0]
    finally:
        conn.close()


def test_start_opens_the_window_and_takes_the_days_backup(app, qtbot, tmp_path) -> None:
    data = DataDir(tmp_path / "d")
    fill(data, 5)
    started = start(str(data.root))
    assert not isinstance(started, int)
    _app, window, ws = started
    qtbot.addWidget(window)
    assert window.activities.model.rowCount() == 5 and window.isVisible()  # the data loaded into the table
    icon = _app.windowIcon()  # the program's own icon (resources/icons), every size the platforms ask for
    assert not icon.isNull() and {s.width() for s in icon.availableSizes()} >= {16, 32, 48, 256}
    qtbot.waitUntil(lambda: any(p.name.startswith("huiquan-auto-") for p in data.backups.iterdir()), timeout=20000)
    with pytest.raises(FolderInUse):  # a second copy on the same folder is refused
        DataLock(data).acquire()
    window.close()
    window.data_lock.release()
    ws.close()


@pytest.mark.expect_errors(of=FolderInUse)
def test_a_second_copy_is_refused(app, qtbot, tmp_path, shown) -> None:
    data = DataDir(tmp_path / "d")
    with DataLock(data):
        assert start(str(data.root)) == 2
    assert isinstance(shown.errors[0], FolderInUse)


def test_damaged_database_offers_the_newest_good_backup(app, qtbot, tmp_path, shown) -> None:
    data = DataDir(tmp_path / "d")
    fill(data)
    backups.create_backup(data, "manual")
    damage(data.database)
    shown.answer = False  # first: the user declines → nothing is opened or changed
    before = data.database.read_bytes()
    assert start(str(data.root)) == 2
    assert "损坏" in shown.questions[0] and data.database.read_bytes() == before
    shown.answer = True  # then: restore from the backup
    started = start(str(data.root))
    assert not isinstance(started, int)
    _app, window, ws = started
    qtbot.addWidget(window)
    assert titles(data) == 200
    window.close()
    window.data_lock.release()
    ws.close()


@pytest.mark.expect_errors(of=DamagedDatabase)
def test_damaged_database_without_backup_is_left_alone(app, qtbot, tmp_path, shown) -> None:
    data = DataDir(tmp_path / "d")
    fill(data)
    damage(data.database)
    before = data.database.read_bytes()
    assert start(str(data.root)) == 2
    assert "没有可用的备份" in str(shown.errors[0])
    assert data.database.read_bytes() == before


def test_the_archive_check_runs_at_start_up_when_due_and_is_recorded(app, qtbot, tmp_path) -> None:
    """An archive with files and no check yet: the window checks it in the background on opening,
    records the check and says the result; a check already done today is not repeated."""
    from huiquan_desk.services import archives
    from huiquan_desk.services.fixity import last_check
    from huiquan_desk.services.settings import CommunityProfile, save_profile
    from tests.helpers import make_image, wait_task

    data = DataDir(tmp_path / "d")
    ws = open_workspace(data)
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", fonds_code="0194", preparer="陈晓燕"))
        archives.create_item(s, archives.ItemDraft(title="计划", year=2026, retention="Y", number=1), ws.files,
                             [archives.NewArchiveFile(str(make_image(tmp_path / "scan.jpg")))])
    ws.close()
    for opening in (1, 2):
        started = start(str(data.root))
        assert not isinstance(started, int)
        _app, window, ws = started
        qtbot.addWidget(window)
        try:
            if opening == 1:
                wait_task(qtbot, window.fixity_check)
                assert window.fixity_report.files == 1 and window.fixity_report.problems == []
                with ws.read() as s:
                    assert last_check(s) is not None and last_check(s).problems == 0
            else:
                assert window.fixity_check is None  # done today: not due again
        finally:
            window.close()
            window.data_lock.release()
            ws.close()
