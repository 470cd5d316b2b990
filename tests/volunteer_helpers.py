"""Builders for volunteer tests: valid citizen ID numbers, volunteers, activities."""

from __future__ import annotations

from datetime import date, datetime

from huiquan_desk.services import activities
from huiquan_desk.services import volunteers as vsvc
from tests.helpers import draft as activity_draft

# The two numbers DOMAIN.md gives as valid (GB 11643-1999).
KNOWN_FEMALE = "11010519491231002X"  # 1949-12-31, sequence 002 (even: 女)
KNOWN_MALE = "440524188001010014"  # 1880-01-01, sequence 001 (odd: 男)


def gb11643_check(first17: str) -> str:
    """The GB 11643-1999 check character, written out here independently of the code under test
    (huiquan_desk.domain.identity.check_char), so that tests built on it catch a wrong weight.
    Weight of position i (1-based from the left, check character at 18) is 2^(18-i) mod 11."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert len(first17) == 17 and first17.isascii() and first17.isdigit(), first17
    total = 0
    for position in range(17):
        total += int(first17[position]) * weights[position]
    return "10X98765432"[total % 11]


def make_id(birth: date, seq: int = 123, region: str = "350102") -> str:
    """A valid 18-character number: region + YYYYMMDD + 3-digit sequence + check character."""
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + gb11643_check(first17)


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def add_volunteer(session, name: str = "林秀英", id_number: str | None = None, *,  # type: ignore[no-untyped-def]
                  seq: int = 1, registered_on: date = date(2026, 3, 5), **fields) -> int:
    number = id_number or make_id(date(1980, 1, 1) if seq < 1000 else date(1981, 1, 1), seq % 1000)
    return vsvc.create_volunteer(session, vsvc.VolunteerDraft(
        name=name, id_number=number, registered_on=registered_on, **fields))


def add_activity(session, store, start: datetime, end: datetime, **overrides) -> int:  # type: ignore[no-untyped-def]
    return activities.create_activity(session, activity_draft(session, start=start, end=end, **overrides), store)
