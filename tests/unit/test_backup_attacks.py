"""Backups someone else made: crafted zips and crafted databases, built here with real files.

Each attack is refused before anything changes, with a Chinese reason, and the data folder is
byte-for-byte what it was (every row of every table, every attachment hash, integrity_check).
Each verification rule has a test of its own, so none of them can quietly stop working.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import struct
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from huiquan_desk.cli import main as cli_main
from huiquan_desk.domain.errors import StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.services.backups import member_cap
from huiquan_desk.services.integrity import check
from huiquan_desk.services.recycle_bin import purge_item
from huiquan_desk.services.settings import BACKUP_MAX_MEMBER_MB, set_setting
from huiquan_desk.storage import backups
from huiquan_desk.storage.backups import DB_MEMBER, MANIFEST
from huiquan_desk.storage.models import RecycledItem
from huiquan_desk.storage.revisions import REVISIONS
from tests.backup_helpers import dump_tables, file_hashes, populate, rewrite_zip

# ---------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture
def good_backup(ws, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """A single-file backup (the files inside the zip), whose members the tests below alter; the
    store a folder's backups share has its own tests in test_backup_store.py."""
    populate(ws, tmp_path)
    return backups.create_backup(ws.data, "manual", single_file=True).path


def state(data: DataDir) -> tuple:
    """Everything a restore could change: rows, attachment files, and a passing integrity_check."""
    conn = sqlite3.connect(data.database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    return dump_tables(data.database), file_hashes(data)


def crafted(good: Path, dest: Path, sql: list[str] | None = None, database: bytes | None = None,
            manifest_update: dict | None = None) -> Path:
    """A copy of `good` whose database was changed by `sql` (or replaced by `database`), with an
    honest manifest for the new bytes: only the database inside tells what is wrong."""
    with zipfile.ZipFile(good) as zf:
        original = zf.read(DB_MEMBER)
    if database is None:
        work = dest.with_suffix(".sqlite3")
        work.write_bytes(original)
        conn = sqlite3.connect(work)
        for statement in sql or []:
            conn.execute(statement)
        conn.commit()
        conn.close()
        database = work.read_bytes()
    return rewrite_zip(good, dest, replace={DB_MEMBER: database}, manifest_update=manifest_update)


def assert_refused(ws, path: Path, *expected: str) -> list[str]:  # type: ignore[no-untyped-def]
    """verify/inspect name every expected reason; restore raises before anything changes."""
    before = state(ws.data)
    info = backups.inspect_backup(path)
    text = "\n".join(info.problems)
    assert not info.ok, text
    for word in expected:
        assert word in text, text
    ws.close()
    with pytest.raises(StorageError, match="当前数据没有任何改动"):
        backups.restore_backup(ws.data, path)
    assert state(ws.data) == before
    assert not list(ws.data.backups.glob("huiquan-pre-restore-*")), "refused before the safety backup"
    return info.problems


def central_entry(raw: bytes, member: str) -> int:
    """Offset of `member`'s central directory record in a zip file's bytes."""
    name = member.encode()
    offset = raw.find(b"PK\x01\x02")
    while offset >= 0:
        length = struct.unpack_from("<H", raw, offset + 28)[0]
        if raw[offset + 46: offset + 46 + length] == name:
            return offset
        offset = raw.find(b"PK\x01\x02", offset + 4)
    raise AssertionError(f"{member} not in the central directory")


def patch_member(path: Path, member: str, encrypted: bool = False, method: int | None = None) -> None:
    """Set the 'encrypted' flag or another compression method on a member, in both headers."""
    raw = bytearray(path.read_bytes())
    central = central_entry(bytes(raw), member)
    local = struct.unpack_from("<I", raw, central + 42)[0]
    for flag_at, method_at in ((central + 8, central + 10), (local + 6, local + 8)):
        if encrypted:
            struct.pack_into("<H", raw, flag_at, struct.unpack_from("<H", raw, flag_at)[0] | 0x1)
        if method is not None:
            struct.pack_into("<H", raw, method_at, method)
    path.write_bytes(bytes(raw))


def some_photo(path: Path) -> str:
    return next(n for n in zipfile.ZipFile(path).namelist() if n.startswith("files/"))


# ---------------------------------------------------------------------------------------------
# Databases this program did not make


def test_an_unknown_older_revision_is_refused(ws, good_backup, tmp_path) -> None:
    bogus = crafted(good_backup, tmp_path / "bogus.zip", ["UPDATE alembic_version SET version_num = '0003_bogus'"],
                    manifest_update={"revision": "0003_bogus"})
    assert_refused(ws, bogus, "0003_bogus", "不是惠泉台账的版本")


def test_a_database_without_tables_is_refused(ws, good_backup, tmp_path) -> None:
    empty = tmp_path / "empty.sqlite3"
    conn = sqlite3.connect(empty)
    conn.execute("PRAGMA user_version = 7")  # a valid SQLite file with nothing in it
    conn.commit()
    conn.close()
    zipped = crafted(good_backup, tmp_path / "empty.zip", database=empty.read_bytes(),
                     manifest_update={"revision": None, "counts": {}})
    assert_refused(ws, zipped, "没有版本信息")


@pytest.mark.parametrize("trigger", [
    # sets the community name to an attacker's text on the next write
    "CREATE TRIGGER evil AFTER INSERT ON audit_log BEGIN "
    "UPDATE settings SET value = '已被篡改' WHERE key = 'profile.name'; END",
    # makes every later write fail
    "CREATE TRIGGER evil BEFORE INSERT ON activities BEGIN SELECT load_extension('/tmp/evil.so'); END",
])
def test_a_foreign_trigger_is_refused(ws, good_backup, tmp_path, trigger) -> None:
    zipped = crafted(good_backup, tmp_path / "trigger.zip", [trigger])
    assert_refused(ws, zipped, "触发器「evil」")


@pytest.mark.parametrize(("sql", "expected"), [
    (["CREATE VIEW secret AS SELECT * FROM volunteers"], "视图「secret」"),
    (["CREATE VIRTUAL TABLE shadow USING fts5(x)"], "虚拟表「shadow」"),
    (["CREATE TABLE extra (x TEXT)"], "数据表「extra」"),
    (['CREATE TABLE "a""b" (x TEXT)', "INSERT INTO \"a\"\"b\" VALUES ('quoted')"], '数据表「a"b」'),
    (["ALTER TABLE activities ADD COLUMN evil TEXT"], "数据表「activities」的字段"),
    (["CREATE INDEX ix_evil ON activities (place)"], "索引「ix_evil」"),
    (["DROP TRIGGER audit_log_no_delete"], "缺少本程序的触发器「audit_log_no_delete」"),
    (["DROP TRIGGER audit_log_no_delete",
      "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END"],
     "触发器「audit_log_no_delete」被改动过"),
])
def test_a_database_with_a_changed_structure_is_refused(ws, good_backup, tmp_path, sql, expected) -> None:
    zipped = crafted(good_backup, tmp_path / "changed.zip", sql)
    assert_refused(ws, zipped, expected, "不是惠泉台账按它的版本创建的")


def test_a_dropped_index_is_refused(ws, good_backup, tmp_path) -> None:
    with zipfile.ZipFile(good_backup) as zf:
        (tmp_path / "probe.sqlite3").write_bytes(zf.read(DB_MEMBER))
    conn = sqlite3.connect(tmp_path / "probe.sqlite3")
    index = conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND name LIKE 'ix_%' "
                         "ORDER BY name LIMIT 1").fetchone()[0]
    conn.close()
    zipped = crafted(good_backup, tmp_path / "noindex.zip", [f'DROP INDEX "{index}"'])
    assert_refused(ws, zipped, f"缺少索引「{index}」")


def test_every_revision_of_this_program_is_accepted_as_it_was_created(tmp_path) -> None:
    """The reference is the same migrations: a database at any of our revisions matches its own."""
    from alembic import command

    from huiquan_desk.storage.engine import make_engine
    from huiquan_desk.storage.migrate import alembic_config
    from huiquan_desk.storage.schema import schema_problems

    for revision in REVISIONS:
        database = tmp_path / f"{revision}.sqlite3"
        engine = make_engine(database)
        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
        engine.dispose()
        conn = sqlite3.connect(database)
        assert schema_problems(conn) == [], revision
        conn.execute("CREATE TRIGGER t AFTER INSERT ON settings BEGIN SELECT 1; END")
        assert any("触发器「t」" in p for p in schema_problems(conn)), revision
        conn.close()


def test_refused_backup_leaves_check_working(ws, good_backup, tmp_path, capsys) -> None:
    zipped = crafted(good_backup, tmp_path / "trigger.zip", [
        "CREATE TRIGGER evil AFTER INSERT ON audit_log BEGIN UPDATE settings SET value = 'x'; END"])
    ws.close()
    assert cli_main(["--data-dir", str(ws.data.root), "restore", str(zipped), "--yes"]) == 1
    assert "触发器「evil」" in capsys.readouterr().err
    assert cli_main(["--data-dir", str(ws.data.root), "check"]) == 0
    assert "检查通过" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# Stored names are names


def test_a_bin_entry_naming_a_path_is_refused_in_a_backup(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    with ws.write() as s:
        s.add(RecycledItem(entity="activities", entity_id=99, label="被改过的回收站记录", deleted_at=datetime(2026, 11, 1),
                           payload=json.dumps({"tables": {"activities": [{"id": 99}], "attachments": [
                               {"id": 7, "sha256": "../../../../etc/passwd", "suffix": ""}]}})))
    info = backups.create_backup(ws.data, "manual")
    assert_refused(ws, info.path, "回收站第", "不是 64 位小写十六进制的校验值")


def test_a_bin_entry_naming_a_path_never_deletes_outside_the_folder(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("a file of the user's outside the data folder", encoding="utf-8")
    # files/.. /<name>: the old code joined files/<name[:2]>/<name> and so climbed out of the folder
    name = os.path.relpath(victim, ws.files.root / "..")
    assert name.startswith("..") and (ws.files.root / name[:2] / name).resolve() == victim.resolve()
    with ws.write() as s:
        item = RecycledItem(entity="activities", entity_id=98, label="越界", deleted_at=datetime(2026, 11, 1),
                            payload=json.dumps({"tables": {"activities": [{"id": 98}], "attachments": [
                                {"id": 8, "sha256": name, "suffix": ""}]}}))
        s.add(item)
        s.flush()
        bin_id = item.id
    with ws.read() as s:
        report = check(s, ws.files, data=ws.data)
    assert any("回收站第" in p and "校验值" in p for p in report.problems), report.problems
    with ws.write() as s:
        purge_item(s, bin_id, ws.files)  # 永久删除
    assert victim.is_file()
    with pytest.raises(StorageError, match="不是本程序保存的附件"):
        ws.files.path_for(name, "")


def test_an_attachment_row_naming_a_path_is_refused(ws, good_backup, tmp_path) -> None:
    zipped = crafted(good_backup, tmp_path / "row.zip",
                     ["UPDATE attachments SET sha256 = '../../evil' WHERE id = (SELECT min(id) FROM attachments)"])
    assert_refused(ws, zipped, "照片和签到表第", "不是 64 位小写十六进制的校验值")


# ---------------------------------------------------------------------------------------------
# What is shown is what the database holds


def test_the_counts_shown_come_from_the_database_inside(ws, good_backup, tmp_path) -> None:
    lying = rewrite_zip(good_backup, tmp_path / "lying.zip",
                        manifest_update={"counts": {"activities": 3, "attachments": 5, "volunteers": 60},
                                         "community": "别的社区"})
    info = backups.inspect_backup(lying)
    assert info.counts["volunteers"] == 2 and info.community == "惠泉社区"
    assert "志愿者 2 名" in info.summary() and "60" not in info.summary() and "别的社区" not in info.summary()
    assert any("记录数与备份里的数据库不一致" in p for p in info.problems)
    honest = backups.inspect_backup(good_backup)
    assert honest.ok and honest.counts["volunteers"] == 2


# ---------------------------------------------------------------------------------------------
# Bombs and members this program never writes


@pytest.fixture(scope="module")
def bomb_member(tmp_path_factory) -> Path:
    """A zip of about 1 MB whose database member inflates to 1 GiB of zeros (built once)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    info = zipfile.ZipInfo(DB_MEMBER, date_time=(2026, 11, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", compresslevel=9) as zf, zf.open(info, "w", force_zip64=True) as out:
        chunk = bytes(1 << 20)
        for _ in range(1024):
            out.write(chunk)
    assert path.stat().st_size < 2 << 20
    return path


def bomb_with_manifest(bomb: Path, dest: Path, declared: int) -> Path:
    dest.write_bytes(bomb.read_bytes())
    manifest = {"format": backups.FORMAT, "format_version": 1, "kind": "manual", "created_at": "2026-11-01T00:00:00",
                "revision": REVISIONS[-1], "community": "惠泉社区", "counts": {}, "missing": [],
                "members": {DB_MEMBER: {"sha256": hashlib.sha256(b"").hexdigest(), "size": declared}}}
    with zipfile.ZipFile(dest, "a") as zf:  # appended: the bomb itself is not recompressed
        zf.writestr(MANIFEST, json.dumps(manifest))
    return dest


@pytest.mark.parametrize("declared", [1 << 30, 2 << 20])
def test_a_zip_bomb_is_refused_before_it_is_written(ws, bomb_member, tmp_path, declared) -> None:
    """Declared honestly (1 GiB, above the cap) or as a small file (2 MB): nothing near 1 GiB is
    ever inflated or written, in the temporary folder or anywhere."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    bomb = bomb_with_manifest(bomb_member, tmp_path / "bomb.zip", declared)
    import tempfile

    saved = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    try:
        problems = assert_refused(ws, bomb, "huiquan.sqlite3")
    finally:
        tempfile.tempdir = saved
    assert any("上限" in p or "更大" in p for p in problems), problems
    assert sum(p.stat().st_size for p in scratch.rglob("*") if p.is_file()) == 0  # and it cleaned up


def test_the_member_cap_is_a_setting(ws, good_backup, tmp_path) -> None:
    photo_member = some_photo(good_backup)
    big = rewrite_zip(good_backup, tmp_path / "big.zip", replace={photo_member: os.urandom(3 << 20)})
    # the database still names the old photo's hash: the file is refused for its size first
    with ws.read() as s:
        assert member_cap(s) == backups.MAX_MEMBER_MB << 20
    with ws.write() as s:
        set_setting(s, BACKUP_MAX_MEMBER_MB, 2)
    with ws.read() as s:
        cap = member_cap(s)
    assert cap == 2 << 20
    problems = backups.verify_backup(big, cap=cap)
    assert any("超过了单个文件的上限 2.0 MB" in p and photo_member in p for p in problems), problems


@pytest.mark.parametrize(("how", "expected"), [("encrypted", "是加密的"), ("method", "不支持的压缩方式")])
def test_an_encrypted_or_foreign_member_is_refused(ws, good_backup, tmp_path, how, expected) -> None:
    zipped = tmp_path / f"{how}.zip"
    zipped.write_bytes(good_backup.read_bytes())
    patch_member(zipped, some_photo(zipped), encrypted=how == "encrypted", method=99 if how == "method" else None)
    assert_refused(ws, zipped, expected)


def test_an_encrypted_zip_newest_in_the_backup_folder(ws, good_backup, tmp_path, capsys) -> None:
    newest = ws.data.backups / "huiquan-manual-20991231-235959.zip"
    newest.write_bytes(good_backup.read_bytes())
    patch_member(newest, MANIFEST, encrypted=True)
    assert backups.newest_good_backup(ws.data) == good_backup  # the start-up offer skips it
    info = backups.read_backup_info(newest)
    assert info.ok is False and "加密" in info.problems[0]
    ws.close()
    assert cli_main(["--data-dir", str(ws.data.root), "check"]) == 1
    out = capsys.readouterr().out
    assert newest.name in out and "加密" in out


# ---------------------------------------------------------------------------------------------
# Every verification rule, one by one


def test_rule_duplicate_member_names(good_backup, tmp_path) -> None:
    member = some_photo(good_backup)
    dup = tmp_path / "dup.zip"
    dup.write_bytes(good_backup.read_bytes())
    with zipfile.ZipFile(good_backup) as zf:
        content = zf.read(member)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(dup, "a") as zf:
        zf.writestr(member, content)
    assert "备份里有重复的文件名，备份已损坏。" in backups.verify_backup(dup)


def test_rule_names_outside_files(good_backup, tmp_path) -> None:
    evil = b"#!/bin/sh\n"
    outside = rewrite_zip(good_backup, tmp_path / "outside.zip", replace={"../evil.sh": evil})
    assert any("不允许的文件名 ../evil.sh" in p for p in backups.verify_backup(outside))
    nested = rewrite_zip(good_backup, tmp_path / "nested.zip", replace={"files/ab/cd/x": evil})
    assert any("不允许的文件名 files/ab/cd/x" in p for p in backups.verify_backup(nested))


def test_rule_no_database(good_backup, tmp_path) -> None:
    with zipfile.ZipFile(good_backup) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    del manifest["members"][DB_MEMBER]
    none = rewrite_zip(good_backup, tmp_path / "nodb.zip", replace={DB_MEMBER: None}, fix_manifest=False,
                       manifest_update={"members": manifest["members"]})
    assert "备份里没有数据库 huiquan.sqlite3" in backups.verify_backup(none)


def test_rule_misplaced_file(good_backup, tmp_path) -> None:
    member = some_photo(good_backup)
    sha = member.split("/")[2][:64]
    wrong = f"files/{'00' if sha[:2] != '00' else '11'}/{member.split('/')[2]}"
    with zipfile.ZipFile(good_backup) as zf:
        content = zf.read(member)
    moved = rewrite_zip(good_backup, tmp_path / "moved.zip", replace={member: None, wrong: content})
    problems = backups.verify_backup(moved)
    assert f"备份里的 {wrong} 放错了位置" in problems


def test_rule_revision_mismatch(good_backup, tmp_path) -> None:
    other = rewrite_zip(good_backup, tmp_path / "rev.zip", manifest_update={"revision": REVISIONS[-2]})
    assert "备份说明里的数据库版本与备份里的数据库不一致，备份已损坏。" in backups.verify_backup(other)


def test_rule_referenced_attachment_missing(good_backup, tmp_path) -> None:
    member = some_photo(good_backup)
    with zipfile.ZipFile(good_backup) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    del manifest["members"][member]
    dropped = rewrite_zip(good_backup, tmp_path / "dropped.zip", replace={member: None}, fix_manifest=False,
                          manifest_update={"members": manifest["members"]})
    sha = member.split("/")[2][:64]
    assert any(p.startswith(f"备份缺少数据库引用的附件 {sha[:12]}") for p in backups.verify_backup(dropped))


def test_rule_same_size_altered_photo(good_backup, tmp_path) -> None:
    """Only the SHA-256 can tell: same size, valid zip, manifest untouched."""
    member = some_photo(good_backup)
    with zipfile.ZipFile(good_backup) as zf:
        content = bytearray(zf.read(member))
    content[len(content) // 2] ^= 0xFF
    altered = rewrite_zip(good_backup, tmp_path / "same.zip", replace={member: bytes(content)}, fix_manifest=False)
    with zipfile.ZipFile(altered) as zf:
        assert zf.getinfo(member).file_size == len(content)
    assert f"备份里的 {member} 已被改动或损坏（SHA-256 校验值不符）" in backups.verify_backup(altered)


# ---------------------------------------------------------------------------------------------
# The backup changes while it is being restored


def swap_after_verification(path: Path, replacement: bytes | None = None, flip: str | None = None):  # type: ignore[no-untyped-def]
    """A progress callback that changes the backup file the moment verification has finished."""
    seen = {"swapped": False}

    def progress(done: int, total: int) -> None:
        if not seen["swapped"] and done == total:
            seen["swapped"] = True
            if replacement is not None:
                tmp = path.with_name(path.name + ".new")
                tmp.write_bytes(replacement)
                os.replace(tmp, path)  # another copy lands under the same name
            else:
                with zipfile.ZipFile(path) as zf:
                    info = zf.getinfo(flip)
                raw = bytearray(path.read_bytes())
                start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
                raw[start + info.compress_size // 2] ^= 0x01
                path.write_bytes(bytes(raw))  # the stick flips a bit in place

    return progress, seen


def test_restore_stops_when_the_database_changes_under_it(ws, good_backup, tmp_path) -> None:
    before = state(ws.data)
    target = tmp_path / "usb.zip"
    target.write_bytes(good_backup.read_bytes())
    other = crafted(good_backup, tmp_path / "other.zip", ["UPDATE settings SET value = '别的社区' "
                                                          "WHERE key = 'profile.name'"])
    progress, seen = swap_after_verification(target, other.read_bytes())
    ws.close()
    with pytest.raises(StorageError, match="恢复过程中发生了变化（数据库校验值不符）"):
        backups.restore_backup(ws.data, target, progress=progress)
    assert seen["swapped"]
    assert state(ws.data) == before
    assert not (ws.data.root / backups.MARKER).exists()


@pytest.mark.parametrize("change", ["photo", "flipped"])
def test_restore_stops_when_a_photo_changes_under_it(good_backup, tmp_path, change) -> None:
    """Restored into an empty folder, so that every photo has to be copied out of the zip."""
    target = tmp_path / "usb.zip"
    target.write_bytes(good_backup.read_bytes())
    photo_member = sorted(n for n in zipfile.ZipFile(good_backup).namelist() if n.startswith("files/"))[-1]
    if change == "photo":
        other = rewrite_zip(good_backup, tmp_path / "other.zip", replace={photo_member: b"another photo"})
        progress, seen = swap_after_verification(target, other.read_bytes())
        expected = f"{photo_member} 校验值不符"
    else:
        progress, seen = swap_after_verification(target, flip=photo_member)
        expected = f"{photo_member} 无法读取"
    fresh = DataDir(tmp_path / "fresh")
    with pytest.raises(StorageError, match="恢复过程中发生了变化") as caught:
        backups.restore_backup(fresh, target, progress=progress)
    assert seen["swapped"] and expected in str(caught.value)
    assert not fresh.database.exists() and not (fresh.root / backups.MARKER).exists()
    assert not [p for p in fresh.files.rglob("*") if p.is_file()]  # the photos copied so far are taken away
    assert not list(fresh.root.glob(f"{backups.TEMP_PREFIX}*"))
