"""Archive items, numbering, filing and its freeze, boxes (services.archives, filing, archive_boxes)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest
from sqlalchemy import select

from huiquan_desk.domain.activity import ActivityStatus, AttachmentKind, NewAttachment, PhotoCaption
from huiquan_desk.domain.archives import Group
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.family import Stage
from huiquan_desk.services import activities, archive_boxes, archives, filing, recycle_bin
from huiquan_desk.services import campaigns as cs
from huiquan_desk.services.archives import ItemDraft, NewArchiveFile
from huiquan_desk.services.settings import RETENTION_RULES, CommunityProfile, save_profile, set_setting
from huiquan_desk.storage.backups.snapshot import references
from huiquan_desk.storage.models import Activity, ArchiveFile, ArchiveItem, Campaign, Nomination, NumberGap
from tests.family_helpers import campaign_through, household
from tests.helpers import draft, log_activity, make_image

WS_D30 = Group("WS", 2026, "D30")


@pytest.fixture
def profiled(ws):  # type: ignore[no-untyped-def]
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
    return ws


def item(ws, title: str, day: date | None = None, retention: str = "D30", number: int | None = None, **kw) -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        return archives.create_item(s, ItemDraft(title=title, year=2026, retention=retention, day=day, number=number,
                                                 pages=kw.pop("pages", 1), **kw), ws.files)


def codes(ws, group: Group = WS_D30) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return [(r.code, r.title) for r in archives.list_items(s, group.year, group.retention, group.category)]


# --- numbering ---------------------------------------------------------------------------------
def test_numbers_follow_the_order_given_and_render_as_the_standard_code(profiled) -> None:
    ws = profiled
    a = item(ws, "三月会议记录", date(2026, 3, 1))
    b = item(ws, "一月会议记录", date(2026, 1, 5))
    c = item(ws, "二月会议记录", date(2026, 2, 2))
    with ws.write() as s:
        archives.order_by_date(s, WS_D30)
        archives.set_order(s, WS_D30, [c, b, a])  # dragged: 二月 first
        assert archives.fix_numbers(s, WS_D30) == [(c, 1), (b, 2), (a, 3)]
    assert codes(ws) == [("0194-WS·2026-D30-0001", "二月会议记录"), ("0194-WS·2026-D30-0002", "一月会议记录"),
                         ("0194-WS·2026-D30-0003", "三月会议记录")]
    with ws.write() as s, pytest.raises(ValidationError, match="列表已变化"):
        archives.set_order(s, WS_D30, [a])


def test_fixing_numbers_needs_the_fonds_code(ws) -> None:
    item(ws, "会议记录")
    with ws.write() as s, pytest.raises(ValidationError, match="全宗号"):
        archives.fix_numbers(s, WS_D30)
    with ws.read() as s:
        assert archives.list_items(s, 2026)[0].number is None  # nothing half-numbered


def test_a_removed_item_leaves_a_recorded_gap_and_numbers_never_repeat(profiled) -> None:
    ws = profiled
    ids = [item(ws, f"文件{n}", date(2026, 1, n)) for n in range(1, 5)]
    with ws.write() as s:
        archives.fix_numbers(s, WS_D30)
    with ws.write() as s, pytest.raises(ValidationError, match="空号"):
        archives.remove_item(s, ids[1], "")  # a numbered item needs its reason
    with ws.write() as s:
        archives.remove_item(s, ids[1], "重复归档，原件已在 0001")
    assert [c for c, _t in codes(ws)] == ["0194-WS·2026-D30-0001", "0194-WS·2026-D30-0003", "0194-WS·2026-D30-0004"]
    with ws.read() as s:
        gap = s.scalars(select(NumberGap)).one()
        assert (gap.number, gap.code, gap.reason) == (2, "0194-WS·2026-D30-0002", "重复归档，原件已在 0001")
        assert archives.series(s, 2026)[0].gaps == 1
    new = item(ws, "文件5", date(2026, 1, 9))
    with ws.write() as s:
        assert archives.fix_numbers(s, WS_D30) == [(new, 5)]  # after the highest, never into the gap
        with pytest.raises(ValidationError, match="0002 是已登记的空号（重复归档"):
            archives.create_item(s, ItemDraft(title="补入", year=2026, retention="D30", number=2), ws.files)


def test_a_typed_number_never_moves_the_counter_back_or_twice(profiled) -> None:
    ws = profiled
    item(ws, "一", date(2026, 1, 1))
    with ws.write() as s:
        archives.fix_numbers(s, WS_D30)  # 0001
    item(ws, "手填十号", number=10)
    item(ws, "手填七号", number=7)  # below the counter: taken, the counter stays after 10
    later = item(ws, "后来的")
    with ws.write() as s:
        assert archives.fix_numbers(s, WS_D30) == [(later, 11)]
        with pytest.raises(ValidationError, match="0007 已被使用"):
            archives.create_item(s, ItemDraft(title="再填七号", year=2026, retention="D30", number=7), ws.files)
    assert [c[-4:] for c, _t in codes(ws)] == ["0001", "0007", "0010", "0011"]
    with ws.read() as s:
        assert archives.series(s, 2026)[0].last_number == 11
        # the numbers skipped by hand are not silently empty: listed as 缺号 until filled or explained
        assert archives.missing_numbers(s, WS_D30) == [2, 3, 4, 5, 6, 8, 9]
        assert archives.series(s, 2026)[0].gaps == 7
        missing = [g for g in archives.list_gaps(s, 2026) if not g.recorded]
        assert [g.code for g in missing][:2] == ["0194-WS·2026-D30-0002", "0194-WS·2026-D30-0003"]
        assert missing[0].reason == archives.MISSING
    with ws.write() as s:
        archives.record_gap(s, WS_D30, 2, "原 0002 号文件在 2026 年 3 月移交街道，未留存")
        with pytest.raises(ValidationError, match="不是缺号"):
            archives.record_gap(s, WS_D30, 7, "已有文件")
    with ws.write() as s, pytest.raises(ValidationError, match="0002 是已登记的空号（原 0002 号文件"):
        archives.create_item(s, ItemDraft(title="补", year=2026, retention="D30", number=2), ws.files)
    with ws.read() as s:
        gaps = archives.list_gaps(s, 2026)
        assert [(g.number, g.recorded) for g in gaps][:2] == [(2, True), (3, False)]


def test_series_are_counted_apart_by_category_retention_and_org(profiled) -> None:
    ws = profiled
    item(ws, "文书")
    item(ws, "永久", retention="Y")
    item(ws, "办公室", org="BGS")
    with ws.write() as s:
        archives.create_item(s, ItemDraft(title="照片", category="ZP", year=2026, retention="D30"), ws.files)
        for summary in archives.series(s, 2026):
            archives.fix_numbers(s, summary.group)
    with ws.read() as s:
        assert sorted(r.code for r in archives.list_items(s, 2026)) == [
            "0194-WS·2026-D30-0001", "0194-WS·2026-D30-BGS-0001", "0194-WS·2026-Y-0001", "0194-ZP·2026-D30-0001"]


def test_numbered_code_parts_are_locked_and_bad_fields_are_named(profiled) -> None:
    ws = profiled
    one = item(ws, "会议记录")
    with ws.write() as s:
        archives.fix_numbers(s, WS_D30)
    with ws.write() as s, pytest.raises(ValidationError, match="保管期限.*档号不能再改"):
        archives.update_item(s, one, ItemDraft(title="会议记录", year=2026, retention="Y", pages=1), ws.files)
    with ws.write() as s:
        archives.update_item(s, one, ItemDraft(title="[会议记录]", year=2026, retention="D30", pages=3,
                                               remarks="补页"), ws.files)
    with ws.read() as s:
        row = archives.list_items(s, 2026)[0]
        assert (row.shown_title, row.pages, row.title_made_up) == ("[会议记录]", 3, True)
    with ws.write() as s, pytest.raises(ValidationError) as caught:
        archives.create_item(s, ItemDraft(title="", category="XX", year=26, retention="D20", org="bgs!", pages=-1),
                             ws.files)
    fields = {p.field for p in caught.value.problems}
    assert {"题名", "门类代码", "年度", "保管期限", "机构(问题)代码", "页数"} <= fields


def test_hand_entered_item_stores_its_scans_by_hash(profiled, tmp_path) -> None:
    ws = profiled
    scan = make_image(tmp_path / "计划扫描.jpg", "white", (300, 420))
    bad = tmp_path / "坏.pdf"
    bad.write_bytes(b"not a pdf")
    with ws.write() as s, pytest.raises(ValidationError, match="坏.pdf"):
        archives.create_item(s, ItemDraft(title="计划", year=2026, retention="Y"), ws.files,
                             [NewArchiveFile(str(scan)), NewArchiveFile(str(bad), "document")])
    with ws.write() as s:
        new = archives.create_item(s, ItemDraft(title="计划", year=2026, retention="Y"), ws.files,
                                   [NewArchiveFile(str(scan), "scan")])
    with ws.read() as s:
        detail = archives.get_item(s, new, ws.files)
    assert len(detail.files) == 1 and detail.files[0].path.read_bytes() == scan.read_bytes()
    assert detail.files[0].path.name.startswith(detail.files[0].sha256)


# --- filing --------------------------------------------------------------------------------------
def _activity_with_files(ws, tmp_path, **kw) -> int:  # type: ignore[no-untyped-def]
    photo = make_image(tmp_path / "p.jpg", "red", (400, 300))
    sheet = make_image(tmp_path / "s.jpg", "white", (300, 400))
    return log_activity(ws, [NewAttachment(str(photo), AttachmentKind.PHOTO, PhotoCaption(people="王堃（书记）",
                                                                                          photographer="陶喆")),
                             NewAttachment(str(sheet), AttachmentKind.SIGN_IN)],
                        start=datetime(2026, 10, 18, 9), end=datetime(2026, 10, 18, 11), **kw)


def test_filing_an_activity_links_both_ways_copies_its_files_and_freezes_it(profiled, tmp_path) -> None:
    ws = profiled
    aid = _activity_with_files(ws, tmp_path)
    with ws.read() as s:
        (cand,) = filing.candidates(s, 2026)
    assert (cand.kind, cand.id, cand.retention, cand.photos, cand.sign_ins) == ("activity", aid, "D10", 1, 1)
    with ws.write() as s:
        (new,) = filing.file_records(s, ws.files, [aid], number=True)
    with ws.read() as s:
        detail = archives.get_item(s, new, ws.files)
        assert detail.row.code == "0194-WS·2026-D10-0001" and detail.activity_title == "重阳节敬老爱老活动"
        assert [f.kind for f in detail.files] == ["photo", "signin"]
        assert detail.files[0].caption.people == "王堃（书记）" and detail.row.pages == 3  # record, photos, sheet
        assert s.get(Activity, aid).status == ActivityStatus.ARCHIVED.value
        assert activities.get_activity(s, aid, ws.files).filed_as == ["0194-WS·2026-D10-0001"]  # the link back
        assert filing.candidates(s, 2026) == []
    with ws.write() as s, pytest.raises(ValidationError, match="已归档，不能重复归档"):
        filing.file_records(s, ws.files, [aid])
    # frozen whatever the path: the service, an added photo, a delete through the bin, a plain ORM change
    with ws.write() as s, pytest.raises(ValidationError, match="已归档"):
        activities.update_activity(s, aid, draft(s, title="改名"), ws.files)
    with ws.write() as s, pytest.raises(ValidationError, match="已归档"):
        activities.add_attachments(s, aid, [NewAttachment(str(make_image(tmp_path / "x.jpg")))], ws.files)
    with pytest.raises(ValidationError, match="已归档"), ws.write() as s:
        a = s.get(Activity, aid)
        recycle_bin.move_to_bin(s, a, list(a.attachments))
    with pytest.raises(ValidationError, match="已归档"), ws.write() as s:
        s.get(Activity, aid).participants = 1
        s.flush()
    with ws.read() as s:
        assert s.get(Activity, aid).participants == 45


def test_a_correction_is_a_new_linked_item(profiled, tmp_path) -> None:
    ws = profiled
    aid = _activity_with_files(ws, tmp_path)
    with ws.write() as s:
        (original,) = filing.file_records(s, ws.files, [aid], number=True)
        fixed = filing.correct_item(s, original, ItemDraft(title="重阳节敬老爱老活动（参与人数更正为 52 人）", year=2026,
                                                         retention="D10", pages=1), ws.files)
    with ws.read() as s:
        assert archives.get_item(s, original, ws.files).corrected_by == [fixed]
        assert archives.list_items(s, 2026)[-1].source == "更正"
    with ws.write() as s, pytest.raises(ValidationError, match="更正件"):
        archives.remove_item(s, original, "误归档")


def test_retention_comes_from_the_rule_table_unless_the_user_chose(profiled, tmp_path) -> None:
    ws = profiled
    first = log_activity(ws, start=datetime(2026, 5, 1, 9))
    second = log_activity(ws, start=datetime(2026, 5, 2, 9), title="清明祭英烈")
    with ws.write() as s:
        set_setting(s, RETENTION_RULES, {"传统节日": "D30", "其他": "D10"})
    with ws.write() as s:
        ids = filing.file_records(s, ws.files, [first, second], retentions={("activity", second): "Y"})
    with ws.read() as s:
        rows = {r.id: r for r in archives.list_items(s, 2026)}
        assert (rows[ids[0]].retention, rows[ids[1]].retention) == ("D30", "Y")
        assert [s.get(ArchiveItem, i).retention_by_user for i in ids] == [False, True]


def test_photos_filed_apart_become_a_photo_item_with_captions(profiled, tmp_path) -> None:
    ws = profiled
    aid = _activity_with_files(ws, tmp_path)
    with ws.write() as s:
        ids = filing.file_records(s, ws.files, [aid], photos_apart=True, number=True)
    with ws.read() as s:
        rows = archives.list_items(s, 2026)
        assert sorted(r.code for r in rows) == ["0194-WS·2026-D10-0001", "0194-ZP·2026-D10-0001"]
        photo = archives.get_item(s, ids[1], ws.files)
        assert photo.row.shown_title == "[重阳节敬老爱老活动照片]" and [f.kind for f in photo.files] == ["photo"]
        assert photo.files[0].caption.photographer == "陶喆"
        original = activities.get_activity(s, aid, ws.files).attachments[0]
        assert photo.files[0].sha256 == original.sha256  # the very file, EXIF and all
        assert [f.kind for f in archives.get_item(s, ids[0], ws.files).files] == ["signin"]


def test_removing_an_item_unfiles_its_activity_and_the_bin_refiles_it(profiled, tmp_path) -> None:
    ws = profiled
    aid = _activity_with_files(ws, tmp_path)
    with ws.write() as s:
        (new,) = filing.file_records(s, ws.files, [aid], number=True)
    with ws.write() as s:
        archives.remove_item(s, new, "类别有误，重新归档")
    with ws.read() as s:
        assert s.get(Activity, aid).status == ActivityStatus.DONE.value
        assert len(filing.candidates(s, 2026)) == 1
        bin_id = recycle_bin.list_bin(s)[0].id
    with ws.write() as s:
        activities.update_activity(s, aid, draft(s, start=datetime(2026, 10, 18, 9), end=datetime(2026, 10, 18, 11),
                                                 participants=50), ws.files)  # unfrozen again
    with ws.write() as s:
        recycle_bin.restore_item(s, bin_id, ws.files)
    with ws.read() as s:
        assert s.get(Activity, aid).status == ActivityStatus.ARCHIVED.value
        assert s.scalars(select(NumberGap)).all() == []  # its number is its own again
        assert archives.list_items(s, 2026)[0].code == "0194-WS·2026-D10-0001"


def test_a_filed_campaign_is_frozen(profiled) -> None:
    ws = profiled
    with ws.write() as s:
        homes = [household(s, f"户主{n}", "3", "1", f"{n}01") for n in range(1, 3)]
        cid = campaign_through(s, homes, 1, Stage.COMMEND)
        unfinished = campaign_through(s, homes, 1, Stage.NOTICE, year=2025)
    with ws.read() as s:
        kinds = [(c.kind, c.id, c.retention) for c in filing.candidates(s, 2026)]
        assert ("campaign", cid, "Y") in kinds
    with ws.write() as s, pytest.raises(ValidationError, match="表彰后才能归档"):
        filing.file_records(s, ws.files, campaign_ids=[unfinished])
    with ws.write() as s:
        (new,) = filing.file_records(s, ws.files, campaign_ids=[cid], number=True)
    with ws.write() as s:
        cs.advance_stage(s, cid, today=date(2026, 12, 10))  # 表彰 → 宣传推介 still goes
    with pytest.raises(ValidationError, match="已归档"), ws.write() as s:
        cs.step_back(s, cid, "退回重新公示")
    with pytest.raises(ValidationError, match="已归档"), ws.write() as s:
        s.get(Campaign, cid).remarks = "事后补记"
    with pytest.raises(ValidationError, match="已归档"), ws.write() as s:
        s.delete(s.scalars(select(Nomination).where(Nomination.campaign_id == cid)).first())
    with ws.read() as s:
        assert archives.get_item(s, new, ws.files).row.code == "0194-WS·2026-Y-0001"
        assert cs.get_campaign(s, cid).row.filed == "0194-WS·2026-Y-0001" and cs.get_campaign(s, unfinished).row.filed == ""


# --- boxes -----------------------------------------------------------------------------------------
def test_boxes_never_mix_series_and_suggest_their_spine(profiled) -> None:
    ws = profiled
    a = item(ws, "甲", pages=150)
    b = item(ws, "乙", pages=100)
    c = item(ws, "丙", retention="Y")
    loose = item(ws, "未编号")
    with ws.write() as s:
        archives.fix_numbers(s, WS_D30)
        archives.fix_numbers(s, Group("WS", 2026, "Y"))
    with ws.write() as s, pytest.raises(ValidationError, match="不能混装"):
        archive_boxes.new_box(s, [a, c])
    loose_number = item(ws, "后来", pages=1)
    with ws.write() as s, pytest.raises(ValidationError, match="还没有件号"):
        archive_boxes.new_box(s, [loose_number])
    with ws.write() as s:
        assert s.get(ArchiveItem, loose).number == 3  # 未编号 was numbered with its series
        box = archive_boxes.new_box(s, [a, b])
    with ws.read() as s:
        row = archive_boxes.get_box(s, box)
        assert (row.number, row.range_text, row.pages, row.spine_mm) == (1, "0001—0002", 250, 30)
    with ws.write() as s:
        archive_boxes.update_box(s, box, archive_boxes.BoxDraft(40, "齐全", "陈晓燕", date(2026, 12, 1), "林秀英",
                                                                 date(2026, 12, 2)))
        with pytest.raises(ValidationError, match="盒脊厚度"):
            archive_boxes.update_box(s, box, archive_boxes.BoxDraft(35))
        second = archive_boxes.pack(s, WS_D30, max_pages=200)
    with ws.read() as s:
        boxes = archive_boxes.list_boxes(s, 2026)
        assert [(b.number, b.range_text, b.spine_mm) for b in boxes if b.group == WS_D30] == [
            (1, "0001—0002", 40), (2, "0003—0003", 20)]
    with ws.write() as s, pytest.raises(ValidationError, match="最后一盒"):
        archive_boxes.delete_box(s, box)
    with ws.write() as s:
        archive_boxes.delete_box(s, second[0])
        assert s.get(ArchiveItem, loose).box_id is None


def test_pack_starts_a_new_box_when_the_widest_spine_is_full(profiled) -> None:
    ws = profiled
    for n in range(4):
        item(ws, f"厚文件{n}", date(2026, 1, n + 1), pages=200)
    with ws.write() as s:
        archives.fix_numbers(s, WS_D30)
        boxes = archive_boxes.pack(s, WS_D30)
    with ws.read() as s:
        assert [b.range_text for b in archive_boxes.list_boxes(s, box_ids=boxes)] == ["0001—0002", "0003—0004"]


# --- files stay while an archive item names them ---------------------------------------------------
def test_backups_and_the_bin_keep_archive_files(profiled, tmp_path) -> None:
    ws = profiled
    scan = make_image(tmp_path / "scan.png", "white", (200, 280))
    with ws.write() as s:
        new = archives.create_item(s, ItemDraft(title="计划", year=2026, retention="Y"), ws.files,
                                   [NewArchiveFile(str(scan))])
    with ws.read() as s:
        f = s.execute(select(ArchiveFile.sha256, ArchiveFile.suffix).where(ArchiveFile.item_id == new)).one()
        assert recycle_bin.unreferenced_files(s, ws.files) == []
    with sqlite3.connect(ws.data.database) as conn:
        assert tuple(f) in references(conn).pairs


def test_a_decompression_bomb_is_refused_with_a_message(profiled, tmp_path) -> None:
    """A PNG of 48 KB claiming 20000 × 20000 pixels: refused by name, for an item and an activity alike."""
    from PIL import Image

    bomb = tmp_path / "海报.png"
    Image.new("1", (20000, 20000)).save(bomb)
    with profiled.write() as s, pytest.raises(ValidationError, match="海报.png：图片尺寸大得异常"):
        archives.create_item(s, ItemDraft(title="海报", year=2026, retention="D10"), profiled.files,
                             [NewArchiveFile(str(bomb))])
    with pytest.raises(ValidationError, match="图片尺寸大得异常"):
        log_activity(profiled, [NewAttachment(str(bomb))])


def test_the_bin_cannot_put_rows_back_into_a_filed_campaign(profiled) -> None:
    """Removed while the campaign was open, restored after it was filed: refused (the bin inserts past the guard)."""
    ws = profiled
    with ws.write() as s:
        homes = [household(s, f"户主{n}", "5", "1", f"{n}01") for n in range(1, 4)]
        cid = campaign_through(s, homes, 1, Stage.NOMINATE)
        nomination = s.scalars(select(Nomination).where(Nomination.campaign_id == cid)).all()[-1].id
        cs.remove_nomination(s, nomination)
    with ws.read() as s:
        bin_id = recycle_bin.list_bin(s)[0].id
    with ws.write() as s:  # carried on to 表彰 (directly: the stages are tested with the campaigns)
        for n in s.scalars(select(Nomination).where(Nomination.campaign_id == cid)):
            n.decision, n.decided_on = "chosen", date(2026, 11, 20)
        c = s.get(Campaign, cid)
        c.stage, c.commended_on = Stage.COMMEND.value, date(2026, 12, 1)
    with ws.write() as s:
        filing.file_records(s, ws.files, campaign_ids=[cid])
    with ws.write() as s, pytest.raises(ValidationError, match="所属的记录已归档"):
        recycle_bin.restore_item(s, bin_id, ws.files)


def test_the_fonds_code_is_fixed_once_items_are_numbered(profiled) -> None:
    ws = profiled
    item(ws, "会议记录", number=1)
    with ws.write() as s, pytest.raises(ValidationError, match="已有 1 件档案按全宗号 0194 编了档号"):
        save_profile(s, CommunityProfile(name="惠泉社区", fonds_code="0999", preparer="陈晓燕"))
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", fonds_code="0194", preparer="李四"))  # the rest may change


def test_a_box_holds_one_unbroken_run_of_numbers(profiled) -> None:
    ws = profiled
    ids = [item(ws, f"文件{n}", date(2026, 1, n)) for n in range(1, 8)]
    with ws.write() as s:
        archives.fix_numbers(s, WS_D30)
    with pytest.raises(ValidationError, match="其间的 0004「文件4」没有装盒"), ws.write() as s:
        archive_boxes.new_box(s, [ids[2], ids[4], ids[6]])  # 0003, 0005, 0007
    with ws.write() as s:
        first = archive_boxes.new_box(s, ids[:3])  # 0001—0003
        second = archive_boxes.new_box(s, ids[3:5])  # 0004—0005
    with pytest.raises(ValidationError, match="第 1 盒装的是 0001—0003"), ws.write() as s:
        archive_boxes.take_out(s, [ids[1]])  # would leave 0002 outside its box's run
    with pytest.raises(ValidationError, match="连续的件号"), ws.write() as s:
        archive_boxes.put_in_box(s, [ids[6]], first)  # 0007 into 0001—0003 over box 2
    with ws.write() as s:
        archive_boxes.take_out(s, [ids[4]])  # an end of a run may go
        archive_boxes.put_in_box(s, [ids[4], ids[5]], second)
    with ws.read() as s:
        assert [b.range_text for b in archive_boxes.list_boxes(s, 2026)] == ["0001—0003", "0004—0006"]
    with ws.write() as s:
        archive_boxes.take_out(s, [ids[0]])
        archive_boxes.pack(s, WS_D30)  # the loose ends on either side: a box each
    with ws.read() as s:
        assert [b.range_text for b in archive_boxes.list_boxes(s, 2026)] == [
            "0002—0003", "0004—0006", "0001—0001", "0007—0007"]
