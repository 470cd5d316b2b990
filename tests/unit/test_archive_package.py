"""The hand-over package (services.archive_package): to a folder and to a zip, files named by 档号
in folders per 保管期限, the catalogue and the manifest; verified, then tampered with; refused
without numbered items; a failure leaves nothing behind."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from huiquan_desk.domain.errors import Cancelled, PermissionDenied, StorageError, ValidationError
from huiquan_desk.services import archive_package, archives, audit_log
from huiquan_desk.services.archive_package import export_package, verify_package
from huiquan_desk.services.archives import ItemDraft, NewArchiveFile
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.storage.models import ArchiveFile
from tests.helpers import make_image

Y1 = "0194-WS·2025-Y-0001"
D30_1 = "0194-WS·2025-D30-0001"
D10_1 = "0194-WS·2025-D10-0001"


@pytest.fixture
def archive(ws, tmp_path):  # type: ignore[no-untyped-def]
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))

    def add(title: str, retention: str, number: int | None, *files: Path, year: int = 2025) -> int:
        with ws.write() as s:
            return archives.create_item(s, ItemDraft(title=title, year=year, retention=retention, number=number, pages=2,
                                                     day=date(year, 6, 1)),
                                        ws.files, [NewArchiveFile(str(f)) for f in files])

    src = tmp_path / "in"
    ids = {
        "rules": add("居民公约", "Y", 1, make_image(src / "公约.jpg", "red"), make_image(src / "公约2.png", "pink")),
        "plan": add("年度工作计划", "D30", 1, make_image(src / "计划.jpg", "blue")),
        "notice": add("停水通知", "D10", 1, make_image(src / "通知.jpg", "navy")),
        "paper": add("纸质会议记录（无电子文件）", "D10", 2),
        "draft": add("未编号的总结", "D10", None, make_image(src / "总结.jpg", "gray")),
        "other_year": add("2024年的通知", "D10", 1, make_image(src / "旧.jpg", "olive"), year=2024),
    }
    return ws, ids


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_package_to_a_folder_is_named_by_code_and_verified(archive, tmp_path) -> None:
    ws, _ids = archive
    out = tmp_path / "移交" / "2025"
    info = export_package(ws, 2025, out)
    assert (info.items, info.files, info.unnumbered) == (4, 4, 1)
    assert info.summary == "2025年度档案移交包：4 件，4 个档案文件，另附目录、说明和校验清单（另有 1 件未编号，没有放入）"
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted([
        f"永久/{Y1}/{Y1}_01.jpg", f"永久/{Y1}/{Y1}_02.png", f"定期30年/{D30_1}/{D30_1}_01.jpg",
        f"定期10年/{D10_1}/{D10_1}_01.jpg", "归档文件目录.xlsx", "说明.txt", "manifest.json", "manifest-sha256.txt"])
    assert (out / f"永久/{Y1}/{Y1}_01.jpg").read_bytes() == (tmp_path / "in" / "公约.jpg").read_bytes()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert (manifest["community"], manifest["fonds"], manifest["year"]) == ("惠泉社区", "0194", 2025)
    assert [i["code"] for i in manifest["items"]] == [D10_1, "0194-WS·2025-D10-0002", D30_1, Y1]
    assert manifest["items"][1]["files"] == []  # a paper item: catalogued, nothing to copy
    listed = {e["path"]: e for e in manifest["files"]}
    assert listed[f"永久/{Y1}/{Y1}_02.png"]["sha256"] == sha(out / f"永久/{Y1}/{Y1}_02.png")
    assert listed["归档文件目录.xlsx"]["size"] == (out / "归档文件目录.xlsx").stat().st_size
    lines = (out / "manifest-sha256.txt").read_text("utf-8").splitlines()
    assert f"{sha(out / '说明.txt')}  说明.txt" in lines and len(lines) == len(listed)
    catalogue = "\n".join(str(c) for row in openpyxl.load_workbook(out / "归档文件目录.xlsx").worksheets[-1]
                          .iter_rows(values_only=True) for c in row if c is not None)
    assert Y1 in catalogue or D10_1 in catalogue
    assert verify_package(out) == []
    # an audit entry: the photos and sheets are personal data
    with ws.read() as s:
        assert any("档案移交包" in r.summary for r in audit_log.query_audit(s, limit=20))

    # tampered with at the archive room
    photo = out / f"定期30年/{D30_1}/{D30_1}_01.jpg"
    photo.write_bytes(photo.read_bytes() + b"x")
    (out / f"永久/{Y1}/{Y1}_02.png").unlink()
    (out / "定期10年" / "多余.txt").write_text("?", "utf-8")
    (out / "定期10年" / "Thumbs.db").write_bytes(b"windows")  # a file manager's, never reported
    assert verify_package(out) == [
        f"文件已被改动（校验值不符）：定期30年/{D30_1}/{D30_1}_01.jpg",
        f"缺少文件：永久/{Y1}/{Y1}_02.png",
        "多出的文件（清单中没有）：定期10年/多余.txt",
    ]


def test_a_package_to_a_zip_verifies_and_a_changed_member_is_found(archive, tmp_path) -> None:
    ws, _ids = archive
    out = tmp_path / "2025年度档案移交包.zip"
    progress: list[tuple[int, int]] = []
    info = export_package(ws, 2025, out, lambda done, total: progress.append((done, total)))
    assert info.path == out and progress[-1][0] == progress[-1][1]
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
    assert f"永久/{Y1}/{Y1}_01.jpg" in names and "manifest.json" in names and "归档文件目录.xlsx" in names
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left
    assert verify_package(out) == []
    tampered = tmp_path / "改过的.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w") as dst:
        for member in src.infolist():
            data = src.read(member.filename)
            if member.filename.endswith("_01.jpg") and D10_1 in member.filename:
                data = data[:-1] + b"\x00"
            dst.writestr(member, data)
    assert verify_package(tampered) == [f"文件已被改动（校验值不符）：定期10年/{D10_1}/{D10_1}_01.jpg"]


def test_not_a_package(tmp_path) -> None:
    assert "找不到" in verify_package(tmp_path / "nothing")[0]
    (tmp_path / "folder").mkdir()
    assert "不是惠泉台账导出的档案移交包" in verify_package(tmp_path / "folder")[0]
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil" / "manifest.json").write_text(json.dumps(
        {"format": archive_package.FORMAT, "files": [{"path": "../../etc/passwd", "sha256": "0", "size": 1}]}), "utf-8")
    problems = verify_package(tmp_path / "evil")
    assert "清单中的路径「../../etc/passwd」不合法" in problems


def _rewrite(src: Path, dst: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the zip `src` with each member passed through `change(name, data)` -> [(name, data), …]."""
    import warnings

    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name is the point of one case
        for member in old.infolist():
            for name, data in change(member.filename, old.read(member.filename)):
                new.writestr(name, data)
    return dst


def _manifest(change):  # type: ignore[no-untyped-def]
    def edit(name: str, data: bytes) -> list[tuple[str, bytes]]:
        return [(name, change(json.loads(data)) if name == "manifest.json" else data)]
    return edit


def _flag_encrypted(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[data.find(b"PK\x03\x04") + 6] |= 1  # the first member (a photo) claims to be encrypted
    data[data.rfind(b"PK\x01\x02", 0, data.rfind(b"PK\x05\x06")) + 8] |= 1  # a central entry (the last)
    path.write_bytes(bytes(data))
    return path


HOSTILE = {
    # the photo twice, the copy an unzip program would take first altered: never 「完整」
    "a name twice": (lambda n, d: [(n, b"EVIL" + d), (n, d)] if n.endswith("_01.jpg") else [(n, d)], "不止一次"),
    "deep JSON": (lambda n, d: [(n, b"[" * 100000 + b"]" * 100000 if n == "manifest.json" else d)], "结构嵌套过深"),
    "items not a list": (_manifest(lambda m: json.dumps({**m, "items": 5}).encode()), "不是惠泉台账档案移交包的清单"),
    "no files at all": (_manifest(lambda m: json.dumps({**m, "files": [], "items": []}).encode()), "没有任何档案文件"),
    "item file not listed": (_manifest(lambda m: json.dumps({**m, "items": [{"code": "X", "files": ["a/b.jpg"]}]}).encode()),
                             "不在文件清单中"),
    "a huge manifest": (lambda n, d: [(n, d[:-1] + b" " * (archive_package.MAX_MANIFEST + 1) + b"}"
                                       if n == "manifest.json" else d)], "manifest.json 无法读取"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_crafted_zip_is_never_complete_and_never_crashes(archive, tmp_path, case) -> None:
    ws, _ids = archive
    good = export_package(ws, 2025, tmp_path / "good.zip").path
    change, expected = HOSTILE[case]
    problems = verify_package(_rewrite(good, tmp_path / "crafted.zip", change))
    assert problems and any(expected in p for p in problems), problems


def test_an_encrypted_member_and_links_in_a_folder_are_problems(archive, tmp_path) -> None:
    import os
    import shutil

    ws, _ids = archive
    good = export_package(ws, 2025, tmp_path / "good.zip").path
    encrypted = _flag_encrypted(_rewrite(good, tmp_path / "enc.zip", lambda n, d: [(n, d)]))
    assert any("无法读取" in p for p in verify_package(encrypted))  # refused by name, not a crash
    folder = export_package(ws, 2025, tmp_path / "folder").path
    photo = next(folder.rglob("*_01.jpg"))
    outside = tmp_path / "outside.jpg"
    shutil.copy(photo, outside)  # the same bytes, but from outside the package
    photo.unlink()
    os.symlink(outside, photo)
    assert any("不是普通文件" in p for p in verify_package(folder))
    (folder / "manifest.json").unlink()
    os.symlink("/dev/zero", folder / "manifest.json")  # never read
    assert "不是惠泉台账导出的档案移交包" in verify_package(folder)[0]


def test_a_symlink_entry_in_a_zip_is_a_problem_and_never_read(archive, tmp_path) -> None:
    import stat

    ws, _ids = archive
    good = export_package(ws, 2025, tmp_path / "good.zip").path
    linked = tmp_path / "link.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(linked, "w") as dst:
        for member in src.infolist():
            data = src.read(member.filename)  # the same bytes: their hash agrees with the manifest
            if member.filename.endswith("_01.jpg") and D10_1 in member.filename:
                member.create_system = 3
                member.external_attr = (stat.S_IFLNK | 0o777) << 16  # `unzip` would make it a link
            dst.writestr(member, data)
    name = f"定期10年/{D10_1}/{D10_1}_01.jpg"
    assert f"不是普通文件（链接或设备，不予读取）：{name}" in verify_package(linked)


def test_refused_without_numbered_items_and_into_a_folder_with_files(archive, tmp_path) -> None:
    ws, _ids = archive
    with pytest.raises(ValidationError, match="2023 年度没有已编号的归档文件"):
        export_package(ws, 2023, tmp_path / "out")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "别的文件.txt").write_text("keep me", "utf-8")
    with pytest.raises(ValidationError, match="不是空的"):
        export_package(ws, 2025, busy)
    empty = tmp_path / "empty"
    empty.mkdir()
    export_package(ws, 2025, empty)  # an empty folder is filled
    assert verify_package(empty) == []


def test_a_damaged_file_or_a_cancel_leaves_no_half_package(archive, tmp_path) -> None:
    ws, ids = archive
    with ws.read() as s:
        f = s.scalars(select(ArchiveFile).where(ArchiveFile.item_id == ids["plan"])).one()
        stored = ws.files.path_for(f.sha256, f.suffix)
    original = stored.read_bytes()
    stored.write_bytes(original + b"rot")
    out_dir, out_zip = tmp_path / "out", tmp_path / "out.zip"
    for out in (out_dir, out_zip):
        with pytest.raises(StorageError, match=f"{D30_1} 计划.jpg：文件内容已被改动"):
            export_package(ws, 2025, out)
        assert not out.exists()
    stored.write_bytes(original)

    def cancel(done: int, total: int) -> None:
        if done >= 2:
            raise Cancelled()

    for out in (out_dir, out_zip):
        with pytest.raises(Cancelled):
            export_package(ws, 2025, out, cancel)
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "in"]  # no .part left either


def test_a_signed_in_account_is_needed_once_accounts_exist(archive, tmp_path) -> None:
    ws, _ids = archive
    ws.sign_out()
    with pytest.raises(PermissionDenied):
        export_package(ws, 2025, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_package_is_readable_by_whoever_receives_it(archive, tmp_path) -> None:
    """Not private to the exporting account (temporary files are made private; the result is not)."""
    from huiquan_desk.exports.ledger import UMASK

    ws, _ids = archive
    folder = export_package(ws, 2025, tmp_path / "folder").path
    packed = export_package(ws, 2025, tmp_path / "pack.zip").path
    assert folder.stat().st_mode & 0o777 == 0o777 & ~UMASK
    assert all(p.stat().st_mode & 0o777 == 0o666 & ~UMASK for p in folder.rglob("*") if p.is_file())
    assert packed.stat().st_mode & 0o777 == 0o666 & ~UMASK
