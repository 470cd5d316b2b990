"""活动图片记录 (services.photo_record, exports.photo_record, the picture blocks of exports.layout)
and HEIC photos with their JPEG renditions (storage.files): real files, real database, the PDF read
back with pypdf."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from huiquan_desk.domain.activity import ActivityStatus, AttachmentKind, NewAttachment, PhotoCaption
from huiquan_desk.domain.errors import Cancelled, PermissionDenied, ValidationError
from huiquan_desk.exports.layout import PRINT_DPI
from huiquan_desk.services import accounts
from huiquan_desk.services.activities import create_activity, get_activity
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.services.integrity import check
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.photo_record import export_name, export_photo_record, safe_title, suggested_name
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.storage.files import rendition_of
from tests.helpers import draft

CAPTION = PhotoCaption(people="王堃（社区书记）、陶喆（志愿者）", photographer="陈晓燕", background="辖区老人代表")


def photo(path: Path, size: tuple[int, int], orientation: int | None = None, fmt: str | None = None) -> Path:
    """A picture with some detail in it (so it is not a trivial one-colour JPEG)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((200, 80, 40), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    options = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
    if fmt == "HEIF":
        pillow_heif.register_heif_opener()
        image.save(path, format="HEIF", quality=70)
    else:
        image.save(path, **options)
    return path


@dataclass
class Sources:
    landscape: Path  # 1600 × 1200
    portrait: Path  # 900 × 1200
    rotated: Path  # stored 1200 × 800, EXIF orientation 6: seen 800 × 1200
    heic: Path  # 1000 × 600, an iPhone's format
    sheet: Path  # 2480 × 3508, a sign-in sheet scanned at 300 dpi

    # the proportions as seen (width / height), the rotated one turned upright
    ratios = {"landscape": 4 / 3, "portrait": 3 / 4, "rotated": 2 / 3, "heic": 5 / 3, "sheet": 2480 / 3508}


@pytest.fixture
def sources(tmp_path: Path) -> Sources:
    src = tmp_path / "src"
    return Sources(photo(src / "IMG_0001.jpg", (1600, 1200)), photo(src / "IMG_0002.jpg", (900, 1200)),
                   photo(src / "IMG_0003.jpg", (1200, 800), orientation=6),
                   photo(src / "IMG_0004.HEIC", (1000, 600), fmt="HEIF"), photo(src / "签到表.png", (2480, 3508)))


@pytest.fixture
def community(ws, sources: Sources) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """惠泉社区 with three activities: one with four photos and a sign-in sheet, one without photos,
    and a planned one (left out by default)."""
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
        elders = create_activity(s, draft(s), ws.files, [
            NewAttachment(str(sources.landscape), caption=CAPTION),
            NewAttachment(str(sources.portrait)),
            NewAttachment(str(sources.rotated)),
            NewAttachment(str(sources.heic)),
            NewAttachment(str(sources.sheet), AttachmentKind.SIGN_IN),
        ])
        lanterns = create_activity(s, draft(s, title="中秋节猜灯谜", start=datetime(2026, 9, 20, 19, 0),
                                            end=datetime(2026, 9, 20, 21, 0)), ws.files)
        planned = create_activity(s, draft(s, title="冬至包饺子", start=datetime(2026, 12, 21, 9, 0),
                                           end=datetime(2026, 12, 21, 11, 0), status=ActivityStatus.PLANNED),
                                  ws.files, [NewAttachment(str(sources.landscape))])
    return {"elders": elders, "lanterns": lanterns, "planned": planned}


@dataclass
class Placed:
    width: int  # pixels
    height: int
    filters: list[str]
    drawn_w: float  # points
    drawn_h: float


def placed_images(page) -> list[Placed]:  # type: ignore[no-untyped-def]
    """The images a page draws, with the size each is drawn at (the `cm` before its `Do`)."""
    xobjects = page["/Resources"].get("/XObject", {})
    ops = ContentStream(page.get_contents(), page.pdf).operations
    out, matrix = [], None
    for operands, operator in ops:
        if operator == b"cm":
            matrix = [float(v) for v in operands]
        elif operator == b"Do":
            image = xobjects[operands[0]].get_object()
            if image["/Subtype"] != "/Image":
                continue
            filters = image["/Filter"]
            filters = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
            assert matrix is not None
            out.append(Placed(int(image["/Width"]), int(image["/Height"]), filters, matrix[0], matrix[3]))
    return out


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def audit_exports(ws) -> list[str]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return [row.summary for row in query_audit(s, limit=None) if row.action == "export"]


# --- the PDF -----------------------------------------------------------------------------------------
def test_pdf_photos_in_proportion_at_print_resolution_with_captions(ws, community, tmp_path: Path) -> None:
    out = tmp_path / "图片记录.pdf"
    report = export_photo_record(ws, LedgerParams(), out)
    assert (report.activities, report.photos, report.sign_ins, report.missing) == (2, 4, 1, [])
    reader = PdfReader(out)
    texts = page_texts(out)
    total = len(reader.pages)
    assert total == 4  # photos 2 + 2, the sign-in sheet, the signature line after it
    per_page = []
    for number, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        assert f"第 {number} 页 共 {total} 页" in text
        images = placed_images(page)
        per_page.append(len(images))
        if "签到表：" in text:
            assert len(images) == 1
        else:
            assert len(images) in (0, 2, 3, 4)
        for image in images:
            assert image.filters == ["/DCTDecode"]  # JPEG passed through, not re-compressed or ASCII85'd
            # drawn in the proportion of its pixels, which are the source's as seen: never cropped or stretched
            assert image.width / image.height == pytest.approx(image.drawn_w / image.drawn_h, rel=0.01)
            # downsampled to at most 200 dpi at the printed size
            assert image.width <= math.ceil(image.drawn_w / 72 * PRINT_DPI)
            assert image.height <= math.ceil(image.drawn_h / 72 * PRINT_DPI)
    assert per_page == [2, 2, 1, 0]
    ratios = sorted(round(i.width / i.height, 2) for page in reader.pages for i in placed_images(page))
    assert ratios == sorted(round(r, 2) for r in Sources.ratios.values())  # the EXIF-rotated one upright (2:3)
    sheet = placed_images(reader.pages[2])[0]
    assert sheet.drawn_h > 650 or sheet.drawn_w > 480  # fitted to the page
    assert sheet.width < 2480  # a 300-dpi scan is reduced to 200 dpi on the page too

    first, everything = texts[0], "\n".join(texts)
    assert "惠泉社区活动图片记录" in first
    assert "单位：惠泉镇惠泉社区" in first and "全宗号：0194" in first and "共 2 项活动、4 张照片" in first
    assert "时间：全部时间" in first and "类别：全部" in first
    assert "1. 中秋节猜灯谜" in first and "（没有照片）" in first  # in date order; without photos still listed
    assert "2. 重阳节敬老爱老活动" in first
    assert "地点：惠泉社区活动室" in first and "参与人数：45 人" in first
    assert "人物：王堃（社区书记）、陶喆（志愿者）" in everything and "摄影者：陈晓燕" in everything
    assert "题名：重阳节敬老爱老活动" in everything and "时间：2026-10-18 09:00" in everything
    assert "背景" not in everything  # the PDF prints 题名 时间 地点 人物 摄影者; 背景 is in the caption files
    assert "签到表：重阳节敬老爱老活动（2026-10-18）" in texts[2]
    assert "填表人：" in texts[-1] and "陈晓燕" in texts[-1] and "审核人：" in texts[-1]
    assert "冬至包饺子" not in everything  # 计划中: left out unless asked for
    assert audit_exports(ws) == ["导出活动图片记录 → 图片记录.pdf (5 条)"]


def test_status_and_category_choose_the_activities(ws, community, tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    report = export_photo_record(ws, LedgerParams(status="all"), out)
    assert report.activities == 3 and "冬至包饺子" in "".join(page_texts(out)) and "状态：全部" in page_texts(out)[0]
    report = export_photo_record(ws, LedgerParams(status="planned"), tmp_path / "planned.pdf")
    assert (report.activities, report.photos) == (1, 1)
    report = export_photo_record(ws, LedgerParams(date_from=datetime(2026, 10, 1).date()), tmp_path / "oct.pdf")
    assert report.activities == 1
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        export_photo_record(ws, LedgerParams(date_from=datetime(2026, 10, 1).date(),
                                             date_to=datetime(2026, 9, 1).date()), tmp_path / "bad.pdf")
    assert suggested_name(LedgerParams(date_from=datetime(2026, 1, 1).date(), date_to=datetime(2026, 12, 31).date())) \
        == "活动图片记录_20260101-20261231.pdf"


def stored(ws, activity_id: int) -> list:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return get_activity(s, activity_id, ws.files).attachments


def test_a_missing_or_broken_photo_prints_a_placeholder(ws, community, tmp_path: Path) -> None:
    landscape, portrait, rotated = stored(ws, community["elders"])[:3]
    landscape.path.unlink()  # gone from files/
    portrait.path.write_bytes(b"not a picture at all")  # unreadable from its header on
    data = rotated.path.read_bytes()
    rotated.path.write_bytes(data[: len(data) // 2])  # a sound header, the picture data cut off
    out = tmp_path / "缺失.pdf"
    report = export_photo_record(ws, LedgerParams(), out)
    assert len(report.missing) == 3
    assert any("IMG_0001.jpg" in m and "文件不存在" in m for m in report.missing)
    assert any("IMG_0002.jpg" in m and "文件无法读取" in m for m in report.missing)
    assert any("IMG_0003.jpg" in m for m in report.missing)
    everything = "\n".join(page_texts(out))
    assert everything.count("照片文件缺失") == 3
    assert "IMG_0001.jpg" in everything and "IMG_0002.jpg" in everything and "IMG_0003.jpg" in everything
    images = [image for page in PdfReader(out).pages for image in placed_images(page)]
    assert len(images) == 2  # the HEIC and the sign-in sheet

    folder = export_photo_record(ws, LedgerParams(), tmp_path / "缺失", fmt="folder")
    assert len(folder.missing) == 1 and "IMG_0001.jpg" in folder.missing[0]  # the others are copied as they are
    note = (tmp_path / "缺失" / "2026-10-18_重阳节敬老爱老活动_01.txt").read_text(encoding="utf-8-sig")
    assert "原文件缺失：IMG_0001.jpg" in note
    assert not (tmp_path / "缺失" / "2026-10-18_重阳节敬老爱老活动_01.jpg").exists()


# --- the folder --------------------------------------------------------------------------------------
def test_folder_export_names_files_and_writes_caption_files(ws, community, sources: Sources, tmp_path: Path) -> None:
    target = tmp_path / "out" / "活动图片记录_2026"
    report = export_photo_record(ws, LedgerParams(), target, fmt="folder")
    assert (report.photos, report.sign_ins, report.missing) == (4, 1, [])
    stem = "2026-10-18_重阳节敬老爱老活动"
    assert sorted(p.name for p in target.iterdir()) == sorted([
        f"{stem}_01.jpg", f"{stem}_01.txt", f"{stem}_02.jpg", f"{stem}_02.txt", f"{stem}_03.jpg", f"{stem}_03.txt",
        f"{stem}_04.heic", f"{stem}_04.txt", f"{stem}_签到表_01.png", f"{stem}_签到表_01.txt"])
    # the originals, byte for byte (the HEIC stays HEIC, EXIF kept)
    assert (target / f"{stem}_03.jpg").read_bytes() == sources.rotated.read_bytes()
    assert (target / f"{stem}_04.heic").read_bytes() == sources.heic.read_bytes()
    raw = (target / f"{stem}_01.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # UTF-8 with BOM, CRLF: Notepad opens it
    assert raw.decode("utf-8-sig").splitlines() == [
        "题名：重阳节敬老爱老活动", "时间：2026-10-18 09:00", "地点：惠泉社区活动室",
        "人物：王堃（社区书记）、陶喆（志愿者）", "摄影者：陈晓燕", "背景：辖区老人代表"]
    assert (target / f"{stem}_02.txt").read_text(encoding="utf-8-sig").splitlines()[3:] == [
        "人物：", "摄影者：", "背景："]
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left
    assert audit_exports(ws) == ["导出活动图片记录 → 活动图片记录_2026 (5 条)"]


def test_folder_names_without_forbidden_characters() -> None:
    assert safe_title('讲座:AI/大数据?  "防诈骗" <第1期>*|') == "讲座AI大数据 防诈骗 第1期"
    assert safe_title("讲座：全角标点可以") == "讲座：全角标点可以"  # only what Windows forbids goes
    assert safe_title("...") == "活动" and safe_title("结尾. ") == "结尾"
    assert export_name(datetime(2026, 3, 5), "重阳节敬老活动", 1, ".JPG") == "2026-03-05_重阳节敬老活动_01.jpg"
    assert export_name(datetime(2026, 3, 5), "重阳节敬老活动", 2, ".png", sign_in=True) \
        == "2026-03-05_重阳节敬老活动_签到表_02.png"


def test_folder_export_never_writes_into_a_folder_that_has_files(ws, community, tmp_path: Path) -> None:
    target = tmp_path / "已有"
    target.mkdir()
    (target / "别人的文件.docx").write_bytes(b"keep me")
    with pytest.raises(ValidationError, match="已存在且不是空的"):
        export_photo_record(ws, LedgerParams(), target, fmt="folder")
    assert [p.name for p in target.iterdir()] == ["别人的文件.docx"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    (tmp_path / "是文件").write_bytes(b"x")
    with pytest.raises(ValidationError, match="已是一个文件"):
        export_photo_record(ws, LedgerParams(), tmp_path / "是文件", fmt="folder")
    empty = tmp_path / "空的"
    empty.mkdir()
    assert export_photo_record(ws, LedgerParams(), empty, fmt="folder").files == 5
    assert len(list(empty.iterdir())) == 10
    assert audit_exports(ws) == ["导出活动图片记录 → 空的 (5 条)"]


# --- cancelling, personal data -----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["pdf", "folder"])
def test_cancelling_leaves_nothing_behind(ws, community, tmp_path: Path, fmt: str) -> None:
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done == 2:
            raise Cancelled()

    target = tmp_path / ("记录.pdf" if fmt == "pdf" else "记录")
    with pytest.raises(Cancelled):
        export_photo_record(ws, LedgerParams(), target, fmt=fmt, progress=progress)
    assert calls == [(1, 5), (2, 5)]  # per photo
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "src"]  # no file, no folder, no hidden one
    assert audit_exports(ws) == []


@pytest.mark.parametrize("fmt", ["pdf", "folder"])
def test_refused_while_accounts_exist_and_nobody_is_signed_in(ws, community, tmp_path: Path, fmt: str) -> None:
    with ws.write() as s:
        accounts.create_user(s, "admin", "林秀英", "admin", "admin-pass-1")
    ws.sign_out()
    target = tmp_path / ("记录.pdf" if fmt == "pdf" else "记录")
    with pytest.raises(PermissionDenied, match="请先登录"):
        export_photo_record(ws, LedgerParams(), target, fmt=fmt)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "src"]
    ws.sign_in("林秀英", "admin")
    assert export_photo_record(ws, LedgerParams(), target, fmt=fmt).files == 5


def test_format_is_checked(ws, community, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="PDF 或文件夹"):
        export_photo_record(ws, LedgerParams(), tmp_path / "x.xlsx", fmt="xlsx")
    with pytest.raises(ValidationError, match=r"\.pdf 结尾"):
        export_photo_record(ws, LedgerParams(), tmp_path / "x.xlsx", fmt="pdf")


# --- HEIC and its rendition --------------------------------------------------------------------------
def test_heic_is_kept_with_a_jpeg_rendition_that_is_remade_when_missing(ws, community, tmp_path: Path) -> None:
    heic = stored(ws, community["elders"])[3]
    assert heic.path.suffix == ".heic" and heic.path.read_bytes()[4:12] == b"ftypheic"  # the original is kept
    rendition = heic.path.with_name(f"{heic.sha256}.rendition.jpg")
    assert rendition.is_file() and rendition_of(rendition.name) == heic.sha256 and rendition_of(heic.path.name) is None
    with Image.open(rendition) as image:
        assert image.format == "JPEG" and image.size == (1000, 600)
    assert ws.files.viewable(heic.sha256, ".heic") == rendition
    with ws.read() as s:
        assert check(s, ws.files).problems == []  # `check` verifies the original; the rendition is no problem
    rendition.unlink()  # a clean-up that does not know renditions removed it, or a restore left it out
    assert ws.files.viewable(heic.sha256, ".heic") == rendition and rendition.is_file()  # made again
    rendition.unlink()
    out = tmp_path / "heic.pdf"
    export_photo_record(ws, LedgerParams(), out)  # the export re-makes it too
    assert rendition.is_file()
    ratios = [round(i.width / i.height, 2) for page in PdfReader(out).pages for i in placed_images(page)]
    assert round(5 / 3, 2) in ratios


def test_a_damaged_heic_is_refused_when_attached(ws, tmp_path: Path) -> None:
    good = photo(tmp_path / "good.heic", (400, 300), fmt="HEIF").read_bytes()
    broken = tmp_path / "broken.heic"
    broken.write_bytes(good[: len(good) // 3])
    with pytest.raises(ValidationError, match="broken.heic"), ws.write() as s:
        create_activity(s, draft(s), ws.files, [NewAttachment(str(broken))])


def test_two_activities_of_one_name_on_one_day_do_not_share_file_names(ws, sources: Sources, tmp_path: Path) -> None:
    with ws.write() as s:
        for hour in (9, 15):
            create_activity(s, draft(s, title="垃圾分类/入户宣传", start=datetime(2026, 5, 6, hour, 0),
                                     end=datetime(2026, 5, 6, hour + 1, 0)), ws.files,
                            [NewAttachment(str(sources.portrait))])
    target = tmp_path / "同名"
    export_photo_record(ws, LedgerParams(), target, fmt="folder")
    assert sorted(p.name for p in target.iterdir()) == [
        "2026-05-06_垃圾分类入户宣传_01.jpg", "2026-05-06_垃圾分类入户宣传_01.txt",
        "2026-05-06_垃圾分类入户宣传（2）_01.jpg", "2026-05-06_垃圾分类入户宣传（2）_01.txt"]
