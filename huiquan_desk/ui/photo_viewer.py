"""Open a photo large, with its caption, step through an activity's photos, and save the original
(另存为…) under the name the folder export gives it (services.photo_record)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage, QImageReader, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from huiquan_desk.domain.activity import CAPTION_LABELS
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services.activities import ActivityRow, AttachmentInfo
from huiquan_desk.services.photo_record import attachment_file_name, preview_jpeg, save_original
from huiquan_desk.ui import messages
from huiquan_desk.ui.widgets import fit_window

FOLDER_KEY = "photos/save_folder"  # QSettings: the folder 另存为 last saved into
PREVIEW_SIDE = 2560  # a picture Qt cannot decode (HEIC) is shown at most this large


def last_folder() -> Path:
    """The folder 另存为 last saved into (the home folder at first)."""
    return Path(str(QSettings().value(FOLDER_KEY, str(Path.home()))))


def ask_save_path(parent: QWidget, title: str, start: Path) -> Path | None:
    """The save dialog, opened at `start` (the last folder used and the suggested name); the file
    keeps the original's suffix. Tests replace this function."""
    suffix = start.suffix
    pattern = f"*{suffix}" if suffix else "*"
    name, _ = QFileDialog.getSaveFileName(parent, title, str(start), f"{suffix.lstrip('.').upper() or '文件'} ({pattern})")
    if not name:
        return None
    path = Path(name)
    if suffix and path.suffix.lower() != suffix.lower():
        path = path.with_name(path.name + suffix)
    return path


def load_picture(path: Path) -> QPixmap:
    """The picture upright (EXIF orientation applied); a HEIC through services (its rendition)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        data = preview_jpeg(path, PREVIEW_SIDE)
        if data:
            image = QImage.fromData(data)
    return QPixmap.fromImage(image) if not image.isNull() else QPixmap()


class PhotoViewer(QDialog):
    """The photos (and sign-in sheets) of one activity; `activity` names the saved files exactly as
    the folder export does (without it, each photo's caption stands in)."""

    def __init__(self, photos: list[AttachmentInfo], index: int = 0, parent: QWidget | None = None,
                 activity: ActivityRow | None = None):
        super().__init__(parent)
        self.photos, self.index, self.activity = photos, index, activity
        fit_window(self, 1000, 760)  # no larger than the screen (a 1280×720 office screen)
        layout = QVBoxLayout(self)
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(400, 300)
        self.image.setStyleSheet("background: #222;")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.caption)
        nav = QHBoxLayout()
        self.prev_button = QPushButton(self.tr("← 上一张"))
        self.next_button = QPushButton(self.tr("下一张 →"))
        self.save_button = QPushButton(self.tr("另存为…"))
        self.save_button.setToolTip(self.tr("把这张照片的原文件另存到电脑或 U 盘（Ctrl+S）"))
        self.prev_button.clicked.connect(lambda: self.show_photo(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_photo(self.index + 1))
        self.save_button.clicked.connect(self.save_as)
        nav.addWidget(self.prev_button)
        nav.addStretch(1)
        nav.addWidget(self.save_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        QShortcut(QKeySequence(Qt.Key.Key_Left), self, lambda: self.show_photo(self.index - 1))
        QShortcut(QKeySequence(Qt.Key.Key_Right), self, lambda: self.show_photo(self.index + 1))
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_as)
        self._pixmap = QPixmap()
        self.save_button.setEnabled(bool(photos))
        self.show_photo(index)

    def show_photo(self, index: int) -> None:
        if not self.photos:
            return
        self.index = index % len(self.photos)
        info = self.photos[self.index]
        self._pixmap = load_picture(info.path)
        if self._pixmap.isNull():
            self.image.setText(self.tr("无法显示该文件：{0}").format(info.original_name or info.path.name))
        self._fit()
        c = info.caption
        taken = c.taken_at.strftime("%Y-%m-%d %H:%M") if c.taken_at else ""
        parts = [(CAPTION_LABELS["title"], c.title), (CAPTION_LABELS["taken_at"], taken),
                 (CAPTION_LABELS["place"], c.place), (CAPTION_LABELS["people"], c.people),
                 (CAPTION_LABELS["photographer"], c.photographer), (CAPTION_LABELS["background"], c.background)]
        self.caption.setText("　".join(f"{k}：{v}" for k, v in parts if v))
        self.setWindowTitle(self.tr("{0}（第 {1} 张，共 {2} 张）").format(info.kind.label, self.index + 1, len(self.photos)))

    def suggested_name(self) -> str:
        """2026-10-18_重阳节敬老爱老活动_01.jpg: the folder export's name for the photo shown."""
        info = self.photos[self.index]
        return attachment_file_name(info, self.photos, self.activity)

    def save_as(self) -> Path | None:
        """另存为…: ask where (starting in the last folder used), copy the original there."""
        if not self.photos:
            return None
        info = self.photos[self.index]
        path = ask_save_path(self, self.tr("另存为"), last_folder() / self.suggested_name())
        if path is None:
            return None
        try:
            save_original(info, path)
        except HuiquanError as err:
            messages.show_error(self, err)
            return None
        QSettings().setValue(FOLDER_KEY, str(path.parent))
        return path

    def _fit(self) -> None:
        if not self._pixmap.isNull():
            self.image.setPixmap(self._pixmap.scaled(self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                     Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()
