"""回收站: deleted activities, volunteers and 补录 records, restorable until the bin is emptied."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from huiquan_desk.domain.errors import HuiquanError, Problem, ValidationError
from huiquan_desk.services import recycle_bin
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import EmptyHint, read_only_table


class RecyclePage(QWidget):
    changed = Signal()  # records came back or were removed for good: other pages reload

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.restore_button = QPushButton(self.tr("恢复所选"))
        self.restore_button.setObjectName("primary")
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.purge_button = QPushButton(self.tr("永久删除所选…"))
        self.purge_button.clicked.connect(lambda: self.purge_selected())
        self.empty_button = QPushButton(self.tr("清空回收站…"))
        self.empty_button.clicked.connect(lambda: self.empty())
        for button in (self.restore_button, self.purge_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.empty_button)
        layout.addLayout(bar)
        self.model = RowsModel([
            Col("类型", lambda r: r.entity_label, "center", width=80),
            Col("名称", lambda r: r.label, tooltip=lambda r: r.label, width=320),
            Col("一并删除的内容", lambda r: r.children_text, width=200),
            Col("删除时间", lambda r: f"{r.deleted_at:%Y-%m-%d %H:%M}", "center", width=140),
            Col("删除人", lambda r: r.deleted_by, "center", width=90),
        ])
        self.view = read_only_table(self.model, multi=True)
        self.view.doubleClicked.connect(lambda _i: self.restore_selected())
        self.empty_hint = EmptyHint(self.view, self.tr(
            "回收站是空的。\n在「活动台账」或「志愿服务」中删除的活动、志愿者和补录记录会先放在这里，可以随时恢复。"))
        layout.addWidget(self.view, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.result = QLabel()  # what the last restore / purge / emptying did
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        note = QLabel(self.tr(
            "删除的活动（连同照片和签到表）、志愿者（连同培训、表彰、评价）和补录的服务时长先放在回收站，可以随时恢复，"
            "照片文件也一直保留。已归档的活动不能删除，只能按档案管理规定处理。"
            "「永久删除」和「清空回收站」不能撤销，只有管理员可以操作，每一步都记入操作日志。"))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.reload()

    def reload(self) -> None:
        with self.ws.read() as session:
            rows = recycle_bin.list_bin(session)
        self.model.set_rows(rows)
        self.empty_button.setEnabled(bool(rows))
        self.status.setText(self.tr("回收站中有 {0} 项").format(len(rows)) if rows else self.tr("回收站是空的"))

    def selected(self) -> list[recycle_bin.BinRow]:
        return [self.model.row(index.row()) for index in sorted(self.view.selectionModel().selectedRows(), key=lambda i: i.row())]

    def _done(self, text: str) -> None:
        self.result.setText(text)
        self.reload()
        self.changed.emit()

    # --- actions --------------------------------------------------------------------------------
    def restore_selected(self) -> list[recycle_bin.RestoredInfo]:
        """Restore each selected entry in its own transaction; say what came back and what did not."""
        rows = self.selected()
        if not rows:
            messages.show_error(self, ValidationError.single("回收站", self.tr("请先在表格中选择要恢复的项目")))
            return []
        restored: list[recycle_bin.RestoredInfo] = []
        refused: list[Problem] = []
        for row in rows:
            try:
                with self.ws.write() as session:
                    restored.append(recycle_bin.restore_item(session, row.id, self.ws.files))
            except ValidationError as err:
                refused += err.problems
            except HuiquanError as err:
                messages.show_error(self, err)
                break
        if restored:
            self._done("\n".join(info.message for info in restored))
        if refused:
            messages.show_error(self, ValidationError(refused))
        return restored

    def purge_selected(self) -> bool:
        rows = self.selected()
        if not rows:
            messages.show_error(self, ValidationError.single("回收站", self.tr("请先在表格中选择要永久删除的项目")))
            return False
        names = "\n".join(f"· {r.entity_label}「{r.label}」" for r in rows[:10]) + ("\n……" if len(rows) > 10 else "")
        if not messages.confirm(self, self.tr("永久删除"), self.tr(
                "永久删除以下 {0} 项？\n{1}\n\n永久删除后不能再恢复，不再被其他记录使用的照片文件也会一并删除。").format(len(rows), names),
                self.tr("永久删除")):
            return False
        try:
            with self.ws.write() as session:
                for row in rows:
                    recycle_bin.purge_item(session, row.id, self.ws.files)
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self._done(self.tr("已永久删除 {0} 项。").format(len(rows)))
        return True

    def empty(self) -> Task | None:
        """Ask, then empty the bin off the GUI thread (sweeping files/ can take a moment)."""
        count = self.model.rowCount()
        if not count:
            return None
        if not messages.confirm(self, self.tr("清空回收站"), self.tr(
                "清空回收站中的全部 {0} 项？\n\n清空后这些活动、志愿者和补录记录不能再恢复，"
                "不再被任何记录使用的照片和签到表文件也会从数据文件夹中删除。\n建议先做一次备份。").format(count),
                self.tr("清空回收站")):
            return None
        ws = self.ws

        def work(_progress):
            with ws.write() as session:
                return recycle_bin.empty_bin(session, ws.files)

        return Task(self, self.tr("正在清空回收站…"), work,
                    lambda n: self._done(self.tr("已清空回收站（{0} 项）。").format(n)),
                    lambda e: messages.show_error(self, e))
