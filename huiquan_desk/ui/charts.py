"""Small widgets drawn with QPainter for the home page (QtCharts is not in PySide6-Essentials, and the
installer leaves PySide6-Addons out): a stacked bar chart of values per month with a legend and
axis labels, a horizontal bar chart of one or two values per row, and buttons drawn as cards (a
tile with a caption, a big number and two lines or traffic lights; a coming festival's row), one
widget each so that a page of them builds in a few milliseconds.

Both draw with the widget's font (the application font, so Chinese renders), keep the rectangle
of every bar they draw (`Hit`), show the exact numbers in a tooltip on hover and emit `clicked`
with what was under the mouse. They hold no data of their own beyond what `set_data` gave.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QToolTip, QWidget

if TYPE_CHECKING:
    from huiquan_desk.services.dashboard import FestivalPlan

# Distinct, calm colours (the first five are the plan's five parts in the default category tree).
PALETTE = ("#3b6a94", "#e07b39", "#4e9a6b", "#c4554d", "#8e6bb0", "#c9a227", "#4aa3c3", "#8c6d5a", "#7a8a99",
           "#b5577f")
AXIS = QColor("#8a949e")
GRID = QColor("#e3e8ed")
TEXT = QColor("#33404d")
MUTED = QColor("#6b7785")
GOOD, WARN, BAD, PLAIN, MUTED_TEXT = "#2e7d4f", "#b7791f", "#c0392b", "#22425f", "#6b7785"  # text colours


@dataclass(frozen=True)
class Series:
    """One stacked part of every bar: a name for the legend, a value per bar, its colour; `hatched`
    draws it as an outline with diagonal lines (e.g. what is only planned)."""

    name: str
    values: Sequence[float]
    color: str
    hatched: bool = False


@dataclass(frozen=True)
class Hit:
    """What was drawn at `rect`: bar `index` (a month, a row) and the series (None: the whole bar)."""

    rect: QRectF
    index: int
    series: int | None
    tip: str


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 × 10ⁿ, at least 1: the values are counts) giving about `ticks` grid
    lines up to `top`."""
    if top <= ticks:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


class _Chart(QWidget):
    clicked = Signal(int, object)  # bar index, series index or None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.hits: list[Hit] = []
        self.empty_text = ""
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def hit_at(self, point: QPointF) -> Hit | None:
        # the last drawn wins (a small segment drawn over a larger one)
        return next((h for h in reversed(self.hits) if h.rect.contains(point)), None)

    def tooltip_at(self, point: QPointF) -> str:
        hit = self.hit_at(point)
        return hit.tip if hit else ""

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self.hit_at(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor)
        if hit:
            QToolTip.showText(event.globalPosition().toPoint(), hit.tip, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        hit = self.hit_at(event.position())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(hit.index, hit.series)
        super().mouseReleaseEvent(event)

    def _empty(self, painter: QPainter) -> None:
        painter.setPen(MUTED)
        painter.drawText(QRectF(self.rect()).adjusted(12, 12, -12, -12),
                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)


class StackedBarChart(_Chart):
    """Bars (e.g. the twelve months) each stacked from the series, a legend above, the value axis on
    the left with its label, the bar labels below; `highlight` marks one bar's label (this month)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.axis_label = ""
        self.highlight: int | None = None
        self.tip_title: list[str] = []  # per bar, the tooltip's first line (defaults to the label)
        self.setMinimumSize(QSize(380, 220))

    def set_data(self, labels: Sequence[str], series: Sequence[Series], axis_label: str = "",
                 highlight: int | None = None, tip_titles: Sequence[str] = (), empty_text: str = "") -> None:
        self.labels = list(labels)
        self.series = list(series)
        self.axis_label = axis_label
        self.highlight = highlight
        self.tip_title = list(tip_titles)
        self.empty_text = empty_text
        self.update()

    def totals(self) -> list[float]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.labels))]

    def _legend(self, painter: QPainter, metrics: QFontMetrics, left: float, top: float, width: float) -> float:
        """Draws the legend from (left, top), wrapping within `width`; returns its height."""
        x, y = left, top
        line = metrics.height() + 4
        for s in self.series:
            item = 14 + 4 + metrics.horizontalAdvance(s.name) + 14
            if x + item > left + width and x > left:
                x, y = left, y + line
            box = QRectF(x, y + (metrics.height() - 10) / 2, 10, 10)
            self._fill(painter, box, s)
            painter.setPen(TEXT)
            painter.drawText(QPointF(x + 14, y + metrics.ascent()), s.name)
            x += item
        return y + line - top

    def _fill(self, painter: QPainter, rect: QRectF, s: Series) -> None:
        color = QColor(s.color)
        if s.hatched:
            painter.setPen(QPen(color, 1))
            painter.setBrush(QBrush(color, Qt.BrushStyle.BDiagPattern))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
        painter.drawRect(rect)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.hits = []
        totals = self.totals()
        if not self.labels or not any(totals):
            self._empty(painter)
            painter.end()
            return
        metrics = painter.fontMetrics()
        small = painter.font()
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        sm = painter.fontMetrics()
        full = QRectF(self.rect()).adjusted(8, 6, -8, -6)
        legend_h = self._legend(painter, sm, full.left() + 40, full.top(), full.width() - 40)
        top = max(totals)
        step = nice_step(top)
        ceiling = step * math.ceil(top / step)
        axis_w = sm.horizontalAdvance(_number(ceiling)) + 8
        label_w = sm.height() + 4  # the rotated axis label
        plot = QRectF(full.left() + label_w + axis_w, full.top() + legend_h + 6,
                      full.width() - label_w - axis_w - 4, full.height() - legend_h - 6 - sm.height() - 6)
        # grid and value axis
        ticks = int(round(ceiling / step))
        for t in range(ticks + 1):
            value = t * step
            y = plot.bottom() - plot.height() * value / ceiling
            painter.setPen(QPen(GRID if t else AXIS, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(MUTED)
            painter.drawText(QRectF(plot.left() - axis_w - 2, y - sm.height() / 2, axis_w - 2, sm.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, _number(value))
        if self.axis_label:
            painter.save()
            painter.translate(full.left() + sm.ascent(), plot.center().y())
            painter.rotate(-90)
            painter.setPen(MUTED)
            width = sm.horizontalAdvance(self.axis_label)
            painter.drawText(QPointF(-width / 2, 0), self.axis_label)
            painter.restore()
        # bars
        n = len(self.labels)
        slot = plot.width() / n
        bar_w = max(4.0, min(slot * 0.62, 42.0))
        for i, label in enumerate(self.labels):
            x = plot.left() + slot * i + (slot - bar_w) / 2
            y = plot.bottom()
            title = self.tip_title[i] if i < len(self.tip_title) else label
            parts = [f"{s.name}：{_number(s.values[i])}" for s in self.series if s.values[i]]
            for k, s in enumerate(self.series):
                value = s.values[i]
                if not value:
                    continue
                h = plot.height() * value / ceiling
                rect = QRectF(x, y - h, bar_w, h)
                self._fill(painter, rect, s)
                tip = f"{title}\n{s.name}：{_number(value)}\n合计：{_number(totals[i])}"
                self.hits.append(Hit(rect.adjusted(0, -1, 0, 1), i, k, tip))
                y -= h
            if totals[i]:
                painter.setPen(TEXT)
                painter.drawText(QRectF(x - 10, y - sm.height() - 1, bar_w + 20, sm.height()),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, _number(totals[i]))
            # the whole column (also where the bar is empty) opens the bar's list
            column = QRectF(plot.left() + slot * i, plot.top(), slot, plot.height() + sm.height() + 6)
            self.hits.insert(0, Hit(column, i, None, "\n".join([title, *parts, f"合计：{_number(totals[i])}"])))
            font = painter.font()
            font.setBold(i == self.highlight)
            painter.setFont(font)
            painter.setPen(TEXT if i == self.highlight else MUTED)
            painter.drawText(QRectF(plot.left() + slot * i, plot.bottom() + 3, slot, sm.height()),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
            font.setBold(False)
            painter.setFont(font)
        del metrics
        painter.end()


@dataclass(frozen=True)
class BarRow:
    """A row of the horizontal chart: its label, the long bar's value and an inner one (≤ value)."""

    label: str
    value: float
    inner: float = 0.0
    text: str = ""  # written after the bar (defaults to the value)
    tip: str = ""


class HorizontalBarChart(_Chart):
    """One row per item: the label on the left, a bar of `value` and, drawn over it from the left, a
    darker bar of `inner` (e.g. this year's hours and this month's), the numbers after the bar."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[BarRow] = []
        self.color = QColor(PALETTE[0])
        self.legend: tuple[str, str] = ("", "")
        self.setMinimumSize(QSize(260, 120))

    def set_data(self, rows: Sequence[BarRow], legend: tuple[str, str] = ("", ""), color: str = PALETTE[0],
                 empty_text: str = "") -> None:
        self.rows = list(rows)
        self.legend = legend
        self.color = QColor(color)
        self.empty_text = empty_text
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(320, 28 + max(len(self.rows), 2) * (line + 12))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.hits = []
        if not self.rows or not any(r.value for r in self.rows):
            self._empty(painter)
            painter.end()
            return
        sm = painter.fontMetrics()
        full = QRectF(self.rect()).adjusted(6, 4, -6, -4)
        light = QColor(self.color)
        light.setAlpha(90)
        y = full.top()
        if any(self.legend):  # a small legend: the light bar, then the dark one
            x = full.left()
            for color, name in ((light, self.legend[0]), (self.color, self.legend[1])):
                if not name:
                    continue
                painter.fillRect(QRectF(x, y + (sm.height() - 10) / 2, 10, 10), color)
                painter.setPen(MUTED)
                painter.drawText(QPointF(x + 14, y + sm.ascent()), name)
                x += 14 + sm.horizontalAdvance(name) + 16
            y += sm.height() + 6
        label_w = min(max(sm.horizontalAdvance(r.label) for r in self.rows) + 10, full.width() * 0.4)
        texts = [r.text or _number(r.value) for r in self.rows]
        text_w = max(sm.horizontalAdvance(t) for t in texts) + 8
        bar_left = full.left() + label_w
        bar_room = max(10.0, full.right() - text_w - bar_left)
        top = max(r.value for r in self.rows) or 1
        row_h = max(float(sm.height() + 6), min(34.0, (full.bottom() - y) / len(self.rows)))
        for i, (row, text) in enumerate(zip(self.rows, texts, strict=True)):
            ry = y + row_h * i
            bar_h = min(row_h - 6, 18.0)
            by = ry + (row_h - bar_h) / 2
            painter.setPen(TEXT)
            label = sm.elidedText(row.label, Qt.TextElideMode.ElideRight, int(label_w - 8))
            painter.drawText(QRectF(full.left(), ry, label_w - 8, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            width = bar_room * row.value / top
            painter.fillRect(QRectF(bar_left, by, width, bar_h), light)
            if row.inner:
                painter.fillRect(QRectF(bar_left, by, bar_room * min(row.inner, row.value) / top, bar_h), self.color)
            painter.setPen(TEXT)
            painter.drawText(QRectF(bar_left + width + 6, ry, text_w, row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            self.hits.append(Hit(QRectF(full.left(), ry, full.width(), row_h), i, None, row.tip or f"{row.label}：{text}"))
        painter.end()


class Card(QAbstractButton):
    """A button drawn as a card (one widget, painted: a page of them builds in a few milliseconds)."""

    MARGIN_X, MARGIN_Y = 14, 9

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.big = QFont(self.font())
        self.big.setBold(True)

    def _frame(self, painter: QPainter) -> QRectF:
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        hot = self.underMouse() or self.hasFocus()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#2c6fbb" if hot else "#d6dde5"), 1))
        painter.setBrush(QColor("#e8f1fb" if self.isDown() else "#f5f9fd" if hot else "white"))
        painter.drawRoundedRect(rect, 6, 6)
        return rect.adjusted(self.MARGIN_X, self.MARGIN_Y, -self.MARGIN_X + 2, -self.MARGIN_Y)

    @staticmethod
    def _line(painter: QPainter, rect: QRectF, y: float, text: str, colour: str,
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> float:
        """One line of `text`, elided to the width; returns the y below it."""
        metrics = painter.fontMetrics()
        painter.setPen(QColor(colour))
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
        painter.drawText(QRectF(rect.left(), y, rect.width(), metrics.height()), align | Qt.AlignmentFlag.AlignVCenter, shown)
        return y + metrics.height()


class Tile(Card):
    """A card that is a button: a caption, a big number (with a small suffix), and two lines saying
    what it is — or, for the grades, a row of traffic lights."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = caption
        self.value = ""
        self.suffix = ""
        self.colour = PLAIN
        self.detail = ""
        self.lights: list[tuple[str, str]] = []  # (colour, text) drawn as ● text
        self.big.setPointSizeF(self.font().pointSizeF() * 1.9)

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(170, 2 * self.MARGIN_Y + 3 * line + QFontMetrics(self.big).height() + 4)

    def minimumSizeHint(self) -> QSize:  # six in a row still fit the window's minimum width
        return QSize(130, self.sizeHint().height())

    def show_value(self, value: str, detail: str, colour: str = PLAIN, tip: str = "", suffix: str = "",
                   lights: list[tuple[str, str]] | None = None) -> None:
        self.value, self.detail, self.colour, self.suffix = value, detail, colour, suffix
        self.lights = lights or []
        self.setToolTip(tip or detail)
        self.update()

    def waiting(self, text: str) -> None:
        self.show_value("…", text, "#a3acb5")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        inner = self._frame(painter)
        y = self._line(painter, inner, inner.top(), self.caption, "#5b6875")
        painter.setFont(self.big)
        big = painter.fontMetrics()
        painter.setPen(QColor(self.colour))
        painter.drawText(QPointF(inner.left(), y + big.ascent()), self.value)
        if self.suffix:
            x = inner.left() + big.horizontalAdvance(self.value) + 6
            painter.setFont(self.font())
            painter.setPen(QColor(MUTED_TEXT))
            painter.drawText(QPointF(x, y + big.ascent()), self.suffix)
        y += big.height() + 2
        painter.setFont(self.font())
        if self.lights:
            metrics = painter.fontMetrics()
            x, size = inner.left(), metrics.height() * 0.62
            for colour, text in self.lights:
                width = size + 3 + metrics.horizontalAdvance(text)
                if x + width > inner.right() and x > inner.left():  # the next line
                    x, y = inner.left(), y + metrics.height()
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(colour))
                painter.drawEllipse(QRectF(x, y + (metrics.height() - size) / 2, size, size))
                painter.setPen(QColor(MUTED_TEXT))
                painter.drawText(QPointF(x + size + 3, y + metrics.ascent()), text)
                x += width + 10
        else:
            for text in _two_lines(painter.fontMetrics(), self.detail, inner.width()):
                y = self._line(painter, inner, y, text, MUTED_TEXT)
        painter.end()


def _two_lines(metrics: QFontMetrics, text: str, width: float) -> list[str]:
    """`text` as at most two lines: its own line breaks, else broken where the first line is full
    (Chinese breaks between any two characters); what does not fit is elided when drawn."""
    lines = text.split("\n")
    if len(lines) > 1 or metrics.horizontalAdvance(text) <= width:
        return lines[:2]
    cut = 1
    while cut < len(text) and metrics.horizontalAdvance(text[:cut + 1]) <= width:
        cut += 1
    return [text[:cut], text[cut:]]


class FestivalButton(Card):
    """A coming festival: its name, date and lunar date, days left, and what is planned for it."""

    MARGIN_Y = 6

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.big.setPointSizeF(self.font().pointSizeF() * 1.25)
        self.plan: FestivalPlan | None = None
        self.name = self.when = self.left = ""
        self.state: list[str] = []
        self.state_colour = GOOD

    def sizeHint(self) -> QSize:
        return QSize(300, 2 * self.MARGIN_Y + 2 * self.fontMetrics().height() + 4)

    def show_plan(self, plan: FestivalPlan, today: date) -> None:
        self.plan = plan
        self.name = plan.name
        days = plan.days_left(today)
        self.when = f"{plan.day:%Y-%m-%d} {plan.note}"
        self.left = self.tr("就是今天") if days == 0 else self.tr("还有 {0} 天").format(days)
        if plan.held:
            self.state, self.state_colour = [self.tr("已开展 {0} 项").format(len(plan.activities))], GOOD
        elif plan.planned:
            self.state, self.state_colour = [self.tr("已安排 {0} 项").format(len(plan.activities))], GOOD
        else:
            self.state, self.state_colour = [self.tr("未安排"), self.tr("点此新建活动")], WARN
        names = "\n".join(f"{a.day:%m-%d} {a.title}（{a.status.label}）" for a in plan.activities)
        self.setToolTip(names or self.tr("{0}前后还没有「传统节日」类的活动：点击新建一项").format(plan.name))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        inner = self._frame(painter)
        metrics = painter.fontMetrics()
        state_w = max((metrics.horizontalAdvance(t) for t in self.state), default=0)
        painter.setFont(self.big)
        name_w = painter.fontMetrics().horizontalAdvance("重阳节") + 10
        painter.setPen(QColor(PLAIN))
        painter.drawText(QRectF(inner.left(), inner.top(), name_w, inner.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.name)
        painter.setFont(self.font())
        middle = QRectF(inner.left() + name_w, inner.top(), inner.width() - name_w - state_w - 8, inner.height())
        top = inner.center().y() - metrics.height()
        self._line(painter, middle, self._line(painter, middle, top, self.when, MUTED_TEXT), self.left, MUTED_TEXT)
        right = QRectF(inner.right() - state_w, inner.top(), state_w, inner.height())
        y = inner.center().y() - metrics.height() * len(self.state) / 2
        for text in self.state:
            y = self._line(painter, right, y, text, self.state_colour, Qt.AlignmentFlag.AlignRight)
        painter.end()
