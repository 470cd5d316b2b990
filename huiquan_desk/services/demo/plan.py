"""Demo annual plan: this year's plan made from the template, the 责任 columns filled with the
committee's staff (by their posts), each task linked to the demo's records that count towards it
(the year's activities of the task's category up to today, the year's 文明家庭 campaign, last
year's archive items for the filing task), and the tasks whose deadline has passed and whose
target is met marked 已完成, the others started 推进中."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from huiquan_desk.domain import assessment as checklist
from huiquan_desk.domain.plan import TaskStatus
from huiquan_desk.services import plan_links, plans
from huiquan_desk.services.categories import list_categories, resolve_category, subtree_ids
from huiquan_desk.services.demo.context import DemoContext
from huiquan_desk.services.demo.people import STAFF
from huiquan_desk.storage.models import Activity, ArchiveItem, Campaign

# The template's posts and who holds them in the demo community.
POSTS = {"社区书记": "secretary", "社区主任": "secretary", "宣传委员": "clerk", "社区文书": "clerk",
         "治保主任": "security", "妇联主席": "women", "网格员": "grid", "团支部书记": "youth",
         "老年协会会长": "elder", "卫生委员": "health", "人民调解委员会主任": "mediator"}
# Tasks judged by their links, and the category whose activities count towards them.
LINKED_CATEGORIES = {"妥善处理和协调民间纠纷": "民间纠纷调解", "利用爱国卫生月宣传普及卫生常识": "卫生整治",
                     "制定完善文明公约": "文明公约"}
CAMPAIGN_TASK = "开展文明家庭、文明居民、文明邻里评选"
FILING_TASK = "整理归档上一年度文明创建材料"
FILED_LINKS = 8  # last year's archive items linked to the filing task


def _activities(ctx: DemoContext, category: str, start: date, end: date) -> list[int]:
    node = resolve_category(list_categories(ctx.session), category)
    if node is None:
        return []
    return list(ctx.session.scalars(select(Activity.id).where(
        Activity.category_id.in_(subtree_ids(ctx.session, node.id)),
        Activity.start_at >= datetime.combine(start, datetime.min.time()),
        Activity.start_at <= datetime.combine(end, datetime.max.time()),
        Activity.status.in_(plan_links.TOOK_PLACE)).order_by(Activity.start_at)))


def fill_plan(ctx: DemoContext) -> None:
    s, year = ctx.session, ctx.today.year
    names = {post: STAFF[key].name for post, key in POSTS.items()}
    plans.create_plan(s, year, names=names)
    detail = plans.require_plan(s, year, ctx.today)
    for task in detail.tasks:
        rule = checklist.parse_rule(task.target) if task.target else None
        if isinstance(rule, checklist.CategoryCount):
            category = rule.category
        else:
            category = LINKED_CATEGORIES.get(task.title, "")
        end = min(ctx.today, task.due or ctx.today)
        if task.title == "利用爱国卫生月宣传普及卫生常识":
            start, end = date(year, 4, 1), min(end, date(year, 4, 30))
        else:
            start = date(year, 1, 1)
        for activity_id in _activities(ctx, category, start, end) if category else []:
            plan_links.link_record(s, task.id, "activities", activity_id)
        if task.title == CAMPAIGN_TASK:
            for campaign_id in s.scalars(select(Campaign.id).where(Campaign.year == year).order_by(Campaign.id)):
                plan_links.link_record(s, task.id, "campaigns", campaign_id)
        if task.title == FILING_TASK:
            for item_id in s.scalars(select(ArchiveItem.id).where(ArchiveItem.year == year - 1)
                                     .order_by(ArchiveItem.id).limit(FILED_LINKS)):
                plan_links.link_record(s, task.id, "archive_items", item_id)
    for task in plans.require_plan(s, year, ctx.today).tasks:
        done = task.progress.complete and task.due is not None and task.due <= ctx.today
        draft = plans.task_draft(task)
        draft.status = TaskStatus.DONE.value if done else TaskStatus.IN_PROGRESS.value
        plans.update_task(s, task.id, draft)
