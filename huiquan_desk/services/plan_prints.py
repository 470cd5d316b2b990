"""The prints of the annual plan: the plan itself (PDF on the layout layer, or a workbook of the
plan and its 责任分解表: exports.plan_document) and the 责任分解表 alone, which is the ledger
registry's entry `responsibilities` (services.ledgers) with `--year`.

`export_plan(session, year, path, fmt)` is what the window, the command line and the inspection
pack call. The plan names the committee's staff, no residents: it is written without an audit
entry, atomically; progress and overdue are as of today.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.exports.ledger import Ledger, Letterhead
from huiquan_desk.exports.plan_document import write_plan_pdf, write_plan_workbook
from huiquan_desk.exports.plan_ledger import responsibility_ledger
from huiquan_desk.services.plans import PlanDetail, require_plan
from huiquan_desk.services.settings import get_profile

FORMATS = ("pdf", "xlsx")
COMMITTEE_ENDINGS = ("居民委员会", "居委会")


def committee_name(session: Session) -> str:
    """惠泉社区居民委员会 from the community profile; '' while the profile has no name."""
    name = get_profile(session).name
    if not name:
        return ""
    return name if name.endswith(COMMITTEE_ENDINGS) else f"{name}居民委员会"


def responsibilities(session: Session, head: Letterhead, year: int | None, today: date | None = None) -> Ledger:
    """The 责任分解表 ledger of the year's plan (the registry's `responsibilities`)."""
    today = today or date.today()
    return responsibility_ledger(require_plan(session, year or today.year, today), head, today)


def plan_file_name(year: int, fmt: str) -> str:
    """What a save dialog suggests: 2026年度文明创建工作计划.pdf."""
    return f"{year}年度文明创建工作计划.{fmt}"


def export_plan(session: Session, year: int, path: Path, fmt: str | None = None, today: date | None = None) -> Path:
    """Write the plan of `year` to `path`: 'pdf' (the document) or 'xlsx' (the plan and the
    责任分解表 as two sheets); the format from the file name when not given. Returns the path."""
    from huiquan_desk.services.ledgers import letterhead

    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValidationError.single("格式", "年度计划只能导出为 pdf 或 xlsx（文件名以 .pdf 或 .xlsx 结尾）")
    today = today or date.today()
    detail: PlanDetail = require_plan(session, year, today)
    committee = committee_name(session)
    if fmt == "pdf":
        return write_plan_pdf(detail, committee, today, path)
    table = responsibility_ledger(detail, letterhead(session), today)
    return write_plan_workbook(detail, table, committee, today, path)
