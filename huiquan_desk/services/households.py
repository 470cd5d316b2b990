"""The household register (家庭台账): one household per address (楼栋-单元-门牌), its head (户主),
size, phone (masked in every list and print), grid (网格) and, optionally, its members by name
and relation. No ID numbers: a campaign needs none."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import family as rules
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.identity import mask_phone, normalize_phone
from huiquan_desk.domain.text import clean, text_problem, unsavable_at
from huiquan_desk.services import recycle_bin
from huiquan_desk.storage.models import Campaign, Household, HouseholdMember, Nomination, RecycledItem

L = rules.HOUSEHOLD_LABELS


@dataclass(frozen=True)
class Member:
    name: str
    relation: str = ""


@dataclass
class HouseholdDraft:
    """What the form or an import row gives."""

    head_name: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    size: int | None = None  # blank: the head and the members listed
    phone: str = ""
    grid: str = ""
    remarks: str = ""
    members: list[Member] = field(default_factory=list)


class DuplicateHouseholdError(ValidationError):
    """A household is already registered at that address: the UI offers to open it instead."""

    def __init__(self, existing_id: int, head_name: str, address: str, row: int | None = None,
                 others: Sequence[Problem] = ()):
        self.existing_id = existing_id
        duplicate = Problem(L["address"], f"{address} 已登记为「{head_name}」家，一个住址只登记一户", row)
        super().__init__([duplicate, *others])


@dataclass(frozen=True)
class HouseholdRow:
    """A household as lists and prints show it: the phone masked, never in full."""

    id: int
    head_name: str
    building: str
    unit: str
    room: str
    size: int
    phone_masked: str
    grid: str
    remarks: str
    members: int

    @property
    def address(self) -> str:
        return rules.address_text(self.building, self.unit, self.room)

    @property
    def name(self) -> str:
        """How a campaign names it: 王建国家庭."""
        return f"{self.head_name}家庭"


@dataclass(frozen=True)
class Award:
    campaign_id: int
    kind: str
    year: int
    title: str
    decision: str  # Decision value
    stage: str  # the campaign's stage


@dataclass(frozen=True)
class HouseholdDetail:
    """The household's own form: the only place its full phone number is shown."""

    id: int
    draft: HouseholdDraft
    row: HouseholdRow
    history: list[Award] = field(default_factory=list)  # every campaign it was nominated to


@dataclass
class HouseholdCheck:
    draft: HouseholdDraft  # normalized
    problems: list[Problem]
    duplicate_of: tuple[int, str, str] | None = None  # (id, head name, address) already at the address


def find_by_address(session: Session, building: str, unit: str, room: str) -> int | None:
    parts = (rules.address_part("building", building), rules.address_part("unit", unit),
             rules.address_part("room", room))
    if any(unsavable_at(p) is not None for p in parts):
        return None
    return session.scalar(select(Household.id).where(
        Household.building == parts[0], Household.unit == parts[1], Household.room == parts[2]))


def check_household(session: Session, draft: HouseholdDraft, exclude_id: int | None = None,
                    row: int | None = None) -> HouseholdCheck:
    """Normalize and validate; every problem, each naming its field (and row, for imports)."""
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(L[key], message, row))

    d = replace(draft, head_name=clean(draft.head_name), grid=clean(draft.grid), remarks=clean(draft.remarks),
                building=rules.address_part("building", draft.building), unit=rules.address_part("unit", draft.unit),
                room=rules.address_part("room", draft.room), members=list(draft.members))
    for key in ("head_name", "building", "room"):
        if not getattr(d, key):
            bad(key, "必须填写")
    if any(ch in d.head_name for ch in "\t\r\n"):
        bad("head_name", "不能含制表符或换行（姓名会印在公示和证书上）")
    refused = set()
    for key, limit in rules.HOUSEHOLD_LIMITS.items():
        if why := text_problem(getattr(d, key), limit):
            bad(key, why)
            refused.add(key)
    members: list[Member] = []
    for index, member in enumerate(d.members, 1):
        name, relation = clean(member.name), clean(member.relation)
        if not name and not relation:
            continue
        where = f"第 {index} 位"
        if not name:
            problems.append(Problem(L["members"], f"{where}成员的姓名必须填写", row))
        elif any(ch in name for ch in "\t\r\n"):
            problems.append(Problem(L["members"], f"{where}成员的姓名不能含制表符或换行", row))
        for label, value, limit in ((rules.MEMBER_LABELS["name"], name, rules.MEMBER_LIMITS["name"]),
                                    (rules.MEMBER_LABELS["relation"], relation, rules.MEMBER_LIMITS["relation"])):
            if why := text_problem(value, limit):
                problems.append(Problem(L["members"], f"{where}成员的{label}{why}", row))
        members.append(Member(name, relation))
    d.members = members
    if d.size is None:
        d.size = 1 + len(members)
        if d.size > rules.MAX_HOUSEHOLD_SIZE:
            bad("members", f"最多登记 {rules.MAX_HOUSEHOLD_SIZE - 1} 位成员（家庭人口不超过 {rules.MAX_HOUSEHOLD_SIZE} 人）")
    elif isinstance(d.size, bool) or not isinstance(d.size, int):
        bad("size", "应为整数")
    elif not 1 <= d.size <= rules.MAX_HOUSEHOLD_SIZE:
        bad("size", f"应在 1 到 {rules.MAX_HOUSEHOLD_SIZE} 人之间")
    elif d.size < 1 + len(members):
        bad("size", f"少于户主加已填成员的人数（{1 + len(members)} 人）")
    try:
        d.phone = normalize_phone(d.phone) if clean(d.phone) else ""
    except ValueError as err:
        bad("phone", str(err))
    duplicate = None
    if d.building and d.room and not refused & {"building", "unit", "room"}:
        query = select(Household.id, Household.head_name).where(
            Household.building == d.building, Household.unit == d.unit, Household.room == d.room)
        if exclude_id is not None:
            query = query.where(Household.id != exclude_id)
        found = session.execute(query).first()
        if found is not None:
            duplicate = (found[0], found[1], rules.address_text(d.building, d.unit, d.room))
            problems.append(DuplicateHouseholdError(*duplicate, row=row).problems[0])
    return HouseholdCheck(d, problems, duplicate)


def _checked(session: Session, draft: HouseholdDraft, exclude_id: int | None) -> HouseholdDraft:
    result = check_household(session, draft, exclude_id)
    if result.duplicate_of is not None:
        first = DuplicateHouseholdError(*result.duplicate_of).problems[0]
        raise DuplicateHouseholdError(*result.duplicate_of, others=[p for p in result.problems if p != first])
    if result.problems:
        raise ValidationError(result.problems)
    return result.draft


def _apply(household: Household, d: HouseholdDraft) -> None:
    household.head_name, household.building, household.unit, household.room = d.head_name, d.building, d.unit, d.room
    household.size, household.phone, household.grid, household.remarks = d.size or 1, d.phone, d.grid, d.remarks


def _set_members(session: Session, household_id: int, members: Sequence[Member]) -> None:
    """The members as listed; rows are replaced only when the list changed (the trail stays quiet)."""
    existing = list(session.scalars(select(HouseholdMember).where(HouseholdMember.household_id == household_id)
                                    .order_by(HouseholdMember.sort_order, HouseholdMember.id)))
    if [(m.name, m.relation) for m in existing] == [(m.name, m.relation) for m in members]:
        return
    for row in existing:
        session.delete(row)
    session.flush()
    for order, member in enumerate(members, 1):
        session.add(HouseholdMember(household_id=household_id, name=member.name, relation=member.relation,
                                    sort_order=order))


def create_household(session: Session, draft: HouseholdDraft) -> int:
    d = _checked(session, draft, None)
    household = Household()
    _apply(household, d)
    session.add(household)
    session.flush()
    _set_members(session, household.id, d.members)
    session.flush()
    return household.id


def update_household(session: Session, household_id: int, draft: HouseholdDraft) -> None:
    household = _get(session, household_id)
    d = _checked(session, draft, household_id)
    _apply(household, d)
    _set_members(session, household_id, d.members)
    session.flush()


def _get(session: Session, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFoundError("这户家庭已不存在，可能已被删除。")
    return household


def _binned_nominations(session: Session, household_id: int) -> list[str]:
    """The recycle-bin entries (a deleted campaign or nomination) holding a nomination of the household."""
    found = []
    rows = session.execute(select(RecycledItem.label, RecycledItem.payload)
                           .where(RecycledItem.entity.in_(("campaigns", "nominations"))))
    for label, payload in rows:
        try:
            nominations = json.loads(payload).get("tables", {}).get("nominations", [])
        except (TypeError, ValueError, AttributeError):
            continue
        if any(isinstance(n, dict) and n.get("household_id") == household_id for n in nominations):
            found.append(label)
    return found


def delete_household(session: Session, household_id: int) -> int:
    """Move a household and its members to the recycle bin. Refused while a campaign names it
    (a nomination is part of that campaign's record). Returns the bin id."""
    household = _get(session, household_id)
    campaigns = list(session.scalars(select(Campaign.title).join(Nomination, Nomination.campaign_id == Campaign.id)
                                     .where(Nomination.household_id == household_id).order_by(Campaign.year)))
    if campaigns:
        raise ValidationError.single(L["head_name"], f"「{household.head_name}」家已被推荐参加"
                                     f"{'、'.join(f'「{t}」' for t in campaigns[:3])}，评选材料应保留，不能删除")
    if binned := _binned_nominations(session, household_id):
        raise ValidationError.single(L["head_name"], f"「{household.head_name}」家的推荐记录在回收站的"
                                     f"{'、'.join(f'「{t}」' for t in binned[:3])}中；删除这户家庭后，那一项就无法恢复了。"
                                     "请先在回收站彻底删除或恢复那一项")
    members = list(session.scalars(select(HouseholdMember).where(HouseholdMember.household_id == household_id)
                                   .order_by(HouseholdMember.id)))
    return recycle_bin.move_to_bin(session, household, members)


def _row(h: Any, members: int) -> HouseholdRow:
    return HouseholdRow(h.id, h.head_name, h.building, h.unit, h.room, h.size, mask_phone(h.phone) if h.phone else "",
                        h.grid, h.remarks, members)


def list_households(session: Session, text: str = "", grid: str | None = None,
                    ids: Sequence[int] | None = None) -> list[HouseholdRow]:
    """By building, unit and room (numbers in numeric order: 2栋 before 10栋)."""
    counts = (select(HouseholdMember.household_id, func.count().label("n"))
              .group_by(HouseholdMember.household_id).subquery())
    query = (select(Household, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.household_id == Household.id))
    text = clean(text)
    if text and unsavable_at(text) is None:
        pattern = f"%{text}%"
        query = query.where(or_(Household.head_name.like(pattern), Household.grid.like(pattern),
                                Household.remarks.like(pattern),
                                Household.id.in_(select(HouseholdMember.household_id)
                                                 .where(HouseholdMember.name.like(pattern))),
                                (Household.building + "栋" + Household.unit + "单元" + Household.room).like(pattern),
                                (Household.building + "-" + Household.unit + "-" + Household.room).like(pattern)))
    if grid:
        query = query.where(Household.grid == grid)
    if ids is not None:
        query = query.where(Household.id.in_(list(ids)))
    rows = [_row(h, n) for h, n in session.execute(query)]
    return sorted(rows, key=lambda r: (address_key(r.building), address_key(r.unit), address_key(r.room), r.id))


def address_key(part: str) -> tuple[int, int, str]:
    """Sort numbers as numbers: 2 before 10, then text."""
    digits = "".join(c for c in part if c.isdigit())
    return (0, int(digits), part) if digits and part.isdigit() else (1, 0, part)


def grids(session: Session) -> list[str]:
    return [g for g in session.scalars(select(Household.grid).distinct().order_by(Household.grid)) if g]


def count_households(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Household)) or 0


def get_household(session: Session, household_id: int) -> HouseholdDetail:
    h = _get(session, household_id)
    members = [Member(m.name, m.relation) for m in session.scalars(
        select(HouseholdMember).where(HouseholdMember.household_id == household_id)
        .order_by(HouseholdMember.sort_order, HouseholdMember.id))]
    draft = HouseholdDraft(h.head_name, h.building, h.unit, h.room, h.size, h.phone, h.grid, h.remarks, members)
    history = [Award(c.id, c.kind, c.year, c.title, n.decision, c.stage) for n, c in session.execute(
        select(Nomination, Campaign).join(Campaign, Campaign.id == Nomination.campaign_id)
        .where(Nomination.household_id == household_id).order_by(Campaign.year.desc(), Campaign.id.desc()))]
    return HouseholdDetail(h.id, draft, _row(h, len(members)), history)
