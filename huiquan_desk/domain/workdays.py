"""Working days as the State Council's yearly arrangement has them (调休 included).

`chinese-calendar` carries the published arrangements; a year beyond its data falls back to
Monday–Friday, and `is_official(year)` says so, so the UI can tell the user.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


@cache
def is_official(year: int) -> bool:
    try:
        import chinese_calendar

        chinese_calendar.is_workday(date(year, 6, 1))
    except (ImportError, NotImplementedError):
        return False
    return True


def is_workday(day: date) -> bool:
    if is_official(day.year):
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (start itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


@cache
def _running_count(year: int) -> tuple[int, ...]:
    """Working days of `year` up to and including each day: [n] is the count through day n of the
    year (1-based; [0] = 0). A year is counted once, then every question about it is a subtraction."""
    counts, day, total = [0], date(year, 1, 1), 0
    while day.year == year:
        total += is_workday(day)
        counts.append(total)
        day += timedelta(days=1)
    return tuple(counts)


def _through(day: date) -> int:
    return _running_count(day.year)[day.timetuple().tm_yday]


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    if end <= start:
        return 0
    if start.year == end.year:
        return _through(end) - _through(start)
    years = sum(_running_count(year)[-1] for year in range(start.year + 1, end.year))
    return _running_count(start.year)[-1] - _through(start) + years + _through(end)
