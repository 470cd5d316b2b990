"""PDF text stays searchable and copyable for characters outside the BMP (the ToUnicode CMap
of each embedded TrueType subset must give them as UTF-16BE surrogate pairs)."""

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import ttfonts

from huiquan_desk.exports import fonts as fonts_module
from huiquan_desk.exports.fonts import PRIMARY, fonts
from huiquan_desk.exports.ledger import Column, Ledger
from huiquan_desk.exports.pdf import write_pdf

NAMES = ["陶喆", "王堃", "朱镕基"]
DESERET = "\U00010400"  # 𐐀, in the bundled WenQuanYi Micro Hei itself
GRINNING = "\U0001F600"  # 😀, only in a fallback font (DejaVu Sans) if one is installed


def _ledger(extra: list[str]) -> Ledger:
    rows = [f"{name} {char}" for name, char in zip(NAMES, extra + [""] * len(NAMES), strict=False)]
    return Ledger(title="志愿者名单", subtitle="单位：惠泉社区", columns=[Column("姓名", lambda r: r, 20)],
                  rows=rows, row_count=len(rows))


def _outside_bmp() -> list[str]:
    """The non-BMP characters to print: the bundled font's one always, 😀 when a font here has it."""
    assert fonts().font_for(DESERET) == PRIMARY, "the bundled font is expected to have U+10400"
    return [DESERET] + ([GRINNING] if fonts().font_for(GRINNING) else [])


def _to_unicode_cmaps(path: Path) -> dict[str, str]:
    """BaseFont -> decoded ToUnicode CMap, for every font on every page."""
    cmaps = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/ToUnicode" in font:
                cmaps[str(font["/BaseFont"])] = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    return cmaps


def _destinations(cmap: str) -> list[str]:
    """The hex destination strings of all bfchar and bfrange entries of a CMap."""
    found = []
    for body in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        found += [dst for _src, dst in re.findall(r"<([0-9A-Fa-f]*)>\s*<([0-9A-Fa-f]*)>", body)]
    for body in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for line in body.strip().splitlines():
            hexes = re.findall(r"<([0-9A-Fa-f]*)>", line)
            assert len(hexes) >= 3, f"malformed bfrange line {line!r}"
            found += hexes[2:]
    return found


def _is_utf16be(hex_string: str) -> bool:
    if len(hex_string) % 4:
        return False  # odd number of hex digits, or not whole 16-bit units
    try:
        bytes.fromhex(hex_string).decode("utf-16-be")  # strict: rejects unpaired surrogates
    except UnicodeDecodeError:
        return False
    return True


@pytest.fixture
def pdf(tmp_path: Path) -> tuple[Path, list[str]]:
    extra = _outside_bmp()
    return write_pdf(_ledger(extra), tmp_path / "名单.pdf"), extra


def test_pdf_text_outside_bmp_is_extractable(pdf) -> None:  # type: ignore[no-untyped-def]
    path, extra = pdf
    text = PdfReader(path).pages[0].extract_text()
    for name, char in zip(NAMES, extra, strict=False):
        assert f"{name} {char}" in text, (char, text)
    for name in NAMES:
        assert name in text


def test_pdf_to_unicode_destinations_are_utf16be(pdf) -> None:  # type: ignore[no-untyped-def]
    path, extra = pdf
    cmaps = _to_unicode_cmaps(path)
    assert any("WenQuanYi" in base for base in cmaps)
    destinations = [dst for cmap in cmaps.values() for dst in _destinations(cmap)]
    assert destinations
    bad = [dst for dst in destinations if not _is_utf16be(dst)]
    assert not bad, f"ToUnicode destinations that are not UTF-16BE: {bad}"
    mapped = {bytes.fromhex(dst).decode("utf-16-be") for dst in destinations}
    assert set(extra) <= mapped and set("".join(NAMES)) <= mapped


def test_to_unicode_cmap_unchanged_inside_bmp() -> None:
    original = ttfonts.makeToUnicodeCMap._huiquan_original
    subset = [0, *range(32, 128), ord("陶"), ord("喆"), 0xFFFD, 0xFFFF]
    assert ttfonts.makeToUnicodeCMap("AAAAAA+X", subset) == original("AAAAAA+X", subset)
    mixed = ttfonts.makeToUnicodeCMap("AAAAAA+X", [0, ord("堃"), 0x1F600, 0x20000])
    assert "<01> <5803>\n<02> <D83DDE00>\n<03> <D840DC00>\nendbfchar" in mixed


def test_fix_fails_loudly_if_reportlab_changes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", lambda fontname, subset, extra=None: "")
    with pytest.raises(RuntimeError, match="makeToUnicodeCMap"):
        fonts_module._install_tounicode_fix()
    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", lambda fontname, subset: "beginbfrange\nendbfrange")
    with pytest.raises(RuntimeError, match="no bfchar line for U\\+1F600"):
        fonts_module._install_tounicode_fix()
    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", lambda fontname, subset: "<02> <1F600>")
    with pytest.raises(RuntimeError, match="probe"):
        fonts_module._install_tounicode_fix()
    monkeypatch.delattr(ttfonts, "makeToUnicodeCMap")
    with pytest.raises(RuntimeError, match="no longer exists"):
        fonts_module._install_tounicode_fix()
