"""Rectifications (整改台账): the state flow, overdue, and a self-assessment problem in one step."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.services import assessment
from huiquan_desk.services import rectifications as rs
from huiquan_desk.services.rectifications import RectificationDraft
from huiquan_desk.storage.models import AuditEntry
from tests.helpers import log_activity


def make(ws, deadline: date | None = date(2026, 3, 15), **kw) -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        return rs.create_rectification(s, RectificationDraft(
            kw.pop("problem", "3栋楼道堆放杂物"), date(2026, 3, 1), kw.pop("source", "暗访"), responsible="王堃",
            deadline=deadline, **kw))


def test_the_state_flow_one_step_at_a_time(ws) -> None:
    rid = make(ws)
    with ws.write() as s:
        assert rs.get_rectification(s, rid).status_label == "待整改"
        assert rs.get_rectification(s, rid).source_label == "暗访"
        with pytest.raises(ValidationError, match="不能从「待整改」直接到「已整改」"):
            rs.set_status(s, rid, "done")
        rs.set_status(s, rid, "整改中")
        rs.set_status(s, rid, "done")
        with pytest.raises(ValidationError) as err:
            rs.set_status(s, rid, "verified")
        assert {p.field for p in err.value.problems} == {"验收人", "验收日期"}
        rs.set_status(s, rid, "verified", verified_by="周敏", verified_on=date(2026, 3, 20))
        row = rs.get_rectification(s, rid)
        assert row.status_label == "已验收" and row.verified_by == "周敏" and row.verified_on == date(2026, 3, 20)
        with pytest.raises(ValidationError, match="要写明原因"):
            rs.set_status(s, rid, "in_progress")
        rs.set_status(s, rid, "in_progress", reason="复查发现又有堆放", on=date(2026, 4, 2))
        row = rs.get_rectification(s, rid)
        assert row.status == "in_progress" and row.verified_by == "" and "复查发现又有堆放" in row.remarks
        with pytest.raises(ValidationError, match="整改状态"):
            rs.set_status(s, rid, "解决了")


def test_validation_names_the_field(ws) -> None:
    with ws.write() as s, pytest.raises(ValidationError) as err:
        rs.create_rectification(s, RectificationDraft("", None, "路过", deduction=-1))
    assert {p.field for p in err.value.problems} == {"问题", "问题来源", "发现日期", "扣分"}
    with ws.write() as s, pytest.raises(ValidationError, match="不能早于发现日期"):
        rs.create_rectification(s, RectificationDraft("垃圾桶破损", date(2026, 3, 1), deadline=date(2026, 2, 1)))


def test_overdue_and_filters(ws) -> None:
    late = make(ws)
    make(ws, deadline=date(2026, 4, 30), problem="宣传栏破损", source="督查")
    make(ws, deadline=None, problem="无时限的问题")
    closed = make(ws, problem="已整改的问题")
    with ws.write() as s:
        rs.set_status(s, closed, "in_progress")
        rs.set_status(s, closed, "done")
        assert [r.id for r in rs.overdue(s, date(2026, 3, 16))] == [late]
        assert rs.overdue(s, date(2026, 3, 15)) == []
        assert len(rs.overdue(s, date(2026, 5, 1))) == 2
        assert rs.get_rectification(s, late).is_overdue(date(2026, 3, 16))
        assert [r.problem for r in rs.list_rectifications(s, source="supervision")] == ["宣传栏破损"]
        assert [r.id for r in rs.list_rectifications(s, status="done")] == [closed]
        assert [r.problem for r in rs.list_rectifications(s, text="宣传栏")] == ["宣传栏破损"]


def test_a_self_assessment_problem_becomes_a_rectification(ws) -> None:
    with ws.write() as s:
        assessment.seed_checklist(s)
    with ws.read() as s:
        result = next(r for r in assessment.evaluate(s, date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1))
                      if r.code == "HJ-01")
    problem = result.problems[0]
    with ws.write() as s:
        rid = rs.from_finding(s, result.item.id, problem.text, deduction=result.lost_points / len(result.problems),
                              responsible="王堃", deadline=date(2026, 4, 30), found_on=date(2026, 4, 1), fix=problem.fix)
        row = rs.get_rectification(s, rid)
    assert row.item_code == "HJ-01" and row.source_label == "自查" and row.problem == problem.text
    assert row.deduction == 2.72 and row.status_label == "待整改"


def test_the_record_a_problem_points_to_is_named_in_words(ws) -> None:
    activity = log_activity(ws, title="重阳节敬老活动")
    with ws.write() as s:
        named = rs.from_finding(s, None, "缺签到表", fix=("activities", activity))
        gone = rs.from_finding(s, None, "缺照片", fix=("activities", activity + 100))
        assert rs.get_rectification(s, named).remarks == "对应记录：活动「重阳节敬老活动」"
        assert rs.get_rectification(s, gone).remarks == f"对应记录：活动（编号 {activity + 100}，已不存在）"


def verified(ws, rid: int) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        rs.set_status(s, rid, "in_progress")
        rs.set_status(s, rid, "done")
        rs.set_status(s, rid, "verified", verified_by="周敏", verified_on=date(2026, 3, 20))


def test_a_verified_rectification_cannot_be_rewritten(ws) -> None:
    rid = make(ws)
    verified(ws, rid)
    with ws.read() as s:
        before = rs.get_rectification(s, rid)
    rewrite = RectificationDraft("别的问题", date(2026, 3, 25), "督查", responsible="李强", deadline=date(2026, 3, 30),
                                 remarks="")
    with pytest.raises(ValidationError, match="请先把它退回「已整改」并写明原因") as err:
        with ws.write() as s:
            rs.update_rectification(s, rid, rewrite)
    assert err.value.problems[0].field == "整改状态"
    with ws.read() as s:
        assert rs.get_rectification(s, rid) == before
    with ws.write() as s:
        rs.set_status(s, rid, "done", reason="验收材料不全", on=date(2026, 3, 21))
        rs.update_rectification(s, rid, RectificationDraft("3栋楼道堆放杂物（已清理）", date(2026, 3, 1), "暗访",
                                                           responsible="王堃", remarks=rs.get_rectification(s, rid).remarks))
        assert rs.get_rectification(s, rid).problem == "3栋楼道堆放杂物（已清理）"


def test_the_day_found_is_never_after_the_day_verified(ws) -> None:
    from huiquan_desk.storage.models import Rectification

    rid = make(ws)
    with ws.write() as s:  # a record carrying a 验收日期 while not verified (as an old import can)
        s.get(Rectification, rid).verified_on = date(2026, 3, 20)
    with pytest.raises(ValidationError, match="不能晚于验收日期") as err:
        with ws.write() as s:
            rs.update_rectification(s, rid, RectificationDraft("3栋楼道堆放杂物", date(2026, 3, 21), "暗访"))
    assert err.value.problems[0].field == "发现日期"
    with ws.read() as s:
        assert rs.get_rectification(s, rid).found_on == date(2026, 3, 1)


def test_a_step_back_reason_is_limited(ws) -> None:
    rid = make(ws)
    with ws.write() as s:
        rs.set_status(s, rid, "in_progress")
    with pytest.raises(ValidationError, match="不能超过 500 个字") as err:
        with ws.write() as s:
            rs.set_status(s, rid, "pending", reason="复" * 501)
    assert err.value.problems[0].field == "退回原因"
    with ws.read() as s:
        row = rs.get_rectification(s, rid)
    assert row.status == "in_progress" and row.remarks == ""


def test_many_step_backs_never_block_editing(ws) -> None:
    rid = make(ws, remarks="最初的备注")
    for n in range(12):
        with ws.write() as s:
            rs.set_status(s, rid, "in_progress")
            rs.set_status(s, rid, "pending", reason=f"第{n}次退回" + "因" * 490, on=date(2026, 4, 1))
    with ws.read() as s:
        remarks = rs.get_rectification(s, rid).remarks
    with ws.write() as s:  # the page's 修改 sends the remarks back as they are
        rs.update_rectification(s, rid, RectificationDraft("3栋楼道堆放杂物", date(2026, 3, 1), "暗访", remarks=remarks))
    assert len(remarks) <= 4000  # what an edit accepts
    assert remarks.startswith(rs.TRIMMED) and "最初的备注" not in remarks and "第0次退回" not in remarks
    assert remarks.splitlines()[-1].startswith("2026-04-01 由「整改中」退回「待整改」：第11次退回")
    assert all(line.startswith("2026-04-01 由") for line in remarks.splitlines()[1:])  # whole lines only
    with ws.read() as s:  # what gave way is in the audit trail (操作日志)
        old = s.scalars(select(AuditEntry.old_values).where(AuditEntry.entity == "rectifications")).all()
    assert any("最初的备注" in values and "第0次退回" in values for values in old)
