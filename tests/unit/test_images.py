"""A picture with transparency (a PNG poster, a screenshot with an alpha channel) prints on white
paper, both where it is printed (exports.layout) and in the stored rendition (storage.files)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from huiquan_desk.exports.layout import picture_jpeg
from huiquan_desk.storage.files import render_jpeg


def _poster(path: Path, mode: str) -> Path:
    """Left half opaque red, right half fully transparent."""
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (0, 0, 100, 100))
    if mode == "P":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE)
        image.info["transparency"] = image.getpixel((150, 50))
    image.save(path, "PNG", transparency=image.info.get("transparency")) if mode == "P" else image.save(path)
    return path


@pytest.mark.parametrize("mode", ["RGBA", "P"])
def test_transparent_parts_print_white(tmp_path: Path, mode: str) -> None:
    source = _poster(tmp_path / f"poster-{mode}.png", mode)
    printed, width, height = picture_jpeg(source, 200, 100)
    stored = render_jpeg(source)
    for data in (printed, stored):
        with Image.open(io.BytesIO(data)) as out:
            assert out.format == "JPEG" and out.mode == "RGB" and out.size == (200, 100)
            red, green, blue = out.getpixel((170, 50))
            assert min(red, green, blue) > 240, "the transparent half came out dark, not paper white"
            red, green, blue = out.getpixel((30, 50))
            assert red > 150 and green < 60 and blue < 60
    assert (width, height) == (200, 100)
