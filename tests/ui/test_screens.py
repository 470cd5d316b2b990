"""Every window and dialog fits an office computer: 1920×1080 at 150 % leaves 1280×720 logical pixels.

The sizing rule (ui.widgets.fit_window) reads the screen through `widgets.screen_area`; here it is
made a 1280×720 screen (the test platform's own screen is 800×800). A window fails if its minimum
size, or the size it opens at, needs more than that less the frame (widgets.FRAME), or if a button
of its own (not one inside a scroll area) lies outside it. A last test starts a real program under
the offscreen platform with a 1280×720 and a 1366×768 screen and checks that the main window's
summary and status lines and the new-activity dialog's 保存 / 取消 are on the screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, QSize
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QDialogButtonBox, QScrollArea, QWidget

from huiquan_desk.domain.activity import NewAttachment
from huiquan_desk.services import accounts, campaigns, households, volunteers
from huiquan_desk.services import activities as activity_service
from huiquan_desk.ui import widgets
from huiquan_desk.ui.activity_model import column_of
from huiquan_desk.ui.main_window import MainWindow
from tests.helpers import draft, make_image

SCREEN = QRect(0, 0, 1280, 720)
ROOM = QSize(SCREEN.width() - widgets.FRAME.width(), SCREEN.height() - widgets.FRAME.height())
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_screen(monkeypatch):  # type: ignore[no-untyped-def]
    """Every window sizes itself for a 1280×720 screen; no geometry remembered from other tests."""
    monkeypatch.setattr(widgets, "screen_area", lambda widget=None: QRect(SCREEN))
    QSettings().remove("main/geometry")
    yield SCREEN
    QSettings().remove("main/geometry")


@pytest.fixture
def data(ws, tmp_path):  # type: ignore[no-untyped-def]
    """An activity with a photo, a volunteer, an account: every dialog has something to show."""
    start = datetime.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    with ws.write() as s:
        activity = activity_service.create_activity(
            s, draft(s, start=start, end=start + timedelta(hours=2)), ws.files,
            [NewAttachment(str(make_image(tmp_path / "photo.jpg", size=(1600, 1200))))])
        volunteer = volunteers.create_volunteer(s, volunteers.VolunteerDraft(name="王堃", id_number="11010519491231002X"))
        accounts.create_user(s, "wangkun", "王堃", "admin", "huiquan-2026")
        household = households.create_household(s, households.HouseholdDraft(
            "王建国", "3", "2", "501", phone="13800138000", members=[households.Member("李秀英", "配偶")]))
        campaign = campaigns.create_campaign(s, campaigns.CampaignDraft("文明家庭", start.year, quotas={"第一网格": 1}))
        campaigns.advance_stage(s, campaign)
        nomination = campaigns.add_nomination(s, campaign, campaigns.NominationDraft(
            household, "网格", "第一网格", "照顾孤寡老人十年" * 20), ws.files,
            [NewAttachment(str(make_image(tmp_path / "deeds.jpg")))])
        campaigns.advance_stage(s, campaign)
        campaigns.add_reviewer(s, campaign, "周敏", "居民代表")
    return {"activity": activity, "volunteer": volunteer, "household": household, "campaign": campaign,
            "nomination": nomination}


@pytest.fixture
def window(app, ws, qtbot, small_screen, data):  # type: ignore[no-untyped-def]
    win = MainWindow(ws)
    qtbot.addWidget(win)
    win.show()
    return win


def fits(size: QSize) -> bool:
    return size.width() <= ROOM.width() and size.height() <= ROOM.height()


def in_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QScrollArea | QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def assert_fits(top: QWidget, app, name: str) -> None:  # type: ignore[no-untyped-def]
    """`top` needs no more than the room of a 1280×720 screen, and its own buttons lie inside it."""
    top.show()
    app.processEvents()
    needs = top.minimumSizeHint().expandedTo(top.minimumSize())
    assert fits(needs), f"{name} needs at least {needs.width()}×{needs.height()}, more than {ROOM.width()}×{ROOM.height()}"
    assert fits(top.size()), f"{name} opens at {top.width()}×{top.height()}, more than {ROOM.width()}×{ROOM.height()}"
    for squeezed in (top.size(), needs):  # as it opens, and shrunk to its minimum
        top.resize(squeezed)
        app.processEvents()
        inside = top.rect()
        for button in top.findChildren(QAbstractButton):
            if not button.isVisibleTo(top) or in_scroll_area(button, top):
                continue
            rect = QRect(button.mapTo(top, QPoint(0, 0)), button.size())
            assert inside.contains(rect), f"{name}: button {button.text()!r} at {rect} lies outside {inside}"
    for box in top.findChildren(QDialogButtonBox):
        for button in box.buttons():
            assert not button.visibleRegion().isEmpty(), f"{name}: {button.text()!r} is covered"


def test_every_page_of_the_main_window_fits(window, app) -> None:
    assert window.size() == ROOM  # the preferred 1360×820 shrunk to the screen
    for key in window.page_keys():
        window.go(key)
        assert_fits(window, app, f"main window, page {key}")
        window.resize(ROOM)
        app.processEvents()
        for name in ("summary", "status"):  # the lines at the bottom of a page are on screen
            label = getattr(window.page(key), name, None)
            if label is not None and label.isVisibleTo(window):
                rect = QRect(label.mapTo(window, QPoint(0, 0)), label.size())
                assert window.rect().contains(rect), f"{key}.{name} at {rect} is cut off"
        assert window.rect().contains(window.statusBar().geometry())


def _dialogs(window, ws, data):  # type: ignore[no-untyped-def]
    """(name, builder) for every dialog the program opens (the photo viewer as the page sizes it)."""
    from huiquan_desk.domain.activity import PhotoCaption
    from huiquan_desk.services.accounts import SignedIn
    from huiquan_desk.ui.activity_dialog import ActivityDialog, CaptionDialog
    from huiquan_desk.ui.attendance_dialog import AttendanceDialog
    from huiquan_desk.ui.backup_dialog import BackupDialog
    from huiquan_desk.ui.campaign_dialogs import (
        CampaignDialog,
        FamilySettingsDialog,
        NominationDialog,
        ObjectionDialog,
        ScoreDialog,
        SettleDialog,
        StageDateDialog,
    )
    from huiquan_desk.ui.household_dialog import HouseholdDialog
    from huiquan_desk.ui.import_dialog import ImportDialog
    from huiquan_desk.ui.login_dialog import LockScreen, LoginDialog
    from huiquan_desk.ui.photo_viewer import PhotoViewer
    from huiquan_desk.ui.service_dialogs import CertificateDialog, SupplementDialog
    from huiquan_desk.ui.users_page import PasswordDialog, UserDialog
    from huiquan_desk.ui.volunteer_dialog import VolunteerDialog

    page = window.activities

    def photo_viewer():  # type: ignore[no-untyped-def]
        page.select_id(data["activity"])
        page.open_photo(page.strip.item(0))  # sized by the page (the viewer's own file is not ours)
        return page.findChildren(PhotoViewer)[-1]

    signed = SignedIn("wangkun", "王堃", "admin")
    with ws.read() as s:
        user = accounts.list_users(s)[0]
        campaign = campaigns.get_campaign(s, data["campaign"])
    objection = campaigns.ObjectionRow(1, data["nomination"], "王建国家庭", "3栋居民", datetime.now().date(),
                                       "楼道堆放杂物" * 30, campaigns.Outcome.OPEN, "", None)
    return [
        ("新建活动", lambda: ActivityDialog(ws, None, window)),
        ("编辑活动", lambda: ActivityDialog(ws, data["activity"], window)),
        ("照片说明", lambda: CaptionDialog(PhotoCaption(), window)),
        ("新增志愿者", lambda: VolunteerDialog(ws, None, window)),
        ("志愿者档案", lambda: VolunteerDialog(ws, data["volunteer"], window)),
        ("登记培训", lambda: VolunteerDialog(ws, data["volunteer"], window).training_form()),
        ("登记表彰奖励", lambda: VolunteerDialog(ws, data["volunteer"], window).commendation_form()),
        ("登记评价", lambda: VolunteerDialog(ws, data["volunteer"], window).evaluation_form()),
        ("志愿服务登记", lambda: AttendanceDialog(ws, data["activity"], window)),
        ("补录", lambda: SupplementDialog(ws, data["volunteer"], window)),
        ("出具证明", lambda: CertificateDialog(ws, data["volunteer"], window)),
        ("导入", lambda: ImportDialog(ws, Path("no-such-file.xlsx"), window)),
        ("备份与恢复", lambda: BackupDialog(ws, window, lambda: None, lambda _ws: None)),
        ("登录", lambda: LoginDialog(ws)),
        ("锁定", lambda: LockScreen(ws, signed, window)),
        ("新增账号", lambda: UserDialog(ws, None, window)),
        ("修改账号", lambda: UserDialog(ws, user.id, window)),
        ("重设密码", lambda: PasswordDialog(ws, user, window)),
        ("照片查看", photo_viewer),
        ("登记家庭", lambda: HouseholdDialog(ws, None, window)),
        ("家庭档案", lambda: HouseholdDialog(ws, data["household"], window)),
        ("新建评选", lambda: CampaignDialog(ws, None, window)),
        ("修改评选", lambda: CampaignDialog(ws, data["campaign"], window)),
        ("推荐家庭", lambda: NominationDialog(ws, data["campaign"], None, window)),
        ("修改推荐", lambda: NominationDialog(ws, data["campaign"], data["nomination"], window)),
        ("评分", lambda: ScoreDialog(ws, campaign, campaign.nominations[0], campaign.reviewers[0], window)),
        ("进入公示", lambda: StageDateDialog(ws, campaign, campaigns.Stage.NOTICE, window)),
        ("登记异议", lambda: ObjectionDialog(ws, campaign, window)),
        ("处理异议", lambda: SettleDialog(ws, objection, window)),
        ("评选设置", lambda: FamilySettingsDialog(ws, window)),
    ]


DIALOG_NAMES = ["新建活动", "编辑活动", "照片说明", "新增志愿者", "志愿者档案", "登记培训", "登记表彰奖励", "登记评价",
                "志愿服务登记", "补录", "出具证明", "导入", "备份与恢复", "登录", "锁定", "新增账号", "修改账号", "重设密码",
                "照片查看", "登记家庭", "家庭档案", "新建评选", "修改评选", "推荐家庭", "修改推荐", "评分", "进入公示",
                "登记异议", "处理异议", "评选设置"]


@pytest.mark.parametrize("name", DIALOG_NAMES)
def test_every_dialog_fits(window, ws, data, app, qtbot, name) -> None:
    builders = dict(_dialogs(window, ws, data))
    assert list(builders) == DIALOG_NAMES
    dialog = builders[name]()
    qtbot.addWidget(dialog)
    if name == "导入":  # the preview of a missing file fails at once: wait for it, then look
        with qtbot.waitSignal(dialog.previewed, timeout=10000):
            pass
    assert_fits(dialog, app, name)
    if name == "锁定":
        dialog._closing = True
    dialog.close()


def test_new_activity_dialog_scrolls_and_keeps_its_buttons(window, ws, app, qtbot) -> None:
    from huiquan_desk.ui.activity_dialog import ActivityDialog

    dialog = ActivityDialog(ws, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(dialog.width(), 420)  # far less than the form: it scrolls, 保存 / 取消 stay in view
    app.processEvents()
    assert dialog.height() == 420
    assert dialog.scroll.verticalScrollBar().maximum() > 0
    for button in dialog.buttons.buttons():
        rect = QRect(button.mapTo(dialog, QPoint(0, 0)), button.size())
        assert dialog.rect().contains(rect) and not button.visibleRegion().isEmpty()


def test_activity_table_shows_photos_status_and_participants_without_scrolling(window, app) -> None:
    page = window.go("activities")
    window.resize(QSize(1280 - widgets.FRAME.width(), ROOM.height()))
    app.processEvents()
    table = page.table
    header = table.horizontalHeader()
    assert table.horizontalScrollBar().value() == 0
    for key in ("photos", "status", "participants", "gaps"):
        column = column_of(key)
        left = header.sectionViewportPosition(column)
        assert 0 <= left and left + header.sectionSize(column) <= table.viewport().width(), (
            f"column {key} at {left}+{header.sectionSize(column)} is beyond the {table.viewport().width()}-pixel table")
        assert not table.isColumnHidden(column)


def test_main_window_opens_centred_and_within_the_screen(app, ws, qtbot, small_screen) -> None:
    win = MainWindow(ws)
    qtbot.addWidget(win)
    assert win.size() == ROOM
    frame = QRect(win.pos(), win.size() + widgets.FRAME)
    assert SCREEN.contains(frame)


def test_sizing_rule_uses_the_available_geometry(app, qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QDialog

    monkeypatch.setattr(widgets, "screen_area", lambda widget=None: QRect(0, 30, 1366, 728))  # a task bar on top
    dialog = QDialog()
    qtbot.addWidget(dialog)
    assert widgets.fit_window(dialog, 2000, 2000, centre=True) == QSize(1366 - 16, 728 - 40)
    assert dialog.pos() == QPoint(0, 30)
    assert widgets.fit_window(dialog, 600, 400) == QSize(600, 400)


CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from PySide6.QtCore import QPoint, QRect
    from huiquan_desk.ui.app import setup_application
    from huiquan_desk.paths import DataDir
    from huiquan_desk.services.workspace import open_workspace

    app = setup_application(["huiquan-screen-test"])
    ws = open_workspace(DataDir(Path(sys.argv[1])), daily_backup=False)
    from huiquan_desk.ui.main_window import MainWindow
    from huiquan_desk.ui.activity_dialog import ActivityDialog

    def on_screen(widget):
        rect = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        return [rect.x(), rect.y(), rect.width(), rect.height()]

    window = MainWindow(ws)
    window.show()
    app.processEvents()
    page = window.go("activities")
    app.processEvents()
    dialog = ActivityDialog(ws, None, window)
    dialog.show()
    app.processEvents()
    area = app.primaryScreen().availableGeometry()
    print(json.dumps({
        "screen": [area.x(), area.y(), area.width(), area.height()],
        "window": [window.x(), window.y(), window.width(), window.height()],
        "summary": on_screen(page.summary), "status": on_screen(window.statusBar()),
        "dialog": [dialog.x(), dialog.y(), dialog.width(), dialog.height()],
        "buttons": [on_screen(b) for b in dialog.buttons.buttons()],
    }))
    dialog.close()
    window.close()
    ws.close()
""")


@pytest.mark.parametrize("width, height", [(1280, 720), (1366, 768)])
def test_a_real_program_on_a_small_screen(tmp_path, width, height) -> None:
    """The offscreen platform with a screen of that size (`QT_QPA_PLATFORM=offscreen:configfile=…`;
    `offscreen:size=` is not read by this Qt): nothing patched, the rule reads the real screen."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"synchronousWindowSystemEvents": False, "windowFrameMargins": False, "screens": [
        {"name": "office", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", XDG_CONFIG_HOME=str(tmp_path / "config"),
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "data")], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    screen = QRect(*shown["screen"])
    assert screen.size() == QSize(width, height)
    window = QRect(*shown["window"])
    assert window.width() + widgets.FRAME.width() <= width and window.height() + widgets.FRAME.height() <= height
    for name in ("summary", "status"):
        assert screen.contains(QRect(*shown[name])), f"{name} at {shown[name]} is off the {width}×{height} screen"
    dialog = QRect(*shown["dialog"])
    assert dialog.height() + widgets.FRAME.height() <= height
    for button in shown["buttons"]:
        assert screen.contains(QRect(*button)), f"a button at {button} is off the {width}×{height} screen"
