"""补录 (hours added afterwards, with a reason) and 出具志愿服务记录证明."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.errors import HuiquanError, ValidationError
from huiquan_desk.domain.volunteer import SERVICE_LABELS as S
from huiquan_desk.services import certificates, service_hours, volunteers
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.widgets import FieldForm, date_edit, fit_window, from_qdate, save_cancel

DIALOG_WIDTH = 560  # both dialogs: as tall as their fields, one under another, no empty bands between


def _intro(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def _fit_to_fields(dialog: QDialog, layout: QVBoxLayout) -> None:
    """The fields stay together from the top; any height to spare goes under them, above the
    buttons; the dialog opens as tall as its fields need (the sizing rule, ui.widgets.fit_window)."""
    layout.insertStretch(layout.count() - 1, 1)
    fit_window(dialog, DIALOG_WIDTH, dialog.sizeHint().height())


def volunteer_combo(ws: Workspace, selected: int | None = None) -> QComboBox:
    """Pick a volunteer by typing part of the name or number."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    with ws.read() as session:
        for row in volunteers.list_volunteers(session):
            combo.addItem(f"{row.name}（{row.number}）", row.id)
    combo.completer().setFilterMode(combo.completer().filterMode().MatchContains)
    combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCurrentIndex(max(0, combo.findData(selected)) if selected is not None else -1)
    return combo


class SupplementDialog(QDialog):
    """Hours added afterwards by staff; kept apart from sign-in hours and needs a reason."""

    def __init__(self, ws: Workspace, volunteer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.saved_id: int | None = None
        self.setWindowTitle(self.tr("补录志愿服务时长"))
        layout = QVBoxLayout(self)
        layout.addWidget(_intro(self.tr("补录的时长与随活动登记的时长分开统计，并记下录入人和时间。")))
        self.form = form = FieldForm()
        layout.addLayout(form)
        self.volunteer = form.add(S["volunteer"], volunteer_combo(ws, volunteer_id), required=True)
        self.service_date = form.add(S["service_date"], date_edit(date.today()), required=True)
        self.hours = form.add(S["minutes"], QDoubleSpinBox(), required=True)
        self.hours.setRange(0, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(2)
        self.hours.setSuffix(self.tr(" 小时"))
        self.title = form.add(S["title"], QLineEdit(), required=True)
        self.place = form.add(S["place"], QLineEdit())
        self.content = form.add(S["content"], QPlainTextEdit())
        self.content.setFixedHeight(70)
        self.reason = form.add(S["reason"], QLineEdit(), required=True)
        self.reason.setPlaceholderText(self.tr("如：当天签到表遗漏，经活动负责人确认"))
        buttons = save_cancel(self, self.save)
        layout.addWidget(buttons)
        _fit_to_fields(self, layout)

    def draft(self) -> service_hours.SupplementDraft:
        return service_hours.SupplementDraft(
            volunteer_id=self.volunteer.currentData() if self.volunteer.currentIndex() >= 0 else None,
            service_date=from_qdate(self.service_date.date()), minutes=round(self.hours.value() * 60),
            title=self.title.text(), place=self.place.text(), content=self.content.toPlainText(),
            reason=self.reason.text())

    def save(self) -> bool:
        def write(session) -> None:
            self.saved_id = service_hours.add_supplement(session, self.draft(), self.ws.operator)

        if not messages.write_from_form(self, self.ws, self.form, write):
            return False
        self.accept()
        return True


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save a PDF. Tests replace this function."""
    name, _ = QFileDialog.getSaveFileName(parent, "保存证明", suggested, "PDF (*.pdf)")
    return Path(name) if name else None


class CertificateDialog(QDialog):
    """Issue a 志愿服务记录证明: a number from the register, then the PDF."""

    def __init__(self, ws: Workspace, volunteer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.issued: certificates.CertificateInfo | None = None
        self.pdf: Path | None = None
        self.setWindowTitle(self.tr("出具志愿服务记录证明"))
        layout = QVBoxLayout(self)
        layout.addWidget(_intro(self.tr("证明编号从登记簿自动取号，不会重复；证明上显示完整的身份证号。")))
        self.form = form = FieldForm()
        layout.addLayout(form)
        self.volunteer = form.add("志愿者", volunteer_combo(ws, volunteer_id), required=True)
        today = date.today()
        self.start = form.add(certificates.PERIOD_LABEL, date_edit(date(today.year, 1, 1)))
        self.end = date_edit(today)
        form.addRow(self.tr("至"), self.end)
        with ws.read() as session:
            issuer = certificates.issuer_defaults(session)
        labels = certificates.ISSUER_LABELS
        self.issuer = form.add(labels["name"], QLineEdit(issuer.name), required=True)
        self.leader = form.add(labels["leader"], QLineEdit(issuer.leader), required=True)
        self.handler = form.add(labels["handler"], QLineEdit(issuer.handler), required=True)
        self.contact = form.add(labels["contact"], QLineEdit(issuer.contact), required=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("出具并保存 PDF…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(lambda: self.issue())
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        _fit_to_fields(self, layout)

    def issue(self, path: Path | None = None) -> bool:
        from huiquan_desk.services.exporting import issue_certificate_file

        self.form.clear_errors()
        volunteer_id = self.volunteer.currentData() if self.volunteer.currentIndex() >= 0 else None
        if volunteer_id is None:
            self.form.show_error("志愿者", self.tr("必须选择"))
            return False
        issuer = certificates.IssuerInfo(self.issuer.text(), self.leader.text(), self.handler.text(), self.contact.text())
        name = self.volunteer.currentText().split("（")[0]
        path = path or ask_pdf_path(self, f"志愿服务记录证明_{name}_{date.today():%Y%m%d}.pdf")
        if path is None:
            return False
        try:  # number, PDF and audit entry are one act: a failed PDF rolls the number back too
            info = issue_certificate_file(self.ws, volunteer_id, from_qdate(self.start.date()),
                                          from_qdate(self.end.date()), issuer, path)
        except ValidationError as err:
            messages.place_problems(self, self.form, err)
            return False
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self.issued, self.pdf = info, path
        self.accept()
        return True
