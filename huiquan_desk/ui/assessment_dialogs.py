"""The self-assessment page's dialogs: a checklist item (测评项目) with its rule editor — the rule
kind from the vocabulary (domain.assessment) as a combo, one field per parameter, or 人工评定 —
its thresholds, points and method; and a hand-made grade (人工评定) of an item without a rule.
Both save through services.assessment; problems show under their fields."""

from __future__ import annotations

import json
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.services import assessment
from huiquan_desk.services.campaigns import campaign_kinds
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.widgets import FieldForm, date_edit, fit_window, from_qdate, save_cancel, scrolling

L = rules.ITEM_LABELS
M = rules.MANUAL_LABELS
BY_HAND = ""  # the rule combo's entry for an item assessed by hand
# The parameters of each rule kind: (parameter, label). The form shows the rows of the kind chosen.
PARAMETERS: dict[str, tuple[tuple[str, str], ...]] = {
    "category_count": (("category", "活动类别"), ("n", "次数"), ("per", "周期")),
    "category_evidence": (("category", "活动类别"), ("photos", "照片张数"), ("sign_in", "签到表")),
    "hours_on_time": (("workdays", "工作日数"),),
    "average_hours": (("hours", "人均小时数"),),
    "filed_by": (),
    "campaign_commended": (("kind", "评选类型"),),
    "no_overdue_rectification": (),
    "fixity_within": (("days", "天数"),),
}


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    if suffix:
        box.setSuffix(suffix)
    return box


def _choices(values: list[str], editable: bool = True) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(editable)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(values)
    return combo


class RuleEditor(QWidget):
    """The rule of an item: its kind as a combo, then a field per parameter of that kind; the rule
    in one sentence under them. `rule()` is the JSON the service stores ('' for 人工评定)."""

    def __init__(self, categories: list[str], kinds: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("人工评定（填写评定说明和佐证材料）"), BY_HAND)
        for key, label in rules.KIND_LABELS.items():
            self.kind.addItem(label, key)
        layout.addWidget(self.kind)
        self.form = FieldForm()
        self.category = _choices(categories)
        self.n = _spin(1, 1000, 1, self.tr(" 次"))
        self.per = QComboBox()
        for per, label in rules.PER_LABELS.items():
            self.per.addItem(label, per.value)
        self.photos = _spin(0, 100, 2, self.tr(" 张"))
        self.sign_in = QCheckBox(self.tr("要有签到表"))
        self.sign_in.setChecked(True)
        self.workdays = _spin(1, 60, 10, self.tr(" 个工作日"))
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.5, 2000)
        self.hours.setValue(25)
        self.hours.setSuffix(self.tr(" 小时/年"))
        self.campaign_kind = _choices(kinds)
        self.days = _spin(1, 3650, 90, self.tr(" 天"))
        self.fields: dict[str, QWidget] = {"category": self.category, "n": self.n, "per": self.per,
                                           "photos": self.photos, "sign_in": self.sign_in, "workdays": self.workdays,
                                           "hours": self.hours, "kind": self.campaign_kind, "days": self.days}
        labels = {key: label for params in PARAMETERS.values() for key, label in params}
        for key, widget in self.fields.items():
            self.form.add(labels[key], widget)
        layout.addLayout(self.form)
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setStyleSheet("color: #1f5f8b;")
        layout.addWidget(self.sentence)
        self.kind.currentIndexChanged.connect(lambda _i: self._changed())
        for widget in (self.category, self.campaign_kind):
            widget.currentTextChanged.connect(lambda _t: self._changed())
        for spin in (self.n, self.photos, self.workdays, self.days):
            spin.valueChanged.connect(lambda _v: self._changed())
        self.hours.valueChanged.connect(lambda _v: self._changed())
        self.per.currentIndexChanged.connect(lambda _i: self._changed())
        self.sign_in.toggled.connect(lambda _b: self._changed())
        self._changed()

    def set_rule(self, text: str) -> None:
        """Show a stored rule (JSON); one that no longer reads is shown as 人工评定."""
        try:
            rule = rules.parse_rule(text)
        except ValidationError:
            rule = None
        if rule is None:
            self.kind.setCurrentIndex(0)
            return
        params = rules.rule_to_dict(rule)[rule.kind]
        self.kind.setCurrentIndex(self.kind.findData(rule.kind))
        for key, value in params.items():
            widget = self.fields["kind" if key == "kind" else key]
            if isinstance(widget, QComboBox) and widget is self.per:
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(str(value))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                widget.setValue(value)
        self._changed()

    def kind_key(self) -> str:
        return self.kind.currentData() or BY_HAND

    def rule(self) -> str:
        kind = self.kind_key()
        if kind == BY_HAND:
            return ""
        values = {"category": self.category.currentText().strip(), "n": self.n.value(), "per": self.per.currentData(),
                  "photos": self.photos.value(), "sign_in": self.sign_in.isChecked(),
                  "workdays": self.workdays.value(), "hours": self.hours.value(),
                  "kind": self.campaign_kind.currentText().strip(), "days": self.days.value()}
        return json.dumps({kind: {key: values[key] for key, _label in PARAMETERS[kind]}}, ensure_ascii=False)

    def _changed(self) -> None:
        shown = {key for key, _label in PARAMETERS.get(self.kind_key(), ())}
        for key, widget in self.fields.items():
            box = widget.parentWidget()
            self.form.setRowVisible(box, key in shown)
        try:
            self.sentence.setText(rules.rule_sentence(rules.parse_rule(self.rule())))
        except ValidationError as err:
            self.sentence.setText(err.problems[0].message)


class ItemDialog(QDialog):
    """A checklist item, new (item_id None) or stored."""

    def __init__(self, ws: Workspace, item_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.item_id = ws, item_id
        self.saved_id: int | None = None
        with ws.read() as session:
            item = assessment.get_item(session, item_id) if item_id is not None else None
            categories = [node.path for node in list_categories(session)]
            kinds = list(campaign_kinds(session))
            next_order = max((i.sort_order for i in assessment.list_items(session)), default=0) + 10
        self.setWindowTitle(self.tr("修改测评项目") if item else self.tr("新增测评项目"))
        layout = QVBoxLayout(self)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        self.form = form = FieldForm()
        body_layout.addLayout(form)
        body_layout.addStretch(1)  # the fields stay together at the top
        self.code = form.add(L["code"], QLineEdit(), required=True)
        self.code.setPlaceholderText(self.tr("如 SX-01"))
        self.project = form.add(L["project"], QLineEdit(), required=True)
        self.indicator = form.add(L["indicator"], QLineEdit(), required=True)
        self.content = form.add(L["content"], QPlainTextEdit())
        self.content.setFixedHeight(64)
        self.points = form.add(L["points"], QDoubleSpinBox())
        self.points.setRange(0.5, 100)
        self.points.setDecimals(1)
        self.points.setValue(5)
        self.points.setSuffix(self.tr(" 分"))
        self.method = form.add(L["method"], _choices(list(rules.METHODS), editable=False))
        self.rule = form.add(rules.RULE_FIELD, RuleEditor(categories, kinds))
        grades = QWidget()
        row = QHBoxLayout(grades)
        row.setContentsMargins(0, 0, 0, 0)
        self.limits = [_spin(0, 1000, n) for n in (0, 1, 2)]
        row.addWidget(QLabel(self.tr("问题数")))
        for grade, spin in zip(("A", "B", "C"), self.limits, strict=True):
            row.addWidget(QLabel(self.tr("{0} 档 ≤").format(grade)))
            row.addWidget(spin)
        row.addWidget(QLabel(self.tr("，更多为 C# 档")))
        row.addStretch(1)
        form.add(rules.THRESHOLDS_FIELD, grades)
        self.sort_order = form.add(L["sort_order"], _spin(-1000000, 1000000, next_order))
        layout.addWidget(scrolling(body), 1)
        layout.addWidget(save_cancel(self, self.save))
        if item is not None:
            self.code.setText(item.code)
            self.project.setText(item.project)
            self.indicator.setText(item.indicator)
            self.content.setPlainText(item.content)
            self.points.setValue(item.points)
            self.method.setCurrentText(item.method)
            self.rule.set_rule(item.rule)
            try:
                for spin, n in zip(self.limits, rules.parse_thresholds(item.thresholds), strict=True):
                    spin.setValue(n)
            except ValidationError:
                pass
            self.sort_order.setValue(item.sort_order)
        fit_window(self, 640, 540)

    def draft(self) -> assessment.ChecklistDraft:
        return assessment.ChecklistDraft(
            self.code.text(), self.project.text(), self.indicator.text(), self.content.toPlainText(),
            self.points.value(), self.method.currentText(), self.rule.rule(),
            "/".join(str(spin.value()) for spin in self.limits), self.sort_order.value())

    def save(self) -> bool:
        def write(session) -> None:  # type: ignore[no-untyped-def]
            if self.item_id is None:
                self.saved_id = assessment.add_item(session, self.draft())
            else:
                assessment.update_item(session, self.item_id, self.draft())
                self.saved_id = self.item_id

        if not messages.write_from_form(self, self.ws, self.form, write):
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, ws: Workspace, item_id: int | None = None, parent: QWidget | None = None) -> int | None:
        dialog = cls(ws, item_id, parent)
        return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None


class ManualDialog(QDialog):
    """A hand-made grade of an item without a rule for a period, with its note and evidence."""

    def __init__(self, ws: Workspace, item: assessment.ItemSpec, date_from: date, date_to: date,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.item = ws, item
        self.saved_id: int | None = None
        self.setWindowTitle(self.tr("人工评定"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("{0} {1}·{2}（{3} 分）\n{4}").format(item.code, item.project, item.indicator,
                                                               f"{item.points:g}", item.content))
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(intro)
        self.form = form = FieldForm()
        self.period_from = form.add(M["period_from"], date_edit(date_from), required=True)
        self.period_to = form.add(M["period_to"], date_edit(date_to), required=True)
        self.grade = QComboBox()
        for grade in rules.GRADES:
            self.grade.addItem(rules.GRADE_LABELS[grade], grade)
        form.add(M["grade"], self.grade, required=True)
        self.note = form.add(M["note"], QPlainTextEdit())
        self.note.setFixedHeight(70)
        self.evidence = form.add(M["evidence"], QPlainTextEdit())
        self.evidence.setFixedHeight(56)
        self.evidence.setPlaceholderText(self.tr("如：实地查看照片 6 张；服务站制度汇编"))
        self.assessed_by = form.add(M["assessed_by"], QLineEdit(ws.operator), required=True)
        self.assessed_on = form.add(M["assessed_on"], date_edit(date.today()), required=True)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(save_cancel(self, self.save))
        fit_window(self, 560, self.sizeHint().height())

    def save(self) -> bool:
        def write(session) -> None:  # type: ignore[no-untyped-def]
            assert self.item.id is not None
            self.saved_id = assessment.record_manual(
                session, self.item.id, from_qdate(self.period_from.date()), from_qdate(self.period_to.date()),
                self.grade.currentData(), self.note.toPlainText(), self.evidence.toPlainText(),
                self.assessed_by.text(), from_qdate(self.assessed_on.date()))

        if not messages.write_from_form(self, self.ws, self.form, write):
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, ws: Workspace, item: assessment.ItemSpec, date_from: date, date_to: date,
            parent: QWidget | None = None) -> int | None:
        dialog = cls(ws, item, date_from, date_to, parent)
        return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None
