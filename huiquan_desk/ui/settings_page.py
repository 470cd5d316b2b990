"""Settings: the community profile (名称, 街道/镇, 全宗号, 负责人, 填表人, 电话), the category tree, and the
archive settings (门类代码表, 保管期限表, 检测周期)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain import archives as archive_rules
from huiquan_desk.domain.errors import HuiquanError, ValidationError
from huiquan_desk.services import categories as category_service
from huiquan_desk.services.permissions import Role
from huiquan_desk.services.settings import (
    ARCHIVE_CATEGORY_CODES,
    FIXITY_DAYS,
    PROFILE_LABELS,
    RETENTION_RULES,
    CommunityProfile,
    get_profile,
    get_setting,
    save_profile,
    set_setting,
)
from huiquan_desk.services.workspace import Workspace
from huiquan_desk.ui import messages
from huiquan_desk.ui.messages import ask_text
from huiquan_desk.ui.widgets import FieldForm, mark_writes


class SettingsPage(QWidget):
    profile_saved = Signal()
    categories_changed = Signal()
    backup_requested = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        layout = QHBoxLayout(self)

        # A short title, the explanation wrapped under it: a group title never wraps, and this one
        # was cut off beside the category tree on a 1280-pixel-wide screen.
        profile_box = QGroupBox(self.tr("社区信息"))
        box_layout = QVBoxLayout(profile_box)
        printed = QLabel(self.tr("名称、街道/镇、全宗号印在每份台账的表头；负责人、填表人、电话印在证明上。"))
        printed.setWordWrap(True)
        box_layout.addWidget(printed)
        self.form = FieldForm()
        box_layout.addLayout(self.form)
        self.fields: dict[str, QLineEdit] = {}
        hints = {"name": "如：惠泉社区", "street": "如：惠泉镇", "fonds_code": "4 位，如 0194",
                 "leader": "社区负责人（证明上的负责人）", "preparer": "台账填表人（证明上的经办人）",
                 "phone": "如：0591-87654321（证明上的联系方式）"}
        for key, label in PROFILE_LABELS.items():
            edit = QLineEdit()
            edit.setPlaceholderText(hints[key])
            self.fields[key] = self.form.add(label, edit, required=key == "name")
        self.save_button = QPushButton(self.tr("保存社区信息"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save_profile)
        self.saved_label = QLabel()
        box_layout.addWidget(self.save_button, alignment=Qt.AlignmentFlag.AlignLeft)
        box_layout.addWidget(self.saved_label)
        safety = QLabel(self.tr("数据每天第一次打开时自动备份到数据文件夹；也可以随时备份到 U 盘，或从备份恢复。"))
        safety.setWordWrap(True)
        backup = QPushButton(self.tr("备份与恢复…"))
        backup.clicked.connect(self.backup_requested)
        box_layout.addSpacing(16)
        box_layout.addWidget(safety)
        box_layout.addWidget(backup, alignment=Qt.AlignmentFlag.AlignLeft)
        box_layout.addStretch(1)
        layout.addWidget(profile_box, 1)

        tree_box = QGroupBox(self.tr("活动类别（默认取自惠泉社区文明创建工作计划）"))
        tree_layout = QVBoxLayout(tree_box)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        tree_layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        for text, slot in ((self.tr("添加大类"), self.add_top), (self.tr("添加子类"), self.add_child),
                           (self.tr("改名"), self.rename), (self.tr("删除"), self.delete)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            mark_writes(button)
        mark_writes(self.save_button)
        tree_layout.addLayout(buttons)
        layout.addWidget(tree_box, 1)
        layout.addWidget(self._archive_box(), 1)
        self.load()

    def _archive_box(self) -> QGroupBox:
        """档案: the 门类代码表, the 保管期限表 filing proposes periods from, and how often the archived
        files are checked (admins only, like every setting)."""
        box = QGroupBox(self.tr("档案"))
        box_layout = QVBoxLayout(box)
        self.archive_form = FieldForm()
        self.archive_form.setRowWrapPolicy(FieldForm.RowWrapPolicy.WrapAllRows)  # labels above: a narrow column
        box_layout.addLayout(self.archive_form)
        self.archive_codes = self.archive_form.add(ARCHIVE_CATEGORY_CODES.label, QPlainTextEdit())
        self.archive_codes.setPlaceholderText(self.tr("每行一个：代码 名称，如 WS 文书"))
        self.archive_codes.setFixedHeight(90)
        self.archive_codes.setTabChangesFocus(True)
        self.retention_rules = self.archive_form.add(RETENTION_RULES.label, QPlainTextEdit())
        self.retention_rules.setPlaceholderText(self.tr("每行一条：类别 = 期限，如 传统节日 = D10"))
        self.retention_rules.setMinimumHeight(120)
        self.retention_rules.setTabChangesFocus(True)
        self.fixity_days = self.archive_form.add(FIXITY_DAYS.label, QSpinBox())
        self.fixity_days.setRange(0, 366)
        self.fixity_days.setSuffix(self.tr(" 天"))
        note = QLabel(self.tr("期限写 Y（永久）、D30（定期30年）或 D10（定期10年）；活动按所属类别（就近的上级类别）建议，"
                              "评选按「评选表彰」，其余按「其他」。归档时可逐项改，改过的不再按此表变动。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6b76;")
        box_layout.addWidget(note)
        for error in self.archive_form.errors.values():  # a message naming a line fits the column
            error.setWordWrap(True)
        self.archive_button = QPushButton(self.tr("保存档案设置"))
        self.archive_button.clicked.connect(self.save_archive_settings)
        mark_writes(self.archive_button)
        self.archive_saved = QLabel()
        box_layout.addWidget(self.archive_button, alignment=Qt.AlignmentFlag.AlignLeft)
        box_layout.addWidget(self.archive_saved)
        if self.ws.role != Role.ADMIN:
            for widget in (self.archive_codes, self.retention_rules, self.fixity_days, self.archive_button):
                widget.setEnabled(False)
                widget.setToolTip(self.tr("只有管理员可以修改档案设置"))
        return box

    def load_archive_settings(self) -> None:
        with self.ws.read() as session:
            codes = get_setting(session, ARCHIVE_CATEGORY_CODES)
            rules = get_setting(session, RETENTION_RULES)
            days = get_setting(session, FIXITY_DAYS)
        self.archive_codes.setPlainText("\n".join(f"{code} {name}" for code, name in codes.items()))
        self.retention_rules.setPlainText(archive_rules.dump_retention_rules(rules))
        self.fixity_days.setValue(days)

    def save_archive_settings(self) -> bool:
        self.archive_form.clear_errors()
        self.archive_saved.clear()
        values = {}
        for option, edit, parse in ((ARCHIVE_CATEGORY_CODES, self.archive_codes, parse_category_codes),
                                    (RETENTION_RULES, self.retention_rules, archive_rules.parse_retention_rules)):
            try:
                values[option.key] = parse(edit.toPlainText())
            except ValueError as err:
                self.archive_form.show_error(option.label, str(err))
        if len(values) < 2:
            return False
        if not values[RETENTION_RULES.key]:
            self.archive_form.show_error(RETENTION_RULES.label, self.tr("至少写一条，如 其他 = D10"))
            return False
        try:
            with self.ws.write() as session:
                set_setting(session, ARCHIVE_CATEGORY_CODES, values[ARCHIVE_CATEGORY_CODES.key])
                set_setting(session, RETENTION_RULES, values[RETENTION_RULES.key])
                set_setting(session, FIXITY_DAYS, self.fixity_days.value())
        except HuiquanError as err:
            messages.show_error(self, err)
            return False
        self.load_archive_settings()
        self.archive_saved.setText(self.tr("已保存。"))
        return True

    def load(self) -> None:
        with self.ws.read() as session:
            profile = get_profile(session)
            nodes = category_service.list_categories(session)
        for key, edit in self.fields.items():
            edit.setText(getattr(profile, key))
        self._fill_tree(nodes)
        self.load_archive_settings()

    def _fill_tree(self, nodes: list[category_service.CategoryNode]) -> None:
        self.tree.clear()
        items: dict[int, QTreeWidgetItem] = {}
        for node in nodes:
            parent = items.get(node.parent_id) if node.parent_id else None
            item = QTreeWidgetItem([node.name])
            item.setData(0, Qt.ItemDataRole.UserRole, node.id)
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            items[node.id] = item
        self.tree.expandAll()

    def profile(self) -> CommunityProfile:
        return CommunityProfile(**{key: edit.text() for key, edit in self.fields.items()})

    def save_profile(self) -> bool:
        if not messages.write_from_form(self, self.ws, self.form, lambda session: save_profile(session, self.profile())):
            return False
        self.ws.refresh_operator()  # without accounts, the 填表人 is who the trail names
        self.saved_label.setText(self.tr("已保存。"))
        self.profile_saved.emit()
        return True

    # --- categories ---------------------------------------------------------------------------
    def selected_category(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def _category_write(self, action) -> None:
        try:
            with self.ws.write() as session:
                action(session)
                nodes = category_service.list_categories(session)
        except HuiquanError as err:
            messages.show_error(self, err)
            return
        self._fill_tree(nodes)
        self.categories_changed.emit()

    def add_top(self) -> None:
        name = ask_text(self, self.tr("添加大类"), self.tr("类别名称"))
        if name is not None:
            self._category_write(lambda s: category_service.add_category(s, name, None))

    def add_child(self) -> None:
        parent = self.selected_category()
        if parent is None:
            messages.show_error(self, ValidationError.single("类别", "请先在右侧「活动类别」中点选上级类别"))
            return
        name = ask_text(self, self.tr("添加子类"), self.tr("类别名称"))
        if name is not None:
            self._category_write(lambda s: category_service.add_category(s, name, parent))

    def rename(self) -> None:
        category_id = self.selected_category()
        if category_id is None:
            return
        name = ask_text(self, self.tr("改名"), self.tr("新名称"), self.tree.currentItem().text(0))
        if name is not None:
            self._category_write(lambda s: category_service.rename_category(s, category_id, name))

    def delete(self) -> None:
        category_id = self.selected_category()
        if category_id is None:
            return
        name = self.tree.currentItem().text(0)
        if messages.confirm(self, self.tr("删除类别"), self.tr("确定删除类别「{0}」？").format(name), self.tr("删除")):
            self._category_write(lambda s: category_service.delete_category(s, category_id))


def parse_category_codes(text: str) -> dict[str, str]:
    """The 门类代码表 as typed, one a line: 「WS 文书」; ValueError naming the line for anything else.
    WS (文书) must stay: filed records go there."""
    codes: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        code, _sep, name = line.replace("=", " ").replace("＝", " ").replace("\u3000", " ").partition(" ")
        code, name = code.strip().upper(), name.strip()
        if not name or archive_rules.category_problem(code, {code: name}):
            raise ValueError(f"第 {number} 行「{line[:30]}」应写成 代码 名称，代码为 2 个大写字母，如 WS 文书")
        if code in codes:
            raise ValueError(f"第 {number} 行：代码 {code} 重复")
        codes[code] = name
    if archive_rules.DEFAULT_CATEGORY not in codes:
        raise ValueError(f"必须保留 {archive_rules.DEFAULT_CATEGORY} 文书：从活动和评选归档的文件归入文书")
    return codes
