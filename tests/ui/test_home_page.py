"""首页: the window opens on it, every tile opens its list with the right filter, the chart opens a
month, it fits a 1280×720 screen and an empty data folder shows what to do, not errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, QSize, Qt

from huiquan_desk.domain.activity import ActivityStatus
from huiquan_desk.domain.festivals import upcoming
from huiquan_desk.services import activities as activity_service
from huiquan_desk.services import assessment, dashboard, service_hours, volunteers
from huiquan_desk.services import rectifications as rs
from huiquan_desk.ui import archives_page, widgets
from huiquan_desk.ui.activity_dialog import ActivityDialog
from huiquan_desk.ui.archive_dialogs import FilingDialog
from huiquan_desk.ui.home_page import HomePage
from huiquan_desk.ui.main_window import MainWindow
from huiquan_desk.ui.widgets import from_qdate
from tests.helpers import category_id, draft
from tests.volunteer_helpers import make_id

TODAY = date.today()
MONTH_START = TODAY.replace(day=1)
LAST_YEAR = TODAY.year - 1


def log(ws, title: str, day: date, category: str = "传统节日", status: ActivityStatus = ActivityStatus.DONE) -> int:  # type: ignore[no-untyped-def]
    start = datetime.combine(day, datetime.min.time()).replace(hour=9)
    with ws.write() as s:
        return activity_service.create_activity(s, draft(s, title=title, category_id=category_id(s, category), start=start,
                                                         end=start + timedelta(hours=1), status=status), ws.files)


@pytest.fixture
def data(ws):  # type: ignore[no-untyped-def]
    """This month's activity (no photo), one of last year waiting to be filed, a team's hours this
    month, an overdue rectification, the default checklist."""
    log(ws, "楼道卫生整治", MONTH_START, "卫生整治")
    log(ws, "去年的普法宣传", date(LAST_YEAR, 5, 6), "普法宣传")
    with ws.write() as s:
        team = next(t.id for t in volunteers.list_teams(s) if t.name == "党员志愿服务队")
        who = volunteers.create_volunteer(s, volunteers.VolunteerDraft(name="林秀英", id_number="11010519491231002X",
                                                                       team_id=team))
        service_hours.add_supplement(s, service_hours.SupplementDraft(who, MONTH_START, 90, title="楼道清理",
                                                                      reason="签到表遗漏"), "王堃")
        rect = rs.create_rectification(s, rs.RectificationDraft("3栋楼道堆放杂物", TODAY - timedelta(days=30),
                                                                responsible="王堃", deadline=TODAY - timedelta(days=2)))
        assessment.seed_checklist(s)
    return {"team": team, "rectification": rect}


@pytest.fixture
def home(window, qtbot) -> HomePage:  # type: ignore[no-untyped-def]
    page = window.page("home")
    qtbot.waitUntil(lambda: not page.busy, timeout=20000)
    return page


def test_the_window_opens_on_the_home_page(app, ws, qtbot, data) -> None:
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    assert window.current_key == "home" and window.nav.item(0).text() == "首页"
    page = window.page("home")
    assert window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: not page.busy, timeout=20000)
    tiles = page.tiles
    assert page.as_of.text() == f"截至 {TODAY:%Y-%m-%d}"
    assert tiles["month"].value == "1" and "本年 1 项" in tiles["month"].detail
    assert tiles["photos"].value == "1"
    assert tiles["rectifications"].value == "1"
    assert "已逾期 2 天" in tiles["rectifications"].detail and "3栋楼道堆放杂物" in tiles["rectifications"].toolTip()
    assert tiles["unfiled"].value == "1" and f"{LAST_YEAR}年度未归档" in tiles["unfiled"].detail
    assert tiles["hours"].value == "1.5"
    assert "正在" not in tiles["grades"].detail and tiles["grades"].lights  # the traffic lights
    grades = page.grade_data
    assert grades is not None and len(grades.lights) == len(assessment.default_checklist())
    for code in (g.code for g in grades.lights):
        assert code in tiles["grades"].toolTip()
    counts = [grades.count(light) for light in ("green", "amber", "orange", "red", "grey")]
    green, amber, orange, red, grey = counts
    assert tiles["grades"].detail == f"A {green} · B {amber} · C {orange} · C# {red} · 待评 {grey}"
    assert [text for _colour, text in tiles["grades"].lights] == [
        f"{name} {n}" for name, n in zip(("A", "B", "C", "C#", "待评"), counts, strict=True) if n]
    assert tiles["grades"].value == f"{grades.score:.1f}".removesuffix(".0")
    window.grab()  # every tile paints


def test_month_and_photo_tiles_open_the_activity_page_filtered(data, window, home) -> None:
    home.tiles["month"].click()
    assert window.current_key == "activities"
    page = window.activities
    flt = page.current_filter()
    month_end = (MONTH_START + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert (flt.date_from, flt.date_to, flt.category_id, flt.without_photos) == (MONTH_START, month_end, None, False)
    assert page.model.rowCount() == home.data.held_month + home.data.planned_month == 1
    window.go("home")
    home.tiles["photos"].click()
    flt = page.current_filter()
    assert window.current_key == "activities"
    assert (flt.date_from, flt.date_to, flt.status, flt.without_photos, flt.exclude_planned) == (
        date(TODAY.year, 1, 1), date(TODAY.year, 12, 31), None, True, True)  # 已开展 and 已归档, as counted
    assert page.without_photos.isChecked() and page.model.rowCount() == home.data.without_photos_year == 1


def test_a_click_on_a_bar_opens_that_month_and_category(data, window, home, qtbot, app) -> None:
    chart = home.chart
    chart.repaint()
    part = next(h for h in chart.hits if h.series is not None and h.index == TODAY.month - 1)
    assert "卫生整治" not in part.tip and "社会环境：1" in part.tip and "合计：1" in part.tip  # the top-level category
    assert chart.tooltip_at(part.rect.center()) == part.tip
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=part.rect.center().toPoint())
    assert window.current_key == "activities"
    flt = window.activities.current_filter()
    with window.ws.read() as s:
        environment = category_id(s, "社会环境")
    assert (flt.date_from, flt.category_id) == (MONTH_START, environment)
    assert window.activities.model.rowCount() == 1
    window.go("home")
    chart.repaint()
    empty_month = (TODAY.month % 12)  # next month (January when it is December): a column with no bar
    column = next(h for h in chart.hits if h.series is None and h.index == empty_month)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=column.rect.center().toPoint())
    flt = window.activities.current_filter()
    assert flt.date_from == date(TODAY.year, empty_month + 1, 1) and flt.category_id is None


def test_hours_tile_and_team_bar_open_the_service_records(data, window, home) -> None:
    home.tiles["hours"].click()
    assert window.current_key == "volunteers"
    page = window.volunteers
    assert page.tabs.currentIndex() == 1
    assert (from_qdate(page.service_from.date()), from_qdate(page.service_to.date())) == (MONTH_START, TODAY)
    assert page.services.rowCount() == 1 and "1.5 小时" in page.services_summary.text()
    window.go("home")
    home.hours_chart.repaint()
    assert [r.label for r in home.hours_chart.rows] == ["党员志愿服务队"]
    home.hours_chart.clicked.emit(0, None)
    assert page.service_team.currentData() == data["team"]
    assert from_qdate(page.service_from.date()) == date(TODAY.year, 1, 1)


def test_the_no_team_bar_opens_the_services_of_volunteers_without_a_team(data, window, home, ws, qtbot) -> None:
    with ws.write() as s:
        alone = volunteers.create_volunteer(s, volunteers.VolunteerDraft(name="陈阿婆", id_number=make_id(date(1945, 3, 8), 124)))
        service_hours.add_supplement(s, service_hours.SupplementDraft(alone, MONTH_START, 60, title="独居老人探访",
                                                                      reason="签到表遗漏"), "王堃")
    home.refresh()
    qtbot.waitUntil(lambda: not home.busy and len(home.data.hours) == 2, timeout=20000)
    home.hours_chart.repaint()
    labels = [r.label for r in home.hours_chart.rows]
    assert "未分队" in labels
    home.hours_chart.clicked.emit(labels.index("未分队"), None)
    page = window.volunteers
    assert window.current_key == "volunteers" and page.tabs.currentIndex() == 1
    assert page.service_team.currentText() == "未分队"
    assert [r.volunteer for r in page.services.rows] == ["陈阿婆"] and "1 小时" in page.services_summary.text()


def test_unfiled_tile_opens_the_filing_dialog_of_the_year_waiting(data, window, home, monkeypatch) -> None:
    opened = []

    def run(dialog):  # type: ignore[no-untyped-def]
        assert isinstance(dialog, FilingDialog)
        opened.append(dialog.year)
        return False

    monkeypatch.setattr(archives_page, "run_dialog", run)
    home.tiles["unfiled"].click()
    assert window.current_key == "archives" and window.page("archives").year == LAST_YEAR
    assert opened == [LAST_YEAR]


def test_rectification_and_assessment_tiles(data, window, home, qtbot) -> None:
    home.tiles["rectifications"].click()
    assert window.current_key == "rectifications"  # the one overdue problem, selected on its page
    page = window.page("rectifications")
    assert page.selected().id == data["rectification"]
    with window.ws.write() as s:  # two overdue: the ledger with 只看逾期
        rs.create_rectification(s, rs.RectificationDraft("宣传栏破损", TODAY - timedelta(days=20),
                                                         deadline=TODAY - timedelta(days=1)))
    window.go("home")
    qtbot.waitUntil(lambda: not home.busy and home.data.overdue_count == 2, timeout=20000)
    home.tiles["rectifications"].click()
    assert window.current_key == "rectifications" and page.overdue_only.isChecked() and page.model.rowCount() == 2
    # filters left on the page do not hide what the tile counts
    page.overdue_only.setChecked(False)
    page.status_filter.setCurrentIndex(page.status_filter.findData("done"))
    page.source_filter.setCurrentIndex(page.source_filter.findData("supervision"))
    page.search.setText("没有这样的问题")
    page.reload()
    assert page.model.rowCount() == 0
    window.go("home")
    home.tiles["rectifications"].click()
    assert page.overdue_only.isChecked() and page.model.rowCount() == 2 and page.search.text() == ""
    assert page.status_filter.currentData() is None and page.source_filter.currentData() is None
    assert page.year_filter.currentData() is None
    window.go("home")
    home.tiles["grades"].click()
    assert window.current_key == "assessment"


def test_festivals_open_their_activities_or_a_new_one(window, home, ws, qtbot, monkeypatch) -> None:
    first, second = upcoming(TODAY, 400)[:2]
    log(ws, f"“我们的节日·{first.name}”活动", first.day, status=ActivityStatus.PLANNED)
    window.go("activities")
    window.go("home")  # shown again: it reads the figures again
    qtbot.waitUntil(lambda: not home.busy, timeout=20000)
    shown, waiting = home.festival_buttons[:2]
    assert shown.plan.name == first.name and shown.plan.planned and shown.state == ["已安排 1 项"]
    assert waiting.plan.name == second.name and not waiting.plan.planned and "未安排" in waiting.state
    shown.click()
    assert window.current_key == "activities"
    flt = window.activities.current_filter()
    with ws.read() as s:
        festive = category_id(s, "传统节日")
    assert (flt.date_from, flt.date_to, flt.category_id) == (
        first.day - timedelta(days=dashboard.FESTIVAL_BEFORE), first.day + timedelta(days=dashboard.FESTIVAL_AFTER), festive)
    assert window.activities.model.rowCount() == 1
    asked: list[dict] = []
    monkeypatch.setattr(ActivityDialog, "ask", classmethod(lambda cls, *a, **k: asked.append(k) or None))
    window.go("home")
    qtbot.waitUntil(lambda: not home.busy, timeout=20000)
    waiting.click()
    (preset,) = [k["preset"] for k in asked]
    assert second.name in preset.title and preset.category_id == festive
    assert preset.start.date() == second.day and preset.status is ActivityStatus.PLANNED


def test_it_fits_a_small_screen(app, ws, qtbot, data, monkeypatch) -> None:
    monkeypatch.setattr(widgets, "screen_area", lambda widget=None: QRect(0, 0, 1280, 720))
    QSettings().remove("main/geometry")
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    page = window.page("home")
    qtbot.waitUntil(lambda: not page.busy, timeout=20000)
    room = QSize(1280 - widgets.FRAME.width(), 720 - widgets.FRAME.height())
    assert window.size() == room
    needs = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert needs.width() <= room.width() and needs.height() <= room.height()
    for size in (room, needs):
        window.resize(size)
        app.processEvents()
        for widget in [*page.tiles.values(), *page.festival_buttons, page.refresh_button, page.chart, page.hours_chart]:
            if widget.isVisibleTo(window):
                rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
                assert window.rect().contains(rect), f"{widget} at {rect} is cut off in {size}"
        for tile in page.tiles.values():  # each tile's lines are whole: its height holds them
            assert tile.height() >= tile.sizeHint().height()
    QSettings().remove("main/geometry")


def test_an_empty_data_folder_says_what_to_do(window, home) -> None:
    assert window.current_key == "home" and home.data is not None
    tiles = home.tiles
    assert tiles["month"].value == "0"
    assert "都有照片" in tiles["photos"].detail and "没有逾期" in tiles["rectifications"].detail
    assert "没有待归档" in tiles["unfiled"].detail
    assert "还没有测评项目" in tiles["grades"].detail
    assert "还没有活动" in home.chart.empty_text and "还没有志愿服务时长" in home.hours_chart.empty_text
    home.chart.repaint()
    assert home.chart.hits == []  # nothing to click, the sentence instead
    assert all(b.isVisibleTo(window) and not b.plan.planned for b in home.festival_buttons)
    assert "正在" not in home.status.text() and home.status.text() == ""


def test_refresh_reads_again(window, home, ws, qtbot) -> None:
    assert home.data.held_month == 0
    log(ws, "楼道卫生整治", TODAY, "卫生整治")
    home.refresh_button.click()
    qtbot.waitUntil(lambda: not home.busy and home.data.held_month == 1, timeout=20000)
    assert home.tiles["month"].value == "1"


def test_grades_are_not_evaluated_again_on_every_visit(window, home, ws, qtbot) -> None:
    """The self-assessment takes long on a large community: a visit reads the figures, 刷新 grades too."""
    first = home.grade_data
    assert first is not None and first.lights == []
    with ws.write() as s:
        assessment.seed_checklist(s)
    window.go("activities")
    window.go("home")  # shown again: figures only, the grades are fresh
    assert home.task is not None and home.grades_task is None
    qtbot.waitUntil(lambda: not home.busy, timeout=20000)
    assert home.grade_data is first
    home.refresh_button.click()  # 刷新: the grades as well
    qtbot.waitUntil(lambda: not home.busy and home.grade_data is not first, timeout=20000)
    assert len(home.grade_data.lights) == len(assessment.default_checklist())


def test_a_viewer_is_shown_lists_not_forms_it_cannot_save(data, ws, app, qtbot, monkeypatch) -> None:
    from huiquan_desk.services.permissions import Role

    ws.sign_in("chakan", Role.VIEWER)
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    home = window.page("home")
    qtbot.waitUntil(lambda: not home.busy, timeout=20000)
    monkeypatch.setattr(archives_page, "run_dialog", lambda dialog: pytest.fail("the filing dialog opened"))
    monkeypatch.setattr(ActivityDialog, "ask", classmethod(lambda cls, *a, **k: pytest.fail("a new activity opened")))
    home.tiles["unfiled"].click()
    assert window.current_key == "archives" and window.page("archives").year == LAST_YEAR
    window.go("home")
    qtbot.waitUntil(lambda: not home.busy, timeout=20000)
    waiting = home.festival_buttons[0]
    assert not waiting.plan.planned
    waiting.click()
    flt = window.activities.current_filter()
    assert window.current_key == "activities" and flt.date_to == waiting.plan.window_to
