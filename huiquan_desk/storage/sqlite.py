"""Plain sqlite3 connections to a database file named by a path, never by a glued-up string.

A data folder may be called anything: `?`, `#`, `%41`, `;`, spaces and Chinese all occur in real
folder names. A path pasted into `sqlite:///{path}` or `file:{path}?mode=ro` is read as a URL
(a `?` starts the query, `#` a fragment, `%41` is an "A"), so the program would open a different
database. Every connection is therefore made here, from parts: a plain file name (no URI
parsing at all) for read-write, and a percent-encoded `file:` URI built by `Path.as_uri()` for
read-only. SQLAlchemy's engine gets its URL from `URL.create` (storage/engine.py).
No SQLAlchemy here: backups and the start-up guard use this before the data layer loads.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlencode


def file_uri(path: Path, **params: str) -> str:
    """`file:///…?mode=ro` with every special character of the path percent-encoded."""
    uri = Path(path).resolve().as_uri()
    return f"{uri}?{urlencode(params)}" if params else uri


def connect(path: Path, timeout: float = 10) -> sqlite3.Connection:
    """Read-write connection to the file at `path` (the name is taken literally; created if missing)."""
    return sqlite3.connect(str(Path(path)), timeout=timeout, isolation_level=None, check_same_thread=False)


def connect_readonly(path: Path, timeout: float = 10) -> sqlite3.Connection:
    """Read-only connection; a missing file is an error (never created)."""
    return sqlite3.connect(file_uri(path, mode="ro"), uri=True, timeout=timeout, isolation_level=None,
                           check_same_thread=False)
