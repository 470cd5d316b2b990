"""Export use cases: query the rows, declare the ledger, render it to a file.

A file holding personal data (roster, service ledgers, certificates) and its audit-trail entry
are one act (`write_logged`, `issue_certificate_file`): the file is written to a hidden
temporary name, the entry is committed, and only then is the file renamed into place. If the
entry cannot be written (database busy, read-only) no file is left behind; if the file cannot be
written no entry claims it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import HuiquanError, NotFoundError, Progress, StorageError, ValidationError
from huiquan_desk.exports.activity_ledger import activity_ledger
from huiquan_desk.exports.ledger import Ledger, atomic_output
from huiquan_desk.exports.volunteer_ledgers import (
    certificate_register,
    monthly_stats_ledger,
    service_ledger,
    volunteer_roster,
)
from huiquan_desk.services.activities import ActivityFilter, list_activities
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.certificates import (
    CertificateInfo,
    IssuerInfo,
    get_certificate,
    issue_certificate,
    list_certificates,
)
from huiquan_desk.services.service_hours import monthly_stats, service_rows
from huiquan_desk.services.settings import get_profile
from huiquan_desk.services.volunteers import list_teams, list_volunteers
from huiquan_desk.storage import audit

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

FORMATS = ("xlsx", "pdf")


def _audit_failed(title: str, err: HuiquanError) -> StorageError:
    return StorageError(f"{title}含有个人信息，导出必须记入操作日志，但操作日志无法写入：\n{err}\n"
                        "为保护个人信息，文件没有保存。请稍后再试，或检查数据文件夹是否可写。")


def write_logged(ws: Workspace, path: Path, entity: str, title: str,
                 write: Callable[[Session, Path], int]) -> int:
    """Write a file of personal data and its audit entry as one act; returns the rows written.

    `write(session, out)` renders to `out` (a hidden temporary file beside `path`, with the same
    suffix's format decided by the caller) and returns the number of rows. Needs a signed-in
    account once accounts exist."""
    from huiquan_desk.services.audit_log import log_export

    ws.require_signed_in(f"导出{title}")
    try:
        ws.require_writable()
    except HuiquanError as err:
        raise _audit_failed(title, err) from err
    path = Path(path)
    with atomic_output(path) as staged:
        with ws.read() as session:
            count = write(session, staged)
        try:
            log_export(ws, entity, title, path, count)
        except HuiquanError as err:
            raise _audit_failed(title, err) from err
    return count


def issue_certificate_file(ws: Workspace, volunteer_id: int, start: date | None, end: date | None,
                           issuer: IssuerInfo, path: Path) -> CertificateInfo:
    """Issue a 志愿服务记录证明 and write its PDF, as one act: the number is taken from the register,
    the PDF written and the audit entry made in one transaction, and the PDF appears under its
    name only once that transaction has committed. Any failure leaves no number taken and no file."""
    from huiquan_desk.services.audit_log import export_summary
    _certificate_suffix(path)
    with atomic_output(Path(path)) as staged:
        with ws.write() as session:
            info = issue_certificate(session, volunteer_id, start, end, issuer, ws.operator)
            render_certificate(session, info.id, staged)
            title = f"志愿服务记录证明 {info.number}"
            audit.record(session, "export", "certificates", export_summary(title, Path(path), 1),
                         entity_id=info.id, details={"文件": str(path), "条数": 1})
    return info


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


# --- volunteers -------------------------------------------------------------------------------------
def _team_name(session: Session, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    name = next((t.name for t in list_teams(session) if t.id == team_id), None)
    if name is None:
        raise NotFoundError("所选队伍已不存在，可能已被删除。")
    return name


def export_volunteers(session: Session, path: Path, fmt: str | None = None, text: str = "",
                      team_id: int | None = None, progress: Progress | None = None) -> int:
    """Write the 志愿者花名册 (ID and phone masked); returns the number of volunteers written."""
    fmt = format_from_path(path, fmt)
    team = _team_name(session, team_id)
    rows = list_volunteers(session, text, team_id)
    profile = get_profile(session)
    ledger = volunteer_roster(rows, profile.name, date.today(), team, text.strip(), profile.preparer)
    render(ledger, Path(path), fmt, progress)
    return len(rows)


def export_service_hours(session: Session, path: Path, fmt: str | None = None, start: date | None = None,
                         end: date | None = None, team_id: int | None = None,
                         progress: Progress | None = None) -> int:
    """Write the 志愿服务记录台账 for a period; returns the number of service records written."""
    fmt = format_from_path(path, fmt)
    if start and end and end < start:
        raise ValidationError.single("时间范围", "结束日期不能早于开始日期")
    team = _team_name(session, team_id)
    rows = service_rows(session, start, end, team_id=team_id)
    profile = get_profile(session)
    render(service_ledger(rows, profile.name, start, end, team, profile.preparer), Path(path), fmt, progress)
    return len(rows)


def export_monthly_stats(session: Session, year: int, path: Path, fmt: str | None = None,
                         progress: Progress | None = None) -> int:
    """Write the year's 志愿服务统计表 (per team and month, 合计 last); returns the number of rows."""
    fmt = format_from_path(path, fmt)
    if not 1900 <= year <= 2999:
        raise ValidationError.single("年度", "应为 4 位年份，如 2026")
    rows = monthly_stats(session, year)
    profile = get_profile(session)
    render(monthly_stats_ledger(rows, profile.name, year, profile.preparer), Path(path), fmt, progress)
    return len(rows)


def export_certificate_register(session: Session, path: Path, fmt: str | None = None, year: int | None = None,
                                progress: Progress | None = None) -> int:
    """Write the 志愿服务证明登记簿 (IDs masked); returns the number of certificates listed."""
    fmt = format_from_path(path, fmt)
    rows = list_certificates(session, year)
    profile = get_profile(session)
    render(certificate_register(rows, profile.name, year, profile.preparer), Path(path), fmt, progress)
    return len(rows)


def _certificate_suffix(path: Path) -> None:
    suffix = Path(path).suffix.lower()
    if suffix and suffix != ".pdf":
        raise ValidationError.single("格式", "志愿服务记录证明只能导出为 PDF（文件名以 .pdf 结尾）")


def render_certificate(session: Session, certificate_id: int, out: Path) -> Path:
    from huiquan_desk.exports.certificate import write_certificate_pdf

    info = get_certificate(session, certificate_id)
    return write_certificate_pdf(info, get_profile(session).name, Path(out))


def export_certificate(session: Session, certificate_id: int, path: Path) -> Path:
    """Write one 志愿服务记录证明 as PDF (the one export with the full ID number)."""
    _certificate_suffix(path)
    return render_certificate(session, certificate_id, path)


# --- audit trail ------------------------------------------------------------------------------------
def audit_scope(entity: str | None = None, entity_id: int | None = None, user: str | None = None,
                date_from: date | None = None, date_to: date | None = None, text: str = "") -> str:
    """The filters of an audit export in words, for the ledger's subtitle."""
    from huiquan_desk.exports.activity_ledger import period_text
    from huiquan_desk.services.audit_log import entity_label

    parts = [f"时间：{period_text(date_from, date_to)}"]
    if entity:
        parts.append(f"对象：{entity_label(entity)}" + (f" #{entity_id}" if entity_id is not None else ""))
    if user:
        parts.append(f"操作人：{user}")
    if text.strip():
        parts.append(f"检索：{text.strip()}")
    return "    ".join(parts)


def export_audit(session: Session, path: Path, fmt: str | None = None, progress: Progress | None = None,
                 **filters) -> int:  # type: ignore[no-untyped-def]
    """Write the 操作日志 for the filters of services.audit_log.query_audit (all matching entries
    unless `limit` is given); returns the entries written."""
    from huiquan_desk.exports.audit_ledger import audit_ledger
    from huiquan_desk.services.audit_log import query_audit

    fmt = format_from_path(path, fmt)
    rows = query_audit(session, **{"limit": None, **filters})
    profile = get_profile(session)
    scope = audit_scope(**{k: v for k, v in filters.items() if k != "limit"})
    render(audit_ledger(rows, profile.name, scope, profile.preparer), Path(path), fmt, progress)
    return len(rows)
