"""Small builders shared by tests (real files, real database)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from PIL import Image

from huiquan_desk.domain.activity import ActivityDraft
from huiquan_desk.services.categories import list_categories, resolve_category


def make_image(path: Path, color: str = "orange", size: tuple[int, int] = (64, 48)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)
    return path


def write_book(path: Path, rows: Sequence[Sequence[object]], title_rows: Sequence[str] = ()) -> Path:
    """A workbook to import: `title_rows` (one cell each) above `rows` on its first sheet."""
    book = Workbook()
    sheet = book.active
    for title in title_rows:
        sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def category_id(session, name: str = "传统节日") -> int:  # type: ignore[no-untyped-def]
    node = resolve_category(list_categories(session), name)
    assert node is not None, name
    return node.id


def draft(session, **overrides) -> ActivityDraft:  # type: ignore[no-untyped-def]
    values = dict(
        title="重阳节敬老爱老活动", category_id=category_id(session), start=datetime(2026, 10, 18, 9, 0),
        end=datetime(2026, 10, 18, 11, 30), place="惠泉社区活动室", organizer="惠泉社区居委会", leader="王堃",
        participants=45, content="为辖区 80 岁以上老人送去重阳糕，志愿者陪老人聊天、理发。", remarks="居民反映良好",
    )
    values.update(overrides)
    return ActivityDraft(**values)


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """Make `path` (a folder or a file) really read-only for the block: a bind mount remounted
    read-only where the test runs as root (chmod does not stop root), chmod otherwise."""
    path = Path(path)
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield path
        finally:
            path.chmod(mode)
        return
    mounted = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"a read-only bind mount is not allowed here: {mounted.stderr.decode(errors='replace')}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.decode(errors='replace')}")
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def log_activity(ws, files=(), **changes) -> int:  # type: ignore[no-untyped-def]
    """One activity through the service, in its own transaction (3 March of this year by default)."""
    from datetime import timedelta

    from huiquan_desk.services import activities

    with ws.write() as s:
        changes.setdefault("start", datetime(datetime.now().year, 3, 5, 9))
        changes.setdefault("end", changes["start"] + timedelta(hours=2))
        return activities.create_activity(s, draft(s, **changes), ws.files, list(files))


def wait_task(qtbot, task, timeout: int = 30000) -> None:  # type: ignore[no-untyped-def]
    """Wait for a background task by its state: it may finish before a signal could be awaited."""
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=timeout)
