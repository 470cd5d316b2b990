"""Backups and restore: a zip per backup, its attachment files in a store shared by the backups of
one folder, checked before it is trusted, switched in crash-safely.

A backup folder (data/backups, or a folder on a USB stick) holds:

    huiquan-<kind>-YYYYMMDD-HHMMSS.zip   one backup:
        manifest.json       what this is: format, app version, kind, when, schema revision,
                            community name, row counts, SHA-256 + size of every member, and under
                            "stored" SHA-256 + size of every attachment file it needs from the store
        huiquan.sqlite3     a snapshot taken with SQLite's online backup API (deflated)
    huiquan-store/ab/<sha><suffix>       each attachment file once (storage.backups.store): the
                            files the snapshots reference, from `attachments` and recycle-bin payloads

A backup copies only the files the store lacks. A "single file" backup (format 1, for sending to
someone) is one self-contained zip with the files inside under files/ab/<sha><suffix>; backups of
earlier versions are such zips, and both kinds verify and restore. A zip is written to a hidden
temporary file beside its final name and renamed when complete (after its files are in the store),
so a half-written zip never carries a backup's name.

Automatic backups live in the data folder's `backups/` and are named
`huiquan-<kind>-YYYYMMDD-HHMMSS.zip` (kind: auto, manual, pre-migration, pre-restore). Rotation
touches only files with such a name AND a manifest of this app whose kind matches: a user's own
zip in that folder is never deleted. `auto` backups are thinned to 7 daily / 4 weekly /
12 monthly (the setting 自动备份保留, handed in by the caller); the last 10 `pre-migration` and
`pre-restore` backups are kept; `manual` ones are never deleted automatically. Then the store files
that no backup in the folder needs are removed (never one a running backup may need).

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
from huiquan_desk.storage.backups.rotation import (
    backup_if_due,
    has_backup_on,
    prune_backups,
    prune_store,
)
from huiquan_desk.storage.backups.snapshot import (
    DamagedDatabase,
    References,
    integrity_problems,
    references_of,
    snapshot_database,
    stored_name_problems,
)
from huiquan_desk.storage.backups.store import STORE_DIR, Store
from huiquan_desk.storage.backups.verify import (
    inspect_backup,
    list_backups,
    member_cap,
    newest_good_backup,
    read_backup_info,
    store_problems,
    store_users,
    verify_backup,
)

__all__ = [
    "DB_MEMBER", "FORMAT", "FORMAT_VERSION", "KIND_LABELS", "MANIFEST", "MARKER", "MAX_MEMBER_MB", "NAME_RE",
    "TEMP_PREFIX", "BackupInfo", "DamagedDatabase", "References", "RestoreReport", "Rotation", "backup_if_due",
    "clean_stale_temp_files", "create_backup", "default_name", "finish_interrupted_restore", "has_backup_on",
    "human_size", "inspect_backup", "integrity_problems", "list_backups", "member_cap", "newest_good_backup",
    "prune_backups", "prune_store", "read_backup_info", "STORE_DIR", "Store", "store_problems", "store_users", "references_of", "remove_unreferenced_files", "restore_backup",
    "revision_problem", "snapshot_database", "stored_name_problems", "verify_backup",
]
