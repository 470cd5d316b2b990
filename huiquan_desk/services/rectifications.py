"""Rectifications (整改台账): a problem found by 自查 / 暗访 / 督查 / 上级通报, the person responsible,
the deadline, and its way to closure: 待整改 → 整改中 → 已整改 → 已验收, one step at a time; 验收
needs who verified it and when; going back needs a reason (kept in the remarks). A verified one is
frozen: what it says (problem, responsible, deadline, remarks) changes only after stepping it back. A
self-assessment problem becomes a rectification in one step (`from_finding`). A rectification
entered by mistake goes to the recycle bin with its photos (`delete_rectification`); a verified one
stays (it is the record of the closure). Its before/after photos: services.rectification_photos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.assessment import Status
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.text import clean, text_problems
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.storage.models import Base, ChecklistItem, Rectification, RectificationPhoto

L = rules.RECTIFICATION_LABELS
REASON = "退回原因"
REASON_MAX = 500  # one 退回原因
REMARKS_MAX = 4000  # the remarks, the 退回 history included
# A 退回 must always be possible (a verified record cannot be edited to make room), so when its line
# would push the remarks past REMARKS_MAX the oldest text gives way to this note; the audit trail
# keeps every earlier value of the remarks in full (操作日志).
TRIMMED = "……（更早的备注已移出，完整记录见操作日志）"
FROZEN = "已验收的整改问题是整改闭环的记录，不能再修改；如确需修改，请先把它退回「已整改」并写明原因"


@dataclass
class RectificationDraft:
    problem: str
    found_on: date | None
    source: str = rules.Source.SELF.value
    item_id: int | None = None
    deduction: float = 0.0
    responsible: str = ""
    deadline: date | None = None
    remarks: str = ""


@dataclass(frozen=True)
class RectificationRow:
    id: int
    problem: str
    source: str
    found_on: date
    item_id: int | None
    item_code: str
    deduction: float
    responsible: str
    deadline: date | None
    status: str
    verified_by: str
    verified_on: date | None
    remarks: str

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS.get(self.status, self.status)

    @property
    def source_label(self) -> str:
        return rules.SOURCE_LABELS.get(self.source, self.source)

    def is_overdue(self, today: date) -> bool:
        return (self.deadline is not None and self.deadline < today
                and self.status in [s.value for s in rules.OPEN_STATUSES])


def _row(r: Rectification, code: str) -> RectificationRow:
    return RectificationRow(r.id, r.problem, r.source, r.found_on, r.item_id, code, r.deduction, r.responsible,
                            r.deadline, r.status, r.verified_by, r.verified_on, r.remarks)


def _get(session: Session, rect_id: int) -> Rectification:
    found = session.get(Rectification, rect_id)
    if found is None:
        raise NotFoundError("这条整改记录已不存在。")
    return found


def _checked(session: Session, draft: RectificationDraft) -> RectificationDraft:
    d = RectificationDraft(clean(draft.problem), draft.found_on, clean(draft.source), draft.item_id, draft.deduction,
                           clean(draft.responsible), draft.deadline, clean(draft.remarks))
    problems = text_problems([(L["problem"], d.problem, 2000), (L["responsible"], d.responsible, 50),
                              (L["remarks"], d.remarks, REMARKS_MAX)])
    if not d.problem:
        problems.append(Problem(L["problem"], "必须填写"))
    if d.source not in rules.SOURCE_LABELS:
        labels = {v: k for k, v in rules.SOURCE_LABELS.items()}
        if d.source in labels:
            d.source = labels[d.source]
        else:
            problems.append(Problem(L["source"], f"应为{'、'.join(rules.SOURCE_LABELS.values())}之一"))
    if d.found_on is None:
        problems.append(Problem(L["found_on"], "必须填写"))
    if d.deadline is not None and d.found_on is not None and d.deadline < d.found_on:
        problems.append(Problem(L["deadline"], "不能早于发现日期"))
    try:
        d.deduction = float(d.deduction or 0)
    except (TypeError, ValueError):
        d.deduction = -1.0
    if not 0 <= d.deduction <= 100:
        problems.append(Problem(L["deduction"], "应为 0 到 100 之间的分数"))
    if d.item_id is not None and session.get(ChecklistItem, d.item_id) is None:
        problems.append(Problem(L["item_id"], "这个测评项目已不存在"))
    if problems:
        raise ValidationError(problems)
    return d


def _apply(r: Rectification, d: RectificationDraft) -> None:
    assert d.found_on is not None
    r.problem, r.source, r.found_on, r.item_id = d.problem, d.source, d.found_on, d.item_id
    r.deduction, r.responsible, r.deadline, r.remarks = round(d.deduction, 2), d.responsible, d.deadline, d.remarks


def create_rectification(session: Session, draft: RectificationDraft) -> int:
    require_writer(session, "登记整改问题")
    r = Rectification(status=Status.PENDING.value, verified_by="")
    _apply(r, _checked(session, draft))
    session.add(r)
    session.flush()
    return r.id


def update_rectification(session: Session, rect_id: int, draft: RectificationDraft) -> None:
    """Change what the problem is, who and by when (the status moves only by `set_status`). A verified
    one is refused (FROZEN); the day found can never be after the day it was verified."""
    require_writer(session, "修改整改问题")
    r = _get(session, rect_id)
    if r.status == Status.VERIFIED.value:
        raise ValidationError.single(L["status"], FROZEN)
    d = _checked(session, draft)
    if r.verified_on is not None and d.found_on is not None and d.found_on > r.verified_on:
        raise ValidationError.single(L["found_on"], f"不能晚于验收日期（{r.verified_on:%Y-%m-%d}）")
    _apply(r, d)
    session.flush()


def with_history(remarks: str, line: str) -> str:
    """`remarks` with `line` added at the end, within REMARKS_MAX: the oldest text gives way
    (whole lines where it can) to the TRIMMED note."""
    combined = f"{remarks}\n{line}".strip()
    if len(combined) <= REMARKS_MAX:
        return combined
    tail = combined[len(combined) - (REMARKS_MAX - len(TRIMMED) - 1):]
    cut = tail.find("\n")
    if cut >= 0:  # the new line (at most ~530 characters) is whole in the tail, so the cut is before it
        tail = tail[cut + 1:]
    return f"{TRIMMED}\n{tail}"


def _record_text(session: Session, table: str, record_id: int) -> str:
    """活动「重阳节敬老活动」 — how the remarks name the record a finding points to (services.entities)."""
    from huiquan_desk.services.entities import entity_label, names_of

    name = names_of(session, Base.metadata.tables[table], [record_id]).get(record_id) if table in Base.metadata.tables else None
    return f"{entity_label(table)}「{name}」" if name else f"{entity_label(table)}（编号 {record_id}，已不存在）"


def from_finding(session: Session, item_id: int | None, problem: str, *, deduction: float = 0.0,
                 responsible: str = "", deadline: date | None = None, found_on: date | None = None,
                 fix: tuple[str, int] | None = None) -> int:
    """A self-assessment problem (services.assessment.Finding of an ItemResult) as a rectification
    in one step: source 自查, found today; the record that fixes it is named in the remarks."""
    remarks = f"对应记录：{_record_text(session, *fix)}" if fix else ""
    return create_rectification(session, RectificationDraft(
        problem, found_on or date.today(), rules.Source.SELF.value, item_id, deduction, responsible, deadline, remarks))


def set_status(session: Session, rect_id: int, status: str, *, reason: str = "", verified_by: str = "",
               verified_on: date | None = None, on: date | None = None) -> None:
    """Move a rectification to `status`: forward one step at a time; 已验收 needs 验收人 and 验收日期;
    back to an earlier state needs a reason of at most REASON_MAX characters (appended to the remarks,
    dated `on`, by `with_history`)."""
    require_writer(session, "更新整改状态")
    r = _get(session, rect_id)
    try:
        target = Status(status)
    except ValueError:
        labels = {v: k for k, v in rules.STATUS_LABELS.items()}
        if status not in labels:
            raise ValidationError.single(L["status"], f"应为{'、'.join(rules.STATUS_LABELS.values())}之一") from None
        target = Status(labels[status])
    current = Status(r.status)
    order = rules.STATUS_ORDER
    step = order.index(target) - order.index(current)
    if step == 0:
        return
    if step > 1:
        raise ValidationError.single(L["status"], f"要先到「{order[order.index(current) + 1].label}」，"
                                                  f"不能从「{current.label}」直接到「{target.label}」")
    if step < 0:
        reason = clean(reason)
        if not reason:
            raise ValidationError.single(REASON, f"从「{current.label}」退回「{target.label}」要写明原因")
        if problems := text_problems([(REASON, reason, REASON_MAX)]):
            raise ValidationError(problems)
        line = f"{(on or date.today()).isoformat()} 由「{current.label}」退回「{target.label}」：{reason}"
        r.remarks = with_history(r.remarks, line)
        if current is Status.VERIFIED:
            r.verified_by, r.verified_on = "", None
    if target is Status.VERIFIED:
        who = clean(verified_by)
        problems = text_problems([(L["verified_by"], who, 50)])
        if not who:
            problems.append(Problem(L["verified_by"], "验收要填写验收人"))
        if verified_on is None:
            problems.append(Problem(L["verified_on"], "验收要填写验收日期"))
        elif verified_on < r.found_on:
            problems.append(Problem(L["verified_on"], "不能早于发现日期"))
        if problems:
            raise ValidationError(problems)
        r.verified_by, r.verified_on = who, verified_on
    r.status = target.value
    session.flush()


def get_rectification(session: Session, rect_id: int) -> RectificationRow:
    r = _get(session, rect_id)
    item = session.get(ChecklistItem, r.item_id) if r.item_id is not None else None
    return _row(r, item.code if item else "")


def list_rectifications(session: Session, *, status: str | None = None, source: str | None = None,
                        item_id: int | None = None, overdue_on: date | None = None,
                        text: str = "", year: int | None = None) -> list[RectificationRow]:
    """Rectifications, newest found first, filtered by status, source, item, overdue as of a day,
    text (in the problem or the responsible person) and the year found."""
    query = (select(Rectification, ChecklistItem.code).outerjoin(ChecklistItem, ChecklistItem.id == Rectification.item_id)
             .order_by(Rectification.found_on.desc(), Rectification.id.desc()))
    if status:
        query = query.where(Rectification.status == status)
    if source:
        query = query.where(Rectification.source == source)
    if item_id is not None:
        query = query.where(Rectification.item_id == item_id)
    if overdue_on is not None:
        query = query.where(Rectification.deadline < overdue_on,
                            Rectification.status.in_([s.value for s in rules.OPEN_STATUSES]))
    if year is not None:
        query = query.where(extract("year", Rectification.found_on) == year)
    if clean(text):
        query = query.where(Rectification.problem.contains(clean(text)) | Rectification.responsible.contains(clean(text)))
    return [_row(r, code or "") for r, code in session.execute(query)]


def overdue(session: Session, today: date | None = None) -> list[RectificationRow]:
    """Open rectifications (待整改 / 整改中) past their deadline, the oldest deadline first."""
    rows = list_rectifications(session, overdue_on=today or date.today())
    return sorted(rows, key=lambda r: (r.deadline or date.max, r.id))


def overdue_count(session: Session, today: date | None = None) -> int:
    """How many open rectifications are past their deadline (the navigation and the home page say it)."""
    return session.scalar(select(func.count()).select_from(Rectification).where(
        Rectification.deadline < (today or date.today()),
        Rectification.status.in_([s.value for s in rules.OPEN_STATUSES]))) or 0


def years_found(session: Session) -> list[int]:
    """The years rectifications were found in, newest first (the page's year filter)."""
    found = session.scalars(select(extract("year", Rectification.found_on)).distinct())
    return sorted((int(y) for y in found if y is not None), reverse=True)


def delete_rectification(session: Session, rect_id: int) -> int:
    """Move a rectification entered by mistake to the recycle bin with its photos (restorable
    together); returns the bin id. A verified one (已验收) is refused: it is the record of the
    closure an inspection asks for; step it back first (with a reason) if it really was a mistake."""
    require_writer(session, "删除整改问题")
    r = _get(session, rect_id)
    if r.status == Status.VERIFIED.value:
        raise ValidationError.single(L["status"], "已验收的整改问题是整改闭环的记录，不能删除；"
                                                  "如确属误录，请先退回「已整改」并写明原因，再删除")
    photos = list(session.scalars(select(RectificationPhoto).where(RectificationPhoto.rectification_id == rect_id)
                                  .order_by(RectificationPhoto.id)))
    return recycle_bin.move_to_bin(session, r, photos)
