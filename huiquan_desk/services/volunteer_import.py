"""Import a volunteer roster (志愿者花名册, .xlsx) that a committee already keeps, and write its template.

Volunteers are keyed by ID number, never by name: two people called 王伟 with different ID
numbers are two volunteers; an ID number already in the registry, or twice in the file, is a
problem to resolve, never a silent merge. The whole file is validated first (each row through
services.volunteers.check_volunteer, plus what only the whole file shows: duplicates inside
it, team names); any problem raises one ValidationError listing every problem of every row,
and nothing is written. A valid file is inserted with one Core executemany. Nothing is
committed here: the caller owns the transaction, so a preview is the same call inside
`Workspace.preview()`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import volunteer as rules
from huiquan_desk.domain.dates import EARLIEST_BIRTH_YEAR, EARLIEST_YEAR, parse_date
from huiquan_desk.domain.errors import Problem, Progress, ValidationError
from huiquan_desk.domain.identity import Sex, normalize_id
from huiquan_desk.domain.text import clean, halfwidth
from huiquan_desk.paths import bundled
from huiquan_desk.services.excel_import import (
    DATE_FORMAT,
    TEXT_FORMAT,
    HeaderSpec,
    ImportReport,
    ListSheet,
    TemplateColumn,
    add_choice,
    cell_text,
    no_spaces,
    open_sheet,
    save_workbook,
    template_workbook,
)
from huiquan_desk.services.volunteers import (
    VolunteerDraft,
    check_volunteer,
    list_teams,
    next_volunteer_number,
)
from huiquan_desk.storage import audit
from huiquan_desk.storage.models import Team, Volunteer

L = rules.FIELD_LABELS

# Every header the import understands, per field (keys and first names: domain.volunteer.FIELD_LABELS,
# so a problem names the column the template wrote). Earlier names win when a file has several
# columns for one field. Order = the template's column order.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (L["name"], "志愿者姓名"),
    "gender": (L["gender"],),
    "id_number": (L["id_number"], "身份证号码", "公民身份号码", "身份证件号码", "证件号码", "身份证"),
    "phone": (L["phone"], "手机号", "手机号码", "联系电话", "电话", "手机"),
    "team": (L["team"], "队伍", "服务队", "所在队伍"),
    "skills": (L["skills"], "技能", "特长"),
    "service_types": (L["service_types"], "服务意向", "服务类型"),
    "political_status": (L["political_status"],),
    "area": (L["area"], "居住区域", "住址", "楼栋", "小区"),
    "birth_date": (L["birth_date"],),
    "registered_on": (L["registered_on"], "登记日期", "加入日期", "注册时间"),
    "number": (L["number"], "编号"),
    "remarks": (L["remarks"],),
}
REQUIRED_FIELDS = ("name", "id_number")
TEMPLATE_SHEET = "志愿者"
OPTIONS_SHEET = "选项"

_COLUMN_ORDER = {L[key]: index for index, key in enumerate(HEADER_SYNONYMS)}  # a row's problems, left to right
_GENDERS = {"男": Sex.MALE, "男性": Sex.MALE, "女": Sex.FEMALE, "女性": Sex.FEMALE}
_EXACT_DIGITS = 15  # a number cell keeps no more significant digits than this in Excel




# ---------------------------------------------------------------- cells


def _id_text(value: object) -> str:
    """The ID number cell as text. Excel keeps only 15 digits of a number: the rest is lost."""
    if isinstance(value, float) and abs(value) >= 10 ** _EXACT_DIGITS:
        raise ValueError("Excel 把这个身份证号存成了数字，最后几位已丢失（变成了 0）。"
                         "请把这一列设置为「文本」格式，再重新填写号码")
    return cell_text(value)


def _key(text: str) -> str:
    """How names are compared: full-width letters and every space ignored."""
    return no_spaces(halfwidth(clean(text)))


class _Teams:
    """Team cell text -> id, from the teams that exist; a team is never created by an import."""

    def __init__(self, session: Session):
        teams = list_teams(session)
        self.names = [t.name for t in teams]
        self.ids = {_key(t.name): t.id for t in teams}
        self.refused: dict[str, str] = {}  # text -> why, built once per distinct text (not per row)
        # Held so that check_volunteer's session.get(Team, …) finds them in the identity map
        # (it holds objects weakly) instead of querying once per row.
        self._loaded = list(session.scalars(select(Team)))

    def resolve(self, text: str) -> int | str:
        """The team id, or why the text cannot be used."""
        found = self.ids.get(_key(text))
        if found is not None:
            return found
        if text not in self.refused:
            self.refused[text] = self._why(text)
        return self.refused[text]

    def _why(self, text: str) -> str:
        if not self.names:
            return f"还没有任何队伍，找不到「{text}」。请先在「队伍」中添加，或把这一格留空"
        return f"没有名为「{text}」的队伍。现有队伍：{'、'.join(self.names)}。请改成其中之一，或先在「队伍」中添加"


# ---------------------------------------------------------------- rows


@dataclass
class _RowReader:
    session: Session
    teams: _Teams
    problems: list[Problem] = field(default_factory=list)
    drafts: list[VolunteerDraft] = field(default_factory=list)  # normalized, ready to insert
    id_rows: dict[str, int] = field(default_factory=dict)  # ID number -> first row holding it
    number_rows: dict[str, int] = field(default_factory=dict)  # 志愿者编号 -> first row holding it

    def read(self, number: int, cells: dict[str, object]) -> None:
        """Validate one row: its draft goes to self.drafts, or its problems to self.problems."""
        problems: list[Problem] = []

        def bad(key: str, message: str) -> None:
            problems.append(Problem(L[key], message, number))

        draft = VolunteerDraft(
            name=cell_text(cells.get("name")), phone=cell_text(cells.get("phone")),
            area=cell_text(cells.get("area")), skills=cell_text(cells.get("skills")),
            service_types=cell_text(cells.get("service_types")),
            political_status=_key(cell_text(cells.get("political_status"))),
            number=cell_text(cells.get("number")), remarks=cell_text(cells.get("remarks")),
        )
        try:
            draft.id_number = _id_text(cells.get("id_number"))
        except ValueError as err:
            bad("id_number", str(err))
        gender = _key(cell_text(cells.get("gender")))
        if gender in _GENDERS:
            draft.gender = _GENDERS[gender]
        elif gender:
            bad("gender", f"「{gender}」无法识别，应填 男 或 女（也可留空，按身份证号自动填写）")
        for key, earliest in (("birth_date", EARLIEST_BIRTH_YEAR), ("registered_on", EARLIEST_YEAR)):
            try:
                setattr(draft, key, parse_date(cells.get(key), earliest))
            except ValueError as err:
                bad(key, str(err))
        team = cell_text(cells.get("team"))
        if team:
            found = self.teams.resolve(team)
            if isinstance(found, int):
                draft.team_id = found
            else:
                bad("team", found)

        checked = check_volunteer(self.session, draft, row=number)
        reported = {p.field for p in problems}
        problems += [p for p in checked.problems if p.field not in reported]
        self._within_file(number, checked.draft, problems)
        if problems:
            self.problems += sorted(problems, key=lambda p: _COLUMN_ORDER.get(p.field, len(_COLUMN_ORDER)))
        else:
            self.drafts.append(checked.draft)

    def _within_file(self, number: int, draft: VolunteerDraft, problems: list[Problem]) -> None:
        """The same ID number or 志愿者编号 on two rows of the file: name both rows."""
        id_number = normalize_id(draft.id_number)
        if id_number:
            first = self.id_rows.setdefault(id_number, number)
            if first != number:
                problems.append(Problem(L["id_number"], f"与第 {first} 行身份证号重复，同一人只能登记一次", number))
        if draft.number:
            first = self.number_rows.setdefault(draft.number, number)
            if first != number:
                problems.append(Problem(L["number"], f"与第 {first} 行志愿者编号重复", number))


def _assign_numbers(session: Session, drafts: list[VolunteerDraft]) -> None:
    """Blank 志愿者编号 get the registry's next numbers, counting on within the batch.

    The first number of a year comes from next_volunteer_number ("ZY20260001"); the following
    ones count on from it, skipping every number already taken in the file or the registry.
    """
    taken = {d.number for d in drafts if d.number}
    following: dict[int, tuple[str, int, int]] = {}  # registration year -> (prefix, next sequence, width)
    for d in drafts:
        if d.number:
            continue
        year = d.registered_on.year  # type: ignore[union-attr]  # check_volunteer fills it
        if year not in following:
            head, found, tail = next_volunteer_number(session, year).partition(str(year))
            prefix = head + found
            taken |= set(session.scalars(select(Volunteer.number).where(Volunteer.number.startswith(prefix))))
            following[year] = (prefix, int(tail), len(tail))
        prefix, seq, width = following[year]
        while f"{prefix}{seq:0{width}d}" in taken:
            seq += 1
        d.number = f"{prefix}{seq:0{width}d}"
        taken.add(d.number)
        following[year] = (prefix, seq + 1, width)


def _insert_values(d: VolunteerDraft, now: datetime) -> dict[str, object]:
    return {
        "number": d.number, "name": d.name, "gender": d.gender, "birth_date": d.birth_date,
        "id_number": d.id_number, "area": d.area, "phone": d.phone, "skills": d.skills,
        "service_types": d.service_types, "political_status": d.political_status,
        "registered_on": d.registered_on, "team_id": d.team_id, "remarks": d.remarks,
        "created_at": now, "updated_at": now,
    }


# ---------------------------------------------------------------- import


def import_volunteers(session: Session, path: str | Path, progress: Progress | None = None) -> ImportReport:
    """Import every volunteer of the first sheet of `path`, or raise ValidationError and write nothing.

    `progress(done, total)` is called every 500 rows and may raise Cancelled. Never commits.
    """
    with open_sheet(path, SPEC) as sheet:
        reader = _RowReader(session, _Teams(session))
        for number, cells in sheet.records(progress):
            reader.read(number, cells)
        if reader.problems:
            raise ValidationError(reader.problems)
        sheet.require_records()
    _assign_numbers(session, reader.drafts)
    now = datetime.now().replace(microsecond=0)
    rows = [_insert_values(d, now) for d in reader.drafts]
    if rows:  # never empty here, but an empty executemany would insert one blank row
        session.execute(insert(cast(Table, Volunteer.__table__)), rows)
        # One entry in the audit trail for the whole file (a Core insert is not seen by the ORM hook).
        audit.record(session, "import", "volunteers", f"导入 {len(rows)} 名志愿者（{Path(path).name}）",
                     details={"文件": str(path), "条数": len(rows)})
    if progress is not None:
        progress(sheet.total, sheet.total)
    return ImportReport(rows_read=len(rows), created=len(rows), header_row=sheet.header.row,
                        examples_skipped=sheet.examples,
                                 columns=sheet.header.texts)


# ---------------------------------------------------------------- template

TEMPLATE_WIDTHS = {
    "name": 10, "gender": 6, "id_number": 22, "phone": 15, "team": 18, "skills": 16, "service_types": 18,
    "political_status": 12, "area": 22, "birth_date": 12, "registered_on": 12, "number": 14, "remarks": 26,
}
TEMPLATE_EXAMPLE: dict[str, object] = {
    "name": "王芳",
    "gender": Sex.FEMALE,
    "id_number": "11010519491231002X",  # a valid number (GB 11643 check character)
    "phone": "13812345678",
    "team": "巾帼志愿服务队",
    "skills": "医疗护理",
    "service_types": "敬老助残、健康义诊",
    "political_status": "中共党员",
    "area": "惠泉小区 3 号楼 2 单元",
    "birth_date": date(1949, 12, 31),
    "registered_on": date(2026, 3, 5),
    "number": None,
    "remarks": "志愿者编号留空时自动生成",
}
_FORMATS = {"id_number": TEXT_FORMAT, "phone": TEXT_FORMAT, "number": TEXT_FORMAT,
            "birth_date": DATE_FORMAT, "registered_on": DATE_FORMAT}


# A row repeating the template's example is skipped (templates of earlier versions had it as row 2).
SPEC = HeaderSpec(HEADER_SYNONYMS, REQUIRED_FIELDS, "志愿者记录",
                  {key: TEMPLATE_EXAMPLE[key] for key in ("name", "id_number", "phone")})
TEMPLATE_HINTS = {
    "id_number": "18 位居民身份证号，按文本填写（最后一位可以是 X）", "phone": "11 位手机号",
    "gender": "男 / 女；可不填（按身份证号）", "birth_date": "可不填（按身份证号）", "team": "见「选项」表",
    "political_status": "见「选项」表", "registered_on": "如 2026-03-05；不填为导入当天",
    "number": "可不填：自动生成 ZY+年份+序号",
}


def default_team_names() -> list[str]:
    """The teams a new data folder starts with (db/seed/teams.json)."""
    seed = json.loads((bundled("db") / "seed" / "teams.json").read_text(encoding="utf-8"))
    return [team["name"] for team in seed["teams"]]


def save_volunteer_template(path: str | Path) -> Path:
    """Write an import template: the canonical headers, a 填写说明 sheet (how to fill each column,
    with an example that is never imported), a sheet of teams and options."""
    keys = list(HEADER_SYNONYMS)
    columns = [TemplateColumn(SPEC.label(key), TEMPLATE_WIDTHS.get(key, 12), TEMPLATE_EXAMPLE.get(key),
                              _FORMATS.get(key), wrap=key == "remarks", required=key in REQUIRED_FIELDS,
                              hint=TEMPLATE_HINTS.get(key, ""))
               for key in keys]
    options = ListSheet(OPTIONS_SHEET, [L["team"], L["political_status"], L["gender"]],
                        [default_team_names(), list(rules.POLITICAL_STATUSES), [Sex.MALE, Sex.FEMALE]],
                        widths=[24, 14, 8])
    workbook = template_workbook(TEMPLATE_SHEET, columns, [options])
    sheet = workbook[TEMPLATE_SHEET]
    add_choice(sheet, keys.index("team") + 1, options.range(0), title=L["team"], warning=True,
               error="不在默认队伍中；如是新增的队伍，请确认软件中已添加。")
    add_choice(sheet, keys.index("political_status") + 1, list(rules.POLITICAL_STATUSES), title=L["political_status"],
               error=f"只能填 {'、'.join(rules.POLITICAL_STATUSES)}，或留空。")
    add_choice(sheet, keys.index("gender") + 1, [Sex.MALE, Sex.FEMALE], title=L["gender"],
               error="只能填 男 或 女，或留空（按身份证号自动填写）。")
    return save_workbook(workbook, path)
