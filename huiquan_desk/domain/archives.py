"""The rules of archive filing (归档文件整理, DA/T 22-2015), as values: the parts of a 档号 and how
it is written, retention periods, category codes, the 8-digit date and the made-up title of the
catalogue, and which items may share a box. Nothing here reads a database or a setting: the
editable lists (category codes, retention rules) live in services.settings and are handed in.

    档号  全宗号-门类代码·年度-保管期限-机构(问题)代码-件号     0194-WS·2026-D30-BGS-0001
          "-" joins levels, "·" joins codes of one level; the 机构 part is left out when none is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# 保管期限: the code printed in the 档号 and on the stamp, and what it means.
RETENTION_LABELS: dict[str, str] = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}
RETENTIONS = tuple(RETENTION_LABELS)
# 门类代码: the default list (an editable setting); 文书 WS is the default for filed records.
DEFAULT_CATEGORY_CODES: dict[str, str] = {"WS": "文书", "ZP": "照片", "LX": "录音录像", "SW": "实物"}
DEFAULT_CATEGORY = "WS"
PHOTO_CATEGORY = "ZP"
MAX_NUMBER = 9999  # 件号 are four digits
# Spine widths of a 档案盒 (mm) and roughly how many A4 pages each holds (about 100 sheets per 10 mm).
SPINE_WIDTHS_MM = (20, 30, 40, 50)
PAGES_PER_MM = 10

_FONDS_RE = re.compile(r"^[0-9A-Z]{4}$")
_CATEGORY_RE = re.compile(r"^[A-Z]{2}$")
_ORG_RE = re.compile(r"^[0-9A-Z]{1,10}$")
_CODE_RE = re.compile(
    r"^(?P<fonds>[0-9A-Z]{4})-(?P<category>[A-Z]{2})·(?P<year>\d{4})-(?P<retention>Y|D30|D10)"
    r"(?:-(?P<org>[0-9A-Z]{1,10}))?-(?P<number>\d{4})$")


def fonds_problem(fonds: str) -> str | None:
    """Why `fonds` is not a 全宗号 (4 digits or capital letters), None if it is one."""
    if not fonds:
        return "必须填写（在「设置 → 社区信息」中填写全宗号，如 0194）"
    if not _FONDS_RE.match(fonds):
        return f"「{fonds[:20]}」应为 4 位数字或大写字母，如 0194"
    return None


def category_problem(code: str, codes: dict[str, str] | None = None) -> str | None:
    """Why `code` is not a 门类代码 of the list, None if it is one."""
    codes = DEFAULT_CATEGORY_CODES if codes is None else codes
    if not _CATEGORY_RE.match(code or ""):
        return f"「{(code or '')[:20]}」应为 2 个大写字母，如 WS（文书）"
    if code not in codes:
        return f"「{code}」不在门类代码表中（{'、'.join(f'{k} {v}' for k, v in codes.items())}）"
    return None


def org_problem(org: str) -> str | None:
    """Why `org` is not a 机构(问题)代码 (1–10 capital letters or digits), None if it is one or blank."""
    if org and not _ORG_RE.match(org):
        return f"「{org[:20]}」应为 1 到 10 位大写字母或数字，如 BGS（办公室）"
    return None


@dataclass(frozen=True)
class ArchivalCode:
    """The parts of a 档号. `org` is '' when the fonds does not divide by 机构(问题)."""

    fonds: str
    category: str
    year: int
    retention: str
    number: int
    org: str = ""

    def __post_init__(self) -> None:
        problems = [p for p in (fonds_problem(self.fonds), org_problem(self.org)) if p]
        if not _CATEGORY_RE.match(self.category):
            problems.append(f"门类代码「{self.category[:20]}」应为 2 个大写字母")
        if not 1000 <= self.year <= 9999:
            problems.append(f"年度 {self.year} 应为 4 位年份")
        if self.retention not in RETENTION_LABELS:
            problems.append(f"保管期限「{self.retention[:20]}」应为 {' / '.join(RETENTIONS)}")
        if not 1 <= self.number <= MAX_NUMBER:
            problems.append(f"件号 {self.number} 应在 1 到 {MAX_NUMBER} 之间")
        if problems:
            raise ValueError("；".join(problems))

    @property
    def group(self) -> tuple[int, str, str]:
        """What the 件号 count within: 年度 + 保管期限 (+ 机构)."""
        return (self.year, self.retention, self.org)

    def __str__(self) -> str:
        org = f"-{self.org}" if self.org else ""
        return f"{self.fonds}-{self.category}·{self.year}-{self.retention}{org}-{self.number:04d}"

    @classmethod
    def parse(cls, text: str) -> ArchivalCode:
        """'0194-WS·2026-D30-BGS-0001' → its parts (a '.' or '•' typed for '·' is accepted);
        ValueError (Chinese) for anything else."""
        normalized = (text or "").strip().upper().replace("•", "·").replace("．", "·")
        normalized = re.sub(r"^([0-9A-Z]{4}-[A-Z]{2})\.", r"\1·", normalized)
        match = _CODE_RE.match(normalized)
        if match is None:
            raise ValueError(f"「{(text or '')[:40]}」不是档号，应写成 全宗号-门类代码·年度-保管期限-件号，"
                             "如 0194-WS·2026-D30-0001（可在期限和件号之间加机构代码）")
        return cls(match["fonds"], match["category"], int(match["year"]), match["retention"], int(match["number"]),
                   match["org"] or "")


def catalogue_date(day: date | None) -> str:
    """The 日期 column of 归档文件目录: 8 digits (20260315), blank when unknown."""
    return f"{day:%Y%m%d}" if day else ""


def made_up_title(title: str) -> str:
    """A title the filer made up is shown in [方括号] (one pair, never doubled)."""
    text = title.strip()
    if text.startswith("[") and text.endswith("]"):
        return text
    return f"[{text}]"


def next_number(used: set[int], typed: int | None = None) -> int:
    """The 件号 an item gets within its group: the one typed by hand (refused when taken or out of
    range), else one past the highest used, so a hand-typed number never moves the counter back
    and a gap left by a removed item is never silently filled."""
    if typed is not None:
        if not 1 <= typed <= MAX_NUMBER:
            raise ValueError(f"件号 {typed} 应在 1 到 {MAX_NUMBER} 之间")
        if typed in used:
            raise ValueError(f"件号 {typed:04d} 已被使用")
        return typed
    number = max(used, default=0) + 1
    if number > MAX_NUMBER:
        raise ValueError(f"件号已到 {MAX_NUMBER}，本年度本期限不能再编号")
    return number


def box_key(code: ArchivalCode) -> tuple[int, str, str]:
    """Items share a box only when this is equal: never mixing 年度, 保管期限 or 机构(问题)."""
    return code.group


def spine_width(pages: int) -> int:
    """The spine (mm) suggested for a box of `pages` A4 pages: the narrowest that holds them, the
    widest when none does (the user may split the box)."""
    for width in SPINE_WIDTHS_MM:
        if pages <= width * PAGES_PER_MM:
            return width
    return SPINE_WIDTHS_MM[-1]
