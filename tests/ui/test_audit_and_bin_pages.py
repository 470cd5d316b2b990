"""The 操作日志 and 回收站 pages, and the logging of personal-data exports (Qt offscreen, real database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from huiquan_desk.domain.activity import NewAttachment
from huiquan_desk.domain.errors import PermissionDenied, StorageError, ValidationError
from huiquan_desk.services import activities as asvc
from huiquan_desk.services import audit_log, recycle_bin, service_hours
from huiquan_desk.services import volunteers as vsvc
from huiquan_desk.services.categories import add_category, delete_category
from huiquan_desk.storage.files import sha256_of
from huiquan_desk.storage.models import AuditEntry
from huiquan_desk.ui.audit_page import AuditPage
from huiquan_desk.ui.recycle_page import RecyclePage
from huiquan_desk.ui.volunteers_page import VolunteersPage
from tests.helpers import draft, make_image
from tests.volunteer_helpers import KNOWN_FEMALE, add_volunteer


@pytest.fixture
def history(ws, tmp_path):  # type: ignore[no-untyped-def]
    """An activity created and changed by 陶喆, a volunteer registered by 王堃."""
    ws.operator = "陶喆"
    with ws.write() as s:
        aid = asvc.create_activity(s, draft(s), ws.files, [NewAttachment(str(make_image(tmp_path / "p.jpg")))])
    with ws.write() as s:
        asvc.update_activity(s, aid, draft(s, title="重阳节登高活动", participants=60), ws.files)
    ws.operator = "王堃"
    with ws.write() as s:
        vid = add_volunteer(s, "林秀英", KNOWN_FEMALE, phone="13812345678")
    ws.operator = "陶喆"
    return aid, vid


@pytest.fixture
def audit_page(app, ws, qtbot, history):  # type: ignore[no-untyped-def]
    page = AuditPage(ws)
    qtbot.addWidget(page)
    page.show()
    return page


@pytest.fixture
def bin_page(app, ws, qtbot):  # type: ignore[no-untyped-def]
    page = RecyclePage(ws)
    qtbot.addWidget(page)
    page.show()
    return page


def pick(combo, value) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def trail(ws, action: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return [(e.entity, e.user, e.summary) for e in s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                                                  .order_by(AuditEntry.id))]


# --- 操作日志 ---------------------------------------------------------------------------------------
def test_audit_page_lists_and_filters(audit_page, history, qtbot, qtmodeltester) -> None:
    aid, vid = history
    page = audit_page
    qtmodeltester.check(page.model)
    assert [r.action for r in page.model.rows] == ["create", "update", "create", "create"]  # newest first
    assert "共 4 条" in page.status.text()
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert headers == ["时间", "操作人", "操作", "对象", "记录", "修改内容"]

    pick(page.entity, "volunteers")
    assert [(r.entity_label, r.user) for r in page.model.rows] == [("志愿者", "王堃")]
    shown = " ".join(str(page.model.data(page.model.index(0, c))) for c in range(page.model.columnCount()))
    assert "林秀英" in shown and "110105********002X" in shown and KNOWN_FEMALE not in shown
    pick(page.entity, None)
    pick(page.user, "陶喆")
    assert {r.user for r in page.model.rows} == {"陶喆"} and len(page.model.rows) == 3
    pick(page.user, None)
    page.search.setText("登高")
    page.reload_rows()  # what the search timer does
    assert [r.action_label for r in page.model.rows] == ["修改"]
    page.search.setText("")
    page.date_from.setDate(page.date_from.date().addYears(-5))
    page.date_to.setDate(page.date_to.date().addYears(-4))
    assert page.model.rows == [] and "共 0 条" in page.status.text()
    page.all_dates.setChecked(True)
    assert len(page.model.rows) == 4 and not page.date_from.isEnabled()


def test_audit_page_details_and_one_record_history(audit_page, history) -> None:
    aid, _vid = history
    page = audit_page
    update_row = next(i for i, r in enumerate(page.model.rows) if r.action == "update")
    page.view.selectRow(update_row)
    fields = {f.label: (f.old, f.new) for f in page.details.rows}
    assert fields == {"活动名称": ("重阳节敬老爱老活动", "重阳节登高活动"), "参与人数": ("45", "60")}
    assert "修改活动" in page.details_title.text() and "陶喆" in page.details_title.text()
    assert page.details.data(page.details.index(0, 1)) in ("重阳节敬老爱老活动", "45")

    page.follow_selected()  # the whole history of that activity
    assert page.record_filter == ("activities", aid)
    assert [r.action for r in page.model.rows] == ["update", "create"]
    assert {r.entity_id for r in page.model.rows} == {aid}
    assert "活动 #" in page.record_label.text() and page.clear_record.isVisibleTo(page)
    page.view.selectRow(1)
    created = {f.label: (f.old, f.new) for f in page.details.rows}
    assert created["活动名称"] == ("", "重阳节敬老爱老活动") and created["活动类别"][1].startswith("传统节日（#")
    page.show_record(None, None)  # back to every activity (the 对象 filter stays)
    assert page.record_filter is None and not page.clear_record.isVisibleTo(page)
    assert [r.entity for r in page.model.rows] == ["activities", "activities"]
    pick(page.entity, None)
    assert len(page.model.rows) == 4


def test_audit_page_is_read_only_and_exports(audit_page, ws, qtbot, tmp_path) -> None:
    page = audit_page
    texts = [b.text() for b in page.findChildren(QPushButton)]
    assert not [t for t in texts if any(word in t for word in ("删除", "修改", "编辑", "清空"))]
    pick(page.entity, "activities")
    out = tmp_path / "操作日志.xlsx"
    task = page.export("xlsx", out)
    with qtbot.waitSignal(task.done, timeout=20000):
        pass
    assert page.last_export == out
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    flat = " ".join(str(c) for row in rows for c in row if c is not None)
    assert "操作日志" in flat and "重阳节登高活动" in flat and "活动名称: 重阳节敬老爱老活动 → 重阳节登高活动" in flat
    assert "林秀英" not in flat  # only the activities the page was filtered to
    assert trail(ws, "export") == [("audit_log", "陶喆", "导出操作日志 → 操作日志.xlsx (2 条)")]
    task = page.export("pdf", tmp_path / "操作日志.pdf")
    with qtbot.waitSignal(task.done, timeout=20000):
        pass
    from pypdf import PdfReader

    assert "重阳节登高活动" in "".join(p.extract_text() for p in PdfReader(tmp_path / "操作日志.pdf").pages)


# --- 回收站 ------------------------------------------------------------------------------------------
def _activity_in_bin(ws, tmp_path: Path, title: str = "重阳节敬老爱老活动", category_id: int | None = None,  # type: ignore[no-untyped-def]
                     color: str = "purple") -> tuple[int, Path]:
    photo = make_image(tmp_path / f"{title}.jpg", color)
    with ws.write() as s:
        values = {"title": title} | ({"category_id": category_id} if category_id else {})
        aid = asvc.create_activity(s, draft(s, **values), ws.files, [NewAttachment(str(photo))])
    with ws.write() as s:
        asvc.delete_activities(s, [aid])
    return aid, ws.files.path_for(sha256_of(photo), ".jpg")


def test_bin_page_restores_the_selection(bin_page, ws, qtbot, tmp_path, qtmodeltester) -> None:
    aid, photo = _activity_in_bin(ws, tmp_path)
    with ws.write() as s:
        vid = add_volunteer(s, "林秀英", KNOWN_FEMALE)
        vsvc.add_training(s, vid, "急救培训", date(2026, 4, 1), 120)
    with ws.write() as s:
        vsvc.delete_volunteer(s, vid)
    page = bin_page
    page.reload()
    qtmodeltester.check(page.model)
    assert [r.entity_label for r in page.model.rows] == ["志愿者", "活动"]
    assert page.model.data(page.model.index(1, 2)) == "照片 1 张"
    assert page.model.data(page.model.index(0, 2)) == "培训 1 条"
    assert "回收站中有 2 项" in page.status.text()
    page.view.selectAll()
    with qtbot.waitSignal(page.changed, timeout=2000):
        restored = page.restore_selected()
    assert [r.entity_label for r in restored] == ["志愿者", "活动"]
    assert "已恢复志愿者「林秀英（ZY" in page.result.text() and "已恢复活动「重阳节敬老爱老活动" in page.result.text()
    assert page.model.rows == [] and "回收站是空的" in page.status.text()
    with ws.read() as s:
        detail = asvc.get_activity(s, aid, ws.files)
        assert len(vsvc.get_volunteer(s, vid).trainings) == 1
    assert detail.attachments[0].path == photo and sha256_of(photo) == detail.attachments[0].sha256


@pytest.mark.expect_errors(of=ValidationError)
def test_bin_page_reports_a_refused_restore(bin_page, ws, shown, tmp_path) -> None:
    with ws.write() as s:
        node = add_category(s, "楼道文化节")
    _activity_in_bin(ws, tmp_path, category_id=node.id)
    with ws.write() as s:
        delete_category(s, node.id)
    page = bin_page
    page.reload()
    page.view.selectRow(0)
    assert page.restore_selected() == []
    (error,) = shown.errors
    assert isinstance(error, ValidationError) and "活动类别「楼道文化节」已被删除" in str(error)
    assert len(page.model.rows) == 1
    page.view.clearSelection()
    assert page.restore_selected() == []
    assert "请先在表格中选择" in str(shown.errors[-1])


def test_bin_page_purge_and_empty_are_confirmed(bin_page, ws, shown, qtbot, tmp_path) -> None:
    _first, first_photo = _activity_in_bin(ws, tmp_path, "国庆升旗仪式", color="red")
    _second, second_photo = _activity_in_bin(ws, tmp_path, "端午包粽子", color="green")
    page = bin_page
    page.reload()
    page.view.selectRow(page.model.rows.index(next(r for r in page.model.rows if r.label.startswith("国庆"))))

    shown.answer = False
    assert not page.purge_selected()
    assert "不能再恢复" in shown.questions[-1] and "国庆升旗仪式" in shown.questions[-1]
    assert len(page.model.rows) == 2 and first_photo.is_file()
    assert page.empty() is None
    assert "不能再恢复" in shown.questions[-1] and "全部 2 项" in shown.questions[-1]
    assert len(recycle_bin_rows(ws)) == 2 and second_photo.is_file()

    shown.answer = True
    with qtbot.waitSignal(page.changed, timeout=2000):
        assert page.purge_selected()
    assert [r.label.split("（")[0] for r in page.model.rows] == ["端午包粽子"]
    assert not first_photo.exists() and second_photo.is_file()
    task = page.empty()
    with qtbot.waitSignal(task.done, timeout=20000):
        pass
    assert page.model.rows == [] and recycle_bin_rows(ws) == [] and not second_photo.exists()
    assert "已清空回收站（1 项）" in page.result.text() and not page.empty_button.isEnabled()
    assert page.empty() is None  # nothing left to ask about
    assert [a for a, _u, _s in trail(ws, "purge")] == ["activities"]
    assert trail(ws, "empty")[0][2] == "清空回收站：1 项，清理不再使用的附件文件 1 个"


@pytest.mark.expect_errors(of=PermissionDenied)
def test_bin_page_refuses_what_the_role_may_not_do(bin_page, ws, shown, tmp_path) -> None:
    _activity_in_bin(ws, tmp_path)
    page = bin_page
    page.reload()
    page.view.selectRow(0)
    ws.role = "editor"
    assert not page.purge_selected()
    assert isinstance(shown.errors[-1], PermissionDenied) and "管理员" in str(shown.errors[-1])
    ws.role = "viewer"
    assert page.restore_selected() == []
    assert isinstance(shown.errors[-1], PermissionDenied)
    assert len(recycle_bin_rows(ws)) == 1


def recycle_bin_rows(ws) -> list:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return recycle_bin.list_bin(s)


# --- personal-data exports are logged ----------------------------------------------------------------
@pytest.fixture
def volunteers_page(app, ws, qtbot):  # type: ignore[no-untyped-def]
    ws.operator = "陶喆"
    with ws.write() as s:
        vid = add_volunteer(s, "林秀英", KNOWN_FEMALE, phone="13812345678")
        start = datetime.now().replace(microsecond=0, second=0) - timedelta(days=1)
        aid = asvc.create_activity(s, draft(s, start=start, end=start + timedelta(hours=2)), ws.files)
        service_hours.record_attendance(s, aid, {vid: 120}, "陶喆")
    page = VolunteersPage(ws)
    qtbot.addWidget(page)
    page.show()
    return page


def test_personal_exports_are_logged_with_who_and_what(volunteers_page, ws, qtbot, tmp_path) -> None:
    page = volunteers_page
    for export, name in ((page.export_roster, "roster.xlsx"), (page.export_services, "hours.pdf"),
                         (page.export_register, "register.xlsx"), (page.export_stats, "stats.xlsx")):
        task = export(Path(name).suffix[1:], tmp_path / name)
        with qtbot.waitSignal(task.done, timeout=20000):
            pass
        assert (tmp_path / name).is_file()
    assert trail(ws, "export") == [
        ("volunteers", "陶喆", "导出志愿者花名册 → roster.xlsx (1 条)"),
        ("service_records", "陶喆", "导出志愿服务记录台账 → hours.pdf (1 条)"),
        ("certificates", "陶喆", "导出志愿服务证明登记簿 → register.xlsx (0 条)"),
    ]  # the monthly statistics hold no personal data: not logged
    with ws.read() as s:
        (row,) = audit_log.query_audit(s, entity="volunteers", text="花名册")
    assert row.action_label == "导出" and row.entity_label == "志愿者"
    assert any(f.label == "文件" and f.new.endswith("roster.xlsx") for f in row.fields)


@pytest.mark.expect_errors(of=StorageError)
def test_a_personal_export_that_cannot_be_logged_leaves_no_file(volunteers_page, ws, qtbot, shown, tmp_path) -> None:
    """Another program holds the database's write lock past the timeout: the audit entry cannot be
    written, so the roster is not left behind either."""
    import sqlite3

    holder = sqlite3.connect(ws.data.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        out = tmp_path / "roster.xlsx"
        task = volunteers_page.export_roster("xlsx", out)
        with qtbot.waitSignal(task.failed, timeout=30000):
            pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not out.exists() and not list(tmp_path.glob(".roster*"))
    assert isinstance(shown.errors[-1], StorageError)
    assert "文件没有保存" in str(shown.errors[-1])
    assert trail(ws, "export") == []


def test_certificates_issued_and_reprinted_are_logged(volunteers_page, ws, qtbot, tmp_path, monkeypatch) -> None:
    from huiquan_desk.ui import volunteers_page as module
    from huiquan_desk.ui.service_dialogs import CertificateDialog

    class Filled(CertificateDialog):
        def exec(self) -> bool:  # type: ignore[override]
            self.issuer.setText("惠泉社区居民委员会")
            self.leader.setText("王堃")
            self.handler.setText("陈晓燕")
            self.contact.setText("0591-87654321")
            return self.issue(tmp_path / "证明.pdf")

    monkeypatch.setattr(module, "CertificateDialog", Filled)
    page = volunteers_page
    page.registry_view.selectRow(0)
    page.issue_certificate()
    assert (tmp_path / "证明.pdf").is_file()
    with ws.read() as s:
        number = s.scalar(select(AuditEntry.summary).where(AuditEntry.entity == "certificates", AuditEntry.action == "create"))
    assert number.endswith("志证第0001号")
    page.tabs.setCurrentIndex(3)  # the 证明登记簿 tab loads when shown
    page.register_view.selectRow(0)
    task = page.reprint_certificate(tmp_path / "again.pdf")
    with qtbot.waitSignal(task.done, timeout=20000):
        pass
    assert trail(ws, "export") == [
        ("certificates", "陶喆", f"导出志愿服务记录证明 {number} → 证明.pdf (1 条)"),
        ("certificates", "陶喆", f"导出志愿服务记录证明 {number} → again.pdf (1 条)"),
    ]
