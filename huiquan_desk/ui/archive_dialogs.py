"""The forms of the 档案 page: an archive item (entered by hand, changed, or a 更正件 of a filed one)
with its files dropped in and photo captions; filing the year's activities and campaigns in one
step; a box's spine and 备考表. Each saves as one transaction; problems show under their fields."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import archives as rules
from huiquan_desk.domain.activity import PhotoCaption
from huiquan_desk.domain.errors import Cancelled, ValidationError
from huiquan_desk.services import archive_boxes as boxes
from huiquan_desk.services import archives as items
from huiquan_desk.services import filing
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.settings import ARCHIVE_CATEGORY_CODES, get_setting
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.activity_dialog import CaptionDialog
from huiquan_desk.ui.after_export import open_location
from huiquan_desk.ui.tasks import Task, hold_close
from huiquan_desk.ui.widgets import (
    FieldForm,
    ThumbnailList,
    fit_window,
    from_qdate,
    save_cancel,
    scrolling,
    thumbnail,
    to_qdate,
)

L, B = rules.ITEM_LABELS, rules.BOX_LABELS
NO_DATE = QDate(2000, 1, 1)  # a date field at this value shows 「未填」 (an optional date)
FILES_LABEL = "文件"


def ask_files(parent: QWidget, title: str) -> list[str]:
    """The open dialog for an item's files (scans, photos, documents). Tests replace this function."""
    pattern = " ".join(f"*{s}" for s in sorted(items.FILE_SUFFIXES))
    paths, _ = QFileDialog.getOpenFileNames(parent, title, str(Path.home()), f"{title} ({pattern})")
    return paths


def ask_copy_path(parent: QWidget, name: str) -> Path | None:
    """Where 另存为… puts a copy of a stored file. Tests replace this function."""
    chosen, _ = QFileDialog.getSaveFileName(parent, parent.tr("另存为"), str(Path.home() / name))
    return Path(chosen) if chosen else None


def optional_date(value: date | None) -> QDateEdit:
    """A date that may stay blank: 「未填」 at its lowest value."""
    edit = QDateEdit(to_qdate(value) if value else NO_DATE)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("未填")
    return edit


def date_of(edit: QDateEdit) -> date | None:
    return None if edit.date() == NO_DATE else from_qdate(edit.date())


def guess_kind(path: str, category: str) -> str:
    """The kind of a picked or dropped file: an image is a photo in a 照片 item, else a scan."""
    suffix = Path(path).suffix.lower()
    if suffix in items.IMAGE_SUFFIXES:
        return "photo" if category == rules.PHOTO_CATEGORY else "scan"
    return "scan" if suffix == ".pdf" else "document"


@dataclass
class _File:
    """A file in the item form: stored (info set) or picked (source set)."""

    kind: str
    path: Path
    caption: PhotoCaption
    info: items.FileInfo | None = None


class ItemDialog(QDialog):
    """手工录入 (item_id None), 修改 (item_id), or 更正 (corrects: the id of the filed item)."""

    def __init__(self, ws: Workspace, item_id: int | None = None, parent: QWidget | None = None, *,
                 year: int | None = None, corrects: int | None = None, initial_files: list[str] | None = None):
        super().__init__(parent)
        self.ws, self.item_id, self.corrects = ws, item_id, corrects
        self.saved_id: int | None = None
        self.files: list[_File] = []
        self.removed: list[int] = []
        with ws.read() as session:
            self.codes = get_setting(session, ARCHIVE_CATEGORY_CODES)
            source = item_id if item_id is not None else corrects
            self.detail = items.get_item(session, source, ws.files) if source is not None else None
        self.numbered = item_id is not None and self.detail is not None and self.detail.row.number is not None
        if corrects is not None and self.detail is not None:
            self.setWindowTitle(self.tr("更正 {0}").format(self.detail.row.code or self.detail.row.title))
        elif item_id is not None and self.detail is not None:
            self.setWindowTitle(self.tr("修改归档文件 {0}").format(self.detail.row.code or self.tr("（未编号）")))
        else:
            self.setWindowTitle(self.tr("手工录入归档文件"))
        self._build(year)
        if self.detail is not None:
            self._load(self.detail)
        if initial_files:
            self.add_files(initial_files)
        if ws.role not in (Role.ADMIN, Role.EDITOR):  # 查看: the item is shown, nothing saved
            self.buttons.button(self.buttons.StandardButton.Save).setEnabled(False)
            self.setWindowTitle(self.tr("查看归档文件"))
        fit_window(self, 760, 820)

    # --- layout -------------------------------------------------------------------------------
    def _build(self, year: int | None) -> None:
        outer = QVBoxLayout(self)
        body = QWidget()
        fields = QVBoxLayout(body)
        fields.setContentsMargins(0, 0, 6, 0)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5f6b76;")
        fields.addWidget(self.note)
        self.form = form = FieldForm()
        fields.addLayout(form)
        code_row = QWidget()
        row = QHBoxLayout(code_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.category = QComboBox()
        for code, name in self.codes.items():
            self.category.addItem(f"{code} {name}", code)
        self.year = QSpinBox()
        self.year.setRange(1949, 2100)
        self.year.setValue(year or date.today().year)
        self.retention = QComboBox()
        for code, label in rules.RETENTION_LABELS.items():
            self.retention.addItem(f"{code} {label}", code)
        self.retention.setCurrentIndex(self.retention.findData("D10"))
        self.org = QLineEdit()
        self.org.setPlaceholderText(self.tr("可空，如 BGS"))
        self.org.setMaximumWidth(90)
        for label, widget in ((L["category"], self.category), (L["year"], self.year), (L["retention"], self.retention),
                              (L["org"], self.org)):
            row.addWidget(QLabel(label))
            row.addWidget(widget)
        row.addStretch(1)
        form.add(self.tr("档号"), code_row, required=True)
        for key in ("category", "year", "retention", "org"):
            self.form.errors[L[key]] = self.form.errors[self.tr("档号")]
        self.number = form.add(L["number"], QSpinBox())
        self.number.setRange(0, rules.MAX_NUMBER)
        self.number.setSpecialValueText(self.tr("固定件号时按顺序编号"))
        self.number.setMinimumWidth(200)
        title_row = QWidget()
        row = QHBoxLayout(title_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("如：关于开展2025年重阳节敬老活动的通知"))
        self.made_up = QCheckBox(L["title_made_up"])
        self.made_up.setToolTip(self.tr("题名是整理时拟写的（原文件没有标题），目录中加 [ ] 表示"))
        row.addWidget(self.title, 1)
        row.addWidget(self.made_up)
        form.add(L["title"], title_row, required=True)
        self.form.errors[L["title_made_up"]] = self.form.errors[L["title"]]
        self.doc_number = form.add(L["doc_number"], QLineEdit())
        self.doc_number.setPlaceholderText(self.tr("如：惠居〔2025〕3号，没有可空"))
        self.author = form.add(L["author"], QLineEdit())
        self.day = form.add(L["day"], optional_date(date.today()))
        self.secrecy = form.add(L["secrecy"], QComboBox())
        for level in rules.SECRECY_LEVELS:
            self.secrecy.addItem(level or self.tr("（不标密级）"), level)
        self.pages = form.add(L["pages"], QSpinBox())
        self.pages.setRange(0, 9999)
        self.pages.setSuffix(self.tr(" 页"))
        self.remarks = form.add(L["remarks"], QPlainTextEdit())
        self.remarks.setTabChangesFocus(True)
        self.remarks.setFixedHeight(56)

        self.file_list = ThumbnailList(QSize(40, 30), QSize(0, 0))
        self.file_list.setViewMode(QListWidget.ViewMode.ListMode)
        self.file_list.setGridSize(QSize())
        self.file_list.setMinimumHeight(130)
        self.file_list.files_dropped.connect(self.add_files)
        self.file_list.itemDoubleClicked.connect(lambda _i: self.edit_caption())
        box = QWidget()
        file_row = QHBoxLayout(box)
        file_row.setContentsMargins(0, 0, 0, 0)
        file_row.addWidget(self.file_list, 1)
        buttons = QVBoxLayout()
        for text, slot in ((self.tr("添加文件…"), self.pick_files), (self.tr("照片说明…"), self.edit_caption),
                           (self.tr("打开"), self.open_file), (self.tr("另存为…"), self.save_copy),
                           (self.tr("移除"), self.remove_file)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        file_row.addLayout(buttons)
        form.add(self.tr(FILES_LABEL), box)
        for label in rules.FILE_KINDS.values():
            self.form.errors[label] = self.form.errors[FILES_LABEL]
        self.form.errors["文件"] = self.form.errors[FILES_LABEL]
        hint = QLabel(self.tr("可把扫描件、照片、PDF 或 Word 文件直接拖到上面。照片（照片门类中的图片）双击填写说明："
                              "题名、时间、地点、人物、摄影者、背景。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        fields.addWidget(hint)
        fields.addStretch(1)
        outer.addWidget(scrolling(body), 1)
        self.buttons = save_cancel(self, self.save)
        outer.addWidget(self.buttons)

    def _load(self, detail: items.ItemDetail) -> None:
        d, r = detail.draft, detail.row
        self.category.setCurrentIndex(max(0, self.category.findData(d.category)))
        if self.category.findData(d.category) < 0:
            self.category.addItem(d.category, d.category)
            self.category.setCurrentIndex(self.category.count() - 1)
        self.year.setValue(d.year or date.today().year)
        self.retention.setCurrentIndex(max(0, self.retention.findData(d.retention)))
        self.org.setText(d.org)
        self.title.setText(d.title)
        self.made_up.setChecked(d.title_made_up)
        self.doc_number.setText(d.doc_number)
        self.author.setText(d.author)
        self.day.setDate(to_qdate(d.day) if d.day else NO_DATE)
        self.secrecy.setCurrentIndex(max(0, self.secrecy.findData(d.secrecy)))
        self.pages.setValue(d.pages)
        self.remarks.setPlainText(d.remarks)
        origin = (self.tr("归档自活动「{0}」").format(detail.activity_title) if detail.activity_title else
                  self.tr("归档自评选「{0}」").format(detail.campaign_title) if detail.campaign_title else "")
        if self.corrects is not None:
            self.remarks.setPlainText(self.tr("更正 {0}").format(r.code or r.title))
            self.note.setText(self.tr("更正件是一件新的归档文件，指向被更正的 {0}；原件和原记录保持不变。"
                                      "更正件与原件同属一个系列，件号在固定件号时编。").format(r.code or r.title))
            for widget in (self.category, self.year, self.retention, self.org):
                widget.setEnabled(False)
            return
        for info in detail.files:
            self._append(_File(info.kind, info.path, info.caption, info))
        if self.numbered:
            self.number.setValue(r.number or 0)
            for widget in (self.category, self.year, self.retention, self.org, self.number):
                widget.setEnabled(False)
            self.note.setText(self.tr("档号 {0} 已固定，不能再改；如确有错误，请移出该件（留下空号并写明原因）后重新录入。"
                                      "已编号的文件不能删除，可以补充新文件。").format(r.code) + (f" {origin}" if origin else ""))
        elif origin:
            self.note.setText(origin)
        if r.destroyed_on is not None:
            self.buttons.button(self.buttons.StandardButton.Save).setEnabled(False)
            self.note.setText(self.tr("该件已于 {0} 销毁，只保留目录记录。").format(f"{r.destroyed_on:%Y-%m-%d}"))

    # --- files --------------------------------------------------------------------------------
    def _append(self, f: _File) -> None:
        is_image = f.path.suffix.lower() in items.IMAGE_SUFFIXES
        name = f.info.original_name if f.info else f.path.name
        label = f"[{rules.FILE_KINDS.get(f.kind, f.kind)}] {f.caption.title or name}"
        widget_item = QListWidgetItem(QIcon(thumbnail(f.path, QSize(40, 30))) if is_image else QIcon(), label)
        widget_item.setData(Qt.ItemDataRole.UserRole, len(self.files))
        tip = name if f.info is None else self.tr("{0}（已保存，SHA-256 {1}…）").format(name, f.info.sha256[:12])
        c = f.caption
        if f.kind == "photo" and (c.title or c.place or c.people):
            when = f"{c.taken_at:%Y-%m-%d %H:%M}" if c.taken_at else ""
            tip += "\n" + "；".join(x for x in (c.title, when, c.place, c.people, c.photographer and
                                                 self.tr("摄影：{0}").format(c.photographer), c.background) if x)
        widget_item.setToolTip(tip)
        self.files.append(f)
        self.file_list.addItem(widget_item)

    def add_files(self, paths: list[str]) -> None:
        """Add picked or dropped files; those that cannot be kept are named under 文件."""
        self.form.clear_errors()
        refused = []
        for path in paths:
            f = items.NewArchiveFile(path, guess_kind(path, self.category.currentData() or ""))
            problems = items.file_problems([f])
            if problems:
                refused.append(problems[0].message)
                continue
            self._append(_File(f.kind, Path(path), PhotoCaption()))
        if refused:
            self.form.show_error(FILES_LABEL, "\n".join(refused))

    def pick_files(self) -> None:
        paths = ask_files(self, self.tr("添加文件"))
        if paths:
            self.add_files(paths)

    def _current(self) -> tuple[int, _File] | None:
        widget_item = self.file_list.currentItem()
        if widget_item is None:
            self.form.show_error(FILES_LABEL, self.tr("请先在列表中点选一个文件"))
            return None
        index = widget_item.data(Qt.ItemDataRole.UserRole)
        return index, self.files[index]

    def edit_caption(self) -> None:
        if (found := self._current()) is None:
            return
        index, f = found
        if f.info is not None:
            self.form.show_error(FILES_LABEL, self.tr("已保存的文件的说明随文件归档，不能再改"))
            return
        if f.kind != "photo":
            self.form.show_error(FILES_LABEL, self.tr("只有照片需要填写说明；照片门类（ZP）中的图片按照片归档"))
            return
        current = f.caption if f.caption.title else PhotoCaption(self.title.text())
        caption = CaptionDialog.ask(current, self)
        if caption is not None:
            self.set_caption(index, caption)

    def set_caption(self, index: int, caption: PhotoCaption) -> None:
        self.files[index] = replace(self.files[index], caption=caption)
        for row in range(self.file_list.count()):
            widget_item = self.file_list.item(row)
            if widget_item.data(Qt.ItemDataRole.UserRole) == index:
                widget_item.setText(f"[{rules.FILE_KINDS['photo']}] {caption.title or self.files[index].path.name}")

    def open_file(self) -> None:
        if (found := self._current()) is not None and not open_location(found[1].path):
            self.form.show_error(FILES_LABEL, self.tr("没有找到能打开这个文件的程序"))

    def save_copy(self) -> None:
        if (found := self._current()) is None:
            return
        f = found[1]
        name = f.info.original_name if f.info else f.path.name
        target = ask_copy_path(self, name)
        if target is None:
            return
        try:
            shutil.copyfile(f.path, target)
        except OSError as err:
            self.form.show_error(FILES_LABEL, self.tr("没能另存为 {0}：{1}").format(target, err.strerror or err))
            return
        self.form.show_error(FILES_LABEL, self.tr("已另存为 {0}").format(target))

    def remove_file(self) -> None:
        if (found := self._current()) is None:
            return
        index, f = found
        if f.info is not None:
            if self.numbered:
                self.form.show_error(FILES_LABEL, self.tr("已编号的文件不能删除（可以补充新文件）"))
                return
            self.removed.append(f.info.id)
        self.file_list.takeItem(self.file_list.currentRow())

    def new_files(self) -> list[items.NewArchiveFile]:
        kept = {self.file_list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.file_list.count())}
        return [items.NewArchiveFile(str(f.path), f.kind, f.caption) for i, f in enumerate(self.files)
                if i in kept and f.info is None]

    # --- save ---------------------------------------------------------------------------------
    def draft(self) -> items.ItemDraft:
        return items.ItemDraft(
            title=self.title.text(), title_made_up=self.made_up.isChecked(), category=self.category.currentData() or "",
            year=self.year.value(), retention=self.retention.currentData(), org=self.org.text(),
            doc_number=self.doc_number.text(), author=self.author.text(), day=date_of(self.day),
            secrecy=self.secrecy.currentData() or "", pages=self.pages.value(), remarks=self.remarks.toPlainText(),
            number=self.number.value() or None)

    def save(self) -> bool:
        draft, new = self.draft(), self.new_files()

        def write(session) -> None:  # type: ignore[no-untyped-def]
            if self.corrects is not None:
                self.saved_id = filing.correct_item(session, self.corrects, draft, self.ws.files, new)
            elif self.item_id is None:
                self.saved_id = items.create_item(session, draft, self.ws.files, new)
            else:
                for file_id in self.removed:
                    items.remove_file(session, file_id)
                items.update_item(session, self.item_id, draft, self.ws.files, new)
                self.saved_id = self.item_id

        if not messages.write_from_form(self, self.ws, self.form, write):
            return False
        self.accept()
        return True


# --- filing -----------------------------------------------------------------------------------------
class FilingDialog(QDialog):
    """The year's activities (已开展) and campaigns (表彰后) not yet filed, each with the period the
    rule table proposes; 归档 files the checked ones in one transaction, in the background. Closed
    meanwhile (Esc, 取消, the window's close button), it cancels the filing and goes once nothing
    is filed; a filing already past its last step ends done and is reported as such."""

    COLUMNS = ("", "日期", "题名", "类别", "照片", "签到表", "保管期限")

    def __init__(self, ws: Workspace, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.year = ws, year
        self.filed: list[int] = []
        self.numbered = 0
        self.task: Task | None = None  # the filing running in the background
        self.setWindowTitle(self.tr("{0}年度：从活动和评选归档").format(year))
        with ws.read() as session:
            self.candidates = filing.candidates(session, year)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("每项活动或评选归为一件（文书 WS），连同照片和签到表；保管期限按「设置 → 保管期限表」建议，"
                               "可逐项修改。归档后活动显示「已归档」，不能再修改（有误时录入更正件）。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.candidates), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.combos: list[QComboBox] = []
        for row, c in enumerate(self.candidates):
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(row, 0, check)
            texts = (f"{c.day:%Y-%m-%d}" if c.day else "", c.title, c.what, str(c.photos), str(c.sign_ins))
            for column, text in enumerate(texts, start=1):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
            combo = QComboBox()
            for code, label in rules.RETENTION_LABELS.items():
                combo.addItem(label, code)
            combo.setCurrentIndex(max(0, combo.findData(c.retention)))
            self.combos.append(combo)
            self.table.setCellWidget(row, 6, combo)
        for column, width in enumerate((30, 90, 260, 170, 46, 56, 100)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(lambda _i: self._count())
        layout.addWidget(self.table, 1)
        picks = QHBoxLayout()
        for text, state in ((self.tr("全选"), Qt.CheckState.Checked), (self.tr("全不选"), Qt.CheckState.Unchecked)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=state: self.check_all(s))
            picks.addWidget(button)
        self.count = QLabel()
        picks.addWidget(self.count, 1)
        layout.addLayout(picks)
        self.photos_apart = QCheckBox(self.tr("照片另立照片档案（ZP）：活动照片连同说明单独归为一件"))
        self.number = QCheckBox(self.tr("归档后立即固定件号（按日期排序）"))
        layout.addWidget(self.photos_apart)
        layout.addWidget(self.number)
        self.buttons = save_cancel(self, self.save)
        self.buttons.button(self.buttons.StandardButton.Save).setText(self.tr("归档"))
        layout.addWidget(self.buttons)
        self._count()
        fit_window(self, 860, 640)

    def check_all(self, state: Qt.CheckState) -> None:
        for row in range(self.table.rowCount()):
            self.table.item(row, 0).setCheckState(state)

    def chosen(self) -> list[tuple[filing.Candidate, str]]:
        return [(c, self.combos[row].currentData()) for row, c in enumerate(self.candidates)
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def _count(self) -> None:
        chosen = self.chosen()
        self.count.setText(self.tr("共 {0} 项未归档，已选 {1} 项").format(len(self.candidates), len(chosen)) if self.candidates
                           else self.tr("{0}年度没有待归档的活动或评选（活动须为「已开展」，评选须已表彰）。").format(self.year))

    def save(self) -> bool:
        chosen = self.chosen()
        if not chosen:
            messages.show_error(self, ValidationError.single("归档", "请至少勾选一项"))
            return False
        # activities first, then campaigns (as file_records takes them)
        records = sorted(((c.kind, c.id) for c, _r in chosen), key=lambda record: record[0] != "activity")
        retentions = {(c.kind, c.id): r for c, r in chosen if r != c.retention}
        number, apart = self.number.isChecked(), self.photos_apart.isChecked()
        if self.task is not None:  # already filing
            return False
        ws = self.ws
        steps = len(records) + (1 if number else 0)

        def work(progress) -> tuple[list[int], int]:  # type: ignore[no-untyped-def]
            # One transaction: all of it or nothing. A record at a time, so that 取消 (or closing the
            # dialog) is noticed between them and rolls everything back; past the last progress call
            # only the commit is left, and the filing ends done.
            with ws.write() as session:
                filed: list[int] = []
                for done, (kind, record_id) in enumerate(records):
                    progress(done, steps)
                    filed += filing.file_records(session, ws.files, [record_id] if kind == "activity" else [],
                                                 [record_id] if kind == "campaign" else [], retentions,
                                                 photos_apart=apart)
                numbered = 0
                if number:
                    progress(len(records), steps)
                    numbered = filing.number_new(session, filed)
                progress(steps, steps)
                return filed, numbered

        # a year's records with their photos take about a second: off the GUI thread
        self.buttons.button(self.buttons.StandardButton.Save).setEnabled(False)  # 取消 stays: it cancels
        self.task = Task(self, self.tr("正在归档 {0} 项……").format(len(chosen)), work,
                         on_done=self._filed, on_error=self._not_filed)
        return True

    def reject(self) -> None:
        """Esc / 取消 / the window's close button while filing cancels it (nothing is filed) and
        closes once it has stopped; a filing already past its last step ends done (ui.tasks.hold_close)."""
        if not hold_close(self, self.task, self.count.setText):
            super().reject()

    def _filed(self, result: tuple[list[int], int]) -> None:
        self.task = None
        self.filed, self.numbered = result
        self.accept()

    def _not_filed(self, err: BaseException) -> None:  # nothing was saved (one transaction)
        self.task = None
        self.buttons.button(self.buttons.StandardButton.Save).setEnabled(True)
        if isinstance(err, Cancelled):  # 取消 in the progress dialog; or closing, which closes it next
            self.count.setText(str(err))
            return
        self._count()
        messages.show_error(self, err)


# --- boxes ------------------------------------------------------------------------------------------
class BoxDialog(QDialog):
    """A box: its spine (suggested from the pages, changeable) and its 备考表."""

    def __init__(self, ws: Workspace, box_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.box_id = ws, box_id
        with ws.read() as session:
            self.box = box = boxes.get_box(session, box_id)
        self.setWindowTitle(self.tr("档案盒 {0}").format(box.name))
        layout = QVBoxLayout(self)
        summary = QLabel(self.tr("{0}：起止件号 {1}，{2} 件，{3} 页。").format(box.name, box.range_text, box.items, box.pages))
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.form = form = FieldForm()
        layout.addLayout(form)
        self.spine = form.add(B["spine_mm"], QComboBox())
        for width in rules.SPINE_WIDTHS_MM:
            suggested = self.tr("（按页数建议）") if width == box.suggested_mm else ""
            self.spine.addItem(f"{width} mm{suggested}", width)
        self.spine.setCurrentIndex(max(0, self.spine.findData(box.spine_mm)))
        self.notes = form.add(B["notes"], QPlainTextEdit(box.notes))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(90)
        self.notes.setPlaceholderText(self.tr("盒内文件缺损、修改、补充、移出、销毁等情况；没有可空"))
        self.arranged_by = form.add(B["arranged_by"], QLineEdit(box.arranged_by))
        self.arranged_on = form.add(B["arranged_on"], optional_date(box.arranged_on))
        self.checked_by = form.add(B["checked_by"], QLineEdit(box.checked_by))
        self.checked_on = form.add(B["checked_on"], optional_date(box.checked_on))
        layout.addStretch(1)
        self.buttons = save_cancel(self, self.save)
        layout.addWidget(self.buttons)
        fit_window(self, 560, self.sizeHint().height())

    def draft(self) -> boxes.BoxDraft:
        return boxes.BoxDraft(self.spine.currentData(), self.notes.toPlainText(), self.arranged_by.text(),
                              date_of(self.arranged_on), self.checked_by.text(), date_of(self.checked_on))

    def save(self) -> bool:
        if messages.write_from_form(self, self.ws, self.form, lambda s: boxes.update_box(s, self.box_id, self.draft())):
            self.accept()
            return True
        return False
