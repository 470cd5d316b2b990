"""The volunteer registry through the service layer, on a real (migrated) SQLite database."""

from dataclasses import fields
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.services import recycle_bin
from huiquan_desk.services import service_hours as hours
from huiquan_desk.services import volunteers as svc
from huiquan_desk.services.settings import STAR_THRESHOLDS
from huiquan_desk.services.volunteers import DuplicateVolunteerError, VolunteerDraft
from huiquan_desk.storage.models import Commendation, Evaluation, Setting, Training, Volunteer
from tests.volunteer_helpers import (
    KNOWN_FEMALE,
    KNOWN_MALE,
    add_activity,
    add_volunteer,
    make_id,
    to_fullwidth,
)

REG = date(2026, 3, 5)


def full(**overrides) -> VolunteerDraft:  # type: ignore[no-untyped-def]
    values = dict(name=" 林秀英 ", id_number="１１０１０５１９４９１２３１００２ｘ", phone="138 1234 5678", gender="女",
                  birth_date=date(1949, 12, 31), area=" 惠泉小区3号楼 ", skills="理发", service_types="敬老助残",
                  political_status="中共党员", registered_on=REG, remarks="")
    values.update(overrides)
    return VolunteerDraft(**values)


def volunteer_count(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(Volunteer))


def supplement(session, volunteer_id: int, minutes: int, day: date = date(2026, 6, 1)) -> int:  # type: ignore[no-untyped-def]
    return hours.add_supplement(session, hours.SupplementDraft(
        volunteer_id=volunteer_id, service_date=day, minutes=minutes, title="社区环境整治", reason="签到表遗漏"),
        "王堃", at=datetime(2026, 6, 2, 9, 0))


# --- teams ------------------------------------------------------------------------------------------
def test_seeded_teams_and_team_crud(ws) -> None:
    with ws.read() as s:
        names = [t.name for t in svc.list_teams(s)]
    assert names == ["党员志愿服务队", "青年志愿服务队", "社区志愿服务队", "巾帼志愿服务队"]
    with ws.write() as s:
        tid = svc.add_team(s, " 护河志愿服务队 ", "巡河")
        svc.rename_team(s, tid, "护河志愿队", "巡河护河")
    with ws.read() as s:
        last = svc.list_teams(s)[-1]
    assert (last.name, last.description, last.members) == ("护河志愿队", "巡河护河", 0)
    for bad in ("", "党员志愿服务队", "长" * 61):
        with pytest.raises(ValidationError) as err, ws.write() as s:
            svc.add_team(s, bad)
        assert err.value.problems[0].field == "队伍名称"


def test_team_delete_refused_while_it_has_members(ws) -> None:
    with ws.write() as s:
        tid = svc.add_team(s, "护河志愿队")
        vid = add_volunteer(s, team_id=tid)
    with pytest.raises(ValidationError, match="还有 1 名志愿者") as err, ws.write() as s:
        svc.delete_team(s, tid)
    assert err.value.problems[0].field == "队伍"
    with ws.read() as s:
        assert [t.members for t in svc.list_teams(s) if t.id == tid] == [1]
        assert svc.team_member_ids(s, tid) == [vid]
    with ws.write() as s:
        svc.update_volunteer(s, vid, VolunteerDraft(name="林秀英", id_number=make_id(date(1980, 1, 1), 1),
                                                    team_id=None))
        svc.delete_team(s, tid)
    with ws.read() as s:
        assert tid not in [t.id for t in svc.list_teams(s)]
    with pytest.raises(NotFoundError), ws.write() as s:
        svc.delete_team(s, tid)


# --- create / update ----------------------------------------------------------------------------------
def test_create_normalises_and_get_shows_everything_in_full(ws) -> None:
    with ws.write() as s:
        team = svc.list_teams(s)[0].id
        vid = svc.create_volunteer(s, full(team_id=team))
    with ws.read() as s:
        detail = svc.get_volunteer(s, vid)
    d = detail.draft
    assert d.name == "林秀英" and d.area == "惠泉小区3号楼"
    assert d.id_number == KNOWN_FEMALE and d.phone == "13812345678"
    assert d.gender == "女" and d.birth_date == date(1949, 12, 31)
    assert d.registered_on == REG and d.number == "ZY20260001" and d.team_id == team
    assert detail.row.team == "党员志愿服务队" and detail.row.id_masked == "110105********002X"


def test_gender_and_birth_date_are_derived_when_left_blank(ws) -> None:
    with ws.write() as s:
        vid = svc.create_volunteer(s, VolunteerDraft(name="陈建国", id_number=KNOWN_MALE, registered_on=REG))
    with ws.read() as s:
        d = svc.get_volunteer(s, vid).draft
    assert (d.gender, d.birth_date, d.phone) == ("男", date(1880, 1, 1), "")


def test_update_normalises_and_keeps_number_and_registration(ws) -> None:
    with ws.write() as s:
        vid = svc.create_volunteer(s, full())
    with ws.write() as s:
        svc.update_volunteer(s, vid, VolunteerDraft(name="林秀英", id_number="11010519491231002x",
                                                    phone="+86 139-0000-1111", area="惠泉小区5号楼"))
    with ws.read() as s:
        d = svc.get_volunteer(s, vid).draft
    assert d.phone == "13900001111" and d.area == "惠泉小区5号楼" and d.id_number == KNOWN_FEMALE
    assert d.number == "ZY20260001"  # blank number keeps the one it has
    assert d.registered_on == REG  # blank registration date keeps the one it has
    with ws.write() as s:
        svc.update_volunteer(s, vid, full(number="HQ-007"))
    with ws.read() as s:
        assert svc.get_volunteer(s, vid).draft.number == "HQ-007"


def test_spreadsheet_datetimes_count_as_dates(ws) -> None:
    with ws.write() as s:
        vid = svc.create_volunteer(s, full(birth_date=datetime(1949, 12, 31), registered_on=datetime(2026, 3, 5, 0, 0)))
    with ws.read() as s:
        d = svc.get_volunteer(s, vid).draft
    assert d.birth_date == date(1949, 12, 31) and d.registered_on == REG


@pytest.mark.parametrize("changes,field,text", [
    ({"gender": "男"}, "性别", "号码显示为女"),
    ({"birth_date": date(1949, 12, 30)}, "出生日期", "1949-12-31"),
    ({"phone": "23812345678"}, "联系方式", "13-19"),
    ({"phone": "138123456789"}, "联系方式", "11 位"),
    ({"phone": "1381234567a"}, "联系方式", "11 位"),
    ({"id_number": "110105194912310021"}, "身份证号", "校验位"),
    ({"id_number": ""}, "身份证号", "不能为空"),
    ({"name": "  "}, "姓名", "必须填写"),
    ({"name": "名" * 51}, "姓名", "50"),
    ({"political_status": "党员"}, "政治面貌", "中共党员"),
    ({"team_id": 9999}, "所属队伍", "不存在"),
    ({"area": "楼" * 101}, "居住区域/楼栋", "100"),
])
def test_invalid_volunteer_names_the_field_and_saves_nothing(ws, changes, field, text) -> None:
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.create_volunteer(s, full(**changes))
    assert [p.field for p in err.value.problems] == [field]
    assert text in err.value.problems[0].message
    assert volunteer_count(ws) == 0


def test_every_problem_is_reported_at_once(ws) -> None:
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.create_volunteer(s, full(name="", gender="男", phone="123"))
    assert {p.field for p in err.value.problems} == {"姓名", "性别", "联系方式"}


def test_check_volunteer_reports_row_numbers_for_imports(ws) -> None:
    with ws.read() as s:
        result = svc.check_volunteer(s, full(phone="1"), row=7)
    assert [(p.field, p.row) for p in result.problems] == [("联系方式", 7)]
    assert result.draft.id_number == KNOWN_FEMALE


# --- one volunteer per ID number --------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["11010519491231002x", to_fullwidth(KNOWN_FEMALE), "110105 19491231 002X"])
def test_a_known_id_in_another_spelling_is_a_duplicate(ws, spelling: str) -> None:
    with ws.write() as s:
        first = svc.create_volunteer(s, full(id_number=KNOWN_FEMALE))
    with pytest.raises(DuplicateVolunteerError) as err, ws.write() as s:
        svc.create_volunteer(s, VolunteerDraft(name="林秀英", id_number=spelling, registered_on=REG))
    assert err.value.existing_id == first
    assert err.value.problems[0].field == "身份证号" and "ZY20260001" in err.value.problems[0].message
    assert volunteer_count(ws) == 1
    with ws.read() as s:
        assert svc.find_by_id_number(s, spelling) == first
        assert svc.find_by_id_number(s, KNOWN_MALE) is None
        assert svc.find_by_id_number(s, "") is None


def test_duplicate_is_reported_as_such_even_with_other_problems(ws) -> None:
    with ws.write() as s:
        first = svc.create_volunteer(s, full())
    with pytest.raises(DuplicateVolunteerError) as err, ws.write() as s:
        svc.create_volunteer(s, full(phone="123", name="林秀"))
    assert err.value.existing_id == first
    assert [p.field for p in err.value.problems] == ["身份证号", "联系方式"]


def test_update_to_another_volunteers_id_is_a_duplicate_but_own_id_is_not(ws) -> None:
    with ws.write() as s:
        a = svc.create_volunteer(s, full())
        b = svc.create_volunteer(s, VolunteerDraft(name="陈建国", id_number=KNOWN_MALE, registered_on=REG))
    with ws.write() as s:
        svc.update_volunteer(s, a, full(id_number="11010519491231002x", phone=""))  # its own number: fine
    with pytest.raises(DuplicateVolunteerError) as err, ws.write() as s:
        svc.update_volunteer(s, b, VolunteerDraft(name="陈建国", id_number=KNOWN_FEMALE))
    assert err.value.existing_id == a


def test_two_people_with_the_same_name_are_both_saved(ws) -> None:
    with ws.write() as s:
        a = add_volunteer(s, "王芳", seq=2)
        b = add_volunteer(s, "王芳", seq=4)
    with ws.read() as s:
        rows = svc.list_volunteers(s, "王芳")
    assert a != b and [r.name for r in rows] == ["王芳", "王芳"]


def test_volunteer_number_must_be_unique(ws) -> None:
    with ws.write() as s:
        add_volunteer(s, seq=1, number="HQ-001")
    with pytest.raises(ValidationError) as err, ws.write() as s:
        add_volunteer(s, seq=3, number="HQ-001")
    assert err.value.problems[0].field == "志愿者编号"


# --- automatic numbers ------------------------------------------------------------------------------------
def test_automatic_numbers_count_up_per_registration_year(ws) -> None:
    with ws.write() as s:
        ids = [add_volunteer(s, f"志愿者{i}", seq=2 * i + 1) for i in range(3)]
        other_year = add_volunteer(s, "次年", seq=99, registered_on=date(2027, 1, 2))
    with ws.read() as s:
        numbers = [svc.get_volunteer(s, i).draft.number for i in ids]
        assert svc.get_volunteer(s, other_year).draft.number == "ZY20270001"
    assert numbers == ["ZY20260001", "ZY20260002", "ZY20260003"]


def test_hand_typed_numbers_do_not_break_the_count(ws) -> None:
    with ws.write() as s:
        add_volunteer(s, seq=1)  # ZY20260001
        add_volunteer(s, seq=3, number="ZY2026ABCD")  # sorts after digits and matches LIKE 'ZY2026____'
        vid = add_volunteer(s, seq=5)
        assert svc.get_volunteer(s, vid).draft.number == "ZY20260002"
        add_volunteer(s, seq=7, number="zy20260007")  # another spelling, not an automatic number
        add_volunteer(s, seq=9, number="ZY20260005")
        vid = add_volunteer(s, seq=11)
        assert svc.get_volunteer(s, vid).draft.number == "ZY20260006"
        assert svc.next_volunteer_number(s, 2026) == "ZY20260007"


def test_next_number_skips_a_number_already_taken(ws) -> None:
    with ws.write() as s:
        add_volunteer(s, seq=1, number="ZY20260001")
        add_volunteer(s, seq=3, number="ZY20269999")
        vid = add_volunteer(s, seq=5)
        assert svc.get_volunteer(s, vid).draft.number == "ZY202610000"


# --- deletion ---------------------------------------------------------------------------------------
def test_delete_refused_when_service_records_exist(ws) -> None:
    with ws.write() as s:
        keep = add_volunteer(s, seq=1)
        free = add_volunteer(s, seq=3)
        supplement(s, keep, 60)
    with pytest.raises(ValidationError, match="1 条服务记录") as err, ws.write() as s:
        svc.delete_volunteer(s, keep)
    assert err.value.problems[0].field == "姓名"
    with ws.write() as s:
        svc.delete_volunteer(s, free)
    assert volunteer_count(ws) == 1
    with pytest.raises(NotFoundError), ws.write() as s:
        svc.delete_volunteer(s, free)


def test_delete_removes_trainings_and_other_records_with_the_volunteer(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        svc.add_training(s, vid, "急救培训", date(2026, 4, 1), 120)
        svc.add_commendation(s, vid, "优秀志愿者", date(2026, 5, 1))
        svc.add_evaluation(s, vid, "优秀", date(2026, 6, 1))
    with ws.write() as s:
        bin_id = svc.delete_volunteer(s, vid)
    assert volunteer_count(ws) == 0
    with ws.read() as s:
        for model in (Training, Commendation, Evaluation):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        (binned,) = recycle_bin.list_bin(s)
    assert binned.id == bin_id and binned.entity_id == vid
    assert binned.children == {"trainings": 1, "commendations": 1, "evaluations": 1}


# --- star levels ------------------------------------------------------------------------------------
@pytest.mark.parametrize("minutes,star,label", [
    (0, 0, ""), (5994, 0, ""), (6000, 1, "一星"), (17999, 1, "一星"), (18000, 2, "二星"), (36000, 3, "三星"),
    (60000, 4, "四星"), (89999, 4, "四星"), (90000, 5, "五星"), (200000, 5, "五星"),
])
def test_star_levels_with_default_thresholds(ws, minutes: int, star: int, label: str) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        left = minutes
        day = 1
        while left:
            chunk = min(left, 1440)
            supplement(s, vid, chunk, date.fromordinal(date(2020, 1, 1).toordinal() + day))
            left -= chunk
            day += 1
    with ws.read() as s:
        row = svc.list_volunteers(s)[0]
        assert svc.star_thresholds(s) == (100, 300, 600, 1000, 1500)
    assert (row.minutes, row.star, row.star_label) == (minutes, star, label)


def test_star_levels_follow_the_setting(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        supplement(s, vid, 1200)  # 20 h
        assert svc.set_star_thresholds(s, "10，20、50 / 80 100") == (10, 20, 50, 80, 100)
    with ws.read() as s:
        assert svc.star_thresholds(s) == (10, 20, 50, 80, 100)
        assert s.get(Setting, STAR_THRESHOLDS.key).value == "10/20/50/80/100"
        assert svc.get_volunteer(s, vid).row.star_label == "二星"


@pytest.mark.parametrize("text", ["", "100/300/600/1000", "100/300/300/1000/1500", "1500/1000/600/300/100",
                                  "0/1/2/3/4", "a/b/c/d/e", "100.5/300/600/1000/1500", "100/300/600/1000/1500/2000"])
def test_bad_star_setting_rejected_and_nothing_stored(ws, text: str) -> None:
    with pytest.raises(ValidationError) as err, ws.write() as s:
        svc.set_star_thresholds(s, text)
    assert err.value.problems[0].field == "星级时长"
    with ws.read() as s:
        assert svc.star_thresholds(s) == (100, 300, 600, 1000, 1500)


def test_a_damaged_star_setting_falls_back_to_the_defaults(ws) -> None:
    with ws.write() as s:
        s.add(Setting(key=STAR_THRESHOLDS.key, value="garbage"))
    with ws.read() as s:
        assert svc.star_thresholds(s) == (100, 300, 600, 1000, 1500)


# --- masking in lists -------------------------------------------------------------------------------
def test_list_rows_carry_only_masked_id_and_phone(ws) -> None:
    with ws.write() as s:
        vid = svc.create_volunteer(s, full())
    with ws.read() as s:
        rows = svc.list_volunteers(s)
        detail = svc.get_volunteer(s, vid)
    row = rows[0]
    assert row.id_masked == "110105********002X" and row.phone_masked == "138****5678"
    values = [str(getattr(row, f.name)) for f in fields(row)]
    for secret in (KNOWN_FEMALE, "13812345678", "11010519491231002x", "12345678"):
        assert not any(secret in v for v in values), secret
    assert detail.draft.id_number == KNOWN_FEMALE and detail.draft.phone == "13812345678"
    # the detail's own row is the masked one too
    assert detail.row.id_masked == "110105********002X" and detail.row.phone_masked == "138****5678"


def test_list_filters_by_text_and_team(ws) -> None:
    with ws.write() as s:
        teams = [t.id for t in svc.list_teams(s)]
        add_volunteer(s, "王芳", seq=2, team_id=teams[0], skills="理发")
        add_volunteer(s, "李强", seq=3, team_id=teams[1], area="5号楼")
        add_volunteer(s, "赵敏", seq=4)
    with ws.read() as s:
        assert [r.name for r in svc.list_volunteers(s, "理发")] == ["王芳"]
        assert [r.name for r in svc.list_volunteers(s, "5号楼")] == ["李强"]
        assert [r.name for r in svc.list_volunteers(s, "ZY20260003")] == ["赵敏"]
        assert [r.name for r in svc.list_volunteers(s, team_id=teams[1])] == ["李强"]
        assert [r.team for r in svc.list_volunteers(s)] == ["党员志愿服务队", "青年志愿服务队", ""]
        assert svc.list_volunteers(s, "110105") == []  # ID numbers are not searchable from the list


def test_get_missing_volunteer(ws) -> None:
    with pytest.raises(NotFoundError), ws.read() as s:
        svc.get_volunteer(s, 999)


# --- trainings, commendations, evaluations ------------------------------------------------------------
def test_trainings_commendations_evaluations_add_and_delete(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        t = svc.add_training(s, vid, " 急救培训 ", date(2026, 4, 1), 90, "心肺复苏", "区红十字会")
        svc.add_training(s, vid, "消防培训", date(2026, 3, 1))
        c = svc.add_commendation(s, vid, "优秀志愿者", date(2026, 5, 1), "街道办")
        e = svc.add_evaluation(s, vid, " 良好 ", date(2026, 6, 1), "王堃", "服务热情")
    with ws.read() as s:
        detail = svc.get_volunteer(s, vid)
    assert [x.name for x in detail.trainings] == ["消防培训", "急救培训"]  # by date
    first = detail.trainings[1]
    assert (first.id, first.minutes, first.content, first.organizer) == (t, 90, "心肺复苏", "区红十字会")
    assert [(x.id, x.name, x.grantor) for x in detail.commendations] == [(c, "优秀志愿者", "街道办")]
    assert [(x.id, x.quality, x.evaluator) for x in detail.evaluations] == [(e, "良好", "王堃")]
    with ws.write() as s:
        svc.delete_record(s, "training", t)
        svc.delete_record(s, "commendation", c)
        svc.delete_record(s, "evaluation", e)
    with ws.read() as s:
        detail = svc.get_volunteer(s, vid)
    assert [x.name for x in detail.trainings] == ["消防培训"]
    assert detail.commendations == [] and detail.evaluations == []
    with pytest.raises(NotFoundError), ws.write() as s:
        svc.delete_record(s, "training", t)


@pytest.mark.parametrize("action,field", [
    (lambda s, v: svc.add_training(s, v, "", date(2026, 4, 1)), "培训名称"),
    (lambda s, v: svc.add_training(s, v, "急救", None), "培训日期"),
    (lambda s, v: svc.add_training(s, v, "急救", date(2026, 4, 1), -1), "学习时长"),
    (lambda s, v: svc.add_commendation(s, v, " ", date(2026, 4, 1)), "表彰名称"),
    (lambda s, v: svc.add_commendation(s, v, "优秀", None), "表彰日期"),
    (lambda s, v: svc.add_evaluation(s, v, "很好", date(2026, 4, 1)), "服务质量评价"),
    (lambda s, v: svc.add_evaluation(s, v, "优秀", None), "评价日期"),
])
def test_record_validation_names_the_field(ws, action, field) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
    with pytest.raises(ValidationError) as err, ws.write() as s:
        action(s, vid)
    assert err.value.problems[0].field == field


def test_records_for_a_missing_volunteer(ws) -> None:
    with pytest.raises(NotFoundError), ws.write() as s:
        svc.add_training(s, 999, "急救", date(2026, 4, 1))


def test_volunteer_with_activity_service_cannot_be_deleted(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s)
        aid = add_activity(s, ws.files, datetime(2026, 10, 18, 9), datetime(2026, 10, 18, 11, 30))
        hours.record_attendance(s, aid, {vid: 150}, "王堃", at=datetime(2026, 10, 19, 9))
    with pytest.raises(ValidationError), ws.write() as s:
        svc.delete_volunteer(s, vid)
