"""The self-assessment page (测评自查): "if the inspector came now, what would we show, and what is
missing?" for any period.

A period (本月 / 本季度 / 本年 / 上一年 / 自定义) is judged in the background (services.assessment
.evaluate; a year of the demo takes 60–140 ms, a larger community more); the table shows every item
with its grade as a traffic light, score and problem count, and the total. For the selected item:
its content, its rule in words, the problems — each opens the record that fixes it
(`open_record(table, id)`, the window's show_record) or becomes a rectification in one step — and
the evidence next to them, with the photos of the activities counted (thumbnails read off the GUI
thread). Items without a rule are graded by hand (人工评定). The checklist itself is kept here:
add, edit, retire and bring back items; export it to Excel and import one (services.checklist_io,
through the import dialog's preview); the 测评自查表 of the period prints as every ledger does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.errors import Cancelled, HuiquanError, ValidationError
from huiquan_desk.services import assessment, rectifications
from huiquan_desk.services.assessment import Finding, ItemResult, ItemSpec
from huiquan_desk.services.ledgers import LEDGERS, LedgerParams
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.after_export import AfterExportBar
from huiquan_desk.ui.assessment_dialogs import ItemDialog, ManualDialog
from huiquan_desk.ui.assessment_model import (
    GRADE_COLORS,
    THUMB,
    ChecklistModel,
    Line,
    period_dates,
    photo_thumbs,
)
from huiquan_desk.ui.export_actions import ask_open_path, ask_save_path, export_in_background
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import EmptyHint, date_edit, from_qdate, mark_writes, read_only_table, to_qdate

PERIODS = ("本月", "本季度", "本年", "上一年", "自定义")
DEFAULT_PERIOD = "本年"
FIX_ROLE = Qt.ItemDataRole.UserRole  # a list item's (table, id), or None


class AssessmentPage(QWidget):
    def __init__(self, ws: Workspace, open_record: Callable[[str, int], bool] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.open_record = open_record or (lambda _table, _id: False)
        self.results: list[ItemResult] = []
        self.items: list[ItemSpec] = []
        self.task: Task | None = None  # the evaluation running, if any
        self.thumb_task: Task | None = None
        self.import_dialog = None
        self._thumb_round = 0
        self._want: int | None = None  # the item to select once the evaluation is in
        self._build()
        self.evaluate()

    # --- layout -------------------------------------------------------------------------------
    def _button(self, text: str, slot: Callable[[], object], writes: bool = False, tip: str = "") -> QPushButton:
        button = QPushButton(self.tr(text))
        button.clicked.connect(lambda _=False: slot())
        if tip:
            button.setToolTip(self.tr(tip))
        if writes:
            mark_writes(button)
        return button

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.period = QComboBox()
        for name in PERIODS:
            self.period.addItem(self.tr(name), name)
        self.date_from, self.date_to = date_edit(), date_edit()
        self.evaluate_button = self._button("评定", self.evaluate, tip="按所选时段逐项评定")
        self.evaluate_button.setObjectName("primary")
        for widget in (QLabel(self.tr("评定时段")), self.period, self.date_from, QLabel(self.tr("至")), self.date_to,
                       self.evaluate_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.sheet_button = QPushButton(self.tr("导出测评自查表…"))
        sheet_menu = QMenu(self.sheet_button)
        sheet_menu.addAction(self.tr("Excel…"), lambda: self.export_sheet("xlsx"))
        sheet_menu.addAction(self.tr("PDF…"), lambda: self.export_sheet("pdf"))
        self.sheet_button.setMenu(sheet_menu)
        self.sheet_button.setToolTip(self.tr("所选时段每个项目的档次、得分和问题"))
        bar.addWidget(self.sheet_button)
        layout.addLayout(bar)
        self.period.setCurrentIndex(PERIODS.index(DEFAULT_PERIOD))
        self._period_changed()
        self.period.currentIndexChanged.connect(lambda _i: (self._period_changed(), self.evaluate()))

        items_bar = QHBoxLayout()
        self.new_button = self._button("新增项目…", self.new_item, writes=True)
        self.edit_button = self._button("修改项目…", self.edit_item, writes=True)
        self.retire_button = self._button("停用", self.toggle_retired, writes=True,
                                          tip="停用的项目不再评定，保留它的评定和整改记录；可以恢复")
        self.seed_button = self._button("生成默认测评项目", self.seed, writes=True,
                                        tip="按 DOMAIN.md 和惠泉社区的创建计划生成 15 个测评项目")
        self.show_retired = QCheckBox(self.tr("显示已停用"))
        self.show_retired.toggled.connect(lambda _b: self._fill())
        self.export_items_button = self._button("导出测评项目…", lambda: self.export_items(),
                                                tip="把测评项目（含规则、评档标准、已停用的）存成 Excel，发给其他社区导入")
        self.import_items_button = self._button("导入测评项目…", lambda: self.import_items(), writes=True,
                                                tip="导入镇里下发的测评项目：按编号更新已有的、新增没有的，先检查再写入")
        for widget in (self.new_button, self.edit_button, self.retire_button, self.seed_button, self.show_retired):
            items_bar.addWidget(widget)
        items_bar.addStretch(1)
        items_bar.addWidget(self.export_items_button)
        items_bar.addWidget(self.import_items_button)
        layout.addLayout(items_bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.model = ChecklistModel(self)
        self.table = read_only_table(self.model)
        self.table.setWordWrap(False)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        self.table.doubleClicked.connect(lambda _i: self.edit_item())
        EmptyHint(self.table, self._empty_text)
        left_layout.addWidget(self.table, 1)
        self.total = QLabel()
        self.total.setWordWrap(True)
        self.total.setStyleSheet("font-weight: bold;")
        left_layout.addWidget(self.total)
        splitter.addWidget(left)
        splitter.addWidget(self._detail_panel())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([570, 530])
        layout.addWidget(splitter, 1)
        self.after_export = AfterExportBar()
        layout.addWidget(self.after_export)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    def _detail_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        head = QHBoxLayout()
        self.problems_label = QLabel(self.tr("问题"))
        self.problems_label.setStyleSheet("font-weight: bold;")
        head.addWidget(self.problems_label, 1)
        self.open_button = self._button("打开记录", self.open_problem, tip="打开能改正这个问题的记录（双击问题也可以）")
        self.rectify_button = self._button("生成整改", self.make_rectification, writes=True,
                                           tip="把选中的问题登记为整改问题（来源：自查）")
        self.manual_button = self._button("人工评定…", self.manual_assessment, writes=True,
                                          tip="没有评定规则的项目：填写档次、评定说明和佐证材料")
        for button in (self.open_button, self.rectify_button, self.manual_button):
            head.addWidget(button)
        layout.addLayout(head)
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.itemDoubleClicked.connect(lambda _i: self.open_problem())
        self.problems.currentRowChanged.connect(lambda _r: self._problem_buttons())
        layout.addWidget(self.problems, 3)
        self.evidence_label = QLabel(self.tr("佐证"))
        self.evidence_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.evidence_label)
        self.evidence = QListWidget()
        self.evidence.setWordWrap(True)
        self.evidence.setToolTip(self.tr("双击打开这条记录"))
        self.evidence.itemDoubleClicked.connect(lambda item: self._open(item.data(FIX_ROLE)))
        layout.addWidget(self.evidence, 2)
        self.thumbs = QListWidget()
        self.thumbs.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbs.setIconSize(THUMB)
        self.thumbs.setGridSize(QSize(THUMB.width() + 14, THUMB.height() + 22))
        self.thumbs.setFlow(QListWidget.Flow.LeftToRight)
        self.thumbs.setWrapping(False)
        self.thumbs.setMovement(QListWidget.Movement.Static)
        self.thumbs.setFixedHeight(THUMB.height() + 40)
        self.thumbs.setToolTip(self.tr("计入的活动的照片；双击打开这项活动"))
        self.thumbs.itemDoubleClicked.connect(lambda item: self._open(item.data(FIX_ROLE)))
        layout.addWidget(self.thumbs)
        return panel

    def _empty_text(self) -> str:
        if self.items:
            return self.tr("所有测评项目都已停用。勾选「显示已停用」可以查看和恢复。")
        return self.tr("还没有测评项目。\n点「生成默认测评项目」按惠泉社区的创建计划生成一套（可再修改），"
                       "点「新增项目…」逐项添加，或点「导入测评项目…」导入镇里下发的测评表。")

    # --- the period and the evaluation -------------------------------------------------------
    def _period_changed(self) -> None:
        name = self.period.currentData()
        custom = name == "自定义"
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(custom)
        if not custom:
            start, end = period_dates(name)
            self.date_from.setDate(to_qdate(start))
            self.date_to.setDate(to_qdate(end))

    def set_period(self, name: str, start: date | None = None, end: date | None = None) -> Task | None:
        """Choose a period (PERIODS; 自定义 with its dates) and judge it."""
        self.period.blockSignals(True)
        self.period.setCurrentIndex(PERIODS.index(name))
        self.period.blockSignals(False)
        self._period_changed()
        if start is not None and end is not None:
            self.date_from.setDate(to_qdate(start))
            self.date_to.setDate(to_qdate(end))
        return self.evaluate()

    def span(self) -> tuple[date, date]:
        return from_qdate(self.date_from.date()), from_qdate(self.date_to.date())

    def evaluate(self) -> Task | None:
        """Judge every item over the period, off the GUI thread; the table fills when it is done."""
        start, end = self.span()
        if end < start:
            self.status.setText(self.tr("评定时段的结束日期不能早于开始日期。"))
            return None
        if self.task is not None and self.task.running:
            self.task.cancel()
        ws = self.ws
        self._want = self._want or self.selected_id()

        def work(progress):  # type: ignore[no-untyped-def]
            with ws.read() as session:
                return assessment.list_items(session), assessment.evaluate(session, start, end, progress=progress)

        self.status.setText(self.tr("正在评定 {0} 至 {1} …").format(start, end))
        task = Task(self, self.tr("正在评定…"), work, lambda result: self._evaluated(task, result),
                    lambda error: self._failed(task, error), ask_before_quit=False)
        self.task = task
        return task

    def reload(self) -> None:
        """The page shown again: other pages may have changed what it judges."""
        self.evaluate()

    def _evaluated(self, task: Task, result: tuple[list[ItemSpec], list[ItemResult]]) -> None:
        if task is not self.task:
            return  # an earlier period's result arriving late
        self.items, self.results = result
        self._fill()
        start, end = self.span()
        self.status.setText(self.tr("评定时段：{0} 至 {1}。双击问题打开对应的记录。").format(start, end))

    def _failed(self, task: Task, error: BaseException) -> None:
        if task is self.task:
            if isinstance(error, Cancelled):  # 取消 in the progress dialog: the last grades stay
                self.status.setText(self.tr("已取消评定。"))
            else:
                messages.show_error(self, error)

    def _fill(self) -> None:
        keep = self._want or self.selected_id()
        self._want = None
        by_id = {r.item.id: r for r in self.results}
        lines = [Line(item, by_id.get(item.id)) for item in self.items
                 if not item.retired or self.show_retired.isChecked()]
        self.model.set_rows(lines)
        self.seed_button.setVisible(not self.items)
        score, points = assessment.total_score(self.results)
        pending = sum(1 for r in self.results if r.grade is None)
        counts = {g: sum(1 for r in self.results if r.grade == g) for g in rules.GRADES}
        text = self.tr("合计 {0:g} / {1:g} 分").format(score, points)
        if pending:
            text += self.tr("（不含待人工评定的项目）")
        text += "　" + "　".join(f"{g} 档 {n} 项" for g, n in counts.items() if n)
        if pending:
            text += self.tr("　待人工评定 {0} 项").format(pending)
        self.total.setText(text if self.results else self.tr("没有在用的测评项目。"))
        row = next((i for i, line in enumerate(lines) if line.item.id == keep), 0 if lines else -1)
        if row >= 0:
            self.table.selectRow(row)
        self.show_selected()

    # --- the selected item --------------------------------------------------------------------
    def selected_line(self) -> Line | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows and rows[0].row() < len(self.model.rows) else None

    def selected_id(self) -> int | None:
        line = self.selected_line() if hasattr(self, "model") else None
        return line.item.id if line is not None else None

    def select_code(self, code: str) -> bool:
        row = next((i for i, line in enumerate(self.model.rows) if line.item.code == code), -1)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def show_record(self, table: str, record_id: int) -> bool:
        """Select this checklist item (MainWindow.show_record)."""
        if table != "checklist_items":
            return False
        row = next((i for i, line in enumerate(self.model.rows) if line.item.id == record_id), -1)
        if row < 0 and any(i.id == record_id and i.retired for i in self.items):
            self.show_retired.setChecked(True)
            row = next((i for i, line in enumerate(self.model.rows) if line.item.id == record_id), -1)
        if row < 0:
            self._want = record_id  # the evaluation is still running: selected when it is in
            return any(i.id == record_id for i in self.items) or self.task is not None and self.task.running
        self.table.selectRow(row)
        return True

    def show_selected(self) -> None:
        line = self.selected_line()
        self.problems.clear()
        self.evidence.clear()
        self.thumbs.clear()
        self.thumbs.setVisible(False)  # shown when the item's activities have photos
        self._thumb_round += 1
        self.retire_button.setText(self.tr("恢复") if line and line.item.retired else self.tr("停用"))
        for button in (self.edit_button, self.retire_button):
            button.setEnabled(line is not None and self._writes())
        self.manual_button.setVisible(line is not None and not line.item.rule and not line.item.retired)
        if line is None:
            self.title.setText(self.tr("选择一个测评项目查看问题和佐证"))
            self.detail.clear()
            self._problem_buttons()
            return
        item, result = line.item, line.result
        self.title.setText(f"{item.code}　{item.project}·{item.indicator}（{item.points:g} 分）")
        try:
            sentence = item.rule_sentence
        except ValidationError as err:
            sentence = self.tr("规则有误：{0}").format(err.problems[0].message)
        parts = [f"<b>{self.tr('测评内容')}</b>：{_html(item.content) or '—'}",
                 f"<b>{self.tr('评定规则')}</b>：{_html(sentence)}",
                 f"<b>{self.tr('测评方法')}</b>：{_html(item.method)}　<b>{self.tr('评档标准')}</b>："
                 f"{self.tr('问题 ≤ {0} 个为 A，≤ {1} 个为 B，≤ {2} 个为 C，更多为 C#').format(*_limits(item))}"]
        if result is None:
            parts.append(f"<span style='color:#7f8c8d'>{self.tr('已停用：不再评定。点「恢复」重新启用。')}</span>")
        else:
            color = GRADE_COLORS[result.grade]
            grade = rules.GRADE_LABELS[result.grade] if result.grade else rules.PENDING
            score = f"{result.score:g} 分" if result.score is not None else "—"
            parts.append(f"<b>{self.tr('档次')}</b>：<span style='color:{color}; font-weight:bold'>{grade}</span>"
                         f"　<b>{self.tr('得分')}</b>：{score}")
            if result.manual is not None:
                m = result.manual
                parts.append(self.tr("人工评定：{0}，{1} 至 {2}，{3}（{4}）").format(
                    _html(m.note) or "—", m.period_from, m.period_to, _html(m.assessed_by), m.assessed_on))
            elif not item.rule:
                parts.append(f"<span style='color:#b9770e'>{self.tr('这个项目要人工评定：点「人工评定…」填写。')}</span>")
            if result.note:
                parts.append(f"<span style='color:#5f6b76'>{_html(result.note)}</span>")
        self.detail.setText("<br>".join(parts))
        problems = result.problems if result else []
        evidence = result.evidence if result else []
        self.problems_label.setText(self.tr("问题（{0}）").format(len(problems)))
        self.evidence_label.setText(self.tr("佐证（{0}）").format(len(evidence)))
        for finding in problems:
            self.problems.addItem(self._finding_item(finding))
        for finding in evidence:
            self.evidence.addItem(self._finding_item(finding))
        if problems:
            self.problems.setCurrentRow(0)
        self._problem_buttons()
        self._load_thumbs([f.fix[1] for f in evidence if f.fix and f.fix[0] == "activities"])

    def _finding_item(self, finding: Finding) -> QListWidgetItem:
        item = QListWidgetItem(finding.text + ("　↗" if finding.fix else ""))
        item.setData(FIX_ROLE, finding.fix)
        item.setToolTip(finding.text)
        return item

    def _problem_buttons(self) -> None:
        finding = self.selected_problem()
        self.open_button.setEnabled(finding is not None and finding.fix is not None)
        self.rectify_button.setEnabled(finding is not None and self._writes())

    def _writes(self) -> bool:
        from huiquan_desk.ui.main_window import WRITE_ROLES

        return self.ws.role in WRITE_ROLES

    def selected_problem(self) -> Finding | None:
        item = self.problems.currentItem()
        line = self.selected_line()
        if item is None or line is None or line.result is None:
            return None
        row = self.problems.row(item)
        return line.result.problems[row] if 0 <= row < len(line.result.problems) else None

    def _load_thumbs(self, activity_ids: list[int]) -> None:
        if not activity_ids:
            return
        round_ = self._thumb_round
        ws = self.ws
        ids = list(dict.fromkeys(activity_ids))
        if self.thumb_task is not None and self.thumb_task.running:
            self.thumb_task.cancel()
        self.thumb_task = Task(self, self.tr("读取照片"), lambda progress: photo_thumbs(ws, ids, progress),
                               lambda found: self._show_thumbs(round_, found), lambda _e: None,
                               ask_before_quit=False, quiet=True)

    def _show_thumbs(self, round_: int, found: list[tuple[int, str, QImage]]) -> None:
        if round_ != self._thumb_round:
            return  # another item was chosen meanwhile
        self.thumbs.setVisible(bool(found))
        for activity_id, caption, image in found:
            pixmap = QPixmap.fromImage(image) if not image.isNull() else QPixmap(THUMB)
            if image.isNull():
                pixmap.fill(Qt.GlobalColor.lightGray)
            item = QListWidgetItem(QIcon(pixmap), caption)
            item.setData(FIX_ROLE, ("activities", activity_id))
            item.setToolTip(caption)
            self.thumbs.addItem(item)

    # --- jumps --------------------------------------------------------------------------------
    def _open(self, fix: tuple[str, int] | None) -> bool:
        if not fix:
            self.status.setText(self.tr("这一条没有对应的单条记录（例如还需要开展的活动）。"))
            return False
        table, record_id = fix
        opened = bool(self.open_record(table, record_id))
        if not opened:
            self.status.setText(self.tr("无法打开这条记录（可能已被删除，或当前账号看不到它所在的页面）。"))
        return opened

    def open_problem(self) -> bool:
        finding = self.selected_problem()
        return self._open(finding.fix if finding else None)

    # --- writes -------------------------------------------------------------------------------
    def make_rectification(self) -> int | None:
        """The selected problem as a rectification (来源：自查), then offer to open it."""
        line, finding = self.selected_line(), self.selected_problem()
        if line is None or finding is None:
            self.status.setText(self.tr("请先在「问题」中选中一个问题。"))
            return None
        with self.ws.read() as session:
            same = [r for r in rectifications.list_rectifications(session, item_id=line.item.id)
                    if r.problem == finding.text]
        if same and not messages.confirm(self, self.tr("生成整改"), self.tr(
                "这个问题已经登记过整改（{0}，发现于 {1}）。还要再登记一次吗？").format(same[0].status_label, same[0].found_on),
                self.tr("再登记一次")):
            return None
        try:
            with self.ws.write() as session:
                rect_id = rectifications.from_finding(session, line.item.id, finding.text, fix=finding.fix)
        except HuiquanError as err:
            messages.show_error(self, err)
            return None
        self.status.setText(self.tr("已登记整改问题：{0}").format(finding.text))
        if messages.confirm(self, self.tr("生成整改"), self.tr(
                "已把这个问题登记到整改台账（来源：自查，状态：待整改）。\n现在打开它，填写责任人和整改时限吗？"), self.tr("打开")):
            if not self.open_record("rectifications", rect_id):
                self.status.setText(self.tr("已登记整改问题；当前账号看不到整改台账页面。"))
        return rect_id

    def manual_assessment(self) -> int | None:
        line = self.selected_line()
        if line is None or line.item.rule:
            self.status.setText(self.tr("请先选中一个没有评定规则（人工评定）的测评项目。"))
            return None
        start, end = self.span()
        saved = ManualDialog.ask(self.ws, line.item, start, end, self)
        if saved is not None:
            self.status.setText(self.tr("已保存 {0} 的人工评定。").format(line.item.code))
            self.evaluate()
        return saved

    def new_item(self) -> int | None:
        saved = ItemDialog.ask(self.ws, None, self)
        if saved is not None:
            self._want = saved
            self.evaluate()
        return saved

    def edit_item(self) -> int | None:
        line = self.selected_line()
        if line is None or line.item.id is None:
            self.status.setText(self.tr("请先在表中选中一个测评项目。"))
            return None
        saved = ItemDialog.ask(self.ws, line.item.id, self)
        if saved is not None:
            self._want = saved
            self.evaluate()
        return saved

    def toggle_retired(self) -> bool:
        line = self.selected_line()
        if line is None or line.item.id is None:
            self.status.setText(self.tr("请先在表中选中一个测评项目。"))
            return False
        retire = not line.item.retired
        if retire and not messages.confirm(self, self.tr("停用测评项目"), self.tr(
                "停用「{0} {1}」？\n停用后不再评定，它以往的人工评定和整改记录保留；勾选「显示已停用」可以恢复。").format(
                line.item.code, line.item.indicator), self.tr("停用")):
            return False
        try:
            with self.ws.write() as session:
                assessment.retire_item(session, line.item.id, retire)
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self.status.setText(self.tr("已停用 {0}。") if retire else self.tr("已恢复 {0}。"))
        self.status.setText(self.status.text().format(line.item.code))
        self._want = line.item.id
        self.evaluate()
        return True

    def seed(self) -> int:
        try:
            with self.ws.write() as session:
                added = assessment.seed_checklist(session)
        except HuiquanError as err:
            messages.show_error(self, err)
            return 0
        self.status.setText(self.tr("已生成默认测评项目 {0} 项。").format(added))
        self.evaluate()
        return added

    # --- files --------------------------------------------------------------------------------
    def export_sheet(self, fmt: str, path: Path | None = None) -> Task | None:
        """The 测评自查表 of the period (ledger `checklist`)."""
        start, end = self.span()
        entry = LEDGERS["checklist"]

        def done(count: int, written: Path) -> None:
            text = self.tr("已导出{0}（{1} 至 {2}），共 {3} {4}。").format(entry.title, start, end, count, entry.rows)
            self.status.setText(text)
            self.after_export.show_file(written, text)

        return export_in_background(self, self.ws, "checklist", LedgerParams(date_from=start, date_to=end), fmt,
                                    path, done)

    def export_items(self, path: Path | None = None) -> Path | None:
        """The checklist itself as Excel (services.checklist_io), for another community to import."""
        from huiquan_desk.services.checklist_io import export_checklist

        path = path or ask_save_path(self, self.tr("导出测评项目"), f"测评项目_{date.today():%Y%m%d}.xlsx", "xlsx")
        if path is None:
            return None
        try:
            with self.ws.read() as session:
                count = export_checklist(session, path)
        except Exception as err:  # noqa: BLE001 - any failure is shown, never lost
            messages.show_error(self, err)
            return None
        text = self.tr("已导出测评项目 {0} 项（含已停用的）：其他社区在「测评自查」点「导入测评项目…」导入。").format(count)
        self.status.setText(text)
        self.after_export.show_file(path, text)
        return path

    def import_items(self, path: Path | None = None):  # type: ignore[no-untyped-def]
        """A checklist file: the import dialog checks it first (every problem by row and column), then
        writes all of it or nothing."""
        from huiquan_desk.ui.import_dialog import ImportDialog

        path = path or ask_open_path(self, self.tr("选择测评项目 Excel 文件"), "xlsx")
        if path is None:
            return None
        dialog = ImportDialog(self.ws, path, self, kind="checklist")
        dialog.imported.connect(lambda n: (self.status.setText(self.tr("已导入 {0} 项测评项目。").format(n)),
                                           self.evaluate()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.import_dialog = dialog
        return dialog


def _limits(item: ItemSpec) -> tuple[int, int, int]:
    try:
        return rules.parse_thresholds(item.thresholds)
    except ValidationError:
        return rules.parse_thresholds(rules.DEFAULT_THRESHOLDS)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
