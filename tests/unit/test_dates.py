from datetime import date, datetime

import pytest

from huiquan_desk.domain.dates import catalogue_date, cn_date, parse_date, parse_datetime, span_text


@pytest.mark.parametrize("text", ["2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", "20260305",
                                  "２０２６年３月５日", " 2026-3-5 "])
def test_date_forms(text: str) -> None:
    assert parse_date(text) == date(2026, 3, 5)


@pytest.mark.parametrize("text,expected", [
    ("2026-03-05 08:30", datetime(2026, 3, 5, 8, 30)),
    ("2026/3/5 14:05:09", datetime(2026, 3, 5, 14, 5, 9)),
    ("2026年3月5日 9时30分", datetime(2026, 3, 5, 9, 30)),
    ("2026-03-05T08:30", datetime(2026, 3, 5, 8, 30)),
    ("２０２６－０３－０５　０８：３０", datetime(2026, 3, 5, 8, 30)),
])
def test_datetime_forms(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


def test_excel_values() -> None:
    assert parse_datetime(datetime(2026, 3, 5, 8, 30, 0, 123)) == datetime(2026, 3, 5, 8, 30)
    assert parse_datetime(date(2026, 3, 5)) == datetime(2026, 3, 5)
    assert parse_datetime(46086) == datetime(2026, 3, 5)  # Excel serial number
    assert parse_datetime(None) is None and parse_datetime("  ") is None


@pytest.mark.parametrize("text", ["2026-02-30", "昨天", "2026-13-01", "3/5"])
def test_bad_dates_say_why(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_datetime(text)
    assert "日期" in str(err.value)


def test_printing_forms() -> None:
    assert cn_date(date(2026, 3, 5)) == "2026年3月5日"
    assert catalogue_date(date(2026, 3, 5)) == "20260305"
    assert span_text(datetime(2026, 3, 5, 9), datetime(2026, 3, 5, 11, 30)) == "2026-03-05 09:00–11:30"
    assert span_text(datetime(2026, 3, 5, 9), datetime(2026, 3, 6, 17)) == "2026-03-05 09:00–2026-03-06 17:00"


def test_numbers_from_spreadsheets() -> None:
    assert parse_date(20260305) == date(2026, 3, 5)  # typed as a number
    with pytest.raises(ValueError):
        parse_date(2026)  # a year alone is not a date (it is not Excel day 2026 = 1905)
