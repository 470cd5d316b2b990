"""The volunteer screens driven as a secretary would, on a real database (Qt offscreen)."""

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from huiquan_desk.services import activities as activity_service
from huiquan_desk.services import service_hours, volunteers
from huiquan_desk.ui import messages, settings_page, volunteer_dialog
from huiquan_desk.ui.attendance_dialog import AttendanceDialog
from huiquan_desk.ui.main_window import MainWindow
from huiquan_desk.ui.service_dialogs import SupplementDialog
from huiquan_desk.ui.volunteer_dialog import VolunteerDialog
from tests.helpers import draft
from tests.volunteer_helpers import gb11643_check


def make_id(birth: str, seq: str = "123") -> str:
    first17 = "350102" + birth + seq
    return first17 + gb11643_check(first17)


@pytest.fixture
def window(app, ws, qtbot):  # type: ignore[no-untyped-def]
    win = MainWindow(ws)
    qtbot.addWidget(win)
    win.show()
    win.go("volunteers")
    return win


def add_volunteer(ws, name: str, id_number: str, team: str | None = "党员志愿服务队", phone: str = "13812345678") -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        team_id = next((t.id for t in volunteers.list_teams(s) if t.name == team), None)
        return volunteers.create_volunteer(s, volunteers.VolunteerDraft(name=name, id_number=id_number, phone=phone,
                                                                        team_id=team_id))


def test_new_volunteer_form_derives_and_saves(window, ws, qtbot) -> None:
    dialog = VolunteerDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("王堃")
    dialog.id_number.setText("１１０１０５１９４９１２３１００２ｘ")  # full-width, lowercase x
    dialog.check_id()
    assert "1949-12-31" in dialog.derived.text() and "女" in dialog.derived.text()
    dialog.phone.setText("+86 138-1234-5678")
    assert dialog.save()
    with ws.read() as s:
        detail = volunteers.get_volunteer(s, dialog.saved_id)
    assert detail.draft.id_number == "11010519491231002X" and detail.draft.phone == "13812345678"
    page = window.volunteers
    page.reload()
    row = page.registry.row(0)
    shown = [str(page.registry.data(page.registry.index(0, c))) for c in range(page.registry.columnCount())]
    assert "110105********002X" in shown and "138****5678" in shown
    assert "11010519491231002X" not in " ".join(shown) and "13812345678" not in " ".join(shown)
    assert row.name == "王堃"


def test_form_errors_in_place(window, ws, qtbot) -> None:
    dialog = VolunteerDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.id_number.setText("110105194912310021")  # wrong check digit
    dialog.phone.setText("12345")
    assert not dialog.save()
    assert "必须填写" in dialog.form.errors["姓名"].text()
    assert "校验位" in dialog.form.errors["身份证号"].text()
    assert dialog.form.errors["联系方式"].isVisible()
    with ws.read() as s:
        assert volunteers.list_volunteers(s) == []


def test_known_id_opens_the_existing_volunteer(window, ws, qtbot, monkeypatch) -> None:
    existing = add_volunteer(ws, "陶喆", "440524188001010014")
    monkeypatch.setattr(volunteer_dialog, "ask_open_existing", lambda parent, name: name == "陶喆")
    dialog = VolunteerDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("陶喆（重复）")
    dialog.id_number.setText("440524188001010014")
    dialog.check_id()
    assert dialog.volunteer_id == existing and dialog.name.text() == "陶喆"  # switched to the existing record
    assert dialog.save()
    with ws.read() as s:
        assert len(volunteers.list_volunteers(s)) == 1


def test_duplicate_refused_when_not_opened(window, ws, qtbot, monkeypatch) -> None:
    add_volunteer(ws, "陶喆", "440524188001010014")
    monkeypatch.setattr(volunteer_dialog, "ask_open_existing", lambda parent, name: False)
    dialog = VolunteerDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("另一个人")
    dialog.id_number.setText("440524188001010014")
    assert not dialog.save()
    assert "已登记为志愿者「陶喆」" in dialog.form.errors["身份证号"].text()


def test_same_name_two_people(window, ws) -> None:
    add_volunteer(ws, "王伟", make_id("19800101", "111"))
    add_volunteer(ws, "王伟", make_id("19900202", "222"))
    window.volunteers.reload()
    assert window.volunteers.registry.rowCount() == 2


def test_attendance_in_one_step(window, ws, qtbot) -> None:
    a = add_volunteer(ws, "朱镕基", make_id("19700101", "111"))
    b = add_volunteer(ws, "王堃", make_id("19800101", "222"))
    c = add_volunteer(ws, "陶喆", make_id("19900101", "333"), team="青年志愿服务队")
    start = datetime.now().replace(microsecond=0, second=0) - timedelta(days=1)
    with ws.write() as s:
        activity_id = activity_service.create_activity(s, draft(s, start=start, end=start + timedelta(hours=2, minutes=30)),
                                                       ws.files)
    dialog = AttendanceDialog(ws, activity_id, window)
    qtbot.addWidget(dialog)
    party = next(t for t, members in dialog.team_members.items() if members == {a, b})
    dialog.check_team(party)
    assert dialog.model.minutes == {a: 150, b: 150}  # default: the activity's duration
    row_c = next(i for i, p in enumerate(dialog.model.people) if p.id == c)
    dialog.model.setData(dialog.model.index(row_c, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    dialog.model.setData(dialog.model.index(row_c, 4), 1.5)
    assert "已选 3 人，合计 6.5 小时" in dialog.summary.text()
    assert dialog.save()
    with ws.read() as s:
        rows = service_hours.attendance(s, activity_id)
    assert {(r.volunteer_id, r.minutes) for r in rows} == {(a, 150), (b, 150), (c, 90)}
    assert all(r.entered_by == ws.operator and not r.late for r in rows)
    window.volunteers.reload()
    window.volunteers.tabs.setCurrentIndex(1)  # the 服务记录 tab loads when shown
    assert window.volunteers.services.rowCount() == 3 or date.today().year != start.year


def test_supplement_needs_a_reason(window, ws, qtbot) -> None:
    vid = add_volunteer(ws, "王堃", make_id("19800101", "222"))
    dialog = SupplementDialog(ws, vid, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title.setText("帮独居老人买菜")
    assert not dialog.save()
    assert "必须填写" in dialog.form.errors["补录原因"].text()
    dialog.reason.setText("当天签到表遗漏，经负责人确认")
    assert dialog.save()
    with ws.read() as s:
        total = service_hours.hours_total(s, vid)
    assert total.supplement_minutes == 120 and total.activity_minutes == 0


def test_star_thresholds_and_teams(window, ws, monkeypatch) -> None:
    page = window.volunteers
    page.star_edit.setText("100/50/600")
    assert not page.save_stars() and "5 个" in page.star_error.text()
    page.star_edit.setText("10/20/30/40/50")
    assert page.save_stars()
    with ws.read() as s:
        assert volunteers.star_thresholds(s) == (10, 20, 30, 40, 50)
    monkeypatch.setattr("huiquan_desk.ui.volunteers_page.ask_text", lambda *a, **k: "老年志愿服务队")
    page.add_team()
    assert [t.name for t in page.teams.rows][-1] == "老年志愿服务队"
    assert page.team_filter.findText("老年志愿服务队") > 0
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.teams_view.selectRow(len(page.teams.rows) - 1)
    page.delete_team()
    assert "老年志愿服务队" not in [t.name for t in page.teams.rows]


def test_every_page_asks_for_text_with_the_same_prompt() -> None:
    from huiquan_desk.ui import families_page, volunteers_page

    # One text prompt for every page (ui.messages), not a copy per page.
    assert volunteers_page.ask_text is settings_page.ask_text is families_page.ask_text is messages.ask_text


def _served(ws) -> int:  # type: ignore[no-untyped-def]
    """One volunteer with 2 hours on yesterday's activity; returns the volunteer id."""
    vid = add_volunteer(ws, "王堃", "11010519491231002X")
    start = datetime.now().replace(microsecond=0, second=0) - timedelta(days=1)
    with ws.write() as s:
        aid = activity_service.create_activity(s, draft(s, start=start, end=start + timedelta(hours=2)), ws.files)
        service_hours.record_attendance(s, aid, {vid: 120}, "陈晓燕")
    return vid


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_roster_and_ledger_exports_are_masked(window, ws, qtbot, tmp_path, fmt) -> None:
    _served(ws)
    page = window.volunteers
    page.reload()
    for name, export in (("roster", page.export_roster), ("hours", page.export_services), ("stats", page.export_stats)):
        out = tmp_path / f"{name}.{fmt}"
        task = export(fmt, out)
        with qtbot.waitSignal(task.done, timeout=20000):
            pass
        assert out.is_file() and page.last_export == out
        if fmt == "xlsx":
            import openpyxl

            text = " ".join(str(c) for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row)
        else:
            from pypdf import PdfReader

            text = "".join(p.extract_text() for p in PdfReader(out).pages).replace("\n", "")
        assert "11010519491231002X" not in text and "13812345678" not in text
        if name == "roster":
            assert "110105********002X" in text and "138****5678" in text


def test_certificate_from_the_page(window, ws, qtbot, tmp_path) -> None:
    vid = _served(ws)
    from huiquan_desk.ui.service_dialogs import CertificateDialog

    dialog = CertificateDialog(ws, vid, window)
    qtbot.addWidget(dialog)
    dialog.contact.setText("")
    assert not dialog.issue(tmp_path / "c.pdf")
    assert "必须填写" in dialog.form.errors["联系方式"].text()
    assert not (tmp_path / "c.pdf").exists()
    dialog.contact.setText("0591-87654321")
    dialog.handler.setText("陈晓燕")
    dialog.issuer.setText("惠泉社区居民委员会")
    dialog.leader.setText("林秀英")
    assert dialog.issue(tmp_path / "c.pdf")
    assert dialog.issued.number.endswith("志证第0001号")
    from pypdf import PdfReader

    text = PdfReader(tmp_path / "c.pdf").pages[0].extract_text()
    assert "11010519491231002X" in text and "王堃" in text
    page = window.volunteers
    page.reload()
    page.tabs.setCurrentIndex(3)  # the 证明登记簿 tab loads when shown
    assert page.register.rowCount() == 1
    page.register_view.selectRow(0)
    task = page.reprint_certificate(tmp_path / "again.pdf")
    with qtbot.waitSignal(task.done, timeout=20000):
        pass
    assert "志证第0001号" in PdfReader(tmp_path / "again.pdf").pages[0].extract_text()


def test_roster_import_preview_then_import(window, ws, qtbot, tmp_path) -> None:
    import openpyxl

    path = tmp_path / "花名册.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["惠泉社区志愿者花名册"])
    wb.active.append(["手机号", "姓名", "身份证号", "所属队伍"])
    wb.active.append(["13812345678", "王堃", "11010519491231002x", "党员志愿服务队"])
    wb.active.append(["1381234", "陶喆", "440524188001010015", "火星队"])
    wb.save(path)
    page = window.volunteers
    dialog = page.import_roster(path)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    fields = {(p.row, p.field) for p in dialog.problems.problems}
    assert (4, "身份证号") in fields and (4, "联系方式") in fields and (4, "所属队伍") in fields
    assert not dialog.import_button.isEnabled()
    dialog.close()
    wb.active.delete_rows(4)
    wb.save(path)
    dialog = page.import_roster(path)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    with ws.read() as s:
        assert volunteers.list_volunteers(s) == []  # the preview wrote nothing
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    assert [r.name for r in page.registry.rows] == ["王堃"]


def test_the_service_filter_has_no_team(window, ws, qtbot, tmp_path, monkeypatch) -> None:
    """未分队 in the 服务记录 team filter: exactly the services of volunteers without a team, on the
    screen and in the ledger; it stays (and stays chosen) when the teams change."""
    _served(ws)  # 王堃, in 党员志愿服务队
    alone = add_volunteer(ws, "陈阿婆", make_id("19450308", "124"), team=None)
    day = date.today() - timedelta(days=1)
    with ws.write() as s:
        service_hours.add_supplement(s, service_hours.SupplementDraft(alone, day, 60, title="独居老人探访",
                                                                      reason="签到表遗漏"), "陈晓燕")
    page = window.volunteers
    page.show_services(day, day)
    assert sorted(r.volunteer for r in page.services.rows) == ["王堃", "陈阿婆"]
    page.service_team.setCurrentIndex(page.service_team.findText("未分队"))
    assert [r.volunteer for r in page.services.rows] == ["陈阿婆"]
    page.show_services(day, day, service_hours.NO_TEAM_ID)
    assert page.service_team.currentText() == "未分队" and [r.volunteer for r in page.services.rows] == ["陈阿婆"]
    monkeypatch.setattr("huiquan_desk.ui.volunteers_page.ask_text", lambda *a, **k: "老年志愿服务队")
    page.add_team()
    names = [page.service_team.itemText(i) for i in range(page.service_team.count())]
    assert names[-2:] == ["老年志愿服务队", "未分队"] and names.count("未分队") == 1
    assert page.service_team.currentText() == "未分队"

    import openpyxl

    out = tmp_path / "未分队.xlsx"
    task = page.export_services("xlsx", out)
    with qtbot.waitSignal(task.done, timeout=20000):
        pass
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert "队伍：未分队" in str(rows[1][0])
    text = " ".join(str(c) for row in rows for c in row)
    assert "陈阿婆" in text and "王堃" not in text
