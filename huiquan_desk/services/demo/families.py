"""Households and civic family campaigns: the register of 1–12栋 and three campaigns carried through
services.households and services.campaigns, every step on the day it happened (`today=` / `on=`),
so the stage rules hold exactly as they do for a user.

- Last year's 文明家庭: grid quotas, scored, commended and publicized (表彰, 宣传推介).
- This year's 文明家庭: grid quotas (等额推荐), a five-member review group scoring every criterion,
  households not chosen with the reason, one household commended last year nominated again (the
  repeat-award flag shows), an objection during the notice found groundless; commended (表彰).
- This year's 平安家庭: decided by vote, in its notice period (公示) on the demo's day, one objection open.

Their meetings (宣传动员会, 评议会, 表彰会, 宣传推介) are ordinary activities planned here for
`fill_activities` (ctx.activities), which creates them with the year's and links each to its campaign.

Dates follow the demo's day (`plan_timelines`): this year's campaigns ran in the last two or three
months whatever the day, and a campaign's year is the year it was launched (a 2026年度 campaign
launched in December is commended in January). Last year's ran in the same season a year before,
moved into the demo's twelve months where that year leaves room.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from huiquan_desk.domain.activity import NewAttachment, PhotoCaption
from huiquan_desk.domain.family import (
    DEFAULT_CRITERIA,
    Decision,
    Outcome,
    ReviewMethod,
    Vote,
    address_text,
    notice_end,
)
from huiquan_desk.domain.family import ranks as rank_of
from huiquan_desk.services import campaigns as cs
from huiquan_desk.services.categories import CategoryNode, list_categories
from huiquan_desk.services.demo.activities import (
    COMMITTEE,
    LECTURE_HALL,
    MEETING_ROOM,
    PRACTICE_STATION,
    SERVICE_CENTRE,
    SQUARE,
    Planner,
    Template,
    leaf_categories,
    month_starts,
    workday_near,
)
from huiquan_desk.services.demo.context import DEMO_COMMUNITY, DemoActivity, DemoContext
from huiquan_desk.services.demo.people import (
    BUILDINGS,
    GIVEN,
    GRIDS,
    STAFF,
    Building,
    demo_phone,
    resident_name,
)
from huiquan_desk.services.demo.pictures import draw_scene
from huiquan_desk.services.households import HouseholdDraft, Member, create_household
from huiquan_desk.services.settings import NOTICE_DAYS, NOTICE_WORKDAYS, get_setting

HOUSEHOLDS = (180, 220)  # how many of the community's ~600 doors are in the register
MEMBERS_LISTED = 0.65  # share of households whose members are listed by name
NO_PHONE = 0.08
FAMILY_LEAF = "文明家庭/文明居民/文明邻里评选"
PEACE_LEAF = "平安社区/平安家庭"
BOARD_LEAF = "宣传栏/板报宣传"
WOMEN_FED = "惠泉社区妇联"


# ---------------------------------------------------------------------------------------------
# Dates (pure)


@dataclass(frozen=True)
class Gaps:
    """Days between the steps of a campaign."""

    nominate: int  # mobilization → review meeting (nominations close just before)
    notice: int  # review meeting → the notice starts
    commend: int  # the notice's last day → commendation
    publicize: int  # commendation → 宣传推介


@dataclass(frozen=True)
class Timeline:
    mobilize: date  # 宣传动员会: the campaign moves to 推荐
    review: date  # 评议会: nominations closed, the campaign in 评议
    notice: date  # the notice starts (公示)
    notice_end: date
    commend: date  # 表彰会 (for a campaign still in its notice: the planned one)
    publicize: date  # 宣传推介

    @property
    def nominated(self) -> date:
        """The day the nominations were handed in (between mobilization and review)."""
        return self.review - timedelta(days=max(1, (self.review - self.mobilize).days // 4))


@dataclass(frozen=True)
class Timelines:
    last: Timeline  # last year's 文明家庭, commended and publicized
    current: Timeline  # this year's 文明家庭, commended at least five days ago
    notice: Timeline  # this year's 平安家庭, its notice running on the demo's day


def previous_workday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def next_workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def same_day(day: date, year: int) -> date:
    """`day` in `year` (29 February becomes the 28th)."""
    return day.replace(year=year) if (day.month, day.day) != (2, 29) else date(year, 2, 28)


def timeline(mobilize: date, gaps: Gaps, notice_days: int, workdays: bool) -> Timeline:
    """Every gap is at least two days, so moving a weekend day to a workday keeps the order."""
    review = workday_near(mobilize + timedelta(days=gaps.nominate))
    start = workday_near(review + timedelta(days=gaps.notice))
    end = notice_end(start, notice_days, workdays)
    commend = workday_near(end + timedelta(days=gaps.commend))
    publicize = workday_near(commend + timedelta(days=gaps.publicize))
    return Timeline(mobilize, review, start, end, commend, publicize)


def plan_timelines(rng: random.Random, today: date, notice_days: int = 7, workdays: bool = False) -> Timelines:
    week = timedelta(days=7)
    # This year's 文明家庭: launched six to nine weeks ago; a week earlier at a time (weekdays kept)
    # until the commendation lies at least five days back.
    gaps = Gaps(rng.randint(18, 24), rng.randint(2, 4), rng.randint(3, 7), rng.randint(7, 14))
    start = workday_near(today - timedelta(days=rng.randint(45, 65)))
    current = timeline(start, gaps, notice_days, workdays)
    while current.commend > today - timedelta(days=5):
        start -= week
        current = timeline(start, gaps, notice_days, workdays)

    # This year's 平安家庭: its notice started one to four days ago (a workday) and is still running.
    notice = previous_workday(today - timedelta(days=rng.randint(1, 4)))
    while notice_end(notice, notice_days, workdays) < today:
        notice += timedelta(days=1)
    review = previous_workday(notice - timedelta(days=rng.randint(1, 2)))
    mobilize = workday_near(review - timedelta(days=rng.randint(16, 22)))
    end = notice_end(notice, notice_days, workdays)
    commend = workday_near(end + timedelta(days=rng.randint(3, 6)))
    peace = Timeline(mobilize, review, notice, end, commend, workday_near(commend + timedelta(days=10)))

    # Last year's 文明家庭: the same season a year before, but not before the demo's twelve months
    # when last year leaves room for it there; a week earlier at a time until it ends within that year.
    year = current.mobilize.year - 1
    window = month_starts(today)[0]
    last_gaps = Gaps(rng.randint(14, 18), rng.randint(2, 3), rng.randint(3, 5), rng.randint(5, 9))
    start = next_workday(max(same_day(current.mobilize, year), window + timedelta(days=3)))
    last = timeline(start, last_gaps, notice_days, workdays)
    while last.publicize.year > year:
        start -= week
        last = timeline(start, last_gaps, notice_days, workdays)
    return Timelines(last, current, peace)


# ---------------------------------------------------------------------------------------------
# The household register


@dataclass(frozen=True)
class Home:
    id: int
    head: str
    building: Building
    unit: int
    room: str
    leader: bool  # 楼栋长

    @property
    def grid(self) -> str:
        return self.building.grid

    @property
    def address(self) -> str:
        return address_text(str(self.building.number), str(self.unit), self.room)

    @property
    def family(self) -> str:
        return f"{self.head}家庭"


def _given(rng: random.Random) -> str:
    return rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")


def _members(rng: random.Random, head: str) -> tuple[list[Member], str]:
    """The members of a household and a remark: alone, a couple, with children, three generations."""
    surname = head[0]
    kind = rng.choices(("alone", "couple", "nuclear", "three", "parent"), weights=(12, 22, 33, 23, 10))[0]
    if kind == "alone":
        return [], rng.choice(("独居老人，网格员每周走访", "独居", ""))
    spouse = resident_name(rng)
    while spouse[0] == surname:
        spouse = resident_name(rng)
    members = [Member(spouse, "配偶")]
    if kind == "couple":
        return members, rng.choice(("", "", "子女在外地工作"))
    children = [Member(surname + _given(rng), rng.choice(("子", "女"))) for _ in range(rng.choice((1, 1, 2)))]
    members += children
    if kind == "three":
        if children[0].relation == "子":
            members += [Member(resident_name(rng), "儿媳"), Member(surname + _given(rng), rng.choice(("孙子", "孙女")))]
        else:
            in_law = resident_name(rng)
            members += [Member(in_law, "女婿"), Member(in_law[0] + _given(rng), rng.choice(("外孙子", "外孙女")))]
    elif kind == "parent":
        members.append(Member(surname + _given(rng), "父亲") if rng.random() < 0.4 else Member(resident_name(rng), "母亲"))
    return members, ""


def fill_households(ctx: DemoContext, rng: random.Random) -> list[Home]:
    """About two hundred households, registered building by building, one 楼栋长 in each building."""
    doors = [(building, unit, room) for building in BUILDINGS for unit, room in building.doors()]
    picked = sorted(rng.sample(range(len(doors)), rng.randint(*HOUSEHOLDS)))
    leaders = {number: rng.choice([i for i in picked if doors[i][0].number == number])
               for number in sorted({doors[i][0].number for i in picked})}
    homes: list[Home] = []
    heads: set[str] = set()
    for index in picked:
        building, unit, room = doors[index]
        head = resident_name(rng)
        while head in heads:  # one name one household, so a campaign never lists two 王建国家庭
            head = resident_name(rng)
        heads.add(head)
        members, remarks = _members(rng, head)
        leader = leaders[building.number] == index
        if leader:
            members, remarks = members or [Member(resident_name(rng), "配偶")], "楼栋长"
        listed = rng.random() < MEMBERS_LISTED or leader
        draft = HouseholdDraft(head, str(building.number), str(unit), room, size=1 + len(members),
                               phone="" if rng.random() < NO_PHONE else demo_phone(rng), grid=building.grid,
                               remarks=remarks, members=members if listed else [])
        homes.append(Home(create_household(ctx.session, draft), head, building, unit, room, leader))
    ctx.summary.households = len(homes)
    return homes


# ---------------------------------------------------------------------------------------------
# What nominated households did


@dataclass(frozen=True)
class Deed:
    label: str
    text: str  # {head} is the head of the household
    place: str  # where its photo was taken ("" at home)


CIVIC_DEEDS = (
    Deed("孝老爱亲", "{head}家三代同堂，{head}悉心照料年迈卧床的母亲十余年，端水喂饭、擦身按摩从不间断，孝老爱亲的事迹"
         "在楼栋里传为佳话。", ""),
    Deed("热心公益", "{head}一家都是社区志愿者，常年参加环境保洁、文明劝导和敬老助残志愿服务，全家累计志愿服务时长300余小时。",
         SQUARE),
    Deed("家教良好", "{head}家注重家风家教，定下“勤俭持家、诚实做人”的家训，孩子品学兼优、尊敬师长，多次获评“三好学生”。", ""),
    Deed("邻里和睦", "{head}主动调解楼道里的邻里纠纷，带头清理楼道堆积物，谁家有困难都热心帮忙，是大家信得过的“热心人”。",
         "社区各楼栋"),
    Deed("绿色节俭", "{head}家坚持垃圾分类、节约用水用电，阳台种菜用厨余堆肥，还带动左邻右舍参与垃圾分类。", ""),
    Deed("移风易俗", "{head}家带头移风易俗，子女婚事新办简办，把省下的钱捐给社区困难家庭，倡导文明新风。", SERVICE_CENTRE),
    Deed("红色家风", "{head}家两代党员，传承红色家风，{head}退休后义务宣讲党的政策，热心为居民办实事。", PRACTICE_STATION),
    Deed("诚信经营", "{head}一家在社区经营小超市二十年，明码标价、诚信经营，从未与顾客发生纠纷，还常为独居老人送货上门。",
         "社区沿街商铺"),
    Deed("爱岗敬业", "{head}是社区卫生服务站医生，爱岗敬业，工作之余为邻居量血压、讲健康知识，家人全力支持。", SERVICE_CENTRE),
    Deed("助学助困", "{head}家多年资助两名困难学生完成学业，每逢节日还给社区困难家庭送去米、油。", SERVICE_CENTRE),
    Deed("拥军优属", "{head}家是军属家庭，支持儿子参军入伍，{head}热心参加社区双拥活动，常年照顾楼栋里的孤寡老人。", ""),
    Deed("见义勇为", "{head}曾在社区沿河步道跳水救起落水儿童，事后婉拒家长酬谢，全家崇德向善。", "社区沿河步道"),
    Deed("文明养犬", "{head}家文明养犬，出门牵绳、及时清理粪便，带头签订文明养犬承诺书并劝导邻居。", "惠泉花园小区"),
    Deed("勤俭持家", "{head}家勤俭持家、夫妻和睦，几十年如一日照顾残疾的弟弟，一家人互敬互爱。", ""),
)
PEACE_DEEDS = (
    Deed("平安巡逻", "{head}是社区平安志愿者巡逻队队员，每周参加两次夜间巡逻，多次发现并及时报告消防隐患。", SQUARE),
    Deed("反诈宣传", "{head}一家认真学习防范电信网络诈骗知识，{head}曾帮助邻居识破冒充客服的骗局，挽回损失2万余元。", ""),
    Deed("安全防范", "{head}家主动安装烟感报警器，定期检查燃气管道，电动车从不进楼道充电，家中多年无安全事故。", ""),
    Deed("矛盾调解", "{head}担任楼栋调解员，近两年协助化解邻里漏水、噪音纠纷8起，促进楼栋和谐。", "社区调解室"),
    Deed("遵纪守法", "{head}家庭成员遵纪守法、家庭和睦、邻里互助，无违法犯罪和信访记录，{head}常年义务看护楼道车棚。", ""),
    Deed("邻里守望", "{head}与邻居结成“守望互助”对子，帮助照看独居老人，发现异常及时报告网格员。", "社区各楼栋"),
    Deed("禁毒宣传", "{head}是社区禁毒宣传志愿者，带动家人参加禁毒知识竞赛，向居民讲解识别新型毒品知识。", SQUARE),
)
PEACE_CRITERIA = ("遵纪守法", "家庭和睦", "邻里互助", "安全防范", "参与平安创建")


def _deed_photos(ctx: DemoContext, rng: random.Random, home: Home, deed: Deed, before: date,
                 index: int) -> list[NewAttachment]:
    """One or two pictures of a nominated family: the deed, and perhaps a family photo (全家福)."""
    items = []
    views = [1] if rng.random() < 0.45 else [1, 2]
    for number, view in enumerate(views, 1):
        day = before - timedelta(days=rng.randint(5, 240))
        when = datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))
        place = (deed.place if view == 1 else "") or home.address
        label = deed.label if view == 1 else "全家福"
        title = f"{home.family}事迹：{deed.label}" if view == 1 else f"{home.family}全家福"
        path = draw_scene(ctx.scratch / f"deed-{index:03d}-{number}.jpg", f"{DEMO_COMMUNITY}·{deed.label}", title,
                          place, label, rng.randint(3, 8), view, when, rng)
        caption = PhotoCaption(title=f"{home.family}事迹（{label}）", taken_at=when, place=place,
                               people=f"{home.head}及家人", photographer=STAFF["grid"].name,
                               background=f"{place}，{deed.label}" if view == 1 else home.address)
        items.append(NewAttachment(str(path), caption=caption))
    return items


# ---------------------------------------------------------------------------------------------
# The campaigns


@dataclass
class Nominee:
    home: Home
    by: str  # 网格 / 楼栋长 / 自荐
    nominator: str
    deed: Deed
    quality: float  # how the review group will see it (scores around this, 0–10 a criterion)
    nomination_id: int = 0


@dataclass
class Run:
    """A campaign as created, for its meetings."""

    id: int
    kind: str
    year: int
    when: Timeline
    nominees: list[Nominee]
    reviewers: list[tuple[str, str, str]]  # (name, role, address for the sign-in sheet)
    chosen: list[Nominee]
    publicized: bool = False


def _reviewers(rng: random.Random, homes: list[Home], staff: tuple[tuple[str, str], ...],
               taken: set[int]) -> list[tuple[str, str, str]]:
    """The review group of five: three staff with their roles, a resident representative and one
    from a unit nearby."""
    group = [(STAFF[key].name, role, "社区居委会") for key, role in staff]
    home = rng.choice([h for h in homes if h.id not in taken])
    taken.add(home.id)
    group.append((home.head, "居民代表", home.address))
    unit = rng.choice(("惠泉小学", "惠泉镇卫生院", "惠泉镇派出所", "惠泉农贸市场管理处"))
    group.append((resident_name(rng), "驻区单位代表", unit))
    return group


def _score(ctx: DemoContext, rng: random.Random, run: Run, reviewer_ids: list[int], criteria: int) -> None:
    """Every member scores every criterion of every nomination (half points, 5–10)."""
    leniency = {rid: rng.uniform(-0.4, 0.3) for rid in reviewer_ids}
    for nominee in run.nominees:
        for rid in reviewer_ids:
            marks = [min(10.0, max(5.0, round((nominee.quality + leniency[rid] + rng.gauss(0, 0.45)) * 2) / 2))
                     for _ in range(criteria)]
            cs.record_scores(ctx.session, nominee.nomination_id, rid, marks)


def _nominate(ctx: DemoContext, rng: random.Random, cid: int, nominees: list[Nominee], day: date,
              photos: bool) -> None:
    for index, nominee in enumerate(nominees):
        items = _deed_photos(ctx, rng, nominee.home, nominee.deed, day, ctx.summary.nominations + index) if photos else []
        draft = cs.NominationDraft(nominee.home.id, nominee.by, nominee.nominator,
                                   nominee.deed.text.format(head=nominee.home.head))
        nominee.nomination_id = cs.add_nomination(ctx.session, cid, draft, ctx.store, items)
        for item in items:
            Path(item.source).unlink(missing_ok=True)
        ctx.summary.nomination_photos += len(items)
    ctx.summary.nominations += len(nominees)


def _grid_nominees(rng: random.Random, homes: list[Home], quota: int, deeds: tuple[Deed, ...], exclude: set[int],
                   must: Home | None = None) -> list[Nominee]:
    """`quota` households from each grid (等额推荐), `must` among its grid's."""
    picked: list[Home] = []
    for grid in GRIDS:
        pool = [h for h in homes if h.grid == grid and h.id not in exclude and h != must]
        count = quota - (1 if must is not None and must.grid == grid else 0)
        chosen = rng.sample(pool, count) + ([must] if must is not None and must.grid == grid else [])
        picked += sorted(chosen, key=lambda h: h.id)
    return [Nominee(h, "网格", h.grid, deed, rng.uniform(7.0, 9.2))
            for h, deed in zip(picked, rng.sample(deeds, len(picked)), strict=True)]


def _start(ctx: DemoContext, kind: str, year: int, criteria: tuple[str, ...], quotas: dict[str, int],
           method: ReviewMethod, remarks: str) -> int:
    cid = cs.create_campaign(ctx.session, cs.CampaignDraft(kind, year, criteria=list(criteria), quotas=quotas,
                                                           review_method=method, remarks=remarks))
    ctx.summary.campaigns += 1
    return cid


def _last_year(ctx: DemoContext, rng: random.Random, homes: list[Home], when: Timeline) -> Run:
    """Last year's 文明家庭: two households from each grid, five chosen by score, commended, publicized."""
    year, quota, places = when.mobilize.year, 2, 5
    cid = _start(ctx, "文明家庭", year, DEFAULT_CRITERIA, {grid: quota for grid in GRIDS}, ReviewMethod.SCORE,
                 f"各网格等额推荐 {quota} 户，评议小组逐项评分，取前 {places} 户。")
    session = ctx.session
    cs.advance_stage(session, cid, today=when.mobilize)
    taken: set[int] = set()
    nominees = _grid_nominees(rng, homes, quota, CIVIC_DEEDS, taken)
    taken |= {n.home.id for n in nominees}
    group = _reviewers(rng, homes, (("secretary", "社区党组织代表"), ("women", "居委会代表"), ("grid", "网格员")), taken)
    reviewer_ids = [cs.add_reviewer(session, cid, name, role) for name, role, _ in group]
    _nominate(ctx, rng, cid, nominees, when.nominated, photos=False)
    cs.advance_stage(session, cid, today=when.review)
    run = Run(cid, "文明家庭", year, when, nominees, group, [])
    _score(ctx, rng, run, reviewer_ids, len(DEFAULT_CRITERIA))
    cs.decide_by_rank(session, cid, places, on=when.notice)
    cs.advance_stage(session, cid, today=when.notice, on=when.notice)
    cs.advance_stage(session, cid, today=when.commend, on=when.commend)
    cs.advance_stage(session, cid, today=when.publicize)
    chosen = {r.id for r in cs.list_nominations(session, cid) if r.decision is Decision.CHOSEN}
    run.chosen, run.publicized = [n for n in nominees if n.nomination_id in chosen], True
    return run


def _this_year(ctx: DemoContext, rng: random.Random, homes: list[Home], when: Timeline, last: Run) -> Run:
    """This year's 文明家庭: three households from each grid and one self-nomination; one of last
    year's commended households nominated again (flagged) and left out with the reason; eight chosen;
    an objection during the notice found groundless; commended."""
    year, quota, places = when.mobilize.year, 3, 8
    cid = _start(ctx, "文明家庭", year, DEFAULT_CRITERIA, {grid: quota for grid in GRIDS}, ReviewMethod.SCORE,
                 f"按镇文明办通知开展。各网格等额推荐 {quota} 户，另接受居民自荐；评议小组 5 人按 "
                 f"{len(DEFAULT_CRITERIA)} 项标准逐项评分（每项满分 10 分），取前 {places} 户。")
    session = ctx.session
    cs.advance_stage(session, cid, today=when.mobilize)
    again = rng.choice(last.chosen)
    taken = {n.home.id for n in last.nominees}
    nominees = _grid_nominees(rng, homes, quota, CIVIC_DEEDS, taken, must=again.home)
    for nominee in nominees:
        if nominee.home == again.home:
            nominee.quality = rng.uniform(9.0, 9.4)  # a model family: it would have been chosen again
    taken |= {n.home.id for n in nominees}
    own = rng.choice([h for h in homes if h.id not in taken])
    nominees.append(Nominee(own, "自荐", "", rng.choice([d for d in CIVIC_DEEDS if d not in {n.deed for n in nominees}]),
                            rng.uniform(6.5, 8.0)))
    taken.add(own.id)
    group = _reviewers(rng, homes, (("secretary", "社区党组织代表"), ("women", "居委会代表"), ("grid", "网格员")), taken)
    reviewer_ids = [cs.add_reviewer(session, cid, name, role) for name, role, _ in group]
    _nominate(ctx, rng, cid, nominees, when.nominated, photos=True)
    cs.advance_stage(session, cid, today=when.review)
    run = Run(cid, "文明家庭", year, when, nominees, group, [])
    _score(ctx, rng, run, reviewer_ids, len(DEFAULT_CRITERIA))

    rows = cs.list_nominations(session, cid)
    repeat = next(r for r in rows if r.household.id == again.home.id)
    others = [r for r in rows if r is not repeat]
    for row, rank in zip(others, rank_of([r.score for r in others]), strict=True):
        if rank is not None and rank <= places:
            cs.decide(session, row.id, Decision.CHOSEN, on=when.notice)
        else:
            cs.decide(session, row.id, Decision.NOT_CHOSEN,
                      f"评议得分第 {row.rank} 名（{row.score:g} 分），未进入当选的 {places} 户", on=when.notice)
    cs.decide(session, repeat.id, Decision.NOT_CHOSEN,
              f"评议得分第 {repeat.rank} 名（{repeat.score:g} 分）；该户已获评{repeat.recent_award}年度文明家庭，"
              "评议小组按“三年内不重复表彰”的做法，将名额让给其他家庭", on=when.notice)
    chosen_ids = {r.id for r in cs.list_nominations(session, cid) if r.decision is Decision.CHOSEN}
    run.chosen = [n for n in nominees if n.nomination_id in chosen_ids]

    cs.advance_stage(session, cid, today=when.notice, on=when.notice)
    target = rng.choice(run.chosen)
    raised = min(when.notice + timedelta(days=rng.randint(1, 2)), when.notice_end)
    settled = min(raised + timedelta(days=rng.randint(1, 2)), when.notice_end)
    oid = cs.add_objection(session, cid, target.nomination_id, f"{target.home.building.number}栋居民（来电反映，未留姓名）",
                           raised, "反映该户饲养的犬只夜间吠叫扰邻，认为不符合“遵德守礼”的评选标准。", today=raised)
    cs.settle_objection(session, oid, Outcome.UPHELD,
                        f"网格员{STAFF['grid'].name}和楼栋长上门核实：该户已办理养犬登记，夜间吠叫系邻居家犬只，"
                        "与该户无关；已向反映人电话说明，异议不成立，维持评选结果。", settled, today=settled)
    cs.advance_stage(session, cid, today=when.commend, on=when.commend)
    return run


def _peace(ctx: DemoContext, rng: random.Random, homes: list[Home], when: Timeline, taken: set[int]) -> Run:
    """This year's 平安家庭: nominated by 楼栋长 and grids, decided by vote, in its notice with one
    objection still open on the demo's day."""
    year = when.mobilize.year
    cid = _start(ctx, "平安家庭", year, PEACE_CRITERIA, {}, ReviewMethod.VOTE,
                 "由楼栋长和网格推荐，评议小组表决，获半数以上同意的家庭拟评为平安家庭。")
    session = ctx.session
    cs.advance_stage(session, cid, today=when.mobilize)
    free = [h for h in homes if h.id not in taken]
    leaders = rng.sample([h for h in free if h.leader], min(3, sum(1 for h in free if h.leader)))
    by_grid = [rng.choice([h for h in free if h.grid == grid and h not in leaders]) for grid in rng.sample(GRIDS, 3)]
    deeds = iter(rng.sample(PEACE_DEEDS, len(leaders) + len(by_grid)))
    nominees = [Nominee(h, "楼栋长", f"{h.building.number}栋楼栋长", next(deeds), rng.uniform(8.0, 9.5)) for h in leaders]
    nominees += [Nominee(h, "网格", h.grid, next(deeds), rng.uniform(8.0, 9.5)) for h in by_grid]
    nominees[rng.randrange(len(nominees))].quality = 5.0  # the group is not convinced by one of them
    taken |= {n.home.id for n in nominees}
    group = _reviewers(rng, homes, (("security", "居委会代表"), ("mediator", "居委会代表"), ("grid", "网格员")), taken)
    reviewer_ids = [cs.add_reviewer(session, cid, name, role) for name, role, _ in group]
    _nominate(ctx, rng, cid, nominees, when.nominated, photos=False)
    cs.advance_stage(session, cid, today=when.review)
    for nominee in nominees:
        for rid in reviewer_ids:
            vote = Vote.FOR if rng.random() < (0.95 if nominee.quality >= 8 else 0.3) else rng.choice(
                (Vote.AGAINST, Vote.ABSTAIN))
            cs.record_vote(session, nominee.nomination_id, rid, vote.value)
    run = Run(cid, "平安家庭", year, when, nominees, group, [])
    for row in cs.list_nominations(session, cid):
        if row.votes_for * 2 > len(reviewer_ids):
            cs.decide(session, row.id, Decision.CHOSEN, on=when.notice)
        else:
            cs.decide(session, row.id, Decision.NOT_CHOSEN,
                      f"表决同意 {row.votes_for} 票、不同意 {row.votes_against} 票、弃权 {row.votes_abstain} 票，"
                      "未获评议小组半数以上同意", on=when.notice)
    chosen_ids = {r.id for r in cs.list_nominations(session, cid) if r.decision is Decision.CHOSEN}
    run.chosen = [n for n in nominees if n.nomination_id in chosen_ids]
    cs.advance_stage(session, cid, today=when.notice, on=when.notice)
    target = rng.choice(run.chosen)
    raised = when.notice + timedelta(days=rng.randint(0, (ctx.today - when.notice).days))
    cs.add_objection(session, cid, target.nomination_id, f"{target.home.building.number}栋居民（书面反映）", raised,
                     "反映该户曾在楼道内给电动车充电，存在消防安全隐患，与“平安家庭”标准不符，请社区核实。", today=raised)
    return run


# ---------------------------------------------------------------------------------------------
# Their meetings, as ordinary activities


def _leaf(planner: Planner, *names: str) -> CategoryNode:
    return next((node for node in map(planner.leaf, names) if node is not None), planner.free_leaves()[0])


def _names(nominees: list[Nominee], most: int = 8) -> str:
    names = "、".join(n.home.family for n in nominees[:most])
    return names + ("等" if len(nominees) > most else "")


def _meeting(planner: Planner, rng: random.Random, homes: list[Home], run: Run, node: CategoryNode, day: date,
             template: Template, attendees: list[tuple[str, str]], people: str = "") -> DemoActivity:
    activity = planner.make(node, template, day)
    activity.campaign_id = run.id
    if activity.sign_in:
        others = [(h.head, h.address) for h in rng.sample(homes, 18)]
        known = {name for name, _ in attendees}
        rows = attendees + [row for row in others if row[0] not in known]
        activity.attendees = rows[:min(activity.participants, 18)]
    if people and activity.participants:
        activity.people = f"{people}等{activity.participants}人"
    return activity


def plan_meetings(ctx: DemoContext, rng: random.Random, homes: list[Home], runs: list[Run]) -> list[DemoActivity]:
    planner = Planner(rng, ctx.today, leaf_categories(list_categories(ctx.session)))
    family, peace, board = _leaf(planner, FAMILY_LEAF), _leaf(planner, PEACE_LEAF, FAMILY_LEAF), _leaf(
        planner, BOARD_LEAF, FAMILY_LEAF)
    women, secretary = STAFF["women"], STAFF["secretary"]
    leaders = [(h.head, h.address) for h in homes if h.leader]
    out: list[DemoActivity] = []
    for run in runs:
        when, y, kind = run.when, run.year, run.kind
        civic = kind == "文明家庭"
        node = family if civic else peace
        leader, organizer = ("women", WOMEN_FED) if civic else ("security", COMMITTEE)
        quotas = "各网格等额推荐" if civic else "由楼栋长和网格推荐"
        office = "镇文明办" if civic else "镇平安办"
        group = "、".join(f"{name}（{role}）" for name, role, _ in run.reviewers)
        out.append(_meeting(planner, rng, homes, run, node, when.mobilize, Template(
            f"{y}年度“{kind}”评选宣传动员会", (MEETING_ROOM,),
            f"召开{y}年度“{kind}”评选宣传动员会，传达{office}评选通知，解读评选标准和推荐程序，{quotas}，"
            f"{when.nominated.month}月{when.nominated.day}日前将推荐家庭及主要事迹报社区居委会。楼栋长、居民代表{{n}}人参加。",
            (20, 35), leader=leader, organizer=organizer, sign_in=0.9), leaders))
        how = "逐项评分" if civic else "举手表决"
        decided = (f"{len(run.nominees)}户候选家庭中{len(run.chosen)}户拟评为“{kind}”，评议结果在社区宣传栏公示"
                   f"（{when.notice.month}月{when.notice.day}日至{when.notice_end.month}月{when.notice_end.day}日）。")
        out.append(_meeting(planner, rng, homes, run, node, when.review, Template(
            f"{y}年度“{kind}”评议会", (MEETING_ROOM,),
            f"评议小组{len(run.reviewers)}名成员（{group}）听取推荐情况介绍，对照评选标准{how}，" + decided,
            (12, 20), leader=leader, organizer=organizer, hours=(1.5, 2.5), sign_in=1.0),
            [(name, where) for name, _, where in run.reviewers] + [(n.home.head, n.home.address) for n in run.nominees],
            f"{STAFF[leader].label}、评议小组成员及推荐家庭代表"))
        honoured = _names(run.chosen)
        given = (f"为获评{y}年度“{kind}”的{len(run.chosen)}户家庭（{honoured}）颁发证书和牌匾"
                 if when.commend <= ctx.today else
                 f"公示期满、异议处理完毕后，拟为{len(run.chosen)}户“{kind}”（{honoured}）颁发证书和牌匾")
        out.append(_meeting(planner, rng, homes, run, node, when.commend, Template(
            f"{y}年度“{kind}”表彰会", (SERVICE_CENTRE,),
            given + ("，获奖家庭代表分享家风家训故事，倡导居民学习身边榜样，争做文明家庭。" if civic else
                     "，获奖家庭代表交流安全防范经验，倡导居民共建平安社区。"),
            (50, 80), leader="women" if civic else "secretary", organizer=COMMITTEE, hours=(1.5, 2.0), sign_in=0.9),
            [(n.home.head, n.home.address) for n in run.chosen],
            f"{secretary.label}、{women.label}及获评家庭代表{'、'.join(n.home.head for n in run.chosen[:3])}"))
        if run.publicized:
            out.append(_meeting(planner, rng, homes, run, board, when.publicize, Template(
                f"“{kind}”风采展：{y}年度获评家庭事迹宣传推介", ("社区宣传栏（东门）", LECTURE_HALL),
                f"在社区宣传栏和居民微信群推出{y}年度“{kind}”风采展，图文介绍{honoured}的好家风、好家训和先进事迹，"
                "并推荐优秀家庭参加镇级文明家庭评选。", (5, 10), leader="clerk", sign_in=0.0), []))
    return out


# ---------------------------------------------------------------------------------------------
# The step


def fill_families(ctx: DemoContext) -> None:
    """Households, the three campaigns and their meetings (created later by fill_activities)."""
    rng = ctx.fork("families")
    session: Session = ctx.session
    when = plan_timelines(rng, ctx.today, get_setting(session, NOTICE_DAYS), get_setting(session, NOTICE_WORKDAYS))
    homes = fill_households(ctx, rng)
    last = _last_year(ctx, rng, homes, when.last)
    current = _this_year(ctx, rng, homes, when.current, last)
    taken = {n.home.id for run in (last, current) for n in run.nominees}
    peace = _peace(ctx, rng, homes, when.notice, taken)
    ctx.activities += plan_meetings(ctx, rng, homes, [last, current, peace])
