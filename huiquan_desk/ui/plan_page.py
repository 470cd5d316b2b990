"""年度计划: the year's civilization-creation plan (年度文明创建工作计划) and its 责任分解.

A year is chosen at the top; a year without a plan shows one clear button, 「按模板生成本年度计划」.
With a plan: its title, its phases with their dates, and a tree of the sections (一、…) and their
tasks ((一)…) with 责任领导, 责任人, 完成时限, 阶段, 目标, 进度 (from the linked records) and 状态,
overdue tasks in red. Sections and tasks are added, edited, removed and moved up and down; the
records linked to the selected task are listed under the tree (double-click opens the record on its
own page) and 「关联记录…」 links or unlinks the year's activities, campaigns and archive items.
The plan prints as PDF or Excel (plan + 责任分解表), the 责任分解表 alone through the ledger registry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.dates import iso_date
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import plan_links, plan_prints, plans
from huiquan_desk.services.ledgers import LEDGERS, LedgerParams
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.after_export import AfterExportBar
from huiquan_desk.ui.export_actions import ask_save_path, export_in_background
from huiquan_desk.ui.plan_dialogs import LinkDialog, PhasesDialog, PlanDialog, PlanTaskDialog, SectionDialog
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import EmptyHint, mark_writes, read_only_table

KIND = Qt.ItemDataRole.UserRole  # "section" / "task"
ID = Qt.ItemDataRole.UserRole + 1
OVERDUE = QColor("#c0392b")
COLUMNS = (("工作板块 / 工作任务", 330), ("责任领导", 66), ("责任人", 66), ("完成时限", 88), ("阶段", 70),
           ("目标", 170), ("进度", 175), ("状态", 90))


class PlanPage(QWidget):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.detail: plans.PlanDetail | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度：")))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.valueChanged.connect(lambda _v: self.reload())
        top.addWidget(self.year)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        top.addWidget(self.title, 1)
        self.edit_plan_button = self._button("修改计划…", self.edit_plan, writes=True)
        self.phases_button = self._button("工作阶段…", self.edit_phases, writes=True)
        top.addWidget(self.edit_plan_button)
        top.addWidget(self.phases_button)
        layout.addLayout(top)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_part())
        self.stack.addWidget(self._plan_part())
        layout.addWidget(self.stack, 1)
        self.after_export = AfterExportBar()
        layout.addWidget(self.after_export)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.reload()

    def _button(self, text: str, slot: Callable[[], object], writes: bool = False, primary: bool = False) -> QPushButton:
        button = QPushButton(self.tr(text))
        button.clicked.connect(lambda _=False: slot())
        if writes:
            mark_writes(button)
        if primary:
            button.setObjectName("primary")
        return button

    def _empty_part(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.empty_text = QLabel()
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        layout.addWidget(self.empty_text)
        self.generate_button = self._button("按模板生成本年度计划", self.generate, writes=True, primary=True)
        self.generate_button.setMinimumHeight(40)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.generate_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return page

    def _plan_part(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.phases_label = QLabel()
        self.phases_label.setWordWrap(True)
        layout.addWidget(self.phases_label)
        bar = QHBoxLayout()
        for text, slot in (("新增板块…", self.add_section), ("新增任务…", self.add_task), ("修改…", self.edit_selected),
                           ("删除", self.remove_selected), ("上移", lambda: self.move_selected(-1)),
                           ("下移", lambda: self.move_selected(1)), ("关联记录…", self.link_records)):
            bar.addWidget(self._button(text, slot, writes=True))
        bar.addStretch(1)
        self.overdue_label = QLabel()
        self.overdue_label.setStyleSheet(f"color: {OVERDUE.name()};")
        bar.addWidget(self.overdue_label)
        layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels([self.tr(h) for h, _w in COLUMNS])
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setUniformRowHeights(True)
        for column, (_h, width) in enumerate(COLUMNS):
            self.tree.setColumnWidth(column, width)
        self.tree.selectionModel().currentRowChanged.connect(lambda *_: self.show_links())
        self.tree.doubleClicked.connect(lambda _i: self.edit_selected())
        splitter.addWidget(self.tree)
        links = QWidget()
        links_layout = QVBoxLayout(links)
        links_layout.setContentsMargins(0, 0, 0, 0)
        self.links_label = QLabel()
        links_layout.addWidget(self.links_label)
        self.links = RowsModel([
            Col(self.tr("类型"), lambda r: r.record.kind, "center", width=70),
            Col(self.tr("日期"), lambda r: iso_date(r.record.day), "center", width=96),
            Col(self.tr("名称"), lambda r: r.record.title, width=420),
            Col(self.tr("状态"), lambda r: r.record.state, width=180),
            Col(self.tr("完成"), lambda r: "✓" if r.record.done else "", "center", width=50),
        ], self)
        self.links_view = read_only_table(self.links)
        self.links_view.doubleClicked.connect(lambda index: self.open_link(index.row()))
        self.links_hint = EmptyHint(self.links_view, self.tr("这项任务还没有关联记录。\n点「关联记录…」选择本年度的活动、评选或归档文件。"))
        links_layout.addWidget(self.links_view, 1)
        splitter.addWidget(links)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 140])
        layout.addWidget(splitter, 1)
        prints = QHBoxLayout()
        prints.addWidget(QLabel(self.tr("导出：")))
        prints.addWidget(self._button("计划 PDF…", lambda: self.export_plan("pdf")))
        prints.addWidget(self._button("计划 Excel…", lambda: self.export_plan("xlsx")))
        prints.addWidget(self._button("责任分解表 PDF…", lambda: self.export_responsibilities("pdf")))
        prints.addWidget(self._button("责任分解表 Excel…", lambda: self.export_responsibilities("xlsx")))
        prints.addStretch(1)
        layout.addLayout(prints)
        return page

    # --- loading ----------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the chosen year's plan and show it, keeping the selection."""
        kept = self.selected()
        year = self.year.value()
        with self.ws.read() as session:
            self.detail = plans.get_plan(session, year)
        has = self.detail is not None
        self.stack.setCurrentIndex(1 if has else 0)
        for button in (self.edit_plan_button, self.phases_button):  # a plan's buttons: only with a plan
            button.setVisible(has)
            button.setEnabled(self._may_write())
        if self.detail is None:
            self.title.setText(self.tr("{0} 年度还没有工作计划").format(year))
            self.empty_text.setText(self.tr(
                "{0} 年度还没有文明创建工作计划。\n按「惠泉社区文明创建工作计划」的五个部分生成：工作板块、工作任务、"
                "工作标准、完成时限、阶段、目标和默认的责任岗位，生成后可以逐项修改。").format(year))
            self.model.removeRows(0, self.model.rowCount())
            return
        self.title.setText(self.detail.title)
        self.phases_label.setText(self.tr("工作阶段：") + "    ".join(
            f"{p.name} {p.date_from:%m-%d} 至 {p.date_to:%m-%d}" for p in self.detail.phases))
        self._fill_tree()
        if kept is not None:
            self.select(*kept)
        self.show_links()

    def _may_write(self) -> bool:
        from huiquan_desk.services.permissions import can_write

        return can_write(self.ws.role)

    def _fill_tree(self) -> None:
        assert self.detail is not None
        self.model.removeRows(0, self.model.rowCount())
        bold = QFont()
        bold.setBold(True)
        overdue = 0
        for section in self.detail.sections:
            head = QStandardItem(f"{section.number}{section.title}")
            head.setData("section", KIND)
            head.setData(section.id, ID)
            head.setFont(bold)
            head.setToolTip(section.intro)
            row = [head] + [QStandardItem("") for _ in COLUMNS[1:]]
            for task in section.tasks:
                cells = [f"{task.number}{task.title}", task.lead, task.owner, iso_date(task.due), task.phase_name,
                         task.target_text, task.progress.text, task.status_label]
                if task.overdue and task.due is not None:
                    cells[-1] = self.tr("{0}，已逾期 {1} 天").format(task.status_label, (date.today() - task.due).days)
                    overdue += 1
                items = [QStandardItem(text) for text in cells]
                items[0].setData("task", KIND)
                items[0].setData(task.id, ID)
                items[0].setToolTip(task.standard)
                if task.overdue:
                    for item in items:
                        item.setForeground(QBrush(OVERDUE))
                head.appendRow(items)
            self.model.appendRow(row)
        self.tree.expandAll()
        self.overdue_label.setText(self.tr("逾期未完成 {0} 项").format(overdue) if overdue else "")

    # --- selection --------------------------------------------------------------------------------
    def selected(self) -> tuple[str, int] | None:
        """("section" | "task", id) of the current row, or None."""
        index = self.tree.currentIndex() if hasattr(self, "tree") else None
        if index is None or not index.isValid():
            return None
        first = index.siblingAtColumn(0)
        return str(first.data(KIND)), int(first.data(ID))

    def select(self, kind: str, item_id: int) -> bool:
        for row in range(self.model.rowCount()):
            head = self.model.item(row, 0)
            if kind == "section" and head.data(ID) == item_id:
                self.tree.setCurrentIndex(head.index())
                return True
            for child in range(head.rowCount()):
                item = head.child(child, 0)
                if kind == "task" and item.data(ID) == item_id:
                    self.tree.setCurrentIndex(item.index())
                    self.tree.scrollTo(item.index())
                    return True
        return False

    def selected_task(self) -> plans.TaskRow | None:
        chosen = self.selected()
        if self.detail is None or chosen is None or chosen[0] != "task":
            return None
        return next((t for t in self.detail.tasks if t.id == chosen[1]), None)

    def selected_section(self) -> plans.SectionRow | None:
        """The section of the current row (a section, or the one a selected task is in)."""
        chosen = self.selected()
        if self.detail is None or chosen is None:
            return None
        if chosen[0] == "task":
            task = self.selected_task()
            chosen = ("section", task.section_id) if task else chosen
        return next((s for s in self.detail.sections if s.id == chosen[1]), None)

    def show_links(self) -> None:
        task = self.selected_task()
        if task is None:
            self.links.set_rows([])
            self.links_label.setText(self.tr("选中一项任务，这里列出关联到它的记录（双击打开）。"))
            return
        with self.ws.read() as session:
            rows = plan_links.task_links(session, task.id)
        self.links.set_rows(rows)
        self.links_label.setText(self.tr("「{0}{1}」的关联记录：{2} 条，进度 {3}（双击打开记录）").format(
            task.number, task.title, len(rows), task.progress.text))

    def open_link(self, row: int) -> bool:
        link = self.links.row(row)
        shower = getattr(self.window(), "show_record", None)
        return bool(shower(link.record.table, link.record.id)) if shower is not None else False

    def show_record(self, table: str, record_id: int) -> bool:
        """Select the task `record_id` (table plan_tasks) in its year's plan."""
        if table != "plan_tasks":
            return False
        try:
            with self.ws.read() as session:
                year = plans.year_of_task(session, record_id)
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        if self.year.value() != year:
            self.year.setValue(year)  # reloads
        else:
            self.reload()
        return self.select("task", record_id)

    # --- actions ----------------------------------------------------------------------------------
    def _write(self, action: Callable[..., object], done: str) -> bool:
        try:
            with self.ws.write() as session:
                action(session)
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self.status.setText(done)
        self.reload()
        return True

    def generate(self) -> bool:
        year = self.year.value()
        return self._write(lambda s: plans.create_plan(s, year),
                           self.tr("已按模板生成 {0} 年度工作计划：请把各项任务的责任领导、责任人改为具体姓名。").format(year))

    def edit_plan(self) -> None:
        if self.detail is not None and PlanDialog.ask(self.ws, self.detail, self):
            self.status.setText(self.tr("已保存计划名称和说明。"))
            self.reload()

    def edit_phases(self) -> None:
        if self.detail is not None and PhasesDialog.ask(self.ws, self.detail, self):
            self.status.setText(self.tr("已保存工作阶段。"))
            self.reload()

    def add_section(self) -> None:
        if self.detail is None:
            return
        section_id = SectionDialog.ask(self.ws, self.detail.id, None, self)
        if section_id is not None:
            self.status.setText(self.tr("已新增工作板块。"))
            self.reload()
            self.select("section", section_id)

    def add_task(self) -> None:
        section = self.selected_section()
        if self.detail is None:
            return
        if section is None:
            section = self.detail.sections[0] if self.detail.sections else None
        if section is None:
            self.status.setText(self.tr("请先新增一个工作板块。"))
            return
        task_id = PlanTaskDialog.ask(self.ws, self.detail, section.id, None, self)
        if task_id is not None:
            self.status.setText(self.tr("已新增工作任务。"))
            self.reload()
            self.select("task", task_id)

    def edit_selected(self) -> None:
        chosen = self.selected()
        if self.detail is None or chosen is None:
            self.status.setText(self.tr("请先选中一个工作板块或一项任务。"))
            return
        if chosen[0] == "task":
            task = self.selected_task()
            if task is not None and PlanTaskDialog.ask(self.ws, self.detail, task.section_id, task, self) is not None:
                self.status.setText(self.tr("已保存「{0}」。").format(task.title))
                self.reload()
        else:
            section = self.selected_section()
            if section is not None and SectionDialog.ask(self.ws, self.detail.id, section, self) is not None:
                self.status.setText(self.tr("已保存工作板块。"))
                self.reload()

    def remove_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.status.setText(self.tr("请先选中一个工作板块或一项任务。"))
            return
        if chosen[0] == "task":
            task = self.selected_task()
            if task is None or not messages.confirm(self, self.tr("删除任务"), self.tr(
                    "删除任务「{0}」？关联的 {1} 条记录仍保留在各自的台账中。").format(task.title, task.links), self.tr("删除")):
                return
            self._write(lambda s: plans.remove_task(s, task.id), self.tr("已删除任务「{0}」。").format(task.title))
            return
        section = self.selected_section()
        if section is None or not messages.confirm(self, self.tr("删除工作板块"), self.tr(
                "删除工作板块「{0}」及其 {1} 项任务？").format(section.title, len(section.tasks)), self.tr("删除")):
            return
        self._write(lambda s: plans.remove_section(s, section.id), self.tr("已删除工作板块「{0}」。").format(section.title))

    def move_selected(self, delta: int) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        kind, item_id = chosen
        mover = plans.move_task if kind == "task" else plans.move_section
        if self._write(lambda s: mover(s, item_id, delta), self.tr("已调整顺序。")):
            self.select(kind, item_id)

    def link_records(self) -> None:
        task = self.selected_task()
        if task is None or self.detail is None:
            self.status.setText(self.tr("请先选中一项任务，再关联记录。"))
            return
        if LinkDialog.ask(self.ws, task, self.detail.year, self):
            self.reload()
            self.status.setText(self.tr("已更新「{0}」的关联记录。").format(task.title))

    # --- prints -----------------------------------------------------------------------------------
    def _exported(self, what: str) -> Callable[[object, Path], None]:
        def done(_result: object, path: Path) -> None:
            text = self.tr("已导出{0}：{1}").format(what, path.name)
            self.status.setText(text)
            self.after_export.show_file(path, text)
        return done

    def export_plan(self, fmt: str) -> Task | None:
        if self.detail is None:
            return None
        year = self.detail.year
        what = self.tr("{0}年度文明创建工作计划").format(year)
        path = ask_save_path(self, what, plan_prints.plan_file_name(year, fmt), fmt)
        if path is None:
            return None

        ws = self.ws  # the worker never touches the page

        def work(_progress):  # type: ignore[no-untyped-def]
            with ws.read() as session:
                return plan_prints.export_plan(session, year, path, fmt)

        return Task(self, self.tr("正在导出{0}…").format(what), work,
                    lambda result: self._exported(what)(result, path), lambda err: messages.show_error(self, err))

    def export_responsibilities(self, fmt: str) -> Task | None:
        if self.detail is None:
            return None
        entry = LEDGERS["responsibilities"]
        return export_in_background(self, self.ws, entry.key, LedgerParams(year=self.detail.year), fmt,
                                    done=lambda count, path: self._exported(entry.title)(count, path))
