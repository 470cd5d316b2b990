"""Backups and restore: one zip per backup, checked before it is trusted, switched in crash-safely.

A backup is ONE zip file:

    manifest.json           what this is: format, app version, kind, when, schema revision,
                            community name, row counts, and SHA-256 + size of every member
    huiquan.sqlite3         a snapshot taken with SQLite's online backup API (deflated)
    files/ab/<sha><suffix>  the attachment files the snapshot references (stored: photos do
                            not compress), from `attachments` and from recycle-bin payloads

It is written to a hidden temporary file beside its final name and renamed when complete, so
a half-written zip never carries a backup's name.

Automatic backups live in the data folder's `backups/` and are named
`huiquan-<kind>-YYYYMMDD-HHMMSS.zip` (kind: auto, manual, pre-migration, pre-restore). Rotation
touches only files with such a name AND a manifest of this app whose kind matches: a user's own
zip in that folder is never deleted. `auto` backups are thinned to 7 daily / 4 weekly /
12 monthly (the setting 自动备份保留, handed in by the caller); the last 10 `pre-migration` and
`pre-restore` backups are kept; `manual` ones are never deleted automatically.

Restore (see `restore_backup`) verifies the zip before it touches anything, keeps the current
data as a `pre-restore` backup, and switches the database with a single `os.replace`; a marker
file in the data folder lets the next start finish (or undo) a restore that was interrupted.

A module per concern: format (names, manifest, what a backup holds), snapshot (reading a
database file), create, verify, rotation, restore. Nothing here imports Qt or the services
layer: plain sqlite3 on files, so it also works on a database the app cannot open. The use cases
(who may, which settings, the audit trail) are services.backups.
"""

from huiquan_desk.storage.backups.create import create_backup, default_name
from huiquan_desk.storage.backups.format import (
    DB_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    KIND_LABELS,
    MANIFEST,
    MARKER,
    MAX_MEMBER_MB,
    NAME_RE,
    TEMP_PREFIX,
    BackupInfo,
    RestoreReport,
    Rotation,
    clean_stale_temp_files,
    human_size,
    revision_problem,
)
from huiquan_desk.storage.backups.restore import (
    finish_interrupted_restore,
    remove_unreferenced_files,
    restore_backup,
)
from huiquan_desk.storage.backups.rotation import backup_if_due, has_backup_on, prune_backups
from huiquan_desk.storage.backups.snapshot import (
    DamagedDatabase,
    References,
    integrity_problems,
    references_of,
    snapshot_database,
    stored_name_problems,
)
from huiquan_desk.storage.backups.verify import (
    inspect_backup,
    list_backups,
    member_cap,
    newest_good_backup,
    read_backup_info,
    verify_backup,
)

__all__ = [
    "DB_MEMBER", "FORMAT", "FORMAT_VERSION", "KIND_LABELS", "MANIFEST", "MARKER", "MAX_MEMBER_MB", "NAME_RE",
    "TEMP_PREFIX", "BackupInfo", "DamagedDatabase", "References", "RestoreReport", "Rotation", "backup_if_due",
    "clean_stale_temp_files", "create_backup", "default_name", "finish_interrupted_restore", "has_backup_on",
    "human_size", "inspect_backup", "integrity_problems", "list_backups", "member_cap", "newest_good_backup",
    "prune_backups", "read_backup_info", "references_of", "remove_unreferenced_files", "restore_backup",
    "revision_problem", "snapshot_database", "stored_name_problems", "verify_backup",
]
