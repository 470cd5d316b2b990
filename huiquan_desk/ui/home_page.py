"""首页: this month and this year at a glance (services.dashboard), every tile opening its list.

Tiles: 本月活动 (the activity page filtered to this month), 缺照片 (this year's held activities
without a photo), 逾期整改 (the rectification ledger, or the one overdue problem), 测评自查 (this
year's grades as traffic lights), 未归档 (the archive page at the year waiting, its filing dialog
open) and 志愿服务时长 (the volunteer page's service records of this month). Below: activities per
category per month (a click on a bar opens that month, and that category), hours by team (a click
opens the team's service records of the year) and the next traditional festivals (a click shows the
activities planned for one, or opens a new activity for it when none is).

Nothing is read on the GUI thread: the figures (`dashboard.overview`, ≈ 15–25 ms on the demo) come
from a background task and paint as soon as they are back (the page paints with data ≈ 35 ms after
it is built on the demo: bench/dashboard.py); the grades (`dashboard.grades`, the whole
self-assessment: ≈ 0.15 s on the demo, seconds on a large community) from a second,
cancellable one after it; until then the tiles say 正在统计… / 正在评定…. The figures are read again
whenever the page is shown again; the grades when they are older than GRADES_FRESH_S, or on 刷新.
The tiles and festival rows are painted buttons (one widget each), so the page builds in a few ms.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.activity import ActivityDraft, ActivityStatus
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.domain.volunteer import hours_text
from huiquan_desk.services import dashboard, service_hours
from huiquan_desk.services.dashboard import Dashboard, FestivalPlan, Grades
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui.charts import (
    BAD,
    GOOD,
    MUTED_TEXT,
    PALETTE,
    PLAIN,
    WARN,
    BarRow,
    FestivalButton,
    HorizontalBarChart,
    Series,
    StackedBarChart,
    Tile,
)
from huiquan_desk.ui.tasks import Task

if TYPE_CHECKING:
    from huiquan_desk.ui.main_window import MainWindow

GRADES_FRESH_S = 300  # the grades are evaluated again on a visit when older than this (刷新: at once)
LIGHT_COLOURS = {dashboard.GREEN: "#2e9d57", dashboard.AMBER: "#e0a526", dashboard.ORANGE: "#e67e22", dashboard.RED: "#c0392b",
                 dashboard.GREY: "#a3acb5"}
PLANNED_COLOUR = "#7a8a99"
STYLE = """
QFrame#card { background: white; border: 1px solid #d6dde5; border-radius: 6px; }
QLabel#cardTitle { font-weight: bold; color: #22425f; }
QLabel#hint { color: #6b7785; }
"""


def _named(label: QLabel, name: str) -> QLabel:
    label.setObjectName(name)
    return label


def _card(title: str, body: QWidget, hint: str = "") -> QFrame:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(12, 8, 12, 8)
    head = QHBoxLayout()
    head.addWidget(_named(QLabel(title), "cardTitle"))
    head.addStretch(1)
    if hint:
        head.addWidget(_named(QLabel(hint), "hint"))
    layout.addLayout(head)
    layout.addWidget(body, 1)
    return card


class HomePage(QWidget):
    def __init__(self, ws: Workspace, window: MainWindow | None = None, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today):
        super().__init__(parent)
        self.ws = ws
        self.window_ = window
        self.today = today
        self.data: Dashboard | None = None
        self.grade_data: Grades | None = None
        self.task: Task | None = None
        self.grades_task: Task | None = None
        self._again = False  # refresh asked for while reading: read again when it is back
        self._grade_again = False
        self._force_grades = False  # 刷新 asks for the grades too, however fresh
        self._graded_at: float | None = None  # monotonic() when the grades shown were asked for
        self._build()
        self.setStyleSheet(STYLE)  # once, after the widgets are in place (each reparenting would polish again)
        self._waiting()
        self.refresh()

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 8)
        layout.setSpacing(10)
        head = QHBoxLayout()
        title = QLabel(self.tr("本月与本年一览"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.as_of = QLabel()
        self.as_of.setObjectName("hint")
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setToolTip(self.tr("重新统计（F5）"))
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(self.reload_all)
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.as_of)
        head.addStretch(1)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)

        tiles = QGridLayout()
        tiles.setSpacing(10)
        self.tiles: dict[str, Tile] = {}
        for column, (key, caption, slot) in enumerate((
                ("month", self.tr("本月活动"), self.open_month_activities),
                ("photos", self.tr("缺照片的活动"), self.open_without_photos),
                ("rectifications", self.tr("逾期整改"), self.open_rectifications),
                ("grades", self.tr("测评自查（本年）"), self.open_assessment),
                ("unfiled", self.tr("未归档材料"), self.open_unfiled),
                ("hours", self.tr("志愿服务时长"), self.open_hours))):
            tile = Tile(caption)
            tile.clicked.connect(slot)
            self.tiles[key] = tile
            tiles.addWidget(tile, 0, column)
            tiles.setColumnStretch(column, 5 if key == "grades" else 4)  # room for the four lights on one line
        layout.addLayout(tiles)

        body = QHBoxLayout()
        body.setSpacing(10)
        self.chart = StackedBarChart()
        self.chart.clicked.connect(self.open_chart_bar)
        body.addWidget(_card(self.tr("本年各类活动（按月）"), self.chart, self.tr("点柱子查看当月的活动")), 3)
        side = QVBoxLayout()
        side.setSpacing(10)
        self.hours_chart = HorizontalBarChart()
        self.hours_chart.clicked.connect(self.open_team)
        side.addWidget(_card(self.tr("志愿服务时长（按队伍，小时）"), self.hours_chart), 1)
        festivals = QWidget()
        rows = QVBoxLayout(festivals)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(6)
        self.festival_buttons = []
        for _ in range(dashboard.NEXT_FESTIVALS):
            button = FestivalButton()
            button.clicked.connect(lambda _=False, b=button: self.open_festival(b.plan))
            rows.addWidget(button)
            self.festival_buttons.append(button)
        self.festival_note = _named(QLabel(), "hint")
        self.festival_note.setWordWrap(True)
        rows.addWidget(self.festival_note)
        side.addWidget(_card(self.tr("近期传统节日"), festivals), 0)
        body.addLayout(side, 2)
        layout.addLayout(body, 1)
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    # --- loading --------------------------------------------------------------------------------
    def _waiting(self) -> None:
        for tile in self.tiles.values():
            tile.waiting(self.tr("正在统计…"))
        self.tiles["grades"].waiting(self.tr("正在评定…"))
        self.as_of.setText(self.tr("正在统计…"))
        self.chart.set_data([], [], empty_text=self.tr("正在统计…"))
        self.hours_chart.set_data([], empty_text=self.tr("正在统计…"))
        for button in self.festival_buttons:
            button.setVisible(False)
        self.festival_note.setText(self.tr("正在统计…"))

    def reload_all(self) -> None:
        """刷新: the figures and the grades, read again now."""
        self._force_grades = True
        self.refresh()

    def refresh(self) -> None:
        """Read the figures again in the background (what is on screen stays until they are back); the
        grades follow when they are older than GRADES_FRESH_S (MainWindow._show_row calls this each
        time the page is shown: a large community's self-assessment takes seconds)."""
        if self.task is not None:
            self._again = True
            return
        ws, today = self.ws, self.today()

        def work(_progress: object) -> Dashboard:
            with ws.read() as session:
                return dashboard.overview(session, today)

        self.task = Task(self, self.tr("统计首页"), work, self._loaded, self._failed, ask_before_quit=False, quiet=True)

    def _loaded(self, data: Dashboard) -> None:
        self.task = None
        self.show_data(data)
        if self._again:
            self._again = False
            self.refresh()
            return
        force, self._force_grades = self._force_grades, False
        if force or self._graded_at is None or monotonic() - self._graded_at > GRADES_FRESH_S:
            self._grade()

    def _failed(self, error: BaseException) -> None:
        self.task = None
        self.status.setText(self.tr("统计没有完成：{0}。点「刷新」再试。").format(
            error if isinstance(error, HuiquanError) else self.tr("程序出错，详情已写入日志")))
        if self._again:
            self._again = False
            self.refresh()

    def _grade(self) -> None:
        if self.grades_task is not None:  # grade again when this one is back (the figures were read anew)
            self._grade_again = True
            return
        ws, today = self.ws, self.today()
        self._graded_at = monotonic()

        def work(progress: Callable[[int, int], None]) -> Grades:
            with ws.read() as session:  # progress() between items: a cancelled task stops there
                return dashboard.grades(session, today, progress)

        self.grades_task = Task(self, self.tr("测评自查"), work, self._graded, self._grade_failed,
                                ask_before_quit=False, quiet=True)

    def _graded(self, grades: Grades) -> None:
        self.grades_task = None
        self.show_grades(grades)
        self._regrade()

    def _grade_failed(self, error: BaseException) -> None:
        self.grades_task = None
        self._regrade()
        self.tiles["grades"].show_value("—", self.tr("评定没有完成：{0}").format(
            error if isinstance(error, HuiquanError) else self.tr("程序出错，详情已写入日志")), BAD)

    def _regrade(self) -> None:
        if self._grade_again:
            self._grade_again = False
            self._grade()

    @property
    def busy(self) -> bool:
        return self.task is not None or self.grades_task is not None

    # --- showing --------------------------------------------------------------------------------
    def show_data(self, d: Dashboard) -> None:
        self.data = d
        self.as_of.setText(self.tr("截至 {0}").format(f"{d.today:%Y-%m-%d}"))
        self.status.setText("")
        t = self.tiles
        planned = self.tr("\n另有本月计划中的 {0} 项（图中斜线）").format(d.planned_month) if d.planned_month else ""
        month_text = self.tr("{0}月已开展\n本年 {1} 项").format(d.month, d.held_year)  # short: a tile is narrow
        t["month"].show_value(str(d.held_month), month_text, PLAIN if d.held_month else WARN, month_text + planned)
        t["photos"].show_value(str(d.without_photos_year), self.tr("本年已开展或已归档\n其中本月 {0} 项")
                               .format(d.without_photos_month) if d.without_photos_year else self.tr("本年已开展的活动都有照片"),
                               BAD if d.without_photos_year else GOOD)
        if d.overdue_count:
            first = d.overdue[0]
            detail = self.tr("最早的已逾期 {0} 天\n责任人：{1}").format((d.today - first.deadline).days,
                                                           first.responsible or self.tr("未定"))
            tip = "\n".join(f"{r.deadline:%Y-%m-%d} {r.problem}（{r.responsible or '未定责任人'}）" for r in d.overdue)
            t["rectifications"].show_value(str(d.overdue_count), detail, BAD, tip)
        else:
            t["rectifications"].show_value("0", self.tr("没有逾期未整改的问题"), GOOD)
        self._show_unfiled(d)
        hours = hours_text(d.month_minutes)
        t["hours"].show_value(hours, self.tr("{0}月服务小时\n本年 {1} 小时").format(d.month, hours_text(d.year_minutes)),
                              PLAIN if d.month_minutes else WARN)
        self._show_chart(d)
        rows = [BarRow(h.name, h.year_minutes / 60, h.month_minutes / 60,
                       self.tr("{0} / 本月 {1}").format(hours_text(h.year_minutes), hours_text(h.month_minutes)),
                       self.tr("{0}\n本年 {1} 小时\n{2}月 {3} 小时").format(h.name, hours_text(h.year_minutes), d.month,
                                                                    hours_text(h.month_minutes)))
                for h in d.hours]
        self.hours_chart.set_data(rows, (self.tr("本年"), self.tr("本月")), PALETTE[2], self.tr(
            "本年还没有志愿服务时长。\n活动后在「活动台账」点「志愿服务登记…」，这里按队伍统计。"))
        for button, plan in zip(self.festival_buttons, d.festivals, strict=False):
            button.show_plan(plan, d.today)
            button.setVisible(True)
        for button in self.festival_buttons[len(d.festivals):]:
            button.setVisible(False)
        if d.festival_category_id is None:
            self.festival_note.setText(self.tr("类别中没有「传统节日」：在「设置」中添加后，这里会显示每个节日是否已安排活动。"))
        else:
            self.festival_note.setText(self.tr("节日前 {0} 天至节后 {1} 天内「传统节日」类的活动算作为它安排的。")
                                       .format(dashboard.FESTIVAL_BEFORE, dashboard.FESTIVAL_AFTER))

    def _show_unfiled(self, d: Dashboard) -> None:
        tile = self.tiles["unfiled"]
        due = d.unfiled_due
        this = d.unfiled_this_year
        if due:
            first = due[0]
            passed = [u for u in due if u.due < d.today]
            total = sum(u.total for u in due)
            years = "、".join(str(u.year) for u in due)
            if passed:
                detail = self.tr("{0}年度未归档\n已过 {1} 期限").format(years, f"{passed[0].due:%Y-%m-%d}")
            else:
                detail = self.tr("{0}年度未归档\n应于 {1} 前归档").format(years, f"{first.due:%Y-%m-%d}")
            tile.show_value(str(total), detail, BAD if passed else WARN,
                            self._unfiled_tip(due + ([this] if this else [])))
        elif this:
            tile.show_value(str(this.total), self.tr("本年度可归档\n应于 {0} 前归档").format(f"{this.due:%Y-%m-%d}"), PLAIN,
                            self._unfiled_tip([this]))
        else:
            tile.show_value("0", self.tr("没有待归档的活动和评选"), GOOD)

    def _unfiled_tip(self, years: list[dashboard.UnfiledYear]) -> str:
        return "\n".join(self.tr("{0}年度：活动 {1} 项、评选 {2} 项，应于 {3} 前归档").format(
            u.year, u.activities, u.campaigns, f"{u.due:%Y-%m-%d}") for u in years)

    def _show_chart(self, d: Dashboard) -> None:
        series = [Series(c.name, c.held, PALETTE[i % len(PALETTE)]) for i, c in enumerate(d.categories)]
        planned = [sum(c.planned[m] for c in d.categories) for m in range(12)]
        if any(planned):
            series.append(Series(self.tr("计划中"), planned, PLANNED_COLOUR, hatched=True))
        labels = [self.tr("{0}月").format(m) for m in range(1, 13)]
        titles = [self.tr("{0}年{1}月").format(d.year, m) for m in range(1, 13)]
        self.chart.set_data(labels, series, self.tr("活动（项）"), d.month - 1, titles, self.tr(
            "本年还没有活动。\n点左侧「活动台账」→「新建活动」登记第一项。"))

    def show_grades(self, g: Grades) -> None:
        self.grade_data = g
        tile = self.tiles["grades"]
        if not g.lights:
            tile.show_value("—", self.tr("还没有测评项目：在「测评自查」中添加或导入测评表"), MUTED_TEXT)
            return
        names = {dashboard.GREEN: "A", dashboard.AMBER: "B", dashboard.ORANGE: "C", dashboard.RED: "C#",
                 dashboard.GREY: self.tr("待评")}
        lights = [(LIGHT_COLOURS[light], f"{names[light]} {g.count(light)}")
                  for light in dashboard.LIGHT_ORDER if g.count(light)]
        share = g.score / g.points if g.points else 0.0
        colour = GOOD if share >= 0.85 else WARN if share >= 0.6 else BAD
        tip = "\n".join(f"{x.code} {x.indicator}：{x.grade or dashboard.LIGHT_LABELS[dashboard.GREY]}"
                        + (self.tr("（{0} 个问题）").format(x.problems) if x.problems else "") for x in g.lights)
        detail = self.tr("A {0} · B {1} · C {2} · C# {3} · 待评 {4}").format(*(g.count(x) for x in dashboard.LIGHT_ORDER))
        tile.show_value(_points(g.score), detail, colour, self.tr("得分 {0} / {1}（已评定的项目）\n").format(
            _points(g.score), _points(g.points)) + tip, suffix=f"/ {_points(g.points)}", lights=lights)

    # --- the lists the tiles open ---------------------------------------------------------------
    def _window(self) -> MainWindow:
        window = self.window_
        if window is None:
            raise RuntimeError("the home page opens lists through its main window")
        return window

    def _go(self, key: str) -> Any:
        """Show the page `key` (its own methods set the list: show_filter, show_services …)."""
        return self._window().go(key)

    def _writes(self) -> bool:
        from huiquan_desk.ui.main_window import WRITE_ROLES

        return self.ws.role in WRITE_ROLES and not self.ws.read_only

    def _activities(self) -> Any:
        return self._go("activities")

    def _today(self) -> date:
        return self.data.today if self.data is not None else self.today()

    def open_month_activities(self) -> None:
        today = self._today()
        self.open_month(today.month)

    def open_month(self, month: int, category_id: int | None = None, status: ActivityStatus | None = None) -> None:
        """The activity page filtered to a month of this year (and a category, a status)."""
        year = self._today().year
        first = date(year, month, 1)
        last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
        self._activities().show_filter(first, last, category_id=category_id, status=status)

    def open_chart_bar(self, index: int, series: int | None) -> None:
        """A click on the chart: the month, and the category (or 计划中) of the part clicked."""
        d = self.data
        if d is None:
            return
        if series is None:
            self.open_month(index + 1)
        elif series < len(d.categories):
            self.open_month(index + 1, d.categories[series].category_id)
        else:
            self.open_month(index + 1, status=ActivityStatus.PLANNED)

    def open_without_photos(self) -> None:
        year = self._today().year
        self._activities().show_filter(date(year, 1, 1), date(year, 12, 31), without_photos=True)  # 已开展 and 已归档

    def open_rectifications(self) -> None:
        window = self._window()
        d = self.data
        if d is not None and d.overdue_count == 1 and window.show_record("rectifications", d.overdue[0].id):
            return
        page = self._go("rectifications")
        if d is not None and d.overdue_count > 0:
            page.show_overdue()  # every overdue one, whatever filters were left set on the page
        else:
            page.overdue_only.setChecked(False)

    def open_assessment(self) -> None:
        self._go("assessment")

    def open_unfiled(self) -> None:
        """The archive page at the oldest year waiting, with its filing dialog (nothing waiting: the page;
        an account that may not write: the page at that year, where the records wait)."""
        d = self.data
        page = self._go("archives")
        if d is None or not d.unfiled:
            return
        page.set_year(d.unfiled[0].year)
        if self._writes():
            page.file_records()

    def open_hours(self) -> None:
        today = self._today()
        page = self._go("volunteers")
        page.show_services(today.replace(day=1), today)

    def open_team(self, index: int, _series: object = None) -> None:
        d = self.data
        if d is None or index >= len(d.hours):
            return
        team = d.hours[index].team_id  # None: the 未分队 bar
        page = self._go("volunteers")
        page.show_services(date(d.year, 1, 1), d.today, service_hours.NO_TEAM_ID if team is None else team)

    def open_festival(self, plan: FestivalPlan | None) -> None:
        """The festival's 传统节日 activities of its window, or a new activity for it when none is planned."""
        d = self.data
        if plan is None or d is None:
            return
        if plan.planned or not self._writes():  # a 查看 account sees the (empty) list instead of a form it cannot save
            self._activities().show_filter(plan.window_from, plan.window_to, category_id=d.festival_category_id)
            return
        from huiquan_desk.ui.activity_dialog import ActivityDialog

        start = datetime.combine(plan.day, time(9, 0))
        preset = ActivityDraft(title=self.tr("“我们的节日·{0}”主题活动").format(plan.name),
                               category_id=d.festival_category_id, start=start, end=start + timedelta(hours=2),
                               status=ActivityStatus.PLANNED if plan.day > d.today else ActivityStatus.DONE)
        saved = ActivityDialog.ask(self.ws, None, self, preset=preset)
        if saved is not None:
            self._window().show_record("activities", saved)



def _points(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
