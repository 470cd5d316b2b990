"""The fonts a PDF embeds, and the rule that no character may silently vanish.

The bundled WenQuanYi Micro Hei (TrueType, Apache-2.0) covers GB18030's common set including
镕, 喆 and 堃. A character it lacks is drawn with the first fallback font that has it; if none
has it, the export stops with MissingGlyphError naming the record and the character.
"""

from __future__ import annotations

import inspect
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.paths import font_file, resource

# Every PDF of ours writes its streams binary (compressed page content, JPEGs as DCTDecode): reportlab's
# default ASCII85 makes them a quarter larger and, without its C accelerator, costs seconds per
# thousand pages. Set once here, the module every PDF writer imports.
rl_config.useA85 = 0

PRIMARY = "HuiquanSans"
# Further TrueType fonts that may fill gaps, if present: bundled ones first, then common system ones.
FALLBACK_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simsunb.ttf",
]


def _utf16be_hex(code: int) -> str:
    """A ToUnicode destination: the code point as UTF-16BE hex, a surrogate pair above U+FFFF."""
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def _install_tounicode_fix() -> None:
    """Make the ToUnicode CMap of every TrueType subset valid for characters outside the BMP.

    reportlab (5.1.0) writes it in reportlab.pdfbase.ttfonts.makeToUnicodeCMap(fontname, subset),
    called by TTFont.addObjects, with a bfchar line "<%02X> <%04X>" % (code, codepoint) per glyph.
    For 😀 that gives "<01> <1F600>": an odd-length hex string, not UTF-16BE, so PDF readers
    cannot map the glyph back and the character can be neither found nor copied. It must be the
    surrogate pair "<01> <D83DDE00>".

    The module function is replaced by a wrapper that calls reportlab's own and rewrites only
    the lines of characters above U+FFFF, so output for the BMP stays byte-identical. If
    reportlab changes the function, its call site or the line format, this fails at import
    with an error naming what changed, instead of silently leaving the PDFs unsearchable.
    """
    current = getattr(ttfonts, "makeToUnicodeCMap", None)
    if getattr(current, "_huiquan_original", None) is not None:
        return  # already installed (module reloaded)

    def broken(what: str) -> RuntimeError:
        return RuntimeError(
            f"huiquan_desk.exports.fonts: cannot fix PDF ToUnicode CMaps for characters outside the "
            f"BMP: {what}. This relies on reportlab.pdfbase.ttfonts.makeToUnicodeCMap(fontname, subset), "
            f"called by TTFont.addObjects, writing one '<%02X> <%04X>' bfchar line per character; "
            f"reportlab {reportlab.Version} changed that. Review _install_tounicode_fix."
        )

    if not callable(current):
        raise broken("reportlab.pdfbase.ttfonts.makeToUnicodeCMap no longer exists")
    if list(inspect.signature(current).parameters) != ["fontname", "subset"]:
        raise broken(f"makeToUnicodeCMap has the signature {inspect.signature(current)}")
    if "makeToUnicodeCMap" not in TTFont.addObjects.__code__.co_names:
        raise broken("TTFont.addObjects no longer calls makeToUnicodeCMap")
    original = current

    def make_to_unicode_cmap(fontname, subset):  # type: ignore[no-untyped-def]
        cmap = original(fontname, subset)
        wide = [(i, v) for i, v in enumerate(subset) if v > 0xFFFF]
        if not wide:
            return cmap
        lines = cmap.split("\n")
        where = {line: n for n, line in enumerate(lines)}
        for i, v in wide:
            n = where.get(f"<{i:02X}> <{v:04X}>")  # the line reportlab wrote: "<%02X> <%04X>"
            if n is None:
                raise broken(f"no bfchar line for U+{v:04X} in its output")
            lines[n] = f"<{i:02X}> <{_utf16be_hex(v)}>"
        return "\n".join(lines)

    make_to_unicode_cmap._huiquan_original = original  # type: ignore[attr-defined]
    make_to_unicode_cmap.__doc__ = original.__doc__
    # Probe once now, so that a change in reportlab's output stops the app here, not mid-export.
    probe = make_to_unicode_cmap("PROBE", [0, 0x41, 0x1F600])
    if "<01> <0041>" not in probe.split("\n") or "<02> <D83DDE00>" not in probe.split("\n"):
        raise broken("its output for a probe subset is not as expected")
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


_install_tounicode_fix()


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
