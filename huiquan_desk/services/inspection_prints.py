"""The prints of inspection readiness that are documents rather than ledgers: the 督办单 of one
rectification (exports.supervision_order). The 整改台账 and 测评自查表 are entries of the ledger
registry (services.ledgers: `rectifications`, `checklist`).

A 督办单 names the problem and the committee's staff responsible, not residents: it is written
without an audit entry (as the archive prints), atomically (exports.layout.render).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from huiquan_desk.domain.assessment import Status
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.exports.supervision_order import Order, write_supervision_order
from huiquan_desk.services.assessment import get_item
from huiquan_desk.services.rectifications import RectificationRow, get_rectification
from huiquan_desk.services.settings import PROFILE_LABELS, get_profile

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

COMMITTEE_ENDINGS = ("居民委员会", "居委会")


def committee(session: Session) -> str:
    """惠泉社区居民委员会 from the community profile (the name as it is when it already ends so)."""
    name = get_profile(session).name
    if not name:
        raise ValidationError.single(PROFILE_LABELS["name"], "必须填写：督办单以社区居民委员会的名义督办。"
                                     "请在「设置 → 社区信息」填写（命令行：huiquan-desk profile set --name 惠泉社区）")
    return name if name.endswith(COMMITTEE_ENDINGS) else f"{name}居民委员会"


def supervision_order_of(session: Session, rectification_id: int,
                         today: date | None = None) -> tuple[RectificationRow, Order]:
    """The rectification and what its 督办单 says besides (the committee, the date, the item)."""
    row = get_rectification(session, rectification_id)
    if row.status == Status.VERIFIED.value:  # a 督办单 urges a rectification: a closed one needs none
        raise ValidationError.single("督办单", f"第 {row.id} 号问题「{row.problem[:30]}」已于 {row.verified_on:%Y-%m-%d} "
                                     f"验收，不再督办；要查它，请看整改台账")
    item = ""
    if row.item_id is not None:
        spec = get_item(session, row.item_id)
        item = f"{spec.code} {spec.project}·{spec.indicator}"
    return row, Order(committee(session), today or date.today(), item)


def order_file_name(row: RectificationRow) -> str:
    """What a save dialog suggests: 督办单_2026_第3号.pdf."""
    return f"督办单_{row.found_on.year}_第{row.id}号.pdf"


def export_supervision_order(ws: Workspace, rectification_id: int, path: Path, today: date | None = None) -> Path:
    """Write the 督办单 of a rectification to `path` (PDF); returns the path written."""
    path = Path(path)
    if path.suffix.lower() not in ("", ".pdf"):
        raise ValidationError.single("格式", "督办单只能导出为 PDF（文件名以 .pdf 结尾）")
    with ws.read() as session:
        row, order = supervision_order_of(session, rectification_id, today)
    return write_supervision_order(row, order, path)
