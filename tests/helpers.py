"""Small builders shared by tests (real files, real database)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PIL import Image

from huiquan_desk.domain.activity import ActivityDraft
from huiquan_desk.services.categories import list_categories, resolve_category


def make_image(path: Path, color: str = "orange", size: tuple[int, int] = (64, 48)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)
    return path


def category_id(session, name: str = "传统节日") -> int:  # type: ignore[no-untyped-def]
    node = resolve_category(list_categories(session), name)
    assert node is not None, name
    return node.id


def draft(session, **overrides) -> ActivityDraft:  # type: ignore[no-untyped-def]
    values = dict(
        title="重阳节敬老爱老活动", category_id=category_id(session), start=datetime(2026, 10, 18, 9, 0),
        end=datetime(2026, 10, 18, 11, 30), place="惠泉社区活动室", organizer="惠泉社区居委会", leader="王堃",
        participants=45, content="为辖区 80 岁以上老人送去重阳糕，志愿者陪老人聊天、理发。", remarks="居民反映良好",
    )
    values.update(overrides)
    return ActivityDraft(**values)
