"""The fonts a PDF embeds, and the rule that no character may silently vanish.

The bundled WenQuanYi Micro Hei (TrueType, Apache-2.0) covers GB18030's common set including
镕, 喆 and 堃. A character it lacks is drawn with the first fallback font that has it; if none
has it, the export stops with MissingGlyphError naming the record and the character.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.paths import font_file, resource

PRIMARY = "HuiquanSans"
# Further TrueType fonts that may fill gaps, if present: bundled ones first, then common system ones.
FALLBACK_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simsunb.ttf",
]


class MissingGlyphError(HuiquanError):
    title = "有字符无法打印"

    def __init__(self, record: str, char: str):
        self.record = record
        self.char = char
        code = f"U+{ord(char):04X}"
        super().__init__(
            f"记录 {record} 中的字符「{char}」（{code}）在打印字体中没有字形，导出已停止，"
            f"没有生成文件。请把该字改为常用写法，或安装包含该字的字体后重试。"
        )


@dataclass
class FontSet:
    """The registered fonts, each with the set of characters it can draw."""

    names: list[str]
    coverage: list[frozenset[int] | dict]

    def font_for(self, char: str) -> str | None:
        code = ord(char)
        for name, covered in zip(self.names, self.coverage, strict=True):
            if code in covered:
                return name
        return None


def _register(name: str, path: Path) -> TTFont | None:
    try:
        font = TTFont(name, str(path), subfontIndex=0) if path.suffix.lower() == ".ttc" else TTFont(name, str(path))
    except Exception:  # noqa: BLE001 - an unusable optional font is simply skipped
        return None
    pdfmetrics.registerFont(font)
    return font


@cache
def fonts() -> FontSet:
    primary = _register(PRIMARY, font_file())
    if primary is None:
        raise HuiquanError(f"找不到打印字体 {font_file()}，请重新安装本软件。")
    names, coverage = [PRIMARY], [primary.face.charToGlyph]
    extra = sorted(p for p in resource("fonts").glob("*.tt[fc]") if p != font_file())
    for index, path in enumerate([*extra, *map(Path, FALLBACK_CANDIDATES)]):
        if path.is_file():
            font = _register(f"HuiquanFallback{index}", path)
            if font is not None:
                names.append(font.fontName)
                coverage.append(font.face.charToGlyph)
    return FontSet(names, coverage)


def invisible(char: str) -> bool:
    """Characters that print as nothing anyway (spaces, controls, joiners)."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")
