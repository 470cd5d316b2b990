"""Citizen ID numbers (GB 11643-1999), mobile numbers, and how both are masked."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from huiquan_desk.domain.dates import EARLIEST_BIRTH_YEAR, out_of_range
from huiquan_desk.domain.text import clean, halfwidth

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# ASCII only: `\d` alone also matches Arabic-Indic, Devanagari … digits, which int() accepts, so such a
# number would pass the check and be stored in a second spelling, slipping past the uniqueness rule.
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^([(]?)(0[0-9]{2,3})([)]?)([\s\-]*)([0-9]{7,8})$")
# Spaces, dashes and the invisible characters that come along when a number is copied from a chat.
_ID_NOISE = re.compile(r"[\s\-\u200b-\u200d\u2060\ufeff]")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class Sex:
    MALE = "男"
    FEMALE = "女"


@dataclass(frozen=True)
class IdNumber:
    number: str  # normalized: 18 characters, upper-case X
    birth_date: date
    sex: str  # 男 / 女

    @property
    def masked(self) -> str:
        return mask_id(self.number)


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize_id(text: object) -> str:
    """Full-width digits, a lowercase x, spaces and dashes are accepted on input.

    Idempotent: only ASCII letters are upper-cased (str.upper() can decompose a character, and
    removing a space can bring a combining mark next to a letter), and NFC is applied last.
    """
    value = halfwidth(clean(text)).translate(_ASCII_UPPER)
    return unicodedata.normalize("NFC", _ID_NOISE.sub("", value))


def parse_id(text: object, today: date | None = None) -> IdNumber:
    """Validate a 18-character citizen ID number. Raises ValueError with a Chinese reason."""
    number = normalize_id(text)
    if not number:
        raise ValueError("不能为空")
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise ValueError("这是旧的 15 位号码，请填写 18 位身份证号")
    if len(number) != 18:
        raise ValueError(f"应为 18 位，现在是 {len(number)} 位")
    if not _ID_SHAPE.match(number):
        raise ValueError("前 17 位应为数字，最后一位为数字或 X")
    if number[0] == "0":
        raise ValueError("前 6 位地址码不正确")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(f"出生日期 {number[6:14]} 不存在") from None
    if birth > (today or date.today()) or out_of_range(birth, EARLIEST_BIRTH_YEAR):
        raise ValueError(f"出生日期 {number[6:14]} 不合理")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValueError("校验位不对，请核对号码（可能有数字抄错）")
    sex = Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE
    return IdNumber(number, birth, sex)


def normalize_phone(text: object) -> str:
    """Mobile: 11 digits (spaces, dashes, full-width digits and +86 accepted). Landline: 区号-号码.

    Raises ValueError with a Chinese reason; returns '' for a blank.
    """
    value = halfwidth(clean(text))
    if not value:
        return ""
    compact = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", value).replace("（", "(").replace("）", ")").strip()
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    digits = re.sub(r"[\s()\-]", "", compact)
    if _MOBILE.match(digits):
        return digits
    # A space or brackets between 区号 and 号码 count as the dash; stored as 0591-12345678.
    landline = _LANDLINE.match(compact)
    if landline:
        opening, area, closing, separator, number = landline.groups()
        return f"{area}-{number}" if (opening or closing or separator) else f"{area}{number}"
    if digits.isascii() and digits.isdigit() and len(digits) == 11:
        raise ValueError("手机号应以 13-19 开头")
    raise ValueError("应为 11 位手机号（如 13812345678）或带区号的固定电话（如 0591-12345678）")


def mask_id(number: str) -> str:
    """Keep the first 6 and the last 4: 110105********002X."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """Keep the first 3 and the last 4 of a mobile: 138****5678."""
    digits = phone.replace("-", "")
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
