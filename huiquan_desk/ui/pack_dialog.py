"""迎检 → 导出迎检资料包…: one zip with everything an inspector asks to see for a period
(services.inspection_pack).

The dialog asks for the period — 本年 (1 January to today, the default), 上一年, or 自定义 from–to —
then where to save the zip (`ask_pack_path`, a save dialog starting in the last export folder;
tests replace it). The pack is built off the GUI thread (ui.tasks.Task: the progress dialog after
half a second, 取消 leaves no file), with its audit entry; closing the dialog meanwhile cancels
it first (ui.tasks.hold_close: the dialog goes once the work has stopped). At the end the
after-export bar under the form says what went in (and what was left out, or which photo files
were missing) with 打开 / 打开所在文件夹. 「核对资料包…」 re-hashes a pack against its manifest in the background and says
what is missing, changed or added. A period that ends before it starts is refused naming 时间范围,
before any file dialog. `PackDialog.ask` opens it without blocking; tests drive `export`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import inspection_pack
from huiquan_desk.services.inspection_pack import PackCheck, PackReport
from huiquan_desk.services.settings import get_profile
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.after_export import AfterExportBar
from huiquan_desk.ui.task_dialog import TaskDialog
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import date_edit, fit_window, from_qdate, to_qdate

FOLDER_KEY = "export/folder"  # the folder every save dialog starts in (ui.export_actions)
ZIP_FILTER = "zip (*.zip)"
SHOWN_NOTES = 5  # left-out parts and missing photos named in the bar; the count says the rest


# --- the outside world (tests replace these) --------------------------------------------------------
def ask_pack_path(parent: QWidget | None, suggested_name: str) -> Path | None:
    """The save dialog for the pack's zip, starting in the last export folder. Tests replace this."""
    settings = QSettings()
    folder = Path(str(settings.value(FOLDER_KEY, str(Path.home()))))
    name, _ = QFileDialog.getSaveFileName(parent, "保存迎检资料包", str(folder / suggested_name), ZIP_FILTER)
    if not name:
        return None
    path = Path(name) if name.lower().endswith(".zip") else Path(name + ".zip")
    settings.setValue(FOLDER_KEY, str(path.parent))
    return path


def ask_pack_to_verify(parent: QWidget | None) -> Path | None:
    """The open dialog for a pack to check. Tests replace this."""
    folder = str(QSettings().value(FOLDER_KEY, str(Path.home())))
    name, _ = QFileDialog.getOpenFileName(parent, "选择要核对的迎检资料包", folder, ZIP_FILTER)
    return Path(name) if name else None


def tell(parent: QWidget | None, title: str, text: str, problem: bool = False) -> None:
    """A message box with the result of a check. Tests replace this."""
    if problem:
        QMessageBox.warning(parent, title, text)
    else:
        QMessageBox.information(parent, title, text)


def check_text(check: PackCheck) -> str:
    if check.ok:
        return inspection_pack.pack_summary(check)
    lines = check.lines()
    shown = "\n".join(f"· {line}" for line in lines[:20])
    more = f"\n……另有 {len(lines) - 20} 个问题" if len(lines) > 20 else ""
    return f"资料包与清单不一致，发现 {len(lines)} 个问题：\n{shown}{more}\n\n请重新导出迎检资料包。"


class PackDialog(TaskDialog):
    """Choose the period (本年 / 上一年 / 自定义), then 导出… — or 核对资料包…."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None, today: date | None = None):
        super().__init__(ws, parent, today)
        self.report: PackReport | None = None  # the last pack written
        self.check: PackCheck | None = None  # the last pack checked
        self.setWindowTitle(self.tr("导出迎检资料包"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("把一个时段的迎检资料打成一个 zip 文件：封面和目录、年度计划和责任分解表、活动台账和图片记录、"
                               "志愿者花名册（身份证号和电话已隐去中间部分）和服务记录、文明家庭台账和公示、归档文件目录、"
                               "整改台账（含整改前后照片）、测评自查表，以及按类别和活动存放的照片（附说明，已去除拍摄位置），"
                               "另附每个文件的 SHA-256 校验清单。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.this_year = QRadioButton(self.tr("本年（{0}年1月1日至今天）").format(self.today.year))
        self.last_year = QRadioButton(self.tr("上一年（{0}年度）").format(self.today.year - 1))
        self.custom = QRadioButton(self.tr("自定义"))
        self.choice = QButtonGroup(self)
        for button in (self.this_year, self.last_year, self.custom):
            self.choice.addButton(button)
        self.this_year.setChecked(True)
        self.from_edit = date_edit(date(self.today.year, 1, 1))
        self.to_edit = date_edit(self.today)
        form = QFormLayout()
        form.addRow(self.tr("时段"), self.this_year)
        form.addRow("", self.last_year)
        custom_row = QHBoxLayout()
        custom_row.addWidget(self.custom)
        custom_row.addWidget(self.from_edit)
        custom_row.addWidget(QLabel(self.tr("至")))
        custom_row.addWidget(self.to_edit)
        custom_row.addStretch(1)
        form.addRow("", custom_row)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        for button in (self.this_year, self.last_year, self.custom):
            button.toggled.connect(lambda _on: self._changed())
        self.from_edit.dateChanged.connect(lambda _d: self._changed())
        self.to_edit.dateChanged.connect(lambda _d: self._changed())
        self.after = AfterExportBar(self)
        layout.addWidget(self.after)
        layout.addStretch(1)
        self.verify_button = QPushButton(self.tr("核对资料包…"))
        self.verify_button.setToolTip(self.tr("按清单核对一个迎检资料包：缺少、改动或多出的文件"))
        self.verify_button.clicked.connect(lambda: self.verify())
        self.add_buttons(layout, self.verify_button)
        self._changed()
        fit_window(self, 620, 380)

    # -- choosing -------------------------------------------------------------------------------
    def set_period(self, date_from: date, date_to: date) -> None:
        """自定义 from–to."""
        self.custom.setChecked(True)
        self.from_edit.setDate(to_qdate(date_from))
        self.to_edit.setDate(to_qdate(date_to))

    def chosen(self) -> tuple[date, date]:
        if self.this_year.isChecked():
            return inspection_pack.default_period(self.today)
        if self.last_year.isChecked():
            year = self.today.year - 1
            return date(year, 1, 1), date(year, 12, 31)
        return from_qdate(self.from_edit.date()), from_qdate(self.to_edit.date())

    def period(self) -> tuple[date, date]:
        """The period chosen; a ValidationError naming 时间范围 when it ends before it starts."""
        return inspection_pack.check_period(*self.chosen())

    def _changed(self) -> None:
        custom = self.custom.isChecked()
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        try:
            start, end = self.period()
        except HuiquanError as err:
            self.hint.setText(str(err))
            return
        self.hint.setText(self.tr("资料时段：{0} 至 {1}。含居民姓名和照片：导出记入操作日志。")
                          .format(start.isoformat(), end.isoformat()))

    # -- exporting ------------------------------------------------------------------------------
    def refresh_hint(self) -> None:
        self._changed()

    def export(self) -> Task | None:
        """Ask where to save the pack of the chosen period, then build it in the background."""
        if self.busy():
            return None
        try:
            start, end = self.period()
            with self.ws.read() as session:
                community = get_profile(session).name
        except HuiquanError as err:
            messages.show_error(self, err)
            return None
        path = ask_pack_path(self, inspection_pack.suggested_name(community, start, end))
        if path is None:
            return None
        ws = self.ws

        def work(progress):  # type: ignore[no-untyped-def]
            return inspection_pack.export_pack(ws, start, end, path, progress)

        def done(report: PackReport) -> None:
            self.report = report
            self.after.show_file(path, self._done_text(report))

        return self.run(self.tr("正在导出迎检资料包（{0} 至 {1}）…").format(start.isoformat(), end.isoformat()),
                        work, done)

    def _done_text(self, report: PackReport) -> str:
        notes = [self.tr("未收入：{0}").format(line) for line in report.left_out]
        notes += [self.tr("照片文件缺失：{0}").format(line) for line in report.missing]
        text = self.tr("已导出{0}").format(report.summary)
        if notes:
            text += "\n" + "\n".join(notes[:SHOWN_NOTES])
            if len(notes) > SHOWN_NOTES:
                text += "\n" + self.tr("……另有 {0} 条").format(len(notes) - SHOWN_NOTES)
        return text

    def verify(self, path: Path | None = None) -> Task | None:
        """Check a pack against its manifest in the background and say what was found."""
        if self.busy():
            return None
        path = path or ask_pack_to_verify(self)
        if path is None:
            return None
        target = path

        def work(progress):  # type: ignore[no-untyped-def]
            return inspection_pack.verify_pack(target, progress)

        def done(check: PackCheck) -> None:
            self.check = check
            tell(self, self.tr("核对迎检资料包"), check_text(check), problem=not check.ok)

        return self.run(self.tr("正在核对迎检资料包…"), work, done)


def open_pack_dialog(window: QWidget) -> PackDialog:
    """迎检 → 导出迎检资料包…: the dialog over the main window."""
    return PackDialog.ask(window.ws, window)  # type: ignore[attr-defined]
