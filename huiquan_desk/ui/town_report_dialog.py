"""迎检 → 镇文明办报表…: the monthly report (月报) or the annual data annex (年度数据附表) for the town
civilization office, as PDF (with charts) or Excel (the numbers behind them).

The dialog asks which report (a month, last month by default; or a year, last month's year by
default), which format, then where to save it (ui.export_actions.ask_save_path); the report is
gathered and written off the GUI thread (ui.tasks.Task, services.town_reports.export_town_report,
with its audit entry; closing the dialog meanwhile cancels it first and the dialog goes once the
work has stopped, ui.tasks.hold_close), and the after-export bar under the form opens the file,
its folder or prints it. A period that has not begun is refused in one sentence naming 月份 /
年度, before any file dialog. `TownReportDialog.ask` opens it without blocking (tests drive it
through `export`).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.dates import EARLIEST_YEAR
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import town_reports
from huiquan_desk.services.town_reports import ReportPeriod, TownReport
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import export_actions, messages
from huiquan_desk.ui.after_export import AfterExportBar
from huiquan_desk.ui.task_dialog import TaskDialog
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import fit_window


class TownReportDialog(TaskDialog):
    """Choose 月报 / 年度数据附表, the month or the year and PDF / Excel, then 导出…."""

    FORMATS = (("pdf", "PDF（带图表，可直接打印报送）"), ("xlsx", "Excel（每部分一个工作表，图表背后的数字）"))

    def __init__(self, ws: Workspace, parent: QWidget | None = None, today: date | None = None):
        super().__init__(ws, parent, today)
        self.report: TownReport | None = None  # the last one written
        self.setWindowTitle(self.tr("镇文明办报表"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("报送镇文明办的文明创建工作报表：活动分类和月度统计、志愿者和服务时长、评选表彰、"
                               "档案归档、测评自查档次和尚未完成的整改问题。受表彰家庭只列户主姓名。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        default = town_reports.last_month(self.today)
        self.month_radio = QRadioButton(self.tr("月报"))
        self.year_radio = QRadioButton(self.tr("年度数据附表"))
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.month_radio)
        self.kind_group.addButton(self.year_radio)
        self.month_radio.setChecked(True)
        self.month_edit = QDateEdit(QDate(default.year, default.month or 1, 1))
        self.month_edit.setDisplayFormat("yyyy年M月")
        self.month_edit.setMinimumDate(QDate(EARLIEST_YEAR, 1, 1))
        self.month_edit.setMaximumDate(QDate(self.today.year, self.today.month, 1))
        self.month_edit.setCurrentSection(QDateEdit.Section.MonthSection)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(EARLIEST_YEAR, self.today.year)
        self.year_spin.setValue(default.year)
        self.year_spin.setSuffix(self.tr(" 年度"))
        form = QFormLayout()
        month_row = QHBoxLayout()
        month_row.addWidget(self.month_radio)
        month_row.addWidget(self.month_edit, 1)
        year_row = QHBoxLayout()
        year_row.addWidget(self.year_radio)
        year_row.addWidget(self.year_spin, 1)
        form.addRow(self.tr("报表"), month_row)
        form.addRow("", year_row)
        self.format_combo = QComboBox()
        for key, label in self.FORMATS:
            self.format_combo.addItem(self.tr(label), key)
        form.addRow(self.tr("格式"), self.format_combo)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        self.month_radio.toggled.connect(self._kind_changed)
        self.month_edit.dateChanged.connect(lambda _d: self._kind_changed())
        self.year_spin.valueChanged.connect(lambda _v: self._kind_changed())
        self.after = AfterExportBar(self)
        layout.addWidget(self.after)
        layout.addStretch(1)
        self.add_buttons(layout)
        self._kind_changed()
        fit_window(self, 600, 360)

    # -- choosing -------------------------------------------------------------------------------
    def _kind_changed(self) -> None:
        monthly = self.month_radio.isChecked()
        self.month_edit.setEnabled(monthly)
        self.year_spin.setEnabled(not monthly)
        if monthly:
            text = self.tr("月报：本月各类活动次数（图表）和活动一览、志愿服务时长（按队伍）、评选表彰、档案归档、"
                           "测评自查和整改情况。")
        else:
            text = self.tr("年度数据附表：各月各类活动次数（图表和表格）、各月志愿服务时长、按队伍的服务时长、"
                           "评选表彰、当年档案归档、全年测评自查和整改情况。")
        period = self.period_or_none()
        if period is not None and period.last > self.today:
            text += self.tr("{0}还没有结束，数字统计到今天。").format(period.label)
        self.hint.setText(text)

    def set_year(self, year: int) -> None:
        self.year_radio.setChecked(True)
        self.year_spin.setValue(year)

    def set_format(self, fmt: str) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))

    @property
    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    def period(self) -> ReportPeriod:
        """The period chosen; raises a ValidationError naming 月份 / 年度 for one not begun yet."""
        if self.month_radio.isChecked():
            chosen = self.month_edit.date()
            return town_reports.checked(ReportPeriod("month", chosen.year(), chosen.month()), self.today)
        return town_reports.year_period(self.year_spin.value(), self.today)

    def period_or_none(self) -> ReportPeriod | None:
        try:
            return self.period()
        except HuiquanError:
            return None

    # -- exporting ------------------------------------------------------------------------------
    def refresh_hint(self) -> None:
        self._kind_changed()

    def export(self) -> Task | None:
        """Ask where to save the chosen report, then write it in the background."""
        if self.busy():
            return None
        try:
            period = self.period()
        except HuiquanError as err:
            messages.show_error(self, err)
            return None
        fmt = self.fmt
        title = self.tr("保存{0}（{1}）").format(period.name, period.label)
        path = export_actions.ask_save_path(self, title, town_reports.file_name(period, fmt), fmt)
        if path is None:
            return None
        ws, today = self.ws, self.today

        def work(progress):  # type: ignore[no-untyped-def]
            return town_reports.export_town_report(ws, period, path, fmt, progress, today)

        def done(report: TownReport) -> None:
            self.report = report
            self.after.show_file(path, self.tr("已导出{0}").format(report.title))

        return self.run(self.tr("正在导出{0}（{1}）…").format(period.name, period.label), work, done)


def open_town_report_dialog(window: QWidget) -> TownReportDialog:
    """迎检 → 镇文明办报表（月报 / 年度数据附表）…: the dialog over the main window."""
    return TownReportDialog.ask(window.ws, window)  # type: ignore[attr-defined]
