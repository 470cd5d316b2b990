"""迎检资料包 (the inspection pack): for a period, one zip with everything an inspector asks to see,
built by `export_pack` and checked by `verify_pack` (`huiquan-desk export pack`, the window's
「迎检 → 导出迎检资料包…」).

    00_封面.pdf   01_目录.pdf   说明.txt                          cover, index of every file, how to check
    02_年度计划/      the annual plan and its 责任分解表 (PDF and Excel) of each year of the period
    03_活动台账/      活动台账 (PDF, Excel) and 活动图片记录 (PDF) of the period's activities
    04_志愿服务/      志愿者花名册 (masked) and 志愿服务记录台账 of the period (PDF, Excel)
    05_文明家庭/      文明家庭创建台账 of each year; 推荐名单, 评议结果 and 公示 of each campaign in the period
    06_归档文件目录/  the archive catalogue of each year
    07_整改台账/      rectifications found in the period; 整改照片/<编号>_<问题>/整改前_01.jpg + .txt, 整改后_01.jpg …
    08_测评自查表/    the self-assessment of the period
    09_照片/<类别>/<日期_活动名>/01.jpg + 01.txt    every photo of the period's activities, with its caption
    manifest.json   manifest-sha256.txt             every file's SHA-256 and size (the second `sha256sum -c` style)

Ledgers come from the registry (services.ledgers) as the window prints them, so the roster and the
service ledger are masked exactly as there (ID 6+4, phone 3+4; DOMAIN.md). A part that has nothing
to print yet (no plan for the year, nothing numbered in the archive) is left out and named on the
cover and in the report (`left_out`), never silently.

Photos. The pack goes to people outside the committee, so a photo's location is taken out: the
EXIF GPS block (and an XMP packet naming GPS coordinates) is removed from each JPEG by rewriting
its metadata segment only — the image data, the time taken and the camera stay as they were (the
archive keeps the untouched originals, DOMAIN.md). A HEIC goes in as its JPEG rendition (most
inspectors' computers cannot open HEIC), a PNG or other picture carrying GPS is saved again
without it. Each photo has a caption file beside it (题名, 时间, 地点, 人物, 摄影者, 背景; UTF-8 with a
BOM, as services.photo_record writes them). Sign-in sheets are printed in the 活动图片记录.

It holds personal data (names, faces, masked numbers): like every such export it needs a signed-in
account once accounts exist, and the file appears only together with its one audit entry
(services.exporting.write_logged). It is written to a hidden temporary name in the target's
folder (the intermediate PDFs and workbooks in a hidden temporary folder there too) and renamed
into place at the end: a failure or Cancelled from `progress` leaves nothing behind.

`verify_pack(path)` re-hashes every member against manifest.json and reports what is missing,
changed or added, refusing crafted archives (a manifest without the cover, index and 说明 or with
nothing else, names that climb out of the folder, symlink entries, sizes that do not match the
manifest, members a zip claims are larger than any compression allows) without
unpacking anything; the zip reading is services.archive_package's hardened reader. The photos'
location is taken out by exports.photo_location.
"""

from __future__ import annotations

import glob
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import NotFoundError, Progress, ValidationError
from huiquan_desk.exports.ledger import clear_stale
from huiquan_desk.exports.pack_documents import (
    IndexLine,
    PackFacts,
    index_pages,
    size_text,
    write_cover,
    write_index,
)
from huiquan_desk.exports.photo_location import picture_without_gps
from huiquan_desk.services.archive_package import (
    IGNORED,
    MANIFEST,
    MANIFEST_TXT,
    ZIP_ERRORS,
    PackageReader,
    PackageSink,
    safe_member,
    txt_problems,
    unreadable,
)
from huiquan_desk.services.family_prints import PRINTS
from huiquan_desk.services.ledgers import LedgerParams, letterhead
from huiquan_desk.services.settings import get_profile
from huiquan_desk.storage.files import RENDERED_SUFFIXES, FileStore
from huiquan_desk.storage.models import now

if TYPE_CHECKING:
    from huiquan_desk.services.activities import AttachmentInfo
    from huiquan_desk.services.photo_record import PhotoRecordData
    from huiquan_desk.services.workspace import Workspace

FORMAT = "huiquan-inspection-pack"
VERSION = 1
TITLE = "迎检资料包"
ENTITY = "activities"  # what the audit entry names: the activities, their photos and ledgers
COVER = "00_封面.pdf"
INDEX = "01_目录.pdf"
README = "说明.txt"
FRONT = {COVER: "封面", INDEX: "目录", README: "说明"}  # a pack without them (or with no files at all) is not one
PHOTOS = "09_照片"
RECTIFICATION_PHOTOS = "07_整改台账/整改照片"
# reportlab writes every page object uncompressed as `/Type /Page` (the tree nodes are /Pages).
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
# Deflate cannot shrink data more than about 1032:1; a member claiming more is crafted.
MAX_RATIO = 1100
NOTICE = PRINTS["notice"]  # the 公示 of a campaign's result


# --- what a pack is ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PackMember:
    path: str  # posix, inside the zip
    title: str
    sha256: str
    size: int
    pages: int | None = None  # a PDF's page count

    @property
    def amount(self) -> str:
        return f"{self.pages} 页" if self.pages is not None else size_text(self.size)


@dataclass
class PackReport:
    """What `export_pack` wrote: the members (manifest files aside), what was left out and why,
    and the photos whose file was missing (their caption file says so)."""

    path: Path
    date_from: date
    date_to: date
    community: str = ""
    members: list[PackMember] = field(default_factory=list)
    activities: int = 0
    photos: int = 0
    gps_removed: int = 0  # photos whose location was taken out
    left_out: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(m.size for m in self.members)

    @property
    def summary(self) -> str:
        text = (f"{TITLE}（{self.date_from:%Y-%m-%d} 至 {self.date_to:%Y-%m-%d}）：{len(self.members)} 个文件，"
                f"{size_text(self.size)}；活动 {self.activities} 项，照片 {self.photos} 张")
        notes = []
        if self.gps_removed:
            notes.append(f"{self.gps_removed} 张照片已去除拍摄位置")
        if self.left_out:
            notes.append(f"未收入 {len(self.left_out)} 项")
        if self.missing:
            notes.append(f"{len(self.missing)} 个照片或签到表文件缺失")
        return text + (f"（{'；'.join(notes)}）" if notes else "")


@dataclass
class PackCheck:
    """What `verify_pack` found: members listed but absent, changed (hash or size), present but not
    listed, and anything else wrong (an unreadable or crafted archive, a bad manifest)."""

    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checked: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.extra or self.problems)

    def lines(self) -> list[str]:
        return ([*self.problems] + [f"缺少文件：{n}" for n in self.missing]
                + [f"文件已被改动（校验值或大小不符）：{n}" for n in self.changed]
                + [f"多出的文件（清单中没有）：{n}" for n in self.extra])


def default_period(today: date | None = None) -> tuple[date, date]:
    """This year up to today."""
    today = today or date.today()
    return date(today.year, 1, 1), today


def suggested_name(community: str, date_from: date, date_to: date) -> str:
    """惠泉社区_迎检资料包_20260101-20261130.zip."""
    return "_".join(p for p in (community, TITLE, f"{date_from:%Y%m%d}-{date_to:%Y%m%d}") if p) + ".zip"


def check_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The period asked for, the missing ends filled in (this year up to today; a start alone
    runs to today, an end alone from 1 January of its year); refused naming 时间范围 when it ends
    before it starts or spans more than five years."""
    start, end = default_period()
    date_from, date_to = date_from or (date(date_to.year, 1, 1) if date_to else start), date_to or end
    if date_to < date_from:
        raise ValidationError.single("时间范围", "结束日期不能早于开始日期")
    if date_from > date.today():
        raise ValidationError.single("时间范围", f"开始日期 {date_from:%Y-%m-%d} 还没有到，这个时段还没有材料可以打包")
    if date_to.year - date_from.year > 4:
        raise ValidationError.single("时间范围", "一个迎检资料包最多跨 5 个年度，请缩短时段")
    return date_from, date_to


# --- building -----------------------------------------------------------------------------------------
class _Build:
    """One pack being written: the zip's sink, a scratch folder for the rendered documents, the
    members so far and the progress."""

    def __init__(self, session: Session, store: FileStore, sink: PackageSink, scratch: Path, report: PackReport,
                 progress: Progress | None):
        self.session, self.store, self.sink, self.scratch = session, store, sink, scratch
        self.report, self.progress = report, progress
        self.done, self.total = 0, 1

    def step(self, count: int = 1) -> None:
        self.at(self.done + count)

    def at(self, done: int) -> None:
        self.done = done
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    def add_file(self, source: Path, path: str, title: str) -> PackMember:
        entry = self.sink.copy(source, path)
        pages = len(PAGE_OBJECT.findall(source.read_bytes())) if path.lower().endswith(".pdf") else None
        member = PackMember(path, title, entry.sha256, entry.size, pages)
        self.report.members.append(member)
        source.unlink()
        return member

    def add_bytes(self, data: bytes, path: str, title: str) -> None:
        self.sink.write(path, data)
        entry = self.sink.entries[-1]
        self.report.members.append(PackMember(path, title, entry.sha256, entry.size))

    def document(self, path: str, title: str, make: Callable[[Path], object]) -> None:
        out = self.scratch / f"{len(self.report.members):04d}{PurePosixPath(path).suffix}"
        make(out)
        self.add_file(out, path, title)

    def ledger(self, folder: str, stem: str, title: str, key: str, params: LedgerParams) -> None:
        from huiquan_desk.services.exporting import export_ledger

        for fmt, label in (("pdf", "PDF"), ("xlsx", "Excel")):
            self.document(f"{folder}/{stem}.{fmt}", f"{title}（{label}）",
                          partial(export_ledger, self.session, key, params, fmt=fmt))
            self.step()

    def optional(self, what: str, work: Callable[[], None]) -> None:
        """A part that may have nothing to print yet: left out, and named, when it has not."""
        try:
            work()
        except (ValidationError, NotFoundError) as err:
            self.report.left_out.append(f"{what}：{err}")


# Steps of the progress bar besides the pictures: the period's five ledgers (PDF and Excel each),
# per year the plan, 责任分解表, 文明家庭创建台账 and catalogue, per campaign two ledgers and a notice.
PERIOD_STEPS, YEAR_STEPS, CAMPAIGN_STEPS = 10, 8, 5


def _plan_part(build: _Build, year: int) -> None:
    """The year's plan and 责任分解表 (services.plan_prints; the registry's "responsibilities")."""
    folder = "02_年度计划"

    def plan() -> None:
        from huiquan_desk.services.plan_prints import export_plan

        for fmt, label in (("pdf", "PDF"), ("xlsx", "Excel")):
            build.document(f"{folder}/{year}年度文明创建工作计划.{fmt}", f"{year}年度文明创建工作计划（{label}）",
                           partial(export_plan, build.session, year, fmt=fmt))
            build.step()

    build.optional("年度计划", plan)
    build.optional("责任分解表", lambda: build.ledger(
        folder, f"{year}年度责任分解表", f"{year}年度责任分解表", "responsibilities", LedgerParams(year=year)))


def _campaigns_in(session: Session, date_from: date, date_to: date) -> list[Any]:
    """Campaigns with a date in the period (公示, 表彰), or of a year of it when they have none yet."""
    from huiquan_desk.services.campaigns import list_campaigns

    def inside(row: Any) -> bool:
        spans = [(row.notice_start, row.notice_end or row.notice_start)] if row.notice_start else []
        spans += [(row.commended_on, row.commended_on)] if row.commended_on else []
        if not spans:
            return date_from.year <= row.year <= date_to.year
        return any(start <= date_to and end >= date_from for start, end in spans)

    return sorted((r for r in list_campaigns(session) if inside(r)), key=lambda r: (r.year, r.id))


def _family_part(build: _Build, years: list[int], date_from: date, date_to: date) -> None:
    from huiquan_desk.domain import family as family_rules
    from huiquan_desk.services.photo_record import safe_title

    folder = "05_文明家庭"
    for year in years:
        build.ledger(folder, f"{year}年度文明家庭创建台账", f"{year}年度文明家庭创建台账", "families",
                     LedgerParams(year=year))
    for row in _campaigns_in(build.session, date_from, date_to):
        stem = safe_title(row.title)
        params = LedgerParams(campaign_id=row.id)
        build.ledger(folder, f"{stem}_推荐名单", f"{row.title} 推荐名单", "nominations", params)
        build.ledger(folder, f"{stem}_评议结果", f"{row.title} 评议结果", "review", params)
        if family_rules.reached(row.stage, NOTICE.stage):
            build.optional(f"「{row.title}」{NOTICE.what}", partial(_notice, build, folder, stem, row.id, row.title))


def _notice(build: _Build, folder: str, stem: str, campaign_id: int, title: str) -> None:
    """The 公示 of a campaign's result (services.family_prints), from its 公示 stage on."""
    from huiquan_desk.services.family_prints import gather

    detail, chosen, who = gather(build.session, "notice", campaign_id)
    build.document(f"{folder}/{stem}_{NOTICE.what}.pdf", f"{title} {NOTICE.what}",
                   partial(NOTICE.write, detail, chosen, who))
    build.step()


def _photo_folders(build: _Build, data: PhotoRecordData) -> None:
    """09_照片/<类别>/<日期_活动名>/01.jpg with 01.txt beside it, each photo without its location."""
    from huiquan_desk.services.photo_record import TITLE_CHARS, caption_text, safe_title

    used: set[str] = set()
    for activity in data.activities:
        row = activity.row
        name = f"{row.start:%Y-%m-%d}_{safe_title(row.title)}"
        folder, n = f"{PHOTOS}/{safe_title(row.category)}/{name}", 1
        while folder in used:  # two activities of one name on one day
            n += 1
            folder = f"{PHOTOS}/{safe_title(row.category)}/{row.start:%Y-%m-%d}_{safe_title(row.title)[:TITLE_CHARS - 4]}（{n}）"
        used.add(folder)
        for sequence, info in enumerate(activity.photos, start=1):
            title = info.caption.title or row.title
            data_, suffix, missing = _photo_bytes(build.store, info)
            if data_ is not None:
                cleaned, removed = picture_without_gps(data_, suffix)
                build.report.gps_removed += removed
                build.add_bytes(cleaned, f"{folder}/{sequence:02d}{suffix}", title)
            # a missing file is named in the report by the photo record, which met it first
            build.add_bytes(caption_text(info, missing), f"{folder}/{sequence:02d}.txt", f"{title}（照片说明）")
            build.step()


def _rectification_photos(session: Session, store: FileStore, date_from: date, date_to: date) -> list[Any]:
    """(rectification, its photos) for the rectifications found in the period that have photos."""
    from huiquan_desk.services import rectification_photos, rectifications

    found = [r for r in rectifications.list_rectifications(session) if date_from <= r.found_on <= date_to]
    pairs = [(r, rectification_photos.list_photos(session, r.id, store)) for r in reversed(found)]
    return [(r, photos) for r, photos in pairs if photos]


def _rectification_folders(build: _Build, pairs: list[Any]) -> None:
    """07_整改台账/整改照片/<编号>_<问题>/整改前_01.jpg with 整改前_01.txt beside it: what was found and
    what it looked like after, each photo without its location."""
    from huiquan_desk.services.photo_record import safe_title

    for r, photos in pairs:
        folder = f"{RECTIFICATION_PHOTOS}/{r.id:03d}_{safe_title(r.problem)}"
        counts: dict[str, int] = {}
        for photo in photos:
            counts[photo.stage] = sequence = counts.get(photo.stage, 0) + 1
            stem = f"{folder}/{photo.stage_label}_{sequence:02d}"
            title = f"{r.problem[:40]}（{photo.stage_label}）"
            data_, suffix, missing = _photo_bytes(build.store, photo.as_attachment())
            if data_ is not None:
                cleaned, removed = picture_without_gps(data_, suffix)
                build.report.gps_removed += removed
                build.add_bytes(cleaned, f"{stem}{suffix}", title)
            else:
                build.report.missing.append(f"整改照片「{photo.original_name}」（{r.problem[:40]}）：{missing}")
            lines = [f"整改问题：{r.problem}", f"发现日期：{r.found_on:%Y-%m-%d}", f"整改状态：{r.status_label}",
                     f"照片：{photo.stage_label}", f"说明：{photo.caption}",
                     f"拍摄时间：{photo.taken_at:%Y-%m-%d %H:%M}" if photo.taken_at else "拍摄时间：",
                     f"原文件名：{photo.original_name}"]
            build.add_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"), f"{stem}.txt", f"{title}（照片说明）")
            build.step()


def _photo_bytes(store: FileStore, info: AttachmentInfo) -> tuple[bytes | None, str, str]:
    """The bytes to put in the pack for a photo, their suffix, and why there are none."""
    suffix = info.path.name[len(info.sha256):].lower()
    source = info.path
    if suffix in RENDERED_SUFFIXES:
        source, suffix = store.viewable(info.sha256, suffix), ".jpg"
    try:
        return source.read_bytes(), suffix, ""
    except FileNotFoundError:
        return None, suffix, "文件不存在"
    except OSError as err:
        return None, suffix, f"无法读取（{err.strerror}）"


def _write_pack(build: _Build, date_from: date, date_to: date, made_by: str) -> None:
    from huiquan_desk.services import photo_record

    session, report = build.session, build.report
    years = list(range(date_from.year, date_to.year + 1))
    period = LedgerParams(date_from=date_from, date_to=date_to)
    data = photo_record.gather(session, build.store, period)
    report.activities, report.photos = len(data.activities), data.photos
    pictures = data.photos + data.sign_ins
    campaigns = len(_campaigns_in(session, date_from, date_to))
    rectified = _rectification_photos(session, build.store, date_from, date_to)
    build.total = (PERIOD_STEPS + YEAR_STEPS * len(years) + CAMPAIGN_STEPS * campaigns + pictures + data.photos
                   + sum(len(photos) for _r, photos in rectified) + 2)

    for year in years:
        _plan_part(build, year)
    build.ledger("03_活动台账", "活动台账", "活动台账", "activities", period)
    start = build.done

    def record(out: Path) -> None:
        result = photo_record.write_pdf(data, build.store, out, lambda done, _total: build.at(start + done))
        report.missing += result.missing

    build.document("03_活动台账/活动图片记录.pdf", "活动图片记录（PDF）", record)
    build.at(start + pictures)
    build.ledger("04_志愿服务", "志愿者花名册", "志愿者花名册（身份证号、电话已隐去中间部分）", "volunteers", LedgerParams())
    build.ledger("04_志愿服务", "志愿服务记录台账", "志愿服务记录台账", "service-hours", period)
    _family_part(build, years, date_from, date_to)
    for year in years:
        build.optional("归档文件目录", partial(
            build.ledger, "06_归档文件目录", f"{year}年度归档文件目录", f"{year}年度归档文件目录", "archive-catalog",
            LedgerParams(year=year)))
    build.ledger("07_整改台账", "整改台账", "整改台账", "rectifications", period)
    _rectification_folders(build, rectified)
    build.ledger("08_测评自查表", "测评自查表", "测评自查表", "checklist", period)
    _photo_folders(build, data)
    _front_matter(build, date_from, date_to, made_by)


def document_count(paths: Iterable[str]) -> int:
    """The ledgers and documents (PDF and Excel files) among a pack's members, as the cover counts
    them: not the cover and the index, not 说明.txt, not the photos or their captions."""
    return sum(1 for p in paths if p.lower().endswith((".pdf", ".xlsx")) and p not in (COVER, INDEX)
               and not p.startswith((PHOTOS + "/", RECTIFICATION_PHOTOS + "/")))


def _front_matter(build: _Build, date_from: date, date_to: date, made_by: str) -> None:
    """说明.txt, then the cover and the index, which list everything before them and themselves."""
    report = build.report
    head = letterhead(build.session)
    report.community = head.community
    readme = "\r\n".join([
        f"{head.unit} {TITLE}（{date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}）",
        "",
        f"{COVER}：封面；{INDEX}：每个文件的名称、内容和页数（或大小）。",
        "各台账均有 PDF（打印用）和 Excel（核对数字用）两种；志愿者的身份证号、联系电话按个人信息保护要求隐去中间部分。",
        f"{PHOTOS}：按类别和活动存放的照片（已去除拍摄位置信息），每张照片旁的同名 .txt 是照片说明。",
        f"{MANIFEST} / {MANIFEST_TXT}：每个文件的 SHA-256 校验值和大小。",
        "核对方法：huiquan-desk export pack --verify 本文件.zip；或解压后在文件夹中运行 "
        f"sha256sum -c {MANIFEST_TXT}。",
        "",
    ])
    build.add_bytes(readme.encode("utf-8-sig"), README, "说明")
    contents = [f"活动 {report.activities} 项", f"照片 {report.photos} 张（附说明）",
                f"台账和文书 {document_count(m.path for m in report.members)} 份（PDF、Excel 各计一份，不含封面和目录）"]
    facts = PackFacts(head.community, head.unit, head.fonds_code, date_from, date_to, date.today(), made_by,
                      tuple(contents), tuple(report.left_out))
    cover_out = build.scratch / "cover.pdf"
    write_cover(facts, cover_out)
    cover_pages = len(PAGE_OBJECT.findall(cover_out.read_bytes()))
    lines = [IndexLine(COVER, "封面", f"{cover_pages} 页"), IndexLine(INDEX, "目录（本文件）", "")]
    lines += [IndexLine(m.path, m.title, m.amount) for m in sorted(report.members, key=lambda m: m.path)]
    pages = index_pages(facts, lines, 1)
    lines[1] = IndexLine(INDEX, "目录（本文件）", f"{pages} 页")
    index_out = build.scratch / "index.pdf"
    write_index(facts, lines, index_out)
    build.add_file(cover_out, COVER, "封面")
    build.add_file(index_out, INDEX, "目录")
    build.at(build.total)


def _manifest(build: _Build, date_from: date, date_to: date, made_by: str) -> None:
    report = build.report
    members = sorted(report.members, key=lambda m: m.path)
    manifest = {
        "format": FORMAT, "version": VERSION, "title": TITLE, "community": report.community,
        "date_from": date_from.isoformat(), "date_to": date_to.isoformat(),
        "created_at": now().isoformat(sep=" "), "created_by": made_by, "algorithm": "SHA-256",
        "files": [{"path": m.path, "title": m.title, "sha256": m.sha256, "size": m.size}
                  | ({"pages": m.pages} if m.pages is not None else {}) for m in members],
    }
    text = "".join(f"{m.sha256}  {m.path}\n" for m in members).encode("utf-8")
    build.sink.write(MANIFEST_TXT, text, listed=False)
    build.sink.write(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"), listed=False)


def export_pack(ws: Workspace, date_from: date | None, date_to: date | None, path: Path,
                progress: Progress | None = None) -> PackReport:
    """Write the inspection pack of the period (default: this year up to today) to `path` (.zip),
    with its audit entry, as one act. `progress(done, total)` may raise Cancelled: nothing is left."""
    from huiquan_desk.services.exporting import write_logged

    path = Path(path)
    if path.suffix.lower() != ".zip":
        raise ValidationError.single("保存位置", f"{TITLE}是一个 zip 文件，文件名应以 .zip 结尾")
    if path.is_dir():
        raise ValidationError.single("保存位置", f"「{path.name}」已是一个文件夹，请换一个文件名")
    date_from, date_to = check_period(date_from, date_to)
    report = PackReport(path, date_from, date_to)

    def write(session: Session, staged: Path) -> int:
        clear_stale(staged.parent, f".{glob.escape(path.stem)}-{'?' * 8}.tmp")  # scratch folders of killed runs
        made_by = ws.operator if ws.signed_in else (get_profile(session).preparer or "")
        with tempfile.TemporaryDirectory(dir=staged.parent, prefix=f".{path.stem}-", suffix=".tmp") as scratch, \
                zipfile.ZipFile(staged, "w", allowZip64=True) as archive:
            build = _Build(session, ws.files, PackageSink(archive=archive), Path(scratch), report, progress)
            _write_pack(build, date_from, date_to, made_by)
            _manifest(build, date_from, date_to, made_by)
        return len(report.members)

    write_logged(ws, path, ENTITY, f"{TITLE}（{date_from:%Y-%m-%d}至{date_to:%Y-%m-%d}）", write)
    return report


# --- checking -----------------------------------------------------------------------------------------
def _declared_problem(reader: PackageReader, name: str, size: object) -> str | None:
    """Why a zip member must not be read at all: its declared size is not the manifest's, or more
    than any compression gives (a crafted or bomb-like entry)."""
    if reader.archive is None:
        return None
    info = reader.archive.getinfo(name)
    if info.file_size != size:
        return "changed"
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        return "crafted"
    if info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return "crafted"
    return None


def verify_pack(path: Path, progress: Progress | None = None) -> PackCheck:
    """Check a pack (the zip, or a folder it was unpacked into) against its manifest.json."""
    path = Path(path)
    check = PackCheck()
    if not path.exists():
        check.problems.append(f"找不到 {path}")
        return check
    try:
        reader = PackageReader(path)
    except ZIP_ERRORS as err:
        check.problems.append(f"{path.name} 无法打开（{unreadable(err)}），不是完整的 zip 文件")
        return check
    try:
        try:
            manifest = json.loads(reader.read(MANIFEST).decode("utf-8"))
        except (KeyError, FileNotFoundError):
            check.problems.append(f"{path.name} 里没有 {MANIFEST}，不是惠泉台账导出的{TITLE}")
            return check
        except (*ZIP_ERRORS, ValueError, RecursionError) as err:
            check.problems.append(f"{MANIFEST} 无法读取（{unreadable(err)}）")
            return check
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
            check.problems.append(f"{MANIFEST} 不是惠泉台账{TITLE}的清单")
            return check
        check.manifest = manifest
        present = reader.names()
        check.problems += reader.odd
        listed: dict[str, dict[str, Any]] = {}
        for entry in manifest["files"]:
            name = entry.get("path") if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not safe_member(name) or not isinstance(entry.get("size"), int):
                check.problems.append(f"清单中的条目「{str(name)[:80]}」不合法")
                continue
            if str(name) in listed:
                check.problems.append(f"清单中同一文件列了不止一次：{name}")
            listed[str(name)] = entry
        if not set(listed) - set(FRONT):
            check.problems.append("清单中除封面、目录和说明外没有任何文件")
        check.problems += [f"清单缺少{what}：{name}" for name, what in FRONT.items() if name not in listed]
        for number, (name, entry) in enumerate(listed.items(), start=1):
            if name not in present:
                check.missing.append(name)
            else:
                declared = _declared_problem(reader, name, entry.get("size"))
                if declared == "crafted":
                    check.problems.append(f"文件的压缩信息异常，已拒绝读取：{name}")
                elif declared == "changed":
                    check.changed.append(name)
                else:
                    try:
                        sha, size = reader.hash(name)
                    except ZIP_ERRORS as err:
                        check.problems.append(f"文件无法读取：{name}（{unreadable(err)}）")
                    else:
                        if sha != entry.get("sha256") or size != entry.get("size"):
                            check.changed.append(name)
                check.checked += 1
            if progress is not None:
                progress(number, len(listed))
        for name in sorted(present - set(listed) - {MANIFEST, MANIFEST_TXT}):
            if PurePosixPath(name).name in IGNORED:
                continue
            if safe_member(name):
                check.extra.append(name)
            else:
                check.problems.append(f"资料包中有不合法的文件名（可能试图写到资料包以外）：{name[:80]}")
        check.problems += txt_problems(reader, present, listed)
    finally:
        reader.close()
    return check


def pack_summary(check: PackCheck) -> str:
    """资料包完整：惠泉社区 2026-01-01 至 2026-11-30，812 个文件与清单一致。"""
    m = check.manifest
    return (f"{TITLE}完整：{m.get('community', '')} {m.get('date_from', '')} 至 {m.get('date_to', '')}，"
            f"{check.checked} 个文件与清单一致。")

