"""Demo archives: last year filed, numbered and boxed with its 备考表 filled in; this year filed up
to the end of its first half, numbered but not yet boxed; each year's work plan entered by hand as
a scanned document (a made-up title in [ ], kept permanently)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from huiquan_desk.services import archive_boxes, archives, filing
from huiquan_desk.services.archive_boxes import BoxDraft
from huiquan_desk.services.archives import ItemDraft, NewArchiveFile
from huiquan_desk.services.demo.context import DEMO_COMMUNITY, JPEG_QUALITY, DemoContext
from huiquan_desk.services.demo.people import STAFF
from huiquan_desk.storage.models import Activity

SCAN_SIZE = (600, 848)  # an A4 page in proportion


def draw_plan_scan(path: Path, year: int, page: int, pages: int) -> Path:
    """A scanned page of the year's work plan: its title and numbered lines of text."""
    from PIL import Image, ImageDraw

    from huiquan_desk.services.demo.pictures import _font

    width, height = SCAN_SIZE
    image = Image.new("RGB", SCAN_SIZE, (248, 247, 240))
    draw = ImageDraw.Draw(image)
    if page == 1:
        draw.text((width // 2, 60), f"{DEMO_COMMUNITY}{year}年文明创建工作计划", font=_font(24), fill="black", anchor="mm")
    sections = ("思想道德教育", "宣传教育", "社区秩序", "社会环境", "文明创建")
    for line in range(14):
        y = 110 + line * 48
        section = sections[(line + page) % len(sections)]
        draw.text((50, y), f"{line + 1}. {section}：按季度开展，责任到人，做好记录和图片资料。", font=_font(15), fill=(30, 30, 30))
    draw.text((width // 2, height - 30), f"第 {page} 页 共 {pages} 页", font=_font(13), fill=(60, 60, 60), anchor="mm")
    image.save(path, "JPEG", quality=JPEG_QUALITY)
    return path


def _plan(ctx: DemoContext, year: int) -> int:
    pages = 2
    scans = [NewArchiveFile(str(draw_plan_scan(ctx.scratch / f"plan-{year}-{page}.jpg", year, page, pages)), "scan")
             for page in range(1, pages + 1)]
    draft = ItemDraft(title=f"{DEMO_COMMUNITY}{year}年文明创建工作计划", title_made_up=True, year=year, retention="Y",
                      author=f"{DEMO_COMMUNITY}居民委员会", day=date(year, 1, 15), pages=pages, remarks="扫描件")
    return archives.create_item(ctx.session, draft, ctx.store, scans)


def fill_archives(ctx: DemoContext) -> None:
    """File last year whole (boxed) and this year up to June 30 (numbered, not boxed)."""
    session = ctx.session
    this_year = ctx.today.year
    last_year = this_year - 1
    clerk, secretary = STAFF["clerk"].name, STAFF["secretary"].name
    # last year: its plan, every record of the year, numbers fixed and boxed
    _plan(ctx, last_year)
    items, _numbered = filing.file_year(session, ctx.store, last_year)
    ctx.summary.archive_items += len(items) + 1
    arranged = min(date(this_year, 3, 20), ctx.today)
    for summary in archives.series(session, last_year):
        for box_id in archive_boxes.pack(session, summary.group):
            box = archive_boxes.get_box(session, box_id)
            archive_boxes.update_box(session, box_id, BoxDraft(
                box.spine_mm, f"本盒共 {box.items} 件，{box.pages} 页，文件齐全，照片与签到表随件存放。", clerk, arranged,
                secretary, arranged + timedelta(days=2)))
            ctx.summary.archive_boxes += 1
    # this year: the plan and the first half's records, numbered in date order
    _plan(ctx, this_year)
    first_half_end = min(date(this_year, 7, 1), ctx.today)
    ids = list(session.scalars(select(Activity.id).where(
        Activity.start_at >= date(this_year, 1, 1), Activity.start_at < first_half_end, Activity.status == "done")))
    filed = filing.file_records(session, ctx.store, ids)
    ctx.summary.archive_items += len(filed) + 1
    for summary in archives.series(session, this_year):
        archives.order_by_date(session, summary.group)
        archives.fix_numbers(session, summary.group)
