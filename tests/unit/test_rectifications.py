"""Rectifications (整改台账): the state flow, overdue, and a self-assessment problem in one step."""

from __future__ import annotations

from datetime import date

import pytest

from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.services import assessment
from huiquan_desk.services import rectifications as rs
from huiquan_desk.services.rectifications import RectificationDraft


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
