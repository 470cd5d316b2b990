"""The activity category tree (default from the 惠泉社区 plan, editable by the user)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from huiquan_desk.domain.errors import NotFoundError, ValidationError
from huiquan_desk.domain.text import clean, text_problem
from huiquan_desk.services.accounts import require_admin
from huiquan_desk.storage.models import Activity, Category

FESTIVAL_CATEGORY = "传统节日"
NAME_LABEL = "类别名称"
NAME_LIMIT = 60  # the column's width


@dataclass(frozen=True)
class CategoryNode:
    id: int
    parent_id: int | None
    name: str
    path: str  # 社会环境/传统节日
    depth: int
    sort_order: int


def list_categories(session: Session) -> list[CategoryNode]:
    """All categories in tree order (parents before their children)."""
    rows = session.execute(
        select(Category.id, Category.parent_id, Category.name, Category.sort_order).order_by(
            Category.sort_order, Category.id
        )
    ).all()
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    out: list[CategoryNode] = []

    def walk(parent: int | None, prefix: str, depth: int) -> None:
        for row in children.get(parent, []):
            path = f"{prefix}/{row.name}" if prefix else row.name
            out.append(CategoryNode(row.id, row.parent_id, row.name, path, depth, row.sort_order))
            walk(row.id, path, depth + 1)

    walk(None, "", 0)
    return out


def subtree_ids(session: Session, category_id: int) -> list[int]:
    nodes = list_categories(session)
    wanted = {category_id}
    for node in nodes:  # tree order: a parent is always seen before its children
        if node.parent_id in wanted:
            wanted.add(node.id)
    return sorted(wanted)


def resolve_category(nodes: list[CategoryNode], text: str) -> CategoryNode | None:
    """Find a category by its full path ("社会环境/传统节日") or its own name when unique."""
    text = clean(text).replace("／", "/").replace("\\", "/")
    if not text:
        return None
    for node in nodes:
        if node.path == text:
            return node
    named = [node for node in nodes if node.name == text]
    if len(named) == 1:
        return named[0]
    return None


def _under(parent_id: int | None) -> ColumnElement[bool]:
    return Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id


def _check_name(session: Session, name: str, parent_id: int | None, exclude: int | None = None) -> str:
    name = clean(name)
    if not name:
        raise ValidationError.single(NAME_LABEL, "必须填写")
    if why := text_problem(name, NAME_LIMIT):
        raise ValidationError.single(NAME_LABEL, why)
    if "/" in name:
        raise ValidationError.single(NAME_LABEL, "不能包含「/」")
    query = select(Category.id).where(Category.name == name, _under(parent_id))
    if exclude is not None:
        query = query.where(Category.id != exclude)
    if session.scalar(query) is not None:
        raise ValidationError.single(NAME_LABEL, f"同一级已有「{name}」")
    return name


def add_category(session: Session, name: str, parent_id: int | None = None) -> CategoryNode:
    require_admin(session, "修改活动类别")
    if parent_id is not None and session.get(Category, parent_id) is None:
        raise NotFoundError("上级类别不存在，可能已被删除。")
    name = _check_name(session, name, parent_id)
    last = session.scalar(select(func.max(Category.sort_order)).where(_under(parent_id)))
    category = Category(name=name, parent_id=parent_id, sort_order=(last or 0) + 1)
    session.add(category)
    session.flush()
    return next(n for n in list_categories(session) if n.id == category.id)


def rename_category(session: Session, category_id: int, name: str) -> None:
    require_admin(session, "修改活动类别")
    category = session.get(Category, category_id)
    if category is None:
        raise NotFoundError("类别不存在，可能已被删除。")
    category.name = _check_name(session, name, category.parent_id, exclude=category_id)
    session.flush()


def delete_category(session: Session, category_id: int) -> None:
    require_admin(session, "修改活动类别")
    category = session.get(Category, category_id)
    if category is None:
        raise NotFoundError("类别不存在，可能已被删除。")
    if session.scalar(select(func.count()).select_from(Category).where(Category.parent_id == category_id)):
        raise ValidationError.single("类别", f"「{category.name}」下还有子类别，请先删除或移走子类别")
    used = session.scalar(select(func.count()).select_from(Activity).where(Activity.category_id == category_id))
    if used:
        raise ValidationError.single("类别", f"「{category.name}」已有 {used} 条活动使用，不能删除；可以改名")
    session.delete(category)
    session.flush()
