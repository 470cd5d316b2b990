"""Looking after the archive, for the archive page: the fixity check (档案检测) in the background,
the appraisal and destruction dialog (到期鉴定/销毁, with its 销毁清册), and the hand-over package
(移交包) of a year.

    run_fixity_check(parent, ws, done=None)      Task; the result in a message box
    open_destruction(parent, ws)                 the modal DestructionDialog
    export_package_dialog(parent, ws, year)      folder or zip → Task → result message

Between the program and the user stand module functions that tests replace: `tell` (an
information box), `run_modal` (a dialog's exec), `ask_package_target` (folder or zip) and
`ask_list_format` (PDF or Excel for the 销毁清册); errors go to messages.show_error and
confirmations to messages.confirm, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.archives import RETENTION_LABELS
from huiquan_desk.domain.errors import Cancelled, HuiquanError, ValidationError
from huiquan_desk.services import destruction as svc
from huiquan_desk.services.archive_package import PackageInfo, default_name, export_package
from huiquan_desk.services.fixity import FixityReport, check_archive, problems_text
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.permissions import can_write
from huiquan_desk.services.settings import get_profile
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.export_actions import export_in_background
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import FieldForm, date_edit, fit_window, from_qdate, mark_writes

PACKAGE_KEY = "archive/package_folder"
UNDECIDED = "（未定）"
CHOICES = (UNDECIDED, "销毁", "续存")


# --- the outside world (tests replace these) --------------------------------------------------------
def tell(parent: QWidget | None, title: str, text: str) -> None:
    """An information box. Tests replace this function."""
    QMessageBox.information(parent, title, text)


def run_modal(dialog: QDialog) -> int:
    """Show a dialog and wait for it. Tests replace this function."""
    return dialog.exec()


def ask_package_target(parent: QWidget | None, suggested: str) -> Path | None:
    """Where to write a package: a .zip file name, or (when the user cancels that and picks a folder)
    a new folder `suggested` inside the folder chosen. Tests replace this function."""
    settings = QSettings()
    folder = Path(str(settings.value(PACKAGE_KEY, str(Path.home()))))
    box = QMessageBox(QMessageBox.Icon.Question, "档案移交包", "保存成一个 zip 文件，还是一个文件夹？", parent=parent)
    as_zip = box.addButton("zip 文件…", QMessageBox.ButtonRole.AcceptRole)
    as_folder = box.addButton("文件夹…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is as_zip:
        name, _ = QFileDialog.getSaveFileName(parent, "保存档案移交包", str(folder / f"{suggested}.zip"), "zip (*.zip)")
        if not name:
            return None
        path = Path(name) if name.lower().endswith(".zip") else Path(name + ".zip")
    elif box.clickedButton() is as_folder:
        chosen = QFileDialog.getExistingDirectory(parent, "选择存放移交包的位置（会在其中新建文件夹）", str(folder))
        if not chosen:
            return None
        path = Path(chosen) / suggested
    else:
        return None
    settings.setValue(PACKAGE_KEY, str(path.parent))
    return path


def ask_list_format(parent: QWidget | None, text: str = "保存销毁清册：PDF 还是 Excel？") -> str | None:
    """Whether to save the 销毁清册 as PDF or Excel (None: not now). Tests replace this function."""
    box = QMessageBox(QMessageBox.Icon.Question, "销毁清册", text, parent=parent)
    pdf = box.addButton("保存 PDF…", QMessageBox.ButtonRole.AcceptRole)
    xlsx = box.addButton("保存 Excel…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("以后再说", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return "pdf" if box.clickedButton() is pdf else "xlsx" if box.clickedButton() is xlsx else None


# --- the fixity check -------------------------------------------------------------------------------
def fixity_message(report: FixityReport) -> str:
    """「已检测 123 个档案文件，没有发现问题」, or the problems by 档号 and what to do."""
    if report.ok and not report.extra:
        return f"{report.summary}。"
    return (f"{report.summary}：\n\n{problems_text(report.lines)}\n\n"
            "缺失或被改动的文件请从备份恢复（「备份与恢复」），恢复后再检测一次。多出的文件不影响档案，清空回收站时会一并清理。")


def run_fixity_check(parent: QWidget, ws: Workspace, done: Callable[[FixityReport], None] | None = None) -> Task:
    """Check every archived file in the background (the check is recorded), then say what was found."""
    def work(progress):  # type: ignore[no-untyped-def]
        return check_archive(ws, progress)

    def finished(report: FixityReport) -> None:
        tell(parent, "档案检测", fixity_message(report))
        if done is not None:
            done(report)

    def failed(error: BaseException) -> None:
        if not isinstance(error, Cancelled):
            messages.show_error(parent, error)

    return Task(parent, parent.tr("正在检测档案文件…"), work, finished, failed)


# --- the hand-over package --------------------------------------------------------------------------
def export_package_dialog(parent: QWidget, ws: Workspace, year: int, out: Path | None = None,
                          done: Callable[[PackageInfo], None] | None = None) -> Task | None:
    """Ask where (a folder or a zip), write the package of `year` in the background, say what it holds."""
    with ws.read() as session:
        profile = get_profile(session)
    out = out or ask_package_target(parent, default_name(profile.fonds_code, profile.name, year))
    if out is None:
        return None
    target = out

    def work(progress):  # type: ignore[no-untyped-def]
        return export_package(ws, year, target, progress)

    def finished(info: PackageInfo) -> None:
        tell(parent, "档案移交包", f"已导出{info.summary}。\n保存在 {info.path}\n\n"
             "接收方可以用 manifest.json / manifest-sha256.txt 中的 SHA-256 校验值核对每个文件"
             "（惠泉台账：huiquan-desk archive verify-package）。")
        if done is not None:
            done(info)

    def failed(error: BaseException) -> None:
        if not isinstance(error, Cancelled):
            messages.show_error(parent, error)

    return Task(parent, parent.tr("正在导出{0}年度档案移交包…").format(year), work, finished, failed)


# --- appraisal and destruction ----------------------------------------------------------------------
def open_destruction(parent: QWidget, ws: Workspace) -> None:
    """The 到期鉴定/销毁 dialog, modal; the caller reloads its page afterwards."""
    dialog = DestructionDialog(ws, parent)
    run_modal(dialog)


class DestructionDialog(QDialog):
    """Choose 到期年度, see the due items, name the group (members and resident representatives),
    decide per item 销毁 / 续存 (reason, 续存至), save the progress, 完成鉴定 (confirmed), and save
    the 销毁清册 of this round or an earlier one."""

    COLUMNS = ("档号", "题名", "保管期限", "期满年度", "页数", "鉴定意见", "理由", "续存至")

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.round_id: int | None = None
        self.items: list = []  # services.archives.ItemRow of the table, in order
        self.task: Task | None = None
        self.setWindowTitle(self.tr("到期鉴定与销毁"))
        this_year = date.today().year
        layout = QVBoxLayout(self)

        intro = QLabel(self.tr("保管期限届满的档案须经鉴定小组（必须有居民代表参加）逐件鉴定：无保存价值的销毁（删除其电子文件，"
                               "目录中保留记录并标注已销毁），仍有价值的续存到以后某年。完成鉴定后，本次鉴定和销毁清册永久保存。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("到期年度：")))
        self.year = QSpinBox()
        self.year.setRange(1949, this_year)
        self.year.setValue(this_year)
        self.year.setSuffix(self.tr(" 年底前期满"))
        self.year.valueChanged.connect(lambda _v: self.load_items())
        top.addWidget(self.year)
        self.state = QLabel()
        top.addWidget(self.state, 1)
        self.all_destroy = QPushButton(self.tr("未定的全部设为销毁"))
        self.all_destroy.clicked.connect(self.destroy_undecided)
        top.addWidget(self.all_destroy)
        layout.addLayout(top)

        middle = QHBoxLayout()
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 170), (2, 70), (3, 64), (4, 44), (5, 84), (6, 170), (7, 84)):
            self.table.setColumnWidth(column, width)
        middle.addWidget(self.table, 1)

        side = QWidget()
        side.setMaximumWidth(320)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.form = FieldForm()
        side_layout.addLayout(self.form)
        side_layout.addStretch(1)
        self.members = QPlainTextEdit()
        self.members.setPlaceholderText(self.tr("每行一人，如：王堃（社区书记）"))
        self.members.setMaximumHeight(90)
        self.residents = QPlainTextEdit()
        self.residents.setPlaceholderText(self.tr("每行一人"))
        self.residents.setMaximumHeight(70)
        self.remarks = QLineEdit()
        self.decided_on = date_edit(date.today())
        self.form.add(svc.LABELS["members"], self.members, required=True)
        self.form.add(svc.LABELS["residents"], self.residents, required=True)
        self.form.add(svc.LABELS["remarks"], self.remarks)
        self.form.add(svc.LABELS["decided_on"], self.decided_on, required=True)
        middle.addWidget(side)
        layout.addLayout(middle, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.rounds = QComboBox()
        self.rounds.setToolTip(self.tr("已完成的鉴定，可以再次保存其销毁清册"))
        self.save_list_button = QPushButton(self.tr("保存销毁清册…"))
        self.save_list_button.clicked.connect(self.save_chosen_list)
        buttons.addWidget(QLabel(self.tr("历次鉴定：")))
        buttons.addWidget(self.rounds, 1)
        buttons.addWidget(self.save_list_button)
        buttons.addSpacing(16)
        self.cancel_round_button = QPushButton(self.tr("放弃本次鉴定"))
        self.cancel_round_button.clicked.connect(self.give_up)
        self.save_button = QPushButton(self.tr("保存进度"))
        self.save_button.clicked.connect(self.save)
        self.finish_button = QPushButton(self.tr("完成鉴定…"))
        self.finish_button.setObjectName("primary")
        self.finish_button.clicked.connect(self.finish)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        for button in (self.cancel_round_button, self.save_button, self.finish_button):
            mark_writes(button)
            buttons.addWidget(button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        fit_window(self, 1180, 680)  # the sizing rule (ui.widgets): fits 1280×720; the table gives up height first
        self.reload()

    # -- loading ------------------------------------------------------------------------------------
    def reload(self) -> None:
        """The open round if there is one (its year, group and decisions), else the chosen year's due items."""
        with self.ws.read() as session:
            self.round_id = svc.open_round(session)
            detail = svc.get_round(session, self.round_id) if self.round_id is not None else None
            finished = [r for r in svc.list_rounds(session) if r.finished]
        self.rounds.clear()
        for r in finished:
            self.rounds.addItem(f"#{r.id} {r.label}：销毁 {r.destroyed} 件，续存 {r.kept} 件", r.id)
        self.save_list_button.setEnabled(bool(finished))
        self.rounds.setEnabled(bool(finished))
        if detail is not None:
            self.year.blockSignals(True)
            self.year.setValue(detail.row.due_year)
            self.year.blockSignals(False)
            self.year.setEnabled(False)
            self.members.setPlainText("\n".join(detail.row.members))
            self.residents.setPlainText("\n".join(detail.row.residents))
            self.remarks.setText(detail.row.remarks)
        else:
            self.year.setEnabled(True)
        self.cancel_round_button.setEnabled(detail is not None and can_write(self.ws.role))
        self.load_items({d.item_id: d for d in detail.decisions} if detail else {})

    def load_items(self, decisions: dict | None = None) -> None:
        with self.ws.read() as session:
            self.items = svc.due_items(session, self.year.value())
        decisions = decisions or {}
        this_year = date.today().year
        self.table.setRowCount(0)  # the old rows' widgets go with them
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            values = (item.code, item.shown_title, RETENTION_LABELS.get(item.retention, item.retention),
                      str(item.expiry_year or ""), str(item.pages))
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                if column in (2, 3, 4):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, cell)
            decided = decisions.get(item.id)
            choice = QComboBox()
            choice.addItems([self.tr(c) for c in CHOICES])
            reason = QLineEdit()
            reason.setPlaceholderText(self.tr("续存必须写理由"))
            keep = QSpinBox()
            keep.setRange(this_year + 1, this_year + svc.MAX_KEEP_YEARS)
            keep.setValue(this_year + 10)
            if decided is not None:
                choice.setCurrentIndex(1 if decided.decision == svc.DESTROY else 2)
                reason.setText(decided.reason)
                if decided.keep_until:
                    keep.setValue(decided.keep_until)
            keep.setEnabled(choice.currentIndex() == 2)
            choice.currentIndexChanged.connect(lambda index, box=keep: box.setEnabled(index == 2))
            choice.currentIndexChanged.connect(lambda _i: self._count())
            self.table.setCellWidget(row, 5, choice)
            self.table.setCellWidget(row, 6, reason)
            self.table.setCellWidget(row, 7, keep)
        self._count()

    def _choice(self, row: int) -> tuple[QComboBox, QLineEdit, QSpinBox]:
        return self.table.cellWidget(row, 5), self.table.cellWidget(row, 6), self.table.cellWidget(row, 7)  # type: ignore[return-value]

    def set_decision(self, row: int, decision: str, reason: str = "", keep_until: int | None = None) -> None:
        """Fill one row as the user would: 销毁 / 续存 / （未定）."""
        choice, reason_edit, keep = self._choice(row)
        choice.setCurrentIndex(CHOICES.index(decision))
        reason_edit.setText(reason)
        if keep_until is not None:
            keep.setValue(keep_until)

    def _count(self) -> None:
        chosen = [self._choice(r)[0].currentIndex() for r in range(self.table.rowCount())]
        destroy, keep = chosen.count(1), chosen.count(2)
        waiting = len(chosen) - destroy - keep
        state = self.tr("进行中的鉴定") if self.round_id is not None else self.tr("尚未开始鉴定")
        if not self.items:
            self.state.setText(self.tr("没有 {0} 年底前保管期限届满的档案。").format(self.year.value()))
        else:
            self.state.setText(self.tr("{0}：到期 {1} 件，销毁 {2} 件，续存 {3} 件，未定 {4} 件").format(
                state, len(chosen), destroy, keep, waiting))
        writes = can_write(self.ws.role) and bool(self.items)
        self.save_button.setEnabled(writes)
        self.finish_button.setEnabled(writes)
        self.all_destroy.setEnabled(writes and waiting > 0)

    def destroy_undecided(self) -> None:
        for row in range(self.table.rowCount()):
            choice = self._choice(row)[0]
            if choice.currentIndex() == 0:
                choice.setCurrentIndex(1)

    # -- writing ------------------------------------------------------------------------------------
    def _write(self, session) -> int:  # type: ignore[no-untyped-def]
        """The group and every decision of the table, into the open round (started if need be)."""
        members, residents = self.members.toPlainText(), self.residents.toPlainText()
        if self.round_id is None:
            round_id = svc.start_round(session, self.year.value(), members, residents, self.remarks.text())
        else:
            round_id = self.round_id
            svc.update_group(session, round_id, members, residents, self.remarks.text())
        for row, item in enumerate(self.items):
            choice, reason, keep = self._choice(row)
            if choice.currentIndex() == 0:
                svc.undecide(session, round_id, item.id)
            else:
                decision = svc.DESTROY if choice.currentIndex() == 1 else svc.KEEP
                svc.decide(session, round_id, item.id, decision, reason.text(),
                           keep.value() if decision == svc.KEEP else None)
        return round_id

    def _run(self, action: Callable, done: Callable[[object], None]) -> bool:  # type: ignore[type-arg]
        self.form.clear_errors()
        try:
            with self.ws.write() as session:
                result = action(session)
        except ValidationError as err:
            messages.place_problems(self, self.form, err)
            return False
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        done(result)
        return True

    def save(self) -> bool:
        """保存进度: the group and the decisions so far (the round starts with the first save)."""
        def saved(round_id: object) -> None:
            self.status.setText(self.tr("已保存鉴定进度。"))
            self.reload()

        return self._run(self._write, saved)

    def finish(self) -> bool:
        """完成鉴定: save, confirm, finish (one transaction); then offer the 销毁清册."""
        chosen = [self._choice(r)[0].currentIndex() for r in range(self.table.rowCount())]
        if 0 in chosen:
            waiting = [self.items[r].code for r, c in enumerate(chosen) if c == 0]
            messages.show_error(self, ValidationError.single(
                svc.LABELS["decision"], f"还有 {len(waiting)} 件没有鉴定意见：{'、'.join(waiting[:10])}"))
            return False
        destroy, keep = chosen.count(1), chosen.count(2)
        if not messages.confirm(self, self.tr("完成鉴定"), self.tr(
                "将销毁 {0} 件档案（删除其电子文件，目录中保留记录并标注已销毁），续存 {1} 件。\n"
                "完成后本次鉴定和销毁清册永久保存，不能再修改。确定完成鉴定吗？").format(destroy, keep),
                ok=self.tr("完成鉴定")):
            return False
        decided_on = from_qdate(self.decided_on.date())
        files = self.ws.files

        def work(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
            round_id = self._write(session)
            return round_id, len(svc.finish_round(session, files, round_id, decided_on))

        def finished(result: object) -> None:
            round_id, removed = result  # type: ignore[misc]
            self.status.setText(self.tr("鉴定已完成：销毁 {0} 件，续存 {1} 件，删除电子文件 {2} 个。").format(
                destroy, keep, removed))
            self.round_id = None
            self.reload()
            fmt = ask_list_format(self, self.tr("鉴定已完成。现在保存销毁清册吗？（以后也可以在本窗口「历次鉴定」中保存）"))
            if fmt is not None:
                self.task = self.save_list(round_id, fmt)

        return self._run(work, finished)

    def give_up(self) -> None:
        if self.round_id is None:
            return
        if not messages.confirm(self, self.tr("放弃本次鉴定"), self.tr("放弃后，已填写的鉴定小组和鉴定意见都会删除（档案不受影响）。确定吗？"),
                                ok=self.tr("放弃")):
            return
        round_id = self.round_id
        self._run(lambda session: svc.cancel_round(session, round_id), lambda _r: self.reload())

    # -- the 销毁清册 --------------------------------------------------------------------------------
    def save_list(self, round_id: int, fmt: str) -> Task | None:
        def exported(count: int, path: Path) -> None:
            self.status.setText(self.tr("已保存销毁清册（{0} 件）：{1}").format(count, path))

        return export_in_background(self, self.ws, "destruction-list", LedgerParams(round_id=round_id), fmt,
                                    done=exported)

    def save_chosen_list(self) -> None:
        round_id = self.rounds.currentData()
        fmt = ask_list_format(self) if round_id is not None else None
        if fmt is not None:
            self.task = self.save_list(int(round_id), fmt)
