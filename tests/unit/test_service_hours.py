"""Service hours: one-step attendance with an activity, 补录, late flags, totals and ledgers."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.domain.volunteer import ServiceSource, entry_deadline
from huiquan_desk.services import activities, recycle_bin
from huiquan_desk.services import service_hours as svc
from huiquan_desk.services import volunteers as vsvc
from huiquan_desk.services.service_hours import NO_TEAM, TOTAL, MonthlyStat, SupplementDraft
from huiquan_desk.storage.models import ServiceRecord
from tests.helpers import draft as activity_draft
from tests.volunteer_helpers import add_activity, add_volunteer

START, END = datetime(2026, 10, 18, 9, 0), datetime(2026, 10, 18, 11, 30)  # 重阳 activity, 150 minutes
NEXT_DAY = datetime(2026, 10, 19, 9, 0)


def record_count(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(ServiceRecord))


@pytest.fixture
def three(ws):  # type: ignore[no-untyped-def]
    """An activity on 2026-10-18 and three volunteers (ids a, b, c)."""
    with ws.write() as s:
        aid = add_activity(s, ws.files, START, END)
        vids = [add_volunteer(s, name, seq=i) for i, name in ((1, "王芳"), (3, "李强"), (5, "赵敏"))]
    return aid, vids


def supplement(**overrides) -> SupplementDraft:  # type: ignore[no-untyped-def]
    values = dict(service_date=date(2026, 10, 20), minutes=90, title="楼道清理", place="3号楼", content="清理杂物",
                  reason="当天签到表遗漏")
    values.update(overrides)
    return SupplementDraft(**values)


# --- default hours ----------------------------------------------------------------------------------
def test_default_minutes_from_the_activity_duration() -> None:
    assert svc.default_minutes(START, END) == 150
    assert svc.default_minutes(START, START + timedelta(minutes=10)) == 30  # at least half an hour
    assert svc.default_minutes(START, START + timedelta(hours=30)) == 1440  # at most a day
    assert svc.default_minutes(START, START) == 30


def test_default_minutes_for_a_stored_activity(ws, three) -> None:
    aid, vids = three
    with ws.read() as s:
        detail = activities.get_activity(s, aid, ws.files)
        default = svc.default_minutes(detail.row.start, detail.row.end)
    with ws.write() as s:
        svc.record_attendance(s, aid, dict.fromkeys(vids, default), "王堃", at=NEXT_DAY)
    with ws.read() as s:
        assert [r.minutes for r in svc.attendance(s, aid)] == [150, 150, 150]


# --- one-step attendance -------------------------------------------------------------------------------
def test_record_attendance_for_several_volunteers_in_one_step(ws, three) -> None:
    aid, (a, b, c) = three
    with ws.write() as s:
        assert svc.record_attendance(s, aid, {a: 150, b: 120, c: 90}, " 王堃 ", at=NEXT_DAY) == 3
    with ws.read() as s:
        rows = svc.attendance(s, aid)
        first = s.scalars(select(ServiceRecord).order_by(ServiceRecord.volunteer_id)).first()
        assert first.source == ServiceSource.ACTIVITY.value and first.activity_id == aid
        assert first.service_date == date(2026, 10, 18) and first.title == "重阳节敬老爱老活动"
        assert (first.place, first.organizer, first.leader) == ("惠泉社区活动室", "惠泉社区居委会", "王堃")
        assert first.content.startswith("为辖区 80 岁以上老人") and first.reason == ""
    assert [(r.name, r.number, r.minutes) for r in rows] == [
        ("王芳", "ZY20260001", 150), ("李强", "ZY20260002", 120), ("赵敏", "ZY20260003", 90)]
    assert all(r.entered_by == "王堃" and r.entered_at == NEXT_DAY and not r.late for r in rows)


@pytest.mark.parametrize("bad", [0, -30, 25 * 60, 1441, 90.5, True])
def test_one_invalid_entry_and_nothing_is_written(ws, three, bad) -> None:
    aid, (a, b, c) = three
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.record_attendance(s, aid, {a: 150, b: bad, c: 90}, "王堃", at=NEXT_DAY)
    assert [p.field for p in err.value.problems] == ["服务时长"]
    assert "李强" in err.value.problems[0].message
    assert record_count(ws) == 0


def test_a_failed_rerecord_leaves_the_earlier_one_untouched(ws, three) -> None:
    aid, (a, b, c) = three
    with ws.write() as s:
        svc.record_attendance(s, aid, {a: 150, b: 150, c: 150}, "王堃", at=NEXT_DAY)
    with pytest.raises(ValidationError), ws.write() as s:
        svc.record_attendance(s, aid, {a: 60, b: 0}, "陶喆", at=NEXT_DAY + timedelta(hours=1))
    with ws.read() as s:
        assert [(r.minutes, r.entered_by) for r in svc.attendance(s, aid)] == [(150, "王堃")] * 3


def test_unknown_volunteer_and_missing_activity_and_blank_enterer(ws, three) -> None:
    aid, (a, _, _) = three
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.record_attendance(s, aid, {a: 150, 999: 150}, "王堃", at=NEXT_DAY)
    assert [p.field for p in err.value.problems] == ["志愿者"]
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.record_attendance(s, aid, {a: 150}, "  ", at=NEXT_DAY)
    assert [p.field for p in err.value.problems] == ["登记人"]
    with pytest.raises(NotFoundError), ws.write() as s:
        svc.record_attendance(s, 999, {a: 150}, "王堃", at=NEXT_DAY)
    assert record_count(ws) == 0


def test_rerecording_replaces(ws, three) -> None:
    aid, (a, b, c) = three
    with ws.write() as s:
        svc.record_attendance(s, aid, {a: 150, b: 150, c: 150}, "王堃", at=NEXT_DAY)
    later = NEXT_DAY + timedelta(days=1)
    with ws.write() as s:
        assert svc.record_attendance(s, aid, {a: 150, b: 90}, "陶喆", at=later) == 2
    with ws.read() as s:
        rows = {r.volunteer_id: r for r in svc.attendance(s, aid)}
    assert set(rows) == {a, b}  # c removed
    assert (rows[a].minutes, rows[a].entered_by, rows[a].entered_at) == (150, "王堃", NEXT_DAY)  # unchanged
    assert (rows[b].minutes, rows[b].entered_by, rows[b].entered_at) == (90, "陶喆", later)  # changed
    assert record_count(ws) == 2
    with ws.write() as s:
        svc.record_attendance(s, aid, {}, "陶喆", at=later)
    assert record_count(ws) == 0


def test_rerecording_keeps_supplements_of_the_same_activity(ws, three) -> None:
    aid, (a, b, _) = three
    with ws.write() as s:
        svc.record_attendance(s, aid, {a: 150}, "王堃", at=NEXT_DAY)
        svc.add_supplement(s, supplement(volunteer_id=b, activity_id=aid, service_date=date(2026, 10, 18)), "王堃",
                           at=NEXT_DAY)
        svc.record_attendance(s, aid, {}, "王堃", at=NEXT_DAY)
    with ws.read() as s:
        rows = svc.service_rows(s)
    assert [(r.volunteer_id, r.source) for r in rows] == [(b, ServiceSource.SUPPLEMENT)]


def test_rerecording_refreshes_what_was_copied_from_the_activity(ws, three) -> None:
    aid, (a, _, _) = three
    with ws.write() as s:
        svc.record_attendance(s, aid, {a: 150}, "王堃", at=NEXT_DAY)
        activities.update_activity(s, aid, activity_draft(s, title="重阳节敬老活动", start=datetime(2026, 10, 17, 9),
                                                          end=datetime(2026, 10, 17, 11), place="老年活动中心"), ws.files)
        svc.record_attendance(s, aid, {a: 150}, "陶喆", at=NEXT_DAY + timedelta(days=3))
    with ws.read() as s:
        row = svc.service_rows(s)[0]
    assert (row.title, row.place, row.service_date) == ("重阳节敬老活动", "老年活动中心", date(2026, 10, 17))
    assert (row.entered_by, row.entered_at) == ("王堃", NEXT_DAY)  # hours unchanged: the entry is the first one


def test_an_activity_in_the_future_is_refused(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        aid = add_activity(s, ws.files, datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 11))
        far = add_activity(s, ws.files, datetime(2099, 1, 1, 9), datetime(2099, 1, 1, 11))
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.record_attendance(s, aid, {vid: 120}, "王堃", at=datetime(2026, 11, 30, 18))
    assert err.value.problems[0].field == "活动"
    with pytest.raises(ValidationError), ws.write() as s:
        svc.record_attendance(s, far, {vid: 120}, "王堃")  # against the real clock
    with ws.write() as s:  # on the day itself it is allowed
        svc.record_attendance(s, aid, {vid: 120}, "王堃", at=datetime(2026, 12, 1, 8))
    assert record_count(ws) == 1


# --- late flags ---------------------------------------------------------------------------------------
def test_late_flag_around_the_national_day_holiday(ws) -> None:
    ended = date(2026, 9, 28)
    deadline = entry_deadline(ended)
    assert deadline == date(2026, 10, 16)  # 10 working days: 国庆 skipped, the 10-10 调休 Saturday counted
    with ws.write() as s:
        a, b = add_volunteer(s, seq=1), add_volunteer(s, seq=3)
        on_time = add_activity(s, ws.files, datetime(2026, 9, 28, 9), datetime(2026, 9, 28, 11))
        too_late = add_activity(s, ws.files, datetime(2026, 9, 28, 14), datetime(2026, 9, 28, 16))
        svc.record_attendance(s, on_time, {a: 120}, "王堃", at=datetime.combine(deadline, time(23, 59)))
        svc.record_attendance(s, too_late, {a: 120, b: 120}, "王堃",
                              at=datetime.combine(deadline + timedelta(days=1), time(8, 0)))
    with ws.read() as s:
        assert [r.late for r in svc.attendance(s, on_time)] == [False]
        assert [r.late for r in svc.attendance(s, too_late)] == [True, True]
        assert sorted(r.late for r in svc.service_rows(s, volunteer_id=a)) == [False, True]
    # A day-count without the holiday arrangement would have said 10-12: an entry on 10-15 is on time.
    with ws.write() as s:
        svc.record_attendance(s, on_time, {a: 100}, "王堃", at=datetime(2026, 10, 15, 9))
    with ws.read() as s:
        assert [r.late for r in svc.attendance(s, on_time)] == [False]


def test_late_uses_the_end_of_a_multi_day_activity(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        aid = add_activity(s, ws.files, datetime(2026, 9, 14, 9), datetime(2026, 9, 28, 17))
        # 10 working days after the start (09-14) would be 09-28; after the end it is 10-16.
        svc.record_attendance(s, aid, {vid: 300}, "王堃", at=datetime(2026, 10, 12, 9))
    with ws.read() as s:
        row = svc.attendance(s, aid)[0]
        assert not row.late and svc.service_rows(s)[0].service_date == date(2026, 9, 14)


def test_changing_hours_after_the_deadline_marks_the_change_late(ws, three) -> None:
    aid, (a, b, _) = three
    deadline = entry_deadline(date(2026, 10, 18))
    with ws.write() as s:
        svc.record_attendance(s, aid, {a: 150, b: 150}, "王堃", at=NEXT_DAY)
        svc.record_attendance(s, aid, {a: 150, b: 60}, "王堃", at=datetime.combine(deadline + timedelta(days=1), time(9)))
    with ws.read() as s:
        assert [(r.volunteer_id, r.late) for r in svc.attendance(s, aid)] == [(a, False), (b, True)]


# --- 补录 -----------------------------------------------------------------------------------------------
def test_supplement_needs_a_reason_and_is_kept_apart(ws, three) -> None:
    aid, (a, _, _) = three
    entered = datetime(2026, 10, 21, 15, 30)
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.add_supplement(s, supplement(volunteer_id=a, reason="  "), "王堃", at=entered)
    assert [p.field for p in err.value.problems] == ["补录原因"]
    with ws.write() as s:
        svc.record_attendance(s, aid, {a: 150}, "王堃", at=NEXT_DAY)
        rid = svc.add_supplement(s, supplement(volunteer_id=a, title=" 楼道清理 "), " 陶喆 ", at=entered)
    with ws.read() as s:
        total = svc.hours_total(s, a)
        rows = svc.service_rows(s, volunteer_id=a)
        assert s.get(ServiceRecord, rid).activity_id is None and not s.get(ServiceRecord, rid).late
    assert (total.activity_minutes, total.supplement_minutes, total.minutes, total.services) == (150, 90, 240, 2)
    assert [r.source for r in rows] == [ServiceSource.ACTIVITY, ServiceSource.SUPPLEMENT]
    assert rows[1].source.label == "补录" and rows[0].source.label == "随活动登记"
    assert (rows[1].title, rows[1].reason, rows[1].entered_by, rows[1].entered_at) == (
        "楼道清理", "当天签到表遗漏", "陶喆", entered)
    assert rows[1].hours == "1.5" and not rows[1].late


def test_a_supplement_long_after_the_service_is_late(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        rid = svc.add_supplement(s, supplement(volunteer_id=vid, service_date=date(2026, 3, 1)), "王堃",
                                 at=datetime(2026, 10, 21, 9))
    with ws.read() as s:
        assert s.get(ServiceRecord, rid).late


@pytest.mark.parametrize("changes,field", [
    ({"volunteer_id": None}, "志愿者"),
    ({"volunteer_id": 999}, "志愿者"),
    ({"service_date": None}, "服务日期"),
    ({"service_date": date(2026, 10, 22)}, "服务日期"),  # after the entry day
    ({"minutes": 0}, "服务时长"),
    ({"minutes": 1441}, "服务时长"),
    ({"minutes": 1.5}, "服务时长"),
    ({"title": ""}, "活动名称"),
    ({"title": "名" * 201}, "活动名称"),
    ({"activity_id": 999}, "活动"),
])
def test_supplement_validation_names_the_field(ws, changes, field) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
    values = {"volunteer_id": vid, **changes}
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.add_supplement(s, supplement(**values), "王堃", at=datetime(2026, 10, 21, 9))
    assert [p.field for p in err.value.problems] == [field]
    assert record_count(ws) == 0


def test_supplement_needs_who_entered_it(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.add_supplement(s, supplement(volunteer_id=vid), "", at=datetime(2026, 10, 21, 9))
    assert [p.field for p in err.value.problems] == ["登记人"]


def test_delete_supplement_refuses_activity_records(ws, three) -> None:
    aid, (a, _, _) = three
    with ws.write() as s:
        svc.record_attendance(s, aid, {a: 150}, "王堃", at=NEXT_DAY)
        rid = svc.add_supplement(s, supplement(volunteer_id=a), "王堃", at=datetime(2026, 10, 21))
    with ws.read() as s:
        activity_record = s.scalar(select(ServiceRecord.id).where(ServiceRecord.source == "activity"))
    with pytest.raises(ValidationError, match="志愿服务登记"), ws.write() as s:
        svc.delete_supplement(s, activity_record)
    with ws.write() as s:
        svc.delete_supplement(s, rid)
    with ws.read() as s:
        assert [r.id for r in svc.service_rows(s)] == [activity_record]
        assert [(r.entity_label, r.entity_id) for r in recycle_bin.list_bin(s)] == [("补录记录", rid)]
    with pytest.raises(NotFoundError), ws.write() as s:
        svc.delete_supplement(s, rid)


# --- totals and ledgers --------------------------------------------------------------------------------
def test_hours_total_for_a_period_boundaries_inclusive(ws) -> None:
    at = datetime(2026, 11, 1, 9)
    with ws.write() as s:
        a, b = add_volunteer(s, seq=1), add_volunteer(s, seq=3)
        for day, minutes in ((date(2025, 12, 31), 10), (date(2026, 1, 1), 20), (date(2026, 6, 30), 40),
                             (date(2026, 7, 1), 80)):
            svc.add_supplement(s, supplement(volunteer_id=a, service_date=day, minutes=minutes), "王堃", at=at)
        svc.add_supplement(s, supplement(volunteer_id=b, service_date=date(2026, 3, 1), minutes=300), "王堃", at=at)
    with ws.read() as s:
        half = svc.hours_total(s, a, date(2026, 1, 1), date(2026, 6, 30))
        assert (half.minutes, half.services) == (60, 2)
        assert svc.hours_total(s, a, date(2026, 6, 30), date(2026, 6, 30)).minutes == 40
        assert svc.hours_total(s, a, start=date(2026, 1, 1)).minutes == 140
        assert svc.hours_total(s, a, end=date(2026, 1, 1)).minutes == 30
        assert svc.hours_total(s, a).minutes == 150
        assert svc.hours_total(s).minutes == 450  # everyone
        assert svc.hours_total(s, None, date(2026, 1, 1), date(2026, 6, 30)).minutes == 360
        empty = svc.hours_total(s, a, date(2027, 1, 1), date(2027, 12, 31))
        assert (empty.activity_minutes, empty.supplement_minutes, empty.services) == (0, 0, 0)


def test_service_rows_filters(ws) -> None:
    with ws.write() as s:
        teams = [t.id for t in vsvc.list_teams(s)]
        a = add_volunteer(s, "王芳", seq=2, team_id=teams[0])
        b = add_volunteer(s, "李强", seq=3, team_id=teams[1])
        c = add_volunteer(s, "赵敏", seq=4)
        aid = add_activity(s, ws.files, START, END)
        svc.record_attendance(s, aid, {a: 150, b: 150, c: 150}, "王堃", at=NEXT_DAY)
        svc.add_supplement(s, supplement(volunteer_id=a, service_date=date(2026, 9, 1)), "王堃", at=NEXT_DAY)
        svc.add_supplement(s, supplement(volunteer_id=b, service_date=date(2026, 10, 19)), "王堃", at=NEXT_DAY)
    with ws.read() as s:
        everything = svc.service_rows(s)
        assert [(r.service_date, r.volunteer) for r in everything] == [
            (date(2026, 9, 1), "王芳"), (date(2026, 10, 18), "王芳"), (date(2026, 10, 18), "李强"),
            (date(2026, 10, 18), "赵敏"), (date(2026, 10, 19), "李强")]
        assert [r.team for r in everything] == ["党员志愿服务队", "党员志愿服务队", "青年志愿服务队", "", "青年志愿服务队"]
        assert len(svc.service_rows(s, date(2026, 10, 18), date(2026, 10, 18))) == 3
        assert len(svc.service_rows(s, start=date(2026, 10, 19))) == 1
        assert len(svc.service_rows(s, end=date(2026, 9, 1))) == 1
        assert {r.volunteer for r in svc.service_rows(s, volunteer_id=b)} == {"李强"}
        assert [r.volunteer_number for r in svc.service_rows(s, team_id=teams[0])] == ["ZY20260001"] * 2
        assert svc.service_rows(s, team_id=teams[2]) == []
        assert [r.volunteer for r in svc.service_rows(s, team_id=svc.NO_TEAM_ID)] == ["赵敏"]  # 未分队
        assert everything[1].hours == "2.5"


def test_monthly_stats_per_team_and_month_with_totals(ws) -> None:
    at = datetime(2026, 11, 1, 9)
    with ws.write() as s:
        teams = [t.id for t in vsvc.list_teams(s)]
        v1 = add_volunteer(s, "王芳", seq=2, team_id=teams[0])
        v2 = add_volunteer(s, "李强", seq=3, team_id=teams[0])
        v3 = add_volunteer(s, "赵敏", seq=4, team_id=teams[1])
        v4 = add_volunteer(s, "孙丽", seq=6)
        for vid, day, minutes in ((v1, date(2026, 1, 5), 60), (v1, date(2026, 1, 20), 30), (v2, date(2026, 1, 31), 90),
                                  (v1, date(2026, 2, 1), 120), (v3, date(2026, 1, 10), 45), (v4, date(2026, 1, 11), 15),
                                  (v1, date(2025, 12, 31), 600), (v3, date(2026, 12, 31), 60)):
            svc.add_supplement(s, supplement(volunteer_id=vid, service_date=day, minutes=minutes), "王堃",
                               at=max(at, datetime.combine(day, time(12))))
    with ws.read() as s:
        stats = svc.monthly_stats(s, 2026)
    assert stats == [
        MonthlyStat("党员志愿服务队", 1, 2, 3, 180),
        MonthlyStat("党员志愿服务队", 2, 1, 1, 120),
        MonthlyStat("青年志愿服务队", 1, 1, 1, 45),
        MonthlyStat("青年志愿服务队", 12, 1, 1, 60),
        MonthlyStat(NO_TEAM, 1, 1, 1, 15),
        MonthlyStat(TOTAL, 1, 4, 5, 240),
        MonthlyStat(TOTAL, 2, 1, 1, 120),
        MonthlyStat(TOTAL, 12, 1, 1, 60),
    ]
    assert stats[0].hours == "3" and stats[2].hours == "0.75"
    with ws.read() as s:
        assert svc.monthly_stats(s, 2024) == []


def test_monthly_stats_count_a_volunteer_once_per_month(ws, three) -> None:
    aid, (a, b, _) = three
    with ws.write() as s:
        svc.record_attendance(s, aid, {a: 150, b: 150}, "王堃", at=NEXT_DAY)
        svc.add_supplement(s, supplement(volunteer_id=a), "王堃", at=datetime(2026, 10, 21))
    with ws.read() as s:
        stats = svc.monthly_stats(s, 2026)
    assert [(m.team, m.month, m.volunteers, m.services, m.minutes) for m in stats] == [
        (NO_TEAM, 10, 2, 3, 390), (TOTAL, 10, 2, 3, 390)]


def test_supplement_cannot_double_count_an_attended_activity(ws) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime as _dt
    from datetime import timedelta as _td

    from huiquan_desk.services import activities as activity_service
    from huiquan_desk.services import service_hours as sh
    from huiquan_desk.services import volunteers as vs
    from tests.helpers import draft

    with ws.write() as s:
        vid = vs.create_volunteer(s, vs.VolunteerDraft(name="王堃", id_number="11010519491231002X"))
        start = _dt(2026, 3, 5, 9)
        aid = activity_service.create_activity(s, draft(s, start=start, end=start + _td(hours=2)), ws.files)
        sh.record_attendance(s, aid, {vid: 120}, "陈晓燕", _dt(2026, 3, 6, 9))
    with pytest.raises(ValidationError) as err, ws.write() as s:
        sh.add_supplement(s, sh.SupplementDraft(volunteer_id=vid, service_date=start.date(), minutes=60, title="补",
                                                reason="漏记", activity_id=aid), "陈晓燕", _dt(2026, 3, 7, 9))
    assert "不能重复补录" in str(err.value)
