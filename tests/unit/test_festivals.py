"""Traditional festival dates (lunar calendar + 清明 solar term + 国庆)."""

from __future__ import annotations

from datetime import date

import pytest

from huiquan_desk.domain.festivals import FESTIVAL_NAMES, Festival, festival_day, festivals, upcoming

# Published dates (State Council holiday notices / almanac), checked against lunar_python.
KNOWN = {
    2024: {"春节": date(2024, 2, 10), "元宵": date(2024, 2, 24), "清明": date(2024, 4, 4), "端午": date(2024, 6, 10),
           "七夕": date(2024, 8, 10), "中秋": date(2024, 9, 17), "国庆": date(2024, 10, 1), "重阳": date(2024, 10, 11)},
    2025: {"春节": date(2025, 1, 29), "元宵": date(2025, 2, 12), "清明": date(2025, 4, 4), "端午": date(2025, 5, 31),
           "七夕": date(2025, 8, 29), "中秋": date(2025, 10, 6), "国庆": date(2025, 10, 1), "重阳": date(2025, 10, 29)},
    2026: {"春节": date(2026, 2, 17), "元宵": date(2026, 3, 3), "清明": date(2026, 4, 5), "端午": date(2026, 6, 19),
           "七夕": date(2026, 8, 19), "中秋": date(2026, 9, 25), "国庆": date(2026, 10, 1), "重阳": date(2026, 10, 18)},
}


@pytest.mark.parametrize("year", sorted(KNOWN))
def test_known_dates(year: int) -> None:
    assert {f.name: f.day for f in festivals(year)} == KNOWN[year]


def test_sorted_by_date_and_every_name_once() -> None:
    for year in (1990, 2025, 2026, 2030, 2050):
        found = festivals(year)
        assert [f.day for f in found] == sorted(f.day for f in found)
        assert sorted(f.name for f in found) == sorted(FESTIVAL_NAMES)
        assert all(f.day.year == year for f in found)


def test_2025_national_day_before_mid_autumn() -> None:
    assert [f.name for f in festivals(2025)][-3:] == ["国庆", "中秋", "重阳"]


def test_qingming_is_early_april() -> None:
    for year in range(2000, 2060):
        assert date(year, 4, 3) <= festival_day(year, "清明") <= date(year, 4, 6)


def test_festival_is_frozen_and_list_is_a_copy() -> None:
    found = festivals(2026)
    found.clear()
    assert len(festivals(2026)) == len(FESTIVAL_NAMES)
    with pytest.raises(AttributeError):
        Festival("春节", date(2026, 2, 17)).day = date(2026, 1, 1)  # type: ignore[misc]


def test_unknown_name_and_out_of_range_year() -> None:
    with pytest.raises(KeyError):
        festival_day(2026, "圣诞")
    with pytest.raises(ValueError):
        festivals(1800)


def test_upcoming_window_is_inclusive() -> None:
    assert upcoming(date(2026, 9, 25), 0) == [Festival("中秋", date(2026, 9, 25))]
    assert [f.name for f in upcoming(date(2026, 9, 1))] == ["中秋", "国庆"]
    assert [f.name for f in upcoming(date(2026, 9, 26), 22)] == ["国庆", "重阳"]
    assert upcoming(date(2026, 11, 1), 30) == []
    assert upcoming(date(2026, 9, 1), -1) == []


def test_upcoming_crosses_the_new_year() -> None:
    found = upcoming(date(2026, 12, 20), 60)
    assert found == [Festival("春节", date(2027, 2, 6))]
