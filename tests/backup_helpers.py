"""Builders for backup tests: a populated data folder, crafted copies of a backup zip, dumps to
compare before and after (real files and a real database throughout)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

from huiquan_desk.domain.activity import NewAttachment
from huiquan_desk.paths import DataDir
from huiquan_desk.services import activities
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.storage.backups import FORMAT, MANIFEST
from huiquan_desk.storage.migrate import HEAD_REVISION
from tests.helpers import draft, make_image
from tests.volunteer_helpers import add_volunteer


def dump_tables(database: Path) -> dict[str, list[tuple]]:
    """Every row of every table (virtual FTS table included), sorted, straight from the file."""
    conn = sqlite3.connect(database)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}
    finally:
        conn.close()


def file_hashes(data: DataDir) -> dict[str, str]:
    return {str(p.relative_to(data.files)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data.files.rglob("*")) if p.is_file()}


def photo(tmp_path: Path, name: str, color: str) -> NewAttachment:
    return NewAttachment(str(make_image(tmp_path / "src" / name, color)))


def populate(ws, tmp_path: Path) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉街道", fonds_code="0194"))
        for n, colors in enumerate((("red", "blue"), ("green",), ("yellow", "purple"))):
            ids.append(activities.create_activity(
                s, draft(s, title=f"活动{n}", start=datetime(2026, 10, 1 + n, 9), end=datetime(2026, 10, 1 + n, 11)),
                ws.files, [photo(tmp_path, f"p{n}{c}.jpg", c) for c in colors]))
        add_volunteer(s, "林秀英", seq=1)
        add_volunteer(s, "王伟", seq=2)
    return ids


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes | None] | None = None,
                extra: dict[str, bytes] | None = None, fix_manifest: bool = True,
                manifest_update: dict | None = None) -> Path:
    """Copy a backup zip, replacing (None: dropping) members; optionally keep the manifest honest."""
    replace, extra = replace or {}, extra or {}
    with zipfile.ZipFile(src) as zin:
        members = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    manifest = json.loads(members.pop(MANIFEST))
    for name, content in replace.items():
        if content is None:
            members.pop(name)
        else:
            members[name] = content
    members.update(extra)
    if fix_manifest:
        for name, content in replace.items():
            if content is not None:
                manifest["members"][name] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    manifest.update(manifest_update or {})
    with zipfile.ZipFile(dst, "w") as zout:
        for name, content in members.items():
            zout.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
        zout.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False))
    return dst


def fake_backup(folder: Path, name: str, kind: str | None, when: datetime) -> Path:
    """A zip with a proper manifest (kind None: a zip without any manifest)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with zipfile.ZipFile(path, "w") as zf:
        if kind is None:
            zf.writestr("readme.txt", "不是备份")
        else:
            zf.writestr(MANIFEST, json.dumps({"format": FORMAT, "format_version": 1, "kind": kind,
                                              "created_at": when.isoformat(), "revision": HEAD_REVISION,
                                              "members": {}}))
    return path


def flip_member_byte(path: Path, member: str) -> None:
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0x01
    path.write_bytes(bytes(raw))


