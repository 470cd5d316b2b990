"""Is this database one the app made? The schema of a database compared with a reference database
migrated to the same revision by the app's own migrations.

A database that arrives from outside (a backup zip, a data folder someone copied) is code as much
as data: a trigger runs on the next write (one found in the wild set the community name to an
attacker's text; one calling `load_extension` made every later write fail), a view or a virtual
table can shadow what the app reads. So before such a database replaces the user's data:

- its revision must be one of the app's own migrations (`revisions.REVISIONS`);
- its tables, their columns (name, type, NOT NULL, default, primary key, hidden/generated),
  foreign keys and indexes (columns, order, collation, unique, partial) must be exactly what that
  revision creates;
- it may hold no trigger and no view that the migrations did not create (compared by their SQL,
  which the migrations write by hand), and no virtual table either.

The reference is built once per revision and process in a temporary file (about a second).
Table SQL is compared structurally, not as text, so a database migrated by an older SQLAlchemy
(which may print its CREATE TABLE a little differently) is still recognised.
Plain sqlite3 on files; Alembic is imported only to build a reference.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from huiquan_desk.storage import sqlite as sqlite_files
from huiquan_desk.storage.revisions import HEAD_REVISION, REVISIONS

# SQLite's own tables (created by AUTOINCREMENT and ANALYZE); a user cannot create sqlite_* names.
INTERNAL_TABLES = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}


def quote(name: str) -> str:
    """An SQL identifier, quoted so that any name (quotes included) is just a name."""
    return '"' + name.replace('"', '""') + '"'


def _sql_text(sql: str | None) -> str:
    return re.sub(r"\s+", " ", (sql or "").strip())


@dataclass(frozen=True)
class Schema:
    tables: dict[str, tuple]  # name -> (columns, foreign keys)
    indexes: dict[str, tuple]  # name -> (table, unique, partial, columns); automatic ones by table
    triggers: dict[str, str]  # name -> SQL
    views: dict[str, str]
    virtual: dict[str, str]  # virtual tables -> SQL

    def differences(self, reference: Schema) -> list[str]:
        """Chinese descriptions of how this schema differs from `reference` ([] if identical)."""
        problems: list[str] = []
        for kind, mine, theirs in (("触发器", self.triggers, reference.triggers), ("视图", self.views, reference.views),
                                   ("虚拟表", self.virtual, reference.virtual)):
            for name in sorted(set(mine) - set(theirs)):
                problems.append(f"数据库里有本程序不会创建的{kind}「{name}」")
            for name in sorted(set(theirs) - set(mine)):
                problems.append(f"数据库缺少本程序的{kind}「{name}」")
            for name in sorted(set(mine) & set(theirs)):
                if mine[name] != theirs[name]:
                    problems.append(f"数据库里的{kind}「{name}」被改动过")
        for name in sorted(set(self.tables) - set(reference.tables)):
            problems.append(f"数据库里有本程序不会创建的数据表「{name}」")
        for name in sorted(set(reference.tables) - set(self.tables)):
            problems.append(f"数据库缺少数据表「{name}」")
        for name in sorted(set(self.tables) & set(reference.tables)):
            columns, keys = self.tables[name]
            ref_columns, ref_keys = reference.tables[name]
            if columns != ref_columns:
                problems.append(f"数据表「{name}」的字段与本程序的不一致")
            if keys != ref_keys:
                problems.append(f"数据表「{name}」的外键与本程序的不一致")
        for name in sorted(set(self.indexes) - set(reference.indexes)):
            problems.append(f"数据库里有本程序不会创建的索引「{name}」")
        for name in sorted(set(reference.indexes) - set(self.indexes)):
            problems.append(f"数据库缺少索引「{name}」")
        for name in sorted(set(self.indexes) & set(reference.indexes)):
            if self.indexes[name] != reference.indexes[name]:
                problems.append(f"索引「{name}」与本程序的不一致")
        return problems


def read_schema(conn: sqlite3.Connection) -> Schema:
    """The schema of an open database (read only; any object name is safe to pass in)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    virtual = {name: _sql_text(sql) for kind, name, _t, sql in rows
               if kind == "table" and (sql or "").lstrip().upper().startswith("CREATE VIRTUAL TABLE")}
    tables: dict[str, tuple] = {}
    indexes: dict[str, tuple] = {}
    for kind, name, _table, _sql in rows:
        if kind != "table" or name in virtual or name in INTERNAL_TABLES:
            continue
        columns = tuple(tuple(r[1:]) for r in conn.execute(f"PRAGMA table_xinfo({quote(name)})"))
        keys = tuple(sorted(tuple(r[2:]) for r in conn.execute(f"PRAGMA foreign_key_list({quote(name)})")))
        tables[name] = (columns, keys)
        for _seq, index, unique, origin, partial in conn.execute(f"PRAGMA index_list({quote(name)})"):
            cols = tuple(tuple(r[1:]) for r in conn.execute(f"PRAGMA index_xinfo({quote(index)})"))
            # Automatic indexes (UNIQUE and PRIMARY KEY constraints) are named by SQLite in order of
            # creation, which a batch migration may change: key them by what they index.
            key = index if origin == "c" else f"{name}:{origin}:{cols}"
            indexes[key] = (name, unique, origin, partial, cols)
    triggers = {name: _sql_text(sql) for kind, name, _t, sql in rows if kind == "trigger"}
    views = {name: _sql_text(sql) for kind, name, _t, sql in rows if kind == "view"}
    return Schema(tables, indexes, triggers, views, virtual)


@cache
def reference_schema(revision: str) -> Schema:
    """The schema the app's migrations create at `revision` (built in a temporary file)."""
    from alembic import command

    from huiquan_desk.storage.engine import make_engine
    from huiquan_desk.storage.migrate import alembic_config

    with tempfile.TemporaryDirectory(prefix="huiquan-schema-") as scratch:
        database = Path(scratch) / "reference.sqlite3"
        engine = make_engine(database)
        try:
            config = alembic_config()
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        finally:
            engine.dispose()
        conn = sqlite_files.connect_readonly(database)
        try:
            return read_schema(conn)
        finally:
            conn.close()


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """[] if the open database is exactly what one of the app's migrations creates, else why not.

    Reads the revision from `alembic_version` (one row, one of `revisions.REVISIONS`)."""

    try:
        versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.Error:
        return ["数据库里没有版本信息，不是惠泉台账的数据库。"]
    if len(versions) != 1:
        return ["数据库的版本信息不完整或有多条，不是惠泉台账创建的数据库。"]
    revision = versions[0]
    if revision not in REVISIONS:
        return [f"数据库版本「{str(revision)[:40]}」不是惠泉台账的版本（本程序认识 {REVISIONS[0]} 到 {HEAD_REVISION}）。"]
    try:
        return read_schema(conn).differences(reference_schema(revision))
    except sqlite3.Error as err:
        return [f"数据库结构无法读取：{err}"]
