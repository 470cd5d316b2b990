"""Photos and sign-in sheets drawn for the demo activities (Pillow), with captions and EXIF."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from huiquan_desk.domain.activity import (
    AttachmentKind,
    NewAttachment,
    PhotoCaption,
)
from huiquan_desk.domain.dates import cn_date
from huiquan_desk.services.demo.context import JPEG_QUALITY, PHOTO_SIZE, SHEET_SIZE, DemoActivity, DemoContext

PHOTO_VIEWS = ("活动现场", "居民参与", "合影留念")  # what each photo of an activity shows, in order


# ---------------------------------------------------------------------------------------------
# Images (Pillow)


@lru_cache(maxsize=16)
def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    from huiquan_desk.paths import font_file

    # BASIC layout is about three times faster than Raqm and enough for Chinese (no shaping).
    return ImageFont.truetype(str(font_file()), size, index=0, layout_engine=ImageFont.Layout.BASIC)


def _exif(when: datetime):  # type: ignore[no-untyped-def]
    from PIL import ExifTags, Image

    stamp = when.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Huiquan"
    exif[ExifTags.Base.Model] = "Demo Camera"
    exif[ExifTags.Base.Software] = "huiquan_desk demo"
    exif[ExifTags.Base.DateTime] = stamp
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    ifd[ExifTags.Base.DateTimeOriginal] = stamp
    ifd[ExifTags.Base.DateTimeDigitized] = stamp
    return exif


def _fit(draw, text: str, size: int, width: int) -> str:  # type: ignore[no-untyped-def]
    """`text` cut with an ellipsis so it fits `width` pixels."""
    font = _font(size)
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


RGB = tuple[int, int, int]


def _hue_colours(rng: random.Random) -> tuple[RGB, RGB]:
    import colorsys

    hue = rng.random()
    top = colorsys.hsv_to_rgb(hue, 0.35, 0.95)
    bottom = colorsys.hsv_to_rgb((hue + 0.08) % 1, 0.55, 0.55)
    top_rgb, bottom_rgb = (tuple(round(c * 255) for c in rgb) for rgb in (top, bottom))
    return top_rgb, bottom_rgb  # type: ignore[return-value]


def _sky(colours: tuple[RGB, RGB], width: int, height: int):  # type: ignore[no-untyped-def]
    """A vertical gradient from the first colour (top) to the second."""
    from PIL import Image

    top, bottom = colours
    column = Image.new("RGB", (1, height))
    steps = max(height - 1, 1)
    column.putdata([tuple(round(a + (b - a) * y / steps) for a, b in zip(top, bottom, strict=True))
                    for y in range(height)])
    return column.resize((width, height), Image.Resampling.NEAREST)


Figure = tuple[int, int, int]  # x, y of the shoulders, head radius


def _crowd(rng: random.Random, participants: int, view: int, width: int, ground: int) -> list[Figure]:
    """(x, y, head radius) of the people in a photo, far ones first so near ones overlap them."""
    if view == 2:  # group photo (合影): two even rows
        front = min(max(participants, 4), 12) // 2
        rows = ((front + 1, ground - 10, 18), (front, ground + 60, 21))  # staggered rows
        return [(int(width * (i + 1) / (n + 1)) + rng.randint(-6, 6), y, r)
                for n, y, r in rows for i in range(n)]
    scale = 1.5 if view == 1 else 1.0
    people = [(rng.randint(40, width - 40), rng.randint(ground - 40, ground + 90),
               int(rng.randint(14, 20) * scale)) for _ in range(min(max(participants, 3), 14))]
    return sorted(people, key=lambda p: p[1])


def draw_photo(path: Path, activity: DemoActivity, view: int, when: datetime, rng: random.Random) -> Path:
    """A stand-in 'photo' of an activity (see `draw_scene`)."""
    return draw_scene(path, activity.banner, activity.title, activity.place, PHOTO_VIEWS[view % len(PHOTO_VIEWS)],
                      activity.participants, view, when, rng)


def draw_scene(path: Path, banner: str, title: str, place: str, label: str, people: int, view: int, when: datetime,
               rng: random.Random) -> Path:
    """A gradient sky, a red banner (not in a group photo, view 2), a crowd of simple figures and a
    caption bar with the title, the time, the place and what the picture shows (`label`)."""
    from PIL import Image, ImageDraw

    width, height = PHOTO_SIZE
    ground = int(height * 0.62)
    image = Image.new("RGB", PHOTO_SIZE)
    image.paste(_sky(_hue_colours(rng), width, ground), (0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, ground, width, height), fill=(150 + rng.randint(-20, 20), 140, 120))
    if view != 2 and banner:  # the banner (横幅) every community photo has
        draw.rectangle((60, 40, width - 60, 110), fill=(190, 25, 30))
        draw.text((width // 2, 75), _fit(draw, banner, 30, width - 160), font=_font(30),
                  fill=(255, 225, 90), anchor="mm")
    for x, y, r in _crowd(rng, people, view, width, ground):
        coat = tuple(rng.randint(30, 220) for _ in range(3))
        draw.rounded_rectangle((x - r, y, x + r, y + int(3.2 * r)), radius=r // 2, fill=coat)
        draw.ellipse((x - int(0.8 * r), y - int(1.6 * r), x + int(0.8 * r), y), fill=(238, 200, 170))
    draw.rectangle((0, height - 84, width, height), fill=(20, 20, 20))
    draw.text((20, height - 76), _fit(draw, title, 26, width - 40), font=_font(26), fill="white")
    line = f"{cn_date(when)} {when:%H:%M}  {place}  {label}"
    draw.text((20, height - 38), _fit(draw, line, 20, width - 40), font=_font(20), fill=(220, 220, 220))
    image.save(path, "JPEG", quality=JPEG_QUALITY, exif=_exif(when))
    return path


def draw_sign_in(path: Path, activity: DemoActivity) -> Path:
    """A sign-in sheet (签到表): a title, the time and place, and a table of names."""
    from PIL import Image, ImageDraw

    width, height = SHEET_SIZE
    image = Image.new("RGB", SHEET_SIZE, (250, 250, 246))
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, 40), _fit(draw, f"{activity.title}签到表", 24, width - 40), font=_font(24),
              fill="black", anchor="mm")
    info = f"时间：{cn_date(activity.start)} {activity.start:%H:%M}   地点：{activity.place}"
    draw.text((30, 72), _fit(draw, info, 16, width - 60), font=_font(16), fill=(40, 40, 40))
    columns = (30, 90, 220, 400, width - 30)
    headers = ("序号", "姓名", "住址", "签名")
    row_h, top = 34, 100
    rows = len(activity.attendees) + 1
    for i in range(rows + 1):
        draw.line((columns[0], top + i * row_h, columns[-1], top + i * row_h), fill="black", width=1)
    for x in columns:
        draw.line((x, top, x, top + rows * row_h), fill="black", width=1)
    font = _font(17)
    for col, text in enumerate(headers):
        draw.text(((columns[col] + columns[col + 1]) // 2, top + row_h // 2), text, font=font, fill="black",
                  anchor="mm")
    for i, (name, address) in enumerate(activity.attendees, start=1):
        y = top + i * row_h + row_h // 2
        for col, text in enumerate((str(i), name, address)):
            draw.text(((columns[col] + columns[col + 1]) // 2, y), text, font=font, fill="black", anchor="mm")
        draw.text(((columns[3] + columns[4]) // 2, y), name, font=_font(19), fill=(20, 40, 150), anchor="mm")
    footer = f"负责人：{activity.leader}    记录人：{activity.photographer}"
    draw.text((30, height - 40), footer, font=_font(16), fill=(40, 40, 40))
    image.save(path, "JPEG", quality=JPEG_QUALITY, exif=_exif(activity.start))
    return path


def attachments_for(ctx: DemoContext, activity: DemoActivity, index: int) -> list[NewAttachment]:
    items: list[NewAttachment] = []
    span = max((activity.end - activity.start).total_seconds() / 60, 10)
    for view in range(activity.photos):
        when = activity.start + timedelta(minutes=int(span * (view + 0.5) / activity.photos))
        path = draw_photo(ctx.scratch / f"{index:04d}-{view + 1}.jpg", activity, view, when, ctx.rng)
        label = PHOTO_VIEWS[view % len(PHOTO_VIEWS)]
        background = f"{activity.place}，“{activity.banner}”横幅" if view != 2 else activity.place
        caption = PhotoCaption(title=f"{activity.title}（{label}）", taken_at=when, place=activity.place,
                               people=activity.people, photographer=activity.photographer, background=background)
        items.append(NewAttachment(str(path), AttachmentKind.PHOTO, caption))
    if activity.sign_in and activity.attendees:
        path = draw_sign_in(ctx.scratch / f"{index:04d}-signin.jpg", activity)
        caption = PhotoCaption(title=f"{activity.title}签到表", taken_at=activity.start, place=activity.place,
                               photographer=activity.photographer)
        items.append(NewAttachment(str(path), AttachmentKind.SIGN_IN, caption))
    return items
