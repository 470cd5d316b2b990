"""The small forms of the 整改台账: a rectification (problem, source, found on, checklist item,
deduction, responsible person, deadline, remarks), its 验收 (who and when), a step back (to which
state, and why), picking photo files, and the photo viewer over 整改前 / 整改后 photos. Each has an `ask(...)` (or is a module function) that
tests replace; each form saves as one transaction and keeps each problem under its field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.services import assessment
from huiquan_desk.services import rectifications as rs
from huiquan_desk.services.activities import IMAGE_SUFFIXES
from huiquan_desk.services.rectification_photos import RectificationPhotoInfo
from huiquan_desk.services.rectifications import RectificationDraft, RectificationRow
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.photo_viewer import PhotoViewer
from huiquan_desk.ui.widgets import FieldForm, date_edit, fit_window, from_qdate, save_cancel, to_qdate

L = rules.RECTIFICATION_LABELS
REASON = rs.REASON
DEFAULT_DAYS = 15  # a new problem's deadline: found on + 15 days, changed as the 督查 says


def pick_photos(parent: QWidget, stage_label: str) -> list[str]:
    """Photo files to add as 整改前 / 整改后 photos. Tests replace this function."""
    pattern = " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES))
    names, _ = QFileDialog.getOpenFileNames(parent, f"选择{stage_label}照片", str(Path.home()), f"图片 ({pattern})")
    return names


def _text_edit(text: str, placeholder: str, height: int) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


class RectificationDialog(QDialog):
    """登记 / 修改整改问题. The status moves on the page (推进 / 退回), not here."""

    def __init__(self, ws: Workspace, rect_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.rect_id, self.saved_id = ws, rect_id, None
        self.setWindowTitle(self.tr("登记整改问题") if rect_id is None else self.tr("修改整改问题"))
        with ws.read() as session:
            row = rs.get_rectification(session, rect_id) if rect_id is not None else None
            items = assessment.list_items(session, include_retired=False)
            if row is not None and row.item_id is not None and all(i.id != row.item_id for i in items):
                items.append(assessment.get_item(session, row.item_id))  # a retired item it already names
        layout = QVBoxLayout(self)
        self.form = FieldForm()
        layout.addLayout(self.form)
        self.problem = self.form.add(L["problem"], _text_edit(
            row.problem if row else "", "发现的问题，如：3 栋楼道公益广告破损、褪色", 80), required=True)
        self.source = self.form.add(L["source"], QComboBox(), required=True)
        for key, label in rules.SOURCE_LABELS.items():
            self.source.addItem(label, key)
        self.source.setCurrentIndex(self.source.findData(row.source if row else rules.Source.SELF.value))
        self.found_on = self.form.add(L["found_on"], date_edit(row.found_on if row else None), required=True)
        self.item = self.form.add(L["item_id"], QComboBox())
        self.item.addItem(self.tr("（不对应测评项目）"), None)
        for spec in items:
            self.item.addItem(f"{spec.code} {spec.project}·{spec.indicator}", spec.id)
        self.item.setCurrentIndex(max(0, self.item.findData(row.item_id)) if row and row.item_id is not None else 0)
        self.deduction = self.form.add(L["deduction"], QDoubleSpinBox())
        self.deduction.setRange(0, 100)
        self.deduction.setDecimals(2)
        self.deduction.setSingleStep(0.5)
        self.deduction.setSuffix(self.tr(" 分"))
        self.deduction.setValue(row.deduction if row else 0)
        self.responsible = self.form.add(L["responsible"], QLineEdit(row.responsible if row else ""))
        self.responsible.setPlaceholderText(self.tr("负责整改的社区工作人员"))
        deadline_row = QWidget()
        line = QHBoxLayout(deadline_row)
        line.setContentsMargins(0, 0, 0, 0)
        self.has_deadline = QCheckBox(self.tr("限期整改"))
        found = row.found_on if row else date.today()
        self.deadline = date_edit(row.deadline if row and row.deadline else date.fromordinal(found.toordinal() + DEFAULT_DAYS))
        self.has_deadline.setChecked(row is None or row.deadline is not None)
        self.deadline.setEnabled(self.has_deadline.isChecked())
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        line.addWidget(self.has_deadline)
        line.addWidget(self.deadline, 1)
        self.form.add(L["deadline"], deadline_row)
        self.remarks = self.form.add(L["remarks"], _text_edit(row.remarks if row else "", "整改措施、进展（退回原因会自动记在这里）", 70))
        layout.addStretch(1)
        layout.addWidget(save_cancel(self, self.save))
        fit_window(self, 620, self.sizeHint().height())

    def draft(self) -> RectificationDraft:
        return RectificationDraft(
            self.problem.toPlainText(), from_qdate(self.found_on.date()), self.source.currentData(), self.item.currentData(),
            self.deduction.value(), self.responsible.text(),
            from_qdate(self.deadline.date()) if self.has_deadline.isChecked() else None, self.remarks.toPlainText())

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        if self.rect_id is None:
            self.saved_id = rs.create_rectification(session, self.draft())
        else:
            rs.update_rectification(session, self.rect_id, self.draft())
            self.saved_id = self.rect_id

    def save(self) -> bool:
        if messages.write_from_form(self, self.ws, self.form, self.write):
            self.accept()
            return True
        return False

    @classmethod
    def ask(cls, ws: Workspace, rect_id: int | None = None, parent: QWidget | None = None) -> int | None:
        """The id saved, or None when cancelled. Tests replace this."""
        dialog = cls(ws, rect_id, parent)
        return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None


class VerifyDialog(QDialog):
    """验收: who verified the rectification and on which day (never a day still to come, never
    before it was found); says so when there is no 整改后 photo yet (allowed, not advised)."""

    def __init__(self, row: RectificationRow, missing_after: bool, verifier: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.row = row
        self.setWindowTitle(self.tr("验收整改"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("验收「{0}」：").format(row.problem[:40]))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = FieldForm()
        layout.addLayout(self.form)
        self.verified_by = self.form.add(L["verified_by"], QLineEdit(verifier), required=True)
        self.verified_by.setPlaceholderText(self.tr("组织验收的人，如社区书记"))
        self.verified_on = self.form.add(L["verified_on"], date_edit(), required=True)
        self.verified_on.setMaximumDate(to_qdate(date.today()))
        self.verified_on.setMinimumDate(to_qdate(row.found_on))
        self.warning = QLabel(self.tr("提示：还没有「整改后」照片。验收一般要对照整改前后的照片，建议先在右侧添加整改后照片；"
                                      "也可以先验收，但验收后照片不能再改。"))
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b9770e;")
        self.warning.setVisible(missing_after)
        layout.addWidget(self.warning)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("验收通过"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_window(self, 480, self.sizeHint().height())

    def _accept(self) -> None:
        self.form.clear_errors()
        if not self.verified_by.text().strip():
            self.form.show_error(L["verified_by"], self.tr("验收要填写验收人"))
            return
        self.accept()

    @property
    def answer(self) -> tuple[str, date]:
        return self.verified_by.text().strip(), from_qdate(self.verified_on.date())

    @classmethod
    def ask(cls, row: RectificationRow, missing_after: bool, verifier: str = "",
            parent: QWidget | None = None) -> tuple[str, date] | None:
        """(验收人, 验收日期), or None when cancelled. Tests replace this."""
        dialog = cls(row, missing_after, verifier, parent)
        return dialog.answer if dialog.exec() == QDialog.DialogCode.Accepted else None


def earlier_statuses(status: str) -> list[rules.Status]:
    """The states a rectification in `status` can be stepped back to, the nearest first."""
    order = rules.STATUS_ORDER
    return list(reversed(order[:order.index(rules.Status(status))]))


class StepBackDialog(QDialog):
    """退回: to which earlier state (the previous one by default) and why (kept in the remarks)."""

    def __init__(self, row: RectificationRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("退回整改状态"))
        layout = QVBoxLayout(self)
        self.form = FieldForm()
        layout.addLayout(self.form)
        self.target = self.form.add(self.tr("退回到"), QComboBox(), required=True)
        for status in earlier_statuses(row.status):
            self.target.addItem(status.label, status.value)
        self.reason = self.form.add(REASON, _text_edit("", "如：复查发现楼道又有堆放；整改后照片不清楚，需重拍", 70), required=True)
        note = QLabel(self.tr("退回原因连同日期记入备注。") + (self.tr("退回后验收人和验收日期清空，照片可以再修改。")
                                                       if row.status == rules.Status.VERIFIED.value else ""))
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("退回"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_window(self, 480, self.sizeHint().height())

    def _accept(self) -> None:
        self.form.clear_errors()
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.form.show_error(REASON, self.tr("退回要写明原因"))
            return
        if len(reason) > rs.REASON_MAX:
            self.form.show_error(REASON, self.tr("不能超过 {0} 个字（现在是 {1} 个字）").format(rs.REASON_MAX, len(reason)))
            return
        self.accept()

    @classmethod
    def ask(cls, row: RectificationRow, parent: QWidget | None = None) -> tuple[str, str] | None:
        """(the state to go back to, the reason), or None when cancelled. Tests replace this."""
        if not earlier_statuses(row.status):
            raise ValidationError.single(L["status"], "「待整改」已是第一步，不能再退回")
        dialog = cls(row, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.target.currentData(), dialog.reason.toPlainText().strip()


class RectificationPhotoViewer(PhotoViewer):
    """The photo viewer over 整改前 / 整改后 photos, titled by their stage."""

    def __init__(self, photos: list[RectificationPhotoInfo], index: int, parent: QWidget):
        self.stage_photos = photos
        super().__init__([p.as_attachment() for p in photos], index, parent)

    def show_photo(self, index: int) -> None:
        super().show_photo(index)
        if self.stage_photos:
            info = self.stage_photos[self.index]
            self.setWindowTitle(self.tr("{0}照片（第 {1} 张，共 {2} 张）").format(
                info.stage_label, self.index + 1, len(self.stage_photos)))
