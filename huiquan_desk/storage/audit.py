"""The audit trail, written at one place: every flush of a unit of work records what changed.

Each created, changed or deleted row of an audited table becomes one `audit_log` row with when,
who (the session's `info["user"]`), what record, and the old and new values as JSON. Bulk
statements that bypass the ORM (imports) call `record()` themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from huiquan_desk.storage.models import AuditEntry, Base, RecycledItem, now

# Never copied into the trail: a password hash is not history anyone should read.
SECRET_COLUMNS = {"password_hash"}
SKIPPED_COLUMNS = {"created_at", "updated_at"}
NOT_AUDITED = {AuditEntry, RecycledItem}  # the bin is audited through the delete/restore entries


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return value


def _columns(obj: Base) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {c.key: _plain(getattr(obj, c.key)) for c in mapper.column_attrs
            if c.key not in SECRET_COLUMNS | SKIPPED_COLUMNS}


def _changes(obj: Base) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    old, new = {}, {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SKIPPED_COLUMNS:
            continue
        history = state.attrs[key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
            if key in SECRET_COLUMNS:
                old[key], new[key] = "（已修改）", "（已修改）"
            else:
                old[key], new[key] = _plain(before), _plain(after)
    return old, new


# (session, table, column values) -> how the trail names the record; the session lets a namer look
# up the records a row points to (a nomination is named by its household).
Namer = Callable[[Session, str, dict[str, Any]], str]


def plain_name(_session: Session, table: str, values: dict[str, Any]) -> str:
    """The fallback name of a record: its title or name, else its id (services install a better one)."""
    return next((str(values[k]) for k in ("title", "name", "number", "key") if values.get(k)),
                f"#{values.get('id', '')}")[:120]


def user_of(session: Session) -> str:
    return str(session.info.get("user") or "本机用户")


def _dump(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, default=str) if values else ""


def _after_flush(session: Session, _context: Any, namer: Namer = plain_name) -> None:
    at, user = now(), user_of(session)
    rows: list[dict[str, Any]] = []

    def add(action: str, obj: Base, old: dict[str, Any], new: dict[str, Any]) -> None:
        rows.append(dict(at=at, user=user, action=action, entity=obj.__tablename__,
                         entity_id=getattr(obj, "id", None) if isinstance(getattr(obj, "id", None), int) else None,
                         summary=namer(session, obj.__tablename__, _columns(obj)), old_values=_dump(old),
                         new_values=_dump(new)))

    for obj in session.new:
        if type(obj) not in NOT_AUDITED:
            add("create", obj, {}, _columns(obj))
    for obj in session.dirty:
        if type(obj) not in NOT_AUDITED and session.is_modified(obj, include_collections=False):
            old, new = _changes(obj)
            if old or new:
                add("update", obj, old, new)
    for obj in session.deleted:
        if type(obj) not in NOT_AUDITED:
            add("delete", obj, _columns(obj), {})
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def record(session: Session, action: str, entity: str, summary: str, entity_id: int | None = None,
           details: dict[str, Any] | None = None) -> None:
    """An entry for work the ORM does not see: bulk imports, exports of personal data, backups."""
    session.connection().execute(insert(AuditEntry), [dict(
        at=now(), user=user_of(session), action=action, entity=entity, entity_id=entity_id, summary=summary,
        old_values="", new_values=_dump(details or {}))])


def install(factory: sessionmaker[Session], namer: Namer = plain_name) -> None:
    """Audit every flush of sessions from `factory`; `namer` says how a record is named."""
    event.listen(factory, "after_flush", lambda session, context: _after_flush(session, context, namer))
