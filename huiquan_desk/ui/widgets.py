"""Small shared pieces: thumbnails, date conversions and the date field, the read-only table, a
field-with-error-label form helper, the sizing rule every window follows (`fit_window`), scroll
areas for long forms, and the "what to do next" hint over an empty table (`EmptyHint`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QDateTime,
    QEvent,
    QObject,
    QRect,
    QSize,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QListWidget,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

THUMB = QSize(120, 90)

# --- the sizing rule -------------------------------------------------------------------------------
# An office computer: 1920×1080 at 150 % scaling leaves 1280×720 logical pixels, less the task bar.
# Every window and dialog opens at its preferred size, shrunk to what the screen it opens on has
# free (QScreen.availableGeometry(), the task bar already left out) less FRAME, the border and title
# bar the system draws around it. Its minimum size must fit that room too: a long form sits in a
# scroll area (`scrolling`) with its buttons outside it, so they stay on screen
# (tests/ui/test_screens.py checks every window at 1280×720 and 1366×768).
FRAME = QSize(16, 40)  # window border (2 × 8) and title bar (about 32 at 150 %) around a window
SMALLEST_SCREEN = QSize(1280, 720)  # the smallest screen every window must fit (logical pixels)


def screen_area(widget: QWidget | None = None) -> QRect:
    """The available geometry of the screen `widget` opens on: its parent window's screen while it
    is not shown yet, else its own (the primary screen if neither is known)."""
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        host = parent.window() if parent is not None and not widget.isVisible() else widget.window()
        screen = host.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, SMALLEST_SCREEN.width(),
                                                                      SMALLEST_SCREEN.height())


def screen_room(widget: QWidget | None = None) -> QSize:
    """The largest size a window of `widget` may take: the available screen less FRAME."""
    area = screen_area(widget)
    return QSize(max(1, area.width() - FRAME.width()), max(1, area.height() - FRAME.height()))


def fit_window(window: QWidget, width: int, height: int, centre: bool = False) -> QSize:
    """The sizing rule (see FRAME): resize `window` to `width` × `height`, no larger than the room on
    its screen; with `centre`, also place it in the middle of that screen (a main window; a dialog is
    placed over its parent by Qt, kept on the screen). Returns the size given."""
    room = screen_room(window)
    size = QSize(min(width, room.width()), min(height, room.height()))
    window.resize(size)
    if centre:
        area = screen_area(window)
        window.move(area.x() + max(0, (area.width() - size.width() - FRAME.width()) // 2),
                    area.y() + max(0, (area.height() - size.height() - FRAME.height()) // 2))
    return size


def scrolling(content: QWidget) -> QScrollArea:
    """`content` in a frameless vertical scroll area: a long form that still fits a small screen."""
    area = QScrollArea()
    area.setObjectName("formScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(content)
    return area


class EmptyHint(QLabel):
    """A short "what to do next" over a table while its model has no rows (an empty page should
    say how to fill it). `text` is the sentence, or a function giving it at that moment."""

    def __init__(self, view: QAbstractItemView, text: str | Callable[[], str]):
        super().__init__(view.viewport())
        self.view = view
        self._text = text
        self.setObjectName("emptyHint")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet("color: #5f6b76; font-size: 14px; padding-top: 36px;")
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update_hint)
        self._watcher = _ResizeWatcher(self._place, view.viewport())
        self.update_hint()

    def update_hint(self, *_args: object) -> None:
        empty = self.view.model().rowCount() == 0
        if empty:
            self.setText(self._text() if callable(self._text) else self._text)
            self._place()
        self.setVisible(empty)

    def _place(self) -> None:
        area = self.view.viewport().rect()
        self.setGeometry(area.adjusted(24, 0, -24, 0))


class _ResizeWatcher(QObject):
    def __init__(self, on_resize: Callable[[], None], watched: QWidget):
        super().__init__(watched)
        self.on_resize = on_resize
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.on_resize()
        return False



def thumbnail(path: Path, size: QSize = THUMB) -> QPixmap:
    """A scaled copy read at reduced size (fast even for large camera photos). What Qt cannot
    decode (an iPhone's HEIC) comes through services.photo_record.preview_jpeg: a stored one from
    its JPEG rendition, one just picked decoded by Pillow."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid():
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull() and Path(path).suffix.lower() in (".heic", ".heif"):
        from PySide6.QtGui import QImage

        from huiquan_desk.services.photo_record import preview_jpeg

        data = preview_jpeg(Path(path), max(size.width(), size.height()))
        if data:
            image = QImage.fromData(data)
    if image.isNull():
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.lightGray)
        return pixmap
    return QPixmap.fromImage(image)


def to_qdatetime(value: datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute, value.second))


def from_qdatetime(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(value: date | None = None) -> QDateEdit:
    """A date field as every form has it: 2026-03-05, with a calendar to pick from (today by default)."""
    edit = QDateEdit(to_qdate(value or date.today()))
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    return edit


def save_cancel(dialog: QDialog, save: Callable[[], object]) -> QDialogButtonBox:
    """The 保存 / 取消 buttons of a form: 保存 runs `save` (it accepts the dialog when the data is
    saved, and shows the problems otherwise), 取消 closes without saving."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Save).setText(dialog.tr("保存"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(dialog.tr("取消"))
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    return buttons


def read_only_table(model: QAbstractItemModel, multi: bool = False) -> QTableView:
    """A table of rows to look at and select (one, or several with `multi`), never to edit in place.
    A model with `columns` (ui.rows_model.RowsModel) gives the column widths."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    for column, col in enumerate(getattr(model, "columns", ())):
        view.setColumnWidth(column, col.width)
    return view


class FieldForm(QFormLayout):
    """A form whose rows can show a red message under the field, keyed by the field's label."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.errors: dict[str, QLabel] = {}

    def add(self, label: str, widget: QWidget, required: bool = False) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(widget)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setStyleSheet("color: #c0392b;")
        error.setVisible(False)
        layout.addWidget(error)
        self.errors[label] = error
        self.addRow(f"{label}{' *' if required else ''}", box)
        return widget

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def show_error(self, field: str, message: str) -> bool:
        label = self.errors.get(field)
        if label is None:
            return False
        label.setText(message)
        label.setVisible(True)
        return True


class ThumbnailList(QListWidget):
    """Photo thumbnails in a grid; files dropped on it arrive as `files_dropped(paths)`."""

    files_dropped = Signal(list)

    def __init__(self, icon: QSize, grid: QSize, parent: QWidget | None = None):
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(icon)
        self.setGridSize(grid)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setWordWrap(True)
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event) -> None:
        event.acceptProposedAction() if event.mimeData().hasUrls() else super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction() if event.mimeData().hasUrls() else super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            self.files_dropped.emit([u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()])
            event.acceptProposedAction()
        else:
            super().dropEvent(event)


def mark_writes(*buttons: QWidget) -> None:
    """Buttons that change data: disabled for a 查看 (read-only) account."""
    for button in buttons:
        button.setProperty("writes", True)
