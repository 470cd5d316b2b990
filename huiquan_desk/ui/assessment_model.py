"""The self-assessment page's pieces without a page: the calendar periods, the checklist table
model (the 档次 column a traffic light, a retired item greyed) and the evidence photos' thumbnails,
read in a worker (QImage, never QPixmap, off the GUI thread)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QImageReader, QPainter, QPixmap

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.activity import AttachmentKind
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import activities as activity_service
from huiquan_desk.services.assessment import ItemResult, ItemSpec
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui.rows_model import Col, RowsModel

# The traffic light of each grade (None: an item by hand not graded for the period).
GRADE_COLORS = {"A": "#27ae60", "B": "#f1c40f", "C": "#e67e22", "C#": "#c0392b", None: "#a0a7ad"}
THUMB = QSize(96, 72)
MAX_THUMBS = 24  # photos shown for one item's evidence (the activities page shows them all)


def period_dates(name: str, today: date | None = None) -> tuple[date, date]:
    """The calendar period `name` (PERIODS, not 自定义) around `today`."""
    today = today or date.today()
    if name == "本月":
        start = today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif name == "本季度":
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    elif name == "上一年":
        start, end = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    else:
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    return start, end


@dataclass(frozen=True)
class Line:
    """A row of the table: an item and its result for the period (None: retired, not judged)."""

    item: ItemSpec
    result: ItemResult | None

    @property
    def grade_text(self) -> str:
        if self.result is None:
            return "已停用"
        return self.result.grade or "待评定"


def _dot(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QBrush(QColor(color)))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 12, 12)
    painter.end()
    return QIcon(pixmap)


class ChecklistModel(RowsModel):
    """The items with their grades; the 档次 column is a traffic light, a retired item greyed."""

    GRADE_COLUMN = 5

    def __init__(self, parent=None):  # type: ignore[no-untyped-def]
        super().__init__([
            Col("编号", lambda r: r.item.code, width=60),
            Col("测评项目", lambda r: r.item.project, width=90),
            Col("指标", lambda r: r.item.indicator, tooltip=lambda r: r.item.content, width=120),
            Col("分值", lambda r: r.item.points, "right", width=42),
            Col("方法", lambda r: r.item.method, "center", width=68),
            Col("档次", lambda r: r.grade_text, "center", width=70),
            Col("得分", lambda r: r.result.score if r.result and r.result.score is not None else "—", "right", width=48),
            Col("问题数", lambda r: len(r.result.problems) if r.result and r.result.grade else "—", "right", width=50),
        ], parent)
        self._dots = {grade: _dot(color) for grade, color in GRADE_COLORS.items()}

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        line: Line = self.rows[index.row()]
        if role == Qt.ItemDataRole.DecorationRole and index.column() == self.GRADE_COLUMN and line.result is not None:
            return self._dots[line.result.grade]
        if role == Qt.ItemDataRole.ForegroundRole and line.result is None:
            return QBrush(QColor("#9aa0a6"))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.GRADE_COLUMN and line.result is not None:
            return rules.GRADE_LABELS.get(line.result.grade or "", rules.PENDING)
        return super().data(index, role)


def photo_thumbs(ws: Workspace, activity_ids: list[int], progress) -> list[tuple[int, str, QImage]]:  # type: ignore[no-untyped-def]
    """(activity id, caption, scaled image) of the photos of these activities, at most MAX_THUMBS;
    read in a worker (QImage, never QPixmap, off the GUI thread)."""
    from huiquan_desk.services.photo_record import preview_jpeg

    out: list[tuple[int, str, QImage]] = []
    for done, activity_id in enumerate(activity_ids):
        progress(done, len(activity_ids))
        try:
            with ws.read() as session:
                detail = activity_service.get_activity(session, activity_id, ws.files)
        except HuiquanError:
            continue
        for info in detail.attachments:
            if info.kind is not AttachmentKind.PHOTO:
                continue
            reader = QImageReader(str(info.path))
            reader.setAutoTransform(True)
            if reader.size().isValid():
                reader.setScaledSize(reader.size().scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
            image = reader.read()
            if image.isNull() and info.path.suffix.lower() in (".heic", ".heif"):
                data = preview_jpeg(info.path, THUMB.width())
                image = QImage.fromData(data) if data else image
            out.append((activity_id, f"{detail.row.start:%m-%d} {detail.row.title}", image))
            if len(out) >= MAX_THUMBS:
                return out
    return out
