"""Reading the audit trail (操作日志): who did what, when, with the old and new values.

The trail is written in one place (storage.audit, at every flush, plus `record()` for imports,
exports of personal data, backups, restores). This module only reads it: there is no function
to change or remove an entry, and the database refuses UPDATE and DELETE on `audit_log` anyway.

The Chinese names of actions live here; those of record types and fields in services.entities. Personal numbers are
shown masked (ID number, phone, birth date) wherever the trail is displayed or printed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import activity as activity_rules
from huiquan_desk.domain import volunteer as volunteer_rules
from huiquan_desk.domain.identity import mask_id, mask_phone
from huiquan_desk.services.entities import ENTITIES, SUBJECTS, entity_label, field_label, names_of
from huiquan_desk.storage.models import AuditEntry, Base

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "purge": "永久删除",
    "empty": "清空回收站",
    "import": "导入",
    "export": "导出",
    "backup": "备份",
    "restore_backup": "从备份恢复",
    "login": "登录",
    "logout": "退出登录",
    "login_failed": "登录失败",
    "lock": "锁定",
    "unlock": "解锁",
    "check": "检查",
    "migrate": "升级数据库",
}

# What the page's "对象" filter offers first (every table, then a backup, the database).
KNOWN_SUBJECTS = [*ENTITIES, *(key for key in SUBJECTS if key != "backup")]
EMPTY = "（空）"
NAME_FIELDS = ("original_name", "caption_title", "title", "name", "key")


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _enum_label(kind: Callable[[str], Any], value: str) -> str:
    try:
        return kind(value).label
    except ValueError:
        return value


def _birth(value: str) -> str:
    return f"{value[:4]}-**-**" if len(value) >= 4 else "****"


# Personal numbers are never shown in full in the trail: the volunteer's own form is the place.
MASKED: dict[str, Callable[[str], str]] = {"id_number": mask_id, "phone": mask_phone, "birth_date": _birth}
VALUE_LABELS: dict[str, Callable[[str], str]] = {
    "status": lambda v: _enum_label(activity_rules.ActivityStatus, v),
    "kind": lambda v: _enum_label(activity_rules.AttachmentKind, v),
    "source": lambda v: _enum_label(volunteer_rules.ServiceSource, v),
}


def show_value(key: str, value: Any) -> str:
    """A stored value as the trail shows it: masked where personal, enums in Chinese, 是/否."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if key in MASKED:
        return MASKED[key](text)
    if key in VALUE_LABELS:
        return VALUE_LABELS[key](text)
    return text


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    old: str  # as shown; "" when the entry has no old value for it
    new: str


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user: str
    action: str
    action_label: str
    entity: str
    entity_label: str
    entity_id: int | None
    summary: str
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def record(self) -> str:
        """The record as the ledger names it: 重阳节敬老爱老活动（#12）."""
        name = self.summary
        if self.entity_id is not None and name == f"#{self.entity_id}":  # a row without a title (a photo)
            name = next((f.new or f.old for f in self.fields if f.key in NAME_FIELDS and (f.new or f.old)), "")
        if self.entity_id is None:
            return name
        return f"{name}（#{self.entity_id}）" if name else f"#{self.entity_id}"

    @property
    def changes(self) -> str:
        """One line: 字段: 旧 → 新 for a change, 字段: 值 for a new or deleted record."""
        parts = []
        for f in self.fields:
            if f.key == "id" and self.action in ("create", "delete"):
                continue
            old, new = _short(f.old), _short(f.new)
            if self.action == "update":
                parts.append(f"{f.label}: {old or EMPTY} → {new or EMPTY}")
            else:
                parts.append(f"{f.label}: {new or old}")
        return "；".join(parts)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _load(text: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"值": text}
    return value if isinstance(value, dict) else {"值": value}


def _references(entity: str) -> dict[str, Table]:
    """Column -> the table it points to (category_id -> categories …) for a table of the schema."""
    table = Base.metadata.tables.get(entity)
    return {fk.parent.name: fk.column.table for fk in table.foreign_keys} if table is not None else {}


class _Names:
    """Names of the rows the trail's values point to (活动类别: 19 → 传统节日（#19）), looked up once."""

    def __init__(self, session: Session, entries: list[AuditEntry]):
        wanted: dict[Table, set[int]] = {}
        for entry in entries:
            refs = _references(entry.entity)
            for values in (_load(entry.old_values), _load(entry.new_values)):
                for key, table in refs.items():
                    if isinstance(values.get(key), int):
                        wanted.setdefault(table, set()).add(values[key])
        self.names: dict[tuple[str, int], str] = {}
        for table, ids in wanted.items():
            for row_id, name in names_of(session, table, ids).items():
                self.names[(table.name, row_id)] = name

    def show(self, entity: str, key: str, value: Any) -> str:
        table = _references(entity).get(key)
        if table is not None and isinstance(value, int) and not isinstance(value, bool):
            name = self.names.get((table.name, value))
            return f"{name}（#{value}）" if name else f"#{value}"
        return show_value(key, value)


def _fields(entity: str, old: dict[str, Any], new: dict[str, Any], names: _Names | None) -> list[FieldChange]:
    keys = list(old) + [k for k in new if k not in old]

    def shown(key: str, value: Any) -> str:
        return names.show(entity, key, value) if names is not None else show_value(key, value)

    return [FieldChange(k, field_label(entity, k), shown(k, old[k]) if k in old else "",
                        shown(k, new[k]) if k in new else "") for k in keys]


def to_row(entry: AuditEntry, names: _Names | None = None) -> AuditRow:
    old, new = _load(entry.old_values), _load(entry.new_values)
    return AuditRow(entry.id, entry.at, entry.user, entry.action, action_label(entry.action), entry.entity,
                    entity_label(entry.entity), entry.entity_id, entry.summary, _fields(entry.entity, old, new, names))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def query_audit(session: Session, entity: str | None = None, entity_id: int | None = None, user: str | None = None,
                date_from: date | None = None, date_to: date | None = None, text: str = "",
                limit: int | None = 5000) -> list[AuditRow]:
    """Entries matching every filter given, newest first (at most `limit`; None for all)."""
    query = select(AuditEntry)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if user:
        query = query.where(AuditEntry.user == user)
    if date_from is not None:
        query = query.where(AuditEntry.at >= datetime.combine(date_from, time()))
    if date_to is not None:
        query = query.where(AuditEntry.at < datetime.combine(date_to + timedelta(days=1), time()))
    text = " ".join(text.split())
    if text:
        pattern = _like(text)
        query = query.where(or_(*(c.like(pattern, escape="\\") for c in (
            AuditEntry.summary, AuditEntry.old_values, AuditEntry.new_values, AuditEntry.user))))
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if limit is not None:
        query = query.limit(limit)
    entries = list(session.scalars(query))
    names = _Names(session, entries)
    return [to_row(e, names) for e in entries]


def audit_users(session: Session) -> list[str]:
    """Everyone who appears in the trail, for the filter."""
    return sorted(session.scalars(select(AuditEntry.user).distinct()))


def audit_entities(session: Session) -> list[str]:
    """Record types that appear in the trail (table names)."""
    return sorted(session.scalars(select(AuditEntry.entity).distinct()))


# --- exports of personal data ---------------------------------------------------------------------
def export_summary(title: str, path: Path, count: int) -> str:
    """导出志愿者花名册 → 花名册.xlsx (12 条)"""
    return f"导出{title} → {Path(path).name} ({count} 条)"


def log_export(ws: Workspace, entity: str, title: str, path: Path, count: int) -> None:
    """Note in the trail that a file holding personal data was written: who, what, where, how many."""
    ws.log("export", entity, export_summary(title, path, count), {"文件": str(path), "条数": count})
