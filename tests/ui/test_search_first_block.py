"""A search shows its first block at once; the whole list and the counts follow from the background.

(The service side, that the first block always begins the whole list, is in
tests/unit/test_speed_paths.py; the speed in bench/run.py.)
"""

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import insert

from huiquan_desk.services.activities import query_ids
from huiquan_desk.storage.models import Activity
from huiquan_desk.ui.activity_model import BLOCK
from huiquan_desk.ui.main_window import MainWindow
from tests.helpers import category_id

THIS_YEAR = datetime.now().year


@pytest.fixture
def page(app, ws, qtbot):  # type: ignore[no-untyped-def]
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    yield window.activities  # the window stays referenced while the test runs


def insert_activities(ws, count: int, title: str, minute: int = 0) -> None:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        cat = category_id(s)
        start = datetime(THIS_YEAR, 1, 1, 9)
        s.execute(insert(Activity.__table__), [
            dict(title=f"{title}{i}", category_id=cat, start_at=start + timedelta(minutes=minute + i),
                 end_at=start + timedelta(minutes=minute + i), place="", organizer="", leader="", participants=i,
                 content="", remarks="", status="done", created_at=start, updated_at=start) for i in range(count)])


def search(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type the text and let the search run now (as the page does when typing pauses)."""
    page.search.setText(text)
    page._search_timer.stop()
    page.apply_filter()


def whole_list(ws, page) -> list[int]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return query_ids(s, page.model.filter, page.model.sort_key, page.model.descending)


def test_first_block_at_once_then_the_whole_list(page, ws, qtbot, qtmodeltester) -> None:
    insert_activities(ws, 1000, "社区活动")
    insert_activities(ws, 30, "广场舞", minute=5000)
    page.refresh()
    search(page, "社")
    model = page.model
    assert not model.complete and model.rowCount() == BLOCK  # nothing counted yet: only the first block
    assert "正在统计" in page.summary.text()
    first = model.ids()
    qtmodeltester.check(model)  # also watches the rows inserted when the count arrives
    qtbot.waitUntil(lambda: model.complete, timeout=10000)
    assert model.rowCount() == 1000 and model.ids()[:BLOCK] == first and model.ids() == whole_list(ws, page)
    qtbot.waitUntil(lambda: page.summary.text() == "共 1000 项活动。其中 1000 项已开展（含已归档）但没有照片，"
                                                  "勾选「只看没有照片的」可查看。", timeout=10000)
    assert model.activity(999).title == "社区活动0"  # the last row, fetched on demand
    qtmodeltester.check(model)


def test_a_search_with_few_rows_is_complete_at_once(page, ws) -> None:
    insert_activities(ws, 1000, "社区活动")
    insert_activities(ws, 3, "广场舞", minute=5000)
    search(page, "广场")
    assert page.model.complete and page.model.rowCount() == 3 and page.summary.text().startswith("共 3 项活动。")


def test_sorting_before_the_count_arrives(page, ws, qtbot) -> None:
    insert_activities(ws, 500, "社区活动")
    search(page, "社")
    assert not page.model.complete
    page.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # 活动名称
    assert page.model.complete and page.model.rowCount() == 500  # the whole list, in the new order
    assert page.model.ids() == whole_list(ws, page) and page.model.sort_key == "title"
    qtbot.waitUntil(lambda: page._counting is None and page.summary.text().startswith("共 500 项活动。"),
                    timeout=10000)
    assert page.model.rowCount() == 500  # the count made for the old order added nothing


def test_typing_on_while_counting(page, ws, qtbot) -> None:
    insert_activities(ws, 700, "社区活动")
    insert_activities(ws, 400, "社团活动", minute=3000)
    search(page, "社")
    search(page, "社区")  # before the count of 「社」 is back
    assert not page.model.complete and page.model.rowCount() == BLOCK
    qtbot.waitUntil(lambda: page.model.complete and page._counting is None, timeout=10000)
    assert page.model.rowCount() == 700 and page.model.ids() == whole_list(ws, page)
    assert page.summary.text().startswith("共 700 项活动。")


def test_selection_beyond_the_first_block_comes_back(page, ws, qtbot) -> None:
    insert_activities(ws, 600, "社区活动")
    page.refresh()
    wanted = [page.model.id_at(10), page.model.id_at(450)]
    for activity_id in wanted:
        index = page.model.index(page.model.row_of(activity_id), 0)
        page.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    search(page, "社")
    assert page.selected_ids() == wanted[:1]  # only the first block is there yet
    qtbot.waitUntil(lambda: page.model.complete, timeout=10000)
    assert page.selected_ids() == wanted


def test_a_failed_count_leaves_the_rows_found(page, ws, qtbot, monkeypatch) -> None:
    insert_activities(ws, 300, "社区活动")
    from huiquan_desk.services import activities as service

    real = service.query_ids

    def failing(session, flt, sort="start", descending=True, limit=None):  # type: ignore[no-untyped-def]
        if limit is None:
            raise RuntimeError("disk gone")
        return real(session, flt, sort, descending, limit)

    monkeypatch.setattr(service, "query_ids", failing)
    search(page, "社")
    qtbot.waitUntil(lambda: page._counting is None, timeout=10000)
    assert page.model.rowCount() == BLOCK and not page.model.complete  # no retry loop, no error box
    assert page.summary.text() == "正在统计……已显示前 200 项活动。"
