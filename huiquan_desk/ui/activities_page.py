"""The activity ledger page: filters, search-as-you-type, the table, photos, import and export.

Typing never waits for a count: a search shows the first block of rows as soon as it is found
(ActivityTableModel.show_first); the whole list of a search that has more, and the number of
activities without photos, are counted off the GUI thread (`_count_in_background`, one count at a
time), and the summary line says the exact count once it is known.

A ledger exported or printed from here holds what the filters on screen hold (`ledger_params`): the
dates, category, search text, status and 「只看没有照片的」 — except that 全部状态 leaves 计划中 out
(a plan is not yet a record) unless 「台账含计划中」 is ticked. The summary line says what was included;
the bar under the table (ui.after_export) opens, shows or prints the file.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.activity import STATUS_LABELS, AttachmentKind, NewAttachment
from huiquan_desk.domain.dates import span_text
from huiquan_desk.domain.errors import HuiquanError, Problem, ValidationError
from huiquan_desk.domain.volunteer import hours_text
from huiquan_desk.services import activities as activity_service
from huiquan_desk.services import service_hours
from huiquan_desk.services.activities import ActivityFilter, AttachmentInfo
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.ledgers import ALL_STATUSES, LEDGERS, LedgerParams
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.activity_dialog import ActivityDialog, image_files
from huiquan_desk.ui.activity_model import SHOWN_ORDER, WIDTHS, ActivityTableModel, column_of
from huiquan_desk.ui.after_export import AfterExportBar, print_copy_path, print_in_background
from huiquan_desk.ui.export_actions import ask_new_folder, ask_open_path, ask_save_path, export_in_background
from huiquan_desk.ui.import_dialog import ImportDialog
from huiquan_desk.ui.photo_viewer import PhotoViewer
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import (
    EmptyHint,
    ThumbnailList,
    fit_window,
    from_qdate,
    mark_writes,
    thumbnail,
    to_qdate,
)

SEARCH_DELAY_MS = 150
GAPS_DELAY_MS = 400  # the photo-gap count waits until typing pauses
log = logging.getLogger("huiquan_desk.ui")


class ActivitiesPage(QWidget):
    changed = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.photos: list[AttachmentInfo] = []
        self.photos_of: activity_service.ActivityRow | None = None  # the activity whose photos are shown
        self.last_export: Path | None = None
        self.last_print: Task | None = None  # the printing of 打印… (after its PDF is written)
        self._print_path: Path | None = None  # the temporary PDF being written for 打印…
        self._detail_ids: list[int] | None = None  # the activities the detail pane shows
        self._build()
        self.reload_categories()
        self.apply_filter()

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        actions = QHBoxLayout()
        self.new_button = QPushButton(self.tr("新建活动"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_activity)
        self.edit_button = QPushButton(self.tr("编辑"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton(self.tr("删除"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.attendance_button = QPushButton(self.tr("志愿服务登记…"))
        self.attendance_button.setToolTip(self.tr("勾选到场的志愿者，一次记下服务时长"))
        self.attendance_button.clicked.connect(self.record_attendance)
        self.import_button = QPushButton(self.tr("从 Excel 导入…"))
        self.import_button.clicked.connect(lambda: self.import_file())
        self.template_button = QPushButton(self.tr("保存导入模板…"))
        self.template_button.clicked.connect(lambda: self.save_template())
        self.xlsx_button = QPushButton(self.tr("导出 Excel…"))
        self.xlsx_button.setToolTip(self.tr("把筛选出的活动保存成 Excel 台账文件"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button = QPushButton(self.tr("导出 PDF…"))
        self.pdf_button.setToolTip(self.tr("把筛选出的活动保存成 PDF 台账文件"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.photos_button = QPushButton(self.tr("导出图片记录…"))
        self.photos_button.setToolTip(self.tr("筛选出的活动的照片（附说明）和签到表：A4 图片记录页 PDF，或原始照片文件夹"))
        photos_menu = QMenu(self.photos_button)
        photos_menu.addAction(self.tr("图片记录 PDF…"), lambda: self.export_photos("pdf"))
        photos_menu.addAction(self.tr("原始照片文件夹…"), lambda: self.export_photos("folder"))
        self.photos_button.setMenu(photos_menu)
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.setToolTip(self.tr("选择打印机，打印筛选出的活动台账（Ctrl+P）"))
        self.print_button.clicked.connect(lambda: self.print_ledger())
        self.include_planned = QCheckBox(self.tr("台账含计划中"))
        self.include_planned.setToolTip(self.tr("「全部状态」时，导出和打印的台账默认不含「计划中」的活动（计划还不是开展的记录）；"
                                                "勾选后一并列入"))
        self.new_button.setObjectName("primary")
        mark_writes(self.new_button, self.edit_button, self.delete_button, self.attendance_button, self.import_button)
        for button in (self.new_button, self.edit_button, self.delete_button, self.attendance_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.import_button, self.template_button, self.include_planned, self.xlsx_button,
                       self.pdf_button, self.photos_button, self.print_button):
            actions.addWidget(button)
        layout.addLayout(actions)

        filters = QHBoxLayout()
        today = date.today()
        self.date_from = QDateEdit(to_qdate(date(today.year, 1, 1)))
        self.date_to = QDateEdit(to_qdate(date(today.year, 12, 31)))
        for edit in (self.date_from, self.date_to):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            edit.dateChanged.connect(self.apply_filter)
        self.category = QComboBox()
        self.category.setMinimumWidth(150)
        self.category.currentIndexChanged.connect(self.apply_filter)
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), None)
        for status, label in STATUS_LABELS.items():
            self.status.addItem(label, status.value)
        self.status.currentIndexChanged.connect(self.apply_filter)
        self.status.currentIndexChanged.connect(
            lambda _i: self.include_planned.setEnabled(self.status.currentData() is None))
        self.without_photos = QCheckBox(self.tr("只看没有照片的"))
        self.without_photos.toggled.connect(self.apply_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索名称、内容、地点（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self._gaps_timer = QTimer(self, singleShot=True, interval=GAPS_DELAY_MS)
        self._gaps_timer.timeout.connect(self._count_in_background)
        self._counting: Task | None = None  # the background count running, if any
        self._count_again = False  # asked for while one was running: count again when it is done
        self._pending_selection: list[int] = []  # to select once a search's whole list is known
        self._selection_shown: list[int] = []  # … unless the user has chosen other rows meanwhile
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for widget in (QLabel(self.tr("时间")), self.date_from, QLabel(self.tr("至")), self.date_to,
                       QLabel(self.tr("类别")), self.category, self.status, self.without_photos):
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = ActivityTableModel(self._query_ids, self._fetch_rows, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for shown, key in enumerate(SHOWN_ORDER):
            header.moveSection(header.visualIndex(column_of(key)), shown)
            header.resizeSection(column_of(key), WIDTHS[key])
        header.setStretchLastSection(True)
        self.empty_hint = EmptyHint(self.table, self._empty_text)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.model.sort_indicator_reset.connect(lambda column, order: header.setSortIndicator(column, order))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        splitter.addWidget(self.table)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        self.detail = QLabel(self.tr("选择一项活动查看详情和照片"))
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.strip = ThumbnailList(QSize(150, 112), QSize(165, 140))
        self.strip.files_dropped.connect(self.add_photos_to_selected)
        self.strip.itemDoubleClicked.connect(self.open_photo)
        drop_hint = QLabel(self.tr("把照片拖到这里即可添加到所选活动；双击照片放大查看"))
        drop_hint.setWordWrap(True)
        drop_hint.setStyleSheet("color: #666;")
        side_layout.addWidget(self.detail)
        side_layout.addWidget(self.strip, 1)
        side_layout.addWidget(drop_hint)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 340])
        layout.addWidget(splitter, 1)
        self.after_export = AfterExportBar()
        layout.addWidget(self.after_export)
        self.summary = QLabel()
        self.summary.setWordWrap(True)  # a long line wraps; it never widens the window past the screen
        layout.addWidget(self.summary)

    # --- service calls (each its own short read) -----------------------------------------------
    def _query_ids(self, flt: ActivityFilter, sort: str, descending: bool, limit: int | None = None) -> list[int]:
        with self.ws.read() as session:
            return activity_service.query_ids(session, flt, sort, descending, limit)

    def _fetch_rows(self, ids):
        with self.ws.read() as session:
            return activity_service.fetch_rows(session, ids)

    def reload_categories(self) -> None:
        current = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(self.tr("全部类别"), None)
        with self.ws.read() as session:
            for node in list_categories(session):
                self.category.addItem("　" * node.depth + node.name, node.id)
        self.category.setCurrentIndex(max(0, self.category.findData(current)))
        self.category.blockSignals(False)

    # --- filtering ----------------------------------------------------------------------------
    def current_filter(self) -> ActivityFilter:
        status = self.status.currentData()
        without_photos = self.without_photos.isChecked()
        return ActivityFilter(
            date_from=from_qdate(self.date_from.date()),
            date_to=from_qdate(self.date_to.date()),
            category_id=self.category.currentData(),
            status=activity_service.ActivityStatus(status) if status else None,
            without_photos=without_photos,
            exclude_planned=without_photos and not status,  # a plan has no photos yet: not a gap
            text=self.search.text(),
        )

    def apply_filter(self) -> None:
        """Show the rows of the current filter. A search shows its first block at once; if it has
        more, the whole list is counted in the background (the summary says so meanwhile)."""
        selected = self.selected_ids()
        flt = self.current_filter()
        if flt.text.strip():
            complete = self.model.show_first(flt)
        else:
            self.model.set_filter(flt)
            complete = True
        self._restore_selection(selected)
        self._pending_selection = [] if complete else selected
        self._selection_shown = self.selected_ids()
        if self._selection_shown != self._detail_ids:  # the filter hid the activity shown beside the table
            self.show_selected()
        self._update_summary()

    def refresh(self) -> None:
        selected = self.selected_ids()
        self.model.refresh()
        self._restore_selection(selected)
        self._update_summary()
        self.show_selected()

    def _update_summary(self) -> None:
        """The row count at once (while a search is counted: how many are shown); the whole count
        and the photo gaps from the background count: at once for a search still being counted,
        else once typing pauses."""
        self._show_summary(None)
        if self.model.complete:
            self._gaps_timer.start()
        else:
            self._gaps_timer.stop()
            self._count_in_background()

    def _show_summary(self, gaps: int | None) -> None:
        if not self.model.complete:
            self.summary.setText(self.tr("正在统计……已显示前 {0} 项活动。").format(self.model.rowCount()))
            return
        sentences = [self.tr("共 {0} 项活动。").format(self.model.rowCount())]
        if gaps and self.model.filter.without_photos:  # ticked already: say what to do with them
            sentences.append(self.tr("其中 {0} 项已开展（含已归档）但没有照片：选中一项，把照片拖到右侧即可补上"
                                     "（已归档的请在「档案」录入更正件）。").format(gaps))
        elif gaps:
            sentences.append(self.tr("其中 {0} 项已开展（含已归档）但没有照片，勾选「只看没有照片的」可查看。").format(gaps))
        self.summary.setText("".join(sentences))

    def _empty_text(self) -> str:
        """What the empty table says: how to add the first activity, or how to widen the filter."""
        flt = self.model.filter
        if flt.text.strip() or flt.category_id is not None or flt.status is not None or flt.without_photos:
            return self.tr("没有符合条件的活动。换个搜索词，或放宽上面的类别、状态、「只看没有照片的」。")
        return self.tr("这段时间还没有活动。\n点「新建活动」（Ctrl+N）登记一项，或点「从 Excel 导入…」导入已有的台账。\n"
                       "要看以前的活动，把上面的开始时间往前调。")

    def _count_in_background(self) -> None:
        """Off the GUI thread: the whole id list of a search shown by its first block, and the
        activities of the filter that took place without photos. One count at a time: asked for
        while one runs, the newest filter is counted when it is done."""
        if self._counting is not None:
            self._count_again = True
            return
        model = self.model
        flt, generation, sort, descending = model.filter, model.generation, model.sort_key, model.descending
        need_ids = not model.complete
        gap_filter = activity_service.held_without_photos_filter(flt.date_from, flt.date_to, category_id=flt.category_id,
                                                                 text=flt.text)
        ws = self.ws

        def work(_progress: object) -> tuple[int, ActivityFilter, list[int] | None, int]:
            with ws.read() as session:  # the worker's own short read
                ids = activity_service.query_ids(session, flt, sort, descending) if need_ids else None
                gaps = activity_service.count_activities(session, gap_filter)
            return generation, flt, ids, gaps

        self._counting = Task(self, self.tr("统计活动"), work, self._counted, self._count_failed,
                              ask_before_quit=False, quiet=True)

    def _counted(self, result: tuple[int, ActivityFilter, list[int] | None, int]) -> None:
        self._counting = None
        generation, flt, ids, gaps = result
        untouched = self.selected_ids() == self._selection_shown  # the user has not chosen other rows
        if ids is not None and self.model.complete_with(generation, ids):
            if self._pending_selection and untouched:
                self._restore_selection(self._pending_selection)  # the rows beyond the first block too
            self._pending_selection = []
        if flt == self.model.filter and self.model.complete:
            if flt.status not in (None, activity_service.ActivityStatus.DONE):
                gaps = 0  # only activities that took place need photos
            self._show_summary(gaps)
        self._count_later()

    def _count_failed(self, error: BaseException) -> None:
        """Nothing to show but the rows found: the summary keeps saying how many are shown."""
        self._counting = None
        log.warning("counting activities failed: %s", error)
        if self._count_again:  # another filter meanwhile: count that one
            self._count_again = False
            self._count_in_background()

    def _count_later(self) -> None:
        """After a count: count again if asked meanwhile, or if the table still waits for its rows
        (that count was for a filter or order since replaced)."""
        if self._count_again or not self.model.complete:
            self._count_again = False
            self._count_in_background()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- selection ----------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.id_at(r) for r in rows if r < self.model.rowCount()]

    def select_id(self, activity_id: int) -> None:
        self._restore_selection([activity_id])

    def show_filter(self, date_from: date, date_to: date, *, category_id: int | None = None,
                    status: activity_service.ActivityStatus | None = None, without_photos: bool = False,
                    text: str = "") -> None:
        """Show the activities of this filter (a dashboard tile's list, a jump to a record): the
        filter row is set as a whole and the table refreshed once."""
        widgets = (self.date_from, self.date_to, self.category, self.status, self.without_photos, self.search)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.date_from.setDate(to_qdate(date_from))
            self.date_to.setDate(to_qdate(date_to))
            self.category.setCurrentIndex(max(0, self.category.findData(category_id)))
            self.status.setCurrentIndex(max(0, self.status.findData(status.value if status else None)))
            self.without_photos.setChecked(without_photos)
            self.search.setText(text)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.include_planned.setEnabled(status is None)
        self.apply_filter()

    def show_record(self, table: str, record_id: int) -> bool:
        """Select this activity (MainWindow.show_record); when the filters hide it, show its month."""
        if table != "activities":
            return False
        if self.model.row_of(record_id) < 0:
            with self.ws.read() as session:
                day = activity_service.get_activity(session, record_id, self.ws.files).row.start.date()
            self.show_filter(date(day.year, day.month, 1), date(day.year, 12, 31))
        self.select_id(record_id)
        return self.model.row_of(record_id) >= 0

    def _restore_selection(self, ids: list[int]) -> None:
        """Select these activities again (one selection change, however many rows)."""
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        first_row = -1
        for activity_id in ids:
            row = self.model.row_of(activity_id)
            if row >= 0:
                selection.select(self.model.index(row, 0), self.model.index(row, last))
                first_row = row if first_row < 0 else first_row
        model = self.table.selectionModel()
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if first_row >= 0:
            self.table.scrollTo(self.model.index(first_row, 0))

    def show_selected(self) -> None:
        ids = self.selected_ids()
        self._detail_ids = ids
        self.strip.clear()
        self.photos = []
        if len(ids) != 1:
            self.detail.setText(self.tr("已选 {0} 项").format(len(ids)) if ids else self.tr("选择一项活动查看详情和照片"))
            return
        try:
            with self.ws.read() as session:
                detail = activity_service.get_activity(session, ids[0], self.ws.files)
                served = service_hours.attendance(session, ids[0])
        except HuiquanError:
            return
        r = detail.row
        volunteers = self.tr("志愿者 {0} 人，共 {1} 小时").format(
            len(served), hours_text(sum(a.minutes for a in served))) if served else self.tr("尚未登记志愿者")
        self.detail.setText(
            f"<b>{_html(r.title)}</b><br>{span_text(r.start, r.end)}　{_html(r.category)}<br>"
            f"{self.tr('地点')}：{_html(r.place)}　{self.tr('参与')}：{r.participants} {self.tr('人')}<br>"
            f"{volunteers}<br>"
            f"<span style='color:#444'>{_html(r.content[:300])}</span>"
        )
        self.photos = detail.attachments
        self.photos_of = detail.row  # names a photo saved from the viewer as the folder export does
        for index, info in enumerate(detail.attachments):
            label = info.caption.title or info.original_name
            if info.kind is AttachmentKind.SIGN_IN:
                label = f"[{info.kind.label}] {label}"
            item = QListWidgetItem(QIcon(thumbnail(info.path, QSize(150, 112))), label)
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.strip.addItem(item)

    def open_photo(self, item: QListWidgetItem) -> None:
        viewer = PhotoViewer(self.photos, item.data(Qt.ItemDataRole.UserRole), self, activity=self.photos_of)
        fit_window(viewer, 1000, 760)  # the sizing rule (ui.widgets): a small screen gets a smaller viewer
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()

    # --- actions ------------------------------------------------------------------------------
    def new_activity(self, initial_files: list[str] | None = None) -> None:
        saved = ActivityDialog.ask(self.ws, None, self, initial_files)
        if saved is not None:
            self._after_write(saved)

    def _one_selected(self) -> int | None:
        ids = self.selected_ids()
        if len(ids) != 1:
            messages.show_error(self, ValidationError.single("活动", "请先在表格中选择一项活动" if not ids
                                                             else "一次只能处理一项活动，请只选一项"))
            return None
        return ids[0]

    def edit_selected(self) -> None:
        activity_id = self._one_selected()
        if activity_id is None:
            return
        ids = [activity_id]
        saved = ActivityDialog.ask(self.ws, ids[0], self)
        if saved is not None:
            self._after_write(saved)

    def record_attendance(self) -> None:
        from huiquan_desk.ui.attendance_dialog import AttendanceDialog

        activity_id = self._one_selected()
        if activity_id is None:
            return
        if AttendanceDialog.ask(self.ws, activity_id, self):
            self.show_selected()
            self.changed.emit()

    def _after_write(self, activity_id: int) -> None:
        self.model.refresh()
        self.select_id(activity_id)
        self._update_summary()
        self.show_selected()
        self._say_gaps(activity_id)
        self.changed.emit()

    def _say_gaps(self, activity_id: int) -> None:
        """Saved with something an inspector marks missing: allowed, and said (not an error box)."""
        row = self.model.activity(self.model.row_of(activity_id))
        if row is not None and row.gaps:
            self.after_export.show_note(self.tr("已保存「{0}」。检查时会记为缺项：{1}。可以随时编辑补上。")
                                        .format(row.title, "、".join(row.gaps)))

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            messages.show_error(self, ValidationError.single("活动", "请先在表格中选择要删除的活动"))
            return
        titles = [row.title for i in ids if (row := self.model.activity(self.model.row_of(i)))]
        shown = "\n".join(f"· {t}" for t in titles[:10]) + ("\n……" if len(titles) > 10 else "")
        if not messages.confirm(self, self.tr("删除活动"),
                                self.tr("确定删除以下 {0} 项活动及其照片记录？删除后可在「回收站」中恢复。\n{1}").format(len(ids), shown),
                                self.tr("删除")):
            return
        try:
            with self.ws.write() as session:
                activity_service.delete_activities(session, ids)
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        self.refresh()
        self.changed.emit()

    def add_photos_to_selected(self, paths: list[str]) -> None:
        paths = image_files(paths)
        ids = self.selected_ids()
        if not paths:
            return
        if len(ids) != 1:
            self.new_activity(paths)  # dropped with nothing selected: start a new activity with them
            return
        refused = [f"{Path(p).name}：{why}" for p in paths
                   if (why := activity_service.check_attachment_file(Path(p), AttachmentKind.PHOTO))]
        good = [p for p in paths if not activity_service.check_attachment_file(Path(p), AttachmentKind.PHOTO)]
        try:
            with self.ws.write() as session:
                activity_service.add_attachments(session, ids[0], [NewAttachment(p) for p in good], self.ws.files)
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        if refused:
            messages.show_error(self, ValidationError([Problem("照片", why) for why in refused]))
        self.refresh()
        self.changed.emit()

    def import_file(self, path: Path | None = None) -> ImportDialog | None:
        if path is None:
            path = ask_open_path(self, self.tr("选择活动台账 Excel 文件"), "xlsx")
            if path is None:
                return None
        dialog = ImportDialog(self.ws, path, self)
        dialog.imported.connect(lambda _n: (self.refresh(), self.changed.emit()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def save_template(self, path: Path | None = None) -> None:
        from huiquan_desk.services.activity_import import save_template

        if path is None:
            path = ask_save_path(self, self.tr("保存导入模板"), "活动台账导入模板.xlsx", "xlsx")
            if path is None:
                return
        try:
            with self.ws.read() as session:
                categories = [node.path for node in list_categories(session)]
            save_template(path, categories)
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        self.after_export.show_file(path, self.tr("已保存导入模板：按模板填好后，点「从 Excel 导入…」导入。"))

    def ledger_params(self) -> LedgerParams:
        """The ledger of the filters on screen. 全部状态 leaves 计划中 out (status None) unless
        「台账含计划中」 is ticked; a status chosen on screen is the ledger's."""
        shown = self.current_filter()
        if shown.status is not None:
            status = shown.status.value
        else:
            status = ALL_STATUSES if self.include_planned.isChecked() else None
        return LedgerParams(date_from=shown.date_from, date_to=shown.date_to, category_id=shown.category_id,
                            status=status, text=shown.text.strip(), without_photos=shown.without_photos)

    def ledger_scope(self, params: LedgerParams) -> str:
        """What a ledger of `params` holds besides its dates and category, in words."""
        if params.status is None:
            parts = [self.tr("状态：已开展、已归档（不含计划中）")]
        elif params.status == ALL_STATUSES:
            parts = [self.tr("状态：全部（含计划中）")]
        else:
            parts = [self.tr("状态：{0}").format(STATUS_LABELS[activity_service.ActivityStatus(params.status)])]
        if params.text:
            parts.append(self.tr("检索：{0}").format(params.text))
        if params.without_photos:
            parts.append(self.tr("只含没有照片的活动"))
        return self.tr("；").join(parts)

    def export(self, fmt: str, path: Path | None = None) -> Task | None:
        """导出 Excel… / 导出 PDF…: the ledger of the filters on screen (ledger_params), written off the
        GUI thread; then the summary says what it holds and the bar offers 打开 / 打开所在文件夹 / 打印…."""
        params = self.ledger_params()
        scope = self.ledger_scope(params)

        def done(count: int, written: Path) -> None:
            if written == self._print_path:  # 打印…: the print dialog comes next, not the bar
                self.summary.setText(self.tr("正在打印 {0} 项活动（{1}）。").format(count, scope))
                return
            self.last_export = written
            self.summary.setText(self.tr("已导出 {0} 项活动（{1}）到 {2}").format(count, scope, written.name))
            # The bar keeps the result (with what was included); the summary line is the list's again
            # as soon as the photo count comes back.
            self.after_export.show_file(written, self.tr("已导出活动台账（{0}），共 {1} 项活动。").format(scope, count))

        return export_in_background(self, self.ws, "activities", params, fmt, path, done)

    def export_photos(self, fmt: str, path: Path | None = None) -> Task | None:
        """导出图片记录…: the 活动图片记录 of the filters on screen, as a PDF or a new folder of the
        original photos with caption files (services.photo_record), off the GUI thread."""
        from huiquan_desk.services.photo_record import export_photo_record, suggested_name

        params = self.ledger_params()
        if path is None:
            name = suggested_name(params, fmt)
            path = (ask_save_path(self, self.tr("活动图片记录"), name, "pdf") if fmt == "pdf"
                    else ask_new_folder(self, self.tr("选择放照片文件夹的位置"), name))
        if path is None:
            return None
        target = path

        def done(report) -> None:
            self.last_export = target
            what = self.tr("已导出活动图片记录：{0} 项活动，{1} 张照片，{2} 份签到表。").format(
                report.activities, report.photos, report.sign_ins)
            if report.missing:
                what += self.tr("有 {0} 个照片文件缺失，已标出。").format(len(report.missing))
            self.after_export.show_file(target, what)

        return Task(self, self.tr("正在导出活动图片记录…"),
                    lambda progress: export_photo_record(self.ws, params, target, fmt, progress), done,
                    lambda error: messages.show_error(self, error))

    def print_ledger(self) -> Task | None:
        """打印… (Ctrl+P): the ledger of the filters on screen written as a PDF to a temporary folder,
        then the print dialog; the temporary file is removed once printed (or not)."""
        params = self.ledger_params()
        path = print_copy_path(LEDGERS["activities"].file_stem(params))
        self._print_path = path
        task = self.export("pdf", path)
        if task is None:
            self._print_path = None
            return None
        task.done.connect(lambda _count: self._print_written(path))
        task.failed.connect(lambda _error: setattr(self, "_print_path", None))
        return task

    def _print_written(self, path: Path) -> None:
        self._print_path = None
        scope = self.ledger_scope(self.ledger_params())

        def printed(pages: int) -> None:
            self.summary.setText(self.tr("已打印活动台账（{0}），共 {1} 页。").format(scope, pages))

        self.last_print = print_in_background(self, path, printed, lambda: path.unlink(missing_ok=True))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
