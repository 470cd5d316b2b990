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


@dataclass(frozen=True, order=True)
class Group:
    """A numbering series: 门类 + 年度 + 保管期限 (+ 机构). 件号 run from 0001 within one; a box holds one."""

    category: str
    year: int
    retention: str
    org: str = ""

    def __str__(self) -> str:
        """WS·2026-D30 (-BGS): the 档号 without 全宗号 and 件号."""
        return f"{self.category}·{self.year}-{self.retention}" + (f"-{self.org}" if self.org else "")

    @property
    def label(self) -> str:
        """2026年度 定期30年 (文书, 机构 BGS): how a list or a message names the series."""
        org = f"，机构 {self.org}" if self.org else ""
        return f"{self.year}年度 {RETENTION_LABELS.get(self.retention, self.retention)}（{self.category}{org}）"


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
    def group(self) -> Group:
        """What the 件号 count within: 年度 + 保管期限 (+ 机构), for each 门类 (its own 档号 series)."""
        return Group(self.category, self.year, self.retention, self.org)

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


def code_text(fonds: str, category: str, year: int, retention: str, number: int, org: str = "") -> str:
    """An item's 档号 as text: `ArchivalCode`'s form, with ???? where the 全宗号 was never set (an
    item numbered before the profile had one, or a row read from elsewhere), never an error."""
    org_part = f"-{org}" if org else ""
    return f"{fonds or '????'}-{category}·{year}-{retention}{org_part}-{number:04d}"


def number_range(first: int | None, last: int | None) -> str:
    """起止件号 as a box shows them: 0001—0012 (（空盒） without items)."""
    if first is None or last is None:
        return "（空盒）"
    return f"{first:04d}—{last:04d}"


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


def box_key(code: ArchivalCode) -> Group:
    """Items share a box only when this is equal: never mixing 年度, 保管期限 or 机构(问题) (nor 门类:
    photos are kept apart from papers)."""
    return code.group


def spine_width(pages: int) -> int:
    """The spine (mm) suggested for a box of `pages` A4 pages: the narrowest that holds them, the
    widest when none does (the user may split the box)."""
    for width in SPINE_WIDTHS_MM:
        if pages <= width * PAGES_PER_MM:
            return width
    return SPINE_WIDTHS_MM[-1]


# --- what the fields are called (the item form, the catalogue, the audit trail) ---------------------
ITEM_LABELS: dict[str, str] = {
    "fonds": "全宗号", "category": "门类代码", "year": "年度", "retention": "保管期限",
    "retention_by_user": "保管期限由人工确定", "org": "机构(问题)代码", "number": "件号", "sort_order": "排列顺序",
    "doc_number": "文号", "author": "责任者", "title": "题名", "title_made_up": "自拟题名", "day": "日期",
    "secrecy": "密级", "pages": "页数", "remarks": "备注", "box_id": "所在档案盒", "activity_id": "归档的活动",
    "campaign_id": "归档的评选", "corrects_id": "更正的档案", "keep_until": "鉴定后续存至", "destroyed_on": "销毁日期",
}
BOX_LABELS: dict[str, str] = {
    "category": "门类代码", "year": "年度", "retention": "保管期限", "org": "机构(问题)代码", "number": "盒号",
    "spine_mm": "盒脊厚度(mm)", "notes": "盒内文件情况说明", "arranged_by": "整理人", "arranged_on": "整理日期",
    "checked_by": "检查人", "checked_on": "检查日期",
}
FILE_KINDS: dict[str, str] = {"scan": "扫描件", "photo": "照片", "signin": "签到表", "document": "电子文件"}
SECRECY_LEVELS = ("", "内部", "秘密", "机密")  # 密级: blank for ordinary community documents
# 密级 of a fonds kept by a community: blank (公开) or 内部; the state-secret levels are listed so that
# a document received with one can be catalogued as it is marked.


def expiry_year(year: int, retention: str, keep_until: int | None = None) -> int | None:
    """The last year an item is kept: 年度 + 10 or 30 (kept longer when an appraisal said so);
    None for 永久."""
    years = {"D10": 10, "D30": 30}.get(retention)
    if years is None:
        return None
    return max(year + years, keep_until or 0)


def parse_retention_rules(text: str) -> dict[str, str]:
    """The retention rule table as typed in the settings, one rule a line: 「类别 = 期限」 where 期限 is
    Y / D30 / D10 or 永久 / 30年 / 10年 (「传统节日 = D10」, 「评选表彰 = 永久」). ValueError (Chinese,
    naming the line) for anything else."""
    words = {"永久": "Y", "Y": "Y", "D30": "D30", "30年": "D30", "定期30年": "D30", "30": "D30",
             "D10": "D10", "10年": "D10", "定期10年": "D10", "10": "D10"}
    rules: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, period = [part.strip() for part in [*re.split(r"([=＝:：])", line, maxsplit=1), "", ""]][:3]
        code = words.get(period.upper().replace(" ", ""))
        if not sep or not name or code is None:
            raise ValueError(f"第 {number} 行「{line[:30]}」应写成 类别 = 期限（Y 永久、D30 定期30年、D10 定期10年）")
        rules[name] = code
    return rules


def dump_retention_rules(rules: dict[str, str]) -> str:
    return "\n".join(f"{name} = {code}" for name, code in rules.items())


# The default rule table: what a community keeps how long (《城市社区档案管理办法》 and the usual
# 文书档案保管期限表 of a 居委会: plans, summaries, elections and commendations permanently; the
# records of the work 30 years; routine publicity and notices 10 years). Keys are category names
# (the nearest rule up the category tree applies), 评选表彰 for campaigns, 其他 for the rest.
DEFAULT_RETENTION_RULES: dict[str, str] = {
    "评选表彰": "Y", "文明创建": "D30", "思想道德教育": "D30", "社区秩序": "D30", "民间纠纷调解": "D30",
    "宣传教育": "D10", "社会环境": "D10", "传统节日": "D10", "其他": "D10",
}
CAMPAIGN_RULE = "评选表彰"
OTHER_RULE = "其他"


def proposed_retention(rules: dict[str, str], path: list[str], campaign: bool = False) -> str:
    """The period the rule table proposes for a record of category `path` (root first), the
    nearest rule up the tree; campaigns by the 评选表彰 rule; 其他 (default D10) otherwise."""
    if campaign and CAMPAIGN_RULE in rules:
        return rules[CAMPAIGN_RULE]
    for name in reversed(path):
        if name in rules:
            return rules[name]
    return rules.get(OTHER_RULE, "D10")
