"""The 督办单 (supervision order) of one rectification, declared on the layout layer (exports.layout):
A4 portrait, the title 督办单, its number 「督〔2026〕第 3 号」 (the year found and the
rectification's id), a boxed form of 督办事项, 来源, 发现日期, 测评项目, 责任人, 整改时限, 整改要求,
督办单位 and 督办日期, a blank box for the 整改落实情况, the signature line 督办人 / 责任人 / 日期 and
the place for the committee's seal. A problem still open past its deadline on the 督办日期 says so
three times: 「已逾期 N 天」 in bold under the number, after the 整改时限, and in the 整改要求
(finish at once and explain the delay).

What is printed is read by attribute from what the service hands over: services.rectifications'
RectificationRow (id, problem, source_label, found_on, item_code, deduction, responsible, deadline,
status_label, is_overdue(day)) and an `Order` with what the row does not say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from huiquan_desk.domain.dates import cn_date
from huiquan_desk.exports.layout import (
    Document,
    LabelValue,
    Margins,
    Page,
    PageNumbers,
    Paragraph,
    SealPlace,
    SignatureLine,
    Spacer,
    Title,
    render,
)

ORDER_PAGE = Page(margins=Margins(top=25 * mm, right=22 * mm, bottom=22 * mm, left=26 * mm))
TITLE_SIZE = 26.0
TITLE_SPACING = 16.0
FORM_SIZE = 12.0
LABEL_WIDTH = 86.0  # 「整改落实情况」 on one line
SEAL = SealPlace("（盖章）", diameter=42 * mm, inset=18 * mm)


@dataclass(frozen=True)
class Order:
    """What the 督办单 says besides the rectification: who issues it, when, and the item's name."""

    committee: str  # 惠泉社区居民委员会: the 督办单位
    issued_on: date  # 督办日期
    item: str = ""  # 「WC-04 文明创建·问题整改」; '' when the problem is not tied to an item


def order_number(row: Any) -> str:
    """督〔2026〕第 3 号: the year the problem was found and the rectification's number."""
    return f"督〔{row.found_on.year}〕第 {row.id} 号"


def days_overdue(row: Any, day: date) -> int:
    """How many days an open rectification is past its deadline on `day` (0: it is not overdue)."""
    return (day - row.deadline).days if row.is_overdue(day) else 0


def overdue_text(days: int) -> str:
    return f"已逾期 {days} 天"


def requirement(row: Any, late: int = 0) -> str:
    """整改要求: by the deadline (at once, with the reason for the delay, when it is past), reported
    with before/after photos for 验收."""
    lost = f"本问题已扣 {row.deduction:g} 分。" if row.deduction else ""
    report = "整改完成后将整改情况（附整改前后照片）书面报社区居委会，由社区组织验收"
    if late:
        return (f"{lost}整改时限（{cn_date(row.deadline)}）已过，{overdue_text(late)}，请立即整改，"
                f"并书面说明逾期原因和完成日期；{report}。")
    by = f"请于{cn_date(row.deadline)}前完成整改" if row.deadline else "请尽快完成整改"
    by = f"{by}（本问题已扣 {row.deduction:g} 分）" if row.deduction else by
    return f"{by}，{report}；不能按时完成的，应在时限前说明原因和计划。"


def _form(*pairs: tuple[str, str], min_height: float = 27.0) -> LabelValue:
    return LabelValue(tuple(pairs), size=FORM_SIZE, label_width=LABEL_WIDTH, min_height=min_height)


def supervision_order(row: Any, order: Order) -> Document:
    """The 督办单 of `row` (a RectificationRow), one A4 page."""
    record = f"督办单（{order_number(row)}）"
    late = days_overdue(row, order.issued_on)
    deadline = cn_date(row.deadline) if row.deadline else "—"
    if late:
        deadline = f"{deadline}（{overdue_text(late)}）"
    return Document(
        page=ORDER_PAGE, page_numbers=PageNumbers(when="several"),
        title=f"督办单 {order_number(row)}", author=order.committee, subject=f"督办单：{row.problem[:40]}",
        record=record, overflow_advice="请精简问题描述后再打印督办单",
        blocks=[
            Title("督办单", size=TITLE_SIZE, letter_spacing=TITLE_SPACING, space_after=8),
            Paragraph(order_number(row), size=FORM_SIZE, align="right", space_after=6, keep_with_next=True),
            *([Paragraph(f"【{overdue_text(late)}】截至督办日期，本问题已超过整改时限仍未整改完成。", size=FORM_SIZE,
                         bold=True, space_after=6, keep_with_next=True)] if late else []),
            _form(("督办事项", row.problem), min_height=60),
            _form(("来源", row.source_label), ("发现日期", cn_date(row.found_on))),
            _form(("测评项目", order.item or "—")),
            _form(("责任人", row.responsible or "—"), ("整改时限", deadline)),
            _form(("整改要求", requirement(row, late)), min_height=54),
            _form(("督办单位", order.committee), ("督办日期", cn_date(order.issued_on))),
            _form(("整改落实情况", ""), min_height=110),
            Spacer(height=10),
            SignatureLine(("督办人", ("责任人", row.responsible) if row.responsible else "责任人", "日期"),
                          size=FORM_SIZE, blank=80, gap=22, space_before=6),
            SEAL,
        ],
    )


def write_supervision_order(row: Any, order: Order, path: Path) -> Path:
    return render(supervision_order(row, order), path)
