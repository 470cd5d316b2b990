"""操作日志: the audit trail, filtered by record type, record, user, date and text. Read-only.

There is deliberately no button that changes or removes an entry (the database refuses it too).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import audit_log
from huiquan_desk.services.ledgers import LedgerParams
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.after_export import AfterExportBar
from huiquan_desk.ui.export_actions import export_in_background
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import EmptyHint, date_edit, from_qdate, read_only_table

DEFAULT_DAYS = 90  # the page opens on the last three months
LIMIT = 5000




class AuditPage(QWidget):
    changed = Signal()  # never emitted: the trail is read-only; kept so every page wires alike

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.last_export: Path | None = None
        self.record_filter: tuple[str, int] | None = None  # (entity, id): the history of one record
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.entity = QComboBox()
        self.entity.addItem(self.tr("全部对象"), None)
        self.user = QComboBox()
        self.user.addItem(self.tr("全部操作人"), None)
        today = date.today()
        self.date_from = date_edit(today - timedelta(days=DEFAULT_DAYS))
        self.date_to = date_edit(today)
        self.all_dates = QCheckBox(self.tr("全部时间"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索记录名称、内容或操作人"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.reload_rows)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.entity, self.user):
            combo.currentIndexChanged.connect(self._filters_changed)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.reload_rows)
        self.all_dates.toggled.connect(self._dates_toggled)
        for widget in (QLabel(self.tr("对象")), self.entity, QLabel(self.tr("操作人")), self.user, QLabel(self.tr("时间")),
                       self.date_from, QLabel(self.tr("至")), self.date_to, self.all_dates):
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        for fmt, text in (("xlsx", self.tr("导出 Excel…")), ("pdf", self.tr("导出 PDF…"))):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, f=fmt: self.export(f))
            bar.addWidget(button)
        layout.addLayout(bar)

        record_bar = QHBoxLayout()
        self.only_record = QPushButton(self.tr("只看所选记录的历史"))
        self.only_record.clicked.connect(self.follow_selected)
        self.record_label = QLabel()
        self.clear_record = QPushButton(self.tr("显示全部记录"))
        self.clear_record.clicked.connect(lambda: self.show_record(None, None))
        record_bar.addWidget(self.only_record)
        record_bar.addWidget(self.record_label)
        record_bar.addWidget(self.clear_record)
        record_bar.addStretch(1)
        layout.addLayout(record_bar)

        self.model = RowsModel([
            Col("时间", lambda r: f"{r.at:%Y-%m-%d %H:%M:%S}", "center", width=150),
            Col("操作人", lambda r: r.user, "center", width=90),
            Col("操作", lambda r: r.action_label, "center", width=80),
            Col("对象", lambda r: r.entity_label, "center", width=70),
            Col("记录", lambda r: r.record, tooltip=lambda r: r.record, width=240),
            Col("修改内容", lambda r: r.changes, tooltip=lambda r: r.changes, width=500),
        ])
        self.view = read_only_table(self.model)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        self.empty_hint = EmptyHint(self.view, self._empty_text)
        self.details = RowsModel([
            Col("字段", lambda f: f.label, width=160),
            Col("原值", lambda f: f.old, tooltip=lambda f: f.old, width=320),
            Col("新值", lambda f: f.new, tooltip=lambda f: f.new, width=320),
        ])
        self.details_view = read_only_table(self.details)
        self.details_view.setWordWrap(True)
        details_box = QWidget()
        details_layout = QVBoxLayout(details_box)
        details_layout.setContentsMargins(0, 0, 0, 0)
        self.details_title = QLabel(self.tr("选择一条日志查看修改前后的内容"))
        self.details_title.setWordWrap(True)
        details_layout.addWidget(self.details_title)
        details_layout.addWidget(self.details_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(details_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.after_export = AfterExportBar()
        layout.addWidget(self.after_export)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        note = QLabel(self.tr("操作日志由软件自动记录，任何人都不能修改或删除；身份证号、联系方式、出生日期只显示部分内容。"))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.reload()

    # --- filters --------------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        """The current filters, as services.audit_log.query_audit takes them."""
        entity, entity_id = self.entity.currentData(), None
        if self.record_filter is not None:
            entity, entity_id = self.record_filter
        values: dict[str, Any] = {"entity": entity, "entity_id": entity_id, "user": self.user.currentData(),
                                  "text": self.search.text()}
        if not self.all_dates.isChecked():
            values["date_from"] = from_qdate(self.date_from.date())
            values["date_to"] = from_qdate(self.date_to.date())
        return values

    def _empty_text(self) -> str:
        if self.search.text().strip() or self.entity.currentData() is not None or self.user.currentData() is not None:
            return self.tr("没有符合条件的操作日志。换个搜索词，或选「全部对象」「全部操作人」。")
        if not self.all_dates.isChecked():
            return self.tr("这段时间没有操作日志。\n新建、修改、删除活动或志愿者时，软件会自动记在这里；"
                           "勾选「全部时间」可查看更早的记录。")
        return self.tr("还没有操作日志。新建、修改、删除活动或志愿者时，软件会自动记在这里。")

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(not on)
        self.date_to.setEnabled(not on)
        self.reload_rows()

    def _filters_changed(self) -> None:
        if self.record_filter is not None and self.entity.currentData() != self.record_filter[0]:
            self.record_filter = None  # another record type chosen: the single-record view ends
        self.reload_rows()

    def show_record(self, entity: str | None, entity_id: int | None) -> None:
        """Show the whole history of one record (all dates); None, None goes back to all records."""
        if entity is None or entity_id is None:
            self.record_filter = None
        else:
            self.record_filter = (entity, entity_id)
            self._set_combo(self.entity, entity, audit_log.entity_label(entity))
            self.all_dates.blockSignals(True)
            self.all_dates.setChecked(True)
            self.all_dates.blockSignals(False)
            self._dates_toggled(True)
            return
        self.reload_rows()

    def follow_selected(self) -> None:
        row = self.selected_entry()
        if row is not None and row.entity_id is not None:
            self.show_record(row.entity, row.entity_id)

    @staticmethod
    def _set_combo(combo: QComboBox, value: str, label: str) -> None:
        index = combo.findData(value)
        if index < 0:
            combo.addItem(label, value)
            index = combo.count() - 1
        combo.blockSignals(True)
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    # --- loading --------------------------------------------------------------------------------
    def reload(self) -> None:
        with self.ws.read() as session:
            users = audit_log.audit_users(session)
            entities = audit_log.audit_entities(session)
        known = list(audit_log.KNOWN_SUBJECTS)
        self._refill(self.entity, [(audit_log.entity_label(e), e) for e in known + [e for e in entities if e not in known]])
        self._refill(self.user, [(u, u) for u in users])
        self.reload_rows()

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for label, value in items:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        combo.blockSignals(False)

    def reload_rows(self) -> None:
        try:
            with self.ws.read() as session:
                rows = audit_log.query_audit(session, limit=LIMIT, **self.filters())
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        self.model.set_rows(rows)
        if self.record_filter is not None:
            entity, entity_id = self.record_filter
            self.record_label.setText(self.tr("只显示{0} #{1} 的历史").format(audit_log.entity_label(entity), entity_id))
        else:
            self.record_label.setText("")
        self.clear_record.setVisible(self.record_filter is not None)
        more = self.tr("（只显示最新的 {0} 条，请缩小范围；导出时包含全部符合条件的记录）").format(LIMIT) if len(rows) >= LIMIT else ""
        self.status.setText(self.tr("共 {0} 条操作日志{1}").format(len(rows), more))
        if rows:
            self.view.selectRow(0)
        self.show_selected()

    # --- details --------------------------------------------------------------------------------
    def selected_entry(self) -> audit_log.AuditRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def show_selected(self) -> None:
        row = self.selected_entry()
        if row is None:
            self.details.set_rows([])
            self.details_title.setText(self.tr("选择一条日志查看修改前后的内容"))
            return
        self.details.set_rows(row.fields)
        self.details_title.setText(self.tr("{0:%Y-%m-%d %H:%M:%S}  {1}  {2}{3}：{4}").format(
            row.at, row.user, row.action_label, row.entity_label, row.record))
        self.details_view.resizeRowsToContents()

    # --- export ---------------------------------------------------------------------------------
    def _exported(self, count: int, path: Path) -> None:
        self.last_export = path
        self.reload()
        self.status.setText(self.tr("已导出 {0} 条到 {1}").format(count, path))
        self.after_export.show_file(path, self.tr("已导出操作日志，共 {0} 条。").format(count))

    def export(self, fmt: str, path: Path | None = None) -> Task | None:
        params = LedgerParams(**self.filters())
        return export_in_background(self, self.ws, "audit", params, fmt, path, self._exported)
