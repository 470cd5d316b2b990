"""Retention and destruction (鉴定销毁, 《城市社区档案管理办法》): the items whose retention period
ends by a chosen year, and destruction rounds that decide about them.

A round records the appraisal group (鉴定小组成员) with its resident representatives (居民代表, both
required), per due item a decision (销毁, or 续存 to a later year with a reason), and the date.
Finishing it (`finish_round`, one transaction) marks destroyed items (`destroyed_on`: their
catalogue row stays, printed 已销毁), removes their file rows, and, once the transaction has
committed, deletes their stored files that nothing else names (an activity's photo that was filed
stays with the activity); a kept item gets `keep_until` and comes up again after that year. A
finished round is never changed or deleted: its list (销毁清册, exports.destruction_list) is kept
permanently (`install` adds a flush guard that refuses it, whatever code path tries).

期满: a period runs from the year after the 年度 (DA/T 22-2015), so an item of 2015 kept 10 years
ends with 2025 (`domain.archives.expiry_year`) and is due in a round «by 2025».
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from huiquan_desk.domain import archives as rules
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.text import clean
from huiquan_desk.services.archives import ItemRow, list_items
from huiquan_desk.services.permissions import require_writer
from huiquan_desk.storage import audit
from huiquan_desk.storage.files import FileStore
from huiquan_desk.storage.models import ArchiveItem, DestructionDecision, DestructionRound

log = logging.getLogger("huiquan_desk")
DESTROY, KEEP = "destroy", "keep"
DECISION_LABELS = {DESTROY: "销毁", KEEP: "续存"}
LABELS = {"due_year": "到期年度", "members": "鉴定小组成员", "residents": "居民代表", "remarks": "备注",
          "decided_on": "鉴定日期", "decision": "鉴定意见", "reason": "理由", "keep_until": "续存至"}
MAX_KEEP_YEARS = 100  # a 续存 runs to a year within this many years


@dataclass(frozen=True)
class DecisionRow:
    """One decision of a round, as the dialog lists it and the 销毁清册 prints it."""

    item_id: int
    code: str  # 档号 as it was when decided
    title: str
    year: int
    retention: str
    pages: int
    decision: str  # destroy / keep
    reason: str
    keep_until: int | None

    @property
    def retention_label(self) -> str:
        return rules.RETENTION_LABELS.get(self.retention, self.retention)

    @property
    def decision_label(self) -> str:
        """销毁 / 续存至2035年."""
        if self.decision == KEEP:
            return f"续存至{self.keep_until}年" if self.keep_until else "续存"
        return DECISION_LABELS.get(self.decision, self.decision)


@dataclass(frozen=True)
class RoundRow:
    id: int
    due_year: int
    members: list[str]
    residents: list[str]
    decided_on: date | None
    remarks: str
    decisions: int
    destroyed: int
    kept: int

    @property
    def finished(self) -> bool:
        return self.decided_on is not None

    @property
    def label(self) -> str:
        """2025年底前期满档案的销毁鉴定（2026-11-30 完成 / 进行中）."""
        state = f"{self.decided_on:%Y-%m-%d} 完成" if self.decided_on else "进行中"
        return f"{self.due_year}年底前期满档案的销毁鉴定（{state}）"


@dataclass(frozen=True)
class RoundDetail:
    row: RoundRow
    decisions: list[DecisionRow] = field(default_factory=list)
    undecided: list[ItemRow] = field(default_factory=list)  # due items without a decision (an open round)


# --- what is due ------------------------------------------------------------------------------------
def due_items(session: Session, by_year: int) -> list[ItemRow]:
    """Numbered items not destroyed whose retention ends by `by_year` (a 永久 item never does; a
    kept one after its 续存 year), by 档号."""
    return [r for r in list_items(session, numbered=True)
            if r.destroyed_on is None and r.expiry_year is not None and r.expiry_year <= by_year]


# --- rounds -----------------------------------------------------------------------------------------
def names(text: str | Sequence[str]) -> list[str]:
    """Names typed one a line (or separated by 、，,;；), blanks and repeats dropped."""
    parts = re.split(r"[\n、，,;；]+", text) if isinstance(text, str) else [p for t in text for p in re.split(r"[\n、，,;；]+", t)]
    out: list[str] = []
    for part in parts:
        name = clean(part)
        if name and name not in out:
            out.append(name)
    return out


def _check_year(year: object, label: str = LABELS["due_year"]) -> int:
    if not isinstance(year, int) or not 1949 <= year <= 2100:
        raise ValidationError.single(label, "应为 4 位年份，如 2025")
    return year


def _get(session: Session, round_id: int) -> DestructionRound:
    found = session.get(DestructionRound, round_id)
    if found is None:
        raise NotFoundError("该次销毁鉴定已不存在。")
    return found


def _open_round(session: Session, round_id: int, action: str) -> DestructionRound:
    found = _get(session, round_id)
    if found.decided_on is not None:
        raise ValidationError.single(LABELS["decided_on"], f"这次鉴定已于 {found.decided_on:%Y-%m-%d} 完成，"
                                     f"不能再{action}：销毁清册永久保存")
    return found


def open_round(session: Session) -> int | None:
    """The round started and not finished yet, if any (there is at most one)."""
    return session.scalar(select(DestructionRound.id).where(DestructionRound.decided_on.is_(None))
                          .order_by(DestructionRound.id.desc()).limit(1))


def start_round(session: Session, by_year: int, members: str | Sequence[str], residents: str | Sequence[str],
                remarks: str = "", today: date | None = None) -> int:
    """Open a round for the items whose retention ends by `by_year`; the appraisal group must name
    its members and its resident representatives. Returns the round's id."""
    require_writer(session, "开始销毁鉴定")
    today = today or date.today()
    problems = []
    member_list, resident_list = names(members), names(residents)
    try:
        by_year = _check_year(by_year)
    except ValidationError as err:
        problems += err.problems
    else:
        if by_year > today.year:
            problems.append(Problem(LABELS["due_year"], f"{by_year} 年还没有到：只能鉴定保管期限已满（或今年期满）的档案"))
        elif not due_items(session, by_year):
            problems.append(Problem(LABELS["due_year"], f"没有 {by_year} 年底前保管期限届满的档案（永久保管的档案不鉴定销毁）"))
    if not member_list:
        problems.append(Problem(LABELS["members"], "必须填写鉴定小组成员（每行一人）"))
    if not resident_list:
        problems.append(Problem(LABELS["residents"], "鉴定小组必须有居民代表参加（《城市社区档案管理办法》），请填写居民代表（每行一人）"))
    if len("\n".join(member_list)) > 1000 or len("\n".join(resident_list)) > 1000:
        problems.append(Problem(LABELS["members"], "名单太长（最多 1000 字）"))
    if open_id := open_round(session):
        problems.append(Problem("销毁鉴定", f"还有一次鉴定（{_get(session, open_id).due_year}年底前期满）没有完成，请先完成或放弃它"))
    if problems:
        raise ValidationError(problems)
    found = DestructionRound(due_year=by_year, members="\n".join(member_list), residents="\n".join(resident_list),
                             remarks=clean(remarks)[:1000])
    session.add(found)
    session.flush()
    return found.id


def update_group(session: Session, round_id: int, members: str | Sequence[str], residents: str | Sequence[str],
                 remarks: str | None = None) -> None:
    """Change the group of an open round (the same rules as `start_round`)."""
    require_writer(session, "修改鉴定小组")
    found = _open_round(session, round_id, "修改鉴定小组")
    member_list, resident_list = names(members), names(residents)
    problems = []
    if not member_list:
        problems.append(Problem(LABELS["members"], "必须填写鉴定小组成员（每行一人）"))
    if not resident_list:
        problems.append(Problem(LABELS["residents"], "鉴定小组必须有居民代表参加，请填写居民代表（每行一人）"))
    if problems:
        raise ValidationError(problems)
    found.members, found.residents = "\n".join(member_list), "\n".join(resident_list)
    if remarks is not None:
        found.remarks = clean(remarks)[:1000]
    session.flush()


def _due_row(session: Session, found: DestructionRound, item_id: int) -> ItemRow:
    row = next((r for r in due_items(session, found.due_year) if r.id == item_id), None)
    if row is None:
        item = session.get(ArchiveItem, item_id)
        if item is None:
            raise NotFoundError("该归档文件已不存在。")
        raise ValidationError.single("归档文件", f"「{item.title}」不在这次鉴定的范围内（保管期限不在 "
                                     f"{found.due_year} 年底前届满，或已销毁、未编号）")
    return row


def decide(session: Session, round_id: int, item_id: int, decision: str, reason: str = "",
           keep_until: int | None = None, today: date | None = None) -> None:
    """The group's decision about one due item: 销毁 (`destroy`), or 续存 (`keep`) with a reason and
    the year it is kept to (later than this year). Deciding again replaces the decision."""
    require_writer(session, "填写鉴定意见")
    today = today or date.today()
    found = _open_round(session, round_id, "修改鉴定意见")
    row = _due_row(session, found, item_id)
    decision = {"销毁": DESTROY, "续存": KEEP}.get(clean(decision), clean(decision))
    reason = clean(reason)
    problems = []
    if decision not in DECISION_LABELS:
        problems.append(Problem(LABELS["decision"], "应为 销毁 或 续存"))
    if len(reason) > 1000:
        problems.append(Problem(LABELS["reason"], "最多 1000 字"))
    if decision == KEEP:
        if not reason:
            problems.append(Problem(LABELS["reason"], f"{row.code} 续存：必须写明续存的理由"))
        if keep_until is None:
            problems.append(Problem(LABELS["keep_until"], f"{row.code} 续存：必须填写续存到哪一年"))
        elif not today.year < keep_until <= today.year + MAX_KEEP_YEARS:
            problems.append(Problem(LABELS["keep_until"], f"{row.code} 续存至 {keep_until} 年：应晚于今年（{today.year}），"
                                    f"且不超过 {today.year + MAX_KEEP_YEARS} 年"))
    if problems:
        raise ValidationError(problems)
    existing = session.scalar(select(DestructionDecision).where(DestructionDecision.round_id == round_id,
                                                                DestructionDecision.item_id == item_id))
    if existing is None:
        existing = DestructionDecision(round_id=round_id, item_id=item_id)
        session.add(existing)
    existing.code, existing.title = row.code, row.shown_title[:300]
    existing.decision, existing.reason = decision, reason
    existing.keep_until = keep_until if decision == KEEP else None
    session.flush()


def undecide(session: Session, round_id: int, item_id: int) -> None:
    """Take back the decision about one item of an open round."""
    require_writer(session, "修改鉴定意见")
    _open_round(session, round_id, "修改鉴定意见")
    existing = session.scalar(select(DestructionDecision).where(DestructionDecision.round_id == round_id,
                                                                DestructionDecision.item_id == item_id))
    if existing is not None:
        session.delete(existing)
        session.flush()


def cancel_round(session: Session, round_id: int) -> None:
    """Give up an open round (nothing was destroyed yet); a finished one is kept for good."""
    require_writer(session, "放弃销毁鉴定")
    found = _open_round(session, round_id, "放弃")
    session.delete(found)  # its decisions with it (cascade)
    session.flush()


def finish_round(session: Session, files: FileStore, round_id: int, decided_on: date,
                 today: date | None = None) -> list[Path]:
    """完成鉴定: every due item must have a decision. Destroyed items keep their catalogue row
    (`destroyed_on`), lose their file rows, and their stored files that nothing else names
    (attachment, other archive file, recycle-bin entry) are deleted once this transaction has
    committed; kept items get their `keep_until`. Returns the files that will be deleted."""
    require_writer(session, "完成销毁鉴定")
    today = today or date.today()
    found = _open_round(session, round_id, "完成")
    if not isinstance(decided_on, date):
        raise ValidationError.single(LABELS["decided_on"], "必须填写")
    if decided_on > today:
        raise ValidationError.single(LABELS["decided_on"], f"{decided_on:%Y-%m-%d} 还没有到")
    if not names(found.members) or not names(found.residents):
        raise ValidationError.single(LABELS["residents"], "鉴定小组必须有成员和居民代表")
    decided = {d.item_id: d for d in found.decisions}
    waiting = [r for r in due_items(session, found.due_year) if r.id not in decided]
    if waiting:
        listed = "、".join(r.code for r in waiting[:10]) + ("……" if len(waiting) > 10 else "")
        raise ValidationError.single(LABELS["decision"], f"还有 {len(waiting)} 件没有鉴定意见：{listed}")
    doomed_names: set[str] = set()
    destroyed = kept = 0
    for d in found.decisions:
        item = session.get(ArchiveItem, d.item_id)
        if item is None or item.destroyed_on is not None:  # FK RESTRICT keeps the item; a guard all the same
            raise ValidationError.single("归档文件", f"{d.code} 已不在档案中或已销毁，请放弃这次鉴定后重新开始")
        d.title = item.title  # the 销毁清册 lists the item as it is now (its title may have been corrected since)
        if d.decision == DESTROY:
            for f in list(item.files):
                doomed_names.add(f"{f.sha256}{f.suffix or ''}")
                session.delete(f)
            item.destroyed_on = decided_on
            destroyed += 1
        else:
            item.keep_until = d.keep_until
            kept += 1
    found.decided_on = decided_on
    session.flush()
    doomed = _unreferenced(session, files, doomed_names)
    audit.record(session, "destroy", "destruction_rounds",  # 销毁档案: the files are gone for good
                 f"完成销毁鉴定（{found.due_year}年底前期满）：销毁 {destroyed} 件，续存 {kept} 件，删除文件 {len(doomed)} 个",
                 entity_id=found.id, details={"鉴定日期": decided_on.isoformat(), "销毁": destroyed, "续存": kept,
                                              "删除文件": len(doomed)})
    _delete_after_commit(session, doomed)
    return doomed


def _unreferenced(session: Session, files: FileStore, names_: set[str]) -> list[Path]:
    """Those of the stored files `names_` (and their renditions) that nothing names any more."""
    from huiquan_desk.services.recycle_bin import unreferenced_files

    shas = {n[:64] for n in names_}
    return [Path(p) for p in unreferenced_files(session, files) if Path(p).name[:64] in shas]


def _delete_after_commit(session: Session, paths: list[Path]) -> None:
    """Remove the files once the transaction that destroyed their items has committed (never before:
    a failed round keeps every file)."""
    if not paths:
        return

    def remove(_session: Session) -> None:
        for path in paths:
            try:
                path.unlink(missing_ok=True)
            except OSError as err:  # open in a viewer: it stays as an added file, emptying the bin clears it
                log.warning("could not remove destroyed file %s: %s", path, err)

    event.listen(session, "after_commit", remove, once=True)


# --- reading ----------------------------------------------------------------------------------------
def _round_row(session: Session, r: DestructionRound) -> RoundRow:
    counts = dict(session.execute(select(DestructionDecision.decision, func.count())
                                  .where(DestructionDecision.round_id == r.id)
                                  .group_by(DestructionDecision.decision)).all())
    return RoundRow(r.id, r.due_year, names(r.members), names(r.residents), r.decided_on, r.remarks,
                    sum(counts.values()), counts.get(DESTROY, 0), counts.get(KEEP, 0))


def list_rounds(session: Session) -> list[RoundRow]:
    """Newest first."""
    return [_round_row(session, r) for r in session.scalars(
        select(DestructionRound).order_by(DestructionRound.id.desc()))]


def get_round(session: Session, round_id: int) -> RoundDetail:
    found = _get(session, round_id)
    rows = session.execute(
        select(DestructionDecision, ArchiveItem.year, ArchiveItem.retention, ArchiveItem.pages)
        .join(ArchiveItem, ArchiveItem.id == DestructionDecision.item_id)
        .where(DestructionDecision.round_id == round_id)).all()
    decisions = sorted((DecisionRow(d.item_id, d.code, d.title, year, retention, pages, d.decision, d.reason,
                                    d.keep_until) for d, year, retention, pages in rows), key=lambda d: d.code)
    undecided: list[ItemRow] = []
    if found.decided_on is None:
        decided = {d.item_id for d in decisions}
        undecided = [r for r in due_items(session, found.due_year) if r.id not in decided]
    return RoundDetail(_round_row(session, found), decisions, undecided)


# --- the guard: a finished round is permanent -------------------------------------------------------
def _guard(session: Session, _context: object, _instances: object) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, DestructionRound):
            state = obj
        elif isinstance(obj, DestructionDecision):
            with session.no_autoflush:
                state = session.get(DestructionRound, obj.round_id)  # type: ignore[assignment]
        else:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(state, DestructionRound) and _was_finished(state):
            raise ValidationError.single("销毁清册", "已完成的销毁鉴定及其销毁清册永久保存，不能修改或删除")


def _was_finished(found: DestructionRound) -> bool:
    """Whether the round was finished before this flush (finishing it is allowed)."""
    from sqlalchemy import inspect

    history = inspect(found).attrs.decided_on.history
    before = history.deleted[0] if history.deleted else (history.unchanged[0] if history.unchanged else None)
    return before is not None


def install(factory: sessionmaker[Session]) -> None:
    """Keep finished rounds as they are, on every writing session of the workspace."""
    event.listen(factory, "before_flush", _guard)

