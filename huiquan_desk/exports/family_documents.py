"""The documents of a civic family campaign, declared on the layout layer (exports.layout): the 公示
notice of its result and the 荣誉证书 of each household commended.

The notice is a public paper on the notice board: A4 portrait in the manner of an official
document (title, body, the list, the notice period, how to object, 特此公示, the committee's name
and date with the place for its seal). It names the chosen households by the head's name and
their building only (domain.family.building_text): never the door, a phone or an ID number, and
never a household that was not chosen (the service hands over the chosen only). A long list runs
on over pages row by row, with 「第 N 页 共 M 页」; the closing never stands alone on a page.

The certificates are one A4 landscape page per household, all in one PDF: the campaign's kind
(文明家庭) as the large title, 「王建国家庭：」, 「被评为2026年度惠泉社区文明家庭。」, the committee
and the commendation date with the place for the seal, inside a double frame.

What is printed is read by attribute from what the service hands over: services.campaigns'
CampaignDetail (its `row`: title, kind, year, notice_start, notice_end, commended_on;
`notice_days`, `notice_workdays`) and NominationRow (`head_name`, `family_name`, `household.building`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.family import building_text
from huiquan_desk.exports.layout import (
    Block,
    Context,
    Document,
    Frame,
    Group,
    Laid,
    Margins,
    Page,
    PageNumbers,
    Paragraph,
    SealPlace,
    SignOff,
    TableRow,
    Title,
    render,
)
from huiquan_desk.exports.pdftext import PdfText


@dataclass(frozen=True)
class Issuer:
    """Who issues the notice and the certificates (from the community profile)."""

    community: str  # 惠泉社区: as the running text names it (被评为2026年度惠泉社区文明家庭)
    committee: str  # 惠泉社区居民委员会: the 落款
    phone: str = ""  # the committee's office phone, for objections to the notice


SEAL = SealPlace("（盖章）", diameter=42 * mm)  # a committee's round seal is about 42 mm across


@dataclass(frozen=True)
class FullPage(Block):
    """`blocks` on a page of their own, centred up and down in the page's body as one (a certificate)."""

    blocks: Sequence[Block]

    def lay(self, ctx: Context) -> Laid:
        if ctx.body_height <= 0:
            raise ValueError("FullPage is laid out by render or page_count, which know the page's body")
        laid = [block.lay(ctx) for block in self.blocks]
        content = sum(part.height for part in laid)
        inner = max(ctx.body_height - self.space_before - self.space_after - 0.01, content)

        def draw(c: Canvas, top: float) -> None:
            y = top - (inner - content) / 2
            for part in laid:
                part.draw(c, y)
                y -= part.height

        return self._laid(inner, draw, next((part.name for part in laid if part.name), "证书"))


# --- the 公示 notice -------------------------------------------------------------------------------------
NOTICE_PAGE = Page(margins=Margins(top=30 * mm, right=26 * mm, bottom=28 * mm, left=28 * mm))
NOTICE_TITLE_SIZE = 22.0  # 二号: the title of an official document
BODY_SIZE = 16.0  # 三号: its body
TABLE_SIZE = 14.0
BODY_LEADING = 1.75
INDENT = 2 * BODY_SIZE  # 首行缩进两字
NOTICE_COLUMNS = ("序号", "家庭", "所在楼栋")
NOTICE_SHARES = (1.0, 3.0, 2.0)
RESULT = "结果的公示"
OBJECTION = ("公示期间，如对公示家庭有不同意见，可以书面或当面向社区居委会反映。反映情况应实事求是，"
             "以个人名义反映的请写明真实姓名，以便核实和反馈。")


def notice_title(campaign_title: str) -> str:
    """关于2026年度惠泉社区文明家庭评选结果的公示 (评选 added when the campaign's title lacks it)."""
    return f"关于{campaign_title}{'' if campaign_title.endswith('评选') else '评选'}{RESULT}"


def _heading(title: str, record: str) -> str:
    """The title as printed: a title too long for a line breaks before 「结果的公示」, not anywhere."""
    text = PdfText()
    text.check(title, record)
    if text.text_width(title, NOTICE_TITLE_SIZE) <= NOTICE_PAGE.body_width or not title.endswith(RESULT):
        return title
    return f"{title.removesuffix(RESULT)}\n{RESULT}"


def notice_period(detail: Any) -> str:
    """2026年11月23日至2026年11月29日（共7天）, or （5个工作日） when counted in working days."""
    start, end = detail.row.notice_start, detail.row.notice_end
    length = f"{detail.notice_days}个工作日" if detail.notice_workdays else f"共{(end - start).days + 1}天"
    return f"{cn_date(start)}至{cn_date(end)}（{length}）"


def notice(detail: Any, chosen: Sequence[Any], issuer: Issuer) -> Document:
    """The 公示 of the campaign `detail` listing `chosen` (NominationRow, the chosen only, in order)."""
    row = detail.row
    title = notice_title(row.title)
    record = f"公示（{row.title}）"
    body = [Paragraph(text, size=BODY_SIZE, leading=BODY_LEADING, indent=INDENT) for text in (
        f"公示时间：{notice_period(detail)}。",
        OBJECTION,
        *([f"联系电话：{issuer.phone}。"] if issuer.phone else []),
        "特此公示。",
    )]
    table = [TableRow(NOTICE_COLUMNS, NOTICE_SHARES, size=TABLE_SIZE, header=True, keep_with_next=True,
                      space_before=6)]
    for index, nomination in enumerate(chosen, 1):
        table.append(TableRow((str(index), nomination.family_name, building_text(nomination.household.building)),
                              NOTICE_SHARES, size=TABLE_SIZE, space_after=12 if index == len(chosen) else 0,
                              keep_with_next=index == len(chosen)))  # the closing never stands alone
    return Document(
        page=NOTICE_PAGE, page_numbers=PageNumbers(when="several"),
        title=title, author=issuer.committee, subject=f"{row.title} 公示", record=record,
        overflow_advice="请精简后再打印公示",
        blocks=[
            Title(_heading(title, record), size=NOTICE_TITLE_SIZE, leading=1.4, space_after=14),
            Paragraph(f"经居民推荐、评议小组评议，拟评定以下{len(chosen)}户家庭为{row.year}年度{issuer.community}"
                      f"{row.kind}，现予公示。", size=BODY_SIZE, leading=BODY_LEADING, indent=INDENT,
                      keep_with_next=True, space_after=4),
            *table,
            Group([*body, SignOff((issuer.committee, cn_date(row.notice_start)), size=BODY_SIZE, leading=1.8,
                                  right_indent=INDENT, seal=SEAL, space_before=BODY_SIZE * 1.5)]),
        ],
    )


def write_notice_pdf(detail: Any, chosen: Sequence[Any], issuer: Issuer, path: Path) -> Path:
    return render(notice(detail, chosen, issuer), path)


# --- 荣誉证书 ---------------------------------------------------------------------------------------------
PLAQUE_FRAME = 12 * mm
PLAQUE_PAGE = Page(landscape=True, frame=Frame(inset=PLAQUE_FRAME, width=2.4, gap=3.0, inner_width=0.8),
                   margins=Margins(top=28 * mm, right=32 * mm, bottom=22 * mm, left=32 * mm))
PLAQUE_TITLE_SIZE = 56.0
PLAQUE_TITLE_SPACE = 28.0  # between the title's characters
NAME_SIZE = 28.0
TEXT_SIZE = 24.0
SIGN_SIZE = 20.0
TEXT_INDENT = 40 * mm  # the name and the text stand in from the left, as on a printed certificate
ENCOURAGE = "特发此证，以资鼓励。"


def plaque_page(detail: Any, nomination: Any, issuer: Issuer) -> FullPage:
    """One household's certificate, a page of its own."""
    row = detail.row

    def text(words: str) -> Paragraph:
        return Paragraph(words, size=TEXT_SIZE, leading=1.9, left_indent=TEXT_INDENT, indent=2 * TEXT_SIZE)

    return FullPage([
        Title(row.kind, size=PLAQUE_TITLE_SIZE, letter_spacing=PLAQUE_TITLE_SPACE, leading=1.2, space_after=26),
        Paragraph(f"{nomination.family_name}：", size=NAME_SIZE, leading=1.8, left_indent=TEXT_INDENT, bold=True),
        text(f"被评为{row.year}年度{issuer.community}{row.kind}。"),
        text(ENCOURAGE),
        SignOff((issuer.committee, cn_date(row.commended_on)), size=SIGN_SIZE, leading=1.9, right_indent=TEXT_SIZE,
                seal=SEAL, seal_lift=0.5, space_before=TEXT_SIZE),  # 「（盖章）」 clear above the committee's name
    ], name=nomination.family_name)


def plaques(detail: Any, chosen: Sequence[Any], issuer: Issuer) -> Document:
    """The certificates of the campaign `detail`, one page per household of `chosen`."""
    row = detail.row
    return Document(
        page=PLAQUE_PAGE, page_numbers=None,
        title=f"{row.kind}荣誉证书（{row.title}）", author=issuer.committee, subject=f"{row.title} 荣誉证书",
        record=f"荣誉证书（{row.title}）", overflow_advice="请精简后再打印证书",
        blocks=[plaque_page(detail, nomination, issuer) for nomination in chosen],
    )


def write_plaques_pdf(detail: Any, chosen: Sequence[Any], issuer: Issuer, path: Path) -> Path:
    return render(plaques(detail, chosen, issuer), path)
