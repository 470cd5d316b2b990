"""A volunteer's own form: the one screen that shows the full ID and phone number."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import volunteer as rules
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.domain.identity import parse_id
from huiquan_desk.services import volunteers as svc
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.widgets import FieldForm, date_edit, fit_window, from_qdate, to_qdate

L = rules.FIELD_LABELS


def ask_open_existing(parent: QWidget, name: str) -> bool:
    """The ID is registered already: open that volunteer instead? Tests replace this function."""
    return QMessageBox.question(parent, "身份证号已登记",
                                f"该身份证号已登记为志愿者「{name}」。\n是否打开其档案（不会新建重复的志愿者）？") \
        == QMessageBox.StandardButton.Yes


class RecordForm(QDialog):
    """A small form for a training, commendation or evaluation. With `bind(ws, save)`, 确定 saves
    and stays open with each problem under its field until the record is saved."""

    def __init__(self, title: str, fields: list[tuple[str, QWidget]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = FieldForm(self)
        self.widgets = {label: self.form.add(label, widget) for label, widget in fields}
        self.ws: Workspace | None = None
        self.save = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)

    def bind(self, ws: Workspace, save) -> RecordForm:
        self.ws, self.save = ws, save
        return self

    def accept(self) -> None:
        if self.save is None or messages.write_from_form(self, self.ws, self.form, self.save):
            super().accept()



class VolunteerDialog(QDialog):
    def __init__(self, ws: Workspace, volunteer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.volunteer_id = volunteer_id
        self.saved_id: int | None = None
        layout = QVBoxLayout(self)
        self.form = form = FieldForm()
        layout.addLayout(form)
        self.name = form.add(L["name"], QLineEdit(), required=True)
        self.id_number = form.add(L["id_number"], QLineEdit(), required=True)
        self.id_number.setPlaceholderText(self.tr("18 位，可输入全角数字或小写 x"))
        self.id_number.editingFinished.connect(self.check_id)
        self.derived = QLabel()
        self.derived.setStyleSheet("color: #2c6fbb;")
        form.addRow("", self.derived)
        self.form.errors[L["gender"]] = self.form.errors[L["id_number"]]
        self.form.errors[L["birth_date"]] = self.form.errors[L["id_number"]]
        self.phone = form.add(L["phone"], QLineEdit())
        self.phone.setPlaceholderText(self.tr("手机号或带区号的固定电话"))
        self.area = form.add(L["area"], QLineEdit())
        self.political = form.add(L["political_status"], QComboBox())
        self.political.addItem("", "")
        for status in rules.POLITICAL_STATUSES:
            self.political.addItem(status, status)
        self.team = form.add(L["team"], QComboBox())
        self.team.addItem(self.tr("（未分队）"), None)
        with ws.read() as session:
            for team in svc.list_teams(session):
                self.team.addItem(team.name, team.id)
        self.skills = form.add(L["skills"], QLineEdit())
        self.skills.setPlaceholderText(self.tr("如：理发、法律咨询、摄影"))
        self.service_types = form.add(L["service_types"], QLineEdit())
        self.service_types.setPlaceholderText(self.tr("如：敬老助残、环境保护、文明劝导"))
        self.registered_on = form.add(L["registered_on"], date_edit())
        self.number = form.add(L["number"], QLineEdit())
        self.number.setPlaceholderText(self.tr("留空则自动编号"))
        self.remarks = form.add(L["remarks"], QLineEdit())
        self.hours = QLabel()
        layout.addWidget(self.hours)

        self.tabs = QTabWidget()
        self.trainings = RowsModel([Col("培训名称", lambda t: t.name), Col("日期", lambda t: f"{t.held_on:%Y-%m-%d}"),
                                    Col("学习时长(小时)", lambda t: rules.hours_text(t.minutes), "right"),
                                    Col("举办单位", lambda t: t.organizer), Col("主要内容", lambda t: t.content)])
        self.commendations = RowsModel([Col("表彰名称", lambda c: c.name), Col("日期", lambda c: f"{c.awarded_on:%Y-%m-%d}"),
                                        Col("授予单位", lambda c: c.grantor)])
        self.evaluations = RowsModel([Col("服务质量评价", lambda e: e.quality), Col("评价日期", lambda e: f"{e.evaluated_on:%Y-%m-%d}"),
                                      Col("评价人", lambda e: e.evaluator), Col("说明", lambda e: e.remarks)])
        self.record_views: dict[str, QTableView] = {}
        for kind, label, model, add in (("training", self.tr("培训情况"), self.trainings, self.add_training),
                                        ("commendation", self.tr("表彰奖励"), self.commendations, self.add_commendation),
                                        ("evaluation", self.tr("评价情况"), self.evaluations, self.add_evaluation)):
            page = QWidget()
            page_layout = QVBoxLayout(page)
            view = QTableView()
            view.setModel(model)
            view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
            view.horizontalHeader().setStretchLastSection(True)
            self.record_views[kind] = view
            row = QHBoxLayout()
            add_button = QPushButton(self.tr("添加…"))
            add_button.clicked.connect(add)
            remove_button = QPushButton(self.tr("删除所选"))
            remove_button.clicked.connect(lambda _=False, k=kind: self.remove_record(k))
            row.addWidget(add_button)
            row.addWidget(remove_button)
            row.addStretch(1)
            page_layout.addWidget(view)
            page_layout.addLayout(row)
            self.tabs.addTab(page, label)
        layout.addWidget(self.tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_window(self, 720, 700)  # the sizing rule (ui.widgets); the record tabs give up height first
        if volunteer_id is not None:
            self.load(volunteer_id)
        else:
            self._set_title()
            self.tabs.setEnabled(False)
            self.tabs.setToolTip(self.tr("先保存志愿者，再登记培训、表彰和评价"))

    def _set_title(self) -> None:
        self.setWindowTitle(self.tr("新增志愿者") if self.volunteer_id is None else self.tr("志愿者档案"))

    def load(self, volunteer_id: int) -> None:
        with self.ws.read() as session:
            detail = svc.get_volunteer(session, volunteer_id)
        self.volunteer_id = volunteer_id
        d = detail.draft
        self.name.setText(d.name)
        self.id_number.setText(d.id_number)
        self.phone.setText(d.phone)
        self.area.setText(d.area)
        self.political.setCurrentIndex(max(0, self.political.findData(d.political_status)))
        self.team.setCurrentIndex(max(0, self.team.findData(d.team_id)))
        self.skills.setText(d.skills)
        self.service_types.setText(d.service_types)
        self.registered_on.setDate(to_qdate(d.registered_on or date.today()))
        self.number.setText(d.number)
        self.remarks.setText(d.remarks)
        self.trainings.set_rows(detail.trainings)
        self.commendations.set_rows(detail.commendations)
        self.evaluations.set_rows(detail.evaluations)
        row = detail.row
        self.hours.setText(self.tr("累计服务 {0} 小时　星级：{1}").format(rules.hours_text(row.minutes), row.star_label or "—"))
        self.tabs.setEnabled(True)
        self.tabs.setToolTip("")
        self.check_id()
        self._set_title()

    def draft(self) -> svc.VolunteerDraft:
        return svc.VolunteerDraft(
            name=self.name.text(), id_number=self.id_number.text(), phone=self.phone.text(), area=self.area.text(),
            skills=self.skills.text(), service_types=self.service_types.text(),
            political_status=self.political.currentData() or "", registered_on=from_qdate(self.registered_on.date()),
            team_id=self.team.currentData(), number=self.number.text(), remarks=self.remarks.text())

    def check_id(self) -> None:
        """Show what the number says (birth date, sex); a known number opens that volunteer."""
        self.form.show_error(L["id_number"], "")
        self.form.errors[L["id_number"]].setVisible(False)
        text = self.id_number.text()
        if not text.strip():
            self.derived.clear()
            return
        try:
            parsed = parse_id(text)
        except ValueError as err:
            self.derived.clear()
            self.form.show_error(L["id_number"], str(err))
            return
        self.derived.setText(self.tr("出生日期 {0}，性别 {1}").format(f"{parsed.birth_date:%Y-%m-%d}", parsed.sex))
        with self.ws.read() as session:
            existing = svc.find_by_id_number(session, parsed.number)
            name = svc.get_volunteer(session, existing).draft.name if existing else ""
        if existing is not None and existing != self.volunteer_id:
            if self.volunteer_id is None and ask_open_existing(self, name):
                self.load(existing)
            else:
                self.form.show_error(L["id_number"], self.tr("已登记为志愿者「{0}」").format(name))

    def save(self) -> bool:
        def write(session) -> None:
            if self.volunteer_id is None:
                self.saved_id = svc.create_volunteer(session, self.draft())
            else:
                svc.update_volunteer(session, self.volunteer_id, self.draft())
                self.saved_id = self.volunteer_id

        if not messages.write_from_form(self, self.ws, self.form, write):
            return False
        self.accept()
        return True

    # --- trainings, commendations, evaluations -----------------------------------------------
    def _record(self, action) -> bool:
        try:
            with self.ws.write() as session:
                action(session)
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self.load(self.volunteer_id)
        return True

    def _ask_record(self, form: RecordForm) -> None:
        if form.exec() == QDialog.DialogCode.Accepted:
            self.load(self.volunteer_id)

    def training_form(self) -> RecordForm:
        T = rules.TRAINING_LABELS
        hours = QDoubleSpinBox()
        hours.setRange(0, 720)
        hours.setSingleStep(0.5)
        hours.setSuffix(self.tr(" 小时"))
        form = RecordForm(self.tr("登记培训"), [(T["name"], QLineEdit()), (T["content"], QLineEdit()), (T["minutes"], hours),
                                            (T["organizer"], QLineEdit()), (T["held_on"], date_edit())], self)
        w = form.widgets
        return form.bind(self.ws, lambda s: svc.add_training(
            s, self.volunteer_id, w[T["name"]].text(), from_qdate(w[T["held_on"]].date()),
            round(w[T["minutes"]].value() * 60), w[T["content"]].text(), w[T["organizer"]].text()))

    def commendation_form(self) -> RecordForm:
        C = rules.COMMENDATION_LABELS
        form = RecordForm(self.tr("登记表彰奖励"), [(C["name"], QLineEdit()), (C["grantor"], QLineEdit()),
                                              (C["awarded_on"], date_edit())], self)
        w = form.widgets
        return form.bind(self.ws, lambda s: svc.add_commendation(
            s, self.volunteer_id, w[C["name"]].text(), from_qdate(w[C["awarded_on"]].date()), w[C["grantor"]].text()))

    def evaluation_form(self) -> RecordForm:
        E = rules.EVALUATION_LABELS
        quality = QComboBox()
        quality.addItems(rules.QUALITY_GRADES)
        form = RecordForm(self.tr("登记评价"), [(E["quality"], quality), (E["evaluator"], QLineEdit()),
                                            (E["remarks"], QLineEdit()), (E["evaluated_on"], date_edit())], self)
        w = form.widgets
        return form.bind(self.ws, lambda s: svc.add_evaluation(
            s, self.volunteer_id, w[E["quality"]].currentText(), from_qdate(w[E["evaluated_on"]].date()),
            w[E["evaluator"]].text(), w[E["remarks"]].text()))

    def add_training(self) -> None:
        self._ask_record(self.training_form())

    def add_commendation(self) -> None:
        self._ask_record(self.commendation_form())

    def add_evaluation(self) -> None:
        self._ask_record(self.evaluation_form())

    def remove_record(self, kind: str) -> None:
        view = self.record_views[kind]
        rows = view.selectionModel().selectedRows()
        if not rows:
            return
        model = view.model()
        record = model.row(rows[0].row())
        if messages.confirm(self, self.tr("删除记录"), self.tr("确定删除所选记录？"), self.tr("删除")):
            self._record(lambda s: svc.delete_record(s, kind, record.id))

    @classmethod
    def ask(cls, ws: Workspace, volunteer_id: int | None = None, parent: QWidget | None = None) -> int | None:
        dialog = cls(ws, volunteer_id, parent)
        dialog.exec()
        return dialog.saved_id or dialog.volunteer_id
