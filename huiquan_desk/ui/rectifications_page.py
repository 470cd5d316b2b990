"""整改台账: every problem found (自查 / 暗访 / 督查 / 上级通报) on its way to 验收.

The table lists them with filters (status, source, year, only overdue, text); an open one past its
deadline is red and says 「逾期 N 天」. Under it, the chosen one: its steps 待整改 → 整改中 → 已整改 →
已验收 with the button to the next (验收 asks who and when) and 退回… (to which state and why); its
整改前 and 整改后 photos side by side (添加… or drop files, double-click to view, 说明…, 删除 to the
recycle bin; frozen once verified); its 督办单 PDF. The ledger (整改台账) prints as Excel or PDF.

The page says how many are overdue through `overdue_changed(count)`: the main window shows it in
the navigation (「整改台账」 over 「2 项逾期」)."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.assessment import Status
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import inspection_prints
from huiquan_desk.services import rectification_photos as rp
from huiquan_desk.services import rectifications as rs
from huiquan_desk.services.ledgers import LEDGERS, LedgerParams
from huiquan_desk.services.rectification_photos import NewRectificationPhoto, RectificationPhotoInfo
from huiquan_desk.services.rectifications import RectificationRow
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.after_export import AfterExportBar
from huiquan_desk.ui.export_actions import ask_save_path, export_in_background
from huiquan_desk.ui.rectification_dialogs import (
    RectificationDialog,
    RectificationPhotoViewer,
    StepBackDialog,
    VerifyDialog,
    pick_photos,
)
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import EmptyHint, ThumbnailList, mark_writes, read_only_table, thumbnail

OVERDUE_COLOR = "#c0392b"
THUMB, THUMB_GRID = QSize(96, 72), QSize(112, 100)
LATE_MARK = "\x00late\x00"  # where the red 「逾期 N 天」 goes in the escaped text


def late_html(days: int) -> str:
    return f"<b style='color:{OVERDUE_COLOR}'>（逾期 {days} 天）</b>"
ALL = None


def days_overdue(row: RectificationRow, today: date) -> int:
    """How many days an open rectification is past its deadline (0: it is not overdue)."""
    return (today - row.deadline).days if row.deadline is not None and row.is_overdue(today) else 0


def status_text(row: RectificationRow, today: date) -> str:
    """整改中, or 「整改中（逾期 5 天）」."""
    late = days_overdue(row, today)
    return f"{row.status_label}（逾期 {late} 天）" if late else row.status_label


class RectificationModel(RowsModel):
    """The rows of the table, an overdue one in red."""

    def __init__(self, columns, today: date, parent=None):  # type: ignore[no-untyped-def]
        super().__init__(columns, parent)
        self.today = today

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and 0 <= index.row() < len(self.rows):
            return QBrush(QColor(OVERDUE_COLOR)) if days_overdue(self.rows[index.row()], self.today) else None
        return super().data(index, role)


class PhotoPanel(QGroupBox):
    """The 整改前 or 整改后 photos of the chosen rectification: thumbnails (files dropped on them are
    added), 添加…, 说明…, 删除; double-click opens the viewer."""

    def __init__(self, page: RectificationsPage, stage: str):
        super().__init__()
        self.page, self.stage = page, stage
        self.photos: list[RectificationPhotoInfo] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.thumbs = ThumbnailList(THUMB, THUMB_GRID)
        self.thumbs.setMinimumHeight(100)
        self.thumbs.files_dropped.connect(lambda paths: page.add_photos(stage, paths))
        self.thumbs.itemDoubleClicked.connect(lambda _item: self.view())
        layout.addWidget(self.thumbs, 1)
        self.hint = EmptyHint(self.thumbs, self._hint_text)
        self.hint.setStyleSheet("color: #5f6b76; font-size: 12px; padding-top: 24px;")
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加…"))
        self.add_button.clicked.connect(lambda: page.add_photos(stage, pick_photos(page, rp.STAGE_LABELS[stage])))
        self.view_button = QPushButton(self.tr("查看"))
        self.view_button.clicked.connect(self.view)
        self.caption_button = QPushButton(self.tr("说明…"))
        self.caption_button.clicked.connect(self.edit_caption)
        self.remove_button = QPushButton(self.tr("删除"))
        self.remove_button.clicked.connect(self.remove)
        mark_writes(self.add_button, self.caption_button, self.remove_button)
        for button in (self.add_button, self.view_button, self.caption_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.show_photos([], None)

    def _hint_text(self) -> str:
        row = self.page.current
        if row is None:
            return self.tr("先在上方选中一个问题")
        if row.status == Status.VERIFIED.value:
            return self.tr("验收时没有{0}照片").format(rp.STAGE_LABELS[self.stage])
        return self.tr("把照片拖到这里，或点「添加…」")

    def show_photos(self, photos: list[RectificationPhotoInfo], row: RectificationRow | None) -> None:
        self.photos = photos
        self.thumbs.clear()
        for info in photos:
            item = QListWidgetItem(QIcon(thumbnail(info.path)), info.title)
            item.setToolTip(f"{info.title}\n{info.original_name}" + (f"\n拍摄于 {info.taken_at:%Y-%m-%d %H:%M}"
                                                                      if info.taken_at else ""))
            self.thumbs.addItem(item)
        self.hint.update_hint()
        label = rp.STAGE_LABELS[self.stage]
        self.setTitle(self.tr("{0}照片（{1} 张）").format(label, len(photos)) if row else self.tr("{0}照片").format(label))
        frozen = row is not None and row.status == Status.VERIFIED.value
        writable = self.page.writable
        for button in (self.add_button, self.caption_button, self.remove_button):
            button.setEnabled(row is not None and not frozen and writable
                              and (button is self.add_button or bool(photos)))
            button.setToolTip(self.tr("已验收：照片按验收时保留；要修改请先「退回…」") if frozen else "")
        self.thumbs.setAcceptDrops(row is not None and not frozen and writable)
        self.view_button.setEnabled(bool(photos))

    def current(self) -> RectificationPhotoInfo | None:
        index = self.thumbs.currentRow()
        if 0 <= index < len(self.photos):
            return self.photos[index]
        if self.photos:
            self.page.status.setText(self.tr("请先点选一张{0}照片。").format(rp.STAGE_LABELS[self.stage]))
        return None

    def view(self) -> None:
        if not self.photos:
            return
        index = max(0, self.thumbs.currentRow())
        viewer = RectificationPhotoViewer(self.photos, index, self.page)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        self.page.viewer = viewer

    def edit_caption(self) -> None:
        if (info := self.current()) is None:
            return
        text = messages.ask_text(self, self.tr("照片说明"), self.tr("这张{0}照片拍的是（如：3 栋楼道，清理后）：")
                                 .format(info.stage_label), info.caption)
        if text is not None:
            self.page.write(lambda s: rp.set_caption(s, info.id, text), self.tr("已保存照片说明。"))

    def remove(self) -> None:
        if (info := self.current()) is None:
            return
        if messages.confirm(self, self.tr("删除照片"), self.tr("删除这张{0}照片「{1}」？可在「回收站」恢复。")
                            .format(info.stage_label, info.title), self.tr("删除")):
            self.page.write(lambda s: rp.remove_photo(s, info.id), self.tr("已删除照片，可在回收站恢复。"))


class RectificationsPage(QWidget):
    changed = Signal()
    overdue_changed = Signal(int)  # how many are overdue now (the navigation says it)

    def __init__(self, ws: Workspace, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.ws = ws
        self.today_fixed = today  # tests pin the day; else date.today() at each reload
        self.current: RectificationRow | None = None
        self.viewer: QWidget | None = None
        self.photo_task: Task | None = None  # photos being stored
        layout = QVBoxLayout(self)
        layout.addLayout(self._filter_bar())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        self.model = RectificationModel([
            Col("编号", lambda r: str(r.id), "center", width=44),  # what the 督办单 is numbered by (督〔2026〕第 N 号)
            Col(rules.RECTIFICATION_LABELS["problem"], lambda r: r.problem, tooltip=lambda r: r.problem, width=280),
            Col("来源", lambda r: r.source_label, "center", width=64),
            Col(rules.RECTIFICATION_LABELS["found_on"], lambda r: f"{r.found_on:%Y-%m-%d}", "center", width=90),
            Col(rules.RECTIFICATION_LABELS["item_id"], lambda r: r.item_code, "center", width=70),
            Col(rules.RECTIFICATION_LABELS["deduction"], lambda r: f"{r.deduction:g}" if r.deduction else "", "right", width=50),
            Col(rules.RECTIFICATION_LABELS["responsible"], lambda r: r.responsible, "center", width=70),
            Col(rules.RECTIFICATION_LABELS["deadline"], lambda r: f"{r.deadline:%Y-%m-%d}" if r.deadline else "", "center",
                width=90),
            Col("状态", lambda r: status_text(r, self.today), "center", width=130),
            Col("验收", lambda r: f"{r.verified_by} {r.verified_on:%Y-%m-%d}" if r.verified_on else "", "center", width=130),
            Col("照片(前/后)", lambda r: "/".join(map(str, self.counts.get(r.id, (0, 0)))), "center", width=80),
        ], date.today(), self)
        self.counts: dict[int, tuple[int, int]] = {}
        self.view = read_only_table(self.model)
        self.view.setSortingEnabled(False)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.show_current())
        self.view.doubleClicked.connect(lambda _i: self.edit())
        self.empty_hint = EmptyHint(self.view, self._empty_text)
        splitter.addWidget(self.view)
        splitter.addWidget(self._detail())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([250, 300])
        layout.addWidget(splitter, 1)
        self.after_export = AfterExportBar()
        layout.addWidget(self.after_export)
        bottom = QHBoxLayout()
        self.summary = QLabel()  # how many, how many overdue
        self.status = QLabel()  # what the last action did
        self.status.setWordWrap(True)
        bottom.addWidget(self.summary)
        bottom.addSpacing(16)
        bottom.addWidget(self.status, 1)
        layout.addLayout(bottom)
        self.reload()

    # --- building ---------------------------------------------------------------------------------
    @property
    def today(self) -> date:
        return self.today_fixed or date.today()

    @property
    def writable(self) -> bool:
        from huiquan_desk.services.permissions import Role

        return not self.ws.read_only and self.ws.role in (Role.ADMIN, Role.EDITOR)

    def _button(self, text: str, slot, writes: bool = False, primary: bool = False) -> QPushButton:  # type: ignore[no-untyped-def]
        button = QPushButton(text)
        button.clicked.connect(lambda _=False: slot())
        if writes:
            mark_writes(button)
        if primary:
            button.setObjectName("primary")
        return button

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(self._button(self.tr("登记问题"), self.new, writes=True, primary=True))
        self.edit_button = self._button(self.tr("修改…"), self.edit, writes=True)
        bar.addWidget(self.edit_button)
        bar.addWidget(self._button(self.tr("删除"), self.delete, writes=True))
        bar.addSpacing(12)
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("全部状态"), ALL)
        for key, label in rules.STATUS_LABELS.items():
            self.status_filter.addItem(label, key)
        self.source_filter = QComboBox()
        self.source_filter.addItem(self.tr("全部来源"), ALL)
        for key, label in rules.SOURCE_LABELS.items():
            self.source_filter.addItem(label, key)
        self.year_filter = QComboBox()
        self.overdue_only = QCheckBox(self.tr("只看逾期"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按问题或责任人查找"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.status_filter, self.source_filter, self.year_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
            bar.addWidget(combo)
        self.overdue_only.toggled.connect(lambda _on: self.reload())
        bar.addWidget(self.overdue_only)
        bar.addWidget(self.search, 1)
        bar.addWidget(self._button(self.tr("整改台账 Excel…"), lambda: self.export_ledger("xlsx")))
        bar.addWidget(self._button(self.tr("整改台账 PDF…"), lambda: self.export_ledger("pdf")))
        return bar

    def _detail(self) -> QWidget:
        panel = QWidget()
        row = QHBoxLayout(panel)
        row.setContentsMargins(0, 4, 0, 0)
        left = QVBoxLayout()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left.addWidget(self.title)
        flow = QHBoxLayout()
        flow.setSpacing(4)
        self.steps: dict[str, QLabel] = {}
        for index, status in enumerate(rules.STATUS_ORDER):
            if index:
                arrow = QLabel("→")
                arrow.setStyleSheet("color: #8a96a3;")
                flow.addWidget(arrow)
            label = QLabel(status.label)
            self.steps[status.value] = label
            flow.addWidget(label)
        flow.addStretch(1)
        left.addLayout(flow)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left.addWidget(self.info)
        buttons = QHBoxLayout()
        self.next_button = self._button(self.tr("推进到下一步"), self.advance, writes=True, primary=True)
        self.back_button = self._button(self.tr("退回…"), self.step_back, writes=True)
        self.order_button = self._button(self.tr("督办单 PDF…"), self.export_order)
        for button in (self.next_button, self.back_button, self.order_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        left.addStretch(1)
        holder = QWidget()
        holder.setLayout(left)
        holder.setMinimumWidth(330)
        holder.setMaximumWidth(420)
        row.addWidget(holder, 0)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        row.addWidget(line)
        self.before = PhotoPanel(self, rp.BEFORE)
        self.after = PhotoPanel(self, rp.AFTER)
        row.addWidget(self.before, 1)
        row.addWidget(self.after, 1)
        return panel

    def _empty_text(self) -> str:
        if self._filtered():
            return self.tr("没有符合条件的整改问题。")
        return self.tr("还没有整改问题。\n自查、暗访、督查或上级通报发现问题时，点「登记问题」记下责任人和整改时限；"
                       "测评自查中的问题也可以一步转为整改。")

    def _filtered(self) -> bool:
        return bool(self.status_filter.currentData() or self.source_filter.currentData()
                    or self.year_filter.currentData() or self.overdue_only.isChecked() or self.search.text().strip())

    # --- loading ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Another page (the bin, the self-assessment) may have changed what this one shows."""
        self.reload()

    def reload(self, select: int | None = None) -> None:
        current = select if select is not None else (self.current.id if self.current else None)
        today = self.today
        with self.ws.read() as session:
            years = rs.years_found(session)
            rows = rs.list_rectifications(session, status=self.status_filter.currentData(),
                                          source=self.source_filter.currentData(),
                                          overdue_on=today if self.overdue_only.isChecked() else None,
                                          text=self.search.text(), year=self.year_filter.currentData())
            self.counts = rp.photo_counts(session)
            overdue = rs.overdue_count(session, today)
            total = len(rs.list_rectifications(session)) if self._filtered() else len(rows)
        self._fill_years(years)
        self.model.today = today
        self.model.set_rows(rows)
        index = next((i for i, r in enumerate(rows) if r.id == current), 0 if rows else -1)
        if index >= 0:
            self.view.selectRow(index)
            self.view.setCurrentIndex(self.model.index(index, 0))
        self.show_current()
        summary = self.tr("共 {0} 个问题").format(total) if len(rows) == total else \
            self.tr("找到 {0} 个（共 {1} 个）").format(len(rows), total)
        if overdue:
            summary += self.tr("；<b style='color:{0}'>{1} 个已逾期未整改</b>（红色）").format(OVERDUE_COLOR, overdue)
        self.summary.setText(summary + self.tr("。"))
        self.overdue_changed.emit(overdue)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _fill_years(self, years: list[int]) -> None:
        chosen = self.year_filter.currentData()
        wanted = [None, *years] if chosen is None or chosen in years else [None, chosen, *years]
        if [self.year_filter.itemData(i) for i in range(self.year_filter.count())] == wanted:
            return
        self.year_filter.blockSignals(True)
        self.year_filter.clear()
        for year in wanted:
            self.year_filter.addItem(self.tr("全部年度") if year is None else self.tr("{0} 年").format(year), year)
        self.year_filter.setCurrentIndex(max(0, self.year_filter.findData(chosen)) if chosen is not None else 0)
        self.year_filter.blockSignals(False)

    def selected(self) -> RectificationRow | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.row(index.row())

    def show_current(self) -> None:
        row = self.selected()
        self.current = row
        photos: list[RectificationPhotoInfo] = []
        if row is not None:
            with self.ws.read() as session:
                photos = rp.list_photos(session, row.id, self.ws.files)
        self.before.show_photos([p for p in photos if p.stage == rp.BEFORE], row)
        self.after.show_photos([p for p in photos if p.stage == rp.AFTER], row)
        for button in (self.next_button, self.back_button, self.order_button):
            button.setVisible(row is not None)
        frozen = row is not None and row.status == Status.VERIFIED.value
        self.edit_button.setEnabled(self.writable and not frozen)
        self.edit_button.setToolTip(self.frozen_text() if frozen else "" if self.writable
                                    else self.tr("当前账号只能查看和打印"))
        self.order_button.setEnabled(not frozen)  # a 督办单 urges; a verified problem needs none
        self.order_button.setToolTip(self.tr("已验收的问题不再督办") if frozen else "")
        if row is None:
            self.title.setText(self.tr("选中一个问题，查看它的整改进度和整改前后照片"))
            self.info.clear()
            for label in self.steps.values():
                label.setStyleSheet("color: #8a96a3; padding: 2px 6px;")
            return
        self.title.setText(row.problem)
        order = [s.value for s in rules.STATUS_ORDER]
        for status, label in self.steps.items():
            if status == row.status:
                label.setStyleSheet("background: #2c6fbb; color: white; font-weight: bold; border-radius: 4px; padding: 2px 8px;")
            elif order.index(status) < order.index(row.status):
                label.setStyleSheet("color: #1e8449; padding: 2px 6px;")
            else:
                label.setStyleSheet("color: #8a96a3; padding: 2px 6px;")
        parts = [f"{row.source_label} · 发现于 {row.found_on:%Y-%m-%d}"]
        if row.item_code:
            parts.append(f"测评项目 {row.item_code}" + (f"（扣 {row.deduction:g} 分）" if row.deduction else ""))
        parts.append(f"责任人 {row.responsible or '未定'}")
        late = days_overdue(row, self.today)
        deadline = f"整改时限 {row.deadline:%Y-%m-%d}" if row.deadline else "未设整改时限"
        text = "　".join(parts) + "\n" + deadline
        if late:
            text += f" {LATE_MARK}"
        if row.verified_on:
            text += f"　验收：{row.verified_by} {row.verified_on:%Y-%m-%d}"
        if row.remarks:
            last = row.remarks.splitlines()[-1]
            text += "\n" + self.tr("备注：") + (last if len(last) <= 60 else last[:59] + "…")
        self.info.setText(html.escape(text).replace("\n", "<br>").replace(LATE_MARK, late_html(late)))
        self.info.setToolTip(row.remarks)
        target = self._next_status(row)
        self.next_button.setVisible(target is not None)
        if target is not None:
            self.next_button.setText(self.tr("验收…") if target is Status.VERIFIED
                                     else self.tr("推进到「{0}」").format(target.label))
        self.back_button.setEnabled(row.status != Status.PENDING.value and self.writable)

    def frozen_text(self) -> str:
        return self.tr("已验收：整改闭环的记录不能再修改；要修改请先「退回…」到「已整改」并写明原因")

    @staticmethod
    def _next_status(row: RectificationRow) -> Status | None:
        order = rules.STATUS_ORDER
        index = order.index(Status(row.status))
        return order[index + 1] if index + 1 < len(order) else None

    def show_record(self, table: str, record_id: int) -> bool:
        """Select rectification `record_id` (clearing the filters that hide it); False if it is gone."""
        if table != "rectifications":
            return False
        with self.ws.read() as session:
            try:
                rs.get_rectification(session, record_id)
            except HuiquanError:
                return False
        self._set_filters(overdue=False)
        self.reload(select=record_id)
        return self.current is not None and self.current.id == record_id

    def show_overdue(self) -> None:
        """Every overdue one and only those (the home page's 逾期整改): the other filters cleared."""
        self._set_filters(overdue=True)
        self.reload()

    def _set_filters(self, overdue: bool) -> None:
        """All statuses, sources and years, no search text; 只看逾期 as asked (no reload)."""
        for widget in (self.status_filter, self.source_filter, self.year_filter, self.overdue_only, self.search):
            widget.blockSignals(True)
        for combo in (self.status_filter, self.source_filter, self.year_filter):
            combo.setCurrentIndex(0)
        self.overdue_only.setChecked(overdue)
        self.search.clear()
        self._search_timer.stop()
        for widget in (self.status_filter, self.source_filter, self.year_filter, self.overdue_only, self.search):
            widget.blockSignals(False)

    # --- actions ----------------------------------------------------------------------------------
    def write(self, action, message: str, select: int | None = None) -> bool:  # type: ignore[no-untyped-def]
        """Run `action(session)` as one transaction; a failure goes to the one message box."""
        try:
            with self.ws.write() as session:
                action(session)
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self._say(message)
        self.reload(select)
        self.changed.emit()
        return True

    def _require(self) -> RectificationRow | None:
        if self.current is None:
            self._say(self.tr("请先在表中选中一个问题。"))
        return self.current

    def new(self) -> None:
        saved = RectificationDialog.ask(self.ws, None, self)
        if saved is not None:
            self._say(self.tr("已登记。可在下方添加整改前照片，或导出督办单交给责任人。"))
            self.reload(saved)
            self.changed.emit()

    def edit(self) -> None:
        if (row := self._require()) is None:
            return
        if row.status == Status.VERIFIED.value:  # a double-click on a verified one
            self._say(self.frozen_text())
            return
        if RectificationDialog.ask(self.ws, row.id, self) is not None:
            self._say(self.tr("已保存。"))
            self.reload(row.id)
            self.changed.emit()

    def delete(self) -> None:
        row = self._require()
        if row is None or not messages.confirm(self, self.tr("删除整改问题"), self.tr(
                "删除「{0}」及其整改照片？可在「回收站」恢复。").format(row.problem[:40]), self.tr("删除")):
            return
        self.write(lambda s: rs.delete_rectification(s, row.id), self.tr("已删除，可在回收站恢复。"))

    def advance(self) -> None:
        row = self._require()
        target = self._next_status(row) if row else None
        if row is None or target is None:
            return
        with self.ws.read() as session:
            missing_after = rp.missing_after_photo(session, row.id)
        if target is Status.VERIFIED:
            answer = VerifyDialog.ask(row, missing_after, parent=self)
            if answer is None:
                return
            who, when = answer
            self.write(lambda s: rs.set_status(s, row.id, target.value, verified_by=who, verified_on=when),
                       self.tr("已验收（{0}，{1}）。整改闭环，照片已按验收时保留。").format(who, f"{when:%Y-%m-%d}"))
            return
        if target is Status.DONE and missing_after and not messages.confirm(
                self, self.tr("还没有整改后照片"),
                self.tr("「{0}」还没有整改后照片。验收时一般要对照整改前后的照片。\n仍标为「已整改」吗？（照片可以之后再加）")
                .format(row.problem[:40]), self.tr("仍标为已整改")):
            return
        note = self.tr("，记得添加整改后照片") if target is Status.DONE and missing_after else ""
        self.write(lambda s: rs.set_status(s, row.id, target.value),
                   self.tr("已推进到「{0}」{1}。").format(target.label, note))

    def step_back(self) -> None:
        row = self._require()
        if row is None:
            return
        try:
            answer = StepBackDialog.ask(row, self)
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        if answer is None:
            return
        target, reason = answer
        self.write(lambda s: rs.set_status(s, row.id, target, reason=reason, on=self.today),
                   self.tr("已退回「{0}」，原因已记入备注。").format(rules.STATUS_LABELS[target]))

    def add_photos(self, stage: str, paths: list[str]) -> Task | None:
        """Store the photos off the GUI thread (hashing, copying, a HEIC's rendition), in one transaction."""
        row = self._require()
        if row is None or not paths:
            return None
        items = [NewRectificationPhoto(p, stage) for p in paths]
        ws, rect_id = self.ws, row.id
        message = self.tr("已添加 {0} 张{1}照片。").format(len(items), rp.STAGE_LABELS[stage])

        def work(_progress) -> None:  # type: ignore[no-untyped-def]
            with ws.write() as session:
                rp.add_photos(session, rect_id, items, ws.files)

        def done(_result: object) -> None:
            self._say(message)
            self.reload()
            self.changed.emit()

        self.photo_task = Task(self, self.tr("正在保存照片…"), work, done, lambda err: messages.show_error(self, err))
        return self.photo_task

    # --- prints -----------------------------------------------------------------------------------
    def _exported(self, text: str):  # type: ignore[no-untyped-def]
        def done(_count: int, path: Path) -> None:
            self._say(text)
            self.after_export.show_file(path, text)
        return done

    def export_order(self) -> Task | None:
        """The 督办单 of the chosen problem, written off the GUI thread."""
        row = self._require()
        if row is None:
            return None
        try:
            with self.ws.read() as session:
                inspection_prints.supervision_order_of(session, row.id, self.today)  # refused before asking where
        except HuiquanError as err:
            messages.show_error(self, err)
            return None
        path = ask_save_path(self, self.tr("督办单"), inspection_prints.order_file_name(row), "pdf")
        if path is None:
            return None
        today, ws = self.today, self.ws  # the worker never touches the page
        return Task(self, self.tr("正在导出督办单…"),
             lambda _progress: inspection_prints.export_supervision_order(ws, row.id, path, today),
             lambda written: self._exported(self.tr("已导出督办单（{0}）。").format(row.problem[:20]))(1, written),
             lambda err: messages.show_error(self, err))

    def export_ledger(self, fmt: str) -> Task | None:
        """整改台账 of the year chosen (of every year when none is)."""
        year = self.year_filter.currentData()
        params = LedgerParams(date_from=date(year, 1, 1), date_to=date(year, 12, 31)) if year else LedgerParams()
        entry = LEDGERS["rectifications"]
        return export_in_background(self, self.ws, "rectifications", params, fmt, done=lambda count, path: self._exported(
            self.tr("已导出{0}，共 {1} {2}。").format(entry.title, count, entry.rows))(count, path))
