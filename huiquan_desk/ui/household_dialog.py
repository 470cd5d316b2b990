"""A household's own form (家庭档案): the one screen that shows its full phone number; members are
optional (name and relation); the campaigns it was nominated to are listed under it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import family as rules
from huiquan_desk.domain.errors import HuiquanError, ValidationError
from huiquan_desk.services import households as svc
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.widgets import FieldForm, fit_window, save_cancel

L = rules.HOUSEHOLD_LABELS


def ask_open_existing(parent: QWidget, error: svc.DuplicateHouseholdError) -> bool:
    """The address is registered already: open that household instead? Tests replace this function."""
    return QMessageBox.question(parent, "住址已登记", f"{error.problems[0].message}。\n是否打开这户的档案（不会新建重复的家庭）？") \
        == QMessageBox.StandardButton.Yes


class HouseholdDialog(QDialog):
    def __init__(self, ws: Workspace, household_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.household_id = ws, household_id
        self.saved_id: int | None = None
        self.setWindowTitle(self.tr("登记家庭") if household_id is None else self.tr("家庭档案"))
        layout = QVBoxLayout(self)
        self.form = form = FieldForm()
        layout.addLayout(form)
        self.head_name = form.add(L["head_name"], QLineEdit(), required=True)
        address = QWidget()
        row = QHBoxLayout(address)
        row.setContentsMargins(0, 0, 0, 0)
        self.building, self.unit, self.room = QLineEdit(), QLineEdit(), QLineEdit()
        for edit, suffix, hint in ((self.building, "栋", "3"), (self.unit, "单元", "2（无单元留空）"), (self.room, "室", "501")):
            edit.setPlaceholderText(hint)
            row.addWidget(edit, 1)
            row.addWidget(QLabel(suffix))
        form.add(f"{L['building']}-{L['unit']}-{L['room']}", address, required=True)
        for key in ("building", "unit", "room", "address"):  # every address problem shows under the one row
            form.errors[L[key]] = form.errors[f"{L['building']}-{L['unit']}-{L['room']}"]
        self.people = form.add(L["size"], QSpinBox())
        self.people.setRange(0, rules.MAX_HOUSEHOLD_SIZE)
        self.people.setSpecialValueText(self.tr("按成员计算"))
        self.phone = form.add(L["phone"], QLineEdit())
        self.phone.setPlaceholderText(self.tr("手机号或带区号的固定电话（列表和打印中只显示前 3 位和后 4 位）"))
        self.grid = form.add(L["grid"], QComboBox())
        self.grid.setEditable(True)
        with ws.read() as session:
            self.grid.addItems(["", *svc.grids(session)])
        self.remarks = form.add(L["remarks"], QLineEdit())

        members_box = QVBoxLayout()
        members_box.addWidget(QLabel(self.tr("家庭成员（可不填；不需要身份证号）")))
        self.members = QTableWidget(0, 2)
        self.members.setHorizontalHeaderLabels([rules.MEMBER_LABELS["name"], rules.MEMBER_LABELS["relation"]])
        self.members.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.members.verticalHeader().setVisible(False)
        self.members.setMinimumHeight(120)
        members_box.addWidget(self.members)
        members_error = QLabel()
        members_error.setStyleSheet("color: #c0392b;")
        members_error.setVisible(False)
        members_box.addWidget(members_error)
        buttons = QHBoxLayout()
        add, remove = QPushButton(self.tr("添加成员")), QPushButton(self.tr("删除成员"))
        add.clicked.connect(lambda: self._add_member("", ""))
        remove.clicked.connect(self._remove_member)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        members_box.addLayout(buttons)
        layout.addLayout(members_box)
        form.errors[L["members"]] = members_error
        self.history = QLabel()
        self.history.setWordWrap(True)
        layout.addWidget(self.history)
        box = save_cancel(self, self.save)
        layout.addWidget(box)
        if household_id is not None:
            self._load(household_id)
        fit_window(self, 640, 540)

    def _add_member(self, name: str, relation: str) -> None:
        row = self.members.rowCount()
        self.members.insertRow(row)
        self.members.setItem(row, 0, QTableWidgetItem(name))
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItems(["", *rules.RELATIONS])
        combo.setCurrentText(relation)
        self.members.setCellWidget(row, 1, combo)
        if not name:
            self.members.setCurrentCell(row, 0)
            self.members.editItem(self.members.item(row, 0))

    def _remove_member(self) -> None:
        row = self.members.currentRow()
        if row >= 0:
            self.members.removeRow(row)

    def _load(self, household_id: int) -> None:
        with self.ws.read() as session:
            detail = svc.get_household(session, household_id)
        d = detail.draft
        self.head_name.setText(d.head_name)
        self.building.setText(d.building)
        self.unit.setText(d.unit)
        self.room.setText(d.room)
        self.people.setValue(d.size or 0)
        self.phone.setText(d.phone)
        self.grid.setCurrentText(d.grid)
        self.remarks.setText(d.remarks)
        for member in d.members:
            self._add_member(member.name, member.relation)
        if detail.history:
            lines = [f"{a.title}：{rules.DECISION_LABELS.get(a.decision, a.decision)}" for a in detail.history]
            self.history.setText(self.tr("参加过的评选：") + "；".join(lines))

    def draft(self) -> svc.HouseholdDraft:
        members = []
        for row in range(self.members.rowCount()):
            name = self.members.item(row, 0).text() if self.members.item(row, 0) else ""
            combo = self.members.cellWidget(row, 1)
            members.append(svc.Member(name, combo.currentText() if isinstance(combo, QComboBox) else ""))
        return svc.HouseholdDraft(self.head_name.text(), self.building.text(), self.unit.text(), self.room.text(),
                                  self.people.value() or None, self.phone.text(), self.grid.currentText(),
                                  self.remarks.text(), members)

    def save(self) -> bool:
        draft = self.draft()
        self.form.clear_errors()
        try:
            with self.ws.write() as session:
                if self.household_id is None:
                    self.saved_id = svc.create_household(session, draft)
                else:
                    svc.update_household(session, self.household_id, draft)
                    self.saved_id = self.household_id
        except svc.DuplicateHouseholdError as err:
            if ask_open_existing(self, err):
                self.saved_id = err.existing_id
                self.done(QDialog.DialogCode.Accepted)
                return True
            messages.place_problems(self, self.form, err)
            return False
        except ValidationError as err:
            messages.place_problems(self, self.form, err)
            return False
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, ws: Workspace, household_id: int | None = None, parent: QWidget | None = None) -> int | None:
        dialog = cls(ws, household_id, parent)
        return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None
