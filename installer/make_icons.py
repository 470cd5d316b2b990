"""Render resources/icons/huiquan_desk.svg to the PNG sizes and the Windows .ico.

    python installer/make_icons.py      # needs rsvg-convert (apt: librsvg2-bin) and Pillow

Writes resources/icons/huiquan_desk-<N>.png for N in SIZES and resources/icons/huiquan_desk.ico
(all sizes up to 256 in one file). The outputs are committed: building the app or the packages
never needs this script, only changing the SVG does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "huiquan_desk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> Path:
    out = ICONS / f"huiquan_desk-{size}.png"
    subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), "-o", str(out), str(SOURCE)], check=True)
    return out


def main() -> int:
    if shutil.which("rsvg-convert") is None:
        print("rsvg-convert not found: sudo apt-get install librsvg2-bin", file=sys.stderr)
        return 1
    pngs = {size: render(size) for size in SIZES}
    images = [Image.open(pngs[size]).convert("RGBA") for size in SIZES]
    # Pillow writes one entry per size from the largest image; hand it each size as drawn by rsvg.
    images[-1].save(ICONS / "huiquan_desk.ico", format="ICO", sizes=[(s, s) for s in SIZES],
                    append_images=images[:-1])
    for size, path in pngs.items():
        print(f"{path.relative_to(ICONS.parent.parent)}  {size}x{size}")
    print(f"resources/icons/huiquan_desk.ico  {', '.join(map(str, SIZES))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
