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
from huiquan_desk.domain import family as family_rules
from huiquan_desk.domain import volunteer as volunteer_rules
from huiquan_desk.domain.identity import mask_id, mask_phone
from huiquan_desk.services.entities import (
    ENTITIES,
    SUBJECTS,
    TECHNICAL_FIELDS,
    entity_label,
    field_label,
    names_of,
)
from huiquan_desk.services.settings import setting_label
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
    "stage": "评选进度",
    "migrate": "升级数据库",
    "destroy": "销毁档案",
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
    "stage": lambda v: family_rules.STAGE_LABELS.get(v, v),
    "decision": lambda v: family_rules.DECISION_LABELS.get(v, v),
    "outcome": lambda v: family_rules.OUTCOME_LABELS.get(v, v),
    "vote": lambda v: family_rules.VOTE_LABELS.get(v, v),
    "review_method": lambda v: family_rules.REVIEW_METHOD_LABELS.get(v, v),
}


def show_value(key: str, value: Any, entity: str = "") -> str:
    """A stored value as the trail shows it: masked where personal, enums in Chinese, 是/否, a
    setting by its name (社区名称, never profile.name)."""
    if entity == "settings" and key == "key" and isinstance(value, str):
        return setting_label(value)
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
    values: dict[str, Any] = field(default_factory=dict)  # the stored values (new, else old), for grouping

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
        return show_value(key, value, entity)


def _fields(entity: str, old: dict[str, Any], new: dict[str, Any], names: _Names | None) -> list[FieldChange]:
    keys = list(old) + [k for k in new if k not in old]

    def shown(key: str, value: Any) -> str:
        return names.show(entity, key, value) if names is not None else show_value(key, value, entity)

    return [FieldChange(k, field_label(entity, k), shown(k, old[k]) if k in old else "",
                        shown(k, new[k]) if k in new else "") for k in keys]


def to_row(entry: AuditEntry, names: _Names | None = None) -> AuditRow:
    old, new = _load(entry.old_values), _load(entry.new_values)
    return AuditRow(entry.id, entry.at, entry.user, entry.action, action_label(entry.action), entry.entity,
                    entity_label(entry.entity), entry.entity_id, entry.summary, _fields(entry.entity, old, new, names),
                    {**old, **new})


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


# --- the printed audit ledger: grouped by day and record -----------------------------------------
@dataclass(frozen=True)
class AuditLine:
    """One line of the printed 操作日志: the entries one person made on one day to one record (a
    photo or a service record counts under its activity, a training under its volunteer), in words.
    Hashes, sizes and bookkeeping columns stay in the audit page's details pane."""

    day: date
    times: str  # 09:30, or 09:30–09:41 for a group
    user: str
    action_label: str
    entity_label: str  # 活动, 志愿者 … (the record's own table, or the one its rows belong to)
    record: str  # 重阳节敬老活动（#12）（含照片 3 张） / 重阳节敬老活动（#12）的照片 3 张
    changes: str  # what changed, for a 修改; empty where the record says it all
    count: int  # audit entries behind the line


def _printed_changes(row: AuditRow) -> str:
    if row.action == "update":
        parts = [f"{f.label}: {_short(f.old) or EMPTY} → {_short(f.new) or EMPTY}"
                 for f in row.fields if f.key not in TECHNICAL_FIELDS]
        return "；".join(parts)
    if row.entity == "settings" and row.action in ("create", "delete"):
        value = next((f.new or f.old for f in row.fields if f.key == "value"), "")
        return f"值: {_short(value)}" if value else ""
    return ""


def _group_key(row: AuditRow) -> tuple[Any, ...]:
    """Rows with one key make one printed line: a record's own entry and the entries of the rows
    that belong to it (its photos, its service records), made by one person on one day."""
    entity = ENTITIES.get(row.entity)
    column, table = entity.parent if entity is not None else ("", "")
    if column and row.action in ("create", "delete") and row.values.get(column) is not None:
        return (row.at.date(), row.user, row.action, table, row.values[column])
    return (row.at.date(), row.user, row.action, row.entity, row.entity_id if row.entity_id is not None else -row.id)


def _line(rows: list[AuditRow]) -> AuditLine:
    first, last = rows[-1], rows[0]  # newest first
    times = f"{first.at:%H:%M}" if first.at.strftime("%H:%M") == last.at.strftime("%H:%M") \
        else f"{first.at:%H:%M}–{last.at:%H:%M}"
    owners = [r for r in rows if not (ENTITIES.get(r.entity) and ENTITIES[r.entity].parent[0]
                                      and r.values.get(ENTITIES[r.entity].parent[0]) is not None
                                      and r.action in ("create", "delete"))]
    children = [r for r in rows if r not in owners]
    counted: dict[str, int] = {}
    for child in children:
        counted[child.entity] = counted.get(child.entity, 0) + 1
    parts = [f"{entity_label(t)} {n} {ENTITIES[t].unit}" for t, n in counted.items()]
    head = owners[0] if owners else rows[0]
    if head.action in ACTIONS_WITH_SUMMARY:
        record = head.summary
    elif owners:
        record = head.record or head.entity_label
        if len(owners) > 1:
            record += f"（{len(owners)} 次）"
        if parts:
            record += f"（含{'、'.join(parts)}）"
    else:
        column = ENTITIES[head.entity].parent[0]
        owner = next((f.new or f.old for f in head.fields if f.key == column), "")
        record = f"{owner}的{'、'.join(parts)}" if len(children) > 1 else f"{owner}的{head.entity_label}「{head.summary}」"
    subject = head.entity_label if owners else entity_label(ENTITIES[head.entity].parent[1])
    changes = "；".join(dict.fromkeys(c for c in (_printed_changes(r) for r in reversed(rows)) if c))
    return AuditLine(head.at.date(), times, head.user, head.action_label, subject, record, changes, len(rows))


# Entries whose summary already says everything (written by `record()`, not by the flush hook).
ACTIONS_WITH_SUMMARY = {"import", "export", "backup", "restore_backup", "restore", "purge", "empty", "login",
                        "logout", "login_failed", "lock", "unlock", "check", "migrate", "stage",
                        "destroy"}


def ledger_lines(rows: list[AuditRow]) -> list[AuditLine]:
    """The trail as the printed ledger shows it, newest first: consecutive entries of one person,
    day, action and record (or record they belong to) become one line."""
    lines: list[AuditLine] = []
    group: list[AuditRow] = []
    key: tuple[Any, ...] | None = None
    for row in rows:
        row_key = _group_key(row)
        if group and row_key != key:
            lines.append(_line(group))
            group = []
        group.append(row)
        key = row_key
    if group:
        lines.append(_line(group))
    return lines
