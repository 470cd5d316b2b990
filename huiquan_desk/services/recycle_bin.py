"""The recycle bin (回收站): a deleted record waits here, with its links, until it is restored or purged.

Deleting moves the record and the rows that belong to it (an activity's attachment rows, a
volunteer's trainings, commendations and evaluations) into one `recycle_bin` row as JSON:

    {"entity": "activities",
     "tables": {"activities": [{every column}], "attachments": [{...}, ...]},
     "refs": {"categories": {"3": "传统节日"}}}

built generically from the table definitions (dates as ISO strings). `refs` keeps the names of
the rows outside the payload that the deleted rows point to, so a restore that cannot find them
any more can say which one is gone. The files of attachments stay in files/ (named by their
SHA-256) while any attachment row or bin entry still names them; only emptying the bin removes
files nobody references.

The ORM deletes are audited by the flush hook (storage.audit); a restore, a purge and emptying
the bin add their own entries. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import Any, cast

from sqlalchemy import Date, DateTime, Table, UniqueConstraint, delete, event, func, insert, inspect, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.services.audit_log import show_value
from huiquan_desk.services.entities import ENTITIES, bin_label, bin_name, entity_label, field_label, names_of
from huiquan_desk.storage import audit
from huiquan_desk.storage.files import FILE_TABLES, FileStore, name_problem, rendition_beside, rendition_of
from huiquan_desk.storage.models import Base, RecycledItem, now

log = logging.getLogger("huiquan_desk")

# How attachments are counted in the bin's list, by kind: 照片 2 张、签到表 1 份.
ATTACHMENT_UNITS = {"photo": ("照片", "张"), "signin": ("签到表", "份")}


def _children_text(tables: dict[str, list[dict[str, Any]]], entity: str) -> str:
    parts = []
    for name, rows in tables.items():
        if name == entity or not rows:
            continue
        if name == "attachments":
            for kind, (label, unit) in ATTACHMENT_UNITS.items():
                n = sum(1 for r in rows if r.get("kind") == kind)
                if n:
                    parts.append(f"{label} {n} {unit}")
            others = sum(1 for r in rows if r.get("kind") not in ATTACHMENT_UNITS)
            if others:
                parts.append(f"其他附件 {others} 个")
        else:
            unit = ENTITIES[name].unit if name in ENTITIES else "条"
            parts.append(f"{entity_label(name)} {len(rows)} {unit}")
    return "、".join(parts)


@dataclass(frozen=True)
class BinRow:
    id: int
    entity: str  # table name of the record: activities / volunteers / service_records
    entity_label: str  # 活动 / 志愿者 / 补录记录
    entity_id: int  # the id it had when deleted
    label: str
    deleted_at: datetime
    deleted_by: str
    children: dict[str, int] = field(default_factory=dict)  # table name -> rows
    children_text: str = ""  # 照片 2 张、签到表 1 份 / 培训 1 条 (empty when nothing came along)


@dataclass(frozen=True)
class RestoredInfo:
    bin_id: int
    entity: str
    entity_label: str
    label: str
    entity_id: int  # the id it has now
    original_id: int
    children: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the user should know (a team that is gone …)
    children_text: str = ""

    @property
    def message(self) -> str:
        extra = self.children_text
        text = f"已恢复{self.entity_label}「{self.label}」" + (f"（含{extra}）" if extra else "") + "。"
        return text + "".join(self.notes)


# --- payload ------------------------------------------------------------------------------------
def _table(obj: Base) -> Table:
    return cast(Table, inspect(obj).mapper.local_table)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_dict(obj: Base) -> dict[str, Any]:
    """Every column of a mapped row, by column name, dates as ISO strings."""
    mapper = inspect(obj).mapper
    return {attr.columns[0].name: _json_value(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def _from_json(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Back to Python values a Core insert takes (unknown keys, e.g. from an older schema, dropped)."""
    values = {}
    for column in table.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        if isinstance(value, str) and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        values[column.name] = value
    return values


def _label_of(session: Session, table: Table, row_id: object) -> str:
    if not isinstance(row_id, int):
        return f"#{row_id}"
    return names_of(session, table, [row_id]).get(row_id, f"#{row_id}")


def _outside_refs(session: Session, tables: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, str]]:
    """Names of the rows outside the payload that its rows point to (category, team, volunteer …)."""
    refs: dict[str, dict[str, str]] = {}
    for name, rows in tables.items():
        table = Base.metadata.tables[name]
        for fk in table.foreign_keys:
            target = fk.column.table
            if target.name in tables:
                continue
            for row in rows:
                value = row.get(fk.parent.name)
                if value is not None:
                    refs.setdefault(target.name, {})[str(value)] = _label_of(session, target, value)
    return refs


def move_to_bin(session: Session, record: Base, children: Sequence[Base] = (), label: str | None = None) -> int:
    """Delete `record` and the rows that belong to it, keeping them in the bin. Returns the bin id.

    The children are deleted first (each one audited), then the record itself."""
    tables: dict[str, list[dict[str, Any]]] = {_table(record).name: [row_dict(record)]}
    for child in children:
        tables.setdefault(_table(child).name, []).append(row_dict(child))
    entity = _table(record).name
    payload = {"entity": entity, "tables": tables, "refs": _outside_refs(session, tables)}
    item = RecycledItem(entity=entity, entity_id=record.id, label=(label or bin_name(entity, tables[entity][0]))[:300],  # type: ignore[attr-defined]
                        deleted_at=now(), deleted_by=audit.user_of(session),
                        payload=json.dumps(payload, ensure_ascii=False))
    session.add(item)
    # Table by table, in the order given (the rows that hang on others first): the ORM does not
    # order deletes of tables it has no relationship between, and a row the database already
    # removed by ON DELETE CASCADE would be a stale delete.
    for _name, group in groupby(children, key=lambda child: _table(child).name):
        for child in group:
            session.delete(child)
        session.flush()
    session.flush()
    session.expire(record)  # its relationship collections still list the children just deleted
    session.delete(record)
    session.flush()
    return item.id


# --- listing ------------------------------------------------------------------------------------
def _payload(item: RecycledItem) -> dict[str, Any]:
    return json.loads(item.payload)


def _children(item: RecycledItem, payload: dict[str, Any]) -> dict[str, int]:
    return {name: len(rows) for name, rows in payload.get("tables", {}).items() if name != item.entity}


def list_bin(session: Session) -> list[BinRow]:
    """Newest first."""
    rows = []
    for item in session.scalars(select(RecycledItem).order_by(RecycledItem.deleted_at.desc(), RecycledItem.id.desc())):
        payload = _payload(item)
        rows.append(BinRow(item.id, item.entity, bin_label(item.entity),
                           item.entity_id, item.label, item.deleted_at, item.deleted_by, _children(item, payload),
                           _children_text(payload.get("tables", {}), item.entity)))
    return rows


def count_bin(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(RecycledItem)) or 0


def _get(session: Session, bin_id: int) -> RecycledItem:
    item = session.get(RecycledItem, bin_id)
    if item is None:
        raise NotFoundError("回收站中已没有这一项，可能已被恢复或永久删除。")
    return item


# --- restore ------------------------------------------------------------------------------------
def _in_bin(session: Session, table: str, row_id: object, skip: int) -> str | None:
    """The label of the bin entry that holds row `row_id` of `table`, if any."""
    for item in session.scalars(select(RecycledItem).where(RecycledItem.id != skip)):
        rows = _payload(item).get("tables", {}).get(table, [])
        if any(r.get("id") == row_id for r in rows):
            return item.label
    return None


def _check_unique(session: Session, table: Table, values: dict[str, Any], what: str, kind: str) -> list[Problem]:
    """Unique columns (志愿者编号, 身份证号 …) that another record took meanwhile."""
    problems = []
    constraints = sorted((c for c in table.constraints if isinstance(c, UniqueConstraint)),
                         key=lambda c: [table.columns.keys().index(col.name) for col in c.columns])
    for constraint in constraints:
        columns = list(constraint.columns)
        if any(values.get(c.name) is None for c in columns):
            continue
        other = session.scalar(select(table.c.id).where(*(c == values[c.name] for c in columns)))
        if other is not None:
            name = _label_of(session, table, other)
            labels = "、".join(field_label(table.name, c.name) for c in columns)
            shown = "、".join(f"{field_label(table.name, c.name)}「{show_value(c.name, values[c.name])}」" for c in columns)
            problems.append(Problem(field_label(table.name, columns[0].name),
                                    f"{what}的{shown}已被「{name}」使用，无法恢复。如是同一{kind}，请直接使用「{name}」；"
                                    f"否则请先修改「{name}」的{labels}，再恢复"))
    return problems


def _check_rules(session: Session, table: Table, values: dict[str, Any]) -> list[Problem]:
    """Rules of the service layer a restore must not get round."""
    from huiquan_desk.services.filing import restore_problem  # filing reads the bin: import here

    if (frozen := restore_problem(session, table.name, values)) is not None:
        return [Problem(entity_label(table.name), frozen)]
    if table.name == "rectification_photos":
        from huiquan_desk.services import rectification_photos

        if (verified := rectification_photos.restore_problem(session, values)) is not None:
            return [Problem(entity_label(table.name), verified)]
    if table.name == "service_records" and values.get("activity_id") is not None and values.get("source") == "supplement":
        taken = session.scalar(select(table.c.id).where(
            table.c.activity_id == values["activity_id"], table.c.volunteer_id == values.get("volunteer_id"),
            table.c.source == "activity"))
        if taken is not None:
            return [Problem("活动", "该志愿者在这项活动的签到中已有时长，恢复这条补录会重复计算；"
                            "如时长有误请在「志愿服务登记」中修改")]
    return []


def _cascade_target_gone(session: Session, table: Table, values: dict[str, Any], tables: dict[str, Any],
                         refs: dict[str, dict[str, str]], entity: str) -> tuple[str, str] | None:
    """(field label, name) of the outside record a child row points to with ON DELETE CASCADE when
    that record no longer exists (or waits in the bin), else None. The deleted record itself is
    never dropped this way."""
    if table.name == entity:
        return None
    for fk in table.foreign_keys:
        value = values.get(fk.parent.name)
        if fk.ondelete != "CASCADE" or value is None or fk.column.table.name in tables:
            continue
        if session.execute(select(fk.column).where(fk.column == value)).first() is None:
            return field_label(table.name, fk.parent.name), refs.get(fk.column.table.name, {}).get(str(value), f"#{value}")
    return None


def restore_item(session: Session, bin_id: int, files: FileStore | None = None) -> RestoredInfo:
    """Put the record and its rows back (original ids when free) and remove the bin entry.

    Refuses (ValidationError, nothing written) when a row it points to is gone and cannot be left
    empty (an activity's category) or is itself in the bin (restore that first). A reference that
    may be empty (a volunteer's team) is left empty and the returned notes say so.
    """
    item = _get(session, bin_id)
    payload = _payload(item)
    tables: dict[str, list[dict[str, Any]]] = payload.get("tables", {})
    refs: dict[str, dict[str, str]] = payload.get("refs", {})
    what = f"{bin_label(item.entity)}「{item.label}」"
    order = [t for t in Base.metadata.sorted_tables if t.name in tables]
    problems: list[Problem] = []
    notes: list[str] = []
    rows_by_table = {t.name: [_from_json(t, row) for row in tables[t.name]] for t in order}

    # 1. What the rows point to outside the payload must still be there. A row that only links
    #    the record to one that is gone (ON DELETE CASCADE: it would have gone with it, say a
    #    campaign's link to an activity deleted since) is left out, and the notes say so.
    for table in order:
        kept = []
        for values in rows_by_table[table.name]:
            gone = _cascade_target_gone(session, table, values, tables, refs, item.entity)
            if gone is not None:
                field_name, ref = gone
                notes.append(f"原{field_name}「{ref}」已被删除，{entity_label(table.name)}中与它的关联不再恢复。")
                continue
            kept.append(values)
        rows_by_table[table.name] = kept
    for table in order:
        for values in rows_by_table[table.name]:
            for fk in table.foreign_keys:
                column, target = fk.parent, fk.column.table
                value = values.get(column.name)
                if value is None or target.name in tables:
                    continue
                if session.execute(select(fk.column).where(fk.column == value)).first() is not None:
                    continue
                field_name = field_label(table.name, column.name)
                ref = refs.get(target.name, {}).get(str(value), f"#{value}")
                holder = _in_bin(session, target.name, value, item.id)
                if holder is not None:
                    problems.append(Problem(field_name, f"{what}的{field_name}「{ref}」也在回收站中，请先恢复「{holder}」，再恢复这一项"))
                elif column.nullable and fk.ondelete == "SET NULL":
                    values[column.name] = None
                    notes.append(f"原{field_name}「{ref}」已被删除，恢复后{field_name}为空，请在需要时重新选择。")
                else:
                    problems.append(Problem(field_name, f"{what}的{field_name}「{ref}」已被删除，无法恢复这一项"))
    # 2. Unique values another record took meanwhile, and service rules.
    for table in order:
        for values in rows_by_table[table.name]:
            kind = bin_label(table.name)
            problems += _check_unique(session, table, values, what, kind)
            problems += _check_rules(session, table, values)
    if problems:
        raise ValidationError(problems)

    # 3. Insert, parents first; keep ids when free, else new ids with the children re-pointed.
    ids: dict[str, dict[int, int]] = {}
    for table in order:
        for values in rows_by_table[table.name]:
            if any(fk.column.table.name in tables and values.get(fk.parent.name) is not None
                   and values[fk.parent.name] not in ids.get(fk.column.table.name, {}) for fk in table.foreign_keys):
                continue  # it belongs to a row left out above
            for fk in table.foreign_keys:
                target_name = fk.column.table.name
                if target_name in ids and values.get(fk.parent.name) is not None:
                    values[fk.parent.name] = ids[target_name][values[fk.parent.name]]
            old_id = values["id"]
            if session.execute(select(table.c.id).where(table.c.id == old_id)).first() is not None:
                del values["id"]
            inserted = cast(CursorResult[Any], session.execute(insert(table).values(**values))).inserted_primary_key
            assert inserted is not None
            new_id = inserted[0]
            ids.setdefault(table.name, {})[old_id] = new_id
    for values in rows_by_table.get("archive_items", []):
        from huiquan_desk.services.filing import refiled  # filing reads the bin: import here

        refiled(session, values)
    session.delete(item)
    session.flush()
    session.expire_all()  # rows of these tables loaded earlier in this session are stale now

    new_id = ids[item.entity][item.entity_id]
    if files is not None:
        missing = [a for t in FILE_TABLES for a in rows_by_table.get(t, []) if files.verify(a["sha256"], a["suffix"])]
        if missing:
            notes.append(f"有 {len(missing)} 个附件文件在数据文件夹中找不到或已损坏（{'、'.join(a['original_name'] for a in missing[:3])}），"
                         "请从备份中找回或重新上传。")
    children = {name: len(rows) for name, rows in tables.items() if name != item.entity}
    info = RestoredInfo(item.id, item.entity, bin_label(item.entity), item.label, new_id,
                        item.entity_id, children, notes, _children_text(tables, item.entity))
    changed_ids = {f"{t}#{o}": n for t, m in ids.items() for o, n in m.items() if o != n}
    details: dict[str, Any] = {"回收站编号": item.id, "删除时间": item.deleted_at.isoformat(sep=" "), "删除人": item.deleted_by}
    details.update({f"恢复{entity_label(t)}": len(rows) for t, rows in tables.items()})
    if changed_ids:
        details["改用新编号"] = changed_ids
    if notes:
        details["说明"] = " ".join(notes)
    audit.record(session, "restore", item.entity, f"从回收站恢复{what}", entity_id=new_id, details=details)
    return info


# --- purge and empty ----------------------------------------------------------------------------
def _require_admin(session: Session, action: str) -> None:
    from huiquan_desk.services.accounts import require_admin  # accounts reads settings: import here

    require_admin(session, action)


def _file_names(payload: dict[str, Any]) -> set[str]:
    """The stored files a bin entry names. A name that is not a stored file's name (a crafted
    `../../x`) is never turned into a path: it is left out here and reported by `check`."""
    names = set()
    for table in FILE_TABLES:
        for row in payload.get("tables", {}).get(table, []):
            sha, suffix = row.get("sha256"), row.get("suffix") or ""
            if name_problem(sha, suffix) is None:
                names.add(f"{sha}{suffix}")
    return names


def _referenced_files(session: Session) -> set[str]:
    tables = [Base.metadata.tables[name] for name in FILE_TABLES]  # every table naming stored files
    names = {f"{sha}{suffix or ''}" for table in tables
             for sha, suffix in session.execute(select(table.c.sha256, table.c.suffix))}
    for payload_text in session.scalars(select(RecycledItem.payload)):
        names |= _file_names(json.loads(payload_text))
    return names


def _stored_files(files: FileStore) -> dict[str, Any]:
    """Files of the store by name (sha256 + suffix); temporary `.incoming-` files are not ours to touch."""
    found: dict[str, Any] = {}
    if not files.root.is_dir():
        return found
    for folder in files.root.iterdir():
        if not folder.is_dir() or len(folder.name) != 2:
            continue
        for path in folder.iterdir():
            name = path.name
            if path.is_file() and len(name) >= 64 and name[:2] == folder.name and all(c in "0123456789abcdef" for c in name[:64]):
                found[name] = path
    return found


def _delete_after_commit(session: Session, paths: list[Any]) -> None:
    """Remove the files once the transaction holding the deletes has committed (never before)."""
    if not paths:
        return

    def remove(_session: Session) -> None:
        for path in paths:
            try:
                path.unlink(missing_ok=True)
            except OSError as err:  # a file open in a viewer: it stays, the next emptying retries
                log.warning("could not remove unreferenced file %s: %s", path, err)

    event.listen(session, "after_commit", remove, once=True)


def unreferenced_files(session: Session, files: FileStore) -> list[Any]:
    """Files in files/ that no attachment row and no bin entry references (a JPEG rendition counts
    as referenced while its original is: storage.files.rendition_of)."""
    referenced = _referenced_files(session)
    kept = {name[:64] for name in referenced}
    return sorted(path for name, path in _stored_files(files).items()
                  if name not in referenced and rendition_of(name) not in kept)


def purge_item(session: Session, bin_id: int, files: FileStore | None = None) -> None:
    """Delete one bin entry for good (管理员 only); with `files`, also its attachment files nobody
    else references, once the transaction has committed."""
    _require_admin(session, "永久删除回收站中的记录")
    item = _get(session, bin_id)
    payload = _payload(item)
    what = f"{bin_label(item.entity)}「{item.label}」"
    session.delete(item)
    session.flush()
    doomed = []
    if files is not None:
        referenced = _referenced_files(session)
        doomed = [files.path_for(name[:64], name[64:]) for name in _file_names(payload) - referenced]
        doomed += [r for p in doomed if (r := rendition_beside(p)) is not None]  # a face in a JPEG copy too
        doomed = [p for p in doomed if p.is_file()]
    audit.record(session, "purge", item.entity, f"从回收站永久删除{what}", entity_id=item.entity_id,
                 details={"回收站编号": item.id, "删除时间": item.deleted_at.isoformat(sep=" "), "删除人": item.deleted_by,
                          "删除附件文件": len(doomed)})
    _delete_after_commit(session, doomed)


def empty_bin(session: Session, files: FileStore) -> int:
    """Delete every bin entry (the caller has asked the user), then, once committed, every file in
    files/ that no attachment row references any more. 管理员 only. Returns the number of entries removed."""
    _require_admin(session, "清空回收站")
    count = cast(CursorResult[Any], session.execute(delete(RecycledItem))).rowcount or 0
    session.flush()
    doomed = unreferenced_files(session, files)
    audit.record(session, "empty", "recycle_bin", f"清空回收站：{count} 项，清理不再使用的附件文件 {len(doomed)} 个",
                 details={"删除项数": count, "删除附件文件": len(doomed)})
    _delete_after_commit(session, doomed)
    return count
