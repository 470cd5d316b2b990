"""志愿服务: the registry, service hours, monthly statistics, certificates, teams and star levels."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import volunteer as rules
from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.errors import HuiquanError, ValidationError
from huiquan_desk.services import certificates, service_hours, volunteers
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.after_export import AfterExportBar
from huiquan_desk.ui.export_actions import (
    ask_open_path,
    ask_save_path,
    export_in_background,
    file_in_background,
)
from huiquan_desk.ui.messages import ask_text
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.service_dialogs import CertificateDialog, SupplementDialog
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.volunteer_dialog import VolunteerDialog
from huiquan_desk.ui.widgets import EmptyHint, date_edit, from_qdate, mark_writes, to_qdate

L = rules.FIELD_LABELS
# The buttons on this page that change data (disabled for a 查看 account).
WRITE_BUTTONS = {"新增志愿者", "删除", "补录时长…", "出具证明…", "从 Excel 导入…", "删除补录", "添加队伍", "改名",
                 "删除队伍", "保存星级标准"}


def _table(model, sort: bool = True, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder):
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(sort)
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    for column, col in enumerate(model.columns):
        view.setColumnWidth(column, col.width)
    if sort:
        view.sortByColumn(0, order)
    return view, model


def _selected(view: QTableView, model: RowsModel):
    rows = view.selectionModel().selectedRows()
    if not rows:
        return None
    return model.row(rows[0].row())



def _team_combo(ws: Workspace, all_label: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(all_label, None)
    with ws.read() as session:
        for team in volunteers.list_teams(session):
            combo.addItem(team.name, team.id)
    return combo


class VolunteersPage(QWidget):
    changed = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.last_export: Path | None = None
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._registry_tab(), self.tr("志愿者"))
        self.tabs.addTab(self._services_tab(), self.tr("服务记录"))
        self.tabs.addTab(self._stats_tab(), self.tr("月度统计"))
        self.tabs.addTab(self._certificates_tab(), self.tr("证明登记簿"))
        self.tabs.addTab(self._teams_tab(), self.tr("队伍与星级"))
        self.tabs.currentChanged.connect(self._reload_tab)
        self.after_export = AfterExportBar()  # 打开 / 打开所在文件夹 / 打印… after an export or a certificate
        layout.addWidget(self.after_export)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        mark_writes(*(b for b in self.findChildren(QPushButton) if b.text() in WRITE_BUTTONS))
        self.reload()

    # --- tabs -----------------------------------------------------------------------------------
    def _registry_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        actions = QHBoxLayout()
        buttons = [(self.tr("新增志愿者"), self.new_volunteer), (self.tr("档案"), self.edit_volunteer),
                   (self.tr("删除"), self.delete_volunteer), (self.tr("补录时长…"), self.add_supplement),
                   (self.tr("出具证明…"), self.issue_certificate)]
        for text, slot in buttons:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=slot: s())
            actions.addWidget(button)
            if text == self.tr("新增志愿者"):
                button.setObjectName("primary")
        actions.addStretch(1)
        for text, slot in ((self.tr("从 Excel 导入…"), lambda: self.import_roster()),
                           (self.tr("保存导入模板…"), lambda: self.save_roster_template()),
                           (self.tr("导出花名册 Excel…"), lambda: self.export_roster("xlsx")),
                           (self.tr("导出花名册 PDF…"), lambda: self.export_roster("pdf"))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            actions.addWidget(button)
        layout.addLayout(actions)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按姓名、编号、住址或技能查找"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self.reload_registry)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.team_filter = _team_combo(self.ws, self.tr("全部队伍"))
        self.team_filter.currentIndexChanged.connect(self.reload_registry)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.team_filter)
        layout.addLayout(filters)
        self.registry = RowsModel([
            Col(L["number"], lambda r: r.number, width=110), Col(L["name"], lambda r: r.name, width=80),
            Col(L["gender"], lambda r: r.gender, "center", width=50), Col("年龄", lambda r: r.age, "center", width=50),
            Col(L["id_number"], lambda r: r.id_masked, width=170), Col(L["phone"], lambda r: r.phone_masked, width=110),
            Col(L["team"], lambda r: r.team, width=120), Col(L["political_status"], lambda r: r.political_status, width=90),
            Col(L["area"], lambda r: r.area, width=120), Col(L["skills"], lambda r: r.skills),
            Col("累计时长(小时)", lambda r: float(rules.hours_text(r.minutes)), "right", width=110),
            Col("星级", lambda r: r.star_label or "—", "center", width=60),
        ])
        self.registry_view, _ = _table(self.registry)
        self.registry_view.doubleClicked.connect(lambda _i: self.edit_volunteer())
        self.registry_hint = EmptyHint(self.registry_view, self._registry_empty_text)
        layout.addWidget(self.registry_view, 1)
        return page

    def _services_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        today = date.today()
        self.service_from = date_edit(date(today.year, 1, 1))
        self.service_to = date_edit(date(today.year, 12, 31))
        self.service_team = _team_combo(self.ws, self.tr("全部队伍"))
        self.service_team.addItem(service_hours.NO_TEAM, service_hours.NO_TEAM_ID)  # volunteers without a team
        for widget in (self.service_from, self.service_to):
            widget.dateChanged.connect(self.reload_services)
        self.service_team.currentIndexChanged.connect(self.reload_services)
        for widget in (QLabel(self.tr("时间")), self.service_from, QLabel(self.tr("至")), self.service_to, self.service_team):
            bar.addWidget(widget)
        bar.addStretch(1)
        for text, slot in ((self.tr("补录时长…"), self.add_supplement), (self.tr("删除补录"), self.delete_supplement),
                           (self.tr("导出台账 Excel…"), lambda: self.export_services("xlsx")),
                           (self.tr("导出台账 PDF…"), lambda: self.export_services("pdf"))):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=slot: s())
            bar.addWidget(button)
        layout.addLayout(bar)
        self.services = RowsModel([
            Col("服务日期", lambda r: f"{r.service_date:%Y-%m-%d}", width=95), Col("活动名称", lambda r: r.title, width=220),
            Col("地点", lambda r: r.place, width=140), Col("志愿者", lambda r: f"{r.volunteer}（{r.volunteer_number}）", width=170),
            Col("队伍", lambda r: r.team, width=120), Col("时长(小时)", lambda r: float(r.hours), "right", width=80),
            Col("记录方式", lambda r: r.source.label, "center", lambda r: r.reason),
            Col("录入人", lambda r: r.entered_by), Col("录入时间", lambda r: f"{r.entered_at:%Y-%m-%d %H:%M}", width=135),
            Col("逾期录入", lambda r: "逾期" if r.late else "", "center",
                lambda r: "活动结束 10 个工作日后才录入" if r.late else ""),
        ])
        self.services_view, _ = _table(self.services, order=Qt.SortOrder.DescendingOrder)
        self.services_hint = EmptyHint(self.services_view, self.tr(
            "这段时间还没有服务记录。\n在「活动台账」中选中一项活动，点「志愿服务登记…」勾选到场的志愿者；"
            "事后补记，点「补录时长…」。要看以前的记录，把上面的时间往前调。"))
        layout.addWidget(self.services_view, 1)
        self.services_summary = QLabel()
        layout.addWidget(self.services_summary)
        return page

    def _stats_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.stats_year = QSpinBox()
        self.stats_year.setRange(2000, 2100)
        self.stats_year.setValue(date.today().year)
        self.stats_year.setSuffix(self.tr(" 年"))
        self.stats_year.valueChanged.connect(self.reload_stats)
        bar.addWidget(self.stats_year)
        bar.addStretch(1)
        for fmt, text in (("xlsx", self.tr("导出统计表 Excel…")), ("pdf", self.tr("导出统计表 PDF…"))):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, f=fmt: self.export_stats(f))
            bar.addWidget(button)
        layout.addLayout(bar)
        self.stats = RowsModel([Col("队伍", lambda r: r.team, width=160), Col("月份", lambda r: f"{r.month} 月", "center"),
                                Col("服务人数", lambda r: r.volunteers, "right"), Col("服务人次", lambda r: r.services, "right"),
                                Col("服务时长(小时)", lambda r: float(r.hours), "right")])
        self.stats_view, _ = _table(self.stats, sort=False)
        self.stats_hint = EmptyHint(self.stats_view, self.tr(
            "这一年还没有志愿服务记录。活动后在「活动台账」点「志愿服务登记…」，这里会按队伍、月份自动统计。"))
        layout.addWidget(self.stats_view, 1)
        return page

    def _certificates_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        for text, slot in ((self.tr("出具证明…"), self.issue_certificate),
                           (self.tr("重新导出所选证明 PDF…"), self.reprint_certificate),
                           (self.tr("导出登记簿 Excel…"), lambda: self.export_register("xlsx")),
                           (self.tr("导出登记簿 PDF…"), lambda: self.export_register("pdf"))):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=slot: s())
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.register = RowsModel([
            Col("证明编号", lambda c: c.number, width=170), Col("出具日期", lambda c: f"{c.issued_on:%Y-%m-%d}"),
            Col("姓名", lambda c: c.name), Col("身份证号", lambda c: c.id_masked, width=170), Col("志愿者编号", lambda c: c.volunteer_number, width=110),
            Col("证明时段", lambda c: f"{cn_date(c.period_from)}至{cn_date(c.period_to)}", width=230),
            Col("服务时长(小时)", lambda c: float(rules.hours_text(c.minutes)), "right"),
            Col("经办人", lambda c: c.issuer.handler), Col("出具人", lambda c: c.issued_by)])
        self.register_view, _ = _table(self.register)
        self.register_hint = EmptyHint(self.register_view, self.tr(
            "还没有出具过志愿服务记录证明。\n在「志愿者」中选中一人，点「出具证明…」：编号自动从这本登记簿取得。"))
        layout.addWidget(self.register_view, 1)
        return page

    def _teams_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        for text, slot in ((self.tr("添加队伍"), self.add_team), (self.tr("改名"), self.rename_team),
                           (self.tr("删除队伍"), self.delete_team)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=slot: s())
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.teams = RowsModel([Col("队伍", lambda t: t.name, width=160), Col("人数", lambda t: t.members, "right"),
                                Col("说明", lambda t: t.description)])
        self.teams_view, _ = _table(self.teams, sort=False)
        layout.addWidget(self.teams_view, 1)
        stars = QHBoxLayout()
        stars.addWidget(QLabel(self.tr("星级所需累计时长（小时，一星至五星）：")))
        self.star_edit = QLineEdit()
        self.star_edit.setPlaceholderText("100/300/600/1000/1500")
        # wide enough for five thresholds of four digits, e.g. 100/300/600/1000/1500, and the cursor
        self.star_edit.setMinimumWidth(self.star_edit.fontMetrics().horizontalAdvance("1000/3000/6000/10000/15000") + 24)
        save = QPushButton(self.tr("保存星级标准"))
        save.clicked.connect(self.save_stars)
        self.star_error = QLabel()
        self.star_error.setStyleSheet("color: #c0392b;")
        stars.addWidget(self.star_edit)
        stars.addWidget(save)
        stars.addWidget(self.star_error, 1)
        layout.addLayout(stars)
        layout.addWidget(QLabel(self.tr("全国没有统一标准，默认依《中国社区志愿者注册管理办法》第十八条；各地不同（如北京 100/200/500/800/1000），可按本地规定修改。")))
        return page

    # --- loading --------------------------------------------------------------------------------
    def reload(self) -> None:
        """Reload the tab on screen now; the others when they are next shown (a year of service
        records can be tens of thousands of rows: no need to read them to show the roster)."""
        self.reload_teams()
        self._stale = set(range(self.tabs.count()))
        self._reload_tab(self.tabs.currentIndex())

    def _reload_tab(self, index: int) -> None:
        if index not in getattr(self, "_stale", set()):
            return
        self._stale.discard(index)
        loaders = {0: self.reload_registry, 1: self.reload_services, 2: self.reload_stats, 3: self.reload_register}
        if index in loaders:
            loaders[index]()

    def _registry_empty_text(self) -> str:
        if self.search.text().strip() or self.team_filter.currentData() is not None:
            return self.tr("没有找到符合条件的志愿者。换个姓名、编号，或选「全部队伍」。")
        return self.tr("还没有登记志愿者。\n点「新增志愿者」逐个登记，或点「从 Excel 导入…」导入已有的花名册"
                       "（「保存导入模板…」可得到一份模板）。")

    def reload_registry(self) -> None:
        with self.ws.read() as session:
            rows = volunteers.list_volunteers(session, self.search.text(), self.team_filter.currentData())
        self.registry.set_rows(rows)
        self.status.setText(self.tr("共 {0} 名志愿者（列表中身份证号和电话已遮盖，完整号码只在个人档案中显示）").format(len(rows)))

    def reload_services(self) -> None:
        start, end = from_qdate(self.service_from.date()), from_qdate(self.service_to.date())
        with self.ws.read() as session:
            rows = service_hours.service_rows(session, start, end, team_id=self.service_team.currentData())
        self.services.set_rows(rows)
        total = sum(r.minutes for r in rows)
        supplement = sum(r.minutes for r in rows if r.source is rules.ServiceSource.SUPPLEMENT)
        late = sum(1 for r in rows if r.late)
        self.services_summary.setText(
            self.tr("共 {0} 人次，{1} 小时（其中补录 {2} 小时）；逾期录入 {3} 条").format(
                len(rows), rules.hours_text(total), rules.hours_text(supplement), late))

    def show_services(self, date_from: date, date_to: date, team_id: int | None = None) -> None:
        """The 服务记录 tab for this period and team (None: all teams; service_hours.NO_TEAM_ID: the
        volunteers without a team): a home-page tile's or bar's list."""
        widgets = (self.service_from, self.service_to, self.service_team)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.service_from.setDate(to_qdate(date_from))
            self.service_to.setDate(to_qdate(date_to))
            self.service_team.setCurrentIndex(max(0, self.service_team.findData(team_id)))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._stale.discard(1)
        self.tabs.setCurrentIndex(1)
        self.reload_services()

    def reload_stats(self) -> None:
        with self.ws.read() as session:
            self.stats.set_rows(service_hours.monthly_stats(session, self.stats_year.value()))

    def reload_register(self) -> None:
        with self.ws.read() as session:
            self.register.set_rows(certificates.list_certificates(session))

    def reload_teams(self) -> None:
        with self.ws.read() as session:
            self.teams.set_rows(volunteers.list_teams(session))
            self.star_edit.setText("/".join(map(str, volunteers.star_thresholds(session))))
        for combo in (getattr(self, "team_filter", None), getattr(self, "service_team", None)):
            if combo is None:
                continue
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for team in self.teams.rows:
                combo.addItem(team.name, team.id)
            if combo is getattr(self, "service_team", None):
                combo.addItem(service_hours.NO_TEAM, service_hours.NO_TEAM_ID)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _changed(self) -> None:
        self.reload()
        self.changed.emit()

    def show_record(self, table: str, record_id: int) -> bool:
        """Select this volunteer, or this service record in its year (MainWindow.show_record)."""
        if table == "volunteers":
            self.tabs.setCurrentIndex(0)
            self.search.clear()
            self.team_filter.setCurrentIndex(0)
            self.reload_registry()
            view, model = self.registry_view, self.registry
        elif table == "service_records":
            with self.ws.read() as session:
                found = [r for r in service_hours.service_rows(session) if r.id == record_id]
            if not found:
                return False
            day = found[0].service_date
            self.tabs.setCurrentIndex(1)
            for edit, value in ((self.service_from, date(day.year, 1, 1)), (self.service_to, date(day.year, 12, 31))):
                edit.blockSignals(True)
                edit.setDate(to_qdate(value))
                edit.blockSignals(False)
            self.service_team.setCurrentIndex(0)
            self.reload_services()
            view, model = self.services_view, self.services
        else:
            return False
        row = next((i for i, r in enumerate(model.rows) if r.id == record_id), -1)
        if row >= 0:
            view.selectRow(row)
            view.scrollTo(model.index(row, 0))
        return row >= 0

    # --- registry actions -----------------------------------------------------------------------
    def selected_volunteer(self) -> volunteers.VolunteerRow | None:
        return _selected(self.registry_view, self.registry)

    def new_volunteer(self) -> None:
        VolunteerDialog.ask(self.ws, None, self)
        self._changed()

    def edit_volunteer(self) -> None:
        row = self.selected_volunteer()
        if row is not None:
            VolunteerDialog.ask(self.ws, row.id, self)
            self._changed()

    def delete_volunteer(self) -> None:
        row = self.selected_volunteer()
        if row is None or not messages.confirm(self, self.tr("删除志愿者"),
                                               self.tr("确定删除志愿者「{0}」（{1}）？删除后可在「回收站」中恢复。").format(row.name, row.number),
                                               self.tr("删除")):
            return
        try:
            with self.ws.write() as session:
                volunteers.delete_volunteer(session, row.id)
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        self._changed()

    def add_supplement(self) -> None:
        row = self.selected_volunteer()
        dialog = SupplementDialog(self.ws, row.id if row else None, self)
        if dialog.exec():
            self._changed()

    def delete_supplement(self) -> None:
        row = _selected(self.services_view, self.services)
        if row is None:
            return
        if row.source is not rules.ServiceSource.SUPPLEMENT:
            messages.show_error(self, ValidationError.single("服务记录", "随活动登记的时长请在活动台账的「志愿服务登记」中修改"))
            return
        if messages.confirm(self, self.tr("删除补录"), self.tr("确定删除「{0}」{1} 小时的补录记录？").format(row.volunteer, row.hours),
                            self.tr("删除")):
            try:
                with self.ws.write() as session:
                    service_hours.delete_supplement(session, row.id)
            except HuiquanError as err:
                messages.show_error(self, err)
                return
            self._changed()

    def issue_certificate(self) -> None:
        row = self.selected_volunteer()
        dialog = CertificateDialog(self.ws, row.id if row else None, self)
        if dialog.exec() and dialog.issued is not None:
            self.last_export = dialog.pdf
            self.status.setText(self.tr("已出具证明 {0}，保存在 {1}").format(dialog.issued.number, dialog.pdf))
            self._changed()
            self.after_export.show_file(dialog.pdf, self.tr("已出具志愿服务记录证明 {0}。").format(dialog.issued.number))

    def reprint_certificate(self, path: Path | None = None) -> Task | None:
        from huiquan_desk.services.exporting import render_certificate

        cert = _selected(self.register_view, self.register)
        if cert is None:
            return None
        path = path or ask_save_path(self, self.tr("志愿服务记录证明"),
                                     f"志愿服务记录证明_{cert.name}_{cert.issued_on:%Y%m%d}.pdf", "pdf")
        if path is None:
            return None
        return file_in_background(self, self.ws, self.tr("志愿服务记录证明 {0}").format(cert.number), path,
                                  "certificates", lambda session, out: render_certificate(session, cert.id, out) and 1,
                                  self._exported)

    def import_roster(self, path: Path | None = None):
        from huiquan_desk.ui.import_dialog import ImportDialog

        if path is None:
            path = ask_open_path(self, self.tr("选择志愿者花名册 Excel 文件"), "xlsx")
            if path is None:
                return None
        dialog = ImportDialog(self.ws, path, self, kind="volunteers")
        dialog.imported.connect(lambda _n: self._changed())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def save_roster_template(self, path: Path | None = None) -> None:
        from huiquan_desk.services.volunteer_import import save_volunteer_template

        path = path or ask_save_path(self, self.tr("保存志愿者导入模板"), "志愿者花名册导入模板.xlsx", "xlsx")
        if path is None:
            return
        try:
            save_volunteer_template(path)
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        self.after_export.show_file(path, self.tr("已保存导入模板：按模板填好后，点「从 Excel 导入…」导入。"))

    # --- exports --------------------------------------------------------------------------------
    def _exported(self, count: int, path: Path) -> None:
        self.last_export = path
        self.status.setText(self.tr("已导出到 {0}").format(path))
        self.after_export.show_file(path, self.tr("已导出 {0}，共 {1} 条。").format(path.name, count))

    def export_roster(self, fmt: str, path: Path | None = None) -> Task | None:
        params = LedgerParams(text=self.search.text(), team_id=self.team_filter.currentData())
        return export_in_background(self, self.ws, "volunteers", params, fmt, path, self._exported)

    def export_services(self, fmt: str, path: Path | None = None) -> Task | None:
        params = LedgerParams(date_from=from_qdate(self.service_from.date()), date_to=from_qdate(self.service_to.date()),
                              team_id=self.service_team.currentData())
        return export_in_background(self, self.ws, "service-hours", params, fmt, path, self._exported)

    def export_stats(self, fmt: str, path: Path | None = None) -> Task | None:
        params = LedgerParams(year=self.stats_year.value())
        return export_in_background(self, self.ws, "monthly-stats", params, fmt, path, self._exported)

    def export_register(self, fmt: str, path: Path | None = None) -> Task | None:
        return export_in_background(self, self.ws, "certificate-register", LedgerParams(), fmt, path, self._exported)

    # --- teams and stars --------------------------------------------------------------------------
    def _team_write(self, action) -> None:
        try:
            with self.ws.write() as session:
                action(session)
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        self._changed()

    def add_team(self) -> None:
        name = ask_text(self, self.tr("添加队伍"), self.tr("队伍名称"))
        if name is not None:
            self._team_write(lambda s: volunteers.add_team(s, name))

    def rename_team(self) -> None:
        team = _selected(self.teams_view, self.teams)
        if team is None:
            return
        name = ask_text(self, self.tr("改名"), self.tr("新名称"), team.name)
        if name is not None:
            self._team_write(lambda s: volunteers.rename_team(s, team.id, name))

    def delete_team(self) -> None:
        team = _selected(self.teams_view, self.teams)
        if team is not None and messages.confirm(self, self.tr("删除队伍"), self.tr("确定删除「{0}」？").format(team.name),
                                                 self.tr("删除")):
            self._team_write(lambda s: volunteers.delete_team(s, team.id))

    def save_stars(self) -> bool:
        self.star_error.clear()
        try:
            with self.ws.write() as session:
                volunteers.set_star_thresholds(session, self.star_edit.text())
        except ValidationError as err:
            self.star_error.setText(err.problems[0].message)
            return False
        self._changed()
        self.star_error.setText(self.tr("已保存"))
        return True
