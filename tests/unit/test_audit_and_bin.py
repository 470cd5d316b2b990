"""The audit trail and the recycle bin, on a real SQLite database (services, no Qt)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DatabaseError

from huiquan_desk.domain.activity import AttachmentKind, NewAttachment, PhotoCaption
from huiquan_desk.domain.errors import NotFoundError, PermissionDenied, ValidationError
from huiquan_desk.services import activities as asvc
from huiquan_desk.services import audit_log, recycle_bin
from huiquan_desk.services import service_hours as hours
from huiquan_desk.services import volunteers as vsvc
from huiquan_desk.services.activity_import import import_activities
from huiquan_desk.services.categories import add_category, delete_category
from huiquan_desk.services.exporting import export_ledger
from huiquan_desk.services.filing import file_records
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.settings import STAR_THRESHOLDS, set_setting
from huiquan_desk.services.volunteer_import import import_volunteers
from huiquan_desk.storage.files import sha256_of
from huiquan_desk.storage.models import (
    Activity,
    Attachment,
    AuditEntry,
    Base,
    RecycledItem,
    Setting,
    Training,
    Volunteer,
)
from tests.helpers import draft, make_image
from tests.volunteer_helpers import KNOWN_FEMALE, add_activity, add_volunteer

USER = "陶喆"


@pytest.fixture(autouse=True)
def operator(ws):  # type: ignore[no-untyped-def]
    ws.operator = USER
    return ws


def entries(ws, **where) -> list[SimpleNamespace]:  # type: ignore[no-untyped-def]
    """The raw audit_log rows (as stored), oldest first."""
    table = AuditEntry.__table__
    with ws.read() as s:
        query = select(table).order_by(table.c.id)
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        return [SimpleNamespace(**r._mapping) for r in s.execute(query)]


def values(entry: SimpleNamespace) -> tuple[dict, dict]:
    return (json.loads(entry.old_values) if entry.old_values else {},
            json.loads(entry.new_values) if entry.new_values else {})


def rows_of(ws, table: str, **where) -> list[dict]:  # type: ignore[no-untyped-def]
    """Every column of the matching rows, straight from the database."""
    t = Base.metadata.tables[table]
    with ws.read() as s:
        query = select(t).order_by(t.c.id)
        for key, value in where.items():
            query = query.where(t.c[key] == value)
        return [dict(r._mapping) for r in s.execute(query)]


def count(ws, model) -> int:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def activity_with_files(ws, tmp_path: Path, title: str = "重阳节敬老爱老活动", color: str = "orange") -> int:  # type: ignore[no-untyped-def]
    photo = make_image(tmp_path / f"{title}-{color}.jpg", color)
    sheet = make_image(tmp_path / f"{title}-签到.png", "white")
    with ws.write() as s:
        return asvc.create_activity(s, draft(s, title=title), ws.files, [
            NewAttachment(str(photo), AttachmentKind.PHOTO, PhotoCaption(people="王堃（社区书记）", photographer="陶喆")),
            NewAttachment(str(sheet), AttachmentKind.SIGN_IN),
        ])


def search(ws, words: str) -> list[int]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return [r.id for r in asvc.list_activities(s, asvc.ActivityFilter(text=words))]


def bin_rows(ws) -> list[recycle_bin.BinRow]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return recycle_bin.list_bin(s)


# --- the audit trail records every change ----------------------------------------------------------
def test_activity_and_photo_changes_leave_audit_rows_with_user_and_values(ws, tmp_path) -> None:
    aid = activity_with_files(ws, tmp_path)
    created = entries(ws, action="create")
    assert [(e.entity, e.user) for e in created] == [("activities", USER), ("attachments", USER), ("attachments", USER)]
    assert created[0].entity_id == aid and created[0].summary == "重阳节敬老爱老活动"
    assert values(created[0]) == ({}, values(created[0])[1])
    assert values(created[0])[1]["title"] == "重阳节敬老爱老活动" and values(created[0])[1]["participants"] == 45
    assert values(created[1])[1]["caption_people"] == "王堃（社区书记）"

    with ws.read() as s:
        detail = asvc.get_activity(s, aid, ws.files)
    photo = next(a for a in detail.attachments if a.kind is AttachmentKind.PHOTO)
    sheet = next(a for a in detail.attachments if a.kind is AttachmentKind.SIGN_IN)
    extra = make_image(tmp_path / "new.jpg", "blue")
    with ws.write() as s:
        asvc.update_activity(s, aid, draft(s, title="重阳节登高活动", participants=60), ws.files,
                             add=[NewAttachment(str(extra))], remove=[sheet.id],
                             captions={photo.id: PhotoCaption(title="登高", people="居民 20 人")})
    updated = entries(ws, action="update")
    activity_update = next(e for e in updated if e.entity == "activities")
    assert values(activity_update) == ({"title": "重阳节敬老爱老活动", "participants": 45},
                                       {"title": "重阳节登高活动", "participants": 60})
    caption_update = next(e for e in updated if e.entity == "attachments")
    assert caption_update.entity_id == photo.id
    assert values(caption_update)[0]["caption_people"] == "王堃（社区书记）"
    assert values(caption_update)[1]["caption_people"] == "居民 20 人"
    removed = entries(ws, action="delete", entity="attachments")  # the Core delete is an ORM delete now
    assert [e.entity_id for e in removed] == [sheet.id]
    assert values(removed[0])[0]["kind"] == "signin" and values(removed[0])[0]["sha256"] == sheet.sha256
    assert len(entries(ws, action="create", entity="attachments")) == 3
    assert {e.user for e in entries(ws)} == {USER}

    with ws.read() as s:
        row = audit_log.query_audit(s, entity="activities", entity_id=aid, text="登高")[0]
    assert row.action_label == "修改" and row.entity_label == "活动" and row.user == USER
    assert "活动名称: 重阳节敬老爱老活动 → 重阳节登高活动" in row.changes
    assert "参与人数: 45 → 60" in row.changes


def test_delete_of_an_activity_records_each_row(ws, tmp_path) -> None:
    aid = activity_with_files(ws, tmp_path)
    with ws.write() as s:
        asvc.delete_activities(s, [aid])
    deleted = entries(ws, action="delete")
    assert sorted(e.entity for e in deleted) == ["activities", "attachments", "attachments"]
    main = next(e for e in deleted if e.entity == "activities")
    assert main.entity_id == aid and main.user == USER
    old, new = values(main)
    assert old["title"] == "重阳节敬老爱老活动" and old["place"] == "惠泉社区活动室" and new == {}
    with ws.read() as s:
        row = audit_log.query_audit(s, entity="activities", entity_id=aid)[0]
    assert row.action_label == "删除" and "活动类别: 传统节日（#" in row.changes


def test_volunteer_changes_are_audited_with_personal_numbers_masked_on_display(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s, "林秀英", KNOWN_FEMALE, phone="13812345678")
    with ws.write() as s:
        detail = vsvc.get_volunteer(s, vid)
        d = detail.draft
        d.phone, d.area = "13900001111", "惠泉里 3 栋"
        vsvc.update_volunteer(s, vid, d)
    (create,) = entries(ws, action="create", entity="volunteers")
    assert create.user == USER and values(create)[1]["name"] == "林秀英"
    (change,) = entries(ws, action="update", entity="volunteers")
    assert values(change) == ({"phone": "13812345678", "area": ""}, {"phone": "13900001111", "area": "惠泉里 3 栋"})
    with ws.read() as s:
        rows = audit_log.query_audit(s, entity="volunteers")
    assert [r.action for r in rows] == ["update", "create"]  # newest first
    assert "联系方式: 138****5678 → 139****1111" in rows[0].changes
    assert "居住区域/楼栋: （空） → 惠泉里 3 栋" in rows[0].changes
    shown = " ".join(f"{f.old} {f.new}" for r in rows for f in r.fields)
    assert KNOWN_FEMALE not in shown and "13812345678" not in shown and "1949-12-31" not in shown
    assert "110105********002X" in shown and "1949-**-**" in shown


def test_supplement_attendance_and_settings_are_audited(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        other = add_volunteer(s, "王堃", seq=3)
        aid = add_activity(s, ws.files, datetime(2026, 10, 18, 9), datetime(2026, 10, 18, 11, 30))
        hours.record_attendance(s, aid, {vid: 150, other: 150}, USER, at=datetime(2026, 10, 19, 9))
        rid = hours.add_supplement(s, hours.SupplementDraft(volunteer_id=vid, service_date=date(2026, 3, 5), minutes=60,
                                                            title="义务理发", reason="签到表遗漏"), USER,
                                   at=datetime(2026, 3, 6, 9))
    with ws.write() as s:  # leaving someone out removes their record: an ORM delete now, audited
        hours.record_attendance(s, aid, {vid: 120}, USER, at=datetime(2026, 10, 19, 10))
    gone = entries(ws, action="delete", entity="service_records")
    assert len(gone) == 1 and values(gone[0])[0]["volunteer_id"] == other and values(gone[0])[0]["minutes"] == 150
    changed = entries(ws, action="update", entity="service_records")
    assert values(changed[0])[0]["minutes"] == 150 and values(changed[0])[1]["minutes"] == 120
    with ws.write() as s:
        hours.delete_supplement(s, rid)
    (deleted,) = [e for e in entries(ws, action="delete", entity="service_records") if e.entity_id == rid]
    assert values(deleted)[0]["reason"] == "签到表遗漏" and values(deleted)[0]["source"] == "supplement"
    assert deleted.user == USER

    with ws.write() as s:
        set_setting(s, STAR_THRESHOLDS, "100/300/600/1000/1500")
    with ws.write() as s:
        set_setting(s, STAR_THRESHOLDS, "100/200/500/800/1000")
    with ws.write() as s:
        s.delete(s.get(Setting, STAR_THRESHOLDS.key))
    trail = entries(ws, entity="settings")
    assert [e.action for e in trail] == ["create", "update", "delete"]
    assert values(trail[1]) == ({"value": "100/300/600/1000/1500"}, {"value": "100/200/500/800/1000"})
    assert values(trail[2])[0]["key"] == STAR_THRESHOLDS.key
    with ws.read() as s:
        row = audit_log.query_audit(s, entity="settings", user=USER)[1]
    assert row.entity_label == "设置" and row.changes == "值: 100/300/600/1000/1500 → 100/200/500/800/1000"


def test_an_import_leaves_one_import_entry(ws, tmp_path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["活动名称", "活动类别", "开始时间", "参与人数"])
    for n in range(3):
        sheet.append([f"清明祭英烈活动{n}", "社会环境/传统节日", f"2026-04-0{n + 1} 09:00", 30])
    book.save(tmp_path / "活动台账.xlsx")
    with ws.write() as s:
        import_activities(s, tmp_path / "活动台账.xlsx")
    (entry,) = entries(ws, action="import")
    assert entry.entity == "activities" and entry.user == USER
    assert entry.summary == "导入 3 项活动（活动台账.xlsx）"
    assert values(entry)[1]["条数"] == 3
    assert entries(ws, action="create", entity="activities") == []

    roster = Workbook()
    sheet = roster.active
    sheet.append(["姓名", "身份证号", "注册日期"])
    sheet.append(["林秀英", KNOWN_FEMALE, "2026-03-05"])
    roster.save(tmp_path / "花名册.xlsx")
    with ws.write() as s:
        import_volunteers(s, tmp_path / "花名册.xlsx")
    assert [e.summary for e in entries(ws, action="import", entity="volunteers")] == ["导入 1 名志愿者（花名册.xlsx）"]
    with ws.read() as s:
        assert audit_log.query_audit(s, text="活动台账.xlsx")[0].action_label == "导入"


def test_a_preview_import_leaves_no_entry(ws, tmp_path) -> None:
    book = Workbook()
    book.active.append(["活动名称", "活动类别", "开始时间", "参与人数"])
    book.active.append(["清明祭英烈活动", "社会环境/传统节日", "2026-04-04 09:00", 30])
    book.save(tmp_path / "a.xlsx")
    with ws.preview() as s:
        import_activities(s, tmp_path / "a.xlsx")
    assert entries(ws) == []


def test_the_trail_cannot_be_changed_or_removed(ws, tmp_path) -> None:
    activity_with_files(ws, tmp_path)
    before = [(e.id, e.action, e.old_values, e.new_values) for e in entries(ws)]
    assert before
    with pytest.raises(DatabaseError, match="append-only"), ws.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET user = 'someone else'"))
    with pytest.raises(DatabaseError, match="append-only"), ws.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    with pytest.raises(DatabaseError, match="append-only"), ws.writers() as s:
        s.execute(update(AuditEntry).values(summary="改过"))
    with pytest.raises(DatabaseError, match="append-only"), ws.writers() as s:  # through the ORM too
        s.delete(s.get(AuditEntry, before[0][0]))
        s.flush()
    assert [(e.id, e.action, e.old_values, e.new_values) for e in entries(ws)] == before
    # … and the service that reads it offers nothing that writes.
    assert not [n for n in dir(audit_log) if n.split("_")[0] in ("update", "delete", "edit", "remove", "purge", "set")]


def test_query_filters(ws, tmp_path) -> None:
    activity_with_files(ws, tmp_path, "清明祭英烈活动")
    ws.operator = "王堃"
    with ws.write() as s:
        add_volunteer(s)
    with ws.read() as s:
        assert audit_log.audit_users(s) == sorted([USER, "王堃"])
        assert {r.entity for r in audit_log.query_audit(s, user="王堃")} == {"volunteers"}
        assert {r.user for r in audit_log.query_audit(s, entity="attachments")} == {USER}
        assert [r.summary for r in audit_log.query_audit(s, text="清明祭英烈", entity="activities")] == ["清明祭英烈活动"]
        assert {r.entity for r in audit_log.query_audit(s, text="清明祭英烈")} == {"activities", "attachments"}
        today = date.today()
        assert len(audit_log.query_audit(s, date_from=today, date_to=today)) == 4
        assert audit_log.query_audit(s, date_to=date(2000, 1, 1)) == []
        assert len(audit_log.query_audit(s, limit=2)) == 2
        assert audit_log.query_audit(s, text="100%_") == []  # LIKE wildcards are literal


def test_audit_export_reads_back(ws, tmp_path) -> None:
    activity_with_files(ws, tmp_path, "清明祭英烈活动")
    with ws.write() as s:
        vid = add_volunteer(s, "林秀英", KNOWN_FEMALE, phone="13812345678")
    with ws.write() as s:
        s.get(Volunteer, vid).id_number = "440524188001010014"  # a correction: shown masked, old and new
    with ws.read() as s:
        n = export_ledger(s, "audit", LedgerParams(entity="volunteers"), tmp_path / "log.xlsx", "xlsx")
    assert n == 2  # 新建 and 修改: one printed line each
    sheet = load_workbook(tmp_path / "log.xlsx").active
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    flat = " ".join(str(c) for row in cells for c in row if c is not None)
    assert ["序号", "日期", "时间", "操作人", "操作", "对象", "记录", "修改内容"] in \
        [[c for c in row if c is not None] for row in cells]
    assert "林秀英" in flat and USER in flat and "新建" in flat and "对象：志愿者" in flat
    assert KNOWN_FEMALE not in flat and "13812345678" not in flat and "440524188001010014" not in flat
    assert "身份证号: 110105********002X → 440524********0014" in flat
    with ws.read() as s:
        entries = len(audit_log.query_audit(s, limit=None))
        lines = export_ledger(s, "audit", LedgerParams(), tmp_path / "log.pdf", "pdf")
    assert (entries, lines) == (5, 3)  # the activity and its two photos are one printed line
    from pypdf import PdfReader

    pdf = "".join(p.extract_text() for p in PdfReader(tmp_path / "log.pdf").pages)
    assert "操作日志" in pdf and "清明祭英烈活动" in pdf and "含照片 2 张" in pdf
    assert not re.search(r"[0-9a-f]{64}", pdf), "a file hash in the printed trail"


# --- recycle bin -----------------------------------------------------------------------------------
def test_activity_round_trip_through_the_bin(ws, tmp_path) -> None:
    aid = activity_with_files(ws, tmp_path)
    activity_before = rows_of(ws, "activities", id=aid)
    attachments_before = rows_of(ws, "attachments", activity_id=aid)
    files_before = {a["sha256"]: ws.files.path_for(a["sha256"], a["suffix"]) for a in attachments_before}
    assert search(ws, "重阳节敬老") == [aid]

    with ws.write() as s:
        assert asvc.delete_activities(s, [aid]) == 1
    assert rows_of(ws, "activities") == [] and rows_of(ws, "attachments") == []
    assert search(ws, "重阳节敬老") == []
    (item,) = bin_rows(ws)
    assert (item.entity, item.entity_label, item.entity_id, item.deleted_by) == ("activities", "活动", aid, USER)
    assert item.label == "重阳节敬老爱老活动（2026-10-18）" and item.children == {"attachments": 2}
    assert item.children_text == "照片 1 张、签到表 1 份"
    assert all(p.is_file() for p in files_before.values())  # the files stay while the bin names them

    with ws.write() as s:
        info = recycle_bin.restore_item(s, item.id, ws.files)
    assert info.entity_id == aid and info.original_id == aid and info.notes == []
    assert info.message == "已恢复活动「重阳节敬老爱老活动（2026-10-18）」（含照片 1 张、签到表 1 份）。"
    assert rows_of(ws, "activities", id=aid) == activity_before  # every column, created/updated times too
    assert rows_of(ws, "attachments", activity_id=aid) == attachments_before
    for sha, path in files_before.items():
        assert path.is_file() and sha256_of(path) == sha
    assert search(ws, "重阳节敬老") == [aid]  # the FTS index is kept by triggers
    assert bin_rows(ws) == []
    with ws.read() as s:
        detail = asvc.get_activity(s, aid, ws.files)
    assert detail.row.photo_count == 1 and detail.row.sign_in_count == 1
    (restore,) = entries(ws, action="restore")
    assert restore.entity == "activities" and restore.entity_id == aid and restore.user == USER
    assert values(restore)[1]["恢复照片"] == 2 and "改用新编号" not in values(restore)[1]
    with pytest.raises(NotFoundError), ws.write() as s:
        recycle_bin.restore_item(s, item.id)


def test_restore_when_the_original_id_was_taken_meanwhile(ws, tmp_path) -> None:
    aid = activity_with_files(ws, tmp_path)
    before = rows_of(ws, "activities", id=aid)[0]
    old_attachments = rows_of(ws, "attachments", activity_id=aid)
    with ws.write() as s:
        asvc.delete_activities(s, [aid])
    other = activity_with_files(ws, tmp_path, "国庆升旗仪式", "red")
    assert other == aid  # SQLite hands the freed id to the next activity
    other_row = rows_of(ws, "activities", id=other)[0]
    with ws.write() as s:
        info = recycle_bin.restore_item(s, bin_rows(ws)[0].id, ws.files)
    assert info.entity_id != aid and info.original_id == aid
    restored = rows_of(ws, "activities", id=info.entity_id)[0]
    assert {k: v for k, v in restored.items() if k != "id"} == {k: v for k, v in before.items() if k != "id"}
    assert rows_of(ws, "activities", id=other)[0] == other_row  # the newcomer is untouched
    attachments = rows_of(ws, "attachments", activity_id=info.entity_id)
    assert len(attachments) == 2
    strip = ("id", "activity_id")
    assert [{k: v for k, v in a.items() if k not in strip} for a in attachments] == \
           [{k: v for k, v in a.items() if k not in strip} for a in old_attachments]
    assert len(rows_of(ws, "attachments", activity_id=other)) == 2
    assert sorted(search(ws, "重阳节敬老")) == [info.entity_id] and search(ws, "国庆升旗") == [other]
    (restore,) = entries(ws, action="restore")
    assert values(restore)[1]["改用新编号"][f"activities#{aid}"] == info.entity_id


def test_restore_refused_with_a_clear_message_when_the_category_is_gone(ws, tmp_path) -> None:
    with ws.write() as s:
        node = add_category(s, "楼道文化节")
        aid = asvc.create_activity(s, draft(s, category_id=node.id), ws.files)
    with ws.write() as s:
        asvc.delete_activities(s, [aid])
        delete_category(s, node.id)  # allowed: no activity uses it any more
    (item,) = bin_rows(ws)
    with pytest.raises(ValidationError) as err, ws.write() as s:
        recycle_bin.restore_item(s, item.id, ws.files)
    message = str(err.value)
    assert "活动类别「楼道文化节」已被删除" in message and "重阳节敬老爱老活动" in message
    assert err.value.problems[0].field == "活动类别"
    assert bin_rows(ws) == [item] and rows_of(ws, "activities") == []  # nothing written
    assert entries(ws, action="restore") == []


def test_archived_activities_never_reach_the_bin(ws) -> None:
    with ws.write() as s:
        aid = asvc.create_activity(s, draft(s), ws.files)
        file_records(s, ws.files, [aid])  # filed: 已归档
    with pytest.raises(ValidationError, match="已归档"), ws.write() as s:
        asvc.delete_activities(s, [aid])
    assert bin_rows(ws) == [] and len(rows_of(ws, "activities")) == 1


def test_volunteer_with_trainings_round_trip(ws) -> None:
    with ws.write() as s:
        team = vsvc.add_team(s, "楼道互助队")
        vid = add_volunteer(s, "林秀英", KNOWN_FEMALE, phone="13812345678", team_id=team, skills="理发")
        vsvc.add_training(s, vid, "急救培训", date(2026, 4, 1), 120, "心肺复苏", "红十字会")
        vsvc.add_training(s, vid, "消防培训", date(2026, 5, 1), 90)
        vsvc.add_commendation(s, vid, "优秀志愿者", date(2026, 5, 1), "惠泉镇")
        vsvc.add_evaluation(s, vid, "优秀", date(2026, 6, 1), "王堃", "服务热情")
    tables = ("volunteers", "trainings", "commendations", "evaluations")
    before = {t: rows_of(ws, t) for t in tables}
    with ws.write() as s:
        bin_id = vsvc.delete_volunteer(s, vid)
    assert all(rows_of(ws, t) == [] for t in tables)
    (item,) = bin_rows(ws)
    assert item.id == bin_id and item.entity_label == "志愿者" and item.label.startswith("林秀英（ZY")
    assert item.children == {"trainings": 2, "commendations": 1, "evaluations": 1}
    assert item.children_text == "培训 2 条、表彰 1 条、评价 1 条"
    assert sorted(e.entity for e in entries(ws, action="delete")) == \
           ["commendations", "evaluations", "trainings", "trainings", "volunteers"]
    payload = json.loads(rows_of(ws, "recycle_bin")[0]["payload"])
    assert payload["entity"] == "volunteers" and payload["tables"]["volunteers"][0]["birth_date"] == "1949-12-31"
    assert payload["refs"]["teams"] == {str(team): "楼道互助队"}
    with ws.write() as s:
        info = recycle_bin.restore_item(s, bin_id)
    assert info.message == "已恢复志愿者「" + item.label + "」（含培训 2 条、表彰 1 条、评价 1 条）。"
    assert {t: rows_of(ws, t) for t in tables} == before


def test_volunteer_restored_without_a_team_that_was_deleted(ws) -> None:
    with ws.write() as s:
        team = vsvc.add_team(s, "楼道互助队")
        vid = add_volunteer(s, "林秀英", KNOWN_FEMALE, team_id=team)
    with ws.write() as s:
        vsvc.delete_volunteer(s, vid)
        vsvc.delete_team(s, team)
    with ws.write() as s:
        info = recycle_bin.restore_item(s, bin_rows(ws)[0].id)
    assert info.notes == ["原所属队伍「楼道互助队」已被删除，恢复后所属队伍为空，请在需要时重新选择。"]
    assert "楼道互助队" in info.message
    assert rows_of(ws, "volunteers")[0]["team_id"] is None and rows_of(ws, "volunteers")[0]["id"] == vid


def test_volunteer_restore_refused_when_the_id_number_was_registered_again(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s, "林秀英", KNOWN_FEMALE)
    with ws.write() as s:
        vsvc.delete_volunteer(s, vid)
    with ws.write() as s:
        add_volunteer(s, "林秀英", KNOWN_FEMALE)
    with pytest.raises(ValidationError) as err, ws.write() as s:
        recycle_bin.restore_item(s, bin_rows(ws)[0].id)
    message = str(err.value)
    assert "身份证号「110105********002X」已被「林秀英」使用，无法恢复。如是同一志愿者，请直接使用「林秀英」" in message
    assert KNOWN_FEMALE not in message
    assert len(bin_rows(ws)) == 1 and count(ws, Volunteer) == 1


def test_supplement_round_trip_and_its_volunteer_first(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        rid = hours.add_supplement(s, hours.SupplementDraft(volunteer_id=vid, service_date=date(2026, 3, 5), minutes=90,
                                                            title="义务理发", place="活动室", reason="签到表遗漏"), USER,
                                   at=datetime(2026, 3, 6, 9))
    before = rows_of(ws, "service_records")
    with ws.write() as s:
        supplement_bin = hours.delete_supplement(s, rid)
    with ws.write() as s:  # no service record names the volunteer now: they may go to the bin too
        vsvc.delete_volunteer(s, vid)
    rows = bin_rows(ws)
    assert [r.entity_label for r in rows] == ["志愿者", "补录记录"]
    assert rows[1].label == "林秀英：2026-03-05「义务理发」1.5 小时"
    with pytest.raises(ValidationError, match="也在回收站中，请先恢复「林秀英（ZY"), ws.write() as s:
        recycle_bin.restore_item(s, supplement_bin)
    with ws.write() as s:
        recycle_bin.restore_item(s, rows[0].id)
        info = recycle_bin.restore_item(s, supplement_bin)
    assert info.entity_label == "补录记录" and rows_of(ws, "service_records") == before
    with ws.read() as s:
        assert hours.hours_total(s, vid).supplement_minutes == 90


def test_empty_bin_removes_only_files_nobody_references(ws, tmp_path) -> None:
    shared = make_image(tmp_path / "shared.jpg", "green")
    own = make_image(tmp_path / "own.jpg", "purple")
    dropped = make_image(tmp_path / "dropped.jpg", "yellow")
    with ws.write() as s:
        keep = asvc.create_activity(s, draft(s, title="国庆升旗仪式"), ws.files, [NewAttachment(str(shared))])
        gone = asvc.create_activity(s, draft(s), ws.files, [NewAttachment(str(shared)), NewAttachment(str(own))])
        edited = asvc.create_activity(s, draft(s, title="端午包粽子"), ws.files, [NewAttachment(str(dropped))])
    path = {name: ws.files.path_for(sha256_of(p), ".jpg") for name, p in
            (("shared", shared), ("own", own), ("dropped", dropped))}
    with ws.write() as s:
        asvc.delete_activities(s, [gone])
        photo = asvc.get_activity(s, edited, ws.files).attachments[0]
        asvc.update_activity(s, edited, draft(s, title="端午包粽子"), ws.files, remove=[photo.id])
    stray = ws.files.root / "ab" / ".incoming-xyz"  # a half-written upload is not the bin's business
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"x")

    with ws.preview() as s:  # rolled back: neither the bin nor any file is touched
        recycle_bin.empty_bin(s, ws.files)
    assert len(bin_rows(ws)) == 1 and all(p.is_file() for p in path.values())

    with ws.write() as s:
        assert recycle_bin.empty_bin(s, ws.files) == 1
        assert path["own"].is_file()  # files go only once the transaction has committed
    assert bin_rows(ws) == []
    assert path["shared"].is_file() and sha256_of(path["shared"]) == sha256_of(shared)  # still used by `keep`
    assert not path["own"].exists() and not path["dropped"].exists()
    assert stray.is_file()
    with ws.read() as s:
        assert asvc.get_activity(s, keep, ws.files).attachments[0].path == path["shared"]
    (entry,) = entries(ws, action="empty")
    assert entry.summary == "清空回收站：1 项，清理不再使用的附件文件 2 个" and entry.user == USER
    assert values(entry)[1] == {"删除项数": 1, "删除附件文件": 2}


def test_purge_one_item_keeps_files_another_bin_item_needs(ws, tmp_path) -> None:
    shared = make_image(tmp_path / "shared.jpg", "green")
    own = make_image(tmp_path / "own.jpg", "purple")
    with ws.write() as s:
        first = asvc.create_activity(s, draft(s, title="国庆升旗仪式"), ws.files, [NewAttachment(str(shared)), NewAttachment(str(own))])
        second = asvc.create_activity(s, draft(s), ws.files, [NewAttachment(str(shared))])
    with ws.write() as s:
        asvc.delete_activities(s, [first, second])
    by_title = {r.label.split("（")[0]: r for r in bin_rows(ws)}
    with ws.write() as s:
        recycle_bin.purge_item(s, by_title["国庆升旗仪式"].id, ws.files)
    assert [r.id for r in bin_rows(ws)] == [by_title["重阳节敬老爱老活动"].id]
    assert ws.files.path_for(sha256_of(shared), ".jpg").is_file()
    assert not ws.files.path_for(sha256_of(own), ".jpg").exists()
    (entry,) = entries(ws, action="purge")
    assert entry.entity == "activities" and entry.entity_id == first and "国庆升旗仪式" in entry.summary
    with ws.write() as s:
        recycle_bin.restore_item(s, by_title["重阳节敬老爱老活动"].id, ws.files)
    assert search(ws, "重阳节敬老") == [second]


def test_restore_notes_a_missing_photo_file(ws, tmp_path) -> None:
    aid = activity_with_files(ws, tmp_path)
    with ws.write() as s:
        asvc.delete_activities(s, [aid])
    for a in rows_of(ws, "recycle_bin"):
        for att in json.loads(a["payload"])["tables"]["attachments"]:
            if att["kind"] == "photo":
                ws.files.path_for(att["sha256"], att["suffix"]).unlink()
    with ws.write() as s:
        info = recycle_bin.restore_item(s, bin_rows(ws)[0].id, ws.files)
    assert any("1 个附件文件" in n for n in info.notes)


def test_only_an_admin_removes_for_good(ws, tmp_path) -> None:
    aid = activity_with_files(ws, tmp_path)
    with ws.write() as s:
        asvc.delete_activities(s, [aid])
    ws.role = "editor"
    with pytest.raises(PermissionDenied), ws.write() as s:
        recycle_bin.empty_bin(s, ws.files)
    with pytest.raises(PermissionDenied), ws.write() as s:
        recycle_bin.purge_item(s, bin_rows(ws)[0].id, ws.files)
    assert len(bin_rows(ws)) == 1
    with ws.write() as s:  # an editor may bring things back
        recycle_bin.restore_item(s, bin_rows(ws)[0].id, ws.files)
    assert count(ws, RecycledItem) == 0 and count(ws, Activity) == 1 and count(ws, Attachment) == 2


def test_payload_is_built_from_the_table_definitions(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        vsvc.add_training(s, vid, "急救培训", date(2026, 4, 1), 120)
        v, t = s.get(Volunteer, vid), s.scalars(select(Training)).one()
        assert set(recycle_bin.row_dict(v)) == {c.name for c in Volunteer.__table__.columns}
        assert recycle_bin.row_dict(t)["held_on"] == "2026-04-01"
        assert isinstance(recycle_bin.row_dict(v)["created_at"], str)
        json.dumps(recycle_bin.row_dict(v))  # JSON as it is
