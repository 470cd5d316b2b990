"""Demo inspection readiness: the default checklist, last month's hand-made grades of the items
without a rule, and two rectifications — one found six weeks ago and verified, one past its
deadline and still 整改中."""

from __future__ import annotations

from datetime import date, timedelta

from huiquan_desk.domain.assessment import Source, Status
from huiquan_desk.services import assessment, rectifications
from huiquan_desk.services.demo.context import DemoContext
from huiquan_desk.services.demo.people import STAFF
from huiquan_desk.services.rectifications import RectificationDraft

# Hand-made grades of the items without a rule, by code: (grade, note, evidence).
MANUAL = {
    "XJ-02": ("A", "各小区宣传栏、楼道公益广告内容完好，更新及时。", "实地查看照片 6 张"),
    "WC-05": ("B", "志愿服务站人员、制度齐全，设备登记表未及时更新。", "服务站制度汇编、值班表"),
}
VERIFIED_PROBLEM = "传统节日活动资料不全：重阳节敬老活动缺签到表"
OVERDUE_PROBLEM = "惠泉小区 3 栋楼道公益广告破损、褪色，未及时更换"


def last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def fill_inspection(ctx: DemoContext) -> None:
    s = ctx.session
    secretary, clerk, grid = STAFF["secretary"].name, STAFF["clerk"].name, STAFF["grid"].name
    ctx.summary.checklist_items = assessment.seed_checklist(s)
    items = {i.code: i for i in assessment.list_items(s)}
    start, end = last_month(ctx.today)
    for code, (grade, note, evidence) in MANUAL.items():
        item = items.get(code)
        if item is None or item.id is None or item.rule:
            continue
        assessment.record_manual(s, item.id, start, end, grade, note, evidence, secretary, ctx.today.replace(day=1))
        ctx.summary.manual_grades += 1

    def item_id(code: str) -> int | None:
        found = items.get(code)
        return found.id if found is not None else None

    found = ctx.today - timedelta(weeks=6)
    closed = rectifications.create_rectification(s, RectificationDraft(
        VERIFIED_PROBLEM, found, Source.SELF.value, item_id("HJ-02"), 1.0, clerk, found + timedelta(days=14),
        "补齐签到表扫描件，今后活动结束当天上传照片和签到表。"))
    rectifications.set_status(s, closed, Status.IN_PROGRESS.value)
    rectifications.set_status(s, closed, Status.DONE.value)
    rectifications.set_status(s, closed, Status.VERIFIED.value, verified_by=secretary,
                              verified_on=found + timedelta(days=12))
    found = ctx.today - timedelta(days=30)
    late = rectifications.create_rectification(s, RectificationDraft(
        OVERDUE_PROBLEM, found, Source.UNANNOUNCED.value, item_id("XJ-02"), 2.0, grid, ctx.today - timedelta(days=5),
        "已联系物业，新广告画面在制作中。"))
    rectifications.set_status(s, late, Status.IN_PROGRESS.value)
    ctx.summary.rectifications = 2
    ctx.summary.overdue_rectifications = 1
