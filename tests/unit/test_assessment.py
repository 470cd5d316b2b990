"""Self-assessment (测评自查): each rule of the vocabulary passes and fails on real records, grading
by thresholds and scores, items assessed by hand, and the checklist's validation messages."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

import pytest

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.activity import AttachmentKind, NewAttachment
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.family import Stage
from huiquan_desk.services import activities, filing, fixity, rectifications, service_hours
from huiquan_desk.services import assessment as svc
from huiquan_desk.services.assessment import ChecklistDraft, ItemSpec
from tests.family_helpers import campaign_through, household
from tests.helpers import log_activity, make_image
from tests.volunteer_helpers import add_volunteer


def spec(rule: str, thresholds: str = "0/1/2", points: float = 10) -> ItemSpec:
    return ItemSpec(None, "T-01", "测试", "指标", "", points, "材料审核", rule, thresholds)


def judge(ws, rule: str, start: date, end: date, today: date, thresholds: str = "0/1/2") -> svc.ItemResult:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        (result,) = svc.evaluate(s, start, end, today, [spec(rule, thresholds)])
    return result


_made = itertools.count()


def files(tmp_path: Path, photos: int, sign_in: bool) -> list[NewAttachment]:
    out = [NewAttachment(str(make_image(tmp_path / f"p{next(_made)}.jpg", color=("red", "blue", "green")[i % 3])))
           for i in range(photos)]
    if sign_in:
        out.append(NewAttachment(str(make_image(tmp_path / f"s{next(_made)}.jpg", "white")), AttachmentKind.SIGN_IN))
    return out


def festival(ws, tmp_path: Path, day: date, photos: int = 0, sign_in: bool = False, title: str = "中秋节活动") -> int:  # type: ignore[no-untyped-def]
    return log_activity(ws, files(tmp_path, photos, sign_in), title=title, start=datetime(day.year, day.month, day.day, 9))


COUNT = '{"category_count": {"category": "传统节日", "n": 1, "per": "month"}}'
EVIDENCE = '{"category_evidence": {"category": "传统节日", "photos": 2, "sign_in": true}}'


def test_category_count_per_month(ws, tmp_path) -> None:
    festival(ws, tmp_path, date(2026, 1, 10))
    festival(ws, tmp_path, date(2026, 3, 10))
    result = judge(ws, COUNT, date(2026, 1, 1), date(2026, 3, 31), today=date(2026, 4, 5))
    assert result.grade == "B" and result.score == 6.6
    assert [p.text for p in result.problems] == ["2026年2月：传统节日类活动 0 次，应至少 1 次"]
    assert len(result.evidence) == 2 and result.evidence[0].fix is not None and result.evidence[0].fix[0] == "activities"
    festival(ws, tmp_path, date(2026, 2, 10))
    assert judge(ws, COUNT, date(2026, 1, 1), date(2026, 3, 31), today=date(2026, 4, 5)).grade == "A"
    # a month still running is not a problem yet
    running = judge(ws, COUNT, date(2026, 4, 1), date(2026, 4, 30), today=date(2026, 4, 5))
    assert running.grade == "A" and "还需 1 次" in running.note


def test_category_evidence_photos_and_sign_in(ws, tmp_path) -> None:
    good = festival(ws, tmp_path, date(2026, 5, 3), photos=2, sign_in=True)
    bad = festival(ws, tmp_path, date(2026, 5, 9), photos=1, title="端午节包粽子")
    result = judge(ws, EVIDENCE, date(2026, 5, 1), date(2026, 5, 31), today=date(2026, 6, 1))
    assert result.grade == "B"
    (problem,) = result.problems
    assert problem.fix == ("activities", bad) and "照片 1 张（应至少 2 张）" in problem.text and "缺签到表" in problem.text
    assert [e.fix for e in result.evidence] == [("activities", good)]


def test_removing_the_photos_of_one_categorys_activities_drops_that_items_grade(ws, tmp_path) -> None:
    ids = [festival(ws, tmp_path, date(2026, 9, d), photos=2, sign_in=True) for d in (3, 17)]
    with ws.write() as s:
        assert svc.seed_checklist(s) == len(svc.default_checklist())
    period = (date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 8))

    def grade() -> str | None:
        with ws.read() as s:
            return next(r.grade for r in svc.evaluate(s, *period) if r.code == "HJ-02")

    assert grade() == "A"
    for aid in ids:
        with ws.write() as s:
            detail = activities.get_activity(s, aid, ws.files)
            photos = [a.id for a in detail.attachments if a.kind == AttachmentKind.PHOTO]
            activities.update_activity(s, aid, detail.draft(), ws.files, remove=photos)
    assert grade() == "C"


def test_hours_on_time(ws) -> None:
    with ws.write() as s:
        vid = add_volunteer(s, "王堃", seq=1, registered_on=date(2026, 1, 5))
        ok = service_hours.add_supplement(s, service_hours.SupplementDraft(
            vid, date(2026, 3, 2), 120, "清扫楼道", reason="纸质签到补录"), "周敏", at=datetime(2026, 3, 6, 10))
        late = service_hours.add_supplement(s, service_hours.SupplementDraft(
            vid, date(2026, 3, 3), 60, "敬老院陪护", reason="纸质签到补录"), "周敏", at=datetime(2026, 4, 20, 10))
    result = judge(ws, '{"hours_on_time": {"workdays": 10}}', date(2026, 3, 1), date(2026, 3, 31), date(2026, 5, 1))
    assert result.grade == "B"
    assert [p.fix for p in result.problems] == [("service_records", late)] and "王堃" in result.problems[0].text
    assert ok != late and "按时录入的服务记录 1 条（共 2 条）" in result.evidence[0].text
    lenient = judge(ws, '{"hours_on_time": {"workdays": 40}}', date(2026, 3, 1), date(2026, 3, 31), date(2026, 5, 1))
    assert lenient.grade == "A"


def test_average_hours_prorated(ws) -> None:
    with ws.write() as s:
        a = add_volunteer(s, "王堃", seq=1, registered_on=date(2026, 1, 5))
        add_volunteer(s, "林秀英", seq=2, registered_on=date(2026, 1, 5))
        service_hours.add_supplement(s, service_hours.SupplementDraft(
            a, date(2026, 1, 20), 600, "巡逻", reason="补录"), "周敏", at=datetime(2026, 1, 22, 9))
    rule = '{"average_hours": {"hours": 25}}'
    # 10 hours over 2 volunteers = 5 a head; January prorated is 25 × 31/365 ≈ 2.1: met
    assert judge(ws, rule, date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1)).grade == "A"
    # the whole year asks for 25 a head: not met
    year = judge(ws, rule, date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 5))
    assert year.grade == "B" and "人均 5.0 小时" in year.problems[0].text


def test_filed_by_june_30(ws, tmp_path) -> None:
    aid = festival(ws, tmp_path, date(2025, 9, 20))
    rule = '{"filed_by": {}}'
    before = judge(ws, rule, date(2026, 1, 1), date(2026, 5, 31), date(2026, 5, 31))
    assert before.grade == "A" and "还有 1 项未归档" in before.note
    after = judge(ws, rule, date(2026, 1, 1), date(2026, 7, 31), date(2026, 7, 31))
    assert after.grade == "B" and after.problems[0].fix == ("activities", aid) and "2026年6月30日" in after.problems[0].text
    with ws.write() as s:
        (item_id,) = filing.file_records(s, ws.files, [aid])
    # filed now (after 2026-06-30): no longer unfiled, but filed late
    late = judge(ws, rule, date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert [p.fix for p in late.problems] == [("archive_items", item_id)] and "才归档" in late.problems[0].text


def test_campaign_commended(ws) -> None:
    rule = '{"campaign_commended": {"kind": "文明家庭"}}'
    with ws.write() as s:
        homes = [household(s, "王建国", room="501"), household(s, "李芳", room="502")]
        cid = campaign_through(s, homes, 1, Stage.NOTICE, year=2026)
    going = judge(ws, rule, date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert going.grade == "B" and going.problems[0].fix == ("campaigns", cid) and "尚未完成表彰" in going.problems[0].text
    with ws.write() as s:
        from huiquan_desk.services import campaigns

        campaigns.advance_stage(s, cid, today=date(2026, 12, 5), on=date(2026, 12, 1))
    done = judge(ws, rule, date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert done.grade == "A" and done.evidence[0].fix == ("campaigns", cid)
    assert judge(ws, '{"campaign_commended": {"kind": "文明居民"}}', date(2026, 1, 1), date(2026, 12, 31),
                 date(2026, 12, 31)).grade == "B"


def test_no_overdue_rectification(ws) -> None:
    rule = '{"no_overdue_rectification": {}}'
    with ws.write() as s:
        rid = rectifications.create_rectification(s, rectifications.RectificationDraft(
            "3栋楼道堆放杂物", date(2026, 3, 1), "暗访", responsible="王堃", deadline=date(2026, 3, 15)))
    assert judge(ws, rule, date(2026, 3, 1), date(2026, 3, 10), date(2026, 3, 10)).grade == "A"
    late = judge(ws, rule, date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 31))
    assert late.grade == "B" and late.problems[0].fix == ("rectifications", rid) and "王堃" in late.problems[0].text
    with ws.write() as s:
        rectifications.set_status(s, rid, "in_progress")
        rectifications.set_status(s, rid, "done")
    assert judge(ws, rule, date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 31)).grade == "A"


def test_fixity_within(ws) -> None:
    rule = '{"fixity_within": {"days": 90}}'
    never = judge(ws, rule, date(2026, 1, 1), date(2026, 6, 30), date(2026, 6, 30))
    assert never.grade == "B" and never.problems[0].text == "还没有做过档案检测"
    with ws.write() as s:
        cid = fixity.record_check(s, fixity.FixityReport(checked_at=datetime(2026, 5, 1, 10), files=3), "周敏")
    fresh = judge(ws, rule, date(2026, 1, 1), date(2026, 6, 30), date(2026, 6, 30))
    assert fresh.grade == "A" and fresh.evidence[0].fix == ("fixity_checks", cid)
    stale = judge(ws, rule, date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert stale.grade == "B" and "已过 244 天" in stale.problems[0].text


@pytest.mark.parametrize(("problems", "thresholds", "grade", "score"), [
    (0, "0/1/2", "A", 10.0), (1, "0/1/2", "B", 6.6), (2, "0/1/2", "C", 3.3), (3, "0/1/2", "C#", 0.0),
    (2, "1/3/5", "B", 6.6), (6, "1/3/5", "C#", 0.0), (0, "0/0/0", "A", 10.0), (1, "0/0/0", "C#", 0.0)])
def test_grading_by_thresholds_and_score(problems: int, thresholds: str, grade: str, score: float) -> None:
    got = rules.grade_for(problems, rules.parse_thresholds(thresholds))
    assert got == grade and rules.score_for(got, 10) == score


def test_thresholds_and_rules_are_refused_in_chinese() -> None:
    for bad in ("", "0/1", "a/b/c", "2/1/0", "-1/0/1"):
        with pytest.raises(ValidationError) as err:
            rules.parse_thresholds(bad)
        assert "评档标准" in str(err.value)
    for bad, words in (('{"category_count": {"category": "传统节日", "n": 0, "per": "month"}}', "次数"),
                       ('{"category_count": {"category": "传统节日", "n": 1, "per": "week"}}', "周期"),
                       ('{"fixity_within": {"days": "x"}}', "天数"), ('{"nope": {}}', "未知的规则种类"),
                       ('[1, 2]', "规则应写成"), ('{"filed_by": {"year": 1}}', "没有参数"), ("{", "JSON")):
        with pytest.raises(ValidationError) as err:
            rules.parse_rule(bad)
        assert "评定规则" in str(err.value) and words in str(err.value), str(err.value)
    for text in (COUNT, EVIDENCE, '{"campaign_commended": {"kind": "文明家庭"}}', '{"average_hours": {"hours": 25}}'):
        assert rules.dump_rule(rules.parse_rule(text)) == text
    assert rules.rule_sentence(rules.parse_rule(COUNT)) == "传统节日类活动每月至少 1 次"


def test_checklist_validation_names_the_field(ws) -> None:
    with ws.write() as s:
        svc.seed_checklist(s)
        with pytest.raises(ValidationError) as err:
            svc.add_item(s, ChecklistDraft("hj-01", "", "指标", points=0, method="拍脑袋",
                                           rule='{"category_count": {"category": "不存在的类别", "n": 1, "per": "month"}}',
                                           thresholds="3/2/1"))
    fields = {p.field for p in err.value.problems}
    assert fields == {"编号", "测评项目", "分值", "测评方法", "评定规则", "评档标准"}, str(err.value)
    assert "已被另一个测评项目使用" in str(err.value) and "找不到活动类别「不存在的类别」" in str(err.value)
    with ws.write() as s:
        new = svc.add_item(s, ChecklistDraft("X-01", "测试", "自定义", points=5, rule=COUNT, thresholds="0 / 2 / 4"))
        assert svc.get_item(s, new).thresholds == "0/2/4"
        svc.update_item(s, new, ChecklistDraft("X-01", "测试", "改过", points=3))
        svc.retire_item(s, new)
        assert svc.seed_checklist(s) == 0  # only into an empty checklist
    with ws.read() as s:
        codes = [r.code for r in svc.evaluate(s, date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1))]
        assert "X-01" not in codes and len(codes) == len(svc.default_checklist())
        assert svc.get_item(s, new).indicator == "改过" and svc.get_item(s, new).rule == ""


def test_default_checklist_is_valid_and_covers_the_plan() -> None:
    items = svc.default_checklist()
    assert 10 <= len(items) <= 16 and sum(i.points for i in items) == 100
    assert {i.project for i in items} == {"思想道德教育", "宣传教育", "社区秩序", "社会环境", "文明创建"}
    kinds = {next(iter(__import__("json").loads(i.rule))) for i in items if i.rule}
    assert kinds == set(rules.KIND_LABELS)
    assert sum(1 for i in items if not i.rule) >= 2


def test_manual_items(ws) -> None:
    with ws.write() as s:
        svc.seed_checklist(s)
        item = next(i for i in svc.list_items(s) if i.code == "WC-05")
        auto = next(i for i in svc.list_items(s) if i.code == "HJ-01")
    with ws.read() as s:
        (pending,) = svc.evaluate(s, date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1), [item])
    assert pending.grade is None and pending.grade_text == "待人工评定" and pending.score is None
    with ws.write() as s:
        with pytest.raises(ValidationError) as err:
            svc.record_manual(s, item.id, date(2026, 3, 31), date(2026, 1, 1), "D", assessed_by="")
        assert {p.field for p in err.value.problems} == {"评定时段止", "评定档次", "评定人"}
        with pytest.raises(ValidationError, match="自动评定"):
            svc.record_manual(s, auto.id, date(2026, 1, 1), date(2026, 3, 31), "A", assessed_by="周敏")
        svc.record_manual(s, item.id, date(2026, 1, 1), date(2026, 6, 30), "c", "制度未上墙", "现场照片 3 张", "周敏",
                          date(2026, 4, 2))
        svc.record_manual(s, item.id, date(2026, 1, 1), date(2026, 6, 30), "B", "已整改上墙", "", "周敏", date(2026, 4, 9))
    with ws.read() as s:
        (done,) = svc.evaluate(s, date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 10), [item])
        (outside,) = svc.evaluate(s, date(2026, 1, 1), date(2026, 12, 31), date(2026, 4, 10), [item])
    assert done.grade == "B" and done.score == round(0.66 * item.points, 2) and done.note == "已整改上墙"
    assert outside.grade is None  # no assessment covers the whole year


def test_period_is_checked(ws) -> None:
    with ws.read() as s, pytest.raises(ValidationError, match="评定时段"):
        svc.evaluate(s, date(2026, 2, 1), date(2026, 1, 1))


def test_a_viewer_cannot_change_the_checklist(ws) -> None:
    with ws.write() as s:
        s.info["role"] = "viewer"
        with pytest.raises(Exception, match="权限|只能查看|查看"):
            svc.add_item(s, ChecklistDraft("Y-01", "测试", "指标", points=5))
        s.info.pop("role")

