"""The fixity check of the archive (档案检测, DA/T 70-2018 "四性": integrity and usability): every
file of an item that is not destroyed is checked against its SHA-256 and opened (an image is
decoded with Pillow, HEIC included; a PDF is parsed with pypdf; other files are checked by hash
only). It finds files missing, changed (the hash differs) and added: a file in files/ that no
attachment, archive file or recycle-bin entry names (files/ is shared with the activities'
photos). Added files are reported as 多出的文件 and never deleted here (emptying the recycle bin
clears them); they are noticed, not failures, since ordinary work leaves such files too (a photo
removed from an activity).

Problems are named by 档号 (「未编号：题名」 before numbering) and the file's original name. Every
check is recorded as a `FixityCheck` row (when, scope, files, problems, details, who) in its own
transaction: a check changes no data, so anyone who may read may record one (like an audit entry),
unless the database file is read-only. A setting (settings.FIXITY_DAYS) says how often a check is
due (`check_due`): the window runs it at start-up when it is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import archives as rules
from huiquan_desk.domain.errors import HuiquanError, Progress
from huiquan_desk.services.archives import IMAGE_SUFFIXES
from huiquan_desk.services.settings import FIXITY_DAYS, get_setting
from huiquan_desk.storage.files import FileStore, enable_heif, name_problem, sha256_of
from huiquan_desk.storage.models import ArchiveFile, ArchiveItem, FixityCheck, now

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

log = logging.getLogger("huiquan_desk")
SCOPE = "全部档案"
EXTRA = "多出的文件"


@dataclass(frozen=True)
class FixityProblem:
    """One failed file: 档号 (or 「未编号：题名」), the file's name, what is wrong."""

    code: str
    file: str
    problem: str

    @property
    def text(self) -> str:
        return f"{self.code} {self.file}：{self.problem}" if self.code else f"{self.file}：{self.problem}"


@dataclass
class FixityReport:
    checked_at: datetime
    files: int = 0  # archive files checked (one stored file named by two items counts twice)
    problems: list[FixityProblem] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # files/ names nobody references (多出的文件)
    check_id: int | None = None  # the FixityCheck row, once recorded
    scope: str = SCOPE

    @property
    def ok(self) -> bool:
        """No archived file missing, changed or unreadable. Added files are noticed, not failures:
        files/ is shared with the activities' photos, and a photo removed from an activity or a
        save that failed half way leaves one behind as well."""
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems)

    @property
    def problem_lines(self) -> list[str]:
        """Every problem, one a line, by 档号."""
        return [p.text for p in self.problems]

    @property
    def extra_lines(self) -> list[str]:
        return [f"{EXTRA}：files/{name[:2]}/{name}（没有任何记录使用它，未删除；清空回收站时会一并清理）"
                for name in self.extra]

    @property
    def lines(self) -> list[str]:
        """Problems by 档号, then the added files."""
        return self.problem_lines + self.extra_lines

    @property
    def summary(self) -> str:
        """「已检测 123 个档案文件，没有发现问题」 / 「…，发现 2 个问题」, and the added files if any."""
        text = (f"已检测 {self.files} 个档案文件，没有发现问题" if self.ok
                else f"已检测 {self.files} 个档案文件，发现 {len(self.problems)} 个问题")
        return text + (f"；另有{EXTRA} {len(self.extra)} 个（不属于任何记录）" if self.extra else "")


@dataclass(frozen=True)
class CheckRow:
    """A recorded check, as the archive page shows the last one."""

    id: int
    checked_at: datetime
    scope: str
    files: int
    problems: int
    details: str
    operator: str

    @property
    def text(self) -> str:
        result = "没有发现问题" if not self.problems else f"发现 {self.problems} 个问题"
        who = f"（{self.operator}）" if self.operator else ""
        return f"上次检测：{self.checked_at:%Y-%m-%d %H:%M}{who}，{self.files} 个文件，{result}"


# --- opening a file ---------------------------------------------------------------------------------
def open_problem(path: Path, suffix: str) -> str | None:
    """None if the file opens as what its suffix says (an image decodes, a PDF parses), else why not.
    Other kinds are not opened (their hash is what is checked)."""
    suffix = suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        from PIL import Image

        if suffix in (".heic", ".heif"):
            enable_heif()
        try:
            with Image.open(path) as image:
                image.load()
        except Exception as err:  # noqa: BLE001 - Pillow and its plugins raise OSError, SyntaxError, …
            return f"图片无法打开（{type(err).__name__}）"
        return None
    if suffix == ".pdf":
        from pypdf import PdfReader

        try:
            reader = PdfReader(path)
            if len(reader.pages) < 1:
                return "PDF 没有页面"
            reader.pages[0].mediabox  # noqa: B018 - reading the first page's box parses it
        except Exception as err:  # noqa: BLE001 - pypdf raises PdfReadError, ValueError, KeyError, …
            return f"PDF 无法打开（{type(err).__name__}）"
    return None


def file_problem(store: FileStore, sha256: str, suffix: str) -> str | None:
    """What is wrong with one stored file: 文件缺失, 内容已被改动 or 无法打开; None when it is fine."""
    if problem := name_problem(sha256, suffix):
        return problem
    path = store.path_for(sha256, suffix)
    if not path.is_file():
        return "文件缺失"
    try:
        if sha256_of(path) != sha256:
            return "文件内容已被改动（校验值不符）"
    except OSError as err:
        return f"文件无法读取：{err.strerror or err}"
    return open_problem(path, suffix)


def item_code(item: ArchiveItem) -> str:
    """0194-WS·2025-D30-0001, or 「未编号：题名」 before numbering."""
    if item.number is None:
        return f"「未编号：{item.title}」"
    return rules.code_text(item.fonds, item.category, item.year, item.retention, item.number, item.org)


# --- the check --------------------------------------------------------------------------------------
def _archive_files(session: Session) -> list[tuple[ArchiveItem, ArchiveFile]]:
    return list(session.execute(
        select(ArchiveItem, ArchiveFile).join(ArchiveFile, ArchiveFile.item_id == ArchiveItem.id)
        .where(ArchiveItem.destroyed_on.is_(None))
        .order_by(ArchiveItem.year, ArchiveItem.category, ArchiveItem.retention, ArchiveItem.org,
                  ArchiveItem.number.is_(None), ArchiveItem.number, ArchiveItem.id, ArchiveFile.sort_order,
                  ArchiveFile.id)).all())


def run_check(session: Session, store: FileStore, progress: Progress | None = None) -> FixityReport:
    """Check every archived file and look for added files; reads only (see `check_archive`).
    `progress(done, total)` per file; Cancelled from it stops the check."""
    from huiquan_desk.services.recycle_bin import unreferenced_files

    report = FixityReport(checked_at=now())
    rows = _archive_files(session)
    seen: dict[tuple[str, str], str | None] = {}
    for index, (item, f) in enumerate(rows, start=1):
        key = (f.sha256, f.suffix or "")
        if key not in seen:
            seen[key] = file_problem(store, *key)
        report.files += 1
        if seen[key]:
            report.problems.append(FixityProblem(item_code(item), f.original_name or f"{f.sha256[:12]}{f.suffix}",
                                                 seen[key] or ""))
        if progress is not None:
            progress(index, len(rows) + 1)
    report.extra = [Path(p).name for p in unreferenced_files(session, store)]
    if progress is not None:
        progress(len(rows) + 1, len(rows) + 1)
    return report


def record_check(session: Session, report: FixityReport, operator: str) -> int:
    """The check as a `FixityCheck` row. No write permission needed: a check changes no data (see
    the module's docstring); the caller's unit of work commits it."""
    row = FixityCheck(checked_at=report.checked_at, scope=report.scope[:100], files=report.files,
                      problems=report.problem_count, details="\n".join(report.lines), operator=operator[:50])
    session.add(row)
    session.flush()
    return row.id


def check_archive(ws: Workspace, progress: Progress | None = None) -> FixityReport:
    """Check every archived file (`run_check`, a read), then record the check in its own
    transaction. On a read-only database the check runs and is not recorded (check_id None)."""
    from huiquan_desk.storage.engine import unit_of_work

    with ws.read() as session:
        report = run_check(session, ws.files, progress)
    if ws.read_only:
        log.warning("fixity check not recorded: the database is read-only")
        return report
    try:
        with unit_of_work(ws.writers, ws.info) as session:
            report.check_id = record_check(session, report, ws.operator)
    except HuiquanError as err:  # a busy or read-only database: the result still stands
        log.warning("fixity check not recorded: %s", err)
    return report


# --- when was it done, when is it due ---------------------------------------------------------------
def _row(c: FixityCheck) -> CheckRow:
    return CheckRow(c.id, c.checked_at, c.scope, c.files, c.problems, c.details, c.operator)


def last_check(session: Session) -> CheckRow | None:
    found = session.scalar(select(FixityCheck).order_by(FixityCheck.checked_at.desc(), FixityCheck.id.desc()).limit(1))
    return _row(found) if found is not None else None


def check_due(session: Session, today: date | None = None) -> bool:
    """Whether a check is due (settings.FIXITY_DAYS; 0: never scheduled): the archive has files and
    the last check is that many days old or there was none."""
    days = get_setting(session, FIXITY_DAYS)
    if days <= 0:
        return False
    if not session.scalar(select(func.count()).select_from(ArchiveFile)):
        return False
    last = last_check(session)
    if last is None:
        return True
    return ((today or date.today()) - last.checked_at.date()).days >= days


def problems_text(lines: Iterable[str], limit: int = 30) -> str:
    """The first `limit` problem lines, and how many more there are."""
    shown = list(lines)
    more = len(shown) - limit
    return "\n".join(shown[:limit]) + (f"\n……另有 {more} 个问题" if more > 0 else "")

