"""`huiquan-desk check`: database integrity, attachment files and backups, reported in Chinese."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import Progress
from huiquan_desk.paths import DataDir
from huiquan_desk.storage.files import FileStore
from huiquan_desk.storage.guard import database_read_only
from huiquan_desk.storage.migrate import HEAD_REVISION
from huiquan_desk.storage.models import Activity, Attachment


@dataclass
class CheckReport:
    checked_files: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_backups(data: DataDir, report: CheckReport, progress: Progress | None = None,
                  cap: int | None = None) -> None:
    """The newest backup in data/backups is verified fully (every member's SHA-256, the database
    inside); the others by their manifest; every file of the store that a backup needs is hashed
    (a missing or damaged one names the backups that need it). A broken one is a problem, no
    backup at all a note."""
    from huiquan_desk.storage import backups

    found = backups.list_backups(data)
    if not found:
        report.notes.append("备份文件夹里还没有备份（每天第一次打开时会自动备份）")
        return
    newest, *older = found
    verified: set[str] = set()
    if newest.ok is False:
        problems = newest.problems
    else:
        checked = backups.inspect_backup(newest.path, progress, cap=cap)
        problems, verified = checked.problems, set(checked.stored)
    for problem in problems:
        report.problems.append(f"最新的备份 {newest.path.name}：{problem}")
    if not problems:
        report.notes.append(f"最新的备份 {newest.path.name} 完整可用（{newest.summary()}）")
    broken = [info for info in older if info.ok is False]
    for info in broken:
        report.problems.append(f"备份 {info.path.name} 已损坏：{'；'.join(info.problems)}")
    report.notes.append(f"备份文件夹里共有 {len(found)} 个备份（其余 {len(older)} 个已核对备份说明）")
    stored = backups.store_problems(data.backups, skip=verified)  # every other file a backup needs, hashed
    report.problems.extend(stored)
    if not stored and backups.Store(data.backups).root.is_dir():
        report.notes.append(f"备份共用的照片库 {backups.STORE_DIR} 中，各备份需要的文件都在且完整")


def check(session: Session, store: FileStore, progress: Progress | None = None,
          data: DataDir | None = None) -> CheckReport:
    """With `data`, the database file's structure (only what this program's migrations create)
    and the backups in data/backups are checked too (see `check_backups`)."""
    report = _check_database(session, store, progress, read_only=data is not None and database_read_only(data))
    if data is not None:
        from huiquan_desk.services.backups import member_cap

        check_structure(data, report)
        check_backups(data, report, cap=member_cap(session))
    return report


def check_structure(data: DataDir, report: CheckReport) -> None:
    """No trigger, view, table or index this program did not create, and attachment names that are
    names (a crafted recycle-bin entry naming `../../x` is reported here, and never used as a path)."""
    from huiquan_desk.storage.backups import stored_name_problems
    from huiquan_desk.storage.schema import schema_problems
    from huiquan_desk.storage.sqlite import connect_readonly

    try:
        conn = connect_readonly(data.database)
        try:
            structure = schema_problems(conn)
            names = stored_name_problems(conn)
        finally:
            conn.close()
    except sqlite3.Error as err:
        report.problems.append(f"数据库结构无法读取：{err}")
        return
    report.problems.extend(f"数据库结构：{p}" for p in structure)
    report.problems.extend(f"附件名：{p}" for p in names)
    if not structure:
        report.notes.append("数据库结构与本程序的版本一致（没有外来的触发器、视图或数据表）")


def _check_database(session: Session, store: FileStore, progress: Progress | None,
                    read_only: bool = False) -> CheckReport:
    report = CheckReport()
    result = [row[0] for row in session.execute(text("PRAGMA integrity_check"))]
    if result != ["ok"]:
        report.problems.extend(f"数据库损坏：{line}" for line in result[:20])
        return report
    report.notes.append("数据库完整性检查通过")
    for table, rowid, parent, _fk in session.execute(text("PRAGMA foreign_key_check")):
        report.problems.append(f"数据表 {table} 第 {rowid} 行引用了不存在的 {parent} 记录")
    if read_only:  # FTS5's integrity check is written as an INSERT: it cannot run on a read-only file
        report.notes.append("数据库文件是只读的：检索索引没有检查（其余检查照常）")
    else:
        try:
            session.execute(text("INSERT INTO activity_fts(activity_fts, rank) VALUES('integrity-check', 1)"))
        except Exception as err:  # noqa: BLE001 - any failure here means the index is damaged
            if "readonly" in str(err) or "read-only" in str(err):
                report.notes.append("数据库文件是只读的：检索索引没有检查（其余检查照常）")
            else:
                report.problems.append(f"全文检索索引损坏（{err}），请从备份恢复或联系技术支持")
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision != HEAD_REVISION:
        report.problems.append(f"数据库版本 {revision} 与程序要求的 {HEAD_REVISION} 不一致")
    rows = session.execute(
        select(Attachment.sha256, Attachment.suffix, Attachment.original_name, Activity.title)
        .join(Activity, Activity.id == Attachment.activity_id)
        .order_by(Attachment.id)
    ).all()
    seen: dict[tuple[str, str], str | None] = {}
    for index, (sha, suffix, name, title) in enumerate(rows, start=1):
        key = (sha, suffix)
        if key not in seen:
            seen[key] = store.verify(sha, suffix)
            report.checked_files += 1
        if seen[key]:
            report.problems.append(f"活动「{title}」的附件 {name}：{seen[key]}")
        if progress is not None and index % 50 == 0:
            progress(index, len(rows))
    report.notes.append(f"已核对 {report.checked_files} 个附件文件")
    return report
