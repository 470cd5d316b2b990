"""Export use cases: query the rows, declare the ledger, render it to a file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.exports.activity_ledger import activity_ledger
from huiquan_desk.exports.ledger import Ledger, Progress
from huiquan_desk.services.activities import ActivityFilter, list_activities
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.settings import get_profile

FORMATS = ("xlsx", "pdf")


def render(ledger: Ledger, path: Path, fmt: str, progress: Progress | None = None) -> Path:
    if fmt == "xlsx":
        from huiquan_desk.exports.xlsx import write_xlsx

        return write_xlsx(ledger, path, progress)
    if fmt == "pdf":
        from huiquan_desk.exports.pdf import write_pdf

        return write_pdf(ledger, path, progress)
    raise ValidationError.single("格式", f"只支持 {' / '.join(FORMATS)}")


def format_from_path(path: Path, fmt: str | None = None) -> str:
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValidationError.single("格式", f"只支持 {' / '.join(FORMATS)}（文件名以 .xlsx 或 .pdf 结尾）")
    return fmt


def export_activities(session: Session, flt: ActivityFilter, path: Path, fmt: str | None = None,
                      progress: Progress | None = None) -> int:
    """Write the activity ledger for `flt`; returns the number of activities written."""
    fmt = format_from_path(path, fmt)
    rows = list_activities(session, flt, sort="start", descending=False)
    profile = get_profile(session)
    category = None
    if flt.category_id is not None:
        category = next((c.path for c in list_categories(session) if c.id == flt.category_id), None)
    ledger = activity_ledger(rows, profile.name, flt.date_from, flt.date_to, category, profile.preparer)
    render(ledger, Path(path), fmt, progress)
    return len(rows)
