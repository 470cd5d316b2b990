"""The activity table: holds the ids of the matching activities and fetches rows lazily.

A year of activities (or all 100,000) costs one id query; only the rows the view paints are
loaded, a block at a time (the Anki browser's approach).

A search may show its first block before the whole list is known (`show_first`): the model then
holds the first BLOCK ids (`complete` is False) until `complete_with` hands it the whole list,
counted in the background, and appends the rest (insertRows), so the count shown is exact once
`complete` is True.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from huiquan_desk.domain.activity import FIELD_LABELS, ActivityStatus
from huiquan_desk.domain.dates import span_text
from huiquan_desk.services.activities import ActivityFilter, ActivityRow

BLOCK = 200
Index = QModelIndex | QPersistentModelIndex

# (row field used for sorting, header, how the cell shows)
COLUMNS: list[tuple[str, str, Callable[[ActivityRow], object]]] = [
    ("start", FIELD_LABELS["time"], lambda r: span_text(r.start, r.end)),
    ("title", FIELD_LABELS["title"], lambda r: r.title),
    ("category", FIELD_LABELS["category"], lambda r: r.category),
    ("place", FIELD_LABELS["place"], lambda r: r.place),
    ("organizer", FIELD_LABELS["organizer"], lambda r: r.organizer),
    ("leader", FIELD_LABELS["leader"], lambda r: r.leader),
    ("participants", FIELD_LABELS["participants"], lambda r: r.participants),
    ("photos", FIELD_LABELS["photos"], lambda r: r.photo_count),
    ("status", FIELD_LABELS["status"], lambda r: r.status.label),
    # What an inspector would mark missing in an activity that took place (ActivityRow.gaps).
    ("gaps", "检查缺项", lambda r: f"缺 {len(r.gaps)} 项" if r.gaps else ""),
]
SORTABLE = {"start", "title", "category", "place", "organizer", "leader", "participants", "status"}
# The order on screen: what tells most (照片 with its red mark, 状态, 参与人数, 检查缺项) right after
# the time and name, so it shows without scrolling on a 1280-pixel-wide screen. The model keeps the
# order of COLUMNS; the page moves the header sections.
SHOWN_ORDER = ("start", "title", "photos", "status", "participants", "gaps", "category", "place", "organizer",
               "leader")
WIDTHS = {"start": 150, "title": 230, "photos": 50, "status": 64, "participants": 70, "gaps": 72, "category": 110,
          "place": 130, "organizer": 120, "leader": 70}


def column_of(key: str) -> int:
    """The model column of the row field `key`."""
    return next(i for i, column in enumerate(COLUMNS) if column[0] == key)


def gaps_tooltip(gaps: list[str]) -> str:
    return "检查时会记为缺项（可以先保存，之后补上）：\n" + "\n".join(f"· {gap}" for gap in gaps)


class ActivityTableModel(QAbstractTableModel):
    sort_indicator_reset = Signal(int, Qt.SortOrder)
    def __init__(self, query_ids: Callable[..., list[int]],
                 fetch_rows: Callable[[Sequence[int]], list[ActivityRow]], parent=None):
        """`query_ids(filter, sort, descending, limit=None)`: the matching ids in display order, only
        the first `limit` of them when given (services.activities.query_ids)."""
        super().__init__(parent)
        self._query_ids = query_ids
        self._fetch_rows = fetch_rows
        self._ids: list[int] = []
        self._positions: dict[int, int] = {}  # id -> row, built on demand
        self._rows: dict[int, ActivityRow] = {}
        self.filter = ActivityFilter()
        self.sort_key = "start"
        self.descending = True
        self.loaded = False  # no query until the page sets its filter
        self.complete = True  # the ids are all the matching ones (False: only the first block yet)
        self.generation = 0  # bumped whenever the ids are queried anew

    # --- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._reset(self._query_ids(self.filter, self.sort_key, self.descending), complete=True)

    def set_filter(self, flt: ActivityFilter) -> None:
        self.filter = flt
        self.refresh()

    def show_first(self, flt: ActivityFilter) -> bool:
        """Filter, querying only the first block of ids; True if that is all of them. Otherwise the
        table shows the first BLOCK rows until complete_with() brings the whole list."""
        self.filter = flt
        ids = self._query_ids(flt, self.sort_key, self.descending, BLOCK)
        self._reset(ids, complete=len(ids) < BLOCK)
        return self.complete

    def complete_with(self, generation: int, ids: list[int]) -> bool:
        """The whole id list of the query made as `generation` (from `self.generation` then): the rows
        after the first block are appended. If the first block is not how it begins (the data
        changed meanwhile) the table is reset to it. False, and nothing changes, if the ids were
        queried anew since (another filter or order) or are complete already."""
        if generation != self.generation or self.complete:
            return False
        known = len(self._ids)
        if ids[:known] != self._ids:
            self._reset(list(ids), complete=True)
            return True
        self.complete = True
        if len(ids) > known:
            self.beginInsertRows(QModelIndex(), known, len(ids) - 1)
            self._ids = list(ids)
            self._positions = {}
            self.endInsertRows()
        return True

    def _reset(self, ids: list[int], complete: bool) -> None:
        self.beginResetModel()
        self.loaded = True
        self._ids = ids
        self.complete = complete
        self.generation += 1
        self._positions = {}
        self._rows.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, activity_id: int) -> int:
        if not self._positions and self._ids:
            self._positions = {i: n for n, i in enumerate(self._ids)}
        return self._positions.get(activity_id, -1)

    def activity(self, row: int) -> ActivityRow | None:
        if not 0 <= row < len(self._ids):
            return None
        activity_id = self._ids[row]
        cached = self._rows.get(activity_id)
        if cached is None:
            start = (row // BLOCK) * BLOCK
            block = self._ids[start:start + BLOCK]
            for fetched in self._fetch_rows(block):
                self._rows[fetched.id] = fetched
            cached = self._rows.get(activity_id)
        return cached

    def loaded_count(self) -> int:
        return len(self._rows)

    # --- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
                return COLUMNS[section][1]
            if orientation == Qt.Orientation.Vertical:
                return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._ids)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                        Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.UserRole):
            return None
        row = self.activity(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("participants", "photos"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "photos" and row.photo_count == 0 and row.status is not ActivityStatus.PLANNED:
                return QBrush(QColor("#c0392b"))  # an activity without photos is a gap
            if key == "gaps":
                return QBrush(QColor("#c0392b"))
            if key == "status" and row.status is ActivityStatus.PLANNED:
                return QBrush(QColor("#2c6fbb"))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "photos" and row.photo_count == 0:
                return "还没有照片：检查时没有图片资料会被视为缺项"
            if key in ("title", "place"):
                return f"{row.title}\n{row.content[:200]}"
            if key == "gaps" and row.gaps:
                return gaps_tooltip(row.gaps)
            return None
        value = COLUMNS[index.column()][2](row)
        return value

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        if COLUMNS[column][0] not in SORTABLE:  # keep the indicator on the column really sorted
            header_column = next(i for i, c in enumerate(COLUMNS) if c[0] == self.sort_key)
            order_now = Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder
            self.sort_indicator_reset.emit(header_column, order_now)
            return
        key, descending = COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self.loaded:
            return  # the view re-announces the current order (e.g. when sorting is switched on)
        self.sort_key, self.descending = key, descending
        if not self.loaded:
            return  # nothing queried yet: the first refresh() uses this order
        if not self.complete:  # only a first block: the whole list in the new order has more rows
            self.refresh()
            return
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        self._ids = self._query_ids(self.filter, self.sort_key, self.descending)
        self.generation += 1  # a count made meanwhile was for the old order
        self._positions = {}
        new = {i: n for n, i in enumerate(self._ids)}
        for index in self.persistentIndexList():
            target = new.get(old_ids[index.row()], -1) if 0 <= index.row() < len(old_ids) else -1
            self.changePersistentIndex(index, self.index(target, index.column()) if target >= 0 else QModelIndex())
        self.layoutChanged.emit()
