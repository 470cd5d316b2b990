"""Working days under the State Council's holiday arrangement (chinese-calendar), and the fallback."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from huiquan_desk.domain.volunteer import ENTRY_DEADLINE_WORKING_DAYS, entry_deadline, is_late
from huiquan_desk.domain.workdays import add_working_days, is_official, is_workday, working_days_between

# 2026 arrangement as chinese-calendar 1.11 carries it (looked up, not guessed):
# 国庆 + 中秋 holidays 2026-10-01 … 10-07 (weekdays 10-01, 02, 05, 06, 07 off), 中秋 on Fri 2026-09-25,
# make-up workdays (调休) Sun 2026-09-20 and Sat 2026-10-10; also Sun 2026-01-04, Sat 02-14, 02-28, 05-09.
MAKE_UP_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
                date(2026, 10, 10)]


def test_2026_is_covered_by_the_published_arrangement() -> None:
    assert is_official(2026)


@pytest.mark.parametrize("day", [date(2026, 10, d) for d in range(1, 8)] + [date(2026, 9, 25), date(2026, 1, 1),
                                                                              date(2026, 5, 1), date(2026, 2, 17)])
def test_2026_holidays_are_not_workdays(day: date) -> None:
    assert not is_workday(day)
    assert chinese_calendar.is_holiday(day)


@pytest.mark.parametrize("day", MAKE_UP_2026)
def test_2026_make_up_weekend_days_are_workdays(day: date) -> None:
    assert day.weekday() >= 5, "a 调休 day is a Saturday or Sunday"
    assert day in chinese_calendar.workdays  # the package's own list of make-up days
    assert is_workday(day)


def test_ordinary_2026_days() -> None:
    assert is_workday(date(2026, 10, 8))  # Thursday after 国庆
    assert is_workday(date(2026, 9, 28))  # Monday
    assert not is_workday(date(2026, 10, 11))  # Sunday after the make-up Saturday
    assert not is_workday(date(2026, 9, 26))  # ordinary Saturday


def test_add_working_days_across_the_national_day_week() -> None:
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)  # skips 10-01 … 10-07
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)  # the make-up Saturday counts
    # 09-29, 09-30, 10-08, 10-09, 10-10 (Sat, 调休), 10-12 … 10-16
    assert add_working_days(date(2026, 9, 28), 10) == date(2026, 10, 16)
    assert add_working_days(date(2026, 9, 28), 0) == date(2026, 9, 28)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert working_days_between(date(2026, 9, 28), date(2026, 10, 16)) == 10
    assert working_days_between(date(2026, 10, 16), date(2026, 9, 28)) == 0


def test_entry_deadline_is_ten_working_days_after_the_activity_ends() -> None:
    assert ENTRY_DEADLINE_WORKING_DAYS == 10
    assert entry_deadline(date(2026, 9, 28)) == date(2026, 10, 16)
    assert not is_late(date(2026, 9, 28), date(2026, 10, 16))
    assert is_late(date(2026, 9, 28), date(2026, 10, 17))
    assert not is_late(date(2026, 9, 28), date(2026, 9, 28))


def test_a_year_beyond_the_data_falls_back_to_monday_to_friday() -> None:
    assert not is_official(2031)
    assert is_workday(date(2031, 10, 1))  # a Wednesday: the holiday is unknown, so Mon–Fri rules
    assert not is_workday(date(2031, 10, 4))  # Saturday
    assert not is_workday(date(2031, 10, 5))  # Sunday
    assert add_working_days(date(2031, 9, 26), 1) == date(2031, 9, 29)  # Friday → Monday
    assert add_working_days(date(2031, 9, 29), 10) == date(2031, 10, 13)  # two plain weeks
    assert entry_deadline(date(2031, 9, 29)) == date(2031, 10, 13)


def test_a_year_before_the_data_also_falls_back() -> None:
    assert not is_official(1999)
    assert is_workday(date(1999, 10, 1))  # a Friday


@given(st.dates(date(2004, 1, 1), date(2031, 12, 31)), st.integers(0, 30))
def test_add_working_days_lands_on_a_workday_exactly_n_working_days_later(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert is_workday(end) and end > start
        assert working_days_between(start, end - timedelta(days=1)) == n - 1


def test_counting_across_years_agrees_with_walking_day_by_day() -> None:
    def walked(start: date, end: date) -> int:
        return sum(1 for n in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=n)))

    for start, end in [(date(2025, 12, 20), date(2026, 1, 10)), (date(2023, 12, 31), date(2026, 1, 1)),
                       (date(2026, 5, 1), date(2026, 5, 1)), (date(2026, 5, 9), date(2026, 5, 1)),
                       (date(2030, 12, 30), date(2031, 1, 2))]:  # 2030+: Monday–Friday fallback
        assert working_days_between(start, end) == walked(start, end), (start, end)
