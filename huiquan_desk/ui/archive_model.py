"""The models of the 档案 page: the series overview's lines, and the items table, whose waiting
(unnumbered) items of the chosen series can be dragged into the order their 件号 will follow."""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal

from huiquan_desk.domain import archives as rules
from huiquan_desk.ui.rows_model import Col, Index, RowsModel

Group = rules.Group
MIME = "application/x-huiquan-archive-items"


@dataclass(frozen=True)
class SeriesLine:
    """A line of the series overview: one series, or (group None) the whole year."""

    group: Group | None
    label: str
    items: int
    numbered: int
    boxed: int
    gaps: int


class ItemsModel(RowsModel):
    """The items table; with one series chosen, its unnumbered items can be dragged into order.
    A drop only says the new order (`reordered`): the page writes it and reloads."""

    reordered = Signal(object, list)  # the series, the ids of its unnumbered items in their new order

    def __init__(self, columns: list[Col], parent=None):  # type: ignore[no-untyped-def]
        super().__init__(columns, parent)
        self.group: Group | None = None

    def waiting(self) -> list[int]:
        return [r.id for r in self.rows if r.number is None and r.destroyed_on is None and r.group == self.group]

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.group is None:
            return flags
        if not index.isValid():
            return flags | Qt.ItemFlag.ItemIsDropEnabled
        if self.rows[index.row()].id in self.waiting():
            flags |= Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:  # type: ignore[no-untyped-def]
        data = QMimeData()
        rows = sorted({i.row() for i in indexes})
        data.setData(MIME, json.dumps([self.rows[r].id for r in rows]).encode())
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self.group is None or not data.hasFormat(MIME):
            return False
        moved = [i for i in json.loads(bytes(data.data(MIME).data()).decode()) if i in self.waiting()]
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self.rows))
        waiting = self.waiting()
        before = [r.id for r in self.rows[:target] if r.id in waiting and r.id not in moved]
        order = before + moved + [i for i in waiting if i not in moved and i not in before]
        if moved and order != waiting:
            group = self.group
            QTimer.singleShot(0, lambda: self.reordered.emit(group, order))  # after the drag has ended
        return False  # nothing to remove from the view: the page reloads
