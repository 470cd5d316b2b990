"""The inspection pack (services.inspection_pack): built from the demo, every part present, the
manifest verified and then tampered with (changed, missing, added members) and crafted (names that
climb out, sizes no compression gives); every PDF embeds its fonts, no full ID number is in any
member, photos lose their GPS location and keep the rest; a cancelled build leaves nothing."""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from PIL import ExifTags, Image
from pypdf import PdfReader
from sqlalchemy import select

from huiquan_desk.domain.activity import NewAttachment, PhotoCaption
from huiquan_desk.domain.errors import Cancelled, PermissionDenied, ValidationError
from huiquan_desk.exports.photo_location import jpeg_without_gps
from huiquan_desk.paths import DataDir
from huiquan_desk.services import accounts
from huiquan_desk.services.activities import ActivityFilter, create_activity, get_activity, list_activities
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.services.demo import fill_demo
from huiquan_desk.services.inspection_pack import PHOTOS, PackReport, export_pack, verify_pack
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.services.workspace import Workspace, open_workspace
from huiquan_desk.storage.models import Volunteer
from tests.helpers import draft

TODAY = date(2026, 10, 20)
FULL_ID = re.compile(r"\d{17}[\dXx]")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = open_workspace(DataDir(tmp_path_factory.mktemp("pack-demo") / "data"))
    fill_demo(ws, today=TODAY)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def pack(demo: Workspace, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PackReport, list[tuple[int, int]]]:
    out = tmp_path_factory.mktemp("pack") / "惠泉社区_迎检资料包.zip"
    calls: list[tuple[int, int]] = []
    report = export_pack(demo, date(2026, 1, 1), TODAY, out, lambda done, total: calls.append((done, total)))
    return out, report, calls


def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()


# --- what is in it -------------------------------------------------------------------------------------
def test_every_part_is_in_the_pack(demo, pack) -> None:
    out, report, calls = pack
    members = set(names(out))
    for name in ("00_封面.pdf", "01_目录.pdf", "说明.txt", "manifest.json", "manifest-sha256.txt",
                 "03_活动台账/活动台账.pdf", "03_活动台账/活动台账.xlsx", "03_活动台账/活动图片记录.pdf",
                 "04_志愿服务/志愿者花名册.pdf", "04_志愿服务/志愿者花名册.xlsx",
                 "04_志愿服务/志愿服务记录台账.pdf", "04_志愿服务/志愿服务记录台账.xlsx",
                 "05_文明家庭/2026年度文明家庭创建台账.xlsx", "07_整改台账/整改台账.pdf", "07_整改台账/整改台账.xlsx",
                 "08_测评自查表/测评自查表.pdf", "08_测评自查表/测评自查表.xlsx"):
        assert name in members, name
    campaigns = {n for n in members if n.startswith("05_文明家庭/") and "评选_" in n}
    assert any(n.endswith("_推荐名单.xlsx") for n in campaigns) and any(n.endswith("_评议结果.pdf") for n in campaigns)
    assert any(n.endswith("_公示.pdf") for n in campaigns)
    photos = sorted(n for n in members if n.startswith(PHOTOS + "/") and not n.endswith(".txt"))
    assert len(photos) == report.photos > 0
    for photo in photos:  # 09_照片/<类别>/<日期_活动名>/01.jpg and its caption beside it
        _root, _category, folder, name = photo.split("/")
        assert re.fullmatch(r"2026-\d\d-\d\d_.+", folder) and re.fullmatch(r"\d\d\.(jpg|jpeg|png)", name)
        assert photo.rsplit(".", 1)[0] + ".txt" in members
    with zipfile.ZipFile(out) as z:
        caption = z.read(photos[0].rsplit(".", 1)[0] + ".txt").decode("utf-8-sig")
    assert [line.split("：")[0] for line in caption.splitlines()[:6]] == ["题名", "时间", "地点", "人物", "摄影者", "背景"]
    assert calls[-1][0] == calls[-1][1] and all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False))
    assert report.summary.startswith(f"迎检资料包（2026-01-01 至 2026-10-20）：{len(report.members)} 个文件")
    with demo.read() as s:
        exports = [r.summary for r in query_audit(s, limit=None) if r.action == "export"]
    assert len(exports) == 1 and "迎检资料包" in exports[0]  # one audit entry for the pack


def test_pack_holds_the_plan_and_responsibilities_of_each_year(pack) -> None:
    """The annual plan (services.plan_prints.export_plan) and its 责任分解表 (registry "responsibilities")."""
    out, report, _calls = pack
    members = set(names(out))
    for name in ("02_年度计划/2026年度文明创建工作计划.pdf", "02_年度计划/2026年度文明创建工作计划.xlsx",
                 "02_年度计划/2026年度责任分解表.pdf", "02_年度计划/2026年度责任分解表.xlsx"):
        assert name in members, (name, report.left_out)


def test_pack_holds_the_before_and_after_photos_of_rectifications(demo, pack) -> None:
    from huiquan_desk.services import rectification_photos, rectifications

    out, _report, _calls = pack
    with demo.read() as s:
        closed = next(r for r in rectifications.list_rectifications(s) if r.status == "verified")
        stored = rectification_photos.list_photos(s, closed.id, demo.files)
    assert {p.stage for p in stored} == {"before", "after"}
    ours = sorted(n for n in names(out) if n.startswith(f"07_整改台账/整改照片/{closed.id:03d}_"))
    pictures = [n for n in ours if not n.endswith(".txt")]
    assert len(pictures) == len(stored) and any("/整改前_01." in n for n in pictures) and any("/整改后_01." in n for n in pictures)
    with zipfile.ZipFile(out) as z:
        caption = z.read(pictures[0].rsplit(".", 1)[0] + ".txt").decode("utf-8-sig")
    assert f"整改问题：{closed.problem}" in caption and "整改状态：已验收" in caption


def test_cover_and_index_name_every_member(pack, tmp_path) -> None:
    out, report, _calls = pack
    with zipfile.ZipFile(out) as z:
        z.extract("00_封面.pdf", tmp_path)
        z.extract("01_目录.pdf", tmp_path)
        manifest = json.loads(z.read("manifest.json"))
    cover = "".join(p.extract_text() for p in PdfReader(tmp_path / "00_封面.pdf").pages).replace(" ", "")
    assert "惠泉社区迎检资料包" in cover and "2026年1月1日至2026年10月20日" in cover and "制作日期" in cover
    index = PdfReader(tmp_path / "01_目录.pdf")
    text = "".join(p.extract_text() for p in index.pages).replace(" ", "").replace("\n", "")
    for entry in manifest["files"][:40]:  # the first pages: every file by path, with pages or size
        assert entry["path"].replace(" ", "") in text, entry["path"]
    listed = {e["path"]: e for e in manifest["files"]}
    assert listed["01_目录.pdf"]["pages"] == len(index.pages)
    assert f"{len(index.pages)}页" in text
    assert len(listed) == len(report.members) == len(names(out)) - 2  # all but the two manifest files


def test_the_cover_counts_the_pdf_and_excel_documents(pack, tmp_path) -> None:
    out, _report, _calls = pack
    members = names(out)
    documents = [n for n in members if n.endswith((".pdf", ".xlsx")) and n not in ("00_封面.pdf", "01_目录.pdf")
                 and not n.startswith(("09_照片/", "07_整改台账/整改照片/"))]
    assert any(n.startswith("07_整改台账/整改照片/") for n in members) and "说明.txt" in members  # not counted
    with zipfile.ZipFile(out) as z:
        z.extract("00_封面.pdf", tmp_path)
    cover = "".join(p.extract_text() for p in PdfReader(tmp_path / "00_封面.pdf").pages).replace(" ", "")
    assert f"台账和文书{len(documents)}份（PDF、Excel各计一份，不含封面和目录）" in cover.replace("\n", ""), cover


# --- checking it ---------------------------------------------------------------------------------------
def test_manifest_verifies_and_agrees_with_sha256sum(pack) -> None:
    out, report, _calls = pack
    check = verify_pack(out)
    assert check.ok, check.lines()
    assert check.checked == len(report.members)
    with zipfile.ZipFile(out) as z:
        lines = z.read("manifest-sha256.txt").decode().splitlines()
        first = lines[0].split("  ", 1)
        assert hashlib.sha256(z.read(first[1])).hexdigest() == first[0]
    assert len(lines) == len(report.members)


def rewrite(source: Path, target: Path, drop: set[str] = frozenset(), change: dict[str, bytes] | None = None,
            add: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, (change or {}).get(info.filename, src.read(info.filename)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return target


def test_changed_missing_and_extra_members_are_reported(pack, tmp_path) -> None:
    out, _report, _calls = pack
    tampered = rewrite(out, tmp_path / "改过.zip", drop={"03_活动台账/活动台账.pdf"},
                       change={"07_整改台账/整改台账.xlsx": b"not the ledger", "说明.txt": "说明\r\n".encode()},
                       add={"08_测评自查表/补充.pdf": b"%PDF-1.4 later"})
    check = verify_pack(tampered)
    assert not check.ok
    assert check.missing == ["03_活动台账/活动台账.pdf"]
    assert sorted(check.changed) == ["07_整改台账/整改台账.xlsx", "说明.txt"]
    assert check.extra == ["08_测评自查表/补充.pdf"]
    assert "缺少文件：03_活动台账/活动台账.pdf" in check.lines()


def test_a_line_twice_in_the_sha256_list_and_unreadable_manifests_are_named_in_words(pack, tmp_path) -> None:
    out, _report, _calls = pack
    with zipfile.ZipFile(out) as z:
        text = z.read("manifest-sha256.txt").decode()
    twice = rewrite(out, tmp_path / "两次.zip", change={"manifest-sha256.txt": (text + text.splitlines(True)[0]).encode()})
    assert not verify_pack(twice).ok and any("列了两次" in p for p in verify_pack(twice).problems)
    nested = rewrite(out, tmp_path / "嵌套.zip", change={"manifest.json": b"[" * 100_000})
    [problem] = verify_pack(nested).problems
    assert problem == "manifest.json 无法读取（结构嵌套过深，不像是本软件写的清单）" and "Error" not in problem
    (tmp_path / "坏.zip").write_bytes(b"PK\x03\x04 not really")
    [broken] = verify_pack(tmp_path / "坏.zip").problems
    assert "不是完整的 zip 文件" in broken and "BadZipFile" not in broken


def crafted(path: Path, members: dict[str, bytes], listed: list[dict], links: frozenset[str] = frozenset()) -> Path:
    manifest = {"format": "huiquan-inspection-pack", "version": 1, "files": listed}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix: `unzip` honours the mode, a symlink's "data" is its target
            info.external_attr = ((stat.S_IFLNK | 0o777) if name in links else
                                  (stat.S_IFDIR | 0o755) if name.endswith("/") else (stat.S_IFREG | 0o644)) << 16
            z.writestr(info, data)
        z.writestr("manifest.json", json.dumps(manifest))
        z.writestr("manifest-sha256.txt", "".join(f"{e['sha256']}  {e['path']}\n" for e in listed))
    return path


def entry(name: str, data: bytes, size: int | None = None) -> dict:
    return {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data) if size is None else size}


def test_crafted_zips_are_refused_without_unpacking(tmp_path) -> None:
    evil = b"owned"
    check = verify_pack(crafted(tmp_path / "climb.zip", {"../../evil.txt": evil, "/etc/evil": evil},
                                [entry("../../evil.txt", evil), entry("/etc/evil", evil)]))
    assert not check.ok
    assert sum("不合法" in p for p in check.problems) == 4  # both manifest entries and both names
    assert not (tmp_path.parent / "evil.txt").exists()

    body = b"x" * 74565  # deflates to a few hundred bytes; then its declared size is made enormous
    path = crafted(tmp_path / "huge.zip", {"big.bin": body}, [entry("big.bin", body, size=0x7FFFFFFF)])
    data = path.read_bytes().replace((74565).to_bytes(4, "little"), (0x7FFFFFFF).to_bytes(4, "little"))
    path.write_bytes(data)
    check = verify_pack(path)
    assert any("压缩信息异常" in p and "big.bin" in p for p in check.problems), check.lines()

    check = verify_pack(crafted(tmp_path / "lie.zip", {"a.txt": b"abc"}, [entry("a.txt", b"abc", size=10**12)]))
    assert check.changed == ["a.txt"]  # declared size not the manifest's: not read at all

    (tmp_path / "not.zip").write_bytes(b"PK\x03\x04 broken")
    assert "无法打开" in verify_pack(tmp_path / "not.zip").problems[0]
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as z:
        z.writestr("manifest.json", json.dumps({"format": "huiquan-archive-package", "files": []}))
    assert "不是惠泉台账迎检资料包的清单" in verify_pack(tmp_path / "other.zip").problems[0]


FRONT = {"00_封面.pdf": b"%PDF-1.4 cover", "01_目录.pdf": b"%PDF-1.4 index", "说明.txt": b"readme"}


def test_a_manifest_without_files_or_without_the_front_is_not_complete(tmp_path) -> None:
    check = verify_pack(crafted(tmp_path / "empty.zip", {}, []))  # files: [] and an empty manifest-sha256.txt
    assert not check.ok and check.checked == 0
    assert "清单中除封面、目录和说明外没有任何文件" in check.problems
    assert {"清单缺少封面：00_封面.pdf", "清单缺少目录：01_目录.pdf", "清单缺少说明：说明.txt"} <= set(check.problems)

    only_front = verify_pack(crafted(tmp_path / "front.zip", FRONT, [entry(n, d) for n, d in FRONT.items()]))
    assert only_front.problems == ["清单中除封面、目录和说明外没有任何文件"]

    ledger = {"03_活动台账/活动台账.pdf": b"%PDF-1.4 ledger"}
    no_index = {n: d for n, d in FRONT.items() if n != "01_目录.pdf"} | ledger
    check = verify_pack(crafted(tmp_path / "no-index.zip", no_index, [entry(n, d) for n, d in no_index.items()]))
    assert check.problems == ["清单缺少目录：01_目录.pdf"]

    whole = FRONT | ledger | {"03_活动台账/": b""}  # a folder entry is allowed
    assert verify_pack(crafted(tmp_path / "whole.zip", whole, [entry(n, d) for n, d in whole.items()
                                                                if not n.endswith("/")])).ok


def test_a_symlink_member_is_not_read_and_not_complete(tmp_path) -> None:
    members = FRONT | {"03_活动台账/活动台账.pdf": b"/etc/passwd"}  # `unzip` would make this a link
    path = crafted(tmp_path / "link.zip", members, [entry(n, d) for n, d in members.items()],
                   links=frozenset({"03_活动台账/活动台账.pdf"}))
    check = verify_pack(path)
    assert not check.ok
    assert "不是普通文件（链接或设备，不予读取）：03_活动台账/活动台账.pdf" in check.problems
    assert check.checked == 3  # the link itself was never hashed


# --- what must not be in it ----------------------------------------------------------------------------
def pdf_fonts(data: bytes) -> tuple[PdfReader, set[str]]:
    reader = PdfReader(io.BytesIO(data))
    found = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            embedded = descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2"))
            found.add(("" if embedded else "NOT-EMBEDDED:") + str(font["/BaseFont"]))
    return reader, found


def test_every_pdf_member_embeds_its_fonts(pack) -> None:
    out, _report, _calls = pack
    with zipfile.ZipFile(out) as z:
        pdfs = [n for n in z.namelist() if n.endswith(".pdf")]
        assert len(pdfs) >= 15
        for name in pdfs:
            _reader, fonts = pdf_fonts(z.read(name))
            assert fonts and not [f for f in fonts if f.startswith("NOT-EMBEDDED")], (name, fonts)


def test_no_full_id_number_anywhere(demo, pack) -> None:
    out, _report, _calls = pack
    with demo.read() as s:
        ids = set(s.scalars(select(Volunteer.id_number)))
    assert len(ids) >= 10
    masked = {f"{i[:6]}{'*' * 8}{i[-4:]}" for i in ids}
    texts: dict[str, str] = {}
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith(".pdf"):
                texts[name] = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
            elif name.endswith(".xlsx"):
                book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
                texts[name] = "\n".join(str(c) for sheet in book.worksheets
                                        for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
                book.close()
            elif name.endswith((".txt", ".json")):
                texts[name] = data.decode("utf-8-sig")
            else:
                texts[name] = data.decode("latin-1")  # a photo's metadata: no number there either
    leaks = {name: sorted(ids & set(FULL_ID.findall(text.replace(" ", "")))) for name, text in texts.items()}
    assert not {k: v for k, v in leaks.items() if v}
    roster = texts["04_志愿服务/志愿者花名册.xlsx"]  # the scan reads the numbers: the masked ones are there
    assert sum(m in roster for m in masked) >= 10


# --- photos --------------------------------------------------------------------------------------------
def located_photo(path: Path, fmt: str = "JPEG") -> Path:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Huawei"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:04:04 09:00:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (24.0, 52.0, 30.5), 3: "E", 4: (118.0, 40.0, 12.0)})
    Image.new("RGB", (120, 90), "teal").save(path, fmt, exif=exif.tobytes())
    return path


@pytest.fixture
def small(ws, tmp_path) -> Workspace:  # type: ignore[no-untyped-def]
    """惠泉社区 with one activity of two located photos (a JPEG and a PNG)."""
    located_photo(tmp_path / "a.jpg")
    located_photo(tmp_path / "b.png", "PNG")
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
        create_activity(s, draft(s, start=datetime(2026, 4, 4, 9, 0), end=datetime(2026, 4, 4, 11, 0),
                                 title="清明祭英烈"), ws.files, [
            NewAttachment(str(tmp_path / "a.jpg"), caption=PhotoCaption(title="献花", photographer="陈晓燕")),
            NewAttachment(str(tmp_path / "b.png")),
        ])
    return ws


def test_photos_lose_their_location_and_keep_the_rest(small, tmp_path) -> None:
    out = tmp_path / "out" / "pack.zip"
    report = export_pack(small, date(2026, 1, 1), date(2026, 6, 30), out)
    assert report.gps_removed == 2 and report.photos == 2
    folder = f"{PHOTOS}/传统节日/2026-04-04_清明祭英烈"
    original = (tmp_path / "a.jpg").read_bytes()
    with zipfile.ZipFile(out) as z:
        jpeg, png = z.read(f"{folder}/01.jpg"), z.read(f"{folder}/02.png")
        caption = z.read(f"{folder}/01.txt").decode("utf-8-sig")
    for data in (jpeg, png):
        exif = Image.open(io.BytesIO(data)).getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and ExifTags.IFD.GPSInfo not in exif
    exif = Image.open(io.BytesIO(jpeg)).getexif()
    assert exif[ExifTags.Base.Make] == "Huawei"
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == "2026:04:04 09:00:00"
    assert jpeg[jpeg.index(b"\xff\xda"):] == original[original.index(b"\xff\xda"):]  # not re-encoded
    assert caption.startswith("题名：献花") and "摄影者：陈晓燕" in caption
    assert verify_pack(out).ok


def test_a_missing_photo_file_is_named_and_the_pack_still_made(small, tmp_path) -> None:
    with small.read() as s:
        activity = list_activities(s, ActivityFilter())[0]
        stored = get_activity(s, activity.id, small.files).attachments[0]
    stored.path.unlink()
    out = tmp_path / "pack.zip"
    report = export_pack(small, date(2026, 1, 1), date(2026, 6, 30), out)
    assert len(report.missing) == 1 and "a.jpg" in report.missing[0] and "缺失" in report.summary
    folder = f"{PHOTOS}/传统节日/2026-04-04_清明祭英烈"
    with zipfile.ZipFile(out) as z:
        assert f"{folder}/01.jpg" not in z.namelist() and f"{folder}/02.png" in z.namelist()
        assert "原文件缺失：a.jpg（文件不存在）" in z.read(f"{folder}/01.txt").decode("utf-8-sig")
    assert verify_pack(out).ok


def test_a_jpeg_without_location_is_left_as_it_is(tmp_path) -> None:
    path = tmp_path / "plain.jpg"
    Image.new("RGB", (30, 20), "red").save(path)
    data = path.read_bytes()
    assert jpeg_without_gps(data) == (data, False)
    assert jpeg_without_gps(b"not a jpeg") == (b"not a jpeg", False)


# --- failing and refusing ------------------------------------------------------------------------------
def test_cancel_leaves_nothing_behind(small, tmp_path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()

    def cancel(done: int, total: int) -> None:
        if done > 3:
            raise Cancelled()

    with pytest.raises(Cancelled):
        export_pack(small, date(2026, 1, 1), date(2026, 6, 30), folder / "pack.zip", cancel)
    assert list(folder.iterdir()) == []  # no zip, no hidden part file, no scratch folder
    with small.read() as s:
        assert not [r for r in query_audit(s, limit=None) if r.action == "export"]


def test_refused_without_sign_in_once_accounts_exist(small, tmp_path) -> None:
    with small.write() as s:
        accounts.create_user(s, "admin", "林秀英", "admin", "admin-pass-1")
    small.sign_out()
    with pytest.raises(PermissionDenied, match="请先登录"):
        export_pack(small, date(2026, 1, 1), date(2026, 6, 30), tmp_path / "pack.zip")
    assert not (tmp_path / "pack.zip").exists()
    small.sign_in("林秀英", "admin")
    report = export_pack(small, date(2026, 1, 1), date(2026, 6, 30), tmp_path / "pack.zip")
    with zipfile.ZipFile(tmp_path / "pack.zip") as z:
        assert json.loads(z.read("manifest.json"))["created_by"] == "林秀英"
    assert report.photos == 2


def test_period_and_file_name_are_checked(small, tmp_path) -> None:
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        export_pack(small, date(2026, 6, 1), date(2026, 1, 1), tmp_path / "p.zip")
    with pytest.raises(ValidationError, match=r"\.zip"):
        export_pack(small, date(2026, 1, 1), date(2026, 6, 1), tmp_path / "p.pdf")
    later = date.today() + timedelta(days=40)
    with pytest.raises(ValidationError, match="还没有到"):  # a period to come has nothing to pack yet
        export_pack(small, later, later + timedelta(days=30), tmp_path / "p.zip")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("p")] == []
