"""The data folder lock (a second program is refused), the quick check, network shares."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from huiquan_desk.paths import DataDir
from huiquan_desk.storage.guard import DataLock, FolderInUse, is_network_path, quick_check


def test_second_lock_on_the_same_folder_is_refused(tmp_path) -> None:
    data = DataDir(tmp_path)
    with DataLock(data):
        holder = (tmp_path / "huiquan.lock").read_text(encoding="utf-8")
        assert str(os.getpid()) in holder
        # another process (a second copy of the program) is refused with a clear message
        probe = ("import sys; from huiquan_desk.paths import DataDir; from huiquan_desk.storage.guard import DataLock; from pathlib import Path\n"
                 "try:\n    DataLock(DataDir(Path(sys.argv[1]))).acquire()\nexcept Exception as e:\n    print(e); sys.exit(3)")
        result = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 3 and "正被另一个惠泉台账使用" in result.stdout
    with DataLock(data):  # released: free again
        pass


def test_a_killed_program_leaves_no_lock(tmp_path) -> None:
    probe = ("import sys; from huiquan_desk.paths import DataDir; from huiquan_desk.storage.guard import DataLock; from pathlib import Path\n"
             "held = DataLock(DataDir(Path(sys.argv[1]))).acquire(); print('locked', flush=True); sys.stdin.read()")
    # It holds the lock until it is killed (stdin stays open), however long the checks below take.
    child = subprocess.Popen([sys.executable, "-c", probe, str(tmp_path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    with pytest.raises(FolderInUse):
        DataLock(DataDir(tmp_path)).acquire()
    child.kill()
    child.communicate(timeout=60)  # reaped, its pipes closed
    with DataLock(DataDir(tmp_path)):
        pass


def test_quick_check_finds_real_damage(ws, tmp_path) -> None:
    from huiquan_desk.services.activities import create_activity
    from tests.helpers import draft

    with ws.write() as s:
        for n in range(300):
            create_activity(s, draft(s, title=f"活动{n}", content="内容" * 200), ws.files)
    ws.close()
    good = ws.data.database
    assert quick_check(good).ok
    flipped = tmp_path / "flipped.sqlite3"
    raw = bytearray(good.read_bytes())
    for page in range(5, 15):  # scribble over the headers of ten b-tree pages
        raw[4096 * page: 4096 * page + 12] = b"\xff" * 12
    flipped.write_bytes(bytes(raw))
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(good.read_bytes()[: len(raw) // 2])
    assert not quick_check(flipped).ok
    assert not quick_check(truncated).ok
    not_sqlite = tmp_path / "x.sqlite3"
    not_sqlite.write_bytes(b"this is not a database" * 100)
    assert "无法读取" in quick_check(not_sqlite).problems[0]


def test_local_folders_are_not_network_shares(tmp_path) -> None:
    assert not is_network_path(tmp_path)
    assert not is_network_path(Path.home())
