"""Traditional festivals (传统节日) of a Gregorian year, so staff can plan festival activities in time.

Lunar festivals move with the Chinese calendar and 清明 is a solar term; both come from the
pure-Python `lunar_python` package, imported only when a date is actually computed.
国庆 is fixed on October 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

# Festivals on a fixed lunar month/day (month 1 = 正月, never a leap month).
LUNAR_FESTIVALS: tuple[tuple[str, int, int], ...] = (
    ("春节", 1, 1),
    ("元宵", 1, 15),
    ("端午", 5, 5),
    ("七夕", 7, 7),
    ("中秋", 8, 15),
    ("重阳", 9, 9),
)
SOLAR_TERM_FESTIVALS: tuple[str, ...] = ("清明",)
FIXED_FESTIVALS: tuple[tuple[str, int, int], ...] = (("国庆", 10, 1),)

FESTIVAL_NAMES: tuple[str, ...] = ("春节", "元宵", "清明", "端午", "七夕", "中秋", "重阳", "国庆")

# lunar_python's tables cover roughly 1900–2100; outside that the results are not trustworthy.
MIN_YEAR = 1901
MAX_YEAR = 2099


@dataclass(frozen=True)
class Festival:
    name: str
    day: date


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"只能计算 {MIN_YEAR}–{MAX_YEAR} 年的传统节日，收到 {year} 年")


def _lunar_day(year: int, month: int, day: int) -> date:
    """Gregorian date of lunar month/day in the lunar year that begins in Gregorian `year`."""
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _solar_term(year: int, name: str) -> date:
    """Gregorian date of the solar term `name` (e.g. 清明) that falls in Gregorian `year`."""
    from lunar_python import Solar

    # The table of a mid-year day spans the whole Gregorian year's terms (and some neighbours).
    table = Solar.fromYmd(year, 7, 1).getLunar().getJieQiTable()
    solar = table.get(name)
    if solar is None or solar.getYear() != year:
        raise ValueError(f"{year} 年找不到节气「{name}」")
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=64)
def _festivals(year: int) -> tuple[Festival, ...]:
    _check_year(year)
    found = [Festival(name, _lunar_day(year, month, day)) for name, month, day in LUNAR_FESTIVALS]
    found += [Festival(name, _solar_term(year, name)) for name in SOLAR_TERM_FESTIVALS]
    found += [Festival(name, date(year, month, day)) for name, month, day in FIXED_FESTIVALS]
    return tuple(sorted(found, key=lambda f: (f.day, FESTIVAL_NAMES.index(f.name))))


def festivals(year: int) -> list[Festival]:
    """The year's traditional festivals (春节 元宵 清明 端午 七夕 中秋 重阳 国庆), sorted by date.

    Every lunar festival of a Gregorian year falls inside that same year (春节 is between
    January 21 and February 20), so each name appears exactly once.
    """
    return list(_festivals(year))


def festival_day(year: int, name: str) -> date:
    """The date of one festival by its Chinese name, e.g. festival_day(2026, "中秋")."""
    for festival in _festivals(year):
        if festival.name == name:
            return festival.day
    raise KeyError(f"没有名为「{name}」的传统节日，可选：{'、'.join(FESTIVAL_NAMES)}")


def upcoming(today: date, within_days: int = 30) -> list[Festival]:
    """Festivals from `today` (inclusive) to `today + within_days` (inclusive), sorted by date."""
    if within_days < 0:
        return []
    last = today + timedelta(days=within_days)
    found: list[Festival] = []
    for year in range(today.year, last.year + 1):
        found += [f for f in _festivals(year) if today <= f.day <= last]
    return found
