"""Retention and destruction (services.destruction): the due list, the appraisal group with
resident representatives, decisions, finishing a round (files removed only when nobody else names
them, and only after the commit), destroyed items keeping their catalogue row, the round kept for
good, and the 销毁清册 read back (exports.destruction_list through the ledger registry)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from huiquan_desk.domain.errors import PermissionDenied, ValidationError
from huiquan_desk.services import archives, destruction, recycle_bin
from huiquan_desk.services.archives import ItemDraft, NewArchiveFile
from huiquan_desk.services.exporting import export_ledger
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.storage.models import ArchiveFile, ArchiveItem, DestructionDecision, DestructionRound
from tests.helpers import make_image

THIS_YEAR = date.today().year
MEMBERS = "王堃（社区书记）\n陈晓燕（档案员）"
RESIDENTS = "李桂兰\n赵建国"


@pytest.fixture
def archive(ws, tmp_path):  # type: ignore[no-untyped-def]
    """2010 D10 items (retention ended with 2020), one 2015 D30 (ends 2045), one 永久, one not numbered."""
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区", street="惠泉镇", fonds_code="0194", preparer="陈晓燕"))
    shared = make_image(tmp_path / "in" / "shared.png", "green")

    def add(title: str, year: int, retention: str, number: int | None, *files: Path) -> int:
        with ws.write() as s:
            return archives.create_item(
                s, ItemDraft(title=title, year=year, retention=retention, number=number, pages=3, day=date(year, 5, 1)),
                ws.files, [NewArchiveFile(str(f)) for f in files])

    ids = {
        "meeting": add("2010年居民会议记录", 2010, "D10", 1, make_image(tmp_path / "in" / "a.png", "red"), shared),
        "notice": add("2010年停水通知", 2010, "D10", 2, make_image(tmp_path / "in" / "b.png", "blue")),
        "plan": add("2015年工作计划", 2015, "D30", 1, make_image(tmp_path / "in" / "c.png", "navy")),
        "rules": add("居民公约", 2010, "Y", 1, shared),
        "draft": add("未编号的草稿", 2010, "D10", None),
    }
    return ws, ids


def path_of(ws, item_id: int) -> list[Path]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return [ws.files.path_for(f.sha256, f.suffix) for f in
                s.scalars(select(ArchiveFile).where(ArchiveFile.item_id == item_id).order_by(ArchiveFile.sort_order))]


def start(ws, by_year: int = 2020, members: str = MEMBERS, residents: str = RESIDENTS) -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        return destruction.start_round(s, by_year, members, residents, "年度档案鉴定")


# --- what is due ----------------------------------------------------------------------------------
def test_due_items_are_numbered_not_permanent_and_ended_by_the_year(archive) -> None:
    ws, ids = archive
    with ws.read() as s:
        assert [r.id for r in destruction.due_items(s, 2019)] == []
        assert [r.title for r in destruction.due_items(s, 2020)] == ["2010年居民会议记录", "2010年停水通知"]
        assert {r.id for r in destruction.due_items(s, 2045)} == {ids["meeting"], ids["notice"], ids["plan"]}
        assert ids["rules"] not in {r.id for r in destruction.due_items(s, 2100)}  # 永久
        assert ids["draft"] not in {r.id for r in destruction.due_items(s, 2100)}  # no 档号 yet


# --- the group ------------------------------------------------------------------------------------
def test_the_group_needs_members_and_resident_representatives(archive) -> None:
    ws, _ids = archive
    with ws.write() as s, pytest.raises(ValidationError) as err:
        destruction.start_round(s, 2020, "", " \n ")
    assert {p.field for p in err.value.problems} == {"鉴定小组成员", "居民代表"}
    assert "居民代表" in str(err.value)
    with ws.write() as s, pytest.raises(ValidationError, match="到期年度"):
        destruction.start_round(s, 2019, MEMBERS, RESIDENTS)  # nothing ended by 2019
    with ws.write() as s, pytest.raises(ValidationError, match="还没有到"):
        destruction.start_round(s, THIS_YEAR + 1, MEMBERS, RESIDENTS)
    round_id = start(ws)
    with ws.write() as s, pytest.raises(ValidationError, match="没有完成"):
        destruction.start_round(s, 2020, MEMBERS, RESIDENTS)  # one open round at a time
    with ws.read() as s:
        detail = destruction.get_round(s, round_id)
        assert detail.row.members == ["王堃（社区书记）", "陈晓燕（档案员）"]
        assert detail.row.residents == ["李桂兰", "赵建国"]
        assert len(detail.undecided) == 2 and destruction.open_round(s) == round_id


def test_a_viewer_cannot_start_a_round(archive) -> None:
    ws, _ids = archive
    ws.sign_in("查看员", Role.VIEWER)
    with pytest.raises(PermissionDenied):
        start(ws)


# --- decisions ------------------------------------------------------------------------------------
def test_keeping_needs_a_reason_and_a_later_year(archive) -> None:
    ws, ids = archive
    round_id = start(ws)
    with ws.write() as s, pytest.raises(ValidationError) as err:
        destruction.decide(s, round_id, ids["notice"], "keep", "", None)
    assert {p.field for p in err.value.problems} == {"理由", "续存至"}
    with ws.write() as s, pytest.raises(ValidationError, match="续存至"):
        destruction.decide(s, round_id, ids["notice"], "keep", "仍有查考价值", THIS_YEAR)
    with ws.write() as s, pytest.raises(ValidationError, match="不在这次鉴定的范围"):
        destruction.decide(s, round_id, ids["plan"], "destroy")
    with ws.write() as s, pytest.raises(ValidationError, match="鉴定意见"):
        destruction.decide(s, round_id, ids["meeting"], "烧掉")
    with ws.write() as s:
        destruction.decide(s, round_id, ids["notice"], "续存", "涉及供水管网改造，仍有查考价值", THIS_YEAR + 10)
        destruction.decide(s, round_id, ids["meeting"], "keep", "先续存", THIS_YEAR + 1)
        destruction.decide(s, round_id, ids["meeting"], "destroy")  # deciding again replaces
    with ws.read() as s:
        decisions = {d.item_id: d for d in destruction.get_round(s, round_id).decisions}
    assert decisions[ids["meeting"]].decision_label == "销毁" and decisions[ids["meeting"]].keep_until is None
    assert decisions[ids["notice"]].decision_label == f"续存至{THIS_YEAR + 10}年"
    assert decisions[ids["notice"]].code == "0194-WS·2010-D10-0002"


# --- finishing ------------------------------------------------------------------------------------
def test_finishing_destroys_and_removes_only_unreferenced_files_after_commit(archive, tmp_path) -> None:
    ws, ids = archive
    # the notice's file is also in the recycle bin (an item removed before numbering names it)
    with ws.write() as s:
        copy = archives.create_item(s, ItemDraft(title="停水通知复印件", year=2026, retention="D10"), ws.files,
                                    [NewArchiveFile(str(tmp_path / "in" / "b.png"))])
    with ws.write() as s:
        recycle_bin.move_to_bin(s, s.get(ArchiveItem, copy), list(s.get(ArchiveItem, copy).files))
    unique, shared = path_of(ws, ids["meeting"])
    (binned,) = path_of(ws, ids["notice"])
    round_id = start(ws)
    with ws.write() as s:
        destruction.decide(s, round_id, ids["meeting"], "destroy")
    with ws.write() as s, pytest.raises(ValidationError, match="还有 1 件没有鉴定意见：0194-WS·2010-D10-0002"):
        destruction.finish_round(s, ws.files, round_id, date.today())
    with ws.write() as s:
        destruction.decide(s, round_id, ids["notice"], "destroy", "已无保存价值")
    with ws.write() as s, pytest.raises(ValidationError, match="还没有到"):
        destruction.finish_round(s, ws.files, round_id, date(THIS_YEAR + 1, 1, 1))

    # a round that fails after finishing rolls back: nothing destroyed, every file kept
    with pytest.raises(RuntimeError), ws.write() as s:
        destruction.finish_round(s, ws.files, round_id, date.today())
        raise RuntimeError("the disk is full")
    assert unique.is_file()
    with ws.read() as s:
        assert s.get(ArchiveItem, ids["meeting"]).destroyed_on is None

    with ws.write() as s:
        removed = destruction.finish_round(s, ws.files, round_id, date.today())
        assert removed == [unique] and unique.is_file()  # not before the commit
    assert not unique.exists()
    assert shared.is_file()  # the 永久 居民公约 names it too
    assert binned.is_file()  # a recycle-bin entry names it
    assert path_of(ws, ids["rules"]) == [shared]
    with ws.read() as s:
        rows = {r.id: r for r in archives.list_items(s)}
        assert rows[ids["meeting"]].destroyed_on == date.today() and rows[ids["meeting"]].files == 0
        assert rows[ids["meeting"]].code == "0194-WS·2010-D10-0001"  # the catalogue row stays
        assert destruction.due_items(s, 2020) == []
        assert destruction.open_round(s) is None
        (row,) = destruction.list_rounds(s)
        assert (row.destroyed, row.kept, row.finished) == (2, 0, True)
    with ws.write() as s, pytest.raises(ValidationError, match="销毁"):
        archives.remove_item(s, ids["meeting"], "误归档")


def test_a_kept_item_comes_up_again_after_its_year(archive) -> None:
    ws, ids = archive
    round_id = start(ws)
    with ws.write() as s:
        destruction.decide(s, round_id, ids["meeting"], "keep", "有查考价值", THIS_YEAR + 5)
        destruction.decide(s, round_id, ids["notice"], "destroy")
        destruction.finish_round(s, ws.files, round_id, date.today())
    with ws.read() as s:
        assert s.get(ArchiveItem, ids["meeting"]).keep_until == THIS_YEAR + 5
        assert len(path_of(ws, ids["meeting"])) == 2
        assert [r.id for r in destruction.due_items(s, THIS_YEAR + 4)] == []
        assert [r.id for r in destruction.due_items(s, THIS_YEAR + 5)] == [ids["meeting"]]


def test_a_finished_round_is_permanent(archive) -> None:
    ws, ids = archive
    round_id = start(ws)
    with ws.write() as s:
        for key in ("meeting", "notice"):
            destruction.decide(s, round_id, ids[key], "destroy")
        destruction.finish_round(s, ws.files, round_id, date.today())
    for action in (lambda s: destruction.decide(s, round_id, ids["meeting"], "keep", "x", THIS_YEAR + 1),
                   lambda s: destruction.cancel_round(s, round_id),
                   lambda s: destruction.update_group(s, round_id, "张三", "李四"),
                   lambda s: destruction.finish_round(s, ws.files, round_id, date.today())):
        with ws.write() as s, pytest.raises(ValidationError, match="永久保存"):
            action(s)
    # whatever code path tries (the guard on the workspace's writing sessions)
    with pytest.raises(ValidationError, match="永久保存"), ws.write() as s:
        s.get(DestructionRound, round_id).residents = "别人"
        s.flush()
    with pytest.raises(ValidationError, match="永久保存"), ws.write() as s:
        s.delete(s.scalars(select(DestructionDecision)).first())
        s.flush()
    with ws.read() as s:
        assert destruction.get_round(s, round_id).row.residents == ["李桂兰", "赵建国"]
    for key in ("meeting", "notice"):  # appraised items stay in the catalogue: not removed, not binned
        with ws.write() as s, pytest.raises(ValidationError, match="(销毁鉴定|已于).*"):
            archives.remove_item(s, ids[key], "整理有误")


def test_an_open_round_may_be_given_up(archive) -> None:
    ws, ids = archive
    round_id = start(ws)
    with ws.write() as s:
        destruction.decide(s, round_id, ids["meeting"], "destroy")
        destruction.update_group(s, round_id, "王堃、陈晓燕、周明", "李桂兰")
    with ws.read() as s:
        assert destruction.get_round(s, round_id).row.members == ["王堃", "陈晓燕", "周明"]
    with ws.write() as s:
        destruction.cancel_round(s, round_id)
    with ws.read() as s:
        assert destruction.list_rounds(s) == [] and s.get(ArchiveItem, ids["meeting"]).destroyed_on is None


# --- the 销毁清册 -----------------------------------------------------------------------------------
def test_the_destruction_list_reads_back_in_excel_and_pdf(archive, tmp_path) -> None:
    ws, ids = archive
    round_id = start(ws)
    with ws.write() as s:
        destruction.decide(s, round_id, ids["meeting"], "destroy", "已无保存价值")
        destruction.decide(s, round_id, ids["notice"], "keep", "涉及供水管网改造，仍有查考价值", THIS_YEAR + 10)
        destruction.finish_round(s, ws.files, round_id, date(THIS_YEAR, 3, 15) if date.today() >= date(THIS_YEAR, 3, 15)
                                 else date.today())
    xlsx, pdf = tmp_path / "销毁清册.xlsx", tmp_path / "销毁清册.pdf"
    with ws.read() as s:
        assert export_ledger(s, "destruction-list", LedgerParams(round_id=round_id), xlsx) == 2
        export_ledger(s, "destruction-list", LedgerParams(round_id=round_id), pdf)
        with pytest.raises(ValidationError, match="销毁鉴定"):
            export_ledger(s, "destruction-list", LedgerParams(), xlsx)
    sheet = openpyxl.load_workbook(xlsx).active
    cells = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    flat = "\n".join(str(c) for row in cells for c in row)
    assert "惠泉社区档案销毁清册" in flat and "2020年底前保管期限届满" in flat
    header = next(row for row in cells if "档号" in row)
    assert header == ["序号", "档号", "题名", "年度", "保管期限", "页数", "鉴定意见", "理由"]
    body = [row for row in cells if row and row[0] in (1, 2)]
    assert body[0][1:] == ["0194-WS·2010-D10-0001", "2010年居民会议记录", 2010, "定期10年", 3, "销毁", "已无保存价值"]
    assert body[1][6] == f"续存至{THIS_YEAR + 10}年"
    assert "鉴定小组成员：王堃（社区书记）、陈晓燕（档案员）" in flat and "居民代表：李桂兰、赵建国" in flat
    assert "鉴定小组成员：" in flat and "日期：" in flat  # the signature line
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    for expected in ("档案销毁清册", "0194-WS·2010-D10-0001", "居民代表", "李桂兰", "续存至", "永久保存"):
        assert expected in text.replace(" ", ""), expected
    png = tmp_path / "list"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(png)], check=True)
    assert list(tmp_path.glob("list*.png"))
