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

from huiquan_desk.domain.errors import HuiquanError, Progress, StorageError, ValidationError
from huiquan_desk.exports.ledger import Ledger, atomic_output
from huiquan_desk.services.ledgers import LedgerParams, build_ledger, ledger_entry
from huiquan_desk.services.settings import get_profile
from huiquan_desk.storage import audit

if TYPE_CHECKING:
    from huiquan_desk.services.activities import ActivityFilter
    from huiquan_desk.services.certificates import CertificateInfo, IssuerInfo
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
    from huiquan_desk.services.certificates import issue_certificate

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


def format_from_path(path: Path, fmt: str | None = None, what: str = "台账") -> str:
    """xlsx / pdf: as asked, else from the file name's extension. A name ending in the other format
    (--format pdf -o 月报.xlsx) is refused: the file would not open in what its name promises."""
    suffix = Path(path).suffix.lstrip(".").lower()
    fmt = (fmt or suffix).lower()
    if fmt not in FORMATS:
        raise ValidationError.single("格式", f"{what}只能导出为 PDF 或 Excel（文件名以 .pdf 或 .xlsx 结尾，或用 --format 指定）")
    if suffix in FORMATS and suffix != fmt:
        raise ValidationError.single("格式", f"要导出的是 {fmt.upper()}，文件名却以 .{suffix} 结尾，这样的文件打不开："
                                     f"请把文件名改为 .{fmt} 结尾，或改用 --format {suffix}")
    return fmt


def export_ledger(session: Session, key: str, params: LedgerParams, path: Path, fmt: str | None = None,
                  progress: Progress | None = None) -> int:
    """Print the ledger `key` of the registry (services.ledgers) to `path`; returns its rows.
    No audit entry: `export` is what the window and the command line call."""
    fmt = format_from_path(path, fmt)
    ledger = build_ledger(session, key, params)
    render(ledger, Path(path), fmt, progress)
    return ledger.row_count


def export(ws: Workspace, key: str, params: LedgerParams, path: Path, fmt: str | None = None,
           progress: Progress | None = None) -> int:
    """Print a ledger by key, as the window and the command line do: one that holds personal data
    needs a signed-in account and is written together with its audit entry (`write_logged`)."""
    entry = ledger_entry(key)
    fmt = format_from_path(path, fmt)
    if not entry.personal:
        with ws.read() as session:
            return export_ledger(session, key, params, path, fmt, progress)
    return write_logged(ws, path, entry.entity, entry.title,
                        lambda session, out: export_ledger(session, key, params, out, fmt, progress))


def export_activities(session: Session, flt: ActivityFilter, path: Path, fmt: str | None = None,
                      progress: Progress | None = None) -> int:
    """The activity ledger for a filter's period and category (the benchmarks' entry point)."""
    params = LedgerParams(date_from=flt.date_from, date_to=flt.date_to, category_id=flt.category_id)
    return export_ledger(session, "activities", params, path, fmt, progress)


def _certificate_suffix(path: Path) -> None:
    suffix = Path(path).suffix.lower()
    if suffix and suffix != ".pdf":
        raise ValidationError.single("格式", "志愿服务记录证明只能导出为 PDF（文件名以 .pdf 结尾）")


def render_certificate(session: Session, certificate_id: int, out: Path) -> Path:
    from huiquan_desk.exports.certificate import write_certificate_pdf
    from huiquan_desk.services.certificates import get_certificate

    info = get_certificate(session, certificate_id)
    return write_certificate_pdf(info, get_profile(session).name, Path(out))


def export_certificate(session: Session, certificate_id: int, path: Path) -> Path:
    """Write one 志愿服务记录证明 as PDF (the one export with the full ID number)."""
    _certificate_suffix(path)
    return render_certificate(session, certificate_id, path)
