"""Before/after photos of a rectification: add, list, caption, remove to the bin and restore;
hostile files refused; frozen once verified; deleting a rectification with its photos; the files
kept by backups and by emptying the bin (storage.files.FILE_TABLES)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.services import rectification_photos as rp
from huiquan_desk.services import rectifications as rs
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.rectification_photos import NewRectificationPhoto
from huiquan_desk.services.rectifications import RectificationDraft
from huiquan_desk.storage import backups
from huiquan_desk.storage.files import sha256_of
from tests.helpers import make_image


def make(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        return rs.create_rectification(s, RectificationDraft(
            "3栋楼道堆放杂物", date(2026, 3, 1), "暗访", responsible="王堃", deadline=date(2026, 3, 15)))


def photo_with_time(path: Path, when: datetime, color: str = "navy") -> Path:
    exif = Image.Exif()
    exif[0x0132] = when.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
    Image.new("RGB", (80, 60), color).save(path, "JPEG", exif=exif)
    return path


def test_add_list_caption_and_counts(ws, tmp_path) -> None:
    rid = make(ws)
    before = photo_with_time(tmp_path / "楼道-整改前.jpg", datetime(2026, 3, 1, 9, 30))
    after = make_image(tmp_path / "楼道-整改后.png", "green")
    with ws.write() as s:
        rp.add_photos(s, rid, [NewRectificationPhoto(str(after), "整改后", "清理后"),
                               NewRectificationPhoto(str(before), "before", "堆放的纸箱")], ws.files)
    with ws.read() as s:
        photos = rp.list_photos(s, rid, ws.files)
        assert [(p.stage_label, p.caption, p.original_name) for p in photos] == [
            ("整改前", "堆放的纸箱", "楼道-整改前.jpg"), ("整改后", "清理后", "楼道-整改后.png")]
        assert photos[0].taken_at == datetime(2026, 3, 1, 9, 30) and photos[1].taken_at is None
        assert photos[0].path.is_file() and sha256_of(photos[0].path) == sha256_of(before)
        assert [p.id for p in rp.list_photos(s, rid, ws.files, "after")] == [photos[1].id]
        assert rp.photo_counts(s) == {rid: (1, 1)}
        assert not rp.missing_after_photo(s, rid)
        viewer = photos[0].as_attachment()
        assert viewer.caption.title == "堆放的纸箱" and viewer.path == photos[0].path
    with ws.write() as s:
        rp.set_caption(s, photos[1].id, "  楼道清理干净  ")
    with ws.read() as s:
        assert rp.list_photos(s, rid, ws.files, "整改后")[0].caption == "楼道清理干净"


def test_remove_to_the_bin_and_restore(ws, tmp_path) -> None:
    rid = make(ws)
    path = make_image(tmp_path / "after.jpg", "green")
    with ws.write() as s:
        [photo_id] = rp.add_photos(s, rid, [NewRectificationPhoto(str(path), "after")], ws.files)
        assert not rp.missing_after_photo(s, rid)
    with ws.write() as s:
        bin_id = rp.remove_photo(s, photo_id)
    with ws.read() as s:
        assert rp.list_photos(s, rid, ws.files) == [] and rp.missing_after_photo(s, rid)
        assert [r.entity_label for r in recycle_bin.list_bin(s)] == ["整改照片"]
    with ws.write() as s:
        recycle_bin.restore_item(s, bin_id, ws.files)
    with ws.read() as s:
        [back] = rp.list_photos(s, rid, ws.files)
    assert back.stage == "after" and back.path.is_file()


def test_a_photo_binned_before_verification_does_not_come_back_after_it(ws, tmp_path) -> None:
    rid = make(ws)
    with ws.write() as s:
        [photo_id] = rp.add_photos(s, rid, [NewRectificationPhoto(str(make_image(tmp_path / "a.jpg")), "after")],
                                   ws.files)
        rp.add_photos(s, rid, [NewRectificationPhoto(str(make_image(tmp_path / "b.jpg", "blue")), "after")], ws.files)
    with ws.write() as s:
        bin_id = rp.remove_photo(s, photo_id)
        for status in ("in_progress", "done"):
            rs.set_status(s, rid, status)
        rs.set_status(s, rid, "verified", verified_by="周敏", verified_on=date(2026, 3, 20))
    with pytest.raises(ValidationError, match="已验收.*恢复照片"), ws.write() as s:
        recycle_bin.restore_item(s, bin_id, ws.files)
    with ws.read() as s:
        assert len(rp.list_photos(s, rid, ws.files)) == 1  # as it was verified


@pytest.mark.parametrize("what", ["bomb", "not an image", "wrong type", "missing"])
def test_hostile_files_are_refused_and_nothing_is_added(ws, tmp_path, what) -> None:
    rid = make(ws)
    good = make_image(tmp_path / "good.jpg")
    if what == "bomb":  # a few KB claiming 400 megapixels
        bad = tmp_path / "海报.png"
        Image.new("1", (20000, 20000)).save(bad)
        message = "尺寸大得异常"
    elif what == "not an image":
        bad = tmp_path / "照片.jpg"
        bad.write_bytes(b"MZ\x90\x00 this is a program, not a photo")
        message = "无法读取"
    elif what == "wrong type":
        bad = tmp_path / "说明.exe"
        bad.write_bytes(b"MZ")
        message = "不支持的文件类型"
    else:
        bad = tmp_path / "不存在.jpg"
        message = "找不到"
    with pytest.raises(ValidationError, match=message) as err, ws.write() as s:
        rp.add_photos(s, rid, [NewRectificationPhoto(str(good), "before"), NewRectificationPhoto(str(bad), "after")],
                      ws.files)
    assert err.value.problems[0].field == "整改照片" and bad.name in err.value.problems[0].message
    with ws.read() as s:
        assert rp.list_photos(s, rid, ws.files) == []


def test_bad_stage_and_caption_name_the_field(ws, tmp_path) -> None:
    rid = make(ws)
    path = make_image(tmp_path / "p.jpg")
    with pytest.raises(ValidationError, match="整改前.*整改后"), ws.write() as s:
        rp.add_photos(s, rid, [NewRectificationPhoto(str(path), "during")], ws.files)
    with pytest.raises(ValidationError) as err, ws.write() as s:
        rp.add_photos(s, rid, [NewRectificationPhoto(str(path), "before", "长" * 201)], ws.files)
    assert err.value.problems[0].field == "照片说明"


def test_verified_keeps_its_photos_frozen_until_stepped_back(ws, tmp_path) -> None:
    rid = make(ws)
    before, after = make_image(tmp_path / "b.jpg", "red"), make_image(tmp_path / "a.jpg", "green")
    with ws.write() as s:
        [before_id] = rp.add_photos(s, rid, [NewRectificationPhoto(str(before), "before")], ws.files)
        rs.set_status(s, rid, "in_progress")
        rs.set_status(s, rid, "done")  # allowed without an 整改后 photo; the window warns
        assert rp.missing_after_photo(s, rid)
        rs.set_status(s, rid, "verified", verified_by="周敏", verified_on=date(2026, 3, 20))
    for change in (lambda s: rp.add_photos(s, rid, [NewRectificationPhoto(str(after), "after")], ws.files),
                   lambda s: rp.remove_photo(s, before_id), lambda s: rp.set_caption(s, before_id, "改说明")):
        with pytest.raises(ValidationError, match="已验收.*先把它退回"), ws.write() as s:
            change(s)
    with pytest.raises(ValidationError, match="不能删除"), ws.write() as s:
        rs.delete_rectification(s, rid)
    with ws.write() as s:
        rs.set_status(s, rid, "done", reason="补整改后照片")
        rp.add_photos(s, rid, [NewRectificationPhoto(str(after), "after")], ws.files)
    with ws.read() as s:
        assert rp.photo_counts(s) == {rid: (1, 1)}


def test_delete_a_rectification_with_its_photos_and_restore_it(ws, tmp_path) -> None:
    rid = make(ws)
    with ws.write() as s:
        rp.add_photos(s, rid, [NewRectificationPhoto(str(make_image(tmp_path / "b.jpg", "red")), "before"),
                               NewRectificationPhoto(str(make_image(tmp_path / "a.jpg", "blue")), "after")], ws.files)
    with ws.write() as s:
        bin_id = rs.delete_rectification(s, rid)
    with ws.read() as s:
        assert rs.list_rectifications(s) == [] and rp.photo_counts(s) == {}
        [row] = recycle_bin.list_bin(s)
    assert row.label == "3栋楼道堆放杂物" and row.children_text == "整改照片 2 张"
    with ws.write() as s:
        info = recycle_bin.restore_item(s, bin_id, ws.files)
    with ws.read() as s:
        assert [p.stage for p in rp.list_photos(s, info.entity_id, ws.files)] == ["before", "after"]


def test_photo_files_are_kept_by_backups_and_by_emptying_the_bin(ws, tmp_path) -> None:
    rid = make(ws)
    kept = make_image(tmp_path / "kept.jpg", "green")
    dropped = make_image(tmp_path / "dropped.jpg", "yellow")
    with ws.write() as s:
        [_kept_id, dropped_id] = rp.add_photos(s, rid, [NewRectificationPhoto(str(kept), "after"),
                                                        NewRectificationPhoto(str(dropped), "after")], ws.files)
    with ws.write() as s:
        rp.remove_photo(s, dropped_id)
    kept_path = ws.files.path_for(sha256_of(kept), ".jpg")
    dropped_path = ws.files.path_for(sha256_of(dropped), ".jpg")
    info = backups.create_backup(ws.data, "manual", single_file=True)
    with zipfile.ZipFile(info.path) as zf:
        names = set(zf.namelist())
    assert f"files/{kept_path.parent.name}/{kept_path.name}" in names  # a live photo
    assert f"files/{dropped_path.parent.name}/{dropped_path.name}" in names  # one waiting in the bin
    with ws.write() as s:
        assert recycle_bin.empty_bin(s, ws.files) == 1
    assert kept_path.is_file()  # still a rectification's photo
    assert not dropped_path.exists()


def test_demo_closed_rectification_has_before_and_after_photos(ws, tmp_path) -> None:
    import random

    from huiquan_desk.services.demo.context import DemoContext, DemoSummary
    from huiquan_desk.services.demo.inspection import OVERDUE_PROBLEM, VERIFIED_PROBLEM, fill_inspection

    today = date(2026, 10, 20)
    with ws.write() as s:
        fill_inspection(DemoContext(s, ws.files, random.Random(1), today, tmp_path, DemoSummary(), seed=1))
    with ws.read() as s:
        rows = {r.problem: r for r in rs.list_rectifications(s)}
        closed, late = rows[VERIFIED_PROBLEM], rows[OVERDUE_PROBLEM]
        photos = rp.list_photos(s, closed.id, ws.files)
        assert closed.status_label == "已验收" and [p.stage for p in photos] == ["before", "after"]
        assert rp.list_photos(s, late.id, ws.files) == []
        assert [r.id for r in rs.overdue(s, today)] == [late.id] and rs.overdue_count(s, today) == 1
        assert rs.overdue_count(s, today + timedelta(days=400)) == 1  # stays overdue whenever it is opened
    for photo in photos:
        with Image.open(photo.path) as image:
            assert image.size == (800, 600)
            assert photo.taken_at is not None and photo.taken_at.date() >= closed.found_on
    assert photos[0].sha256 != photos[1].sha256


def test_an_iphone_heic_gets_its_jpeg_rendition(ws, tmp_path) -> None:
    import pillow_heif

    from huiquan_desk.storage.files import rendition_name

    pillow_heif.register_heif_opener()
    heic = tmp_path / "IMG_0001.HEIC"
    Image.new("RGB", (320, 240), "teal").save(heic, format="HEIF")
    rid = make(ws)
    with ws.write() as s:
        rp.add_photos(s, rid, [NewRectificationPhoto(str(heic), "整改后")], ws.files)
    with ws.read() as s:
        [photo] = rp.list_photos(s, rid, ws.files)
    assert photo.suffix == ".heic" and photo.path.is_file()  # the original kept as it came
    rendition = photo.path.with_name(rendition_name(photo.sha256))
    assert ws.files.viewable(photo.sha256, photo.suffix) == rendition and rendition.is_file()
    with Image.open(rendition) as image:
        assert image.format == "JPEG" and image.size == (320, 240)
