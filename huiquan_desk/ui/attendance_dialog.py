"""Mark who served at an activity in one step: pick volunteers or a whole team, adjust hours."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import volunteer as rules
from huiquan_desk.domain.dates import span_text
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import activities as activity_service
from huiquan_desk.services import service_hours, volunteers
from huiquan_desk.services.volunteers import VolunteerRow
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.widgets import fit_window, save_cancel

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("到场", "编号", "姓名", "队伍", "服务时长(小时)", "录入")


class AttendanceModel(QAbstractTableModel):
    """Every volunteer, a check box for "served" and an editable hours column."""

    def __init__(self, people: list[VolunteerRow], default_minutes: int, parent=None):
        super().__init__(parent)
        self.people = people
        self.default_minutes = default_minutes
        self.minutes: dict[int, int] = {}  # volunteer id -> minutes, for those checked
        self.entered: dict[int, str] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.column() == 0:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == 4 and self.people[index.row()].id in self.minutes:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.people)):
            return None
        person = self.people[index.row()]
        served = person.id in self.minutes
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if served else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return ("", person.number, person.name, person.team,
                    rules.hours_text(self.minutes[person.id]) if served else "", self.entered.get(person.id, ""))[column]
        if role == Qt.ItemDataRole.EditRole and column == 4:
            return self.minutes.get(person.id, self.default_minutes) / 60
        if role == Qt.ItemDataRole.UserRole:
            return person.name if column != 4 else self.minutes.get(person.id, 0)
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        person = self.people[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            self.set_served(person.id, Qt.CheckState(value) == Qt.CheckState.Checked)
            return True
        if role == Qt.ItemDataRole.EditRole and index.column() == 4 and person.id in self.minutes:
            self.minutes[person.id] = round(float(value) * 60)
            self.dataChanged.emit(index, index)
            return True
        return False

    def set_served(self, volunteer_id: int, served: bool, minutes: int | None = None) -> None:
        if served:
            self.minutes[volunteer_id] = minutes if minutes is not None else self.minutes.get(volunteer_id, self.default_minutes)
        else:
            self.minutes.pop(volunteer_id, None)
        row = next(i for i, p in enumerate(self.people) if p.id == volunteer_id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))




class AttendanceDialog(QDialog):
    def __init__(self, ws: Workspace, activity_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.activity_id = ws, activity_id
        self.saved = False
        self.setWindowTitle(self.tr("志愿服务登记"))
        with ws.read() as session:
            activity = activity_service.get_activity(session, activity_id, ws.files).row
            people = volunteers.list_volunteers(session)
            teams = volunteers.list_teams(session)
            present = service_hours.attendance(session, activity_id)
            self.team_members = {t.id: set(volunteers.team_member_ids(session, t.id)) for t in teams}
        default = service_hours.default_minutes(activity.start, activity.end)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{activity.title}</b>　{span_text(activity.start, activity.end)}　{activity.place}"))
        layout.addWidget(QLabel(self.tr("勾选到场服务的志愿者；时长默认取活动时长 {0} 小时，可逐人修改（双击时长）。")
                                .format(rules.hours_text(default))))
        tools = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按姓名或编号查找"))
        self.team = QComboBox()
        for team in teams:
            self.team.addItem(f"{team.name}（{team.members} 人）", team.id)
        add_team = QPushButton(self.tr("整队勾选"))
        add_team.clicked.connect(lambda: self.check_team(self.team.currentData()))
        clear = QPushButton(self.tr("全部取消"))
        clear.clicked.connect(self.clear_all)
        tools.addWidget(self.search, 1)
        tools.addWidget(self.team)
        tools.addWidget(add_team)
        tools.addWidget(clear)
        layout.addLayout(tools)
        self.model = AttendanceModel(people, default, self)
        for row in present:
            self.model.minutes[row.volunteer_id] = row.minutes
            self.model.entered[row.volunteer_id] = f"{row.entered_by} {row.entered_at:%m-%d %H:%M}" + ("（逾期）" if row.late else "")
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.model.dataChanged.connect(self._update_summary)
        self._update_summary()
        buttons = save_cancel(self, self.save)
        layout.addWidget(buttons)
        fit_window(self, 760, 620)  # the sizing rule (ui.widgets): the list gives up height first
        if not people:
            self.summary.setText(self.tr("还没有登记志愿者：请先在「志愿服务」页添加志愿者。"))

    def _update_summary(self, *_args) -> None:
        total = sum(self.model.minutes.values())
        self.summary.setText(self.tr("已选 {0} 人，合计 {1} 小时").format(len(self.model.minutes), rules.hours_text(total)))

    def check_team(self, team_id: int | None) -> None:
        for volunteer_id in self.team_members.get(team_id, set()):
            self.model.set_served(volunteer_id, True)

    def clear_all(self) -> None:
        for volunteer_id in list(self.model.minutes):
            self.model.set_served(volunteer_id, False)

    def save(self) -> bool:
        try:
            with self.ws.write() as session:
                service_hours.record_attendance(session, self.activity_id, dict(self.model.minutes), self.ws.operator)
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self.saved = True
        self.accept()
        return True

    @classmethod
    def ask(cls, ws: Workspace, activity_id: int, parent: QWidget | None = None) -> bool:
        dialog = cls(ws, activity_id, parent)
        dialog.exec()
        return dialog.saved
