"""Open a photo large, with its caption, and step through an activity's photos."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from huiquan_desk.domain.activity import CAPTION_LABELS
from huiquan_desk.services.activities import AttachmentInfo


class PhotoViewer(QDialog):
    def __init__(self, photos: list[AttachmentInfo], index: int = 0, parent: QWidget | None = None):
        super().__init__(parent)
        self.photos, self.index = photos, index
        self.resize(1000, 760)
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
        self.prev_button.clicked.connect(lambda: self.show_photo(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_photo(self.index + 1))
        nav.addWidget(self.prev_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        QShortcut(QKeySequence(Qt.Key.Key_Left), self, lambda: self.show_photo(self.index - 1))
        QShortcut(QKeySequence(Qt.Key.Key_Right), self, lambda: self.show_photo(self.index + 1))
        self._pixmap = QPixmap()
        self.show_photo(index)

    def show_photo(self, index: int) -> None:
        if not self.photos:
            return
        self.index = index % len(self.photos)
        info = self.photos[self.index]
        self._pixmap = QPixmap(str(info.path))
        if self._pixmap.isNull():
            self.image.setText(self.tr("无法显示该文件：{0}").format(info.path.name))
        self._fit()
        c = info.caption
        taken = c.taken_at.strftime("%Y-%m-%d %H:%M") if c.taken_at else ""
        parts = [(CAPTION_LABELS["title"], c.title), (CAPTION_LABELS["taken_at"], taken),
                 (CAPTION_LABELS["place"], c.place), (CAPTION_LABELS["people"], c.people),
                 (CAPTION_LABELS["photographer"], c.photographer), (CAPTION_LABELS["background"], c.background)]
        self.caption.setText("　".join(f"{k}：{v}" for k, v in parts if v))
        self.setWindowTitle(self.tr("{0}（第 {1} 张，共 {2} 张）").format(info.kind.label, self.index + 1, len(self.photos)))

    def _fit(self) -> None:
        if not self._pixmap.isNull():
            self.image.setPixmap(self._pixmap.scaled(self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                     Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()
