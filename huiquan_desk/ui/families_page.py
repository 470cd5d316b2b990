"""文明家庭: civic family campaigns from nomination to commendation, and the household register.

The 评选 tab lists the campaigns on the left; the chosen one shows its stages as a flow (the
current stage marked, what the next stage still needs said in words) and one tab per part of the
work: 推荐名单, 评议, 公示, 表彰, 活动. The 家庭花名册 tab is the register of households (phones
masked), with its Excel import and template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import family as rules
from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.family import Decision, Outcome, ReviewMethod, Stage
from huiquan_desk.services import campaigns as cs
from huiquan_desk.services import family_prints as fp
from huiquan_desk.services import households as hs
from huiquan_desk.services.activities import ActivityFilter, list_activities
from huiquan_desk.services.ledgers import LEDGERS, LedgerParams
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.after_export import AfterExportBar
from huiquan_desk.ui.campaign_dialogs import (
    CampaignDialog,
    FamilySettingsDialog,
    NominationDialog,
    ObjectionDialog,
    ScoreDialog,
    SettleDialog,
    ask_stage_date,
    run_dialog,
    write_or_show,
)
from huiquan_desk.ui.export_actions import ask_open_path, ask_save_path, export_in_background
from huiquan_desk.ui.household_dialog import HouseholdDialog
from huiquan_desk.ui.messages import ask_number, ask_text
from huiquan_desk.ui.rows_model import Col, RowsModel
from huiquan_desk.ui.tasks import Task
from huiquan_desk.ui.widgets import EmptyHint, mark_writes, read_only_table

H = rules.HOUSEHOLD_LABELS


def _bar(*widgets: QWidget, stretch_at: int | None = None) -> QHBoxLayout:
    bar = QHBoxLayout()
    for index, widget in enumerate(widgets):
        if stretch_at == index:
            bar.addStretch(1)
        bar.addWidget(widget)
    if stretch_at is None or stretch_at >= len(widgets):
        bar.addStretch(1)
    return bar


def _button(parent: QWidget, text: str, slot, writes: bool = False, primary: bool = False) -> QPushButton:  # type: ignore[no-untyped-def]
    button = QPushButton(parent.tr(text))
    button.clicked.connect(lambda _=False: slot())
    if writes:
        mark_writes(button)
    if primary:
        button.setObjectName("primary")
    return button


class StageFlow(QWidget):
    """组织动员 → 推荐 → 评议 → 公示 → 表彰 → 宣传推介, the current stage marked, the passed ones ticked."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.labels: dict[Stage, QLabel] = {}
        for index, stage in enumerate(rules.STAGES):
            if index:
                arrow = QLabel("→")
                arrow.setStyleSheet("color: #8a96a3;")
                layout.addWidget(arrow)
            label = QLabel(rules.STAGE_LABELS[stage])
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.labels[stage] = label
            layout.addWidget(label)
        layout.addStretch(1)

    def show_stage(self, current: Stage | None) -> None:
        for stage, label in self.labels.items():
            if current is not None and stage == current:
                style = "background: #2c6fbb; color: white; font-weight: bold; border-radius: 4px; padding: 3px 10px;"
                label.setText(rules.STAGE_LABELS[stage])
            elif current is not None and rules.reached(current, stage):
                style = "color: #1e8449; padding: 3px 6px;"
                label.setText("✓ " + rules.STAGE_LABELS[stage])
            else:
                style = "color: #8a96a3; padding: 3px 6px;"
                label.setText(rules.STAGE_LABELS[stage])
            label.setStyleSheet(style)


class FamiliesPage(QWidget):
    changed = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.detail: cs.CampaignDetail | None = None
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._campaigns_tab(), self.tr("评选"))
        self.tabs.addTab(self._households_tab(), self.tr("家庭花名册"))
        self.tabs.currentChanged.connect(lambda _i: self.reload())
        layout.addWidget(self.tabs, 1)
        self.after_export = AfterExportBar()
        layout.addWidget(self.after_export)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.reload()

    # --- the campaigns tab ------------------------------------------------------------------------
    def _campaigns_tab(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.campaign_list = QListWidget()
        self.campaign_list.currentItemChanged.connect(lambda *_: self.show_campaign())
        left_layout.addWidget(self.campaign_list, 1)
        self.campaign_hint = EmptyHint(self.campaign_list, self.tr(
            "还没有评选。\n点「新建评选」开始一次文明家庭（或文明邻里、平安家庭……）评选。"))
        grid = QHBoxLayout()
        grid.addWidget(_button(self, "新建评选", self.new_campaign, writes=True, primary=True))
        grid.addWidget(_button(self, "修改…", self.edit_campaign, writes=True))
        grid.addWidget(_button(self, "删除", self.delete_campaign, writes=True))
        left_layout.addLayout(grid)
        left_layout.addWidget(_button(self, "评选设置（类型、公示期）…", self.edit_settings, writes=True))
        left_layout.addWidget(_button(self, "文明家庭创建台账（历年）…", self.export_families))
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.campaign_title = QLabel()
        self.campaign_title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.campaign_title.setWordWrap(True)
        right_layout.addWidget(self.campaign_title)
        self.flow = StageFlow()
        right_layout.addWidget(self.flow)
        self.needs = QLabel()
        self.needs.setWordWrap(True)
        right_layout.addWidget(self.needs)
        self.advance_button = _button(self, "进入下一阶段", self.advance, writes=True, primary=True)
        self.back_button = _button(self, "退回上一阶段…", self.step_back, writes=True)
        right_layout.addLayout(_bar(self.advance_button, self.back_button))
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        right_layout.addWidget(line)
        self.parts = QTabWidget()
        self.parts.addTab(self._nominations_part(), self.tr("推荐名单"))
        self.parts.addTab(self._review_part(), self.tr("评议"))
        self.parts.addTab(self._notice_part(), self.tr("公示"))
        self.parts.addTab(self._commend_part(), self.tr("表彰"))
        self.parts.addTab(self._activities_part(), self.tr("活动"))
        right_layout.addWidget(self.parts, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 940])
        layout.addWidget(splitter)
        return page

    def _nominations_part(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(_bar(
            _button(self, "推荐家庭…", self.add_nomination, writes=True),
            _button(self, "修改推荐…", self.edit_nomination, writes=True),
            _button(self, "删除推荐", self.remove_nomination, writes=True),
            _button(self, "导出推荐名单 Excel…", lambda: self.export_campaign("nominations", "xlsx")),
            _button(self, "导出推荐名单 PDF…", lambda: self.export_campaign("nominations", "pdf")), stretch_at=3))
        self.nominations = RowsModel([
            Col("户主", lambda n: n.head_name, width=80), Col(H["address"], lambda n: n.household.address, width=130),
            Col(H["size"], lambda n: n.household.size, "center", width=70),
            Col("推荐", lambda n: n.nominated_by, width=150),
            Col("事迹照片", lambda n: n.photos, "center", width=70),
            Col("提示", lambda n: f"{n.recent_award}年已获评" if n.recent_award else "", "center",
                lambda n: "在不重复评选的年限内（评选设置）" if n.recent_award else "", width=100),
            Col("主要事迹", lambda n: n.deeds, tooltip=lambda n: n.deeds, width=300),
        ])
        self.nominations_view = read_only_table(self.nominations)
        self.nominations_view.doubleClicked.connect(lambda _i: self.edit_nomination())
        EmptyHint(self.nominations_view, lambda: self.tr(
            "还没有推荐的家庭。\n评选进入「推荐」阶段后，点「推荐家庭…」选择家庭（可先在「家庭花名册」中登记或导入）。"))
        layout.addWidget(self.nominations_view, 1)
        return page

    def _review_part(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.reviewers_label = QLabel()
        self.reviewers_label.setWordWrap(True)
        layout.addLayout(_bar(self.reviewers_label, _button(self, "添加成员…", self.add_reviewer, writes=True),
                              _button(self, "移出成员…", self.remove_reviewer, writes=True), stretch_at=1))
        layout.addLayout(_bar(
            _button(self, "评分/投票…", self.mark, writes=True),
            _button(self, "当选", lambda: self.decide(Decision.CHOSEN), writes=True),
            _button(self, "未当选…", lambda: self.decide(Decision.NOT_CHOSEN), writes=True),
            _button(self, "按名次确定当选…", self.decide_by_rank, writes=True),
            _button(self, "导出评议结果 Excel…", lambda: self.export_campaign("review", "xlsx")),
            _button(self, "导出评议结果 PDF…", lambda: self.export_campaign("review", "pdf")), stretch_at=4))
        self.review = RowsModel([])
        self.review_view = read_only_table(self.review)
        self.review_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.review_view.doubleClicked.connect(lambda _i: self.mark())
        layout.addWidget(self.review_view, 1)
        note = QLabel(self.tr("选中某户在某位成员下的格子，点「评分/投票…」（或双击）录入；未当选须写理由，理由留档备查，不出现在公示和证书上。"))
        note.setWordWrap(True)
        layout.addWidget(note)
        return page

    def _notice_part(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        layout.addWidget(self.notice_label)
        layout.addLayout(_bar(
            _button(self, "登记异议…", self.add_objection, writes=True),
            _button(self, "处理异议…", self.settle_objection, writes=True),
            _button(self, "打印公示…", self.print_notice, primary=True), stretch_at=2))
        self.objections = RowsModel([
            Col(rules.OBJECTION_LABELS["raised_on"], lambda o: f"{o.raised_on:%Y-%m-%d}", width=95),
            Col(rules.OBJECTION_LABELS["raised_by"], lambda o: o.raised_by or "匿名", width=90),
            Col(rules.OBJECTION_LABELS["nomination"], lambda o: o.household or "整个名单", width=110),
            Col(rules.OBJECTION_LABELS["content"], lambda o: o.content, tooltip=lambda o: o.content, width=260),
            Col(rules.OBJECTION_LABELS["outcome"], lambda o: o.outcome_label, width=170),
            Col(rules.OBJECTION_LABELS["settlement"], lambda o: o.settlement, tooltip=lambda o: o.settlement),
        ])
        self.objections_view = read_only_table(self.objections)
        EmptyHint(self.objections_view, lambda: self.tr("公示期间没有收到异议。收到时点「登记异议…」，核实后点「处理异议…」。"))
        layout.addWidget(self.objections_view, 1)
        return page

    def _commend_part(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.commend_label = QLabel()
        self.commend_label.setWordWrap(True)
        layout.addWidget(self.commend_label)
        layout.addLayout(_bar(_button(self, "打印证书（每户一页）…", self.print_plaques, primary=True)))
        self.chosen = RowsModel([Col("户主", lambda n: n.head_name, width=90),
                                 Col("楼栋", lambda n: rules.building_text(n.household.building), width=90),
                                 Col("推荐", lambda n: n.nominated_by, width=160),
                                 Col("得分/票数", lambda n: self._total_text(n), "right", width=90)])
        self.chosen_view = read_only_table(self.chosen)
        EmptyHint(self.chosen_view, lambda: self.tr("评议确定当选、公示期满后，这里列出受表彰的家庭。"))
        layout.addWidget(self.chosen_view, 1)
        return page

    def _activities_part(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(_bar(
            _button(self, "新建活动…", self.new_activity, writes=True),
            _button(self, "关联已有活动…", self.link_activity, writes=True),
            _button(self, "取消关联", self.unlink_activity, writes=True)))
        self.activities = RowsModel([
            Col("开始时间", lambda a: f"{a.start:%Y-%m-%d %H:%M}", width=130), Col("活动名称", lambda a: a.title, width=260),
            Col("地点", lambda a: a.place, width=140), Col("参与人数", lambda a: a.participants, "right", width=70),
            Col("照片", lambda a: a.photo_count, "center", width=50), Col("状态", lambda a: a.status.label, "center")])
        self.activities_view = read_only_table(self.activities)
        EmptyHint(self.activities_view, lambda: self.tr(
            "宣传动员会、评议会、表彰会都是普通活动：点「新建活动…」记下并关联到本次评选，"
            "它们照常出现在活动台账和图片记录中。"))
        layout.addWidget(self.activities_view, 1)
        return page

    # --- the households tab ----------------------------------------------------------------------
    def _households_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.household_search = QLineEdit()
        self.household_search.setPlaceholderText(self.tr("按户主、成员、住址（如 3栋2单元）或网格查找"))
        self.household_search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self.reload_households)
        self.household_search.textChanged.connect(lambda _t: self._search_timer.start())
        layout.addLayout(_bar(
            _button(self, "登记家庭", self.new_household, writes=True, primary=True),
            _button(self, "档案", self.edit_household),
            _button(self, "删除", self.delete_household, writes=True),
            _button(self, "从 Excel 导入…", self.import_households, writes=True),
            _button(self, "保存导入模板…", self.save_template),
            _button(self, "导出花名册 Excel…", lambda: self.export_households("xlsx")),
            _button(self, "导出花名册 PDF…", lambda: self.export_households("pdf")), stretch_at=3))
        layout.addWidget(self.household_search)
        self.households = RowsModel([
            Col(H["head_name"], lambda h: h.head_name, width=90), Col(H["address"], lambda h: h.address, width=150),
            Col(H["size"], lambda h: h.size, "center", width=70), Col(H["phone"], lambda h: h.phone_masked, width=110),
            Col(H["grid"], lambda h: h.grid, width=100), Col("登记成员", lambda h: h.members, "center", width=70),
            Col(H["remarks"], lambda h: h.remarks, tooltip=lambda h: h.remarks)])
        self.households_view = read_only_table(self.households)
        self.households_view.doubleClicked.connect(lambda _i: self.edit_household())
        EmptyHint(self.households_view, lambda: self.tr(
            "还没有登记家庭。\n点「登记家庭」逐户登记，或「从 Excel 导入…」（先「保存导入模板…」照着填）。一个住址只登记一户。")
            if not self.household_search.text().strip() else self.tr("没有找到符合条件的家庭。"))
        layout.addWidget(self.households_view, 1)
        self.households_summary = QLabel()
        layout.addWidget(self.households_summary)
        return page

    # --- loading ----------------------------------------------------------------------------------
    def reload(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.reload_households()
        else:
            self.reload_campaigns()

    def reload_campaigns(self, select: int | None = None) -> None:
        current = select if select is not None else self._campaign_id()
        with self.ws.read() as session:
            rows = cs.list_campaigns(session)
        self.campaign_list.blockSignals(True)
        self.campaign_list.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.title}\n{row.stage_label}阶段 · 推荐 {row.nominations} 户"
                                   + (f" · 当选 {row.chosen} 户" if row.chosen else "") + (" · 已归档" if row.filed else ""))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.campaign_list.addItem(item)
        self.campaign_list.blockSignals(False)
        self.campaign_hint.update_hint()
        index = next((i for i, r in enumerate(rows) if r.id == current), 0 if rows else -1)
        self.campaign_list.setCurrentRow(index)
        self.show_campaign()

    def _campaign_id(self) -> int | None:
        item = self.campaign_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def show_campaign(self) -> None:
        campaign_id = self._campaign_id()
        if campaign_id is None:
            self.detail = None
        else:
            with self.ws.read() as session:
                self.detail = cs.get_campaign(session, campaign_id)
        d = self.detail
        self.flow.show_stage(d.row.stage if d else None)
        for button in (self.advance_button, self.back_button):
            button.setVisible(d is not None)
        if d is None:
            self.campaign_title.setText(self.tr("选择或新建一项评选"))
            self.needs.clear()
            for model in (self.nominations, self.objections, self.chosen, self.activities):
                model.set_rows([])
            self._fill_review()
            self.notice_label.clear()
            self.commend_label.clear()
            return
        self.campaign_title.setText(f"{d.row.title}（{d.row.kind} · {d.row.year} 年 · "
                                    f"{rules.REVIEW_METHOD_LABELS[d.draft.review_method]}）"
                                    + (self.tr(" · 已归档 {0}").format(d.row.filed) if d.row.filed else ""))
        target = d.next_stage
        if target is None:
            self.needs.setText(self.tr("评选已完成全部阶段。"))
            self.advance_button.setVisible(False)
        else:
            self.advance_button.setText(self.tr("进入「{0}」").format(rules.STAGE_LABELS[target]))
            if d.needs:
                self.needs.setText(self.tr("进入「{0}」还需要：").format(rules.STAGE_LABELS[target]) + "；".join(d.needs))
                self.needs.setStyleSheet("color: #b9770e;")
            else:
                self.needs.setText(self.tr("可以进入「{0}」阶段。").format(rules.STAGE_LABELS[target]))
                self.needs.setStyleSheet("color: #1e8449;")
        self.back_button.setEnabled(d.row.stage is not Stage.MOBILIZE and not d.row.filed)  # a filed campaign stays
        self.nominations.set_rows(d.nominations)
        self._fill_review()
        self.objections.set_rows(d.objections)
        if d.row.notice_start and d.row.notice_end:
            days = f"{d.notice_days} 个{'工作日' if d.notice_workdays else '自然日'}"
            state = "（进行中）" if d.row.stage is Stage.NOTICE and not rules.notice_over(d.row.notice_end, date.today()) \
                else ""
            self.notice_label.setText(self.tr("公示期：{0}至{1}，共 {2}{3}。公示名单 {4} 户。").format(
                cn_date(d.row.notice_start), cn_date(d.row.notice_end), days, state, len(d.chosen)))
        else:
            self.notice_label.setText(self.tr("评议确定当选家庭后，点上方「进入「公示」」开始公示：公示期按「评选设置」计算（默认 7 天）。"))
        self.chosen.set_rows(d.chosen if rules.reached(d.row.stage, Stage.NOTICE) else [])
        self.commend_label.setText(
            self.tr("表彰日期：{0}。共 {1} 户。").format(cn_date(d.row.commended_on), len(d.chosen)) if d.row.commended_on
            else self.tr("公示期满、异议处理完后进入「表彰」，即可打印每户一页的证书。"))
        self.activities.set_rows(d.activities)

    def _total_text(self, n: cs.NominationRow) -> str:
        if self.detail is not None and self.detail.draft.review_method is ReviewMethod.VOTE:
            return f"同意 {n.votes_for}"
        return "" if n.score is None else f"{n.score:g}"

    def _fill_review(self) -> None:
        d = self.detail
        reviewers = d.reviewers if d else []
        self.reviewers_label.setText(
            self.tr("评议小组：") + ("、".join(f"{r.name}（{r.role}）" if r.role else r.name for r in reviewers)
                                  if reviewers else self.tr("还没有成员")))
        marks, votes = {}, {}
        if d is not None:
            with self.ws.read() as session:
                marks, votes = cs.member_marks(session, d.row.id), cs.member_votes(session, d.row.id)
        by_vote = d is not None and d.draft.review_method is ReviewMethod.VOTE
        criteria = len(d.draft.criteria) if d else 0

        def cell(reviewer: cs.ReviewerRow):  # type: ignore[no-untyped-def]
            def value(n: cs.NominationRow) -> str:
                if by_vote:
                    vote = votes.get((n.id, reviewer.id))
                    return rules.VOTE_LABELS[vote] if vote else "—"
                scored = marks.get((n.id, reviewer.id), {})
                if not scored:
                    return "—"
                total = f"{sum(scored.values()):g}"
                return total if len(scored) >= criteria else f"{total}（未评完）"
            return value

        columns = [Col("户主", lambda n: n.head_name, width=80), Col(H["address"], lambda n: n.household.address, width=120)]
        columns += [Col(r.name, cell(r), "center", width=90) for r in reviewers]
        columns += [Col("同意票" if by_vote else "平均分", self._total_text, "right", width=70),
                    Col("名次", lambda n: n.rank or "", "center", width=50),
                    Col("结果", lambda n: n.decision_label, "center", width=70),
                    Col("理由", lambda n: n.reason, tooltip=lambda n: n.reason)]
        self.review = RowsModel(columns, self)
        self.review.set_rows(d.nominations if d else [])
        self.review_view.setModel(self.review)
        for index, col in enumerate(columns):
            self.review_view.setColumnWidth(index, col.width)
        self.review_columns = reviewers

    def reload_households(self) -> None:
        with self.ws.read() as session:
            rows = hs.list_households(session, self.household_search.text())
            total = hs.count_households(session)
        self.households.set_rows(rows)
        shown = len(rows)
        self.households_summary.setText(self.tr("共 {0} 户").format(total) if shown == total
                                        else self.tr("找到 {0} 户（共 {1} 户）").format(shown, total))

    def show_record(self, table: str, record_id: int) -> bool:
        """Select this campaign, nomination (in its campaign) or household (MainWindow.show_record)."""
        if table == "households":
            self.tabs.setCurrentIndex(1)
            self.household_search.clear()
            self.reload_households()
            row = next((i for i, h in enumerate(self.households.rows) if h.id == record_id), -1)
            if row >= 0:
                self.households_view.selectRow(row)
            return row >= 0
        if table not in ("campaigns", "nominations"):
            return False
        campaign_id: int | None = record_id
        if table == "nominations":
            with self.ws.read() as session:
                campaign_id = next((c.id for c in cs.list_campaigns(session)
                                    if any(n.id == record_id for n in cs.get_campaign(session, c.id).nominations)), None)
        self.tabs.setCurrentIndex(0)
        self.reload_campaigns(select=campaign_id)
        if campaign_id is None or self._campaign_id() != campaign_id:
            return False
        if table == "nominations":
            self.parts.setCurrentIndex(0)
            row = next((i for i, n in enumerate(self.nominations.rows) if n.id == record_id), -1)
            if row >= 0:
                self.nominations_view.selectRow(row)
        return True

    # --- campaign actions -------------------------------------------------------------------------
    def _require_campaign(self) -> cs.CampaignDetail | None:
        if self.detail is None:
            self.status.setText(self.tr("请先在左侧选择一项评选。"))
        return self.detail

    def _selected(self, view: QTableView, model: RowsModel):  # type: ignore[no-untyped-def]
        index = view.currentIndex()
        if not index.isValid() or index.row() >= len(model.rows):
            self.status.setText(self.tr("请先在表中选中一行。"))
            return None
        return model.row(index.row())

    def _done(self, message: str, select: int | None = None) -> None:
        self.status.setText(message)
        self.reload_campaigns(select)
        self.changed.emit()

    def new_campaign(self) -> None:
        dialog = CampaignDialog(self.ws, None, self)
        if run_dialog(dialog):
            self._done(self.tr("已新建评选。下一步：定好标准和名额后点「进入「推荐」」。"), dialog.saved_id)

    def edit_campaign(self) -> None:
        if (d := self._require_campaign()) is not None and run_dialog(CampaignDialog(self.ws, d.row.id, self)):
            self._done(self.tr("已保存评选。"))

    def delete_campaign(self) -> None:
        d = self._require_campaign()
        if d is None or not messages.confirm(self, self.tr("删除评选"), self.tr(
                "删除「{0}」及其推荐名单、评分、异议记录？\n关联的活动仍保留在活动台账中。删除后可在「回收站」恢复。")
                .format(d.row.title), self.tr("删除")):
            return
        write_or_show(self, self.ws, lambda s: cs.delete_campaign(s, d.row.id),
                      lambda: self._done(self.tr("已删除「{0}」，可在回收站恢复。").format(d.row.title)))

    def edit_settings(self) -> None:
        if run_dialog(FamilySettingsDialog(self.ws, self)):
            self._done(self.tr("已保存评选设置。"))

    def advance(self) -> None:
        d = self._require_campaign()
        if d is None or d.next_stage is None:
            return
        target = d.next_stage
        on = None
        if target in (Stage.NOTICE, Stage.COMMEND) and not d.needs:
            on = ask_stage_date(self, self.ws, d, target)
            if on is None:
                return
        write_or_show(self, self.ws, lambda s: cs.advance_stage(s, d.row.id, on=on),
                      lambda: self._done(self.tr("「{0}」已进入{1}阶段。").format(d.row.title, rules.STAGE_LABELS[target])))

    def step_back(self) -> None:
        d = self._require_campaign()
        if d is None:
            return
        reason = ask_text(self, self.tr("退回上一阶段"), self.tr("退回原因（记入操作日志）："))
        if reason is None:
            return
        write_or_show(self, self.ws, lambda s: cs.step_back(s, d.row.id, reason),
                      lambda: self._done(self.tr("已退回上一阶段。")))

    def add_nomination(self) -> None:
        if (d := self._require_campaign()) is None:
            return
        if d.row.stage is not Stage.NOMINATE:
            self.status.setText(self.tr("现在是{0}阶段；推荐家庭只能在推荐阶段进行。").format(d.row.stage_label))
            return
        if run_dialog(NominationDialog(self.ws, d.row.id, None, self)):
            self._done(self.tr("已推荐。"))

    def edit_nomination(self) -> None:
        d = self._require_campaign()
        n = self._selected(self.nominations_view, self.nominations) if d else None
        if d is None or n is None:
            return
        if d.row.stage is not Stage.NOMINATE:
            self.status.setText(self.tr("推荐阶段已结束，推荐内容不能再改；如确需修改，请先退回到推荐阶段。"))
            return
        if run_dialog(NominationDialog(self.ws, d.row.id, n.id, self)):
            self._done(self.tr("已保存推荐。"))

    def remove_nomination(self) -> None:
        d = self._require_campaign()
        n = self._selected(self.nominations_view, self.nominations) if d else None
        if d is None or n is None or not messages.confirm(self, self.tr("删除推荐"), self.tr(
                "把「{0}」从推荐名单中删除？可在「回收站」恢复。").format(n.family_name), self.tr("删除")):
            return
        write_or_show(self, self.ws, lambda s: cs.remove_nomination(s, n.id),
                      lambda: self._done(self.tr("已删除推荐，可在回收站恢复。")))

    def add_reviewer(self) -> None:
        if (d := self._require_campaign()) is None:
            return
        text = ask_text(self, self.tr("添加评议小组成员"), self.tr("姓名（身份可写在括号里，如 周敏（居民代表））："))
        if not text:
            return
        name, _, role = text.replace("(", "（").replace(")", "）").partition("（")
        write_or_show(self, self.ws, lambda s: cs.add_reviewer(s, d.row.id, name, role.rstrip("）")),
                      lambda: self._done(self.tr("已添加评议小组成员。")))

    def remove_reviewer(self) -> None:
        d = self._require_campaign()
        if d is None or not d.reviewers:
            return
        names = [r.name for r in d.reviewers]
        name, ok = QInputDialog.getItem(self, self.tr("移出评议小组"), self.tr("成员（其评分和投票一并删除）："), names, 0, False)
        if not ok:
            return
        reviewer = d.reviewers[names.index(name)]
        write_or_show(self, self.ws, lambda s: cs.remove_reviewer(s, reviewer.id),
                      lambda: self._done(self.tr("已把{0}移出评议小组。").format(name)))

    def mark(self) -> None:
        d = self._require_campaign()
        n = self._selected(self.review_view, self.review) if d else None
        if d is None or n is None:
            return
        column = self.review_view.currentIndex().column() - 2
        if not 0 <= column < len(self.review_columns):
            self.status.setText(self.tr("请选中这一户在某位评议小组成员下面的格子。"))
            return
        reviewer = self.review_columns[column]
        if d.draft.review_method is ReviewMethod.VOTE:
            labels = list(rules.VOTE_LABELS.values())
            label, ok = QInputDialog.getItem(self, self.tr("{0}投票").format(reviewer.name), n.family_name, labels, 0, False)
            if ok:
                vote = next(v for v, text in rules.VOTE_LABELS.items() if text == label)
                write_or_show(self, self.ws, lambda s: cs.record_vote(s, n.id, reviewer.id, vote),
                              lambda: self._done(self.tr("已记录投票。")))
        elif run_dialog(ScoreDialog(self.ws, d, n, reviewer, self)):
            self._done(self.tr("已记录评分。"))

    def decide(self, decision: Decision) -> None:
        d = self._require_campaign()
        n = self._selected(self.review_view, self.review) if d else None
        if d is None or n is None:
            return
        reason = ""
        if decision is Decision.NOT_CHOSEN:
            text = ask_text(self, self.tr("未当选"), self.tr("「{0}」未当选的理由（留档，不公开）：").format(n.family_name),
                            n.reason)
            if text is None:
                return
            reason = text
        write_or_show(self, self.ws, lambda s: cs.decide(s, n.id, decision, reason),
                      lambda: self._done(self.tr("已确定「{0}」{1}。").format(n.family_name, rules.DECISION_LABELS[decision])))

    def decide_by_rank(self) -> None:
        d = self._require_campaign()
        if d is None or not d.nominations:
            return
        places = ask_number(self, self.tr("按名次确定当选"), self.tr("前几名当选（并列的一同当选）："),
                            max(1, len(d.nominations) // 2), len(d.nominations))
        if places is None:
            return
        write_or_show(self, self.ws, lambda s: cs.decide_by_rank(s, d.row.id, places),
                      lambda: self._done(self.tr("已按名次确定当选家庭，其余记为未当选（理由为名次和得分）。")))

    def add_objection(self) -> None:
        if (d := self._require_campaign()) is None:
            return
        if d.row.stage is not Stage.NOTICE:
            self.status.setText(self.tr("公示异议只能在公示阶段登记。"))
            return
        if run_dialog(ObjectionDialog(self.ws, d, self)):
            self._done(self.tr("已登记异议。核实后请点「处理异议…」。"))

    def settle_objection(self) -> None:
        d = self._require_campaign()
        o = self._selected(self.objections_view, self.objections) if d else None
        if d is None or o is None:
            return
        if o.outcome is not Outcome.OPEN:
            self.status.setText(self.tr("这条异议已处理：{0}").format(o.outcome_label))
            return
        if run_dialog(SettleDialog(self.ws, o, self)):
            self._done(self.tr("已记录异议的处理结果。"))

    def new_activity(self) -> None:
        from huiquan_desk.ui.activity_dialog import ActivityDialog

        if (d := self._require_campaign()) is None:
            return
        activity_id = ActivityDialog.ask(self.ws, None, self)
        if activity_id is not None:
            write_or_show(self, self.ws, lambda s: cs.link_activity(s, d.row.id, activity_id),
                          lambda: self._done(self.tr("已记下活动并关联到本次评选。")))

    def link_activity(self) -> None:
        if (d := self._require_campaign()) is None:
            return
        with self.ws.read() as session:
            linked = {x.id for x in d.activities}
            rows = [a for a in list_activities(session, ActivityFilter.year(d.row.year)) if a.id not in linked]
        if not rows:
            self.status.setText(self.tr("{0} 年没有可关联的活动。").format(d.row.year))
            return
        labels = [f"{a.start:%Y-%m-%d} {a.title}" for a in rows]
        label, ok = QInputDialog.getItem(self, self.tr("关联已有活动"), self.tr("活动："), labels, 0, False)
        if ok:
            activity = rows[labels.index(label)]
            write_or_show(self, self.ws, lambda s: cs.link_activity(s, d.row.id, activity.id),
                          lambda: self._done(self.tr("已关联「{0}」。").format(activity.title)))

    def unlink_activity(self) -> None:
        d = self._require_campaign()
        a = self._selected(self.activities_view, self.activities) if d else None
        if d is None or a is None:
            return
        write_or_show(self, self.ws, lambda s: cs.unlink_activity(s, d.row.id, a.id),
                      lambda: self._done(self.tr("已取消关联；活动仍在活动台账中。")))

    # --- prints -----------------------------------------------------------------------------------
    def _exported(self, what: str, rows: str) -> Callable[[int, Path], None]:
        """What to do once `what` is written: say so on the status line and in the after-export bar."""
        def done(count: int, path: Path) -> None:
            text = self.tr("已导出{0}，共 {1} {2}。").format(what, count, rows)
            self.status.setText(text)
            self.after_export.show_file(path, text)
        return done

    def _export(self, key: str, params: LedgerParams, fmt: str) -> None:
        entry = LEDGERS[key]
        export_in_background(self, self.ws, key, params, fmt, done=self._exported(entry.title, entry.rows))

    def export_campaign(self, key: str, fmt: str) -> None:
        if (d := self._require_campaign()) is not None:
            self._export(key, LedgerParams(campaign_id=d.row.id), fmt)

    def export_families(self) -> None:
        self._export("families", LedgerParams(), "xlsx")

    def export_households(self, fmt: str) -> None:
        self._export("households", LedgerParams(text=self.household_search.text()), fmt)

    def print_notice(self) -> None:
        self._print_document("notice")

    def print_plaques(self) -> None:
        self._print_document("plaques")

    def _print_document(self, key: str) -> None:
        """The notice or the certificates: refused with the reason before the save dialog when the
        campaign has not reached the stage or has no household chosen; written off the GUI thread."""
        if (d := self._require_campaign()) is None:
            return
        try:
            with self.ws.read() as session:
                fp.gather(session, key, d.row.id)
        except ValidationError as err:
            messages.show_error(self, err)
            return
        what = fp.PRINTS[key].what
        path = ask_save_path(self, what, fp.file_name(key, d.row.title), "pdf")
        if path is None:
            return
        Task(self, self.tr("正在导出{0}…").format(what), lambda _progress: fp.export_family_print(self.ws, key, d.row.id, path),
             lambda count: self._exported(what, self.tr("户家庭"))(count, path), lambda err: messages.show_error(self, err))

    # --- household actions ------------------------------------------------------------------------
    def _household(self) -> hs.HouseholdRow | None:
        return self._selected(self.households_view, self.households)

    def new_household(self) -> None:
        if HouseholdDialog.ask(self.ws, None, self) is not None:
            self.status.setText(self.tr("已登记。"))
            self.reload_households()

    def edit_household(self) -> None:
        if (h := self._household()) is not None and HouseholdDialog.ask(self.ws, h.id, self) is not None:
            self.status.setText(self.tr("已保存「{0}」家的档案。").format(h.head_name))
            self.reload_households()

    def delete_household(self) -> None:
        h = self._household()
        if h is None or not messages.confirm(self, self.tr("删除家庭"), self.tr(
                "删除「{0}」家（{1}）及其成员登记？可在「回收站」恢复。").format(h.head_name, h.address), self.tr("删除")):
            return
        write_or_show(self, self.ws, lambda s: hs.delete_household(s, h.id), lambda: (
            self.status.setText(self.tr("已删除「{0}」家，可在回收站恢复。").format(h.head_name)), self.reload_households()))

    def import_households(self) -> None:
        from huiquan_desk.ui.import_dialog import ImportDialog

        path = ask_open_path(self, self.tr("导入家庭花名册"), "xlsx")
        if path is None:
            return
        dialog = ImportDialog(self.ws, path, self, kind="households")
        dialog.imported.connect(lambda n: (self.status.setText(self.tr("已导入 {0} 户家庭。").format(n)),
                                           self.reload_households()))
        dialog.exec()

    def save_template(self) -> None:
        from huiquan_desk.services.imports import import_entry

        entry = import_entry("households")
        path = ask_save_path(self, self.tr("保存导入模板"), entry.template_name, "xlsx")
        if path is None:
            return
        try:
            with self.ws.read() as session:
                entry.template(session, path)
        except Exception as err:  # noqa: BLE001 - any failure is shown, never lost
            messages.show_error(self, err)
            return
        text = self.tr("已保存导入模板：照「填写说明」填好后，点「从 Excel 导入…」导入。")
        self.status.setText(text)
        self.after_export.show_file(path, text)
