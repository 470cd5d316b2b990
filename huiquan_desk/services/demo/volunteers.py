"""Volunteers: the four teams, about 60 volunteers, their hours on the demo activities, records and certificates."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from huiquan_desk.domain.identity import check_char
from huiquan_desk.services.activities import (
    ActivityFilter,
    list_activities,
)
from huiquan_desk.services.certificates import IssuerInfo, issue_certificate
from huiquan_desk.services.demo.context import DemoContext
from huiquan_desk.services.demo.people import STAFF, demo_phone, resident_address, resident_name
from huiquan_desk.services.service_hours import (
    SupplementDraft,
    add_supplement,
    default_minutes,
    hours_total,
    record_attendance,
)
from huiquan_desk.services.volunteers import (
    VolunteerDraft,
    add_commendation,
    add_evaluation,
    add_training,
    create_volunteer,
    list_teams,
)

# ---------------------------------------------------------------------------------------------
# Volunteers: the four teams, about 60 volunteers, their hours on the demo activities

VOLUNTEER_COUNT = 60
SKILLS = ("理发", "法律咨询", "摄影", "医疗护理", "家电维修", "书法", "心理疏导", "电脑操作", "文艺表演", "烹饪", "")
SERVICE_TYPES = ("敬老助残", "环境保护", "文明劝导", "平安巡逻", "文化宣传", "关爱儿童", "应急救援")
TEAM_POLITICS = {"党员志愿服务队": ("中共党员",), "青年志愿服务队": ("共青团员", "群众", "中共党员"),
                 "社区志愿服务队": ("群众", "群众", "中共党员"), "巾帼志愿服务队": ("群众", "中共党员")}
TEAM_AGES = {"党员志愿服务队": (35, 75), "青年志愿服务队": (18, 34), "社区志愿服务队": (30, 78), "巾帼志愿服务队": (28, 70)}
SERVED_LEAVES = ("志愿服务", "卫生整治", "传统节日", "群防群治", "文明家庭", "广场文化", "老年人工作", "安全文明小区")
REGION = "350102"  # an example address code used for the demo's made-up people


def demo_id_number(rng: random.Random, birth: date, female: bool) -> str:
    sequence = rng.randrange(0, 50) * 2 + (0 if female else 1)
    first17 = f"{REGION}{birth:%Y%m%d}{rng.randrange(0, 10)}{sequence:02d}"
    return first17 + check_char(first17)


def fill_volunteers(ctx: DemoContext) -> None:
    rng, session = ctx.rng, ctx.session
    teams = list_teams(session)
    ids: list[int] = []
    used: set[str] = set()
    for index in range(VOLUNTEER_COUNT):
        team = teams[index % len(teams)]
        low, high = TEAM_AGES.get(team.name, (20, 70))
        female = team.name == "巾帼志愿服务队" or rng.random() < 0.5
        birth = date(ctx.today.year - rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28))
        number = demo_id_number(rng, birth, female)
        while number in used:
            number = demo_id_number(rng, birth, female)
        used.add(number)
        registered = ctx.today - timedelta(days=rng.randint(60, 1500))
        draft = VolunteerDraft(
            name=resident_name(rng), id_number=number, phone=demo_phone(rng),
            area=resident_address(rng), skills=rng.choice(SKILLS), service_types="、".join(rng.sample(SERVICE_TYPES, 2)),
            political_status=rng.choice(TEAM_POLITICS.get(team.name, ("群众",))), registered_on=registered,
            team_id=team.id)
        ids.append(create_volunteer(session, draft))
    ctx.summary.volunteers = len(ids)
    _fill_service(ctx, ids)
    _fill_records(ctx, ids)


def _fill_service(ctx: DemoContext, ids: list[int]) -> None:
    rng, session = ctx.rng, ctx.session
    clerk = STAFF["clerk"].name
    now = datetime.combine(ctx.today, datetime.min.time()).replace(hour=17)
    past = [r for r in list_activities(session, ActivityFilter(date_to=ctx.today - timedelta(days=1)))
            if any(part in r.category for part in SERVED_LEAVES)]
    for activity in past:
        people = rng.sample(ids, rng.randint(3, 10))
        default = default_minutes(activity.start, activity.end)
        served = {vid: default if rng.random() < 0.8 else max(30, default - 30) for vid in people}
        delay = rng.choice((0, 0, 0, 1, 1, 2, 3, 18)) if activity.end.date() < ctx.today - timedelta(days=30) else 0
        at = min(now, activity.end + timedelta(days=delay, hours=1))
        ctx.summary.service_records += record_attendance(session, activity.id, served, clerk, at)
    for _ in range(8):
        day = ctx.today - timedelta(days=rng.randint(5, 300))
        add_supplement(session, SupplementDraft(
            volunteer_id=rng.choice(ids), service_date=day, minutes=rng.choice((60, 90, 120)),
            title=rng.choice(("帮独居老人代购生活用品", "楼道堆积物清理", "为行动不便老人送餐", "文明劝导")),
            place=resident_address(rng), content="居民反映后志愿者上门服务", reason="当天未签到，经活动负责人确认后补录"),
            clerk, min(now, datetime.combine(day, datetime.min.time()) + timedelta(days=rng.randint(1, 20), hours=10)))
        ctx.summary.service_records += 1


def _fill_records(ctx: DemoContext, ids: list[int]) -> None:
    rng, session = ctx.rng, ctx.session
    for vid in rng.sample(ids, 20):
        add_training(session, vid, rng.choice(("志愿服务基础知识培训", "应急救护培训", "垃圾分类指导员培训")),
                     ctx.today - timedelta(days=rng.randint(30, 300)), rng.choice((90, 120, 180)),
                     "志愿服务理念、安全知识与服务礼仪", "惠泉镇新时代文明实践所")
    for vid in rng.sample(ids, 6):
        add_commendation(session, vid, rng.choice(("优秀志愿者", "最美志愿者", "先进志愿服务个人")),
                         ctx.today - timedelta(days=rng.randint(30, 330)), "惠泉镇文明办")
    for vid in rng.sample(ids, 25):
        add_evaluation(session, vid, rng.choice(("优秀", "良好", "良好", "合格")),
                       ctx.today - timedelta(days=rng.randint(1, 120)), STAFF["secretary"].name, "服务积极，居民满意")
    issuer = IssuerInfo("惠泉社区居民委员会", STAFF["secretary"].name, STAFF["clerk"].name, "0591-87654321")
    start = date(ctx.today.year, 1, 1)
    for vid in ids[:2]:
        if hours_total(session, vid, start, ctx.today).services:
            issue_certificate(session, vid, start, ctx.today, issuer, STAFF["clerk"].name, ctx.today)
            ctx.summary.certificates += 1

