"""Text normalization and the rules every text field shares (forms, Excel import, CLI).

Every text a user gives passes `clean()` at input: Unicode NFC, no invisible direction marks
(U+202A–U+202E, U+2066–U+2069: a right-to-left override makes "王伟\u202e" print reversed and
lets two spellings of one name look alike), no NBSP, no outer spaces. Then each validator asks
`text_problem(value, limit)` whether the cleaned value can be saved at all: a lone surrogate
(which Qt or a crafted file can hand over, and which SQLite, Excel and PDF cannot encode) or a
NUL is refused with the field's name, never left to fail deep inside a write or an export; and
every free-text field has a length limit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from huiquan_desk.domain.errors import Problem

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
# Bidirectional embedding / override (LRE RLE PDF LRO RLO) and isolate (LRI RLI FSI PDI) marks.
DIRECTION_MARKS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CLEAN = dict.fromkeys(DIRECTION_MARKS)
_CLEAN[0x00A0] = 0x20  # no-break space
# What no storage or export can hold: NUL and UTF-16 surrogates standing alone.
_UNSAVABLE = re.compile("[\x00\ud800-\udfff]")


def halfwidth(value: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ｘ, －, ／ …) to half-width."""
    return value.translate(_FULLWIDTH)


def clean(value: object) -> str:
    """A cell or field value as a trimmed string without direction marks ('' for None)."""
    if value is None:
        return ""
    text = str(value).translate(_CLEAN)  # marks go before NFC, so what they separated may compose
    return unicodedata.normalize("NFC", text).strip()


def is_blank(value: object) -> bool:
    return clean(value) == ""


def unsavable_at(value: str) -> int | None:
    """1-based position of the first character no storage can hold (NUL, a lone surrogate), or None."""
    found = _UNSAVABLE.search(value)
    return None if found is None else found.start() + 1


def text_problem(value: str, limit: int) -> str | None:
    """Why a cleaned text cannot be saved in a field of at most `limit` characters (Chinese), or None."""
    position = unsavable_at(value)
    if position is not None:
        return f"含有无法保存的字符（第 {position} 个字符，可能是复制或导入时带入的乱码或控制字符），请删除后重新输入"
    if len(value) > limit:
        return f"不能超过 {limit} 个字（现在是 {len(value)} 个字）"
    return None


def text_problems(fields: Iterable[tuple[str, str, int]], row: int | None = None) -> list[Problem]:
    """A Problem for each (label, cleaned value, limit) that `text_problem` refuses."""
    return [Problem(label, why, row) for label, value, limit in fields if (why := text_problem(value, limit))]


def savable(value: str) -> str:
    """`value` with NUL removed and each lone surrogate as U+FFFD: for a name the user did not type
    (a file name from a disk written on another system), kept as well as it can be, never refused."""
    value = value.replace("\x00", "")
    if unsavable_at(value) is None:
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
