"""Backup use cases the window and the command line share (storage.backups does the file work).

A manual backup holds every ID number and phone of the community, so it is an export of personal
data: it needs a signed-in account once accounts exist, and the zip and its audit entry are one
act — the entry is committed before the finished zip gets its name, and a zip whose entry could
not be written is removed (a read-only or busy database refuses the backup with a message).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from huiquan_desk.domain.errors import HuiquanError, Progress, StorageError
from huiquan_desk.storage import backups as store

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace


def back_up(ws: Workspace, dest: Path | None = None, progress: Progress | None = None) -> store.BackupInfo:
    """A manual backup (into data/backups/, or to `dest`: a file or a folder such as a USB stick),
    logged in the audit trail as one act with the zip."""
    ws.require_signed_in("备份")
    ws.require_writable()  # a read-only database cannot take the audit entry: say so before the work

    def log(info: store.BackupInfo) -> None:
        try:
            ws.log("backup", "backups", f"备份到 {info.path.name}", {"文件": str(info.path), "附件文件": info.files})
        except HuiquanError as err:
            raise StorageError(f"备份含有全部个人信息，必须记入操作日志，但操作日志无法写入：\n{err}\n"
                               "备份文件没有保存。") from err

    return store.create_backup(ws.data, "manual", dest=dest, progress=progress, before_publish=log)
