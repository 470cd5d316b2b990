"""Pixel rules shared by the stored renditions (storage.files) and the printed pages
(exports.layout): which EXIF orientations turn a picture, and how a picture with transparency or
an odd mode becomes plain RGB on white paper."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

ORIENTATION = 0x0112  # EXIF: how the stored pixels are turned for display
QUARTER_TURNS = (5, 6, 7, 8)  # orientations that turn the picture a quarter: width and height swap


def on_white(image: Image) -> Image:
    """`image` as RGB or gray, ready for JPEG: transparent parts become white paper (not black),
    palettes and CMYK are converted."""
    from PIL import Image as PILImage

    if image.mode in ("RGB", "L"):
        return image
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = PILImage.new("RGB", image.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")
