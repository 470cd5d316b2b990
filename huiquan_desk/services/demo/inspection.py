"""Demo inspection readiness: the default checklist, last month's hand-made grades of the items
without a rule, and two rectifications — one found six weeks ago, put right and verified, with its
整改前 and 整改后 photos (a stairwell cluttered with boxes, then clear: drawn with Pillow like the
other demo photos, services.demo.pictures), and one past its deadline and still 整改中 (overdue
whenever the demo is opened: its deadline is five days before the day it was made)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from huiquan_desk.domain.assessment import Source, Status
from huiquan_desk.domain.dates import cn_date
from huiquan_desk.services import assessment, rectifications
from huiquan_desk.services.demo.context import JPEG_QUALITY, PHOTO_SIZE, DemoContext
from huiquan_desk.services.demo.people import STAFF
from huiquan_desk.services.demo.pictures import _exif, _fit, _font
from huiquan_desk.services.rectification_photos import AFTER, BEFORE, NewRectificationPhoto, add_photos
from huiquan_desk.services.rectifications import RectificationDraft

# Hand-made grades of the items without a rule, by code: (grade, note, evidence).
MANUAL = {
    "XJ-02": ("A", "各小区宣传栏、楼道公益广告内容完好，更新及时。", "实地查看照片 6 张"),
    "WC-05": ("B", "志愿服务站人员、制度齐全，设备登记表未及时更新。", "服务站制度汇编、值班表"),
}
VERIFIED_PROBLEM = "惠泉小区 5 栋 1 单元楼道堆放纸箱、旧家具，占用消防通道"
VERIFIED_PLACE = "惠泉小区 5 栋 1 单元楼道"
OVERDUE_PROBLEM = "惠泉小区 3 栋楼道公益广告破损、褪色，未及时更换"


def last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def draw_stairwell(path: Path, cluttered: bool, when: datetime, caption: str, rng: random.Random) -> Path:
    """A stand-in photo of a stairwell landing: walls, floor, a door and a fire-exit sign; with
    `cluttered`, cardboard boxes and an old cabinet across it. A caption bar says what, when, where."""
    from PIL import Image, ImageDraw

    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE, (226, 222, 210))
    draw = ImageDraw.Draw(image)
    floor = int(height * 0.58)
    draw.polygon([(0, height), (width, height), (width - 170, floor), (170, floor)], fill=(168, 160, 146))
    draw.polygon([(0, 0), (170, 70), (170, floor), (0, height)], fill=(205, 200, 186))  # left wall
    draw.polygon([(width, 0), (width - 170, 70), (width - 170, floor), (width, height)], fill=(198, 193, 180))
    draw.rectangle((330, 150, 470, floor), fill=(120, 84, 60), outline=(70, 50, 35), width=3)  # a flat's door
    draw.ellipse((448, 300, 458, 310), fill=(210, 190, 120))
    draw.rectangle((360, 96, 440, 124), fill=(20, 140, 70))  # 安全出口 sign
    draw.text((400, 110), "安全出口", font=_font(16), fill="white", anchor="mm")
    draw.rectangle((560, 130, 610, 250), fill=(190, 30, 30))  # fire hydrant box
    draw.text((585, 190), "消防栓", font=_font(14), fill="white", anchor="mm")
    if cluttered:
        for _ in range(9):
            w, h = rng.randint(70, 140), rng.randint(50, 100)
            x, y = rng.randint(150, width - 150 - w), rng.randint(floor - 30, height - 110 - h)
            draw.rectangle((x, y, x + w, y + h), fill=(176 + rng.randint(-15, 15), 134, 82), outline=(110, 80, 45), width=2)
            draw.line((x, y + h // 2, x + w, y + h // 2), fill=(140, 100, 60), width=2)
        draw.rectangle((520, floor - 120, 640, height - 120), fill=(150, 110, 70), outline=(90, 60, 30), width=3)
    draw.rectangle((0, height - 84, width, height), fill=(20, 20, 20))
    draw.text((20, height - 76), _fit(draw, caption, 26, width - 40), font=_font(26), fill="white")
    line = f"{cn_date(when)} {when:%H:%M}  {VERIFIED_PLACE}"
    draw.text((20, height - 38), _fit(draw, line, 20, width - 40), font=_font(20), fill=(220, 220, 220))
    image.save(path, "JPEG", quality=JPEG_QUALITY, exif=_exif(when))
    return path


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

    rng = ctx.fork("inspection")
    found = ctx.today - timedelta(weeks=6)
    closed = rectifications.create_rectification(s, RectificationDraft(
        VERIFIED_PROBLEM, found, Source.SELF.value, item_id("HJ-03"), 1.0, grid, found + timedelta(days=14),
        "通知住户 3 日内自行清理；逾期未清理的由物业协助清运。已在楼道张贴消防通道禁止堆物提示。"))
    before = draw_stairwell(ctx.scratch / "rectification-before.jpg", True, datetime.combine(found, time(9, 40)),
                            "楼道堆放纸箱、旧家具（整改前）", rng)
    cleared = found + timedelta(days=9)
    after = draw_stairwell(ctx.scratch / "rectification-after.jpg", False, datetime.combine(cleared, time(15, 10)),
                           "杂物已清运，消防通道畅通（整改后）", rng)
    add_photos(s, closed, [NewRectificationPhoto(str(before), BEFORE, "楼道堆放纸箱、旧家具，占用消防通道")], ctx.store)
    rectifications.set_status(s, closed, Status.IN_PROGRESS.value)
    add_photos(s, closed, [NewRectificationPhoto(str(after), AFTER, "杂物已清运，消防通道畅通")], ctx.store)
    rectifications.set_status(s, closed, Status.DONE.value)
    rectifications.set_status(s, closed, Status.VERIFIED.value, verified_by=secretary,
                              verified_on=found + timedelta(days=12))
    found = ctx.today - timedelta(days=30)
    late = rectifications.create_rectification(s, RectificationDraft(
        OVERDUE_PROBLEM, found, Source.UNANNOUNCED.value, item_id("XJ-02"), 2.0, clerk, ctx.today - timedelta(days=5),
        "已联系物业，新广告画面在制作中。"))
    rectifications.set_status(s, late, Status.IN_PROGRESS.value)
    ctx.summary.rectifications = 2
    ctx.summary.overdue_rectifications = 1
