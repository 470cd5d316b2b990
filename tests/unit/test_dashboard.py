"""The home page's figures (services.dashboard), each checked against data the test writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from huiquan_desk.domain.activity import ActivityStatus, NewAttachment
from huiquan_desk.domain.family import Stage
from huiquan_desk.services import activities as activity_service
from huiquan_desk.services import assessment, dashboard, filing, service_hours, town_reports, volunteers
from huiquan_desk.services import rectifications as rs
from huiquan_desk.services.rectifications import RectificationDraft
from tests.family_helpers import campaign_through, household
from tests.helpers import category_id, draft, make_image
from tests.volunteer_helpers import add_volunteer

TODAY = date(2026, 6, 15)  # 端午 2026 is June 19, 七夕 August 19, 中秋 September 25


def log(ws, title: str, day: date, category: str = "传统节日", status: ActivityStatus = ActivityStatus.DONE,  # type: ignore[no-untyped-def]
        photo=None) -> int:
    start = datetime.combine(day, datetime.min.time()).replace(hour=9)
    with ws.write() as s:
        return activity_service.create_activity(
            s, draft(s, title=title, category_id=category_id(s, category), start=start, end=start + timedelta(hours=2),
                     status=status), ws.files, [NewAttachment(str(photo))] if photo else [])


def overview(ws, today: date = TODAY) -> dashboard.Dashboard:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return dashboard.overview(s, today)


def test_activities_per_top_level_category_and_month(ws, tmp_path) -> None:
    photo = make_image(tmp_path / "p.jpg")
    log(ws, "三月普法", date(2026, 3, 2), "普法宣传", photo=photo)  # 社区秩序
    log(ws, "三月调解", date(2026, 3, 20), "民间纠纷调解", photo=photo)  # 社区秩序
    log(ws, "三月卫生", date(2026, 3, 9), "卫生整治", photo=photo)  # 社会环境
    log(ws, "六月道德讲堂", date(2026, 6, 1), "学习先进人物（道德讲堂）")  # 思想道德教育, no photo
    log(ws, "六月计划", date(2026, 6, 28), "卫生整治", ActivityStatus.PLANNED)  # planned, apart
    log(ws, "去年的活动", date(2025, 3, 2), "普法宣传")  # another year
    d = overview(ws)
    by_name = {c.name: c for c in d.categories}
    assert [c.name for c in d.categories] == ["思想道德教育", "宣传教育", "社区秩序", "社会环境", "文明创建"]
    assert by_name["社区秩序"].held[2] == 2 and sum(by_name["社区秩序"].held) == 2
    assert by_name["社会环境"].held[2] == 1 and by_name["社会环境"].planned[5] == 1 and sum(by_name["社会环境"].held) == 1
    assert by_name["思想道德教育"].held[5] == 1
    assert sum(by_name["宣传教育"].held) == 0 and sum(by_name["文明创建"].planned) == 0
    assert (d.held_month, d.held_year, d.planned_month, d.planned_ahead) == (1, 4, 1, 1)
    # held, no photo: the activity page's count by the one rule (services.activities)
    assert (d.without_photos_month, d.without_photos_year) == (1, 1)
    with ws.read() as s:
        assert activity_service.count_activities(s, activity_service.held_without_photos_filter(
            date(2026, 1, 1), date(2026, 12, 31))) == d.without_photos_year


def test_filed_activities_count_as_held_and_leave_the_unfiled_count(ws, tmp_path) -> None:
    photo = make_image(tmp_path / "p.jpg")
    filed = log(ws, "去年清明", date(2025, 4, 3), photo=photo)
    log(ws, "去年端午", date(2025, 5, 30), photo=photo)
    log(ws, "去年中秋", date(2025, 10, 5))
    log(ws, "去年计划没开展", date(2025, 12, 20), status=ActivityStatus.PLANNED)  # a plan is not filed
    log(ws, "今年春节", date(2026, 2, 10), photo=photo)
    with ws.write() as s:
        filing.file_records(s, ws.files, [filed])
        homes = [household(s, "王建国", room="501"), household(s, "李芳", room="502")]
        campaign_through(s, homes, 1, Stage.COMMEND, year=2025)  # commended, waiting to be filed
        campaign_through(s, [household(s, "张伟", room="503")], 1, Stage.NOTICE, year=2025)  # not yet
    d = overview(ws)
    assert [(u.year, u.activities, u.campaigns, u.due) for u in d.unfiled] == [
        (2025, 2, 1, date(2026, 6, 30)), (2026, 1, 0, date(2027, 6, 30))]
    assert [u.year for u in d.unfiled_due] == [2025] and d.unfiled_this_year and d.unfiled_this_year.total == 1
    with ws.read() as s:  # the same rule as the archive page's reminder
        assert len(filing.unfiled(s, 2025)) == 3 and len(filing.unfiled(s, 2026)) == 1
    qingming = log(ws, "今年清明", date(2026, 4, 4), photo=photo)
    with ws.write() as s:
        filing.file_records(s, ws.files, [qingming])
    d = overview(ws, date(2026, 7, 1))
    assert d.held_year == 2  # 已归档 took place too
    assert d.unfiled_due[0].due < d.today and d.unfiled_this_year and d.unfiled_this_year.total == 1


def test_the_home_page_the_town_report_and_filing_count_alike(ws, tmp_path) -> None:
    """One rule each for 「没有照片的活动」 (held: 已开展 or 已归档, no photo) and 「未归档」
    (已开展 activities and commended campaigns in no archive item), counted the same everywhere."""
    photo = make_image(tmp_path / "p.jpg")
    log(ws, "三月普法", date(2026, 3, 2), "普法宣传")  # 已开展, no photo
    log(ws, "三月卫生", date(2026, 3, 9), "卫生整治", photo=photo)  # has a photo
    filed_bare = log(ws, "四月清明", date(2026, 4, 4))  # filed below: 已归档, still no photo
    log(ws, "五月计划", date(2026, 5, 20), status=ActivityStatus.PLANNED)  # a plan: neither
    log(ws, "去年中秋", date(2025, 10, 5))  # last year: unfiled there
    with ws.write() as s:
        filing.file_records(s, ws.files, [filed_bare])
        campaign_through(s, [household(s, "王建国", room="501")], 1, Stage.COMMEND, year=2025)
        campaign_through(s, [household(s, "李芳", room="502")], 1, Stage.COMMEND, year=2026)
    d = overview(ws)
    with ws.read() as s:
        report = town_reports.gather_report(s, town_reports.ReportPeriod("year", 2026), TODAY)
        page = activity_service.count_activities(s, activity_service.held_without_photos_filter(
            date(2026, 1, 1), date(2026, 12, 31)))
        waiting = {y: len(filing.unfiled(s, y)) for y in (2025, 2026)}
        counts = filing.unfiled_counts(s, None, 2026)
        last_year = town_reports.gather_report(s, town_reports.ReportPeriod("year", 2025), TODAY)
    assert d.without_photos_year == report.activities.without_photos == page == 2  # 普法 and 清明
    by_category = {c.name: c.without_photos for c in report.activities.by_category}
    assert by_category["社区秩序"] == 1 and sum(by_category.values()) == 2
    assert {u.year: u.total for u in d.unfiled} == waiting == {2025: 2, 2026: 3}  # 2026: 普法, 卫生, 评选
    assert counts == {2025: (1, 1), 2026: (2, 1)}
    for year_report in (report, last_year):
        for y in year_report.archives.years:
            assert (y.unfiled_activities, y.unfiled_campaigns) == counts[y.year]
            assert y.unfiled == waiting[y.year]


def test_hours_by_team_this_month_and_this_year(ws) -> None:
    with ws.write() as s:
        party = volunteers.add_team(s, "党员服务队")
        youth = volunteers.add_team(s, "青年服务队")
        a = add_volunteer(s, "林秀英", seq=1, team_id=party)
        b = add_volunteer(s, "王建华", seq=3, team_id=youth)
        c = add_volunteer(s, "张丽", seq=5)  # no team

        def served(who: int, day: date, minutes: int) -> None:
            service_hours.add_supplement(s, service_hours.SupplementDraft(
                who, day, minutes, title="楼道清理", reason="签到表遗漏"), "王堃", at=datetime(2026, 11, 1, 9))

        served(a, date(2026, 6, 2), 90)
        served(a, date(2026, 6, 14), 60)
        served(a, date(2026, 2, 1), 120)
        served(b, date(2026, 3, 8), 150)
        served(c, date(2026, 6, 10), 30)
        served(a, date(2025, 6, 10), 600)  # last year
    d = overview(ws)
    assert [(h.name, h.month_minutes, h.year_minutes) for h in d.hours] == [
        ("党员服务队", 150, 270), ("青年服务队", 0, 150), (service_hours.NO_TEAM, 30, 30)]
    assert d.hours[0].team_id == party and d.hours[2].team_id is None
    assert (d.month_minutes, d.year_minutes) == (180, 450)


def test_overdue_rectifications(ws) -> None:
    with ws.write() as s:
        late = rs.create_rectification(s, RectificationDraft("3栋楼道堆放杂物", date(2026, 5, 1), responsible="王堃",
                                                             deadline=date(2026, 6, 1)))
        later = rs.create_rectification(s, RectificationDraft("宣传栏破损", date(2026, 5, 20), responsible="刘志强",
                                                              deadline=date(2026, 6, 10)))
        rs.set_status(s, later, "in_progress")
        closed = rs.create_rectification(s, RectificationDraft("路灯不亮", date(2026, 5, 1), deadline=date(2026, 5, 10)))
        rs.set_status(s, closed, "in_progress")
        rs.set_status(s, closed, "done")
        rs.create_rectification(s, RectificationDraft("绿化带垃圾", date(2026, 6, 1), deadline=date(2026, 6, 30)))
    d = overview(ws)
    assert d.overdue_count == 2
    assert [(r.id, r.deadline) for r in d.overdue] == [(late, date(2026, 6, 1)), (later, date(2026, 6, 10))]
    assert overview(ws, date(2026, 6, 5)).overdue_count == 1


def test_festivals_planned_and_not(ws) -> None:
    log(ws, "端午包粽子邻里情", date(2026, 6, 17), status=ActivityStatus.PLANNED)  # in 端午's window
    log(ws, "中秋诗会筹备", date(2026, 6, 18), status=ActivityStatus.PLANNED)  # names 中秋: not for 端午
    log(ws, "端午龙舟赛", date(2026, 6, 18), "广场文化与全民健身", ActivityStatus.PLANNED)  # not 传统节日
    log(ws, "月饼制作", date(2026, 9, 5), status=ActivityStatus.PLANNED)  # 20 days before 中秋: outside
    d = overview(ws)
    assert [(f.name, f.day) for f in d.festivals] == [
        ("端午", date(2026, 6, 19)), ("七夕", date(2026, 8, 19)), ("中秋", date(2026, 9, 25))]
    duanwu, qixi, zhongqiu = d.festivals
    assert [a.title for a in duanwu.activities] == ["端午包粽子邻里情"]
    assert duanwu.planned and not duanwu.held and duanwu.note == "农历五月初五" and duanwu.days_left(TODAY) == 4
    assert (duanwu.window_from, duanwu.window_to) == (date(2026, 6, 5), date(2026, 6, 22))
    assert not qixi.planned and not zhongqiu.planned
    with ws.read() as s:
        assert d.festival_category_id == category_id(s, "传统节日")
    log(ws, "我们的节日·邻里团圆", date(2026, 9, 22))  # names no festival: the one whose window holds it
    zhongqiu = overview(ws).festivals[2]
    assert zhongqiu.planned and zhongqiu.held and [a.title for a in zhongqiu.activities] == ["我们的节日·邻里团圆"]


def test_grades_as_traffic_lights(ws) -> None:
    with ws.read() as s:
        assert dashboard.grades(s, TODAY).lights == []  # no checklist yet
    with ws.write() as s:
        assessment.seed_checklist(s)
    with ws.read() as s:
        lights = dashboard.grades(s, TODAY)
        results = assessment.evaluate(s, date(2026, 1, 1), TODAY, TODAY)
    assert len(lights.lights) == len(results) > 0
    for light, result in zip(lights.lights, results, strict=True):
        assert light.code == result.item.code and light.grade == result.grade
        assert light.light == {"A": "green", "B": "amber", "C": "orange", "C#": "red", None: "grey"}[result.grade]
        assert light.problems == len(result.problems)
    assert sum(lights.count(x) for x in ("green", "amber", "orange", "red", "grey")) == len(results)
    assert (lights.score, lights.points) == assessment.total_score(results)
    assert lights.count("red") > 0  # an empty ledger misses its monthly activities


def test_an_empty_workspace(ws) -> None:
    d = overview(ws)
    assert len(d.categories) == 5 and all(sum(c.held) == 0 and sum(c.planned) == 0 for c in d.categories)
    assert (d.held_month, d.held_year, d.without_photos_year, d.overdue_count, d.hours, d.unfiled) == (0, 0, 0, 0, [], [])
    assert len(d.festivals) == dashboard.NEXT_FESTIVALS and not any(f.planned for f in d.festivals)


def test_grading_stops_between_items_when_cancelled(ws) -> None:
    from huiquan_desk.domain.errors import Cancelled

    with ws.write() as s:
        items = assessment.seed_checklist(s)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 2:
            raise Cancelled()

    with ws.read() as s, pytest.raises(Cancelled):
        dashboard.grades(s, TODAY, progress)
    assert seen == [(0, items), (1, items), (2, items)]
