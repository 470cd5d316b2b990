"""Crash safety of backup and restore, proven with real processes and real damage.

A child process runs a backup or a restore on a data folder of 300 activities with 600 photos
and is killed with SIGKILL: at evenly spread moments of its run, and right after each step of
the restore's switch-over. After every kill the database must pass `PRAGMA integrity_check`
and hold either all of the old data or all of the restored data; no half zip may carry a
backup's name; and after `finish_interrupted_restore` (what the next start does) files/ holds
exactly the files the database references, each intact. Then database files are damaged for
real (truncated, bytes flipped in the middle of pages) and backup, verify and restore must
refuse them, while a damaged live database can still be replaced from the newest good backup.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from huiquan_desk.domain.errors import StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.services.integrity import check
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.workspace import open_workspace
from huiquan_desk.storage import backups
from huiquan_desk.storage.models import Activity, Attachment
from tests.helpers import category_id

pytestmark = pytest.mark.slow

ACTIVITIES = 300
PHOTOS = 2
PHOTO_BYTES = 20_000
TIMED_KILLS = 10
# Kill right after these functions return ("module.name:n" = after the n-th call of `name` as
# storage.backups.<module> calls it): every step of the restore's switch-over.
STAGE_KILLS = (
    "restore.create_backup:1",  # the pre-restore backup is written
    "restore._write_marker:1",  # marker "prepare" written, nothing extracted yet
    "restore._write_marker:2",  # snapshot database extracted, list of files to add recorded
    "restore._write_marker:3",  # files copied, marker "switch" written
    "restore._close_old_database:1",  # old database checkpointed, -wal/-shm gone, not replaced yet
    "restore._switch_database:1",  # new database in place, old files not cleaned yet
    "restore._remove_file:25",  # half-way through removing the old files
    "restore.remove_unreferenced_files:1",  # cleanup done, marker not yet removed
)
# Every child run: (label, "kill point" or "timed kill" or "no kill", outcome); see test_zz_report.
TALLY: dict[str, list[tuple[str, str, str]]] = {"backup": [], "restore": []}

CHILD = r"""
import os, signal, sys
from pathlib import Path
from huiquan_desk.paths import DataDir
from huiquan_desk.storage import backups

what, root, source, point = sys.argv[1:5]
data = DataDir(Path(root))
progress = None
if point.startswith("progress:"):
    limit, seen = int(point.split(":")[1]), [0]
    def progress(done, total):
        seen[0] += 1
        if seen[0] == limit:
            print("KILL", point, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
elif point != "-":
    import importlib
    where, _, count = point.partition(":")
    module_name, _, name = where.rpartition(".")
    module = importlib.import_module("huiquan_desk.storage.backups." + module_name)
    real, calls = getattr(module, name), [0]
    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        calls[0] += 1
        if calls[0] == int(count or 1):
            print("KILL", point, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(module, name, wrapper)
print("GO", flush=True)
if what == "restore":
    backups.restore_backup(data, Path(source), progress=progress)
elif what == "prune":
    import time
    backups.prune_store(data.backups, now=time.time() + 3600)
else:
    backups.create_backup(data, "auto", progress=progress)
print("DONE", flush=True)
"""


def env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen")


# ---------------------------------------------------------------------------------------------
# The data: R (what the backup holds) and O (what the folder holds when the restore starts)


@dataclass(frozen=True)
class Fingerprint:
    count: int
    newest: str
    titles: frozenset[str]
    community: str


def fingerprint(data: Path) -> Fingerprint:
    """Also asserts the database is there and passes integrity_check."""
    database = data / "huiquan.sqlite3"
    assert database.is_file(), "the database file is gone"
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        count, newest = conn.execute("SELECT count(*), max(updated_at) FROM activities").fetchone()
        titles = frozenset(r[0] for r in conn.execute("SELECT title FROM activities"))
        community = conn.execute("SELECT value FROM settings WHERE key='profile.name'").fetchone()[0]
    finally:
        conn.close()
    return Fingerprint(count, str(newest), titles, community)


def referenced(data: Path) -> set[str]:
    conn = sqlite3.connect(data / "huiquan.sqlite3")
    try:
        return {f"{sha[:2]}/{sha}{suffix}" for sha, suffix in conn.execute("SELECT sha256, suffix FROM attachments")}
    finally:
        conn.close()


def stored(data: Path) -> set[str]:
    return {str(p.relative_to(data / "files")) for p in (data / "files").rglob("*") if p.is_file()}


def drop_orphans(data: Path) -> None:
    for name in stored(data) - referenced(data):
        (data / "files" / name).unlink()


def add_activities(ws, rng: random.Random, titles: list[str], when: datetime) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        category = category_id(s)
        for n, title in enumerate(titles):
            start = when + timedelta(hours=n)
            activity = Activity(title=title, category_id=category, start_at=start, end_at=start + timedelta(hours=2),
                                place="惠泉社区活动室", content="为辖区老人提供义诊和理发服务。" * 4, participants=30)
            s.add(activity)
            s.flush()
            for k in range(PHOTOS):
                photo = ws.files.add_bytes(rng.randbytes(PHOTO_BYTES), ".jpg")
                s.add(Attachment(activity_id=activity.id, sha256=photo.sha256, suffix=".jpg", size=photo.size,
                                 sort_order=k, original_name=f"{title}-{k}.jpg"))


@dataclass
class Scene:
    restored: Path  # the folder in state R
    old: Path  # template of state O; copied for every trial
    zip: Path  # the backup of R
    fp_restored: Fingerprint
    fp_old: Fingerprint
    members: int


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Scene:
    base = tmp_path_factory.mktemp("scene")
    rng = random.Random(20261128)
    restored = base / "R"
    ws = open_workspace(DataDir(restored))
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区"))
    add_activities(ws, rng, [f"活动{n:04d}" for n in range(ACTIVITIES)], datetime(2026, 1, 5, 9))
    ws.close()
    archive = backups.create_backup(DataDir(restored), "manual", dest=base / "R.zip")

    old = base / "O"
    shutil.copytree(restored, old)
    ws = open_workspace(DataDir(old), daily_backup=False)
    with ws.write() as s:  # O: a third deleted (with their photos), 50 added, 20 renamed, renamed community
        doomed = s.scalars(select(Activity.id).order_by(Activity.id).limit(ACTIVITIES // 3)).all()
        s.execute(delete(Attachment).where(Attachment.activity_id.in_(doomed)))
        s.execute(delete(Activity).where(Activity.id.in_(doomed)))
        for activity in s.scalars(select(Activity).order_by(Activity.id.desc()).limit(20)):
            activity.title = f"改名{activity.id}"
        save_profile(s, CommunityProfile(name="惠泉社区（新）"))
    add_activities(ws, rng, [f"新活动{n:03d}" for n in range(50)], datetime(2026, 6, 1, 9))
    ws.close()
    drop_orphans(old)
    shutil.rmtree(old / "backups")
    (old / "backups").mkdir()
    scene = Scene(restored, old, archive.path, fingerprint(restored), fingerprint(old),
                  len(zipfile.ZipFile(archive.path).namelist()))
    assert scene.fp_restored != scene.fp_old
    assert stored(old) == referenced(old) and stored(restored) == referenced(restored)
    return scene


# ---------------------------------------------------------------------------------------------
# Running and killing the child


def clone(template: Path, dest: Path) -> Path:
    """A private copy of a data folder. The attachment files are hard links (restore never writes
    into an existing file: it adds new ones and unlinks), everything else is really copied."""
    def copy(src: str, dst: str) -> None:
        if Path(src).parent.parent.name == "files":
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)

    shutil.copytree(template, dest, copy_function=copy)
    return dest


def start_child(what: str, data: Path, source: Path | None, point: str = "-") -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", CHILD, what, str(data), str(source or "-"), point],
                             env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.strip() == "GO", child.stderr.read() if child.stderr else line
    return child


def finish(child: subprocess.Popen, delay: float | None, point: str = "-") -> str:
    """'killed' (by us after `delay`, or by its own kill `point`) or 'completed'. A run with a kill
    point must have been killed there: one that completes proves nothing about that point."""
    if delay is not None:
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
    child.wait(timeout=120)
    out = child.stdout.read() if child.stdout else ""
    err = child.stderr.read() if child.stderr else ""
    if child.returncode == -signal.SIGKILL:
        outcome = "killed"
    else:
        assert child.returncode == 0 and "DONE" in out, err
        outcome = "completed"
    if point != "-":
        assert outcome == "killed" and f"KILL {point}" in out, \
            f"kill point {point} never fired: the child {outcome} (return code {child.returncode})\n{err}"
    return outcome


def kind_of(point: str, delay: float | None) -> str:
    return "kill point" if point != "-" else "timed kill" if delay is not None else "no kill"


def timed(what: str, data: Path, source: Path | None) -> float:
    child = start_child(what, data, source)
    started = time.monotonic()
    assert finish(child, None) == "completed"
    return time.monotonic() - started


def assert_no_half_backup(data: Path) -> None:
    """Every zip under a backup name is complete and verifies (its store files with it); every file
    under a hash name in the store holds exactly that hash; anything else is a hidden temp."""
    for path in (data / "backups").iterdir():
        if path.name.startswith(backups.TEMP_PREFIX):
            continue
        assert backups.NAME_RE.match(path.name) or path.name == backups.STORE_DIR, path.name
        if path.suffix == ".zip":
            assert backups.verify_backup(path) == [], f"{path.name} is a broken backup under a final name"
    store = backups.Store(data / "backups")
    for name in store.names():
        assert hashlib.sha256(store.path(name).read_bytes()).hexdigest() == name[3:67], f"half file {name}"
    if store.root.is_dir():
        for folder in store.root.iterdir():
            assert folder.name.startswith(backups.TEMP_PREFIX) or (folder.is_dir() and len(folder.name) == 2), folder


def assert_files_exactly_referenced(data: Path) -> None:
    assert stored(data) == referenced(data)
    ws = open_workspace(DataDir(data), daily_backup=False)
    try:
        with ws.read() as session:
            report = check(session, ws.files)  # every attachment's SHA-256 against its name
        assert report.ok, report.problems
    finally:
        ws.close()


# ---------------------------------------------------------------------------------------------
# Restore killed


def restore_trial(scene: Scene, tmp: Path, label: str, point: str = "-",
                  delay: float | None = None) -> tuple[str, str]:
    """(how the child ended: killed/completed, the data after the next start: old/restored/old→restored)."""
    data = tmp / label
    clone(scene.old, data)
    outcome = finish(start_child("restore", data, scene.zip, point), delay, point)
    states = {scene.fp_old: "old", scene.fp_restored: "restored"}
    right_after = fingerprint(data)  # what a reader sees before anything repairs it
    assert right_after in states, f"{label}: neither all old nor all restored"
    assert_no_half_backup(data)
    note = backups.finish_interrupted_restore(DataDir(data))  # what the next start does
    after = fingerprint(data)
    assert after in states, f"{label}: neither all old nor all restored after the next start"
    assert not (data / backups.MARKER).exists()
    assert not list(data.glob(f"{backups.TEMP_PREFIX}restore*"))
    assert_files_exactly_referenced(data)
    if outcome == "completed":
        assert after == scene.fp_restored and note is None
    TALLY["restore"].append((label, kind_of(point, delay), f"{outcome}, {states[right_after]} → {states[after]}"))
    return outcome, states[after] if states[right_after] == states[after] else f"{states[right_after]}→{states[after]}"


def test_restore_completes(scene, tmp_path) -> None:
    assert restore_trial(scene, tmp_path, "complete") == ("completed", "restored")


@pytest.mark.parametrize("point", STAGE_KILLS)
def test_restore_killed_at_each_step(scene, tmp_path, point) -> None:
    outcome, result = restore_trial(scene, tmp_path, point, point)
    assert outcome == "killed"  # at that point (finish checks the child said so)
    expected = {
        "restore.create_backup:1": "old", "restore._write_marker:1": "old", "restore._write_marker:2": "old",
        "restore._write_marker:3": "old→restored",  # the switch was decided: the next start finishes it
        "restore._close_old_database:1": "old→restored",
        "restore._switch_database:1": "restored", "restore._remove_file:25": "restored",
        "restore.remove_unreferenced_files:1": "restored",
    }
    assert result == expected[point]


def test_restore_killed_while_copying_files(scene, tmp_path) -> None:
    # progress: `members` verification steps, then 1 + one per copied file; die half-way through the copies.
    copies = ACTIVITIES // 3 * PHOTOS
    point = f"progress:{scene.members - 1 + 1 + copies // 2}"
    assert restore_trial(scene, tmp_path, "copying", point) == ("killed", "old")


def test_restore_killed_at_spread_moments(scene, tmp_path) -> None:
    probe = tmp_path / "probe"
    clone(scene.old, probe)
    duration = timed("restore", probe, scene.zip)
    shutil.rmtree(probe)
    trials = [restore_trial(scene, tmp_path, f"t{n}", delay=duration * (n + 0.5) / TIMED_KILLS)
              for n in range(TIMED_KILLS)]
    killed = [result for outcome, result in trials if outcome == "killed"]
    assert len(killed) >= 3, trials  # most moments fall inside the run (timing varies with the machine's load)
    assert killed.count("old") >= 1, trials  # early kills must leave the old data untouched


# ---------------------------------------------------------------------------------------------
# Backup killed


def test_backup_killed_at_spread_moments_leaves_no_half_zip(scene, tmp_path) -> None:
    data = tmp_path / "data"
    clone(scene.old, data)
    duration = timed("backup", data, None)
    shutil.rmtree(data / "backups")
    killed = 0
    for n in range(TIMED_KILLS):
        outcome = finish(start_child("backup", data, None), duration * (n + 0.5) / TIMED_KILLS)
        killed += outcome == "killed"
        assert fingerprint(data) == scene.fp_old  # a backup never changes the data
        assert_no_half_backup(data)
        TALLY["backup"].append((f"t{n}", "timed kill", outcome))
    assert killed >= 3  # most moments fall inside the run (timing varies with the machine's load)
    # The leftovers are hidden temporaries; they go once stale, and the next backup is fine.
    store = backups.Store(data / "backups").root
    for folder in (data / "backups", store):
        leftovers = [p for p in folder.iterdir() if p.name.startswith(backups.TEMP_PREFIX)]
        assert backups.clean_stale_temp_files(folder, older_than_s=0) == len(leftovers)
        assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    info = backups.create_backup(DataDir(data), "auto")
    assert backups.verify_backup(info.path) == []
    assert stored(data) == referenced(data)  # a backup never touches files/


# Kill right after these steps of a backup into the store, and of a prune of the store.
STORE_KILLS = (
    "create._store_files:1",  # every file in the store, the zip not written
    "create._flush_to_disk:1",  # the files made durable
    "create._add_member:1",  # the snapshot in the zip, the manifest not yet
    "create._fsync_file:1",  # the zip complete under its temporary name
)


@pytest.mark.parametrize("point", STORE_KILLS)
def test_backup_killed_at_each_store_step_keeps_every_backup_restorable(scene, tmp_path, point) -> None:
    data = tmp_path / "data"
    clone(scene.old, data)
    first = backups.create_backup(DataDir(data), "auto", now=datetime(2026, 1, 1, 8))
    with sqlite3.connect(data / "huiquan.sqlite3") as conn:  # ten photos the store has not seen
        conn.execute("DELETE FROM attachments WHERE id IN (SELECT id FROM attachments LIMIT 10)")
    outcome = finish(start_child("backup", data, None, point), None, point)
    assert outcome == "killed"
    TALLY["backup"].append((point, "kill point", outcome))
    assert_no_half_backup(data)
    assert backups.verify_backup(first.path) == []
    # The next backup and prune leave the store holding exactly what the kept backups need.
    info = backups.create_backup(DataDir(data), "auto")
    backups.prune_store(data / "backups", now=time.time() + 3600)
    needed = set(backups.store_users(data / "backups")[0])
    assert set(backups.Store(data / "backups").names()) == needed
    assert backups.verify_backup(info.path) == [] and backups.verify_backup(first.path) == []


@pytest.mark.parametrize("point", ("store._remove:1", "store._remove:40"))
def test_prune_killed_half_way_keeps_every_kept_backup_restorable(scene, tmp_path, point) -> None:
    data = tmp_path / "data"
    clone(scene.old, data)
    old = backups.create_backup(DataDir(data), "auto", now=datetime(2026, 1, 1, 8))
    with sqlite3.connect(data / "huiquan.sqlite3") as conn:  # most photos leave the data …
        conn.execute("DELETE FROM attachments WHERE id > 100")
    kept = backups.create_backup(DataDir(data), "auto", now=datetime(2026, 1, 2, 8))
    old.path.unlink()  # … and their only backup is rotated out
    outcome = finish(start_child("prune", data, None, point), None, point)
    assert outcome == "killed"
    assert_no_half_backup(data)
    assert backups.verify_backup(kept.path) == []
    backups.prune_store(data / "backups", now=time.time() + 3600)  # the next prune finishes the job
    assert set(backups.Store(data / "backups").names()) == set(kept.stored)


def test_backup_to_a_full_disk_leaves_nothing(scene, tmp_path) -> None:
    data = tmp_path / "data"
    clone(scene.old, data)
    usb = tmp_path / "usb"
    usb.mkdir()
    limited = ("import resource, signal, sys\n"
               "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"  # a write past the limit fails with EFBIG
               "resource.setrlimit(resource.RLIMIT_FSIZE, (4_000_000, 4_000_000))\n"
               "from huiquan_desk.cli import main\nsys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", limited, "--data-dir", str(data), "backup", "--single-file",
                             "-o", str(usb)], env=env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "备份没有完成" in result.stderr and "剩余空间" in result.stderr
    assert list(usb.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Real damage: truncated and bit-flipped database files


def truncate_half(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def flip_mid_pages(path: Path) -> None:
    conn = sqlite3.connect(path)
    pages = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name='activities' AND pagetype='leaf'")]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    raw = bytearray(path.read_bytes())
    for page in pages:
        middle = (page - 1) * size + size // 2
        raw[middle:middle + 16] = bytes(b ^ 0xFF for b in raw[middle:middle + 16])
    path.write_bytes(bytes(raw))


CORRUPTIONS = {"truncated to half": truncate_half, "bytes flipped mid-page": flip_mid_pages}


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_damaged_database_is_refused_and_replaced_from_a_good_backup(scene, tmp_path, how) -> None:
    data = tmp_path / "data"
    clone(scene.old, data)
    folder = DataDir(data)
    good = backups.create_backup(folder, "auto", now=datetime(2026, 11, 1, 8), single_file=True)  # altered below
    CORRUPTIONS[how](folder.database)
    assert backups.integrity_problems(folder.database)

    # 1. No backup is ever made of it: a damaged database would push good backups out of rotation.
    with pytest.raises(backups.DamagedDatabase):
        backups.create_backup(folder, "auto")
    assert [p.name for p in folder.backups.glob("*.zip")] == [good.path.name]

    # 2. A backup that holds it (with an honest manifest) is refused by verify and by restore.
    bad_zip = tmp_path / "bad.zip"
    raw = folder.database.read_bytes()
    with zipfile.ZipFile(good.path) as zin, zipfile.ZipFile(bad_zip, "w") as zout:
        manifest = json.loads(zin.read(backups.MANIFEST))
        manifest["members"][backups.DB_MEMBER] = {"sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}
        for info in zin.infolist():
            if info.filename not in (backups.DB_MEMBER, backups.MANIFEST):
                zout.writestr(info, zin.read(info.filename))
        zout.writestr(backups.DB_MEMBER, raw)
        zout.writestr(backups.MANIFEST, json.dumps(manifest))
    problems = backups.verify_backup(bad_zip)
    assert problems and all("数据库" in p for p in problems), problems
    with pytest.raises(StorageError, match="没有任何改动"):
        backups.restore_backup(folder, bad_zip)

    # 3. The start-up offer: the newest good backup replaces the damaged database; the damaged
    #    file itself is kept (raw) beside the backups.
    assert backups.newest_good_backup(folder) == good.path
    report = backups.restore_backup(folder, good.path)
    assert report.safety_backup is not None and report.safety_backup.name.startswith("huiquan-damaged-")
    assert (report.safety_backup / "huiquan.sqlite3").read_bytes() == raw
    assert fingerprint(data) == scene.fp_old
    assert_files_exactly_referenced(data)


# ---------------------------------------------------------------------------------------------
# The command line


def test_cli_backup_and_restore(scene, tmp_path) -> None:
    data = tmp_path / "data"
    clone(scene.old, data)
    base = [sys.executable, "-m", "huiquan_desk", "--data-dir", str(data)]
    usb = tmp_path / "usb"
    usb.mkdir()
    made = subprocess.run(base + ["backup", "-o", str(usb)], env=env(), capture_output=True, text=True, timeout=120)
    assert made.returncode == 0 and "已备份到" in made.stdout, made.stderr
    [archive] = list(usb.glob("*.zip"))
    refused = subprocess.run(base + ["restore", str(scene.zip)], env=env(), stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "确定吗" in refused.stdout and "已取消" in refused.stdout
    assert fingerprint(data) == scene.fp_old
    done = subprocess.run(base + ["restore", str(archive), "--yes"], env=env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "已从备份恢复" in done.stdout and "恢复前的数据已保存到" in done.stdout, done.stderr
    assert fingerprint(data) == scene.fp_old
    checked = subprocess.run(base + ["check"], env=env(), capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0 and "最新的备份" in checked.stdout, checked.stdout  # takes the day's backup
    newest = backups.list_backups(DataDir(data))[0].path
    raw = bytearray(newest.read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    newest.write_bytes(bytes(raw))
    broken = subprocess.run(base + ["check"], env=env(), capture_output=True, text=True, timeout=120)
    assert broken.returncode == 1 and "最新的备份" in broken.stdout and "✗" in broken.stdout


def test_zz_report(capsys) -> None:
    """One line per kind saying what the kills above did: how many runs were really killed and how
    many completed. A run with a kill point that completed fails here too (finish fails it first)."""
    from collections import Counter

    with capsys.disabled():
        for what, runs in TALLY.items():
            kinds = Counter((kind, outcome.split(",")[0]) for _label, kind, outcome in runs)
            outcomes = Counter(outcome for _label, _kind, outcome in runs)
            print(f"\n{what}: {len(runs)} runs — " + "; ".join(f"{n}× {k}: {o}" for (k, o), n in sorted(kinds.items()))
                  + " — " + "; ".join(f"{n}× {o}" for o, n in sorted(outcomes.items())))
    not_killed = [label for runs in TALLY.values() for label, kind, outcome in runs
                  if kind == "kill point" and not outcome.startswith("killed")]
    assert not_killed == [], f"kill points that never fired: {not_killed}"
