"""Input hygiene in the dialogs: what the user types is cleaned, refused under its field, or summarized."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from huiquan_desk.domain.activity import PhotoCaption
from huiquan_desk.services import activities as activity_service
from huiquan_desk.services import volunteers as vsvc
from huiquan_desk.storage.models import Activity, ServiceRecord, Training, Volunteer
from huiquan_desk.ui.activity_dialog import ActivityDialog, CaptionDialog
from huiquan_desk.ui.import_dialog import ImportDialog
from huiquan_desk.ui.service_dialogs import SupplementDialog
from huiquan_desk.ui.volunteer_dialog import VolunteerDialog
from tests.volunteer_helpers import KNOWN_FEMALE, add_volunteer


def count(ws, model) -> int:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def volunteer(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        return add_volunteer(s, "林秀英", KNOWN_FEMALE)


def test_activity_dialog_refuses_a_nul_under_the_field_and_strips_direction_marks(app, ws, qtbot) -> None:
    dialog = ActivityDialog(ws)
    qtbot.addWidget(dialog)
    dialog.title.setText("清明\x00祭英烈")  # a NUL survives a paste into a QLineEdit
    dialog.content.setPlainText("献" * 20001)
    assert not dialog.save()
    assert "无法保存的字符" in dialog.form.errors["活动名称"].text()
    assert "不能超过 20000 个字" in dialog.form.errors["活动内容"].text()
    assert count(ws, Activity) == 0

    dialog.title.setText("\u202e清明祭\u2066英烈\u2069")
    dialog.content.setPlainText("献花篮\u202c")
    assert dialog.save()
    with ws.read() as s:
        row = activity_service.fetch_rows(s, [dialog.saved_id])[0]
    assert (row.title, row.content) == ("清明祭英烈", "献花篮")


def test_caption_dialog_stays_open_until_the_caption_can_be_saved(app, qtbot) -> None:
    dialog = CaptionDialog(PhotoCaption("清明祭英烈"))
    qtbot.addWidget(dialog)
    dialog.photographer.setText("摄" * 51)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "不能超过 50 个字" in dialog.form.errors["摄影者"].text()
    dialog.photographer.setText("王\u202e堃")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_volunteer_dialog_limits_remarks(app, ws, qtbot) -> None:
    dialog = VolunteerDialog(ws)
    qtbot.addWidget(dialog)
    dialog.name.setText("林秀英")
    dialog.id_number.setText(KNOWN_FEMALE)
    dialog.remarks.setText("备" * 40000)
    assert not dialog.save()
    assert "不能超过 2000 个字" in dialog.form.errors["备注"].text()
    assert count(ws, Volunteer) == 0


def test_training_form_shows_the_problem_under_its_field_and_saves_nothing(app, ws, qtbot, volunteer, shown) -> None:
    dialog = VolunteerDialog(ws, volunteer)
    qtbot.addWidget(dialog)
    form = dialog.training_form()
    form.widgets["培训名称"].setText("急救\x00培训")
    form.widgets["举办单位"].setText("红" * 201)
    form.accept()
    assert form.result() != QDialog.DialogCode.Accepted
    assert "无法保存的字符" in form.form.errors["培训名称"].text()
    assert "不能超过 200 个字" in form.form.errors["举办单位"].text()
    assert count(ws, Training) == 0 and not shown.errors
    form.widgets["培训名称"].setText("急救培训")
    form.widgets["举办单位"].setText("区红十字会\u202c")
    form.accept()
    assert form.result() == QDialog.DialogCode.Accepted
    with ws.read() as s:
        (training,) = vsvc.get_volunteer(s, volunteer).trainings
    assert (training.name, training.organizer) == ("急救培训", "区红十字会")


def test_supplement_dialog_refuses_a_nul_in_the_reason(app, ws, qtbot, volunteer) -> None:
    dialog = SupplementDialog(ws, volunteer)
    qtbot.addWidget(dialog)
    dialog.service_date.setDate(date.today())
    dialog.title.setText("社区环境整治")
    dialog.reason.setText("签到表\x00遗漏")
    assert not dialog.save()
    assert "无法保存的字符" in dialog.form.errors["补录原因"].text()
    assert count(ws, ServiceRecord) == 0


def test_import_dialog_lists_200_problems_and_says_how_many_more(app, ws, qtbot, tmp_path) -> None:
    path = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["活动名称", "活动类别", "开始时间"])
    for number in range(250):
        book.active.append([f"活动{number}", "传统节日", "9999-12-31"])
    book.save(path)
    dialog = ImportDialog(ws, path)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    assert dialog.problems.rowCount() == 200
    assert dialog.problems.problems[0].row == 2 and dialog.problems.problems[0].field == "开始时间"
    text = dialog.summary.text()
    assert "发现 250 个问题" in text and "……另有 50 个问题未列出（共 250 个）" in text
    assert not dialog.import_button.isEnabled()
    assert count(ws, Activity) == 0


def test_import_preview_says_the_templates_example_row_was_skipped(app, ws, qtbot, tmp_path) -> None:
    from huiquan_desk.services.activity_import import HEADER_SYNONYMS, TEMPLATE_EXAMPLE

    path = tmp_path / "old-template.xlsx"
    book = openpyxl.Workbook()
    keys = list(HEADER_SYNONYMS)
    book.active.append([HEADER_SYNONYMS[k][0] for k in keys])
    book.active.append([TEMPLATE_EXAMPLE.get(k) for k in keys])  # an earlier version's example row
    book.active.append(["清明祭英烈", "传统节日", "2026-04-04 09:00"])
    book.save(path)
    dialog = ImportDialog(ws, path)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    text = dialog.summary.text()
    assert "共 1 行" in text and "第 2 行与模板的示例相同，是示例而不是记录，已跳过" in text
    assert dialog.import_button.isEnabled() and count(ws, Activity) == 0
