"""Backups that share a content-addressed store: each photo stored once across backups, pruning
that never takes what a kept or running backup needs, USB folders with the same layout, the
single-file zip for sending, and damage in the store found and named (real files throughout)."""

from __future__ import annotations

import os
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from huiquan_desk.domain.errors import StorageError
from huiquan_desk.services import activities
from huiquan_desk.services.backups import back_up
from huiquan_desk.services.integrity import check
from huiquan_desk.services.workspace import open_workspace
from huiquan_desk.storage import backups
from huiquan_desk.storage.backups import STORE_DIR, Rotation, Store
from huiquan_desk.storage.backups.store import SourceDamaged, store_name
from tests.backup_helpers import dump_tables, file_hashes, photo, populate
from tests.helpers import draft

LATER = time.time() + 3600  # a prune "an hour later": nothing is touched recently any more


def store_files(folder: Path) -> set[str]:
    return set(Store(folder).names())


def add_photos(ws, tmp_path: Path, count: int, title: str = "新活动") -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        return activities.create_activity(s, draft(s, title=title), ws.files,
                                          [photo(tmp_path, f"{title}{n}.jpg", f"#{(n * 37 + 11) % 256:02x}{(n * 91 + 7) % 256:02x}c4")
                                           for n in range(count)])


def test_each_photo_is_stored_once_and_a_second_backup_copies_only_what_is_new(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    first = backups.create_backup(ws.data, "manual")
    with zipfile.ZipFile(first.path) as zf:
        assert set(zf.namelist()) == {backups.MANIFEST, backups.DB_MEMBER}  # the photos are not in the zip
    photos = {str(p.relative_to(ws.data.files)) for p in ws.data.files.rglob("*") if p.is_file()}
    assert set(first.stored) == photos == store_files(ws.data.backups)
    assert first.in_store and first.files == len(photos) == 5

    add_photos(ws, tmp_path, 2)
    second = backups.create_backup(ws.data, "manual")
    new_bytes = sum((ws.data.files / name).stat().st_size for name in set(second.stored) - set(first.stored))
    database = zipfile.ZipFile(second.path).getinfo(backups.DB_MEMBER).file_size
    assert len(set(second.stored) - set(first.stored)) == 2
    assert second.copied == new_bytes + database  # two photos and the snapshot, nothing else
    assert len(store_files(ws.data.backups)) == 7
    for info in (first, second):
        assert backups.verify_backup(info.path) == []


def test_restore_from_the_store_brings_every_row_and_file_back(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    ws.close()
    rows, files = dump_tables(ws.data.database), file_hashes(ws.data)
    ws = open_workspace(ws.data, daily_backup=False)
    info = backups.create_backup(ws.data, "manual")
    add_photos(ws, tmp_path, 1, "备份之后")
    for path in list(ws.data.files.rglob("*.jpg"))[:3]:
        path.unlink()  # lost since the backup
    report = backups.restore_backup(ws.data, info.path, engine_to_close=ws.engine)
    assert report.files_added == 3 - 1 + 1 or report.files_added >= 2
    assert file_hashes(ws.data) == files
    after = dump_tables(ws.data.database)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in rows.items() if k != "audit_log"}


def test_an_old_single_zip_still_verifies_and_restores(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    single = backups.create_backup(ws.data, "manual", dest=tmp_path / "发给街道.zip")  # a file name: one zip
    with zipfile.ZipFile(single.path) as zf:
        assert sum(n.startswith("files/") for n in zf.namelist()) == 5
    assert not single.in_store and not (tmp_path / STORE_DIR).exists()
    files = file_hashes(ws.data)
    for path in ws.data.files.rglob("*.jpg"):
        path.unlink()
    ws.close()
    report = backups.restore_backup(ws.data, single.path)
    assert report.files_added == 5 and file_hashes(ws.data) == files


def test_a_damaged_store_file_is_named_with_the_backups_that_need_it(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    first = backups.create_backup(ws.data, "auto", now=datetime(2026, 11, 1, 8))
    second = backups.create_backup(ws.data, "auto", now=datetime(2026, 11, 2, 8))
    name = sorted(first.stored)[0]
    path = Store(ws.data.backups).path(name)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01  # one bit, same size
    path.write_bytes(bytes(raw))
    problems = backups.verify_backup(second.path)
    assert any(name[3:15] in p and "校验值不符" in p for p in problems)
    with ws.read() as s:
        report = check(s, ws.files, data=ws.data)
    line = next(p for p in report.problems if name[3:15] in p and "需要它的备份" in p)
    assert first.path.name in line and second.path.name in line and "校验值不符" in line
    ws.close()
    before = (dump_tables(ws.data.database), file_hashes(ws.data))
    with pytest.raises(StorageError, match="没有任何改动"):
        backups.restore_backup(ws.data, second.path)
    assert (dump_tables(ws.data.database), file_hashes(ws.data)) == before

    path.unlink()  # missing now
    assert any(name[3:15] in p and "缺失" in p for p in backups.verify_backup(first.path))


def test_a_zip_copied_without_its_store_says_to_copy_the_folder(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    info = backups.create_backup(ws.data, "manual")
    alone = tmp_path / "只拷了zip"
    alone.mkdir()
    copy = alone / info.path.name
    copy.write_bytes(info.path.read_bytes())
    problems = backups.verify_backup(copy)
    assert len(problems) == 1 and f"请把备份文件和 {STORE_DIR} 文件夹一起复制" in problems[0]


def test_rotation_prunes_what_no_kept_backup_needs_and_nothing_else(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    old = backups.create_backup(ws.data, "auto", now=datetime(2026, 1, 5, 8))
    with ws.write() as s:
        activities.delete_activities(s, [1])
    from huiquan_desk.services.recycle_bin import empty_bin

    with ws.write() as s:
        empty_bin(s, ws.files)  # the photos of 活动0 are gone from the data: only `old` needs them
    gone = set(old.stored) - {str(p.relative_to(ws.data.files)) for p in ws.data.files.rglob("*") if p.is_file()}
    assert len(gone) == 2
    kept = backups.create_backup(ws.data, "auto", now=datetime(2026, 11, 2, 8))
    mine = ws.data.backups / "我的笔记.txt"
    mine.write_text("用户自己的文件")
    foreign = Store(ws.data.backups).root / "ab" / "README.txt"
    foreign.parent.mkdir(exist_ok=True)
    foreign.write_text("not a store name")

    backups.prune_backups(ws.data, Rotation(daily=1, weekly=0, monthly=0))  # keeps only the newest
    assert not old.path.exists() and kept.path.exists()
    # Pruned right after the backups: files touched in the last seconds are spared …
    assert gone <= store_files(ws.data.backups)
    removed = backups.prune_store(ws.data.backups, now=LATER)  # … and go once nothing may need them
    assert set(removed) == gone and store_files(ws.data.backups) == set(kept.stored)
    assert mine.exists() and foreign.exists()
    assert backups.verify_backup(kept.path) == []


def test_a_prune_racing_a_backup_spares_what_the_backup_took(ws, tmp_path) -> None:
    """A file that only a deleted backup listed is taken again by a backup still running: the prune
    must leave it, and the backup, once registered, verifies."""
    populate(ws, tmp_path)
    first = backups.create_backup(ws.data, "manual")
    first.path.unlink()  # nothing lists the store's files now
    store = Store(ws.data.backups)
    long_ago = time.time() - 86400
    for name in store.names():
        os.utime(store.path(name), (long_ago, long_ago))

    pruned: list[list[str]] = []
    taken: list[str] = []
    real_put = Store.put

    def put_then_prune(self, source, sha, suffix):  # type: ignore[no-untyped-def]
        copied = real_put(self, source, sha, suffix)
        taken.append(store_name(sha, suffix))
        if len(taken) == 2:  # a prune runs (another process) while the backup is taking its files
            pruned.append(backups.prune_store(ws.data.backups, now=LATER))
        return copied

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Store, "put", put_then_prune)
        second = backups.create_backup(ws.data, "manual")
    # What the backup had taken (touched since its lease began) is spared; what it had not taken
    # yet was unneeded then and went, and the backup copied it again when it came to it.
    assert len(pruned[0]) == 3 and not set(taken[:2]) & set(pruned[0])
    assert store_files(ws.data.backups) == set(second.stored)
    assert backups.verify_backup(second.path) == []


def test_a_file_a_racing_prune_removed_is_copied_again_before_the_backup_is_registered(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    store = Store(ws.data.backups)
    real_put = Store.put
    victims: list[str] = []

    def put_then_lose(self, source, sha, suffix):  # type: ignore[no-untyped-def]
        copied = real_put(self, source, sha, suffix)
        if not victims:  # the first file vanishes right after it was taken (a prune without a lease)
            victims.append(store_name(sha, suffix))
            self.path(victims[0]).unlink()
        return copied

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Store, "put", put_then_lose)
        info = backups.create_backup(ws.data, "manual")
    assert store.path(victims[0]).is_file() and backups.verify_backup(info.path) == []


def test_a_stale_lease_of_a_killed_backup_stops_protecting(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    info = backups.create_backup(ws.data, "manual")
    info.path.unlink()
    store = Store(ws.data.backups)
    lease = store.root / f"{backups.TEMP_PREFIX}lease-dead-1234-abcd"
    lease.write_text(f"{time.time() - 7200:.3f}")
    os.utime(lease, (time.time() - 7200, time.time() - 7200))
    assert len(backups.prune_store(ws.data.backups, now=LATER)) == 5
    assert not lease.exists()


def test_damaged_attachment_never_enters_the_store_under_its_name(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    victim = next(ws.data.files.rglob("*.jpg"))
    victim.write_bytes(b"overwritten")  # its name no longer is its hash
    info = backups.create_backup(ws.data, "manual")
    assert info.missing == [victim.name]
    assert not Store(ws.data.backups).path(f"{victim.name[:2]}/{victim.name}").exists()
    assert backups.verify_backup(info.path) == []  # honest about it
    with pytest.raises(SourceDamaged):
        Store(tmp_path / "s").put(victim, victim.name[:64], victim.name[64:])
    assert not list((tmp_path / "s" / STORE_DIR).rglob("*.jpg"))


def test_usb_folder_second_backup_copies_only_the_new_and_single_file_is_one_zip(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    usb = tmp_path / "U盘"
    usb.mkdir()
    first = back_up(ws, usb)
    assert first.path.parent == usb and store_files(usb) == set(first.stored)
    add_photos(ws, tmp_path, 1)
    second = back_up(ws, usb)
    assert len(set(second.stored) - set(first.stored)) == 1
    assert second.copied < first.copied
    single = back_up(ws, usb, single_file=True)
    with zipfile.ZipFile(single.path) as zf:
        assert sum(n.startswith("files/") for n in zf.namelist()) == 6 and not single.in_store
    for info in (first, second, single):
        assert backups.verify_backup(info.path) == []
    # The stick's backups restore like any other.
    ws.close()
    report = backups.restore_backup(ws.data, first.path)
    assert report.backup.counts["activities"] == 3


def test_a_refused_audit_entry_leaves_no_zip_and_its_new_files_are_pruned(ws, tmp_path) -> None:
    populate(ws, tmp_path)

    def refuse(_info):  # type: ignore[no-untyped-def]
        raise StorageError("操作日志无法写入")

    with pytest.raises(StorageError):
        backups.create_backup(ws.data, "manual", before_publish=refuse)
    assert not list(ws.data.backups.glob("*.zip")) and len(store_files(ws.data.backups)) == 5
    assert len(backups.prune_store(ws.data.backups, now=LATER)) == 5


def test_daily_backups_share_the_store(ws, tmp_path) -> None:
    populate(ws, tmp_path)
    for day in range(1, 4):
        backups.backup_if_due(ws.data, today=date(2026, 11, day))
    zips = list(ws.data.backups.glob("huiquan-auto-*.zip"))
    assert len(zips) == 3 and len(store_files(ws.data.backups)) == 5
    assert all(backups.verify_backup(z) == [] for z in zips)
