"""Photo record figures (issue 9): 100 activities with 300 phone-sized photos → the 活动图片记录 PDF.

    python bench/photos.py [--repeat 3]

The photos are generated once into bench/out/photos-100x3/src/ (4032 × 3024 JPEGs of 4–5 MB,
quality 94, with a phone's EXIF; every tenth one stored on its side with EXIF orientation 6), and a
data folder bench/out/photos-100x3/data/ is filled once through the services, as a user would
(`create_activity` with the photos attached, captions filled in).

Prints, for the same run and machine, median of `--repeat` interleaved runs after one warm-up each:

* ours: `services.photo_record.export_photo_record(ws, LedgerParams(), path)`, the entry point the
  window and the command line call (gathering, the layout, decoding and downsampling every photo
  to 200 dpi at its printed size by `exports.photo_record.WORKERS` threads ahead of the drawing,
  the audit entry);
* the plain floor: reportlab drawing the *same already-downsampled* JPEG bytes (prepared
  beforehand, untimed) four to an A4 page with one caption line each, same page compression,
  images as binary DCTDecode streams: what embedding the pictures costs at least;
* for information, the downsampling alone on one thread: `exports.layout.picture_jpeg` over the
  300 originals (Pillow: decode at a reduced DCT scale, resize, encode), the bulk of the work:
  decoding 1.3 GB of JPEG cannot be skipped, only spread over the cores.

and the PDF's size (MB, and MB per photo). Not a test: pytest never collects this file.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from huiquan_desk.domain.activity import NewAttachment, PhotoCaption
from huiquan_desk.exports.fonts import PRIMARY, fonts
from huiquan_desk.exports.layout import PRINT_DPI, picture_jpeg, picture_size
from huiquan_desk.exports.photo_record import COLUMNS, PAGE, PICTURE_HEIGHT
from huiquan_desk.paths import DataDir
from huiquan_desk.services.activities import create_activity
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.photo_record import export_photo_record
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.workspace import open_workspace

OUT = Path(__file__).resolve().parent / "out"
ACTIVITIES, PER_ACTIVITY = 100, 3
FOLDER = OUT / f"photos-{ACTIVITIES}x{PER_ACTIVITY}"
GENERATOR_VERSION = 1  # bump when what the generator writes changes: the cached folder is rebuilt
W, H = 4032, 3024  # a phone's 12-megapixel photo
QUALITY = 94  # ≈ 4–5 MB for this content, as a phone's camera writes
BASES = 8  # detailed canvases drawn once; each photo is two of them blended, shifted, stamped
SHAPES = 90_000
ROW_GAP = 14.0  # exports.layout.PictureRow's default gap between columns


# --- the photos --------------------------------------------------------------------------------------
def _base(index: int) -> bytes:
    """A detailed, noise-free canvas: a colour gradient under 90,000 small drawn shapes (leaves,
    faces, banners …), softened as a lens would: JPEG compresses it like a busy real photo."""
    rng = random.Random(1000 + index)
    g = Image.linear_gradient("L").resize((W, H))
    r = Image.radial_gradient("L").resize((W, H))
    image = Image.merge("RGB", (g.rotate(90 * index), r, ImageChops.invert(g)))
    draw = ImageDraw.Draw(image)
    for _ in range(SHAPES):
        x, y = rng.randrange(W), rng.randrange(H)
        s = int(rng.triangular(3, 48, 7))
        colour = tuple(max(0, min(255, v + rng.randrange(-70, 70))) for v in image.getpixel((x, y)))
        kind = rng.random()
        if kind < 0.6:
            draw.ellipse((x, y, x + s, y + s * rng.uniform(0.4, 1.6)), fill=colour)
        elif kind < 0.9:
            draw.line((x, y, x + rng.randrange(-3 * s, 3 * s + 1), y + rng.randrange(-3 * s, 3 * s + 1)),
                      fill=colour, width=max(1, s // 8))
        else:
            draw.rectangle((x, y, x + 2 * s, y + s), fill=colour)
    return image.filter(ImageFilter.GaussianBlur(0.8)).tobytes()


def _photo(job: tuple[int, Path, Path]) -> tuple[str, int]:
    """Photo `index`: two bases blended under a turned gradient, one shifted, stamped with its
    number; EXIF of a phone (every tenth stored on its side, orientation 6)."""
    index, bases, target = job
    rng = random.Random(index)
    a = Image.frombytes("RGB", (W, H), (bases / f"{index % BASES}.rgb").read_bytes())
    b = Image.frombytes("RGB", (W, H), (bases / f"{(index * 3 + 1) % BASES}.rgb").read_bytes())
    b = ImageChops.offset(b, rng.randrange(W), rng.randrange(H))
    mask = Image.linear_gradient("L").rotate(rng.randrange(360)).resize((W, H))
    image = Image.composite(a, b, mask)
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 120, 1500, 420), fill=(250, 250, 245), outline=(20, 20, 20), width=8)
    draw.text((170, 170), f"IMG_{index:04d}", fill=(180, 20, 20), font=ImageFont.load_default(size=180))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "BenchPhone", "BenchPhone 12"  # Make, Model
    exif[0x0132] = f"2026:{1 + index % 12:02d}:{1 + index % 28:02d} 09:{index % 60:02d}:00"
    if index % 10 == 9:
        image = image.transpose(Image.Transpose.ROTATE_90)  # the sensor's pixels of a portrait shot …
        exif[0x0112] = 6  # … and the tag that turns them upright
    image.save(target, "JPEG", quality=QUALITY, exif=exif.tobytes())
    return target.name, target.stat().st_size


def generate_photos(src: Path, count: int) -> list[Path]:
    """`count` photos in `src` (kept: made once)."""
    paths = [src / f"IMG_{i:04d}.jpg" for i in range(count)]
    if all(p.is_file() for p in paths):
        return paths
    src.mkdir(parents=True, exist_ok=True)
    bases = src.parent / "bases"
    bases.mkdir(exist_ok=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for index, data in enumerate(pool.map(_base, range(BASES))):
            (bases / f"{index}.rgb").write_bytes(data)
        sizes = [size for _name, size in pool.map(_photo, [(i, bases, paths[i]) for i in range(count)])]
    shutil.rmtree(bases)
    print(f"generated {count} photos in {time.perf_counter() - started:.0f} s: "
          f"{min(sizes) / 1e6:.2f}–{max(sizes) / 1e6:.2f} MB, mean {statistics.mean(sizes) / 1e6:.2f} MB")
    return paths


def build(folder: Path) -> Path:
    """The data folder: ACTIVITIES activities, PER_ACTIVITY photos each with captions (made once)."""
    marker = folder / "generated.json"
    if marker.is_file() and json.loads(marker.read_text()).get("version") == GENERATOR_VERSION:
        return folder / "data"
    shutil.rmtree(folder / "data", ignore_errors=True)
    photos = generate_photos(folder / "src", ACTIVITIES * PER_ACTIVITY)
    ws = open_workspace(DataDir(folder / "data"), daily_backup=False)
    started = time.perf_counter()
    try:
        with ws.write() as s:
            save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
            leaves = [c.id for c in list_categories(s) if c.depth > 0]
            first = datetime(2026, 1, 5, 9, 0)
            for n in range(ACTIVITIES):
                start = first + timedelta(days=3 * n)
                draft = _draft(f"第{n + 1}次社区文明实践活动", leaves[n % len(leaves)], start)
                attached = [NewAttachment(str(p), caption=PhotoCaption(
                    people="王堃（社区书记）、陶喆（志愿者）等居民 30 余人", photographer="陈晓燕"))
                    for p in photos[n * PER_ACTIVITY:(n + 1) * PER_ACTIVITY]]
                create_activity(s, draft, ws.files, attached)
    finally:
        ws.close()
    marker.write_text(json.dumps({"version": GENERATOR_VERSION}))
    print(f"data folder filled in {time.perf_counter() - started:.0f} s")
    return folder / "data"


def _draft(title: str, category_id: int, start: datetime):  # type: ignore[no-untyped-def]
    from huiquan_desk.domain.activity import ActivityDraft

    return ActivityDraft(title, category_id, start, start + timedelta(hours=2), "惠泉社区活动室", "惠泉社区居委会",
                         "王堃", 40, "志愿者与居民一起开展活动。", "")


# --- the floor ---------------------------------------------------------------------------------------
def printed_boxes(paths: list[Path]) -> list[tuple[float, float]]:
    """Each photo's printed size in points, as PictureRow lays it out (column width × PICTURE_HEIGHT)."""
    column = (PAGE.body_width - (COLUMNS - 1) * ROW_GAP) / COLUMNS
    boxes = []
    for path in paths:
        w, h = picture_size(path)
        scale = min(column / w, PICTURE_HEIGHT / h)
        boxes.append((w * scale, h * scale))
    return boxes


def downsample(paths: list[Path], boxes: list[tuple[float, float]]) -> list[bytes]:
    return [picture_jpeg(p, math.ceil(w / 72 * PRINT_DPI), math.ceil(h / 72 * PRINT_DPI))[0]
            for p, (w, h) in zip(paths, boxes, strict=True)]


def floor_pdf(jpegs: list[bytes], boxes: list[tuple[float, float]], path: Path) -> None:
    """The same JPEG bytes drawn four to an A4 page (two columns, two rows) with one caption line
    each, binary DCTDecode streams, the same font and page compression; no layout, no checks."""
    page_w, page_h = A4
    canvas = Canvas(str(path), pagesize=A4, pageCompression=1, initialFontName=PRIMARY)
    canvas.setFont(PRIMARY, 9.0)
    column = (PAGE.body_width - ROW_GAP) / 2
    saved, rl_config.useA85 = rl_config.useA85, 0
    try:
        for index, (data, (w, h)) in enumerate(zip(jpegs, boxes, strict=True)):
            slot = index % 4
            if slot == 0 and index:
                canvas.showPage()
                canvas.setFont(PRIMARY, 9.0)
            x = 20 * mm + (slot % 2) * (column + ROW_GAP)
            top = page_h - 14 * mm - (slot // 2) * (PICTURE_HEIGHT + 80)
            canvas.drawImage(ImageReader(io.BytesIO(data)), x, top - h, w, h)
            canvas.drawString(x, top - h - 12, f"题名：第{index // PER_ACTIVITY + 1}次社区文明实践活动")
    finally:
        rl_config.useA85 = saved
    canvas.save()


# --- running -----------------------------------------------------------------------------------------
def clocked(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = build(FOLDER)
    photos = sorted((FOLDER / "src").glob("IMG_*.jpg"))
    fonts()  # registered once, outside every timing (the app has done it before any export)
    ws = open_workspace(DataDir(data), daily_backup=False)
    tmp = Path(tempfile.mkdtemp(prefix="huiquan-photos-"))
    try:
        boxes = printed_boxes(photos)
        down = [clocked(lambda: downsample(photos, boxes))]  # also warms the page cache for both
        jpegs = downsample(photos, boxes)
        down.append(clocked(lambda: downsample(photos, boxes)))
        ours_path, floor_path = tmp / "ours.pdf", tmp / "floor.pdf"
        report = export_photo_record(ws, LedgerParams(), ours_path)  # warm-up
        floor_pdf(jpegs, boxes, floor_path)
        ours, floor = [], []
        for n in range(args.repeat):
            pair = [("ours", lambda: export_photo_record(ws, LedgerParams(), ours_path)),
                    ("floor", lambda: floor_pdf(jpegs, boxes, floor_path))]
            for name, fn in pair if n % 2 == 0 else reversed(pair):
                (ours if name == "ours" else floor).append(clocked(fn))
        from pypdf import PdfReader

        pages = len(PdfReader(ours_path).pages)
        size, floor_size = ours_path.stat().st_size, floor_path.stat().st_size
        source_mb = sum(p.stat().st_size for p in photos) / 1e6
        med = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v))
               for k, v in (("ours", ours), ("floor", floor), ("downsample", down))}
        result = {
            "when": datetime.now().isoformat(timespec="minutes"), "activities": report.activities,
            "photos": report.photos, "pages": pages, "source_mb": round(source_mb, 1),
            "ours_s": med["ours"][0], "ours_cpu_s": med["ours"][1], "floor_s": med["floor"][0],
            "floor_cpu_s": med["floor"][1], "downsample_s": med["downsample"][0],
            "downsample_cpu_s": med["downsample"][1],
            "ratio": med["ours"][0] / med["floor"][0], "ratio_cpu": med["ours"][1] / med["floor"][1],
            "ratio_vs_downsample_and_floor": med["ours"][0] / (med["downsample"][0] + med["floor"][0]),
            "pdf_mb": size / 1e6, "pdf_mb_per_photo": size / 1e6 / report.photos, "floor_pdf_mb": floor_size / 1e6,
            "runs": {"ours": ours, "floor": floor, "downsample": down},
            "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version()},
        }
        print(f"{report.activities} activities, {report.photos} photos ({source_mb:.0f} MB of originals), {pages} pages")
        print(f"ours   {result['ours_s']:.2f} s (cpu {result['ours_cpu_s']:.2f} s)   "
              f"PDF {result['pdf_mb']:.1f} MB = {result['pdf_mb_per_photo'] * 1000:.0f} kB a photo")
        print(f"floor  {result['floor_s']:.2f} s (cpu {result['floor_cpu_s']:.2f} s)   "
              f"PDF {result['floor_pdf_mb']:.1f} MB (the same images)")
        print(f"ratio  {result['ratio']:.1f} (cpu {result['ratio_cpu']:.1f})   load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")
        print(f"downsampling alone, one thread: {result['downsample_s']:.2f} s (cpu {result['downsample_cpu_s']:.2f} s); "
              f"ours / (downsampling + floor) = "
              f"{result['ratio_vs_downsample_and_floor']:.2f}")
        OUT.mkdir(exist_ok=True)
        (OUT / "results-photos.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    finally:
        ws.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
