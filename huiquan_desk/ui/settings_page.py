"""Settings: the community profile (名称, 街道/镇, 全宗号, 负责人, 填表人, 电话) and the category tree."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from huiquan_desk.domain.errors import HuiquanError, ValidationError
from huiquan_desk.services import categories as category_service
from huiquan_desk.services.settings import PROFILE_LABELS, CommunityProfile, get_profile, save_profile
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
        self.load()

    def load(self) -> None:
        with self.ws.read() as session:
            profile = get_profile(session)
            nodes = category_service.list_categories(session)
        for key, edit in self.fields.items():
            edit.setText(getattr(profile, key))
        self._fill_tree(nodes)

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
