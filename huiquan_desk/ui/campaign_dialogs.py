"""The small forms of a civic family campaign: the campaign itself, a nomination (household, who
nominated it, deeds, photos), one member's scores, an objection and how it was settled, and the
campaign settings (kinds, notice period, repeat-award years). Each saves as one transaction and
keeps each problem under its field until it is saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
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

from huiquan_desk.domain import family as rules
from huiquan_desk.domain.activity import NewAttachment
from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.errors import HuiquanError, ValidationError
from huiquan_desk.domain.family import Outcome, ReviewMethod
from huiquan_desk.services import campaigns as cs
from huiquan_desk.services import households
from huiquan_desk.services.activities import IMAGE_SUFFIXES
from huiquan_desk.services.settings import (
    FAMILY_KINDS,
    NOTICE_DAYS,
    NOTICE_WORKDAYS,
    REPEAT_YEARS,
    get_setting,
)
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.household_dialog import HouseholdDialog
from huiquan_desk.ui.widgets import (
    FieldForm,
    ThumbnailList,
    date_edit,
    fit_window,
    from_qdate,
    save_cancel,
    scrolling,
    thumbnail,
)

C, N, OB = rules.CAMPAIGN_LABELS, rules.NOMINATION_LABELS, rules.OBJECTION_LABELS


class FormDialog(QDialog):
    """A form with 保存 / 取消: `save(session)` runs as one transaction; problems go under the fields."""

    def __init__(self, ws: Workspace, title: str, parent: QWidget | None = None, width: int = 560):
        super().__init__(parent)
        self.ws = ws
        self.width_wanted = width
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.form = FieldForm()
        self.layout_.addLayout(self.form)
        self.buttons = save_cancel(self, self.save)

    def finish(self) -> None:
        """Call at the end of __init__: buttons under the fields, the dialog as tall as they need."""
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.buttons)
        fit_window(self, self.width_wanted, self.sizeHint().height())

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        """What the form saves, through the services, in `session` (every dialog below says it)."""
        raise NotImplementedError(f"{type(self).__name__} must say what it writes")

    def save(self) -> bool:
        if messages.write_from_form(self, self.ws, self.form, self.write):
            self.accept()
            return True
        return False


def _text_edit(text: str = "", placeholder: str = "", height: int = 90) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


# --- the campaign -----------------------------------------------------------------------------------
class CampaignDialog(FormDialog):
    def __init__(self, ws: Workspace, campaign_id: int | None = None, parent: QWidget | None = None):
        super().__init__(ws, "新建评选" if campaign_id is None else "修改评选", parent, 600)
        self.campaign_id, self.saved_id = campaign_id, None
        with ws.read() as session:
            kinds = cs.campaign_kinds(session)
            draft = cs.get_campaign(session, campaign_id).draft if campaign_id is not None else cs.CampaignDraft(
                kinds[0], date.today().year)
        self.kind = self.form.add(C["kind"], QComboBox(), required=True)
        self.kind.addItems(list(dict.fromkeys([*kinds, draft.kind])))
        self.kind.setCurrentText(draft.kind)
        self.year = self.form.add(C["year"], QSpinBox(), required=True)
        self.year.setRange(2000, 2100)
        self.year.setValue(draft.year or date.today().year)
        self.title_edit = self.form.add(C["title"], QLineEdit(draft.title if campaign_id is not None else ""))
        self.title_edit.setPlaceholderText(self.tr("留空则为「2026年度（社区名称）文明家庭评选」"))
        self.criteria = self.form.add(C["criteria"], _text_edit("\n".join(draft.criteria), "每行一条", 150), required=True)
        self.quotas = self.form.add(C["quotas"], _text_edit(rules.quotas_text(draft.quotas),
                                                            "等额推荐时每行一个：推荐单位=名额，如 第一网格=2；不限名额留空", 70))
        self.method = self.form.add(C["review_method"], QComboBox())
        for method, label in rules.REVIEW_METHOD_LABELS.items():
            self.method.addItem(label, method)
        self.method.setCurrentIndex(self.method.findData(draft.review_method))
        self.max_score = self.form.add(C["max_score"], QSpinBox())
        self.max_score.setRange(1, 100)
        self.max_score.setValue(draft.max_score)
        self.method.currentIndexChanged.connect(
            lambda: self.max_score.setEnabled(self.method.currentData() == ReviewMethod.SCORE))
        self.max_score.setEnabled(draft.review_method is ReviewMethod.SCORE)
        self.remarks = self.form.add(C["remarks"], QLineEdit(draft.remarks))
        self.finish()

    def draft(self) -> cs.CampaignDraft:
        try:
            quotas = rules.parse_quotas(self.quotas.toPlainText())
        except ValueError as err:
            raise ValidationError.single(C["quotas"], str(err)) from None
        return cs.CampaignDraft(self.kind.currentText(), self.year.value(), self.title_edit.text(),
                                self.criteria.toPlainText().split("\n"), quotas, ReviewMethod(self.method.currentData()),
                                self.max_score.value(), self.remarks.text())

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        draft = self.draft()
        if self.campaign_id is None:
            self.saved_id = cs.create_campaign(session, draft)
        else:
            cs.update_campaign(session, self.campaign_id, draft)
            self.saved_id = self.campaign_id


# --- a nomination -----------------------------------------------------------------------------------
def household_combo(ws: Workspace, selected: int | None = None) -> QComboBox:
    """Pick a household by typing part of the 户主's name or the address."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    fill_households(ws, combo, selected)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    return combo


def fill_households(ws: Workspace, combo: QComboBox, selected: int | None) -> None:
    combo.clear()
    with ws.read() as session:
        for row in households.list_households(session):
            combo.addItem(f"{row.head_name}（{row.address}）", row.id)
    combo.setCurrentIndex(combo.findData(selected) if selected is not None else -1)


def pick_photos(parent: QWidget) -> list[str]:
    """Photos to add. Tests replace this function."""
    pattern = " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES))
    names, _ = QFileDialog.getOpenFileNames(parent, "选择事迹照片", str(Path.home()), f"图片 ({pattern})")
    return names


class NominationDialog(FormDialog):
    def __init__(self, ws: Workspace, campaign_id: int, nomination_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(ws, "推荐家庭" if nomination_id is None else "修改推荐", parent, 640)
        self.campaign_id, self.nomination_id, self.saved_id = campaign_id, nomination_id, None
        self.new_photos: list[str] = []
        with ws.read() as session:
            detail = cs.get_campaign(session, campaign_id)
            current = next((n for n in detail.nominations if n.id == nomination_id), None)
            existing = cs.nomination_photos(session, nomination_id, ws.files) if nomination_id is not None else []
        household_row = QWidget()
        row = QHBoxLayout(household_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.household = household_combo(ws, current.household.id if current else None)
        self.household.setEnabled(current is None)
        row.addWidget(self.household, 1)
        register = QPushButton(self.tr("登记新家庭…"))
        register.clicked.connect(self.register_household)
        register.setEnabled(current is None)
        row.addWidget(register)
        self.form.add(N["household"], household_row, required=True)
        self.flag = QLabel()
        self.flag.setStyleSheet("color: #b9770e;")
        self.flag.setWordWrap(True)
        self.form.addRow("", self.flag)
        self.household.currentIndexChanged.connect(self._show_flag)
        self.kind = self.form.add(N["nominator_kind"], QComboBox(), required=True)
        self.kind.addItems(list(rules.NOMINATOR_KINDS))
        self.nominator = self.form.add(N["nominator"], QComboBox())
        self.nominator.setEditable(True)
        self.nominator.addItems(["", *detail.draft.quotas])
        self.nominator.lineEdit().setPlaceholderText(self.tr("如：第一网格、3栋楼栋长（自荐可不填）"))
        quota = "；".join(f"{body} {n} 户" for body, n in detail.draft.quotas.items())
        if quota:
            self.form.addRow("", QLabel(self.tr("等额推荐名额：") + quota))
        self.deeds = self.form.add(N["deeds"], _text_edit("", "孝老爱亲、邻里互助、热心公益等具体事迹", 130), required=True)
        self.photos = ThumbnailList(QSize(96, 72), QSize(116, 110))
        self.photos.setMinimumHeight(120)
        self.photos.files_dropped.connect(self._add_files)
        self.form.add(N["photos"], self.photos)
        photo_buttons = QHBoxLayout()
        add = QPushButton(self.tr("添加照片…"))
        add.clicked.connect(lambda: self._add_files(pick_photos(self)))
        photo_buttons.addWidget(add)
        photo_buttons.addWidget(QLabel(self.tr("可把照片直接拖到上面")))
        photo_buttons.addStretch(1)
        self.form.addRow("", photo_buttons)
        for info in existing:
            self.photos.addItem(QListWidgetItem(QIcon(thumbnail(info.path)), info.caption.title or info.original_name))
        if current is not None:
            self.kind.setCurrentText(current.nominator_kind)
            self.nominator.setCurrentText(current.nominator)
            self.deeds.setPlainText(current.deeds)
        self.year = detail.row.year
        self._show_flag()
        self.finish()

    def _show_flag(self) -> None:
        household_id = self.household.currentData()
        if household_id is None:
            self.flag.clear()
            return
        with self.ws.read() as session:
            year = cs.recent_award(session, household_id, self.year, self.campaign_id)
        self.flag.setText(self.tr("提示：该户 {0} 年已获评，仍在不重复评选的年限内。").format(year) if year else "")

    def register_household(self) -> None:
        new_id = HouseholdDialog.ask(self.ws, None, self)
        if new_id is not None:
            fill_households(self.ws, self.household, new_id)

    def _add_files(self, paths: list[str]) -> None:
        for path in paths:
            if path not in self.new_photos:
                self.new_photos.append(path)
                self.photos.addItem(QListWidgetItem(QIcon(thumbnail(Path(path))), Path(path).name))

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        draft = cs.NominationDraft(self.household.currentData(), self.kind.currentText(), self.nominator.currentText(),
                                   self.deeds.toPlainText())
        photos = [NewAttachment(p) for p in self.new_photos]
        if self.nomination_id is None:
            self.saved_id = cs.add_nomination(session, self.campaign_id, draft, self.ws.files, photos)
        else:
            cs.update_nomination(session, self.nomination_id, draft, self.ws.files, photos)
            self.saved_id = self.nomination_id


# --- review -------------------------------------------------------------------------------------------
class ScoreDialog(FormDialog):
    """One member's scores of one household, a field per criterion (blank: not scored yet)."""

    def __init__(self, ws: Workspace, campaign: cs.CampaignDetail, nomination: cs.NominationRow,
                 reviewer: cs.ReviewerRow, parent: QWidget | None = None):
        super().__init__(ws, f"{reviewer.name}评分：{nomination.family_name}", parent, 460)
        self.nomination, self.reviewer = nomination, reviewer
        with ws.read() as session:
            marks = cs.member_marks(session, campaign.row.id).get((nomination.id, reviewer.id), {})
        intro = QLabel(self.tr("每项 0 到 {0} 分，最小 0.5 分；不评的项留空。").format(campaign.draft.max_score))
        self.layout_.insertWidget(0, intro)
        self.fields: list[QDoubleSpinBox] = []
        for index, criterion in enumerate(campaign.draft.criteria):
            spin = QDoubleSpinBox()
            spin.setRange(-0.5, campaign.draft.max_score)
            spin.setSingleStep(0.5)
            spin.setDecimals(1)
            spin.setSpecialValueText(self.tr("未评"))
            spin.setValue(marks.get(index, -0.5))
            self.fields.append(self.form.add(criterion, spin))
        self.finish()

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        values = [None if f.value() < 0 else f.value() for f in self.fields]
        cs.record_scores(session, self.nomination.id, self.reviewer.id, values)


# --- the notice ----------------------------------------------------------------------------------------
class ObjectionDialog(FormDialog):
    def __init__(self, ws: Workspace, campaign: cs.CampaignDetail, parent: QWidget | None = None):
        super().__init__(ws, "登记公示异议", parent, 560)
        self.campaign = campaign
        self.household = self.form.add(OB["nomination"], QComboBox())
        self.household.addItem(self.tr("（针对整个名单）"), None)
        for n in campaign.chosen:
            self.household.addItem(f"{n.family_name}（{rules.building_text(n.household.building)}）", n.id)
        self.raised_by = self.form.add(OB["raised_by"], QLineEdit())
        self.raised_by.setPlaceholderText(self.tr("姓名或「匿名」；电话等不必登记"))
        self.raised_on = self.form.add(OB["raised_on"], date_edit(), required=True)
        self.content = self.form.add(OB["content"], _text_edit("", "反映的问题", 110), required=True)
        self.finish()

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        cs.add_objection(session, self.campaign.row.id, self.household.currentData(), self.raised_by.text(),
                         from_qdate(self.raised_on.date()), self.content.toPlainText())


class SettleDialog(FormDialog):
    def __init__(self, ws: Workspace, objection: cs.ObjectionRow, parent: QWidget | None = None):
        super().__init__(ws, "处理公示异议", parent, 560)
        self.objection = objection
        shown = QLabel(f"{objection.raised_on:%Y-%m-%d} {objection.raised_by or '匿名'}反映"
                       f"{('「' + objection.household + '」') if objection.household else ''}：{objection.content}")
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        area = scrolling(shown)  # a long objection scrolls; the form below stays on screen
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setMaximumHeight(160)
        self.layout_.insertWidget(0, area)
        self.outcome = self.form.add(OB["outcome"], QComboBox(), required=True)
        for outcome in (Outcome.UPHELD, Outcome.WITHDRAWN):
            self.outcome.addItem(rules.OUTCOME_LABELS[outcome], outcome)
        self.settlement = self.form.add(OB["settlement"], _text_edit(objection.settlement, "核实经过和处理情况", 110),
                                        required=True)
        self.settled_on = self.form.add(OB["settled_on"], date_edit(), required=True)
        self.finish()

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        cs.settle_objection(session, self.objection.id, Outcome(self.outcome.currentData()),
                            self.settlement.toPlainText(), from_qdate(self.settled_on.date()))


# --- settings ------------------------------------------------------------------------------------------
class FamilySettingsDialog(FormDialog):
    """评选设置 (管理员): the kinds of campaign, the notice period, the repeat-award years."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(ws, "评选设置", parent, 560)
        with ws.read() as session:
            kinds, days = get_setting(session, FAMILY_KINDS), get_setting(session, NOTICE_DAYS)
            workdays, years = get_setting(session, NOTICE_WORKDAYS), get_setting(session, REPEAT_YEARS)
        self.kinds = self.form.add(FAMILY_KINDS.label, _text_edit("\n".join(kinds), "每行一种", 110), required=True)
        self.days = self.form.add(NOTICE_DAYS.label, QSpinBox())
        self.days.setRange(1, 60)
        self.days.setValue(days)
        self.workdays = self.form.add(NOTICE_WORKDAYS.label, QCheckBox(self.tr("按国务院公布的节假日安排（含调休）计算工作日")))
        self.workdays.setChecked(workdays)
        self.years = self.form.add(REPEAT_YEARS.label, QSpinBox())
        self.years.setRange(0, 20)
        self.years.setValue(years)
        note = QLabel(self.tr("公示期没有全国统一规定，常见为 7 天（也有 5 个工作日、3 天）。改动只影响以后开始的公示。"))
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.finish()

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        cs.save_settings(session, self.kinds.toPlainText().split("\n"), self.days.value(), self.workdays.isChecked(),
                         self.years.value())


class StageDateDialog(QDialog):
    """The day the notice starts (entering 公示: its end shown as the date is picked) or the day of
    the commendation (entering 表彰); never a day still to come."""

    def __init__(self, ws: Workspace, campaign: cs.CampaignDetail, target: rules.Stage, parent: QWidget | None = None):
        super().__init__(parent)
        self.campaign, self.target = campaign, target
        self.setWindowTitle(f"进入{rules.STAGE_LABELS[target]}")
        layout = QVBoxLayout(self)
        form = FieldForm()
        layout.addLayout(form)
        self.picked = form.add(C["notice_start"] if target is rules.Stage.NOTICE else C["commended_on"], date_edit())
        self.picked.setMaximumDate(self.picked.date())
        self.info = QLabel()
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        with ws.read() as session:
            self.days, self.workdays = get_setting(session, NOTICE_DAYS), get_setting(session, NOTICE_WORKDAYS)
        self.picked.dateChanged.connect(lambda _d: self._show())
        self._show()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(f"进入{rules.STAGE_LABELS[target]}")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_window(self, 520, self.sizeHint().height())

    @property
    def day(self) -> date:
        return from_qdate(self.picked.date())

    def _show(self) -> None:
        chosen = len(self.campaign.chosen)
        if self.target is rules.Stage.NOTICE:
            end = rules.notice_end(self.day, self.days, self.workdays)
            self.info.setText(f"公示 {chosen} 户，共 {self.days} 个{'工作日' if self.workdays else '自然日'}，"
                              f"到 {cn_date(end)} 结束；公示期满后才能表彰。")
        else:
            self.info.setText(f"表彰 {chosen} 户；表彰日期印在证书上。")


def ask_stage_date(parent: QWidget, ws: Workspace, campaign: cs.CampaignDetail, target: rules.Stage) -> date | None:
    """None when cancelled. Tests replace this function."""
    dialog = StageDateDialog(ws, campaign, target, parent)
    return dialog.day if dialog.exec() == QDialog.DialogCode.Accepted else None


def run_dialog(dialog: QDialog) -> bool:
    """exec() a dialog; True when it was saved. Tests replace this function."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def write_or_show(parent: QWidget, ws: Workspace, action: Callable, done: Callable[[], None] | None = None) -> bool:
    """Run `action(session)` as one transaction; a failure goes to the one message box."""
    try:
        with ws.write() as session:
            action(session)
    except HuiquanError as err:
        messages.show_error(parent, err)
        return False
    if done is not None:
        done()
    return True
