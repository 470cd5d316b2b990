"""档案: filing a year's records as archive items (DA/T 22-2015), ordering and numbering them,
boxing them, printing the catalogue, labels and stamps, the fixity check, appraisal and
destruction, and the hand-over package.

At the top the year and what of last year is still unfiled (文书 are due by June 30 of the next
year), and the last fixity check. On the left the year's series (门类·年度-期限, with 机构): the
items of the one chosen are listed on the right, numbered first, then those waiting for their
件号 in the order they will get them (drag to change it, or 按日期排序). Tabs list the boxes and
the recorded gaps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import archives as rules
from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import archive_boxes as boxes
from huiquan_desk.services import archives as items
from huiquan_desk.services import filing
from huiquan_desk.services.ledgers import LEDGERS, LedgerParams
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.after_export import AfterExportBar
from huiquan_desk.ui.archive_dialogs import BoxDialog, FilingDialog, ItemDialog
from huiquan_desk.ui.archive_model import ItemsModel, SeriesLine
from huiquan_desk.ui.export_actions import ask_save_path, export_in_background
from huiquan_desk.ui.messages import ask_text
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import EmptyHint, mark_writes, read_only_table

Group = rules.Group


def run_dialog(dialog) -> bool:  # type: ignore[no-untyped-def]
    """exec() a dialog; True when it was saved. Tests replace this function."""
    return bool(dialog.exec())


def _run(dialog) -> bool:  # type: ignore[no-untyped-def]
    """run_dialog, then the dialog goes (it is not kept hidden under the page)."""
    try:
        return run_dialog(dialog)
    finally:
        dialog.deleteLater()


def choose(parent: QWidget, title: str, label: str, options: list[str]) -> int | None:
    """One of `options` (its index), or None. Tests replace this function."""
    text, ok = QInputDialog.getItem(parent, title, label, options, 0, False)
    return options.index(text) if ok and text in options else None


def _button(parent: QWidget, text: str, slot: Callable[[], object], writes: bool = False,
            primary: bool = False) -> QPushButton:
    button = QPushButton(parent.tr(text))
    button.clicked.connect(lambda _=False: slot())
    if writes:
        mark_writes(button)
    if primary:
        button.setObjectName("primary")
    return button


def _row(*widgets: QWidget, stretch_at: int | None = None) -> QHBoxLayout:
    bar = QHBoxLayout()
    for index, widget in enumerate(widgets):
        if stretch_at == index:
            bar.addStretch(1)
        bar.addWidget(widget)
    if stretch_at is None:
        bar.addStretch(1)
    return bar


class ArchivesPage(QWidget):
    changed = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.year = self.default_year()
        layout = QVBoxLayout(self)
        layout.addLayout(self._top())
        splitter = QSplitter()
        splitter.addWidget(self._series_panel())
        self.tabs = QTabWidget()
        self.tabs.addTab(self._items_tab(), self.tr("归档文件"))
        self.tabs.addTab(self._boxes_tab(), self.tr("档案盒"))
        self.tabs.addTab(self._gaps_tab(), self.tr("空号"))
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 810])
        layout.addWidget(splitter, 1)
        self.after_export = AfterExportBar()
        layout.addWidget(self.after_export)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.reload()

    # --- layout -----------------------------------------------------------------------------------
    def _top(self) -> QVBoxLayout:
        top = QVBoxLayout()
        self.year_combo = QComboBox()
        self.year_combo.setMinimumWidth(100)
        self.year_combo.activated.connect(lambda _i: self.set_year(self.year_combo.currentData()))
        self.reminder = QLabel()
        self.reminder.setWordWrap(True)
        self.print_button = QPushButton(self.tr("打印"))
        self.print_button.setToolTip(self.tr("归档文件目录、盒脊标签、备考表、归档章、照片目录"))
        self.print_menu = QMenu(self)
        self.print_button.setMenu(self.print_menu)
        self._print_actions()
        year_label = QLabel(self.tr("年度"))
        first = QHBoxLayout()
        first.addWidget(year_label)
        first.addWidget(self.year_combo)
        first.addSpacing(12)
        first.addWidget(self.reminder, 1)
        first.addWidget(self.print_button)
        top.addLayout(first)
        self.fixity = QLabel()
        self.fixity.setWordWrap(True)
        second = QHBoxLayout()
        second.addWidget(self.fixity, 1)
        self.care_buttons = [
            _button(self, "检测", self.check_files, writes=True),
            _button(self, "到期鉴定/销毁…", self.destruction, writes=True),
            _button(self, "移交包…", self.package),
        ]
        self.care_buttons[0].setToolTip(self.tr("逐个核对档案文件的 SHA-256 并检查能否打开，找出缺失、被改动或多出的文件"))
        for button in self.care_buttons:
            second.addWidget(button)
        top.addLayout(second)
        return top

    def _print_actions(self) -> None:
        self.print_menu.clear()
        entries = [(self.tr("归档文件目录 Excel…"), lambda: self.export_catalogue("xlsx")),
                   (self.tr("归档文件目录 PDF…"), lambda: self.export_catalogue("pdf"))]
        entries += [(self.tr(label), lambda k=key: self.print_label(k)) for key, (label, _w, _f) in self.PRINTS.items()]
        for text, slot in entries:
            self.print_menu.addAction(text, slot)

    def _series_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.series = RowsModel([
            Col(self.tr("系列"), lambda s: s.label, tooltip=lambda s: s.group.label if s.group else "", width=134),
            Col(self.tr("件数"), lambda s: s.items, "right", width=38),
            Col(self.tr("编号"), lambda s: s.numbered, "right", width=38),
            Col(self.tr("装盒"), lambda s: s.boxed, "right", width=38),
            Col(self.tr("空号"), lambda s: s.gaps, "right", width=38)])
        self.series_view = read_only_table(self.series)
        self.series_view.selectionModel().currentRowChanged.connect(lambda *_: self.reload_items())
        layout.addWidget(self.series_view, 1)
        note = QLabel(self.tr("件号在同一门类、年度、保管期限（和机构）内从 0001 起连续编排。选中一个系列后，"
                              "可拖动其中未编号的文件调整顺序，再固定件号。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6b76;")
        layout.addWidget(note)
        return panel

    def _items_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按题名、责任者、文号、备注查找"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self.reload_items)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.setMaximumWidth(240)
        layout.addLayout(_row(
            _button(self, "从活动和评选归档…", self.file_records, writes=True, primary=True),
            _button(self, "手工录入…", self.new_item, writes=True),
            _button(self, "修改…", self.edit_item),
            _button(self, "更正…", self.correct_item, writes=True),
            _button(self, "移出…", self.remove_item, writes=True), self.search, stretch_at=5))
        self.box_button = QToolButton()
        self.box_button.setText(self.tr("装盒"))
        self.box_button.setToolTip(self.tr("把选中的已编号文件装入一个新盒；点右侧箭头可装入已有的盒或从盒中取出"))
        self.box_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.box_button.clicked.connect(lambda _=False: self.box_selected())
        box_menu = QMenu(self)
        box_menu.addAction(self.tr("装入新盒"), self.box_selected)
        box_menu.addAction(self.tr("装入已有的盒…"), self.put_in_box)
        box_menu.addAction(self.tr("从盒中取出"), self.take_out)
        self.box_button.setMenu(box_menu)
        mark_writes(self.box_button)
        layout.addLayout(_row(
            _button(self, "按日期排序", self.order_by_date, writes=True),
            _button(self, "固定件号…", self.fix_numbers, writes=True, primary=True),
            self.box_button,
            _button(self, "自动装盒", self.pack, writes=True)))
        self.items = ItemsModel([
            Col(self.tr("档号"), lambda r: r.code or self.tr("未编号"), width=175),
            Col(self.tr("题名"), lambda r: r.shown_title, tooltip=lambda r: r.shown_title, width=250),
            Col(self.tr("日期"), lambda r: r.catalogue_date, "center", width=75),
            Col(self.tr("页数"), lambda r: r.pages, "right", width=40),
            Col(self.tr("来源"), lambda r: r.source, "center", width=62),
            Col(self.tr("盒号"), lambda r: r.box_number or "", "center", width=40),
            Col(self.tr("文件数"), lambda r: r.files, "right", width=50),
            Col(self.tr("状态"), lambda r: self.tr("已销毁") if r.destroyed_on else "", "center", width=52)])
        self.items.reordered.connect(self.write_order)
        self.items_view = read_only_table(self.items, multi=True)
        header = self.items_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.items_view.setDragEnabled(True)
        self.items_view.setAcceptDrops(True)
        self.items_view.setDropIndicatorShown(True)
        self.items_view.setDragDropOverwriteMode(False)
        self.items_view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.items_view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.items_view.doubleClicked.connect(lambda _i: self.edit_item())
        EmptyHint(self.items_view, lambda: self.tr(
            "{0}年度还没有归档文件。\n点「从活动和评选归档…」把已开展的活动和已表彰的评选一次归档，"
            "或点「手工录入…」录入通知、总结等文件并拖入扫描件。").format(self.year))
        layout.addWidget(self.items_view, 1)
        return page

    def _boxes_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(_row(
            _button(self, "备考表和盒脊…", self.edit_box, writes=True),
            _button(self, "删除最后一盒", self.delete_box, writes=True)))
        self.boxes = RowsModel([
            Col(self.tr("档案盒"), lambda b: b.name, width=150),
            Col(self.tr("起止件号"), lambda b: b.range_text, "center", width=100),
            Col(self.tr("件数"), lambda b: b.items, "right", width=40),
            Col(self.tr("页数"), lambda b: b.pages, "right", width=45),
            Col(self.tr("盒脊"), lambda b: f"{b.spine_mm} mm" + (self.tr("（建议 {0}）").format(b.suggested_mm)
                                                             if b.suggested_mm != b.spine_mm else ""), "center",
                lambda b: self.tr("按页数建议 {0} mm").format(b.suggested_mm), width=110),
            Col(self.tr("整理人"), lambda b: b.arranged_by, width=60),
            Col(self.tr("整理日期"), lambda b: f"{b.arranged_on:%Y-%m-%d}" if b.arranged_on else "", width=85),
            Col(self.tr("检查人"), lambda b: b.checked_by, width=60),
            Col(self.tr("盒内文件情况说明"), lambda b: b.notes, tooltip=lambda b: b.notes)])
        self.boxes_view = read_only_table(self.boxes)
        self.boxes_view.doubleClicked.connect(lambda _i: self.edit_box())
        EmptyHint(self.boxes_view, lambda: self.tr(
            "{0}年度还没有档案盒。固定件号后，在「归档文件」中选中文件点「装盒」，或选中一个系列点「自动装盒」。").format(self.year))
        layout.addWidget(self.boxes_view, 1)
        return page

    def _gaps_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.gaps = RowsModel([
            Col(self.tr("空号"), lambda g: g.code, width=190),
            Col(self.tr("原题名"), lambda g: g.title, tooltip=lambda g: g.title, width=260),
            Col(self.tr("原因"), lambda g: g.reason, tooltip=lambda g: g.reason)])
        self.gaps_view = read_only_table(self.gaps)
        EmptyHint(self.gaps_view, lambda: self.tr("没有空号。已编号的文件被移出时，它的件号留为空号并记下原因，其后的件号不变。"))
        layout.addWidget(self.gaps_view, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("手填件号跳过的号码列为「缺号」：补录该件，或登记它空着的原因。")), 1)
        row.addWidget(_button(self, "登记原因…", self.explain_gap, writes=True))
        layout.addLayout(row)
        return page

    # --- reading ----------------------------------------------------------------------------------
    def default_year(self) -> int:
        """Last year while some of it waits to be filed or numbered, else this year."""
        last = date.today().year - 1
        with self.ws.read() as session:
            if filing.unfiled_counts(session, last, last) or items.list_items(session, last, numbered=False):
                return last
        return last + 1

    def set_year(self, year: int) -> None:
        if year != self.year:
            self.year = year
            self.reload()

    def reload(self) -> None:
        this_year = date.today().year
        with self.ws.read() as session:
            years = sorted(set(items.item_years(session)) | {this_year, this_year - 1, self.year}, reverse=True)
            counts = filing.unfiled_counts(session, min(this_year - 1, self.year), max(this_year - 1, self.year))
            waiting, this = counts.get(this_year - 1, (0, 0)), counts.get(self.year, (0, 0))
            summaries = items.series(session, self.year)
            box_rows = boxes.list_boxes(session, self.year)
            gap_rows = items.list_gaps(session, self.year)
            fixity_text = self._fixity_text(session)
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(self.tr("{0}年").format(year), year)
        self.year_combo.setCurrentIndex(years.index(self.year))
        self.year_combo.blockSignals(False)
        self.reminder.setText(self._reminder(this_year - 1, waiting, this))
        self.fixity.setText(fixity_text)
        self.fixity.setVisible(bool(fixity_text))
        chosen = self.current_group()
        lines = [SeriesLine(None, self.tr("{0}年度全部").format(self.year), sum(s.items for s in summaries),
                            sum(s.numbered for s in summaries), sum(s.boxed for s in summaries),
                            sum(s.gaps for s in summaries))]
        lines += [SeriesLine(s.group, str(s.group), s.items, s.numbered, s.boxed, s.gaps) for s in summaries]
        self.series.set_rows(lines)
        row = next((i for i, line in enumerate(lines) if line.group == chosen and chosen is not None), 0)
        self.series_view.selectionModel().blockSignals(True)
        self.series_view.selectRow(row)
        self.series_view.setCurrentIndex(self.series.index(row, 0))
        self.series_view.selectionModel().blockSignals(False)
        self.boxes.set_rows(box_rows)
        self.gaps.set_rows(gap_rows)
        self.tabs.setTabText(2, self.tr("空号（{0}）").format(len(gap_rows)) if gap_rows else self.tr("空号"))
        self.reload_items()

    def _reminder(self, last: int, waiting: tuple[int, int], this: tuple[int, int]) -> str:
        """`waiting`, `this`: (activities, campaigns) unfiled of last year and of the year shown."""
        due = filing.due_date(last)
        if any(waiting):
            text = self.tr("{0}年度还有 {1}未归档，应于 {2}前归档").format(last, self._what(waiting), cn_date(due))
            if date.today() > due:
                text += self.tr("（已过期限）")
            text = f"<span style='color:#b03a2e'>{text}。</span>"
        else:
            text = self.tr("{0}年度的活动和评选都已归档。").format(last)
        if self.year != last and any(this):
            text += self.tr(" {0}年度目前有 {1}可以归档。").format(self.year, self._what(this))
        return text

    def _what(self, counts: tuple[int, int]) -> str:
        acts, camps = counts
        parts = ([self.tr("{0} 项活动").format(acts)] if acts else []) + ([self.tr("{0} 项评选").format(camps)] if camps else [])
        return "、".join(parts)

    def _fixity_text(self, session) -> str:  # type: ignore[no-untyped-def]
        from huiquan_desk.services import fixity

        last = fixity.last_check(session)
        text = last.text if last is not None else self.tr("档案文件还没有检测过")
        if fixity.check_due(session, date.today()):
            text += self.tr("；已到检测时间，请点「检测」")
        return text

    def current_group(self) -> Group | None:
        index = self.series_view.currentIndex()
        if not index.isValid() or index.row() >= len(self.series.rows):
            return None
        return self.series.row(index.row()).group

    def reload_items(self) -> None:
        group = self.current_group()
        with self.ws.read() as session:
            if group is None:
                rows = items.list_items(session, self.year, text=self.search.text())
            else:
                rows = items.list_items(session, group.year, group.retention, group.category, group.org,
                                        text=self.search.text())
        self.items.group = group if not self.search.text().strip() else None
        self.items.set_rows(rows)
        numbered = sum(1 for r in rows if r.number is not None)
        self.status.setText(self.tr("{0}：{1} 件，已编号 {2} 件，{3} 件等待固定件号。").format(
            group.label if group else self.tr("{0}年度").format(self.year), len(rows), numbered, len(rows) - numbered))

    def show_record(self, table: str, record_id: int) -> bool:
        """Select this archive item, in its year with every series shown (MainWindow.show_record);
        a fixity check is the line at the top of the page."""
        if table == "fixity_checks":
            return self.fixity.isVisible()
        if table != "archive_items":
            return False
        try:
            with self.ws.read() as session:
                year = items.get_item(session, record_id, self.ws.files).row.year
        except HuiquanError:
            return False
        self.tabs.setCurrentIndex(0)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.year = year
        self.series_view.clearSelection()  # reload() then keeps row 0: the whole year
        self.series_view.setCurrentIndex(self.series.index(-1, -1))
        self.reload()
        row = next((i for i, r in enumerate(self.items.rows) if r.id == record_id), -1)
        if row >= 0:
            self.items_view.selectRow(row)
            self.items_view.scrollTo(self.items.index(row, 0))
        return row >= 0

    # --- helpers ----------------------------------------------------------------------------------
    def selected_items(self) -> list[items.ItemRow]:
        rows = sorted({i.row() for i in self.items_view.selectionModel().selectedRows()})
        return [self.items.row(r) for r in rows if r < len(self.items.rows)]

    def _one_item(self) -> items.ItemRow | None:
        chosen = self.selected_items()
        if not chosen:
            self.status.setText(self.tr("请先在表中选中一件归档文件。"))
            return None
        return chosen[0]

    def _series(self) -> Group | None:
        group = self.current_group()
        if group is None:
            self.status.setText(self.tr("请先在左侧选中一个系列（门类·年度-保管期限）。"))
        return group

    def _write(self, action: Callable, done: str) -> bool:  # type: ignore[type-arg]
        """`action(session)` as one transaction; a failure to the message box; a reload either way."""
        try:
            with self.ws.write() as session:
                result = action(session)
        except HuiquanError as err:
            messages.show_error(self, err)
            self.reload()
            return False
        self.reload()
        self.status.setText(done.format(result) if "{0}" in done else done)
        self.changed.emit()
        return True

    def _after_dialog(self, saved: bool, done: str) -> None:
        if saved:
            self.reload()
            self.status.setText(done)
            self.changed.emit()

    # --- items --------------------------------------------------------------------------------------
    def file_records(self) -> None:
        dialog = FilingDialog(self.ws, self.year, self)
        if _run(dialog):
            text = self.tr("已归档 {0} 件").format(len(dialog.filed))
            text += self.tr("，固定件号 {0} 个。").format(dialog.numbered) if dialog.numbered else self.tr(
                "。检查顺序（可拖动、按日期排序）后点「固定件号…」。")
            self._after_dialog(True, text)

    def new_item(self) -> None:
        group = self.current_group()
        dialog = ItemDialog(self.ws, None, self, year=self.year)
        if group is not None:
            dialog.category.setCurrentIndex(max(0, dialog.category.findData(group.category)))
            dialog.retention.setCurrentIndex(max(0, dialog.retention.findData(group.retention)))
            dialog.org.setText(group.org)
        self._after_dialog(_run(dialog), self.tr("已录入，等待固定件号。"))

    def edit_item(self) -> None:
        if (row := self._one_item()) is not None:
            self._after_dialog(_run(ItemDialog(self.ws, row.id, self)), self.tr("已保存。"))

    def correct_item(self) -> None:
        if (row := self._one_item()) is None:
            return
        self._after_dialog(_run(ItemDialog(self.ws, None, self, corrects=row.id)),
                           self.tr("已录入更正件，指向 {0}。").format(row.code or row.title))

    def remove_item(self) -> None:
        if (row := self._one_item()) is None:
            return
        reason = ""
        if row.number is not None:
            text = ask_text(self, self.tr("移出归档文件"), self.tr(
                "{0} 已编号：移出后件号 {1:04d} 留为空号，其后的件号不变。\n请写明移出原因：").format(row.code, row.number))
            if text is None:
                return
            reason = text
        elif not messages.confirm(self, self.tr("移出归档文件"), self.tr(
                "把「{0}」移出档案？它进入回收站，可以恢复；归档自活动的，活动恢复为「已开展」。").format(row.title), self.tr("移出")):
            return
        self._write(lambda s: items.remove_item(s, row.id, reason), self.tr("已移出 {0}，可在回收站恢复。"))

    def explain_gap(self) -> None:
        """A missing number (skipped by a typed 件号) gets its reason and becomes a recorded gap."""
        index = self.gaps_view.currentIndex()
        gap = self.gaps.rows[index.row()] if index.isValid() else None
        if gap is None or gap.recorded:
            self.status.setText(self.tr("请先在「空号」中选中一个原因为「缺号」的件号。"))
            return
        text = ask_text(self, self.tr("登记空号原因"), self.tr("{0} 为什么空着？").format(gap.code))
        if text is not None:
            self._write(lambda s: items.record_gap(s, gap.group, gap.number, text), self.tr("已登记空号原因。"))

    def write_order(self, group: Group, order: list[int]) -> None:
        self._write(lambda s: items.set_order(s, group, order), self.tr("已调整顺序，固定件号时按此顺序编号。"))

    def order_by_date(self) -> None:
        if (group := self._series()) is not None:
            self._write(lambda s: items.order_by_date(s, group), self.tr("未编号的文件已按日期排序。"))

    def fix_numbers(self) -> None:
        if (group := self._series()) is None:
            return
        with self.ws.read() as session:  # the whole series, whatever the search box shows
            waiting = items.list_items(session, group.year, group.retention, group.category, group.org, numbered=False)
        if not waiting:
            self.status.setText(self.tr("{0} 没有等待固定件号的文件。").format(group.label))
            return
        if not messages.confirm(self, self.tr("固定件号"), self.tr(
                "按表中顺序给 {0} 的 {1} 件文件编件号？\n件号固定后不能再改；以后移出某件只会留下空号。").format(
                group.label, len(waiting)), self.tr("固定件号")):
            return
        self._write(lambda s: len(items.fix_numbers(s, group)), self.tr("已固定 {0} 个件号。"))

    # --- boxes --------------------------------------------------------------------------------------
    def box_selected(self) -> None:
        chosen = self.selected_items()
        if not chosen:
            self.status.setText(self.tr("请先选中要装盒的已编号文件（可按住 Ctrl 或 Shift 多选）。"))
            return
        self._write(lambda s: boxes.get_box(s, boxes.new_box(s, [r.id for r in chosen])).name,
                    self.tr("已装入 {0}。"))

    def put_in_box(self) -> None:
        chosen = self.selected_items()
        if not chosen:
            self.status.setText(self.tr("请先选中要装盒的已编号文件。"))
            return
        candidates = [b for b in self.boxes.rows if b.group == chosen[0].group]
        if not candidates:
            self.status.setText(self.tr("{0} 还没有档案盒，请点「装盒」装入新盒。").format(chosen[0].group.label))
            return
        index = choose(self, self.tr("装入已有的盒"), self.tr("档案盒："),
                       [f"{b.name}（{b.range_text}，{b.pages} 页）" for b in candidates])
        if index is not None:
            box = candidates[index]
            self._write(lambda s: boxes.put_in_box(s, [r.id for r in chosen], box.id), self.tr("已装入 {0}。").format(box.name))

    def take_out(self) -> None:
        chosen = [r for r in self.selected_items() if r.box_id is not None]
        if not chosen:
            self.status.setText(self.tr("选中的文件不在盒中。"))
            return
        self._write(lambda s: boxes.take_out(s, [r.id for r in chosen]), self.tr("已从盒中取出 {0} 件。").format(len(chosen)))

    def pack(self) -> None:
        if (group := self._series()) is not None:
            self._write(lambda s: len(boxes.pack(s, group)), self.tr("已自动装盒：新装 {0} 盒。"))

    def _box(self) -> boxes.BoxRow | None:
        index = self.boxes_view.currentIndex()
        if not index.isValid() or index.row() >= len(self.boxes.rows):
            self.tabs.setCurrentIndex(1)
            self.status.setText(self.tr("请先在「档案盒」中选中一个盒。"))
            return None
        return self.boxes.row(index.row())

    def edit_box(self) -> None:
        if (box := self._box()) is not None:
            self._after_dialog(_run(BoxDialog(self.ws, box.id, self)), self.tr("已保存 {0}。").format(box.name))

    def delete_box(self) -> None:
        box = self._box()
        if box is None or not messages.confirm(self, self.tr("删除档案盒"), self.tr(
                "删除 {0}？盒内 {1} 件文件改为未装盒。").format(box.name, box.items), self.tr("删除")):
            return
        self._write(lambda s: boxes.delete_box(s, box.id), self.tr("已删除 {0}。").format(box.name))

    # --- prints and care ----------------------------------------------------------------------------
    # key: (menu text, what, writer name in services.archive_prints); boxes/items of the year
    PRINTS = {
        "labels": ("盒脊标签…", "盒脊标签", "export_box_labels"),
        "sheets": ("备考表…", "备考表", "export_box_sheets"),
        "stamps": ("归档章…", "归档章", "export_stamps"),
        "photos": ("照片目录…", "照片档案目录", "export_photo_catalogue"),
    }

    def _exported(self, what: str, unit: str) -> Callable[[int, Path], None]:
        def done(count: int, path: Path) -> None:
            text = self.tr("已导出{0}，共 {1} {2}。").format(what, count, unit)
            self.status.setText(text)
            self.after_export.show_file(path, text)
        return done

    def export_catalogue(self, fmt: str) -> Task | None:
        """归档文件目录 of the year (of the chosen series' 保管期限 when one is chosen), with its covers."""
        group = self.current_group()
        params = LedgerParams(year=self.year, retention=group.retention if group else None)
        entry = LEDGERS["archive-catalog"]
        return export_in_background(self, self.ws, "archive-catalog", params, fmt,
                                    done=self._exported(entry.title, entry.rows))

    def print_label(self, key: str) -> Task | None:
        """盒脊标签, 备考表, 归档章 of the year (of the chosen series' 保管期限), or the photo catalogue."""
        from huiquan_desk.services import archive_prints

        _text, what, name = self.PRINTS[key]
        write = getattr(archive_prints, name)
        group = self.current_group()
        retention = group.retention if group else None
        path = ask_save_path(self, what, f"{what}_{self.year}{'_' + retention if retention else ''}.pdf", "pdf")
        if path is None:
            return None
        year = self.year

        def work(progress):  # type: ignore[no-untyped-def]
            if key == "photos":
                return write(self.ws, year, path, progress)
            return write(self.ws, year, path, retention=retention)

        unit = self.tr("盒") if key in ("labels", "sheets") else self.tr("件")
        return Task(self, self.tr("正在导出{0}…").format(what), work,
                    lambda count: self._exported(what, unit)(count, path), lambda err: messages.show_error(self, err))

    def check_files(self) -> Task:
        """检测: every archived file against its SHA-256, and that it opens; the line above says the result."""
        from huiquan_desk.ui import archive_care

        return archive_care.run_fixity_check(self, self.ws, done=lambda _report: self.reload())

    def destruction(self) -> None:
        from huiquan_desk.ui import archive_care

        archive_care.open_destruction(self, self.ws)
        self.reload()
        self.changed.emit()

    def package(self) -> Task | None:
        """移交包 of the year shown: files named by 档号, the catalogue and a SHA-256 manifest."""
        from huiquan_desk.ui import archive_care

        return archive_care.export_package_dialog(self, self.ws, self.year, done=lambda info: (
            self.status.setText(self.tr("已导出{0}。").format(info.summary)), self.after_export.show_file(
                info.path, self.tr("已导出{0}年度档案移交包。").format(self.year))))
