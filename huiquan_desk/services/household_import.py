"""Import a household register (家庭花名册, .xlsx) for the civic family campaigns, and write its template.

One household per address: every row goes through services.households.check_household (the
form's normalization and messages: 「３号楼」 is building 3), and an address already registered,
or one an earlier row of the file holds, is a problem naming the 户主 already there. The address
comes from 楼栋 / 单元 / 门牌 columns, or from one 住址 column (「3栋2单元501」, 「3-2-501」,
「3号楼2单元501室」) split here. 家庭成员 is one cell, 「李秀英（配偶）、王小明（子）」 or
「李秀英/配偶；王小明/子」. Phone numbers are checked by the form's rule and never quoted.

As with the other imports (services.excel_import): any problem raises one ValidationError listing
every problem of every row, and nothing is written; nothing is committed here, so a preview is
the same call inside `Workspace.preview()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from huiquan_desk.domain import family as rules
from huiquan_desk.domain.errors import Problem, Progress, ValidationError
from huiquan_desk.domain.identity import mask_phone, normalize_phone
from huiquan_desk.domain.text import clean, halfwidth
from huiquan_desk.services.excel_import import (
    TEXT_FORMAT,
    HeaderSpec,
    ImportReport,
    TemplateColumn,
    cell_text,
    count_cell,
    has_content,
    no_spaces,
    open_sheet,
    save_workbook,
    template_workbook,
)
from huiquan_desk.services.households import HouseholdDraft, Member, check_household
from huiquan_desk.storage import audit
from huiquan_desk.storage.models import Household, HouseholdMember

L = rules.HOUSEHOLD_LABELS

# Every header the import understands, per field (first names: domain.family.HOUSEHOLD_LABELS, so a
# problem names the column the template wrote). Order = the template's column order; 住址 is the
# one column a file may have instead of 楼栋, 单元 and 门牌 (not in the template).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "head_name": (L["head_name"], "户主姓名"),
    "building": (L["building"], "楼号", "栋号", "楼栋号"),
    "unit": (L["unit"], "单元号"),
    "room": (L["room"], "门牌号", "房号", "室"),
    "address": (L["address"], "家庭住址"),
    "size": (L["size"], "人口", "家庭人数"),
    "phone": (L["phone"], "电话", "手机", "联系方式"),
    "grid": (L["grid"], "所属网格"),
    "members": (L["members"], "成员"),
    "remarks": (L["remarks"],),
}
REQUIRED_FIELDS = ("head_name", "building", "room")
TEMPLATE_KEYS = [key for key in HEADER_SYNONYMS if key != "address"]
TEMPLATE_SHEET = "家庭"

_COLUMN_ORDER = {L[key]: index for index, key in enumerate(HEADER_SYNONYMS)}  # a row's problems, left to right
_ADDRESS_PARTS = ("building", "unit", "room")

# 「3栋2单元501」「3号楼2单元501室」「3-2-501」「3#501」「A座1203」: each part keeps its suffix, which
# family.address_part (through check_household) drops as the form does. The suffixes are those
# of family.address_part; a part without one needs a dash after it.
_ADDRESS_RE = re.compile(
    r"(?P<building>[0-9A-Z]+(?:号楼|栋|幢|座|楼|#)|[0-9A-Z]+(?=-))-?"
    r"(?:(?P<unit>(?:[0-9A-Z]+|[一二三四五六七八九十]+)单元|[0-9A-Z]+(?=-))-?)?"
    r"(?P<room>[0-9A-Z]+(?:室|号|户)?)")
_DASHES_RE = re.compile(r"[‐‑‒–—―_]")
_MEMBERS_SPLIT_RE = re.compile(r"[、,;\n]+")  # after halfwidth: ，； are , ;
_BRACKETED_RE = re.compile(r"(?P<name>[^()【】\[\]]*?)\s*[(【\[](?P<relation>[^()【】\[\]]*)[)】\]]")
_PAIR_SPLIT_RE = re.compile(r"\s*[/:]\s*")  # 李秀英/配偶, 配偶：李秀英
# Words that tell the relation from the name, whichever comes first (配偶：李秀英) or after a space.
_RELATION_WORDS = frozenset(rules.RELATIONS) | {
    "户主", "本人", "妻", "妻子", "夫", "丈夫", "儿子", "女儿", "长子", "次子", "长女", "次女", "父", "母",
    "孙", "外孙", "外孙女", "祖父", "祖母", "岳父", "岳母", "公公", "婆婆", "兄", "弟", "姐", "妹"}
_HEAD_ITSELF = ("户主", "本人")  # the head listed among the members: not counted twice
_PHONE_LIKE_RE = re.compile(r"\+?\d[\d\s()-]{5,}\d")  # masked in messages when it is a phone number


# ---------------------------------------------------------------- cells


def split_address(text: str) -> tuple[str, str, str]:
    """「3栋2单元501」 -> ('3栋', '2单元', '501'); ValueError (Chinese) when it cannot be split."""
    how = "请写成 3栋2单元501 或 3-2-501（没有单元写 3栋501），或者改用「楼栋」「单元」「门牌」三列"
    compact = _DASHES_RE.sub("-", no_spaces(halfwidth(clean(text))).upper())
    if not compact:
        raise ValueError(f"必须填写。{how}")
    match = _ADDRESS_RE.fullmatch(compact)
    if match is None:
        raise ValueError(f"「{clean(text)}」无法拆分成楼栋、单元、门牌。{how}")
    return match["building"], match["unit"] or "", match["room"]


def parse_members(text: str) -> list[Member]:
    """「李秀英（配偶）、王小明（子）」, 「李秀英/配偶；王小明/子」, 「配偶：李秀英」, 「李秀英 配偶」 or names alone."""
    members = []
    for item in _MEMBERS_SPLIT_RE.split(halfwidth(clean(text))):
        item = item.strip()
        if item:
            members.append(_member(item))
    return members


def _member(item: str) -> Member:
    bracketed = _BRACKETED_RE.fullmatch(item)
    if bracketed:
        return Member(bracketed["name"].strip(), bracketed["relation"].strip())
    parts = _PAIR_SPLIT_RE.split(item, maxsplit=1)
    if len(parts) == 1:
        parts = item.split(maxsplit=1)  # 李秀英 配偶: a space only when a relation word is on one side
        if len(parts) == 2 and not {parts[0], parts[1]} & _RELATION_WORDS:
            return Member(item)
    if len(parts) == 1:
        return Member(item)
    first, second = parts
    if first in _RELATION_WORDS and second not in _RELATION_WORDS:
        first, second = second, first
    return Member(first, second)


def _mask_phones(problem: Problem) -> Problem:
    """A message never quotes a phone number in full, even one typed in another column: 138****5678.
    (The phone rule's own messages quote none; their examples, 如 13812345678, stay as they are.)"""
    def masked(match: re.Match[str]) -> str:
        try:
            phone = normalize_phone(match.group())
        except ValueError:
            return match.group()
        return mask_phone(phone) if phone else match.group()

    return Problem(problem.field, _PHONE_LIKE_RE.sub(masked, problem.message), problem.row)


def _size(value: object) -> int | None:
    """家庭人口: blank -> None (check_household counts the head and the members)."""
    return count_cell(value) if has_content([value]) else None


# ---------------------------------------------------------------- rows


@dataclass
class _RowReader:
    session: Session
    from_address: bool  # the file has one 住址 column instead of 楼栋 / 单元 / 门牌
    problems: list[Problem] = field(default_factory=list)
    drafts: list[HouseholdDraft] = field(default_factory=list)  # normalized, ready to insert
    addresses: dict[tuple[str, str, str], tuple[int, str]] = field(default_factory=dict)  # -> (row, 户主)

    def read(self, number: int, cells: dict[str, object]) -> None:
        """Validate one row: its draft goes to self.drafts, or its problems to self.problems."""
        problems: list[Problem] = []
        draft = HouseholdDraft(
            head_name=cell_text(cells.get("head_name")), phone=cell_text(cells.get("phone")),
            grid=cell_text(cells.get("grid")), remarks=cell_text(cells.get("remarks")),
            members=parse_members(cell_text(cells.get("members"))),
        )
        draft.members = [m for m in draft.members
                         if not (m.relation in _HEAD_ITSELF and m.name == clean(draft.head_name))]
        if self.from_address:
            try:
                draft.building, draft.unit, draft.room = split_address(cell_text(cells.get("address")))
            except ValueError as err:
                problems.append(Problem(L["address"], str(err), number))
        else:
            draft.building, draft.unit, draft.room = (cell_text(cells.get(key)) for key in _ADDRESS_PARTS)
        try:
            draft.size = _size(cells.get("size"))
        except ValueError as err:
            problems.append(Problem(L["size"], str(err), number))

        checked = check_household(self.session, draft, row=number)
        reported = {p.field for p in problems}  # 住址 not split: not again as 楼栋 / 门牌 必须填写
        problems += [p for p in map(self._in_file_terms, checked.problems) if p.field not in reported]
        if checked.duplicate_of is None:
            self._within_file(number, checked.draft, problems)
        if problems:
            self.problems += sorted(problems, key=lambda p: _COLUMN_ORDER.get(p.field, len(_COLUMN_ORDER)))
        else:
            self.drafts.append(checked.draft)

    def _in_file_terms(self, problem: Problem) -> Problem:
        """A problem with a part of the address, named by the 住址 column when that is what the file has."""
        parts = {L[key] for key in _ADDRESS_PARTS}
        if self.from_address and problem.field in parts:
            return Problem(L["address"], f"{problem.field}{problem.message}", problem.row)
        return problem

    def _within_file(self, number: int, draft: HouseholdDraft, problems: list[Problem]) -> None:
        """The same address on two rows of the file: name the earlier row and its 户主."""
        if not (draft.building and draft.room):
            return
        key = (draft.building, draft.unit, draft.room)
        first = self.addresses.setdefault(key, (number, draft.head_name))
        if first[0] != number:
            address = rules.address_text(*key)
            problems.append(Problem(L["address"], f"{address} 与第 {first[0]} 行（户主「{first[1]}」）住址相同，"
                                                  "一个住址只登记一户", number))


def _insert(session: Session, drafts: list[HouseholdDraft]) -> int:
    """Households, then their members, each with one Core executemany; the number of members."""
    now = datetime.now().replace(microsecond=0)
    table = cast(Table, Household.__table__)
    ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), [
        {"head_name": d.head_name, "building": d.building, "unit": d.unit, "room": d.room, "size": d.size,
         "phone": d.phone, "grid": d.grid, "remarks": d.remarks, "created_at": now, "updated_at": now}
        for d in drafts]).scalars().all()
    members = [{"household_id": household_id, "name": m.name, "relation": m.relation, "sort_order": order,
                "created_at": now, "updated_at": now}
               for household_id, d in zip(ids, drafts, strict=True) for order, m in enumerate(d.members, 1)]
    if members:  # an empty executemany would insert one blank row
        session.execute(insert(cast(Table, HouseholdMember.__table__)), members)
    return len(members)


# ---------------------------------------------------------------- import


def import_households(session: Session, path: str | Path, progress: Progress | None = None) -> ImportReport:
    """Import every household of the first sheet of `path`, or raise ValidationError and write nothing.

    `progress(done, total)` is called every 500 rows and may raise Cancelled. Never commits.
    """
    with open_sheet(path, SPEC) as sheet:
        columns = sheet.header.indexes
        reader = _RowReader(session, from_address=not all(key in columns for key in ("building", "room")))
        for number, cells in sheet.records(progress):
            reader.read(number, cells)
        if reader.problems:
            raise ValidationError([p if p.field == L["phone"] else _mask_phones(p) for p in reader.problems])
        sheet.require_records()
    drafts = reader.drafts
    members = _insert(session, drafts)
    # One entry in the audit trail for the whole file (a Core insert is not seen by the ORM hook).
    audit.record(session, "import", "households", f"导入 {len(drafts)} 户家庭（{Path(path).name}）",
                 details={"文件": str(path), "条数": len(drafts), "家庭成员": members})
    if progress is not None:
        progress(sheet.total, sheet.total)
    return ImportReport(rows_read=len(drafts), created=len(drafts), header_row=sheet.header.row,
                        columns=sheet.header.texts, examples_skipped=sheet.examples)


# ---------------------------------------------------------------- template

TEMPLATE_WIDTHS = {"head_name": 10, "building": 8, "unit": 8, "room": 8, "size": 10, "phone": 15, "grid": 12,
                   "members": 30, "remarks": 24}
TEMPLATE_EXAMPLE: dict[str, object] = {
    "head_name": "王建国",
    "building": "3",
    "unit": "2",
    "room": "501",
    "size": 3,
    "phone": "13812345678",
    "grid": "第一网格",
    "members": "李秀英（配偶）、王小明（子）",
    "remarks": "",
}
TEMPLATE_HINTS = {
    "head_name": "户主的姓名",
    "building": "楼栋号，如 3（写 3栋、3号楼 也可以）。也可以不要楼栋、单元、门牌三列，只用一列「住址」，"
                "写 3栋2单元501 或 3-2-501",
    "unit": "单元号；没有单元的楼留空",
    "room": "门牌号，如 501。一个住址只登记一户",
    "size": "数字；不填时按户主加家庭成员计算",
    "phone": "11 位手机号或带区号的固定电话；列表和打印中会遮盖",
    "grid": "所属网格，如 第一网格",
    "members": "户主以外的成员，写 姓名（与户主关系），用顿号隔开；也可写 李秀英/配偶；王小明/子。"
               "不填写身份证号",
    "remarks": "",
}
_FORMATS = {"building": TEXT_FORMAT, "unit": TEXT_FORMAT, "room": TEXT_FORMAT, "phone": TEXT_FORMAT}

# A row repeating the template's example is skipped, never imported as a household.
SPEC = HeaderSpec(HEADER_SYNONYMS, REQUIRED_FIELDS, "家庭记录",
                  {key: TEMPLATE_EXAMPLE[key] for key in ("head_name", "building", "unit", "room", "phone")},
                  instead={"building": "address", "room": "address"})


def save_household_template(path: str | Path) -> Path:
    """Write an import template: the canonical headers and a 填写说明 sheet (how to fill each column,
    with an example that is never imported)."""
    columns = [TemplateColumn(SPEC.label(key), TEMPLATE_WIDTHS.get(key, 12), TEMPLATE_EXAMPLE.get(key) or None,
                              _FORMATS.get(key), wrap=key in ("members", "remarks"),
                              required=key in REQUIRED_FIELDS, hint=TEMPLATE_HINTS.get(key, ""))
               for key in TEMPLATE_KEYS]
    return save_workbook(template_workbook(TEMPLATE_SHEET, columns), path)
