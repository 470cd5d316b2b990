"""The forms of the annual plan page: the plan's title and preamble, its phases, a section, a task
(with its target rule built from a category, a count and a period), and 关联记录 — the year's
activities, campaigns and archive items, searched and linked to a task or unlinked. Each form saves
as one transaction and keeps each problem under its field; each has an `ask` class method that
tests replace."""

from __future__ import annotations

import json
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import assessment as checklist
from huiquan_desk.domain import plan as rules
from huiquan_desk.domain.dates import iso_date
from huiquan_desk.domain.errors import HuiquanError
from huiquan_desk.services import plan_links, plans
from huiquan_desk.services.categories import list_categories
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.campaign_dialogs import FormDialog, _text_edit
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.widgets import FieldForm, date_edit, fit_window, from_qdate, read_only_table

T, S, P = rules.TASK_LABELS, rules.SECTION_LABELS, rules.PLAN_LABELS
BY_LINKS = "按关联记录计算"


class PlanDialog(FormDialog):
    """The plan's title and preamble (指导思想)."""

    def __init__(self, ws: Workspace, detail: plans.PlanDetail, parent: QWidget | None = None):
        super().__init__(ws, "修改年度计划", parent, 680)
        self.plan_id = detail.id
        self.title_edit = self.form.add(P["title"], QLineEdit(detail.title), required=True)
        self.preamble = self.form.add(P["preamble"], _text_edit(detail.preamble, "计划开头的说明文字", 220))
        self.finish()

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        plans.update_plan(session, self.plan_id, self.title_edit.text(), self.preamble.toPlainText())

    @classmethod
    def ask(cls, ws: Workspace, detail: plans.PlanDetail, parent: QWidget | None = None) -> bool:
        return cls(ws, detail, parent).exec() == QDialog.DialogCode.Accepted


class PhasesDialog(QDialog):
    """The plan's phases, one row each (name, from, to), inside the year and one after another."""

    def __init__(self, ws: Workspace, detail: plans.PlanDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.plan_id, self.year = ws, detail.id, detail.year
        self.setWindowTitle(self.tr("工作阶段"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("各阶段的日期应在 {0} 年内，后一阶段在前一阶段结束之后开始。").format(detail.year)))
        self.grid = QGridLayout()
        for column, header in enumerate((rules.PHASE_LABELS["name"], rules.PHASE_LABELS["date_from"],
                                         rules.PHASE_LABELS["date_to"])):
            self.grid.addWidget(QLabel(header), 0, column)
        layout.addLayout(self.grid)
        self.rows: list[tuple[int | None, QLineEdit, QDateEdit, QDateEdit]] = []
        for phase in detail.phases:
            self.add_row(phase.id, phase.name, phase.date_from, phase.date_to)
        bar = QHBoxLayout()
        add = QPushButton(self.tr("添加阶段"))
        add.clicked.connect(lambda: self.add_row(None, "", date(self.year, 12, 1), date(self.year, 12, 31)))
        remove = QPushButton(self.tr("删除最后一个阶段"))
        remove.clicked.connect(self.remove_last)
        bar.addWidget(add)
        bar.addWidget(remove)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.form = FieldForm()  # problems of a row go to the one message box, naming the row
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(buttons)
        fit_window(self, 520, self.sizeHint().height())

    def add_row(self, phase_id: int | None, name: str, start: date, end: date) -> None:
        row = len(self.rows) + 1
        widgets = (QLineEdit(name), date_edit(start), date_edit(end))
        for column, widget in enumerate(widgets):
            self.grid.addWidget(widget, row, column)
        self.rows.append((phase_id, *widgets))

    def remove_last(self) -> None:
        if self.rows:
            for widget in self.rows.pop()[1:]:
                widget.deleteLater()

    def phases(self) -> list[tuple[int | None, str, date | None, date | None]]:
        return [(pid, name.text(), from_qdate(start.date()), from_qdate(end.date()))
                for pid, name, start, end in self.rows]

    def save(self) -> bool:
        if messages.write_from_form(self, self.ws, self.form,
                                    lambda s: plans.set_phases(s, self.plan_id, self.phases())):
            self.accept()
            return True
        return False

    @classmethod
    def ask(cls, ws: Workspace, detail: plans.PlanDetail, parent: QWidget | None = None) -> bool:
        return cls(ws, detail, parent).exec() == QDialog.DialogCode.Accepted


class SectionDialog(FormDialog):
    def __init__(self, ws: Workspace, plan_id: int, section: plans.SectionRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(ws, "新增工作板块" if section is None else "修改工作板块", parent, 600)
        self.plan_id, self.section, self.saved_id = plan_id, section, None
        self.title_edit = self.form.add(S["title"], QLineEdit(section.title if section else ""), required=True)
        self.title_edit.setPlaceholderText(self.tr("如：提升社区居民文明素质，加强公民思想道德教育（序号自动加）"))
        self.intro = self.form.add(S["intro"], _text_edit(section.intro if section else "", "", 110))
        self.finish()

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        if self.section is None:
            self.saved_id = plans.add_section(session, self.plan_id, self.title_edit.text(), self.intro.toPlainText())
        else:
            plans.update_section(session, self.section.id, self.title_edit.text(), self.intro.toPlainText())
            self.saved_id = self.section.id

    @classmethod
    def ask(cls, ws: Workspace, plan_id: int, section: plans.SectionRow | None = None,
            parent: QWidget | None = None) -> int | None:
        dialog = cls(ws, plan_id, section, parent)
        return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None


class PlanTaskDialog(FormDialog):
    """A task: its section, 工作任务, 工作标准, 责任领导, 责任人, 完成时限, 阶段, 目标 and 目标规则
    (a count of a category's activities a month / quarter / year, or judged by its links), 状态."""

    def __init__(self, ws: Workspace, detail: plans.PlanDetail, section_id: int, task: plans.TaskRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(ws, "新增工作任务" if task is None else "修改工作任务", parent, 660)
        self.task, self.saved_id = task, None
        draft = plans.task_draft(task) if task else plans.TaskDraft("", due=date(detail.year, 12, 31))
        self.section = self.form.add(T["section_id"], QComboBox(), required=True)
        for s in detail.sections:
            self.section.addItem(f"{s.number}{s.title}", s.id)
        self.section.setCurrentIndex(max(self.section.findData(section_id), 0))
        self.title_edit = self.form.add(T["title"], QLineEdit(draft.title), required=True)
        self.standard = self.form.add(T["standard"], _text_edit(draft.standard, "做到什么程度、留存什么材料", 70))
        people = QWidget()
        row = QHBoxLayout(people)
        row.setContentsMargins(0, 0, 0, 0)
        self.lead = QLineEdit(draft.lead)
        self.owner = QLineEdit(draft.owner)
        row.addWidget(self.lead)
        row.addWidget(QLabel(T["owner"]))
        row.addWidget(self.owner)
        self.form.add(T["lead"], people)
        self.form.errors[T["owner"]] = self.form.errors[T["lead"]]  # one row holds both
        self.due = self.form.add(T["due"], date_edit(draft.due or date(detail.year, 12, 31)))
        self.phase = self.form.add(T["phase_id"], QComboBox())
        self.phase.addItem(self.tr("（不属于某一阶段）"), None)
        for p in detail.phases:
            self.phase.addItem(f"{p.name}（{iso_date(p.date_from)} 至 {iso_date(p.date_to)}）", p.id)
        self.phase.setCurrentIndex(max(self.phase.findData(draft.phase_id), 0))
        self.target_text = self.form.add(T["target_text"], QLineEdit(draft.target_text))
        self.target_text.setPlaceholderText(self.tr("如：道德讲堂每季度至少 1 次（留空则按规则自动写）"))
        self.form.add(T["target"], self._rule_row(draft.target))
        self.status = self.form.add(T["status"], QComboBox())
        for key, label in rules.TASK_STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.status.setCurrentIndex(max(self.status.findData(draft.status), 0))
        self.remarks = self.form.add(T["remarks"], QLineEdit(draft.remarks))
        self.finish()

    def _rule_row(self, target: str) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox()
        self.kind.addItems([BY_LINKS, checklist.KIND_LABELS["category_count"]])
        self.category = QComboBox()
        with self.ws.read() as session:
            nodes = list_categories(session)
        names = [node.name for node in nodes]
        for node in nodes:  # the rule names a category by its own name when no other has it
            self.category.addItem(node.path, node.name if names.count(node.name) == 1 else node.path)
        self.n = QSpinBox()
        self.n.setRange(1, 1000)
        self.per = QComboBox()
        for per, label in checklist.PER_LABELS.items():
            self.per.addItem(label, per.value)
        rule = checklist.parse_rule(target) if target else None
        if isinstance(rule, checklist.CategoryCount):
            self.kind.setCurrentIndex(1)
            index = self.category.findData(rule.category)
            if index < 0:
                index = self.category.findText(rule.category)
            self.category.setCurrentIndex(max(index, 0))
            self.n.setValue(rule.n)
            self.per.setCurrentIndex(max(self.per.findData(rule.per.value), 0))
        for widget in (self.kind, self.per, QLabel(self.tr("至少")), self.n, QLabel(self.tr("次")), self.category):
            row.addWidget(widget)
        row.setStretch(5, 1)
        self.kind.currentIndexChanged.connect(self._rule_enabled)
        self._rule_enabled()
        return box

    def _rule_enabled(self) -> None:
        counted = self.kind.currentIndex() == 1
        for widget in (self.category, self.n, self.per):
            widget.setEnabled(counted)

    def rule_text(self) -> str:
        if self.kind.currentIndex() == 0:
            return ""
        return json.dumps({"category_count": {"category": self.category.currentData(), "n": self.n.value(),
                                              "per": self.per.currentData()}}, ensure_ascii=False)

    def draft(self) -> plans.TaskDraft:
        return plans.TaskDraft(self.title_edit.text(), self.standard.toPlainText(), self.lead.text(), self.owner.text(),
                               from_qdate(self.due.date()), self.phase.currentData(), self.rule_text(),
                               self.target_text.text(), self.status.currentData(), self.remarks.text(),
                               self.section.currentData())

    def write(self, session) -> None:  # type: ignore[no-untyped-def]
        draft = self.draft()
        if self.task is None:
            self.saved_id = plans.add_task(session, draft.section_id, draft)
        else:
            plans.update_task(session, self.task.id, draft)
            self.saved_id = self.task.id

    @classmethod
    def ask(cls, ws: Workspace, detail: plans.PlanDetail, section_id: int, task: plans.TaskRow | None = None,
            parent: QWidget | None = None) -> int | None:
        dialog = cls(ws, detail, section_id, task, parent)
        return dialog.saved_id if dialog.exec() == QDialog.DialogCode.Accepted else None


class LinkDialog(QDialog):
    """关联记录: the year's activities, campaigns and archive items (search by title, narrow by kind);
    the selected ones are linked to the task or unlinked, each at once in its own transaction."""

    def __init__(self, ws: Workspace, task: plans.TaskRow, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.task, self.year, self.changed = ws, task, year, False
        self.setWindowTitle(self.tr("关联记录：{0}{1}").format(task.number, task.title))
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("选中 {0} 年的活动、评选或归档文件，点「关联所选」计入这项任务的进度（双击一行也可关联或取消）。").format(year))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        bar = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItem(self.tr("全部"), None)
        for table, label in rules.RECORD_KINDS.items():
            self.kind.addItem(label, table)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按名称检索"))
        self.search.textChanged.connect(lambda _t: self.reload())
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(self.kind)
        bar.addWidget(self.search, 1)
        layout.addLayout(bar)
        self.linked: set[tuple[str, int]] = set()
        self.model = RowsModel([
            Col(self.tr("已关联"), lambda r: "✓" if (r.table, r.id) in self.linked else "", "center", width=56),
            Col(self.tr("类型"), lambda r: r.kind, "center", width=70),
            Col(self.tr("日期"), lambda r: iso_date(r.day), "center", width=96),
            Col(self.tr("名称"), lambda r: r.title, width=330),
            Col(self.tr("状态"), lambda r: r.state, width=150),
        ], self)
        self.view = read_only_table(self.model, multi=True)
        self.view.doubleClicked.connect(lambda _i: self.toggle())
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        link = QPushButton(self.tr("关联所选"))
        link.setObjectName("primary")
        link.clicked.connect(lambda: self.link_selected())
        unlink = QPushButton(self.tr("取消关联所选"))
        unlink.clicked.connect(lambda: self.unlink_selected())
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        self.count = QLabel()
        for widget in (link, unlink):
            buttons.addWidget(widget)
        buttons.addWidget(self.count, 1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        fit_window(self, 780, 560)
        self.reload()

    def reload(self) -> None:
        with self.ws.read() as session:
            self.linked = {(r.record.table, r.record.id) for r in plan_links.task_links(session, self.task.id)}
            rows = plan_links.linkable_records(session, self.year, self.kind.currentData(), self.search.text())
        self.model.set_rows(rows)
        self.count.setText(self.tr("已关联 {0} 条；列出 {1} 条").format(len(self.linked), len(rows)))

    def selected(self) -> list[plan_links.RecordRef]:
        return [self.model.row(i.row()) for i in self.view.selectionModel().selectedRows()]

    def _apply(self, refs: list[plan_links.RecordRef], link: bool) -> None:
        try:
            with self.ws.write() as session:
                for r in refs:
                    if link and (r.table, r.id) not in self.linked:
                        plan_links.link_record(session, self.task.id, r.table, r.id)
                    elif not link and (r.table, r.id) in self.linked:
                        plan_links.unlink_record(session, self.task.id, r.table, r.id)
        except HuiquanError as err:
            messages.show_error(self, err)
        else:
            self.changed = True
        self.reload()

    def link_selected(self) -> None:
        self._apply(self.selected(), True)

    def unlink_selected(self) -> None:
        self._apply(self.selected(), False)

    def toggle(self) -> None:
        refs = self.selected()
        if refs:
            self._apply(refs, (refs[0].table, refs[0].id) not in self.linked)

    @classmethod
    def ask(cls, ws: Workspace, task: plans.TaskRow, year: int, parent: QWidget | None = None) -> bool:
        dialog = cls(ws, task, year, parent)
        dialog.exec()
        return dialog.changed
