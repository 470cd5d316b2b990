"""A secretary runs a civic family campaign start to finish in the window: registers households,
creates the campaign, nominates (with a photo), the review group scores, the first places are
chosen, the notice runs with an objection, the households are commended; every refusal on the
way is a clear message and nothing is half-saved."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from pypdf import PdfReader

from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.family import Decision, Stage
from huiquan_desk.services import campaigns as cs
from huiquan_desk.services import households as hs
from huiquan_desk.services.audit_log import query_audit
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.ui import campaign_dialogs, export_actions, families_page, household_dialog
from huiquan_desk.ui.campaign_dialogs import (
    CampaignDialog,
    NominationDialog,
    ObjectionDialog,
    ScoreDialog,
    SettleDialog,
)
from huiquan_desk.ui.household_dialog import HouseholdDialog
from huiquan_desk.ui.widgets import to_qdate
from tests.helpers import make_image


@pytest.fixture
def page(window):  # type: ignore[no-untyped-def]
    return window.go("families")


class Secretary:
    """Fills each dialog the page opens the way a secretary would, then presses 保存."""

    def __init__(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        self.photo = str(make_image(tmp_path / "事迹照片.jpg"))
        self.household = 0  # which household the next nomination picks (index in the combo)
        self.scores: list[float] = []
        self.objection_day = date.today()
        self.opened: list[str] = []

    def __call__(self, dialog) -> bool:  # type: ignore[no-untyped-def]
        self.opened.append(type(dialog).__name__)
        if isinstance(dialog, CampaignDialog):
            dialog.criteria.setPlainText("爱国守法\n家风淳朴")
            dialog.quotas.setPlainText("第一网格=2")
        elif isinstance(dialog, NominationDialog):
            dialog.household.setCurrentIndex(self.household)
            dialog.kind.setCurrentText("网格")
            dialog.nominator.setCurrentText("第一网格")
            dialog.deeds.setPlainText("照顾瘫痪老人十年，邻里称道")
            dialog._add_files([self.photo])
        elif isinstance(dialog, ScoreDialog):
            for field, value in zip(dialog.fields, self.scores, strict=True):
                field.setValue(value)
        elif isinstance(dialog, ObjectionDialog):
            dialog.household.setCurrentIndex(1)
            dialog.raised_by.setText("5栋居民")
            dialog.raised_on.setDate(to_qdate(self.objection_day))
            dialog.content.setPlainText("该户在楼道堆放杂物")
        elif isinstance(dialog, SettleDialog):
            dialog.settlement.setPlainText("经网格员现场核实，杂物系邻户所放，异议不成立")
            dialog.settled_on.setDate(to_qdate(date.today()))
        return dialog.save()


def register(ws, qtbot, head: str, building: str, room: str, phone: str = "") -> None:  # type: ignore[no-untyped-def]
    dialog = HouseholdDialog(ws)
    qtbot.addWidget(dialog)
    dialog.head_name.setText(head)
    dialog.building.setText(building)
    dialog.room.setText(room)
    dialog.phone.setText(phone)
    dialog._add_member("李秀英", "配偶")
    assert dialog.save()


def days_ago(days: int) -> type[date]:
    """`date` whose today() is `days` back: what the services see when a step was taken then."""
    class Then(date):
        @classmethod
        def today(cls):  # type: ignore[no-untyped-def]
            return date.today() - timedelta(days=days)
    return Then


@pytest.mark.expect_errors(of=ValidationError)
def test_a_campaign_start_to_finish_in_the_window(page, ws, qtbot, monkeypatch, shown, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secretary = Secretary(tmp_path)
    monkeypatch.setattr(families_page, "run_dialog", secretary)
    monkeypatch.setattr(families_page, "ask_text",
                        lambda parent, title, label, text="": "周敏（居民代表）" if "成员" in title else "未进入前两名")
    monkeypatch.setattr(families_page, "ask_number", lambda *a, **k: 2)
    notice_start = date.today() - timedelta(days=10)
    days = iter([notice_start, date.today()])
    monkeypatch.setattr(families_page, "ask_stage_date", lambda *a, **k: next(days))
    for head, building, room in (("王建国", "3", "501"), ("赵堃", "5", "201"), ("陈喆", "7", "1101")):
        register(ws, qtbot, head, building, room, "13800138000")
    page.tabs.setCurrentIndex(1)
    assert [r.head_name for r in page.households.rows] == ["王建国", "赵堃", "陈喆"]
    assert page.households.rows[0].phone_masked == "138****8000"
    page.tabs.setCurrentIndex(0)

    page.new_campaign()
    assert page.detail is not None and page.detail.row.stage is Stage.MOBILIZE
    assert page.detail.draft.criteria == ["爱国守法", "家风淳朴"]
    page.add_nomination()  # not yet: a message, no dialog
    assert "只能在推荐阶段" in page.status.text() and "NominationDialog" not in secretary.opened
    page.advance()
    for index in range(3):
        secretary.household = index
        page.add_nomination()
    # The quota of 第一网格 is 2: the third nomination is refused under its field, nothing saved.
    assert len(page.detail.nominations) == 2
    assert [n.photos for n in page.detail.nominations] == [1, 1]
    page.advance()
    assert page.detail.row.stage is Stage.REVIEW

    page.advance()  # nobody has scored: refused with what is missing
    assert any("先登记评议小组成员" in str(e) for e in shown.errors)
    page.add_reviewer()
    assert [r.name for r in page.detail.reviewers] == ["周敏"] and page.detail.reviewers[0].role == "居民代表"
    for row, scores in enumerate(([9, 9.5], [7, 8])):
        secretary.scores = scores
        page.review_view.setCurrentIndex(page.review.index(row, 2))
        page.mark()
    assert [n.score for n in page.detail.nominations] == [18.5, 15.0]
    with monkeypatch.context() as past:  # the review meeting was ten days ago, on the notice's first day
        past.setattr(cs, "date", days_ago(10))
        page.review_view.setCurrentIndex(page.review.index(1, 0))
        page.decide(Decision.NOT_CHOSEN)
        page.review_view.setCurrentIndex(page.review.index(0, 0))
        page.decide(Decision.CHOSEN)
    assert [n.decision for n in page.detail.nominations] == [Decision.CHOSEN, Decision.NOT_CHOSEN]
    assert page.detail.nominations[1].reason == "未进入前两名"

    saved: list[str] = []

    def save_as(parent, title, name, fmt):  # type: ignore[no-untyped-def]
        saved.append(name)
        return tmp_path / name
    monkeypatch.setattr(families_page, "ask_save_path", save_as)
    monkeypatch.setattr(export_actions, "ask_save_path", save_as)
    page.export_campaign("review", "xlsx")  # the 评议结果 ledger, read back as the office would
    qtbot.waitUntil(lambda: page.after_export.isVisibleTo(page), timeout=20000)
    assert "已导出评议结果，共 2 推荐家庭" in page.after_export.message.text()
    cells = [str(v) for r in openpyxl.load_workbook(tmp_path / saved[-1]).active.iter_rows(values_only=True)
             for v in r if v is not None]
    assert "王建国" in cells and "未进入前两名" in cells
    page.after_export.hide()
    page.print_notice()  # not before 公示: the reason, and no save dialog
    assert "公示阶段后才能打印公示" in str(shown.errors[-1]) and len(saved) == 1

    page.advance()  # 公示, started ten days ago
    row = page.detail.row
    assert (row.stage, row.notice_start, row.notice_end) == (Stage.NOTICE, notice_start, notice_start + timedelta(days=6))
    assert "公示期" in page.notice_label.text()
    secretary.objection_day = notice_start + timedelta(days=2)
    page.add_objection()
    assert len(page.detail.objections) == 1
    errors_before = len(shown.errors)
    page.advance()  # an open objection
    assert "还有 1 条公示异议没有处理完" in str(shown.errors[errors_before])
    page.print_notice()  # the committee signs the notice: its name comes from the profile
    assert "社区名称" in str(shown.errors[-1]) and len(saved) == 1
    with ws.write() as session:
        save_profile(session, CommunityProfile(name="惠泉社区", phone="0595-22334455"))
    errors_before = len(shown.errors)
    page.print_notice()
    qtbot.waitUntil(lambda: page.after_export.isVisibleTo(page) or len(shown.errors) > errors_before, timeout=20000)
    assert len(shown.errors) == errors_before, shown.errors[-1]
    notice = tmp_path / saved[-1]
    assert saved[-1] == f"{row.title}_公示.pdf" and notice.stat().st_size > 0
    text = "\n".join(p.extract_text() for p in PdfReader(notice).pages)
    assert "惠泉社区居民委员会" in text and "0595-22334455" in text
    assert "王建国" in text and "3栋" in text and "赵堃" not in text  # the household not chosen is left out
    assert "13800138000" not in text and "138****8000" not in text  # nor any phone, masked or whole
    page.objections_view.setCurrentIndex(page.objections.index(0, 0))
    page.settle_objection()
    page.advance()  # 表彰 today
    assert page.detail.row.stage is Stage.COMMEND and page.detail.row.commended_on == date.today()
    assert [n.head_name for n in page.chosen.rows] == ["王建国"]
    page.after_export.hide()
    page.print_plaques()
    qtbot.waitUntil(lambda: page.after_export.isVisibleTo(page), timeout=20000)
    plaques = PdfReader(tmp_path / saved[-1])
    assert saved[-1].endswith("_荣誉证书.pdf") and len(plaques.pages) == 1
    assert "王建国" in plaques.pages[0].extract_text()
    with ws.read() as session:
        logged = [r.summary for r in query_audit(session, entity="campaigns") if r.action == "export"]
    assert sum("公示" in line for line in logged) == 1 and sum("荣誉证书" in line for line in logged) == 1
    page.advance()
    assert page.detail.row.stage is Stage.PUBLICIZE and not page.advance_button.isVisible()


def test_household_form_refuses_a_second_entry_at_an_address(window, ws, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    register(ws, qtbot, "王建国", "3", "501")
    monkeypatch.setattr(household_dialog, "ask_open_existing", lambda parent, error: False)
    dialog = HouseholdDialog(ws)
    qtbot.addWidget(dialog)
    dialog.head_name.setText("张三")
    dialog.building.setText("3号楼")
    dialog.room.setText("501室")
    dialog.phone.setText("12345")
    assert not dialog.save()
    assert "3栋501 已登记为「王建国」家" in dialog.form.errors["楼栋"].text()
    assert dialog.form.errors["联系电话"].text()
    monkeypatch.setattr(household_dialog, "ask_open_existing", lambda parent, error: True)
    assert dialog.save() and dialog.saved_id is not None
    with ws.read() as s:
        assert [h.head_name for h in hs.list_households(s)] == ["王建国"]


def test_settings_dialog_keeps_the_notice_length(window, ws, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = campaign_dialogs.FamilySettingsDialog(ws)
    qtbot.addWidget(dialog)
    dialog.kinds.setPlainText("文明家庭\n最美庭院")
    dialog.days.setValue(5)
    dialog.workdays.setChecked(True)
    assert dialog.save()
    with ws.read() as s:
        assert cs.campaign_kinds(s) == ("文明家庭", "最美庭院")
    dialog = campaign_dialogs.FamilySettingsDialog(ws)
    qtbot.addWidget(dialog)
    assert (dialog.days.value(), dialog.workdays.isChecked()) == (5, True)
    dialog.kinds.setPlainText("  ")
    assert not dialog.save()
    assert "至少要有一种" in dialog.form.errors["评选类型"].text()


def test_households_come_in_from_the_template_with_a_preview(window, ws, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from huiquan_desk.ui.import_dialog import ImportDialog

    page = window.go("families")
    page.tabs.setCurrentIndex(1)
    monkeypatch.setattr(families_page, "ask_save_path", lambda parent, title, name, fmt: tmp_path / name)
    page.save_template()
    template = tmp_path / "家庭花名册导入模板.xlsx"
    assert page.after_export.isVisibleTo(page) and template.exists()
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["户主", "楼栋"] and sheet.max_row == 1  # headers only: the example is on 填写说明

    def filled(name: str, *rows: dict[str, object]) -> object:
        for row in rows:
            sheet.append([row.get(h) for h in headers])
        book.save(tmp_path / name)
        return tmp_path / name

    bad = filled("bad.xlsx", {"户主": "王建国", "楼栋": "3", "单元": "2", "门牌": "501"},
                 {"户主": "赵堃", "楼栋": "3", "单元": "2", "门牌": "501", "联系电话": "12345"})
    dialog = ImportDialog(ws, bad, page, kind="households")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    problems = {(p.row, p.field) for p in dialog.problems.problems}
    assert (3, "联系电话") in problems and any(row == 3 for row, _f in problems)
    assert not dialog.import_button.isEnabled() and "没有写入任何数据" in dialog.summary.text()
    with ws.read() as session:
        assert hs.list_households(session) == []

    sheet.delete_rows(2, 2)
    good = filled("good.xlsx", {"户主": "林秀英", "楼栋": "3", "单元": "2", "门牌": "502", "联系电话": "13900001111"},
                  {"户主": "陈喆", "楼栋": "7", "门牌": "1101"})
    dialog = ImportDialog(ws, good, page, kind="households")
    qtbot.addWidget(dialog)
    dialog.imported.connect(lambda n: page.reload_households())
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    assert "共 2 行" in dialog.summary.text() and dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    assert [(r.head_name, r.address, r.phone_masked) for r in page.households.rows] == [
        ("林秀英", "3栋2单元502", "139****1111"), ("陈喆", "7栋1101", "")]
