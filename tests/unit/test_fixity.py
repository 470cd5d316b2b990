"""The archive's fixity check (services.fixity): a changed, a missing and an added file, files that
do not open, problems named by 档号, every check recorded, and when the next one is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from huiquan_desk.services import archives, fixity
from huiquan_desk.services.archives import ItemDraft, NewArchiveFile
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.settings import FIXITY_DAYS, CommunityProfile, save_profile, set_setting
from huiquan_desk.storage.models import ArchiveFile, FixityCheck
from tests.helpers import log_activity, make_image


@pytest.fixture
def archive(ws, tmp_path):  # type: ignore[no-untyped-def]
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
    pdf = tmp_path / "in" / "会议纪要.pdf"
    pdf.parent.mkdir()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with open(pdf, "wb") as handle:
        writer.write(handle)

    def add(title: str, number: int | None, *files) -> int:  # type: ignore[no-untyped-def]
        with ws.write() as s:
            return archives.create_item(s, ItemDraft(title=title, year=2025, retention="D30", number=number, pages=2),
                                        ws.files, [NewArchiveFile(str(f)) for f in files])

    ids = {
        "minutes": add("居民代表会议纪要", 1, make_image(tmp_path / "in" / "签到.jpg", "red"), pdf),
        "notice": add("停水通知", 2, make_image(tmp_path / "in" / "通知.png", "blue")),
        "draft": add("年度总结", None, make_image(tmp_path / "in" / "总结.png", "navy")),
    }
    return ws, ids


def stored(ws, item_id: int) -> list:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return [(f.original_name, ws.files.path_for(f.sha256, f.suffix))
                for f in s.scalars(select(ArchiveFile).where(ArchiveFile.item_id == item_id).order_by(ArchiveFile.sort_order))]


def test_an_intact_archive_passes_and_the_check_is_recorded(archive) -> None:
    ws, _ids = archive
    log_activity(ws, files=[])  # an activity's photos share files/ (none here) and are not archive files
    report = fixity.check_archive(ws)
    assert report.ok and report.files == 4 and report.lines == []
    assert report.summary == "已检测 4 个档案文件，没有发现问题"
    with ws.read() as s:
        row = s.scalars(select(FixityCheck)).one()
        assert (row.id, row.files, row.problems, row.details, row.scope) == (report.check_id, 4, 0, "", "全部档案")
        assert row.operator == ws.operator
        last = fixity.last_check(s)
        assert last is not None and last.text.startswith(f"上次检测：{row.checked_at:%Y-%m-%d %H:%M}")
    assert "没有发现问题" in last.text


def test_changed_missing_and_added_files_are_named_by_code(archive, tmp_path) -> None:
    ws, ids = archive
    (_name, photo), (_pdf_name, pdf) = stored(ws, ids["minutes"])
    ((_n, notice),) = stored(ws, ids["notice"])
    ((_d, draft),) = stored(ws, ids["draft"])
    photo.write_bytes(photo.read_bytes() + b"tampered")  # changed: the hash differs
    notice.unlink()  # missing
    extra = make_image(ws.files.root / "ab" / ("ab" + "0" * 62 + ".jpg"), "white")  # added: nobody names it
    draft.write_bytes(b"not a png at all")  # changed too (and would not open)
    progress: list[tuple[int, int]] = []
    report = fixity.check_archive(ws, lambda done, total: progress.append((done, total)))
    assert not report.ok and report.files == 4 and report.problem_count == 3
    assert report.lines[:3] == [
        "0194-WS·2025-D30-0001 签到.jpg：文件内容已被改动（校验值不符）",
        "0194-WS·2025-D30-0002 通知.png：文件缺失",
        "「未编号：年度总结」 总结.png：文件内容已被改动（校验值不符）",
    ]
    assert report.extra == [extra.name]
    assert report.lines[3].startswith(f"多出的文件：files/ab/{extra.name}") and "未删除" in report.lines[3]
    assert extra.is_file()  # reported, never deleted
    assert report.summary == "已检测 4 个档案文件，发现 3 个问题；另有多出的文件 1 个（不属于任何记录）"
    assert progress[-1][0] == progress[-1][1]
    with ws.read() as s:
        row = s.get(FixityCheck, report.check_id)
        assert row.problems == 3 and f"files/ab/{extra.name}" in row.details and "0194-WS·2025-D30-0002 通知.png：文件缺失" in row.details.splitlines()
        assert "没有发现问题" not in fixity.last_check(s).text


def test_an_added_file_alone_is_noticed_not_a_failure(ws, tmp_path) -> None:
    """A photo removed from an activity leaves its file behind: 「check」 says so and still passes."""
    extra = make_image(ws.files.root / "cd" / ("cd" + "1" * 62 + ".jpg"), "white")
    report = fixity.check_archive(ws)
    assert report.ok and report.extra == [extra.name]
    assert report.summary.endswith("另有多出的文件 1 个（不属于任何记录）")


def test_files_that_do_not_open(tmp_path) -> None:
    good = make_image(tmp_path / "good.jpg")
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    broken_pdf = tmp_path / "broken.pdf"
    broken_pdf.write_bytes(b"%PDF-1.4\nthis is not a PDF body")
    assert fixity.open_problem(good, ".jpg") is None
    assert "图片无法打开" in (fixity.open_problem(truncated, ".jpg") or "")
    assert "PDF 无法打开" in (fixity.open_problem(broken_pdf, ".pdf") or "")
    assert fixity.open_problem(broken_pdf, ".docx") is None  # other kinds: the hash only


def test_anyone_who_reads_may_record_a_check(archive) -> None:
    ws, _ids = archive
    ws.sign_in("查看员", Role.VIEWER)
    report = fixity.check_archive(ws)
    assert report.ok and report.check_id is not None
    with ws.read() as s:
        assert s.get(FixityCheck, report.check_id).operator == "查看员"


def test_the_check_is_due_by_the_setting(archive) -> None:
    ws, _ids = archive
    today = date.today()
    with ws.read() as s:
        assert fixity.check_due(s, today)  # never checked
    fixity.check_archive(ws)
    with ws.read() as s:
        assert not fixity.check_due(s, today)
        assert not fixity.check_due(s, today + timedelta(days=29))
        assert fixity.check_due(s, today + timedelta(days=30))  # default: every 30 days
    with ws.write() as s:
        set_setting(s, FIXITY_DAYS, 0)
    with ws.read() as s:
        assert not fixity.check_due(s, today + timedelta(days=3650))  # 0: not scheduled


def test_an_empty_archive_is_never_due(ws) -> None:
    with ws.read() as s:
        assert not fixity.check_due(s)
    report = fixity.check_archive(ws)
    assert report.ok and report.files == 0
    with ws.read() as s:
        assert fixity.last_check(s) is not None
        assert isinstance(fixity.last_check(s).checked_at, datetime)
