"""Civic family campaigns: households, the stage rules, quotas, the repeat-award flag, the notice
period, objections, the review totals, and the recycle bin and audit trail around them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from huiquan_desk.domain import family as rules
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.family import Decision, Outcome, ReviewMethod, Stage
from huiquan_desk.services import campaigns as cs
from huiquan_desk.services import households as hs
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.services.settings import NOTICE_DAYS, NOTICE_WORKDAYS, REPEAT_YEARS, set_setting
from huiquan_desk.storage.models import Attachment, Nomination, Score
from tests.helpers import log_activity, make_image


def household(session, head="王建国", building="3", unit="2", room="501", **kw) -> int:  # type: ignore[no-untyped-def]
    return hs.create_household(session, hs.HouseholdDraft(head, building, unit, room, **kw))


# --- domain rules ---------------------------------------------------------------------------------
def test_address_parts_are_normalized() -> None:
    assert rules.address_part("building", "３栋") == "3"
    assert rules.address_part("building", "12号楼") == "12"
    assert rules.address_part("building", "A座") == "A"
    assert rules.address_part("unit", "2单元") == "2"
    assert rules.address_part("room", "501室") == "501"
    assert rules.address_part("building", "老年公寓") == "老年公寓"
    assert rules.address_text("3", "2", "501") == "3栋2单元501"
    assert rules.address_text("3", "", "101") == "3栋101"
    # One door, however it is typed: invisible marks, leading zeros, Chinese and Roman numerals, 1号.
    for building in ("1\u200b", "Ⅰ", "1号", "一栋", "01"):
        assert rules.address_part("building", building) == "1"
    assert rules.address_part("building", "十二栋") == "12"
    assert (rules.address_part("unit", "一"), rules.address_part("unit", "01")) == ("1", "1")
    assert rules.address_part("room", "0402") == "402"


def test_notice_end_counts_the_first_day() -> None:
    # The first national round: 7 days from 2016-11-07 ended on 11-13.
    assert rules.notice_end(date(2016, 11, 7), 7) == date(2016, 11, 13)
    # 5 working days from Friday 2026-11-27: Fri, Mon–Thu → Thursday 12-03.
    assert rules.notice_end(date(2026, 11, 27), 5, working_days=True) == date(2026, 12, 3)
    # National Day: 2026-09-30 (Wed) then the holiday to 10-07; working days resume 10-08 (Thu).
    assert rules.notice_end(date(2026, 9, 30), 3, working_days=True) == date(2026, 10, 9)
    assert not rules.notice_over(date(2026, 12, 7), date(2026, 12, 7))
    assert rules.notice_over(date(2026, 12, 7), date(2026, 12, 8))


def test_repeat_award_window_and_ranks() -> None:
    assert rules.recent_award(2026, [2022, 2024], 3) == 2024
    assert rules.recent_award(2026, [2022], 3) is None
    assert rules.recent_award(2026, [2023], 3) == 2023
    assert rules.recent_award(2026, [2025], 0) is None
    assert rules.ranks([80, 95, None, 80]) == [2, 1, None, 2]
    assert rules.parse_quotas("第一网格=2；第二网格：3户") == {"第一网格": 2, "第二网格": 3}
    with pytest.raises(ValueError, match="第一网格"):
        rules.parse_quotas("第一网格=2\n第一网格=1")


# --- households -----------------------------------------------------------------------------------
def test_household_register_masks_the_phone_and_keeps_one_per_address(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        hid = household(s, phone="138 0013 8000", grid="第一网格", members=[hs.Member("李秀英", "配偶"), hs.Member("王小明", "子")])
    with ws.read() as s:
        row = hs.list_households(s)[0]
        assert (row.address, row.size, row.phone_masked, row.members) == ("3栋2单元501", 3, "138****8000", 2)
        detail = hs.get_household(s, hid)
        assert detail.draft.phone == "13800138000"  # the form alone shows it in full
        assert [m.name for m in detail.draft.members] == ["李秀英", "王小明"]
    with ws.write() as s, pytest.raises(hs.DuplicateHouseholdError) as caught:
        household(s, head="张三", building="３号楼", unit="2单元", room="501室")
    assert caught.value.existing_id == hid
    assert "3栋2单元501 已登记为「王建国」家" in str(caught.value)
    with ws.write() as s, pytest.raises(ValidationError) as bad:
        household(s, head="", building="", room="", size=0, phone="12345")
    text = str(bad.value)
    for label in ("户主", "楼栋", "门牌", "家庭人口", "联系电话"):
        assert f"「{label}」" in text
    with ws.read() as s:
        assert hs.count_households(s) == 1


def test_households_sort_by_number_and_search_by_member(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        household(s, "甲", "10", "1", "101")
        household(s, "乙", "2", "1", "101", members=[hs.Member("赵堃", "子")])
        household(s, "丙", "2", "1", "1101")
    with ws.read() as s:
        assert [r.head_name for r in hs.list_households(s)] == ["乙", "丙", "甲"]
        assert [r.head_name for r in hs.list_households(s, "堃")] == ["乙"]
        assert [r.head_name for r in hs.list_households(s, "10栋")] == ["甲"]


# --- campaigns ------------------------------------------------------------------------------------
def new_campaign(s, year=2026, quotas=None, method=ReviewMethod.SCORE, criteria=None) -> int:  # type: ignore[no-untyped-def]
    draft = cs.CampaignDraft("文明家庭", year, quotas=quotas or {}, review_method=method)
    if criteria is not None:
        draft.criteria = criteria
    return cs.create_campaign(s, draft)


def nominate(s, cid, hid, nominator="第一网格", kind="网格", deeds="孝老爱亲，热心公益") -> int:  # type: ignore[no-untyped-def]
    return cs.add_nomination(s, cid, cs.NominationDraft(hid, kind, nominator, deeds))


def problems_of(err: pytest.ExceptionInfo) -> list[str]:  # type: ignore[type-arg]
    return [p.message for p in err.value.problems]


def test_a_campaign_runs_start_to_finish_and_the_stage_order_is_enforced(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid = new_campaign(s, criteria=["爱国守法", "家风淳朴"])
        homes = [household(s, f"户主{i}", "5", "1", f"{i}01") for i in range(1, 4)]
        with pytest.raises(ValidationError, match="推荐家庭只能在推荐阶段进行"):
            nominate(s, cid, homes[0])
        assert cs.advance_stage(s, cid, today=date(2026, 11, 2)) is Stage.NOMINATE
        with pytest.raises(ValidationError) as early:  # nothing nominated yet
            cs.advance_stage(s, cid, today=date(2026, 11, 2))
        assert problems_of(early) == ["至少推荐一户家庭"]
        ids = [nominate(s, cid, h) for h in homes]
        cs.advance_stage(s, cid, today=date(2026, 11, 10))
        with pytest.raises(ValidationError) as unreviewed:
            cs.advance_stage(s, cid, today=date(2026, 11, 10))
        assert problems_of(unreviewed)[0] == "先登记评议小组成员"
        members = [cs.add_reviewer(s, cid, name, "居民代表") for name in ("周敏", "陈刚")]
        for nid, marks in zip(ids, ([9, 10], [7, 8], [9, 9]), strict=True):
            for member in members:
                cs.record_scores(s, nid, member, marks)
        rows = cs.list_nominations(s, cid)
        assert [(r.score, r.rank) for r in rows] == [(19.0, 1), (15.0, 3), (18.0, 2)]
        assert cs.decide_by_rank(s, cid, 2, on=date(2026, 11, 20)) == 2
        rows = cs.list_nominations(s, cid)
        assert [r.decision for r in rows] == [Decision.CHOSEN, Decision.NOT_CHOSEN, Decision.CHOSEN]
        assert "排名第 3 名" in rows[1].reason
        assert cs.advance_stage(s, cid, today=date(2026, 11, 20), on=date(2026, 11, 23)) is Stage.NOTICE
        detail = cs.get_campaign(s, cid, today=date(2026, 11, 24))
        assert (detail.row.notice_start, detail.row.notice_end) == (date(2026, 11, 23), date(2026, 11, 29))
        with pytest.raises(ValidationError) as during:
            cs.advance_stage(s, cid, today=date(2026, 11, 29))
        assert problems_of(during) == ["公示期到 2026年11月29日 结束，2026年11月30日起才能进入表彰"]
        with pytest.raises(ValidationError, match="表彰日期不能早于 2026年11月30日"):
            cs.advance_stage(s, cid, today=date(2026, 12, 5), on=date(2026, 11, 29))
        assert cs.advance_stage(s, cid, today=date(2026, 12, 5), on=date(2026, 12, 1)) is Stage.COMMEND
        assert cs.advance_stage(s, cid, today=date(2026, 12, 5)) is Stage.PUBLICIZE
        with pytest.raises(ValidationError, match="最后一个阶段"):
            cs.advance_stage(s, cid, today=date(2026, 12, 5))
    with ws.read() as s:
        trail = [r.summary for r in query_audit(s, entity="campaigns", limit=None) if r.action == "stage"]
        assert any("进入公示阶段，公示期 2026年11月23日至2026年11月29日" in t for t in trail)
        records = cs.family_records(s, 2026)
        assert [(r.household.head_name, r.result) for r in records] == [
            ("户主1", "获评文明家庭"), ("户主2", "未当选"), ("户主3", "获评文明家庭")]


def test_notice_length_and_working_days_are_settings(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        set_setting(s, NOTICE_DAYS, 5)
        set_setting(s, NOTICE_WORKDAYS, True)
        cid = new_campaign(s)
        cs.advance_stage(s, cid)
        nominate(s, cid, household(s))
        cs.advance_stage(s, cid)
        cs.add_reviewer(s, cid, "周敏")
        nid = cs.list_nominations(s, cid)[0].id
        cs.record_scores(s, nid, cs.list_reviewers(s, cid)[0].id, [8] * 8)
        cs.decide(s, nid, Decision.CHOSEN, on=date(2026, 11, 27))
        cs.advance_stage(s, cid, today=date(2026, 11, 27), on=date(2026, 11, 27))
        detail = cs.get_campaign(s, cid, today=date(2026, 11, 27))
        assert (detail.notice_days, detail.notice_workdays, detail.row.notice_end) == (5, True, date(2026, 12, 3))


def test_quota_is_counted_and_must_be_met_exactly(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid = new_campaign(s, quotas={"第一网格": 2, "第二网格": 1})
        cs.advance_stage(s, cid)
        homes = [household(s, f"户{i}", "7", "1", f"{i}02") for i in range(4)]
        nominate(s, cid, homes[0], "第一网格")
        nominate(s, cid, homes[1], "第一网格")
        with pytest.raises(ValidationError) as over:
            nominate(s, cid, homes[2], "第一网格")
        assert problems_of(over) == ["「第一网格」的名额为 2 户，已推荐 2 户"]
        with pytest.raises(ValidationError) as short:
            cs.advance_stage(s, cid)
        assert problems_of(short) == ["「第二网格」的名额为 1 户，现推荐 0 户（等额推荐须正好 1 户）"]
        nominate(s, cid, homes[2], "第二网格")
        nominate(s, cid, homes[3], "", kind="自荐")  # self-nomination is outside the quotas
        assert cs.advance_stage(s, cid) is Stage.REVIEW
        with pytest.raises(ValidationError, match="名额不能再改"):
            cs.update_campaign(s, cid, cs.CampaignDraft("文明家庭", 2026, quotas={"第一网格": 3}))


def commended(s, hid, year) -> int:  # type: ignore[no-untyped-def]
    """A campaign of `year` carried to 表彰 with household `hid` chosen."""
    cid = new_campaign(s, year=year, criteria=["爱国守法"])
    cs.advance_stage(s, cid, today=date(year, 3, 1))
    nid = nominate(s, cid, hid)
    cs.advance_stage(s, cid, today=date(year, 3, 5))
    member = cs.add_reviewer(s, cid, "周敏")
    cs.record_scores(s, nid, member, [9])
    cs.decide(s, nid, Decision.CHOSEN, on=date(year, 3, 10))
    cs.advance_stage(s, cid, today=date(year, 3, 10), on=date(year, 3, 10))
    cs.advance_stage(s, cid, today=date(year, 3, 20), on=date(year, 3, 20))
    return cid


def test_a_household_commended_recently_is_flagged_when_nominated_again(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        recent, older = household(s, "近年获评"), household(s, "早年获评", "4", "1", "101")
        commended(s, recent, 2024)
        commended(s, older, 2021)
        cid = new_campaign(s)
        cs.advance_stage(s, cid)
        nominate(s, cid, recent)
        nominate(s, cid, older)
        flags = {r.head_name: r.recent_award for r in cs.list_nominations(s, cid)}
        assert flags == {"近年获评": 2024, "早年获评": None}
        set_setting(s, REPEAT_YEARS, 5)
        assert {r.head_name: r.recent_award for r in cs.list_nominations(s, cid)}["早年获评"] == 2021


def test_objections_are_recorded_and_settled_during_the_notice(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid = new_campaign(s, method=ReviewMethod.VOTE)
        cs.advance_stage(s, cid, today=date(2026, 11, 1))
        a, b = household(s, "甲户"), household(s, "乙户", "3", "2", "502")
        na, nb = nominate(s, cid, a), nominate(s, cid, b)
        cs.advance_stage(s, cid, today=date(2026, 11, 5))
        member = cs.add_reviewer(s, cid, "周敏")
        with pytest.raises(ValidationError, match="采用投票"):
            cs.record_scores(s, na, member, [9] * 8)
        cs.record_vote(s, na, member, "for")
        cs.record_vote(s, nb, member, "for")
        with pytest.raises(ValidationError, match="必须写明|须写明理由"):
            cs.decide(s, nb, Decision.NOT_CHOSEN, "")
        cs.decide(s, na, Decision.CHOSEN, on=date(2026, 11, 10))
        cs.decide(s, nb, Decision.CHOSEN, on=date(2026, 11, 10))
        with pytest.raises(ValidationError, match="登记公示异议只能在公示阶段进行"):
            cs.add_objection(s, cid, nb, "居民", date(2026, 11, 10), "有违建")
        cs.advance_stage(s, cid, today=date(2026, 11, 10), on=date(2026, 11, 10))
        with pytest.raises(ValidationError, match="应在公示期内"):
            cs.add_objection(s, cid, nb, "居民", date(2026, 11, 9), "有违建", today=date(2026, 11, 12))
        oid = cs.add_objection(s, cid, nb, "3栋居民", date(2026, 11, 12), "该户在楼道堆放杂物", today=date(2026, 11, 12))
        with pytest.raises(ValidationError) as open_one:
            cs.advance_stage(s, cid, today=date(2026, 11, 20))
        assert problems_of(open_one) == ["还有 1 条公示异议没有处理完"]
        cs.settle_objection(s, oid, Outcome.WITHDRAWN, "经网格员核实属实，取消当选", date(2026, 11, 14),
                            today=date(2026, 11, 20))
        rows = {r.head_name: r for r in cs.list_nominations(s, cid)}
        assert rows["乙户"].decision is Decision.NOT_CHOSEN
        assert rows["乙户"].reason.startswith("公示期间有异议，经核实成立")
        assert cs.advance_stage(s, cid, today=date(2026, 11, 20)) is Stage.COMMEND
        objection = cs.list_objections(s, cid)[0]
        assert (objection.household, objection.outcome_label) == ("乙户家庭", "异议成立，取消当选")


def test_step_back_needs_a_reason_and_clears_the_notice(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid = new_campaign(s, criteria=["爱国守法"])
        cs.advance_stage(s, cid)
        nid = nominate(s, cid, household(s))
        cs.advance_stage(s, cid)
        cs.record_scores(s, nid, cs.add_reviewer(s, cid, "周敏"), [5])
        cs.decide(s, nid, Decision.CHOSEN)
        cs.advance_stage(s, cid)
        with pytest.raises(ValidationError, match="退回原因"):
            cs.step_back(s, cid, " ")
        assert cs.step_back(s, cid, "公示开始日期填错") is Stage.REVIEW
        row = cs.get_campaign(s, cid).row
        assert (row.stage, row.notice_start, row.notice_end) == (Stage.REVIEW, None, None)
        with pytest.raises(ValidationError, match="不能再改评选标准"):
            cs.update_campaign(s, cid, cs.CampaignDraft("文明家庭", 2026, criteria=["爱国守法", "热心公益"]))
    with ws.read() as s:
        assert any("退回到评议阶段：公示开始日期填错" in r.summary for r in query_audit(s, entity="campaigns", limit=None))


def test_scores_are_checked_against_the_maximum(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid = new_campaign(s, criteria=["爱国守法", "热心公益"])
        cs.advance_stage(s, cid)
        nid = nominate(s, cid, household(s))
        cs.advance_stage(s, cid)
        member = cs.add_reviewer(s, cid, "周敏")
        with pytest.raises(ValidationError) as bad:
            cs.record_scores(s, nid, member, [11, 7.3])
        assert [str(p) for p in bad.value.problems] == ["「爱国守法」：应在 0 到 10 分之间", "「热心公益」：最小单位为 0.5 分"]
        cs.record_scores(s, nid, member, [9.5, None])
        assert cs.list_nominations(s, cid)[0].score is None  # one criterion left: not a total yet
        assert cs.stage_needs(s, cid)[0].startswith("周敏还有 1 户没有评分")


def test_nomination_photos_follow_the_nomination_into_the_bin_and_back(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from huiquan_desk.domain.activity import NewAttachment

    photo = make_image(tmp_path / "事迹.jpg")
    with ws.write() as s:
        cid = new_campaign(s)
        cs.advance_stage(s, cid)
        hid = household(s)
        nid = cs.add_nomination(s, cid, cs.NominationDraft(hid, "楼栋长", "3栋楼栋长", "照顾孤寡老人十年"),
                                ws.files, [NewAttachment(str(photo))])
        info = cs.nomination_photos(s, nid, ws.files)[0]
        assert info.caption.title == "王建国家庭事迹" and info.path.is_file()
        assert cs.list_nominations(s, cid)[0].photos == 1
    with ws.write() as s:
        bin_id = cs.remove_nomination(s, nid)
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    with ws.write() as s:
        recycle_bin.restore_item(s, bin_id, ws.files)
    with ws.read() as s:
        assert cs.list_nominations(s, cid)[0].photos == 1


def test_a_deleted_campaign_comes_back_whole_and_an_activity_link_survives(ws) -> None:  # type: ignore[no-untyped-def]
    activity = log_activity(ws, title="文明家庭评选宣传动员会")
    with ws.write() as s:
        cid = new_campaign(s, criteria=["爱国守法"])
        cs.link_activity(s, cid, activity)
        cs.advance_stage(s, cid)
        nid = nominate(s, cid, household(s))
        cs.advance_stage(s, cid)
        cs.record_scores(s, nid, cs.add_reviewer(s, cid, "周敏"), [9])
    with ws.write() as s:
        with pytest.raises(ValidationError, match="评选材料应保留"):
            hs.delete_household(s, cs.list_nominations(s, cid)[0].household.id)
        bin_id = cs.delete_campaign(s, cid)
        assert cs.list_campaigns(s) == []
        assert s.scalar(select(func.count()).select_from(Score)) == 0
    with ws.read() as s:
        entry = next(r for r in recycle_bin.list_bin(s) if r.id == bin_id)
        assert "推荐家庭 1 户" in entry.children_text and "评分 1 项" in entry.children_text
    with ws.write() as s:
        recycle_bin.restore_item(s, bin_id, ws.files)
    with ws.read() as s:
        detail = cs.get_campaign(s, cid)
        assert detail.nominations[0].score == 9.0 and [a.id for a in detail.activities] == [activity]
        assert s.scalar(select(func.count()).select_from(Nomination)) == 1


def test_a_restored_campaign_drops_the_link_to_an_activity_deleted_since(ws) -> None:  # type: ignore[no-untyped-def]
    from huiquan_desk.services.activities import delete_activities

    activity = log_activity(ws, title="表彰会", start=datetime(2026, 12, 1, 9))
    with ws.write() as s:
        cid = new_campaign(s)
        cs.link_activity(s, cid, activity)
        bin_id = cs.delete_campaign(s, cid)
    with ws.write() as s:
        delete_activities(s, [activity])
    with ws.write() as s:
        restored = recycle_bin.restore_item(s, bin_id, ws.files)
    assert any("表彰会" in note and "不再恢复" in note for note in restored.notes)
    with ws.read() as s:
        assert cs.get_campaign(s, cid).activities == []


def test_the_audit_trail_names_nominations_and_scores_in_chinese(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid = new_campaign(s, criteria=["爱国守法"])
        cs.advance_stage(s, cid)
        nid = nominate(s, cid, household(s, phone="13800138000"))
        cs.advance_stage(s, cid)
        cs.record_scores(s, nid, cs.add_reviewer(s, cid, "周敏"), [8])
    with ws.read() as s:
        summaries = {r.entity: r.summary for r in query_audit(s, limit=None) if r.action == "create"}
        assert summaries["nominations"] == "王建国家（3栋2单元501）"
        assert summaries["scores"] == "周敏评王建国家（3栋2单元501）第 1 项 8.0 分"
        household_row = next(r for r in query_audit(s, entity="households", limit=None))
        assert all("13800138000" not in f.new for f in household_row.fields)


# --- rules a secretary (or an attacker) could otherwise get round -------------------------------------
def at_notice(s, names=("甲户", "乙户")) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    """A campaign in its notice since 2026-11-10, every household chosen that day."""
    cid = new_campaign(s)
    cs.advance_stage(s, cid, today=date(2026, 11, 1))
    nids = [nominate(s, cid, household(s, name, "3", "2", f"50{i}")) for i, name in enumerate(names, 1)]
    cs.advance_stage(s, cid, today=date(2026, 11, 5))
    member = cs.add_reviewer(s, cid, "周敏")
    for nid in nids:
        cs.record_scores(s, nid, member, [9] * 8)
        cs.decide(s, nid, Decision.CHOSEN, on=date(2026, 11, 10))
    cs.advance_stage(s, cid, today=date(2026, 11, 10), on=date(2026, 11, 10))
    return cid, nids


def test_a_list_changed_after_stepping_back_gets_a_full_notice(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid, (na, _nb) = at_notice(s)
        cs.step_back(s, cid, "重新评议")
        with pytest.raises(ValidationError, match="不能晚于今天"):
            cs.decide(s, na, Decision.NOT_CHOSEN, "重新评议", on=date.today() + timedelta(days=1))
        cs.decide(s, na, Decision.NOT_CHOSEN, "重新评议后未当选", on=date(2026, 11, 25))
        with pytest.raises(ValidationError, match="不能早于评议结果最后确定的日期 2026年11月25日"):
            cs.advance_stage(s, cid, today=date(2026, 11, 26), on=date(2026, 11, 10))  # backdated: refused
        cs.advance_stage(s, cid, today=date(2026, 11, 26), on=date(2026, 11, 25))
        with pytest.raises(ValidationError, match="公示期到 2026年12月1日 结束"):
            cs.advance_stage(s, cid, today=date(2026, 11, 28))


def test_a_settled_objection_stays_settled(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid, (_na, nb) = at_notice(s)
        oid = cs.add_objection(s, cid, nb, "3栋居民", date(2026, 11, 12), "有违建", today=date(2026, 11, 12))
        cs.settle_objection(s, oid, Outcome.WITHDRAWN, "核实属实", date(2026, 11, 13), today=date(2026, 11, 13))
        with pytest.raises(ValidationError, match="已于 2026年11月13日处理（异议成立，取消当选），不能再改处理结果"):
            cs.settle_objection(s, oid, Outcome.UPHELD, "再核实不成立", date(2026, 11, 14), today=date(2026, 11, 14))
        assert cs.list_objections(s, cid)[0].outcome is Outcome.WITHDRAWN


def test_what_the_notice_printed_cannot_be_edited_afterwards(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid, _ = at_notice(s)
        draft = cs.get_campaign(s, cid).draft
        draft.year = 2019
        with pytest.raises(ValidationError, match="类型、年度和名称不能再改"):
            cs.update_campaign(s, cid, draft)
        assert cs.get_campaign(s, cid).row.year == 2026


def test_under_quotas_a_grid_must_be_one_of_the_quota_bodies(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid = new_campaign(s, quotas={"第一网格": 1})
        cs.advance_stage(s, cid, today=date(2026, 11, 1))
        nominate(s, cid, household(s, "甲户"))
        with pytest.raises(ValidationError, match="推荐单位应为 第一网格 之一（现在是「一网格」）"):
            nominate(s, cid, household(s, "乙户", "3", "2", "502"), nominator="一网格")
        nominate(s, cid, household(s, "丙户", "3", "2", "503"), nominator="", kind="自荐")  # 自荐 has no quota
        with pytest.raises(ValidationError, match="不能含「=」、顿号"):
            new_campaign(s, quotas={"第一、二网格": 2})


def test_a_reviewed_nomination_cannot_be_removed_and_its_scores_lost(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid, (na, _nb) = at_notice(s)
        cs.step_back(s, cid, "补充推荐")
        cs.step_back(s, cid, "补充推荐")
        with pytest.raises(ValidationError, match="已有评分记录"):
            cs.remove_nomination(s, na)
        assert s.scalar(select(func.count()).select_from(Score).where(Score.nomination_id == na)) == 8


def test_a_household_nominated_in_a_binned_campaign_stays(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cid, _ = at_notice(s, names=("甲户",))
        hid = hs.list_households(s)[0].id
        cs.delete_campaign(s, cid)
        with pytest.raises(ValidationError, match="推荐记录在回收站"):
            hs.delete_household(s, hid)


def test_household_names_and_sizes_are_checked_whatever_the_route(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        household(s, "王建国", "1", "1", "402")
        for building, unit, room in (("1\u200b", "1", "402"), ("Ⅰ", "一", "0402"), ("1号", "01", "402")):
            with pytest.raises(ValidationError, match="已登记"):
                household(s, "另一户", building, unit, room)
        with pytest.raises(ValidationError, match="制表符"):
            household(s, "张\t三", "2", "1", "101")
        with pytest.raises(ValidationError, match="最多登记 29 位成员"):
            household(s, "大家庭", "2", "1", "102", members=[hs.Member(f"成员{i}", "亲属") for i in range(40)])

