"""Backups and restore on real files and a real SQLite database: round trip row by row and file
by file, rotation that never touches a user's zip, verification that catches every damage."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from huiquan_desk.domain.errors import StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.services import activities
from huiquan_desk.services import backups as backup_service
from huiquan_desk.services.settings import BACKUP_ROTATION, CommunityProfile, save_profile, set_setting
from huiquan_desk.services.workspace import open_workspace
from huiquan_desk.storage import backups
from huiquan_desk.storage.backups import Rotation
from huiquan_desk.storage.migrate import HEAD_REVISION, alembic_config
from huiquan_desk.storage.models import RecycledItem
from tests.backup_helpers import (
    dump_tables,
    fake_backup,
    file_hashes,
    flip_member_byte,
    photo,
    populate,
    rewrite_zip,
)
from tests.helpers import draft
from tests.volunteer_helpers import add_volunteer

# ---------------------------------------------------------------------------------------------
# Backup and verify


def test_backup_verifies_and_describes_itself(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    info = backups.create_backup(ws.data, "manual")
    assert info.path.parent == ws.data.backups and backups.NAME_RE.match(info.path.name)
    assert backups.verify_backup(info.path) == []
    assert info.community == "惠泉社区" and info.revision == HEAD_REVISION and info.kind == "manual"
    assert info.counts["activities"] == 3 and info.counts["attachments"] == 5 and info.counts["volunteers"] == 2
    assert info.files == 5 and not info.missing
    with zipfile.ZipFile(info.path) as zf:
        kinds = {i.filename: i.compress_type for i in zf.infolist()}
    assert kinds["huiquan.sqlite3"] == zipfile.ZIP_DEFLATED
    assert all(kinds[n] == zipfile.ZIP_STORED for n in kinds if n.startswith("files/"))
    assert "活动" in info.summary() and "惠泉社区" in info.summary()
    assert not [p for p in ws.data.backups.iterdir() if p.name.startswith(".")]  # no temporary left


def test_backup_to_a_folder_or_file_elsewhere(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    in_folder = backups.create_backup(ws.data, "manual", dest=usb)
    named = backups.create_backup(ws.data, "manual", dest=usb / "给街道的备份")
    assert in_folder.path.parent == usb and named.path == usb / "给街道的备份.zip"
    assert backups.verify_backup(in_folder.path) == [] and backups.verify_backup(named.path) == []
    with pytest.raises(StorageError, match="不存在"):
        backups.create_backup(ws.data, "manual", dest=tmp_path / "没有这个文件夹" / "x.zip")


def test_recycle_bin_attachments_travel_with_the_backup(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    binned = ws.files.add_bytes(b"photo of a deleted activity", ".jpg")
    bare = ws.files.add_bytes(b"a sign-in sheet the payload names without a suffix", ".pdf")
    orphan = ws.files.add_bytes(b"nobody refers to me", ".png")
    with ws.write() as s:
        s.add(RecycledItem(entity="activities", entity_id=99, label="已删除的活动", deleted_at=datetime(2026, 11, 1),
                           payload=json.dumps({"tables": {"activities": [{"id": 99}], "attachments": [
                               {"id": 7, "sha256": binned.sha256, "suffix": ".jpg"}]}})))
        s.add(RecycledItem(entity="activities", entity_id=98, label="旧格式", deleted_at=datetime(2026, 11, 1),
                           payload=f"not json but mentions {bare.sha256}"))
    info = backups.create_backup(ws.data, "manual")
    assert f"{binned.sha256[:2]}/{binned.sha256}.jpg" in info.stored  # in the store beside the zip
    assert f"{bare.sha256[:2]}/{bare.sha256}.pdf" in info.stored
    assert f"{orphan.sha256[:2]}/{orphan.sha256}.png" not in info.stored
    assert (ws.data.backups / backups.STORE_DIR / f"{binned.sha256[:2]}/{binned.sha256}.jpg").is_file()
    single = backups.create_backup(ws.data, "manual", single_file=True)
    with zipfile.ZipFile(single.path) as zf:
        names = set(zf.namelist())
    assert f"files/{binned.sha256[:2]}/{binned.sha256}.jpg" in names
    assert f"files/{bare.sha256[:2]}/{bare.sha256}.pdf" in names
    assert f"files/{orphan.sha256[:2]}/{orphan.sha256}.png" not in names
    ws.close()
    backups.restore_backup(ws.data, info.path)
    assert ws.files.path_for(binned.sha256, ".jpg").is_file()
    assert ws.files.path_for(bare.sha256, ".pdf").is_file()
    assert not ws.files.path_for(orphan.sha256, ".png").exists()  # restore brings the snapshot's files only


def test_a_missing_attachment_is_listed_not_fatal(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    victim = next(p for p in ws.data.files.rglob("*.jpg"))
    victim.unlink()
    info = backups.create_backup(ws.data, "manual")
    assert info.missing == [victim.name]
    assert backups.verify_backup(info.path) == []  # honest about it: declared in the manifest


# ---------------------------------------------------------------------------------------------
# Restore round trip


def test_restore_round_trip_every_row_and_every_file(ws, tmp_path) -> None:
    ids = populate(ws, tmp_path)
    ws.close()  # everything committed and checkpointed: the state a backup must reproduce
    rows_before = dump_tables(ws.data.database)
    files_before = file_hashes(ws.data)
    ws = open_workspace(ws.data)
    info = backups.create_backup(ws.data, "manual")

    # Change, delete and add after the backup; leave a stray file in files/.
    with ws.write() as s:
        d = draft(s, title="改过的标题", start=datetime(2026, 10, 1, 9), end=datetime(2026, 10, 1, 11))
        activities.update_activity(s, ids[0], d, ws.files, add=[photo(tmp_path, "new.jpg", "white")])
        activities.delete_activities(s, [ids[2]])
        activities.create_activity(s, draft(s, title="备份之后的新活动"), ws.files, [photo(tmp_path, "n2.jpg", "black")])
        add_volunteer(s, "新志愿者", seq=3)
        save_profile(s, CommunityProfile(name="改名社区"))
    stray = ws.data.files / "ab" / ("ab" + "0" * 62 + ".jpg")
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"left over from something")
    gone, damaged = (ws.data.files / name for name in sorted(files_before)[:2])
    gone.unlink()  # a file of the snapshot lost since (an emptied bin, a careless hand) …
    damaged.write_bytes(b"overwritten")  # … and one damaged: restore brings both back
    assert file_hashes(ws.data) != files_before

    report = backups.restore_backup(ws.data, info.path, engine_to_close=ws.engine)  # WAL still holds writes
    ws.close()
    assert report.safety_backup is not None and report.safety_backup.name.startswith("huiquan-pre-restore-")
    assert report.files_added == 2
    assert report.files_removed >= 3 and not stray.exists()
    assert not list(ws.data.root.glob(".huiquan-tmp-*")) and not (ws.data.root / backups.MARKER).exists()

    rows_after = dump_tables(ws.data.database)
    audit_before = rows_before.pop("audit_log")
    audit_after = rows_after.pop("audit_log")
    assert rows_after == rows_before  # every row of every table
    assert audit_after[:len(audit_before)] == audit_before  # the trail at backup time, unchanged
    assert file_hashes(ws.data) == files_before  # every attachment file, byte for byte

    # The replaced data is not lost: the pre-restore backup holds it.
    assert backups.verify_backup(report.safety_backup) == []
    safety = backups.read_backup_info(report.safety_backup)
    assert safety.community == "改名社区" and safety.counts["activities"] == 3 and safety.counts["volunteers"] == 3

    # And the app opens it as usual.
    again = open_workspace(ws.data)
    try:
        with again.read() as s:
            titles = {r.title for r in activities.list_activities(s, activities.ActivityFilter())}
        assert titles == {"活动0", "活动1", "活动2"}
    finally:
        again.close()


def test_restore_refuses_a_damaged_backup_before_touching_anything(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    info = backups.create_backup(ws.data, "manual", single_file=True)
    member = next(n for n in zipfile.ZipFile(info.path).namelist() if n.startswith("files/"))
    bad = rewrite_zip(info.path, tmp_path / "bad.zip", replace={member: b"not the photo"}, fix_manifest=False)
    ws.close()
    before = (dump_tables(ws.data.database), file_hashes(ws.data), sorted(ws.data.backups.iterdir()))
    with pytest.raises(StorageError, match="没有任何改动") as caught:
        backups.restore_backup(ws.data, bad)
    assert "校验值不符" in str(caught.value)
    assert (dump_tables(ws.data.database), file_hashes(ws.data), sorted(ws.data.backups.iterdir())) == before


def test_a_backup_from_a_newer_program_is_refused(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    info = backups.create_backup(ws.data, "manual", single_file=True)
    snapshot = tmp_path / "snap.sqlite3"
    with zipfile.ZipFile(info.path) as zf:
        snapshot.write_bytes(zf.read("huiquan.sqlite3"))
    conn = sqlite3.connect(snapshot)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    newer = rewrite_zip(info.path, tmp_path / "newer.zip", replace={"huiquan.sqlite3": snapshot.read_bytes()},
                        manifest_update={"revision": "0099_from_the_future"})
    assert backups.verify_backup(newer) == []  # intact …
    inspected = backups.inspect_backup(newer)
    assert not inspected.ok and "升级" in inspected.problems[0]  # … but not for this program
    ws.close()
    with pytest.raises(StorageError, match="更新版本"):
        backups.restore_backup(ws.data, newer)
    assert not list(ws.data.backups.glob("huiquan-pre-restore-*"))  # refused before anything was done


# ---------------------------------------------------------------------------------------------
# Verification catches damage


@pytest.fixture
def good_backup(ws, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """A single-file backup (the files inside the zip), whose members the tests below alter; the
    store a folder's backups share has its own tests in test_backup_store.py."""
    populate(ws, tmp_path)
    return backups.create_backup(ws.data, "manual", single_file=True).path


def test_verify_detects_a_flipped_byte_in_a_photo(good_backup) -> None:
    member = next(n for n in zipfile.ZipFile(good_backup).namelist() if n.startswith("files/"))
    flip_member_byte(good_backup, member)
    problems = backups.verify_backup(good_backup)
    assert problems and member in problems[0]


def test_verify_detects_a_consistently_rewritten_photo(good_backup, tmp_path) -> None:
    member = next(n for n in zipfile.ZipFile(good_backup).namelist() if n.startswith("files/"))
    changed = rewrite_zip(good_backup, tmp_path / "c.zip", replace={member: b"other bytes"}, fix_manifest=False)
    assert any("校验值不符" in p and member in p for p in backups.verify_backup(changed))


def test_verify_detects_a_flipped_byte_in_the_database(good_backup) -> None:
    flip_member_byte(good_backup, "huiquan.sqlite3")
    problems = backups.verify_backup(good_backup)
    assert problems and "huiquan.sqlite3" in problems[0]


def test_verify_runs_integrity_check_on_the_database_inside(good_backup, tmp_path) -> None:
    with zipfile.ZipFile(good_backup) as zf:
        db = bytearray(zf.read("huiquan.sqlite3"))
    page = 4096
    for number in range(2, len(db) // page, 2):  # damage the start of every other page
        db[(number - 1) * page: (number - 1) * page + 8] = b"\xff" * 8
    damaged = rewrite_zip(good_backup, tmp_path / "d.zip", replace={"huiquan.sqlite3": bytes(db)})
    problems = backups.verify_backup(damaged)
    assert problems and any("数据库" in p for p in problems)


def test_verify_detects_missing_and_unexpected_members(good_backup, tmp_path) -> None:
    member = next(n for n in zipfile.ZipFile(good_backup).namelist() if n.startswith("files/"))
    missing = rewrite_zip(good_backup, tmp_path / "m.zip", replace={member: None}, fix_manifest=False)
    assert any("缺少文件" in p and member in p for p in backups.verify_backup(missing))
    extra = rewrite_zip(good_backup, tmp_path / "e.zip", extra={"files/00/evil.exe": b"MZ"})
    assert any("清单之外" in p for p in backups.verify_backup(extra))


def test_verify_detects_a_truncated_zip_and_a_foreign_zip(good_backup, tmp_path) -> None:
    raw = good_backup.read_bytes()
    truncated = tmp_path / "t.zip"
    truncated.write_bytes(raw[: len(raw) // 2])
    assert "不是完整的 zip" in backups.verify_backup(truncated)[0]
    foreign = fake_backup(tmp_path, "foreign.zip", None, datetime.now())
    assert "manifest" in backups.verify_backup(foreign)[0]
    assert "找不到" in backups.verify_backup(tmp_path / "nope.zip")[0]


# ---------------------------------------------------------------------------------------------
# Daily backups and rotation


def test_backup_if_due_takes_one_a_day(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    first = backups.backup_if_due(ws.data, today=date(2026, 11, 27))
    assert first is not None and first.path.name.startswith("huiquan-auto-20261127-")
    assert backups.backup_if_due(ws.data, today=date(2026, 11, 27)) is None
    assert backups.backup_if_due(ws.data, today=date(2026, 11, 28)) is not None
    assert len(list(ws.data.backups.glob("huiquan-auto-*.zip"))) == 2


def test_rotation_keeps_7_daily_4_weekly_12_monthly_and_never_a_users_zip(tmp_path) -> None:
    data = DataDir(tmp_path / "data")
    folder = data.backups
    day = date(2025, 6, 1)
    while day <= date(2026, 11, 28):
        when = datetime.combine(day, time(3, 0))
        fake_backup(folder, f"huiquan-auto-{when:%Y%m%d-%H%M%S}.zip", "auto", when)
        day += timedelta(days=1)
    fake_backup(folder, "huiquan-auto-20261128-150000.zip", "auto", datetime(2026, 11, 28, 15))  # 2nd that day
    for n in range(12):
        when = datetime(2026, 1, 1 + n, 8)
        fake_backup(folder, f"huiquan-pre-migration-{when:%Y%m%d-%H%M%S}.zip", "pre-migration", when)
    manual = fake_backup(folder, "huiquan-manual-20240101-000000.zip", "manual", datetime(2024, 1, 1))
    users_own = fake_backup(folder, "我的备份.zip", "auto", datetime(2020, 1, 1))  # even with our manifest
    lookalike = fake_backup(folder, "huiquan-auto-20200101-000000.zip", None, datetime(2020, 1, 1))
    wrong_kind = fake_backup(folder, "huiquan-auto-20200102-000000.zip", "manual", datetime(2020, 1, 2))
    other = folder / "notes.zip"
    other.write_bytes(b"PK\x05\x06" + b"\0" * 18)

    removed = backups.prune_backups(data, Rotation(7, 4, 12))

    kept_auto = sorted(p.name[13:21] for p in folder.glob("huiquan-auto-2025*.zip")) + sorted(
        p.name[13:28] for p in folder.glob("huiquan-auto-2026*.zip"))
    expected_days = ["20251231",  # monthly: the newest of each of the last 12 months …
                     "20260131-030000", "20260228-030000", "20260331-030000", "20260430-030000",
                     "20260531-030000", "20260630-030000", "20260731-030000", "20260831-030000",
                     "20260930-030000", "20261031-030000",
                     "20261108-030000", "20261115-030000",  # weekly: the newest of each ISO week
                     "20261122-030000", "20261123-030000", "20261124-030000", "20261125-030000",  # daily
                     "20261126-030000", "20261127-030000", "20261128-150000"]
    assert kept_auto == expected_days
    assert (folder / "huiquan-auto-20261128-030000.zip") in removed  # same day, older of the two
    assert sorted(p.name for p in folder.glob("huiquan-pre-migration-*.zip"))[0] == "huiquan-pre-migration-20260103-080000.zip"
    assert len(list(folder.glob("huiquan-pre-migration-*.zip"))) == 10
    for untouchable in (manual, users_own, lookalike, wrong_kind, other):
        assert untouchable.exists(), untouchable.name
    assert all(backups.NAME_RE.match(p.name) for p in removed)


def test_rotation_reads_the_setting(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    with ws.write() as s:
        set_setting(s, BACKUP_ROTATION, "2/0/0")
    with ws.read() as s:
        assert backup_service.rotation(s) == Rotation(2, 0, 0)
    for day in (20, 21, 22, 23):
        assert backup_service.daily_backup(ws, today=date(2026, 11, day)) is not None
    assert sorted(p.name[13:21] for p in ws.data.backups.glob("huiquan-auto-*.zip")) == ["20261122", "20261123"]
    assert Rotation.parse("nonsense") == Rotation() and Rotation.parse("1/-2/3") == Rotation()


def test_list_and_newest_good_backup(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    older = backups.create_backup(ws.data, "auto", now=datetime(2026, 11, 1, 8))
    newer = backups.create_backup(ws.data, "auto", now=datetime(2026, 11, 2, 8))
    flip_member_byte(newer.path, "huiquan.sqlite3")
    listed = backups.list_backups(ws.data)
    assert [i.path for i in listed] == [newer.path, older.path]
    assert backups.newest_good_backup(ws.data) == older.path


# ---------------------------------------------------------------------------------------------
# Schema revisions


def old_database(data: DataDir, revision: str = "0001_initial") -> None:
    from alembic import command

    from huiquan_desk.storage.engine import make_engine

    data.ensure()
    engine = make_engine(data.database)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO settings (key, value) VALUES ('profile.name', '老社区')")
    engine.dispose()


def test_pre_migration_backup_and_an_older_backup_restores(tmp_path) -> None:
    data = DataDir(tmp_path / "data")
    old_database(data)
    ws = open_workspace(data)
    ws.close()
    pre = list(data.backups.glob("huiquan-pre-migration-*.zip"))
    assert len(pre) == 1 and backups.verify_backup(pre[0]) == []
    info = backups.read_backup_info(pre[0])
    assert info.revision == "0001_initial" and info.community == "老社区"

    # Restoring that older backup works; the next open migrates it again (with its own backup).
    report = backups.restore_backup(data, pre[0])
    assert report.safety_backup is not None
    conn = sqlite3.connect(data.database)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_initial"
    conn.close()
    ws = open_workspace(data)
    try:
        with ws.read() as s:
            assert s.execute(__import__("sqlalchemy").text("SELECT value FROM settings WHERE key='profile.name'")
                             ).scalar() == "老社区"
    finally:
        ws.close()
    assert len(list(data.backups.glob("huiquan-pre-migration-*.zip"))) == 2


def test_new_database_gets_no_backup_and_a_daily_one_is_cheap_to_skip(tmp_path) -> None:
    data = DataDir(tmp_path / "data")
    open_workspace(data).close()
    assert list(data.backups.iterdir()) == []  # brand new: nothing to keep
    open_workspace(data).close()  # second start: the day's backup
    assert len(list(data.backups.glob("huiquan-auto-*.zip"))) == 1
    open_workspace(data).close()
    assert len(list(data.backups.glob("huiquan-auto-*.zip"))) == 1


def test_check_covers_backups(ws, tmp_path) -> None:
    from huiquan_desk.services.integrity import check

    populate(ws, tmp_path)
    with ws.read() as s:
        report = check(s, ws.files, data=ws.data)
    assert report.ok and any("还没有备份" in n for n in report.notes)
    backups.create_backup(ws.data, "auto", now=datetime(2026, 11, 1, 8))
    newest = backups.create_backup(ws.data, "auto", now=datetime(2026, 11, 2, 8))
    with ws.read() as s:
        report = check(s, ws.files, data=ws.data)
    assert report.ok and any("共有 2 个备份" in n for n in report.notes)
    flip_member_byte(newest.path, "huiquan.sqlite3")
    with ws.read() as s:
        report = check(s, ws.files, data=ws.data)
    assert not report.ok and newest.path.name in report.problems[0]


def test_a_heic_photos_jpeg_rendition_lives_and_dies_with_its_original(ws, tmp_path) -> None:
    """Restore, emptying the bin and purging keep a rendition while its original is kept, and take
    it away with the original (it shows the same face)."""
    import pillow_heif
    from PIL import Image

    from huiquan_desk.domain.activity import NewAttachment
    from huiquan_desk.services.recycle_bin import empty_bin, list_bin, purge_item

    pillow_heif.register_heif_opener()
    heic = tmp_path / "src" / "iphone.heic"
    heic.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (320, 240), "teal").save(heic, format="HEIF")
    with ws.write() as s:
        kept_id = activities.create_activity(s, draft(s, title="留着的活动"), ws.files, [NewAttachment(str(heic))])
        other = tmp_path / "src" / "other.heic"
        Image.new("RGB", (200, 300), "olive").save(other, format="HEIF")
        gone_id = activities.create_activity(s, draft(s, title="要删的活动", start=datetime(2026, 10, 19, 9),
                                                      end=datetime(2026, 10, 19, 11)),
                                             ws.files, [NewAttachment(str(other))])
    renditions = sorted(ws.data.files.rglob("*.rendition.jpg"))
    assert len(renditions) == 2
    info = backups.create_backup(ws.data, "manual")
    ws.close()
    backups.restore_backup(ws.data, info.path)
    assert sorted(ws.data.files.rglob("*.rendition.jpg")) == renditions  # a restore keeps them
    reopened = open_workspace(ws.data, daily_backup=False)
    try:
        with reopened.write() as s:
            activities.delete_activities(s, [gone_id])
        with reopened.write() as s:
            bin_id = list_bin(s)[0].id
            purge_item(s, bin_id, reopened.files)
        left = sorted(reopened.data.files.rglob("*.rendition.jpg"))
        assert len(left) == 1 and left[0] in renditions  # the purged one went with its original
        with reopened.write() as s:
            empty_bin(s, reopened.files)
        assert sorted(reopened.data.files.rglob("*.rendition.jpg")) == left  # still needed by 留着的活动
        with reopened.read() as s:
            assert activities.get_activity(s, kept_id, reopened.files).row.title == "留着的活动"
    finally:
        reopened.close()
