"""Add or edit one activity with its photos and sign-in sheets; validates in place.

The form scrolls (a 1280×720 screen shows 保存 / 取消 all the same, ui.widgets.fit_window). Under it,
while typing, a line says what an inspector would mark missing in an activity marked 已开展
(domain.activity.inspection_gaps: 地点, 内容, 参与人数, 照片): a warning, never a refusal.
The photo picker starts in the folder photos were last picked from (QSettings), never in the
program's working folder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, QStandardPaths, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.activity import (
    CAPTION_LABELS,
    FIELD_LABELS,
    STATUS_LABELS,
    ActivityDraft,
    ActivityStatus,
    AttachmentKind,
    NewAttachment,
    PhotoCaption,
    caption_label,
    inspection_gaps,
    validate_caption,
)
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.services import activities as activity_service
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.widgets import (
    FieldForm,
    ThumbnailList,
    fit_window,
    from_qdatetime,
    save_cancel,
    scrolling,
    thumbnail,
    to_qdatetime,
)

L = FIELD_LABELS
PHOTO_FOLDER_KEY = "photos/folder"  # QSettings: the folder photos were last picked from


def ask_image_files(parent: QWidget, title: str, name_filter: str) -> list[str]:
    """The open dialog for photos or sign-in sheets, starting in the folder used last (the system's
    Pictures folder the first time); remembers the folder picked from. Tests replace QFileDialog."""
    settings = QSettings()
    start = str(settings.value(PHOTO_FOLDER_KEY, "") or "")
    if not start or not Path(start).is_dir():
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation) or str(Path.home())
        if not Path(start).is_dir():
            start = str(Path.home())
    paths, _ = QFileDialog.getOpenFileNames(parent, title, start, name_filter)
    if paths:
        settings.setValue(PHOTO_FOLDER_KEY, str(Path(paths[0]).parent))
    return paths


@dataclass
class _Item:
    """An attachment in the dialog: stored (attachment_id set) or newly picked (source set)."""

    kind: AttachmentKind
    path: Path
    caption: PhotoCaption
    attachment_id: int | None = None
    caption_changed: bool = False


def image_files(paths: list[str]) -> list[str]:
    return [p for p in paths if Path(p).suffix.lower() in activity_service.SIGN_IN_SUFFIXES]


class CaptionDialog(QDialog):
    """题名 / 时间 / 地点 / 人物 / 摄影者 / 背景 of one photo."""

    def __init__(self, caption: PhotoCaption, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("照片说明"))
        self.form = form = FieldForm(self)
        self.title = form.add(CAPTION_LABELS["title"], QLineEdit(caption.title))
        self.taken = form.add(CAPTION_LABELS["taken_at"], QDateTimeEdit(to_qdatetime(caption.taken_at or datetime.now())))
        self.taken.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.taken.setCalendarPopup(True)
        self.place = form.add(CAPTION_LABELS["place"], QLineEdit(caption.place))
        self.people = form.add(CAPTION_LABELS["people"], QLineEdit(caption.people))
        self.people.setPlaceholderText(self.tr("姓名及身份，如：王堃（社区书记）、居民代表"))
        self.photographer = form.add(CAPTION_LABELS["photographer"], QLineEdit(caption.photographer))
        self.background = form.add(CAPTION_LABELS["background"], QLineEdit(caption.background))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def caption(self) -> PhotoCaption:
        return PhotoCaption(self.title.text(), from_qdatetime(self.taken.dateTime()), self.place.text(),
                            self.people.text(), self.photographer.text(), self.background.text())

    def accept(self) -> None:
        """OK closes only a caption that can be saved; each problem shows under its field."""
        self.form.clear_errors()
        fields = {caption_label(key): label for key, label in CAPTION_LABELS.items()}
        problems = validate_caption(self.caption())
        for problem in problems:
            self.form.show_error(fields[problem.field], problem.message)
        if not problems:
            super().accept()

    @classmethod
    def ask(cls, caption: PhotoCaption, parent: QWidget | None = None) -> PhotoCaption | None:
        dialog = cls(caption, parent)
        return dialog.caption() if dialog.exec() == QDialog.DialogCode.Accepted else None


class ActivityDialog(QDialog):
    def __init__(self, ws: Workspace, activity_id: int | None = None, parent: QWidget | None = None,
                 initial_files: list[str] | None = None, preset: ActivityDraft | None = None):
        super().__init__(parent)
        self.ws = ws
        self.activity_id = activity_id
        self.saved_id: int | None = None
        self.items: list[_Item] = []
        self.removed: list[int] = []
        self.setWindowTitle(self.tr("新建活动") if activity_id is None else self.tr("编辑活动"))
        self._build()
        fit_window(self, 860, 800)  # a smaller screen: the form scrolls, 保存 / 取消 stay in view
        if activity_id is not None:
            self._load(activity_id)
        elif preset is not None:  # a new activity with some fields filled in (a festival from the home page)
            self._preset(preset)
        self._clean = self._snapshot()
        if initial_files:
            self.add_files(initial_files, AttachmentKind.PHOTO)
        self.update_gaps()

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        body = QWidget()
        fields = QVBoxLayout(body)
        fields.setContentsMargins(0, 0, 6, 0)
        self.form = form = FieldForm()
        fields.addLayout(form)
        self.title = form.add(L["title"], QLineEdit(), required=True)
        self.title.setPlaceholderText(self.tr("如：重阳节敬老爱老志愿服务活动"))
        self.category = form.add(L["category"], QComboBox(), required=True)
        with self.ws.read() as session:
            self.categories = list_categories(session)
        for node in self.categories:
            self.category.addItem("　" * node.depth + node.name, node.id)
        now = datetime.now().replace(minute=0, second=0, microsecond=0)
        times = QWidget()
        row = QHBoxLayout(times)
        row.setContentsMargins(0, 0, 0, 0)
        self.start = QDateTimeEdit(to_qdatetime(now))
        self.end = QDateTimeEdit(to_qdatetime(now + timedelta(hours=2)))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.start.dateTimeChanged.connect(self._start_moved)
        row.addWidget(self.start)
        row.addWidget(QLabel(self.tr("至")))
        row.addWidget(self.end)
        form.add(L["start"], times, required=True)
        self.form.errors[L["end"]] = self.form.errors[L["start"]]
        self.place = form.add(L["place"], QLineEdit())
        self.organizer = form.add(L["organizer"], QLineEdit())
        self.leader = form.add(L["leader"], QLineEdit())
        self.participants = form.add(L["participants"], QSpinBox())
        self.participants.setRange(0, 1_000_000)
        self.participants.setSuffix(self.tr(" 人"))
        self.status = form.add(L["status"], QComboBox())
        for status in (ActivityStatus.PLANNED, ActivityStatus.DONE):  # 已归档 only through the archive rules
            self.status.addItem(STATUS_LABELS[status], status.value)
        self.status.setCurrentIndex(1)
        self.content = form.add(L["content"], QPlainTextEdit())
        self.content.setPlaceholderText(self.tr("时间、地点、参与人数之外，写清活动做了什么"))
        self.content.setFixedHeight(100)
        self.remarks = form.add(L["remarks"], QPlainTextEdit())
        self.remarks.setPlaceholderText(self.tr("成效、居民反映等"))
        self.remarks.setFixedHeight(60)

        self.attachments = ThumbnailList(QSize(120, 90), QSize(140, 130))
        self.attachments.setSelectionMode(ThumbnailList.SelectionMode.ExtendedSelection)
        self.attachments.setMinimumHeight(140)
        self.attachments.files_dropped.connect(lambda paths: self.add_files(paths, AttachmentKind.PHOTO))
        self.attachments.itemDoubleClicked.connect(self._edit_caption)
        # The thumbnails with their buttons beside them: in view together whenever the list is.
        attachments_box = QWidget()
        attachments_row = QHBoxLayout(attachments_box)
        attachments_row.setContentsMargins(0, 0, 0, 0)
        attachments_row.addWidget(self.attachments, 1)
        attachment_buttons = QVBoxLayout()
        add_photo = QPushButton(self.tr("添加照片…"))
        add_photo.clicked.connect(lambda: self._pick(AttachmentKind.PHOTO))
        add_sign = QPushButton(self.tr("添加签到表…"))
        add_sign.clicked.connect(lambda: self._pick(AttachmentKind.SIGN_IN))
        caption = QPushButton(self.tr("编辑说明…"))
        caption.clicked.connect(self._edit_current_caption)
        remove = QPushButton(self.tr("移除"))
        remove.clicked.connect(self.remove_selected)
        for widget in (add_photo, add_sign, caption, remove):
            attachment_buttons.addWidget(widget)
        attachment_buttons.addStretch(1)
        attachments_row.addLayout(attachment_buttons)
        form.add(self.tr("照片与签到表"), attachments_box)
        self.form.errors[AttachmentKind.PHOTO.label] = self.form.errors[self.tr("照片与签到表")]
        self.form.errors[AttachmentKind.SIGN_IN.label] = self.form.errors[self.tr("照片与签到表")]
        hint = QLabel(self.tr("可把图片文件直接拖到上面；双击照片编辑说明（题名、时间、地点、人物、摄影者）"))
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        fields.addWidget(hint)
        self.scroll = scrolling(body)
        outer.addWidget(self.scroll, 1)

        # What an inspector would mark missing, said while typing (saving goes on all the same).
        self.gaps = QLabel()
        self.gaps.setObjectName("gapsHint")
        self.gaps.setWordWrap(True)
        self.gaps.setVisible(False)
        outer.addWidget(self.gaps)
        self.status.currentIndexChanged.connect(self.update_gaps)
        self.place.textChanged.connect(self.update_gaps)
        self.content.textChanged.connect(self.update_gaps)
        self.participants.valueChanged.connect(self.update_gaps)
        model = self.attachments.model()
        model.rowsInserted.connect(self.update_gaps)
        model.rowsRemoved.connect(self.update_gaps)

        self.buttons = save_cancel(self, self.save)
        outer.addWidget(self.buttons)

    def current_gaps(self) -> list[str]:
        """What an inspector would mark missing in the activity as typed so far ([] unless 已开展)."""
        photos = sum(1 for item in self.kept_items() if item.kind is AttachmentKind.PHOTO)
        return inspection_gaps(self.status.currentData(), self.place.text(), self.content.toPlainText(),
                               self.participants.value(), photos)

    def update_gaps(self, *_args: object) -> None:
        gaps = self.current_gaps()
        self.gaps.setText(self.tr("已开展的活动，检查时会记为缺项：{0}。可以先保存，之后补上。").format("、".join(gaps))
                          if gaps else "")
        self.gaps.setVisible(bool(gaps))

    def _start_moved(self, value) -> None:
        if self.end.dateTime() < value:
            self.end.setDateTime(value.addSecs(2 * 3600))

    # --- values ------------------------------------------------------------------------------
    def _load(self, activity_id: int) -> None:
        with self.ws.read() as session:
            detail = activity_service.get_activity(session, activity_id, self.ws.files)
        r = detail.row
        self.title.setText(r.title)
        self.category.setCurrentIndex(max(0, self.category.findData(r.category_id)))
        self.start.setDateTime(to_qdatetime(r.start))
        self.end.setDateTime(to_qdatetime(r.end))
        self.place.setText(r.place)
        self.organizer.setText(r.organizer)
        self.leader.setText(r.leader)
        self.participants.setValue(r.participants)
        if r.status is ActivityStatus.ARCHIVED:
            self.status.addItem(STATUS_LABELS[r.status], r.status.value)
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            self.setWindowTitle(self.tr("查看活动（已归档 {0}，不能修改）").format("、".join(detail.filed_as)))
        self.status.setCurrentIndex(self.status.findData(r.status.value))
        self.content.setPlainText(r.content)
        self.remarks.setPlainText(r.remarks)
        for info in detail.attachments:
            self._append(_Item(info.kind, info.path, info.caption, attachment_id=info.id))

    def _preset(self, d: ActivityDraft) -> None:
        self.title.setText(d.title)
        if d.category_id is not None:
            self.category.setCurrentIndex(max(0, self.category.findData(d.category_id)))
        if d.start is not None:
            self.start.setDateTime(to_qdatetime(d.start))
            self.end.setDateTime(to_qdatetime(d.end or d.start + timedelta(hours=2)))
        self.status.setCurrentIndex(max(0, self.status.findData(ActivityStatus(d.status).value)))

    def draft(self) -> ActivityDraft:
        return ActivityDraft(
            title=self.title.text(),
            category_id=self.category.currentData(),
            start=from_qdatetime(self.start.dateTime()),
            end=from_qdatetime(self.end.dateTime()),
            place=self.place.text(),
            organizer=self.organizer.text(),
            leader=self.leader.text(),
            participants=self.participants.value(),
            content=self.content.toPlainText(),
            remarks=self.remarks.toPlainText(),
            status=ActivityStatus(self.status.currentData()),
        )

    # --- attachments -------------------------------------------------------------------------
    def _append(self, item: _Item) -> None:
        label = item.caption.title or item.path.name
        if item.kind is AttachmentKind.SIGN_IN:
            label = f"[{item.kind.label}] {label}"
        widget_item = QListWidgetItem(QIcon(thumbnail(item.path)), label)
        widget_item.setData(Qt.ItemDataRole.UserRole, len(self.items))
        widget_item.setToolTip(str(item.path.name))
        self.items.append(item)
        self.attachments.addItem(widget_item)

    def add_files(self, paths: list[str], kind: AttachmentKind) -> list[str]:
        """Add picked or dropped files; returns the messages of those refused (also shown)."""
        refused = []
        for path in paths:
            why = activity_service.check_attachment_file(Path(path), kind)
            if why:
                refused.append(f"{Path(path).name}：{why}")
                continue
            # An empty caption takes the activity's title, time and place when saved.
            self._append(_Item(kind, Path(path), PhotoCaption()))
        self.form.clear_errors()
        if refused:
            self.form.show_error(self.tr("照片与签到表"), "\n".join(refused))
        return refused

    def _pick(self, kind: AttachmentKind) -> None:
        pattern = " ".join(f"*{s}" for s in sorted(activity_service.IMAGE_SUFFIXES if kind is AttachmentKind.PHOTO
                                                   else activity_service.SIGN_IN_SUFFIXES))
        paths = ask_image_files(self, kind.label, f"{kind.label} ({pattern})")
        if paths:
            self.add_files(paths, kind)

    def remove_selected(self) -> None:
        for widget_item in self.attachments.selectedItems():
            index = widget_item.data(Qt.ItemDataRole.UserRole)
            item = self.items[index]
            if item.attachment_id is not None:
                self.removed.append(item.attachment_id)
            self.attachments.takeItem(self.attachments.row(widget_item))

    def _edit_caption(self, widget_item: QListWidgetItem | None) -> None:
        if widget_item is None:
            return
        index = widget_item.data(Qt.ItemDataRole.UserRole)
        current = self.items[index].caption
        if not (current.title or current.taken_at or current.place):  # defaults: the activity's own
            draft = self.draft()
            current = PhotoCaption(draft.title, draft.start, draft.place)
        caption = CaptionDialog.ask(current, self)
        if caption is not None:
            self.set_caption(index, caption)

    def _edit_current_caption(self) -> None:
        if self.attachments.currentItem() is None:
            messages.show_error(self, ValidationError.single("照片", "请先点选一张照片"))
            return
        self._edit_caption(self.attachments.currentItem())

    def set_caption(self, index: int, caption: PhotoCaption) -> None:
        self.items[index] = replace(self.items[index], caption=caption, caption_changed=True)
        for row in range(self.attachments.count()):
            widget_item = self.attachments.item(row)
            if widget_item.data(Qt.ItemDataRole.UserRole) == index:
                widget_item.setText(caption.title or self.items[index].path.name)

    def kept_items(self) -> list[_Item]:
        indexes = {self.attachments.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.attachments.count())}
        return [item for i, item in enumerate(self.items) if i in indexes]

    # --- save --------------------------------------------------------------------------------
    def _snapshot(self) -> tuple:
        return (self.draft(), self.attachments.count(), len(self.removed),
                sum(1 for item in self.items if item.caption_changed))

    def is_modified(self) -> bool:
        return self._snapshot() != self._clean

    def reject(self) -> None:
        """Esc / 取消: typed work is not thrown away without asking."""
        if self.is_modified() and not messages.confirm(self, self.tr("放弃修改"), self.tr("填写的内容还没有保存，确定放弃吗？"),
                                              self.tr("放弃")):
            return
        super().reject()

    def save(self) -> bool:
        kept = self.kept_items()
        new = [NewAttachment(str(i.path), i.kind, i.caption) for i in kept if i.attachment_id is None]
        captions = {i.attachment_id: i.caption for i in kept if i.attachment_id is not None and i.caption_changed}

        def write(session) -> None:
            if self.activity_id is None:
                self.saved_id = activity_service.create_activity(session, self.draft(), self.ws.files, new)
            else:
                activity_service.update_activity(session, self.activity_id, self.draft(), self.ws.files,
                                                 add=new, remove=self.removed, captions=captions)
                self.saved_id = self.activity_id

        if not messages.write_from_form(self, self.ws, self.form, write):
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, ws: Workspace, activity_id: int | None = None, parent: QWidget | None = None,
            initial_files: list[str] | None = None, preset: ActivityDraft | None = None) -> int | None:
        dialog = cls(ws, activity_id, parent, initial_files, preset)
        return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None
