"""Text normalization shared by every input path (forms, Excel import, CLI)."""

from __future__ import annotations

import unicodedata

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def halfwidth(value: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ｘ, －, ／ …) to half-width."""
    return value.translate(_FULLWIDTH)


def clean(value: object) -> str:
    """A cell or field value as a trimmed single-spaced string ('' for None)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return text.replace("\u00a0", " ").strip()


def is_blank(value: object) -> bool:
    return clean(value) == ""
