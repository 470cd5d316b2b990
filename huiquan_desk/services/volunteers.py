"""Volunteer registry: teams, volunteers (one per ID number), trainings, commendations, evaluations."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import volunteer as rules
from huiquan_desk.domain.dates import EARLIEST_BIRTH_YEAR, EARLIEST_YEAR, out_of_range
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.identity import age_on, mask_id, mask_phone, normalize_id, normalize_phone, parse_id
from huiquan_desk.domain.text import clean, text_problem, text_problems, unsavable_at
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.accounts import require_admin
from huiquan_desk.services.settings import STAR_THRESHOLDS, get_setting, set_setting
from huiquan_desk.storage.models import (
    Certificate,
    Commendation,
    Evaluation,
    ServiceRecord,
    Team,
    Training,
    Volunteer,
)

L = rules.FIELD_LABELS


class DuplicateVolunteerError(ValidationError):
    """The ID number is already registered: the UI offers to open that volunteer instead."""

    def __init__(self, existing_id: int, name: str, number: str, row: int | None = None,
                 others: list[Problem] | None = None):
        self.existing_id = existing_id
        duplicate = Problem(L["id_number"], f"已登记为志愿者「{name}」（编号 {number}），同一身份证号只能登记一次", row)
        super().__init__([duplicate, *(others or [])])


# --- teams ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    description: str
    members: int


def list_teams(session: Session) -> list[TeamRow]:
    members = (select(Volunteer.team_id, func.count().label("n")).group_by(Volunteer.team_id).subquery())
    rows = session.execute(
        select(Team.id, Team.name, Team.description, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.team_id == Team.id).order_by(Team.sort_order, Team.id))
    return [TeamRow(*row) for row in rows]


def _team_values(session: Session, name: str, description: str | None,
                 exclude: int | None = None) -> tuple[str, str | None]:
    """The cleaned name and description, or a ValidationError naming each field."""
    labels, limits = rules.TEAM_LABELS, rules.TEAM_LIMITS
    name = clean(name)
    description = None if description is None else clean(description)
    problems = [] if name else [Problem(labels["name"], "必须填写")]
    problems += text_problems([(labels["name"], name, limits["name"]),
                               (labels["description"], description or "", limits["description"])])
    if not problems:
        query = select(Team.id).where(Team.name == name)
        if exclude is not None:
            query = query.where(Team.id != exclude)
        if session.scalar(query) is not None:
            problems.append(Problem(labels["name"], f"已有「{name}」"))
    if problems:
        raise ValidationError(problems)
    return name, description


def add_team(session: Session, name: str, description: str = "") -> int:
    require_admin(session, "修改志愿服务队伍")
    name, checked = _team_values(session, name, description)
    description = checked or ""
    order = session.scalar(select(func.max(Team.sort_order))) or 0
    team = Team(name=name, description=description, sort_order=order + 1)
    session.add(team)
    session.flush()
    return team.id


def rename_team(session: Session, team_id: int, name: str, description: str | None = None) -> None:
    require_admin(session, "修改志愿服务队伍")
    team = session.get(Team, team_id)
    if team is None:
        raise NotFoundError("队伍不存在，可能已被删除。")
    team.name, description = _team_values(session, name, description, exclude=team_id)
    if description is not None:
        team.description = description
    session.flush()


def delete_team(session: Session, team_id: int) -> None:
    require_admin(session, "修改志愿服务队伍")
    team = session.get(Team, team_id)
    if team is None:
        raise NotFoundError("队伍不存在，可能已被删除。")
    members = session.scalar(select(func.count()).select_from(Volunteer).where(Volunteer.team_id == team_id))
    if members:
        raise ValidationError.single("队伍", f"「{team.name}」还有 {members} 名志愿者，请先把他们调到其他队伍")
    session.delete(team)
    session.flush()


def team_member_ids(session: Session, team_id: int) -> list[int]:
    return list(session.scalars(select(Volunteer.id).where(Volunteer.team_id == team_id).order_by(Volunteer.name)))


# --- star levels ----------------------------------------------------------------------------------
def star_thresholds(session: Session) -> tuple[int, ...]:
    text = get_setting(session, STAR_THRESHOLDS)
    if not text:
        return rules.DEFAULT_STAR_THRESHOLDS
    try:
        return rules.parse_thresholds(text)
    except ValueError:
        return rules.DEFAULT_STAR_THRESHOLDS


def set_star_thresholds(session: Session, text: str) -> tuple[int, ...]:
    require_admin(session, "修改星级时长标准")
    try:
        values = rules.parse_thresholds(text)
    except ValueError as err:
        raise ValidationError.single("星级时长", str(err)) from None
    set_setting(session, STAR_THRESHOLDS, "/".join(map(str, values)))
    return values


# --- volunteers -----------------------------------------------------------------------------------
@dataclass
class VolunteerDraft:
    """What the form or an import row gives. Gender and birth date, when given, must match the ID."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    gender: str = ""
    birth_date: date | None = None
    area: str = ""
    skills: str = ""
    service_types: str = ""
    political_status: str = ""
    registered_on: date | None = None
    team_id: int | None = None
    number: str = ""  # 志愿者编号; blank = assign the next one
    remarks: str = ""


@dataclass(frozen=True)
class VolunteerRow:
    """A volunteer as lists and ledgers show them: ID and phone masked, never in full."""

    id: int
    number: str
    name: str
    gender: str
    age: int  # not the birth date: the masked ID hides exactly the birth date
    id_masked: str
    phone_masked: str
    area: str
    skills: str
    service_types: str
    political_status: str
    registered_on: date
    team_id: int | None
    team: str
    minutes: int
    star: int

    @property
    def star_label(self) -> str:
        return rules.STAR_LABELS[self.star]


@dataclass(frozen=True)
class TrainingInfo:
    id: int
    name: str
    content: str
    minutes: int
    organizer: str
    held_on: date


@dataclass(frozen=True)
class CommendationInfo:
    id: int
    name: str
    awarded_on: date
    grantor: str


@dataclass(frozen=True)
class EvaluationInfo:
    id: int
    quality: str
    evaluated_on: date
    evaluator: str
    remarks: str


@dataclass(frozen=True)
class VolunteerDetail:
    """The volunteer's own form: the only place the full ID and phone are shown."""

    id: int
    draft: VolunteerDraft
    row: VolunteerRow
    trainings: list[TrainingInfo] = field(default_factory=list)
    commendations: list[CommendationInfo] = field(default_factory=list)
    evaluations: list[EvaluationInfo] = field(default_factory=list)


def find_by_id_number(session: Session, text: str) -> int | None:
    number = normalize_id(text)
    if not number or unsavable_at(number) is not None:  # no such number is stored, and SQLite cannot take it
        return None
    return session.scalar(select(Volunteer.id).where(Volunteer.id_number == number))


def find_by_number(session: Session, text: str) -> int | None:
    """By 志愿者编号."""
    number = clean(text)
    if not number or unsavable_at(number) is not None:
        return None
    return session.scalar(select(Volunteer.id).where(Volunteer.number == number))


def next_volunteer_number(session: Session, year: int) -> str:
    """ZY{year}0001, 0002 … after the highest automatic number of that year.

    GLOB, not LIKE: LIKE's `_` also matches letters (a hand-typed ZY2026ABCD would sort last and
    restart the count at 0001, a number already taken) and LIKE ignores case.
    """
    prefix = f"ZY{year}"
    taken = set(session.scalars(select(Volunteer.number).where(Volunteer.number.op("GLOB")(f"{prefix}[0-9]*"))))
    seqs = [int(n[len(prefix):]) for n in taken if n[len(prefix):].isascii() and n[len(prefix):].isdigit()]
    seq = max((q for q in seqs if q <= 9999), default=0) + 1
    while f"{prefix}{seq:04d}" in taken:
        seq += 1
    return f"{prefix}{seq:04d}"


@dataclass
class VolunteerCheck:
    draft: VolunteerDraft  # normalized
    problems: list[Problem]
    duplicate_of: tuple[int, str, str] | None = None  # (id, name, number) already holding the ID number


def check_volunteer(session: Session, draft: VolunteerDraft, exclude_id: int | None = None,
                    row: int | None = None, today: date | None = None) -> VolunteerCheck:
    """Normalize and validate; every problem, each naming its field (and row, for imports)."""
    problems: list[Problem] = []
    duplicate = None

    def bad(key: str, message: str) -> None:
        problems.append(Problem(L[key], message, row))

    texts: dict[str, Any] = {f.name: clean(getattr(draft, f.name)) for f in fields(draft)
                             if isinstance(getattr(draft, f.name), str)}
    d = replace(draft, **texts)
    if not d.name:
        bad("name", "必须填写")
    elif why := text_problem(d.name, rules.FIELD_LIMITS["name"]):
        bad("name", why)
    out_of_range_dates = set()
    for key, earliest in (("birth_date", EARLIEST_BIRTH_YEAR), ("registered_on", EARLIEST_YEAR)):
        value = getattr(d, key)
        if isinstance(value, datetime):  # a spreadsheet cell gives a datetime, never equal to a date
            setattr(d, key, value.date())
        if why := out_of_range(value, earliest):
            bad(key, why)
            out_of_range_dates.add(key)
    parsed = None
    try:
        parsed = parse_id(d.id_number, today)
        d.id_number = parsed.number
    except ValueError as err:
        bad("id_number", str(err))
    if parsed is not None:
        d.gender = {"男性": "男", "女性": "女", "M": "男", "F": "女", "m": "男", "f": "女"}.get(d.gender, d.gender)
        if d.gender and d.gender != parsed.sex:
            bad("gender", f"与身份证号不符（号码显示为{parsed.sex}）")
        if d.birth_date and "birth_date" not in out_of_range_dates and d.birth_date != parsed.birth_date:
            bad("birth_date", f"与身份证号不符（号码显示为 {parsed.birth_date:%Y-%m-%d}）")
        d.gender, d.birth_date = parsed.sex, parsed.birth_date
    try:
        d.phone = normalize_phone(d.phone)
    except ValueError as err:
        bad("phone", str(err))
    if d.political_status and d.political_status not in rules.POLITICAL_STATUSES:
        bad("political_status", f"应为 {'、'.join(rules.POLITICAL_STATUSES)} 之一")
    d.registered_on = d.registered_on or (today or date.today())
    if d.team_id is not None and session.get(Team, d.team_id) is None:
        bad("team", "所选队伍已不存在")
    refused = set()
    for key in ("area", "skills", "service_types", "number", "remarks"):
        if why := text_problem(getattr(d, key), rules.FIELD_LIMITS[key]):
            bad(key, why)
            refused.add(key)
    if d.number and "number" not in refused:  # a refused text never reaches the database, not even a query
        same_number = select(Volunteer.name).where(Volunteer.number == d.number)
        if exclude_id is not None:
            same_number = same_number.where(Volunteer.id != exclude_id)
        other = session.scalar(same_number)
        if other:
            bad("number", f"编号 {d.number} 已属于「{other}」")
    if parsed is not None:
        query = select(Volunteer.id, Volunteer.name, Volunteer.number).where(Volunteer.id_number == parsed.number)
        if exclude_id is not None:
            query = query.where(Volunteer.id != exclude_id)
        existing = session.execute(query).first()
        if existing:
            duplicate = (existing[0], existing[1], existing[2])
            problems.append(DuplicateVolunteerError(*duplicate, row=row).problems[0])
    return VolunteerCheck(d, problems, duplicate)


def _checked(session: Session, draft: VolunteerDraft, exclude_id: int | None) -> VolunteerDraft:
    result = check_volunteer(session, draft, exclude_id)
    if result.duplicate_of:
        # Whatever else is wrong, the UI must learn who already holds the number (to open them).
        duplicate = DuplicateVolunteerError(*result.duplicate_of)
        raise DuplicateVolunteerError(*result.duplicate_of,
                                      others=[p for p in result.problems if p != duplicate.problems[0]])
    if result.problems:
        raise ValidationError(result.problems)
    return result.draft


def _apply(v: Volunteer, d: VolunteerDraft) -> None:
    v.name, v.gender, v.birth_date, v.id_number = d.name, d.gender, d.birth_date, d.id_number  # type: ignore[assignment]
    v.phone, v.area, v.skills, v.service_types = d.phone, d.area, d.skills, d.service_types
    v.political_status, v.registered_on, v.team_id = d.political_status, d.registered_on, d.team_id  # type: ignore[assignment]
    v.remarks = d.remarks


def create_volunteer(session: Session, draft: VolunteerDraft) -> int:
    d = _checked(session, draft, None)
    v = Volunteer(number=d.number or next_volunteer_number(session, d.registered_on.year))  # type: ignore[union-attr]
    _apply(v, d)
    session.add(v)
    session.flush()
    return v.id


def update_volunteer(session: Session, volunteer_id: int, draft: VolunteerDraft) -> None:
    v = _get(session, volunteer_id)
    if draft.registered_on is None:  # blank keeps the registration date instead of resetting it to today
        draft = replace(draft, registered_on=v.registered_on)
    d = _checked(session, draft, volunteer_id)
    _apply(v, d)
    if d.number:
        v.number = d.number
    session.flush()


def delete_volunteer(session: Session, volunteer_id: int) -> int:
    """Move a volunteer with their trainings, commendations and evaluations to the recycle bin.

    Refused while service records or certificates name them (the 记录办法 keeps those). Returns the bin id."""
    v = _get(session, volunteer_id)
    services = session.scalar(select(func.count()).select_from(ServiceRecord).where(ServiceRecord.volunteer_id == volunteer_id))
    certificates = session.scalar(select(func.count()).select_from(Certificate).where(Certificate.volunteer_id == volunteer_id))
    if services or certificates:
        raise ValidationError.single(L["name"], f"「{v.name}」已有 {services} 条服务记录、{certificates} 份证明，"
                                     "按记录办法应保留，不能删除")
    children = [row for model in (Training, Commendation, Evaluation)
                for row in session.scalars(select(model).where(model.volunteer_id == volunteer_id).order_by(model.id))]
    return recycle_bin.move_to_bin(session, v, children)


def _get(session: Session, volunteer_id: int) -> Volunteer:
    v = session.get(Volunteer, volunteer_id)
    if v is None:
        raise NotFoundError("这名志愿者已不存在，可能已被删除。")
    return v


def _rows_query(thresholds: tuple[int, ...]) -> Select[Volunteer, str, int]:
    totals = (select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.minutes).label("minutes"))
              .group_by(ServiceRecord.volunteer_id).subquery())
    return (select(Volunteer, func.coalesce(Team.name, ""), func.coalesce(totals.c.minutes, 0))
            .outerjoin(Team, Team.id == Volunteer.team_id)
            .outerjoin(totals, totals.c.volunteer_id == Volunteer.id))


LIST_COLUMNS = (Volunteer.id, Volunteer.number, Volunteer.name, Volunteer.gender, Volunteer.birth_date, Volunteer.id_number,
                Volunteer.phone, Volunteer.area, Volunteer.skills, Volunteer.service_types, Volunteer.political_status,
                Volunteer.registered_on, Volunteer.team_id)


def _row(v: Any, team: str, minutes: int, thresholds: tuple[int, ...], today: date | None = None) -> VolunteerRow:
    """`v`: a Volunteer or a row of LIST_COLUMNS (same names, same order)."""
    (id_, number, name, gender, birth_date, id_number, phone, area, skills, service_types, political_status,
     registered_on, team_id) = (tuple(getattr(v, c.key) for c in LIST_COLUMNS) if isinstance(v, Volunteer) else tuple(v))[:13]
    return VolunteerRow(
        id_, number, name, gender, age_on(birth_date, today or date.today()), mask_id(id_number),
        mask_phone(phone) if phone else "", area, skills, service_types, political_status, registered_on, team_id,
        team, int(minutes), rules.star_level(minutes / 60, thresholds))


def list_volunteers(session: Session, text: str = "", team_id: int | None = None) -> list[VolunteerRow]:
    thresholds = star_thresholds(session)
    totals = (select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.minutes).label("minutes"))
              .group_by(ServiceRecord.volunteer_id).subquery())
    query = (select(*LIST_COLUMNS, func.coalesce(Team.name, "").label("team"),
                    func.coalesce(totals.c.minutes, 0).label("minutes"))
             .outerjoin(Team, Team.id == Volunteer.team_id)
             .outerjoin(totals, totals.c.volunteer_id == Volunteer.id))
    text = clean(text)
    if text:
        pattern = f"%{text}%"
        query = query.where(Volunteer.name.like(pattern) | Volunteer.number.like(pattern) |
                            Volunteer.area.like(pattern) | Volunteer.skills.like(pattern))
    if team_id is not None:
        query = query.where(Volunteer.team_id == team_id)
    rows = session.connection().execute(query.order_by(Volunteer.number)).all()  # plain columns: 5,000 rows stay quick
    today = date.today()
    return [_row(row, row[13], row[14], thresholds, today) for row in rows]


def get_volunteer(session: Session, volunteer_id: int) -> VolunteerDetail:
    thresholds = star_thresholds(session)
    found = session.execute(_rows_query(thresholds).where(Volunteer.id == volunteer_id)).first()
    if found is None:
        raise NotFoundError("这名志愿者已不存在，可能已被删除。")
    v, team, minutes = found
    draft = VolunteerDraft(v.name, v.id_number, v.phone, v.gender, v.birth_date, v.area, v.skills, v.service_types,
                           v.political_status, v.registered_on, v.team_id, v.number, v.remarks)
    trainings = [TrainingInfo(t.id, t.name, t.content, t.minutes, t.organizer, t.held_on) for t in session.scalars(
        select(Training).where(Training.volunteer_id == volunteer_id).order_by(Training.held_on))]
    commendations = [CommendationInfo(c.id, c.name, c.awarded_on, c.grantor) for c in session.scalars(
        select(Commendation).where(Commendation.volunteer_id == volunteer_id).order_by(Commendation.awarded_on))]
    evaluations = [EvaluationInfo(e.id, e.quality, e.evaluated_on, e.evaluator, e.remarks) for e in session.scalars(
        select(Evaluation).where(Evaluation.volunteer_id == volunteer_id).order_by(Evaluation.evaluated_on))]
    return VolunteerDetail(v.id, draft, _row(v, team, minutes, thresholds), trainings, commendations, evaluations)


# --- trainings, commendations, evaluations --------------------------------------------------------
def _record_problems(labels: dict[str, str], limits: dict[str, int], texts: dict[str, str],
                     dates: dict[str, date | None], required: tuple[str, ...]) -> list[Problem]:
    """Every problem of a training / commendation / evaluation (texts already cleaned)."""
    values: dict[str, object] = {**texts, **dates}
    problems = [Problem(labels[key], "必须填写") for key in required if values[key] in (None, "")]
    problems += text_problems((labels[key], value, limits[key]) for key, value in texts.items() if key in limits)
    problems += [Problem(labels[key], why) for key, value in dates.items() if (why := out_of_range(value))]
    return problems


def add_training(session: Session, volunteer_id: int, name: str, held_on: date | None, minutes: int = 0,
                 content: str = "", organizer: str = "") -> int:
    _get(session, volunteer_id)
    labels = rules.TRAINING_LABELS
    texts = {"name": clean(name), "content": clean(content), "organizer": clean(organizer)}
    problems = _record_problems(labels, rules.TRAINING_LIMITS, texts, {"held_on": held_on}, ("name", "held_on"))
    if minutes < 0 or minutes > 1440 * 30:
        problems.append(Problem(labels["minutes"], "应在 0 到 720 小时之间"))
    if problems:
        raise ValidationError(problems)
    row = Training(volunteer_id=volunteer_id, held_on=held_on, minutes=minutes, **texts)
    session.add(row)
    session.flush()
    return row.id


def add_commendation(session: Session, volunteer_id: int, name: str, awarded_on: date | None, grantor: str = "") -> int:
    _get(session, volunteer_id)
    texts = {"name": clean(name), "grantor": clean(grantor)}
    problems = _record_problems(rules.COMMENDATION_LABELS, rules.COMMENDATION_LIMITS, texts,
                                {"awarded_on": awarded_on}, ("name", "awarded_on"))
    if problems:
        raise ValidationError(problems)
    row = Commendation(volunteer_id=volunteer_id, awarded_on=awarded_on, **texts)
    session.add(row)
    session.flush()
    return row.id


def add_evaluation(session: Session, volunteer_id: int, quality: str, evaluated_on: date | None,
                   evaluator: str = "", remarks: str = "") -> int:
    _get(session, volunteer_id)
    labels = rules.EVALUATION_LABELS
    quality = clean(quality)
    texts = {"evaluator": clean(evaluator), "remarks": clean(remarks)}
    problems = [] if quality in rules.QUALITY_GRADES else [
        Problem(labels["quality"], f"应为 {'、'.join(rules.QUALITY_GRADES)} 之一")]
    problems += _record_problems(labels, rules.EVALUATION_LIMITS, texts, {"evaluated_on": evaluated_on},
                                 ("evaluated_on",))
    if problems:
        raise ValidationError(problems)
    row = Evaluation(volunteer_id=volunteer_id, quality=quality, evaluated_on=evaluated_on, **texts)
    session.add(row)
    session.flush()
    return row.id


def delete_record(session: Session, kind: str, record_id: int) -> None:
    """Remove one training / commendation / evaluation entered by mistake."""
    model = {"training": Training, "commendation": Commendation, "evaluation": Evaluation}[kind]
    row = session.get(model, record_id)
    if row is None:
        raise NotFoundError("该记录已不存在。")
    session.delete(row)
    session.flush()
