"""Backup and restore use cases, one function each, shared by the window and the command line
(storage.backups does the file work; this module decides who may, with which settings, and
what the audit trail records).

A manual backup holds every ID number and phone of the community, so it is an export of personal
data: it needs a signed-in account once accounts exist, and the zip and its audit entry are one
act — the entry is committed before the finished zip gets its name, and a zip whose entry could
not be written is removed (a read-only or busy database refuses the backup with a message).

A restore is asked for by an admin (`request_restore`, on the open workspace), then run with the
workspace closed (`run_restore`): it verifies, switches the data, reopens the folder as the same
person and records the restore in the restored trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import HuiquanError, Progress, StorageError
from huiquan_desk.paths import DataDir
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.settings import BACKUP_MAX_MEMBER_MB, BACKUP_ROTATION, get_setting
from huiquan_desk.storage import backups as store
from huiquan_desk.storage.backups import (  # noqa: F401 - the window reads these through services
    KIND_LABELS,
    STORE_DIR,
    BackupInfo,
    RestoreReport,
    Rotation,
    default_name,
    human_size,
)

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace


def rotation(session: Session) -> Rotation:
    return Rotation.parse(get_setting(session, BACKUP_ROTATION))


def member_cap(session: Session) -> int:
    return store.member_cap(get_setting(session, BACKUP_MAX_MEMBER_MB))


def back_up(ws: Workspace, dest: Path | None = None, progress: Progress | None = None,
            single_file: bool = False) -> BackupInfo:
    """A manual backup (into data/backups/, or to `dest`: a folder such as a USB stick, or a file),
    logged in the audit trail as one act with the zip. In a folder, the photos go into the store
    beside the backups there (only the new ones are copied) and files no backup there needs any
    more are pruned; `single_file` (or a file name as `dest`) writes one self-contained zip."""
    ws.require_signed_in("备份")
    ws.require_writable()  # a read-only database cannot take the audit entry: say so before the work

    def log(info: BackupInfo) -> None:
        try:
            ws.log("backup", "backups", f"备份到 {info.path.name}", {"文件": str(info.path), "附件文件": info.files})
        except HuiquanError as err:
            raise StorageError(f"备份含有全部个人信息，必须记入操作日志，但操作日志无法写入：\n{err}\n"
                               "备份文件没有保存。") from err

    info = store.create_backup(ws.data, "manual", dest=dest, progress=progress, before_publish=log,
                               single_file=single_file)
    if info.in_store:
        store.prune_store(info.path.parent)
    return info


def daily_backup(ws: Workspace, progress: Progress | None = None, today: date | None = None) -> BackupInfo | None:
    """The day's automatic backup, unless one exists (one directory listing); old automatic ones
    are thinned by the rotation setting."""
    today = today or date.today()
    if store.has_backup_on(ws.data, today):  # the usual case: one directory listing, no query
        return None
    with ws.read() as session:
        kept = rotation(session)
    return store.backup_if_due(ws.data, today=today, rotation=kept, progress=progress)


def list_backups(ws: Workspace) -> list[BackupInfo]:
    return store.list_backups(ws.data)


def inspect(ws: Workspace, path: Path, progress: Progress | None = None) -> BackupInfo:
    """Verify a backup fully and say whether it can be restored (what it holds is read from the
    database inside it)."""
    with ws.read() as session:
        cap = member_cap(session)
    return store.inspect_backup(Path(path), progress, cap)


@dataclass(frozen=True)
class RestoreRequest:
    """A restore an admin asked for, decided while the workspace was still open."""

    data: DataDir
    path: Path
    operator: str
    role: str
    cap: int


def request_restore(ws: Workspace, path: Path) -> RestoreRequest:
    ws.require_admin("从备份恢复")
    with ws.read() as session:
        cap = member_cap(session)
    return RestoreRequest(ws.data, Path(path), ws.operator, ws.role, cap)


def recovery_request(data: DataDir, path: Path) -> RestoreRequest:
    """A restore over a damaged database, which nobody can sign in to or read settings from: the
    computer's user may put the newest good backup back (the damaged file is kept raw), as the
    window offers at start-up; the restore is recorded under the computer's login."""
    from huiquan_desk.services.workspace import login_name

    return RestoreRequest(data, Path(path), login_name(), Role.ADMIN, store.member_cap())


def reopen(request: RestoreRequest) -> Workspace:
    """The data folder open again, as the person who asked for the restore (the accounts may be
    another set now: nobody is asked to sign in again half way)."""
    from huiquan_desk.services.workspace import open_workspace

    ws = open_workspace(request.data, daily_backup=False)  # migrates a backup from an older version
    ws.sign_in(request.operator, request.role)
    return ws


def run_restore(request: RestoreRequest, progress: Progress | None = None) -> tuple[RestoreReport, Workspace]:
    """With the workspace closed: verify, keep the current data as a pre-restore backup, switch,
    reopen, and record the restore in the restored audit trail. Any failure before the switch
    leaves the data as it was (StorageError says why)."""
    report = store.restore_backup(request.data, request.path, progress=progress, cap=request.cap)
    ws = reopen(request)
    try:
        ws.log("restore_backup", "backups", f"从备份 {request.path.name} 恢复", {"文件": str(request.path)})
    except HuiquanError as err:
        report.notes.append(f"恢复已完成，但没能记入操作日志：{err}")
    return report, ws
