"""志愿服务记录证明: numbered from the register, issuer fields required, full ID only on the certificate."""

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.services import certificates as svc
from huiquan_desk.services import service_hours as hours
from huiquan_desk.services import volunteers as vsvc
from huiquan_desk.services.certificates import IssuerInfo
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.storage.models import Certificate
from tests.volunteer_helpers import KNOWN_FEMALE, KNOWN_MALE, add_activity, add_volunteer

ISSUER = IssuerInfo("惠泉社区居民委员会", "王堃", "陶喆", "0591-12345678")
AT = datetime(2026, 11, 20, 9)


def served(session, store, volunteer_id: int) -> None:  # type: ignore[no-untyped-def]
    """Three services in 2026: two activities (one title twice) and a 补录."""
    for day in (3, 17):
        aid = add_activity(session, store, datetime(2026, 10, day, 9), datetime(2026, 10, day, 11),
                           title="重阳节敬老爱老活动" if day == 17 else "国庆升旗仪式")
        hours.record_attendance(session, aid, {volunteer_id: 120}, "陶喆", at=AT)
    hours.add_supplement(session, hours.SupplementDraft(
        volunteer_id=volunteer_id, service_date=date(2026, 3, 5), minutes=90, title="学雷锋日义务理发",
        reason="签到表遗漏"), "陶喆", at=AT)


@pytest.fixture
def vid(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        volunteer = add_volunteer(s, "林秀英", KNOWN_FEMALE, phone="13812345678")
        served(s, ws.files, volunteer)
    return volunteer


def issue(session, volunteer_id: int, day: date = date(2026, 11, 25), **kw):  # type: ignore[no-untyped-def]
    return svc.issue_certificate(session, volunteer_id, kw.pop("start", None), kw.pop("end", None),
                                 kw.pop("issuer", ISSUER), kw.pop("issued_by", "陶喆"), day)


# --- numbering ---------------------------------------------------------------------------------------
def test_number_format() -> None:
    assert svc.certificate_number(2026, 1) == "（2026）志证第0001号"
    assert svc.certificate_number(2026, 12) == "（2026）志证第0012号"


def test_numbers_count_up_never_repeat_and_restart_per_year(ws, vid) -> None:
    numbers = []
    for day in (date(2026, 11, 25), date(2026, 11, 26), date(2026, 12, 31), date(2027, 1, 4), date(2027, 2, 1)):
        with ws.write() as s:
            numbers.append(issue(s, vid, day).number)
    with ws.write() as s:  # a late 2026 certificate continues 2026's count
        numbers.append(issue(s, vid, date(2026, 12, 31)).number)
    assert numbers == ["（2026）志证第0001号", "（2026）志证第0002号", "（2026）志证第0003号",
                       "（2027）志证第0001号", "（2027）志证第0002号", "（2026）志证第0004号"]
    assert len(set(numbers)) == len(numbers)
    with ws.read() as s:
        register = svc.list_certificates(s)
        assert [c.number for c in svc.list_certificates(s, year=2027)] == numbers[3:5]
    assert [c.number for c in register] == sorted(numbers, key=lambda n: (n[1:5], n[-5:-1]))


def test_double_issue_within_one_session_gets_distinct_numbers(ws, vid) -> None:
    with ws.write() as s:
        first = issue(s, vid)
        second = issue(s, vid)
        third = issue(s, vid, start=date(2026, 10, 1))
    assert [first.number, second.number, third.number] == [
        "（2026）志证第0001号", "（2026）志证第0002号", "（2026）志证第0003号"]
    with ws.read() as s:
        assert s.scalar(select(func.count(func.distinct(Certificate.number)))) == 3


def test_a_failed_issue_uses_no_number(ws, vid) -> None:
    with pytest.raises(ValidationError), ws.write() as s:
        issue(s, vid, issuer=replace(ISSUER, leader=""))
    with ws.write() as s:
        assert issue(s, vid).number == "（2026）志证第0001号"


# --- what is required ----------------------------------------------------------------------------------
@pytest.mark.parametrize("key,label", [("name", "出具单位"), ("leader", "负责人"), ("handler", "经办人"),
                                       ("contact", "联系方式")])
def test_each_missing_issuer_field_is_named(ws, vid, key: str, label: str) -> None:
    with pytest.raises(ValidationError) as err, ws.write() as s:
        issue(s, vid, issuer=replace(ISSUER, **{key: "  "}))
    assert [p.field for p in err.value.problems] == [label]
    with ws.read() as s:
        assert svc.list_certificates(s) == []


def test_all_missing_issuer_fields_at_once(ws, vid) -> None:
    with pytest.raises(ValidationError) as err, ws.write() as s:
        issue(s, vid, issuer=IssuerInfo("", "", "", ""))
    assert [p.field for p in err.value.problems] == ["出具单位", "负责人", "经办人", "联系方式"]


def test_too_long_issuer_field(ws, vid) -> None:
    with pytest.raises(ValidationError) as err, ws.write() as s:
        issue(s, vid, issuer=replace(ISSUER, handler="名" * 51))
    assert [p.field for p in err.value.problems] == ["经办人"]


def test_records_are_needed_in_the_period(ws, vid) -> None:
    with pytest.raises(ValidationError, match="没有志愿服务记录") as err, ws.write() as s:
        issue(s, vid, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert err.value.problems[0].field == "证明时段"
    with pytest.raises(ValidationError) as err, ws.write() as s:
        issue(s, vid, start=date(2026, 12, 1), end=date(2026, 1, 1))
    assert [p.field for p in err.value.problems] == ["证明时段"]
    with ws.write() as s:
        other = add_volunteer(s, "陈建国", KNOWN_MALE)
    with pytest.raises(ValidationError), ws.write() as s:
        issue(s, other)
    with ws.read() as s:
        assert svc.list_certificates(s) == []


def test_missing_volunteer_or_certificate(ws) -> None:
    with pytest.raises(NotFoundError), ws.write() as s:
        issue(s, 999)
    with pytest.raises(NotFoundError), ws.read() as s:
        svc.get_certificate(s, 999)


# --- content -------------------------------------------------------------------------------------------
def test_certificate_content_for_the_period(ws, vid) -> None:
    with ws.write() as s:
        whole = issue(s, vid)
        october = issue(s, vid, start=date(2026, 10, 3), end=date(2026, 10, 17))  # both ends inclusive
    assert (whole.minutes, whole.service_count) == (330, 3)
    assert whole.content == "参加「学雷锋日义务理发」、「国庆升旗仪式」、「重阳节敬老爱老活动」志愿服务共 3 次"
    assert (october.minutes, october.service_count) == (240, 2)
    assert (october.period_from, october.period_to) == (date(2026, 10, 3), date(2026, 10, 17))
    assert whole.period_from is None and whole.period_to == whole.issued_on  # an open period ends on the issue date
    assert (whole.name, whole.gender, whole.id_type, whole.volunteer_number) == ("林秀英", "女", "居民身份证",
                                                                                 "ZY20260001")
    assert whole.issuer == ISSUER and whole.issued_by == "陶喆" and whole.issued_on == date(2026, 11, 25)


def test_summary_of_many_titles_is_shortened() -> None:
    text = svc._summary([f"活动{i}" for i in range(8)] + ["活动0"], 9)
    assert text.count("「") == 6 and "等志愿服务共 9 次" in text


def test_the_certificate_carries_the_full_id_while_register_rows_are_masked(ws, vid) -> None:
    with ws.write() as s:
        cert = issue(s, vid)
    assert cert.id_number == KNOWN_FEMALE
    with ws.read() as s:
        row = svc.list_certificates(s, volunteer_id=vid)[0]
        assert svc.get_certificate(s, cert.id).id_number == KNOWN_FEMALE
        assert svc.list_certificates(s, volunteer_id=vid + 1) == []
    assert row.id_masked == "110105********002X" and KNOWN_FEMALE not in row.id_masked


def test_issue_date_defaults_to_today(ws, vid) -> None:
    with ws.write() as s:
        cert = svc.issue_certificate(s, vid, None, None, ISSUER, "陶喆")
    assert cert.issued_on == date.today()
    assert cert.number == svc.certificate_number(date.today().year, 1)


def test_a_volunteer_with_a_certificate_cannot_be_deleted(ws) -> None:
    with ws.write() as s:
        volunteer = add_volunteer(s, "林秀英", KNOWN_FEMALE)
        rid = hours.add_supplement(s, hours.SupplementDraft(volunteer_id=volunteer, service_date=date(2026, 3, 5),
                                                            minutes=60, title="义务理发", reason="补登"), "陶喆", at=AT)
        issue(s, volunteer)
        hours.delete_supplement(s, rid)
    with pytest.raises(ValidationError, match="1 份证明"), ws.write() as s:
        vsvc.delete_volunteer(s, volunteer)


# --- issuer defaults -----------------------------------------------------------------------------------
def test_issuer_defaults_come_from_the_profile_and_remember_the_last_issue(ws, vid) -> None:
    with ws.read() as s:
        assert svc.issuer_defaults(s) == IssuerInfo("", "", "", "")
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", leader="王堃", preparer="陶喆"))
    with ws.read() as s:
        assert svc.issuer_defaults(s) == IssuerInfo("惠泉社区居民委员会", "王堃", "陶喆", "")
    with ws.write() as s:
        issue(s, vid, issuer=IssuerInfo("惠泉社区居民委员会", "王堃", " 李娜 ", "0591-87654321"))
    with ws.read() as s:
        assert svc.issuer_defaults(s) == IssuerInfo("惠泉社区居民委员会", "王堃", "李娜", "0591-87654321")


def test_a_profile_name_that_already_is_the_committee_is_kept(ws) -> None:
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区居民委员会"))
    with ws.read() as s:
        assert svc.issuer_defaults(s).name == "惠泉社区居民委员会"
