"""The photo viewer: 另存为… saves the original under the folder export's name, starting in the last
folder used; HEIC photos are shown (and thumbnailed) through their JPEG rendition."""

from __future__ import annotations

from pathlib import Path

import pillow_heif
import pytest
from PIL import Image
from PySide6.QtCore import QSettings, QSize

from huiquan_desk.domain.activity import AttachmentKind, NewAttachment
from huiquan_desk.domain.errors import NotFoundError
from huiquan_desk.services.activities import create_activity, get_activity
from huiquan_desk.ui import photo_viewer
from huiquan_desk.ui.photo_viewer import FOLDER_KEY, PhotoViewer
from huiquan_desk.ui.widgets import thumbnail
from tests.helpers import draft, make_image


def heic(path: Path, size: tuple[int, int]) -> Path:
    pillow_heif.register_heif_opener()
    Image.linear_gradient("L").resize(size).convert("RGB").save(path, format="HEIF", quality=60)
    return path


@pytest.fixture
def detail(ws, tmp_path: Path):  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    files = [make_image(src / "IMG_0001.jpg", size=(320, 240)), heic(src / "IMG_0002.HEIC", (300, 200)),
             make_image(src / "scan.png", "white", (210, 297))]
    with ws.write() as s:
        activity_id = create_activity(s, draft(s), ws.files, [
            NewAttachment(str(files[0])), NewAttachment(str(files[1])),
            NewAttachment(str(files[2]), AttachmentKind.SIGN_IN)])
    with ws.read() as s:
        return get_activity(s, activity_id, ws.files)


@pytest.fixture
def asked(monkeypatch, tmp_path: Path) -> list[Path]:
    """The save dialog replaced: it records where it would open and saves into tmp/out."""
    starts: list[Path] = []
    out = tmp_path / "out"
    out.mkdir()

    def ask(parent, title, start):  # type: ignore[no-untyped-def]
        starts.append(start)
        return out / start.name

    monkeypatch.setattr(photo_viewer, "ask_save_path", ask)
    QSettings().remove(FOLDER_KEY)
    return starts


def test_save_as_copies_the_original_under_the_folder_exports_name(app, qtbot, detail, asked, tmp_path) -> None:
    viewer = PhotoViewer(detail.attachments, 0, None, activity=detail.row)
    qtbot.addWidget(viewer)
    assert asked == [] and viewer.save_button.text() == "另存为…"
    viewer.save_button.click()
    saved = tmp_path / "out" / "2026-10-18_重阳节敬老爱老活动_01.jpg"
    assert asked[0].name == saved.name and asked[0].parent == Path.home()  # nothing saved before: home
    assert saved.read_bytes() == detail.attachments[0].path.read_bytes()  # the original, byte for byte
    assert QSettings().value(FOLDER_KEY) == str(tmp_path / "out")

    viewer.show_photo(1)  # the HEIC: shown through its rendition, saved as the HEIC it is
    assert not viewer._pixmap.isNull() and viewer._pixmap.width() == 300
    viewer.save_as()
    assert asked[1] == tmp_path / "out" / "2026-10-18_重阳节敬老爱老活动_02.heic"  # starts in the last folder
    assert asked[1].read_bytes() == detail.attachments[1].path.read_bytes()

    viewer.show_photo(2)
    viewer.save_as()
    assert asked[2].name == "2026-10-18_重阳节敬老爱老活动_签到表_01.png"


def test_without_the_activity_the_caption_names_the_file(app, qtbot, detail, asked) -> None:
    viewer = PhotoViewer(detail.attachments, 1)
    qtbot.addWidget(viewer)
    assert viewer.suggested_name() == "2026-10-18_重阳节敬老爱老活动_02.heic"  # caption 题名 and 时间


def test_cancelled_dialog_saves_nothing(app, qtbot, detail, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(photo_viewer, "ask_save_path", lambda parent, title, start: None)
    viewer = PhotoViewer(detail.attachments, 0, None, activity=detail.row)
    qtbot.addWidget(viewer)
    assert viewer.save_as() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "src"]


@pytest.mark.expect_errors(of=NotFoundError)
def test_a_missing_original_is_said_not_saved(app, qtbot, detail, asked, shown, tmp_path) -> None:
    detail.attachments[0].path.unlink()
    viewer = PhotoViewer(detail.attachments, 0, None, activity=detail.row)
    qtbot.addWidget(viewer)
    assert viewer.save_as() is None
    assert "原文件缺失" in str(shown.errors[0])
    assert list((tmp_path / "out").iterdir()) == []
    assert QSettings().value(FOLDER_KEY) is None


def test_heic_thumbnail_comes_from_the_rendition(app, detail, tmp_path) -> None:
    stored = detail.attachments[1]
    rendition = stored.path.with_name(f"{stored.sha256}.rendition.jpg")
    rendition.unlink()  # as emptying the recycle bin or a restore's clean-up leaves it today
    pixmap = thumbnail(stored.path, QSize(120, 90))
    assert (pixmap.width(), pixmap.height()) == (120, 80)  # 300 × 200 in proportion, not the grey placeholder
    assert rendition.is_file()  # made again from the original
    picked = heic(tmp_path / "picked.heic", (200, 100))
    pixmap = thumbnail(picked, QSize(120, 90))  # picked in the dialog, not stored yet: decoded as it is
    assert (pixmap.width(), pixmap.height()) == (120, 60)
