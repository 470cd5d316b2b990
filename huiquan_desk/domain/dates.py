"""Dates as committees write them, and as official documents print them.

The range a date may take is kept here, once: the committee's own records (activities, service
records, trainings, commendations, evaluations, certificates, registration) fall in
EARLIEST_YEAR–LATEST_YEAR; a date outside it (0001-01-01, 9999-12-31, a year typed with a
digit missing) is a typing error, refused with the field's name. Birth dates reach further back:
volunteers born before 1949 serve to this day, so they start at EARLIEST_BIRTH_YEAR (the
earliest a citizen ID number may give, GB 11643-1999; see identity.parse_id).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from huiquan_desk.domain.text import clean, halfwidth

_DATE_RE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时点]\s*(?:(\d{1,2})\s*分?)?\s*(?:[:：]?\s*(\d{1,2})\s*秒)?"
    r"(?::(\d{1,2}))?)?\s*$"
)
_COMPACT_RE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_EXCEL_EPOCH = datetime(1899, 12, 30)

EARLIEST_YEAR = 1949  # a record's date: activities, services, trainings, certificates …
LATEST_YEAR = 2100
EARLIEST_BIRTH_YEAR = 1880  # a person's birth date


def out_of_range(value: date | datetime | None, earliest: int = EARLIEST_YEAR) -> str | None:
    """Why a date is out of range (Chinese, for a Problem naming the field), or None."""
    if value is None or earliest <= value.year <= LATEST_YEAR:
        return None
    return f"日期应在 {earliest} 年到 {LATEST_YEAR} 年之间"


def parse_datetime(value: object, earliest: int = EARLIEST_YEAR) -> datetime | None:
    """Parse what a person or a spreadsheet calls a date, with or without a time.

    Accepts datetime/date objects, Excel serial numbers, 2026-03-05, 2026/3/5, 2026.3.5,
    2026年3月5日, 20260305, any of them with "08:30" or "8时30分", full-width digits too.
    Returns None for a blank; raises ValueError with a Chinese message otherwise, also for a
    date outside `earliest`–LATEST_YEAR.
    """
    parsed = _parse_datetime(value)
    if parsed is not None and (why := out_of_range(parsed, earliest)):
        raise ValueError(f"{why}（现在是 {parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}）")
    return parsed


def _parse_datetime(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, int) and 19000101 <= value <= 21001231:
            return _parse_datetime(str(value))  # 20260305 typed as a number
        if 3654 <= value < 73051:  # Excel serial numbers for 1910-01-01 … 2099-12-31
            return (_EXCEL_EPOCH + timedelta(days=float(value))).replace(microsecond=0)
        raise ValueError(f"无法识别的日期数值 {value}，请写成 2026-03-05")
    text = halfwidth(clean(value))
    if not text:
        return None
    match = _DATE_RE.match(text) or _COMPACT_RE.match(text)
    if not match:
        raise ValueError(f"无法识别的日期「{text}」，请写成 2026-03-05 或 2026年3月5日")
    parts = [int(p) if p else 0 for p in match.groups()] + [0, 0, 0, 0]
    year, month, day, hour, minute, second, colon_second = parts[:7]
    second = second or colon_second
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ValueError(f"日期「{text}」不存在") from None


def parse_date(value: object, earliest: int = EARLIEST_YEAR) -> date | None:
    parsed = parse_datetime(value, earliest)
    return parsed.date() if parsed else None


def cn_date(value: date | datetime | None) -> str:
    """2026年3月5日 — the form used in running text."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def catalogue_date(value: date | datetime | None) -> str:
    """20260305 — the 8-digit form catalogues use."""
    return value.strftime("%Y%m%d") if value else ""


def iso_date(value: date | datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def span_text(start: datetime | None, end: datetime | None) -> str:
    """'2026-03-05 09:00–11:30' or across days '2026-03-05 09:00–2026-03-06 17:00'."""
    if start is None:
        return ""
    head = start.strftime("%Y-%m-%d %H:%M")
    if end is None or end == start:
        return head
    if end.date() == start.date():
        return f"{head}–{end.strftime('%H:%M')}"
    return f"{head}–{end.strftime('%Y-%m-%d %H:%M')}"
