"""The cover (封面) and the index (目录) of the inspection pack (迎检资料包, services.inspection_pack),
declared on the layout layer (exports.layout).

The cover is one A4 portrait page: 「<社区>迎检资料包」, the period it covers, and a boxed form of
单位, 全宗号, 资料时段, 制作日期, 制作人 and what the pack holds; then 「未收入」 lines for any part
that could not go in (no plan for the year, no numbered archive yet), so an inspector reads the
gap rather than guesses it.

The index lists every file of the pack, in the order of its path, with its title (say
「活动台账（PDF）」 or a photo's 题名) and its page count (a PDF) or its size (anything else), as a
boxed table that runs on over pages row by row, with 「第 N 页 共 M 页」. The manifest files, which hold the checksums of all the others, close it as a
note (they cannot list themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm

from huiquan_desk.domain.dates import cn_date
from huiquan_desk.exports.layout import (
    Document,
    LabelValue,
    Margins,
    Page,
    PageNumbers,
    Paragraph,
    Spacer,
    TableRow,
    Title,
    page_count,
    render,
)

PACK_PAGE = Page(margins=Margins(top=22 * mm, right=18 * mm, bottom=20 * mm, left=22 * mm))
INDEX_COLUMNS = ("序号", "文件", "内容", "页数/大小")
INDEX_SHARES = (0.6, 4.6, 3.2, 1.2)
INDEX_SIZE = 8.5
FORM_SIZE = 12.0


@dataclass(frozen=True)
class PackFacts:
    """What the cover and the index say about the pack as a whole."""

    community: str  # 惠泉社区
    unit: str  # 惠泉镇惠泉社区
    fonds_code: str
    date_from: date
    date_to: date
    made_on: date
    made_by: str  # the account (or the profile's 填表人) who built it
    contents: tuple[str, ...] = ()  # 「活动 178 项，照片 324 张」 …
    left_out: tuple[str, ...] = ()  # 「年度计划（2026年度）：还没有制定」 …

    @property
    def period(self) -> str:
        return f"{cn_date(self.date_from)}至{cn_date(self.date_to)}"

    @property
    def title(self) -> str:
        return f"{self.community}迎检资料包" if self.community else "迎检资料包"


@dataclass(frozen=True)
class IndexLine:
    path: str  # 03_活动台账/活动台账.pdf
    title: str  # 活动台账（PDF）
    amount: str  # 12 页 / 35.2 KB


def size_text(size: int) -> str:
    """35.2 KB, 1.4 MB, 512 字节."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def cover(facts: PackFacts) -> Document:
    form = [
        ("单位", facts.unit), ("全宗号", facts.fonds_code or "—"), ("资料时段", facts.period),
        ("制作日期", cn_date(facts.made_on)), ("制作人", facts.made_by or "—"),
        ("资料内容", "；".join(facts.contents) or "—"),
    ]
    blocks = [
        Spacer(height=60),
        Title(facts.title, size=28, letter_spacing=4, space_after=10),
        Paragraph(facts.period, size=15, align="center", space_after=40),
        *(LabelValue((label, value), size=FORM_SIZE, label_width=86, min_height=30) for label, value in form),
    ]
    if facts.left_out:
        blocks.append(Paragraph("未收入本资料包的内容：", size=FORM_SIZE, bold=True, space_before=16, space_after=4))
        blocks += [Paragraph(f"· {line}", size=10.5, left_indent=12) for line in facts.left_out]
    blocks.append(Paragraph("各文件的目录见「01_目录.pdf」；每个文件的 SHA-256 校验值见 manifest.json。",
                            size=10.5, space_before=16))
    return Document(page=PACK_PAGE, page_numbers=None, title=f"{facts.title}（封面）", author=facts.unit,
                    subject=f"{facts.title} {facts.period}", record="迎检资料包封面",
                    overflow_advice="请缩短时段后重试", blocks=blocks)


def index(facts: PackFacts, lines: Sequence[IndexLine]) -> Document:
    rows = [TableRow(INDEX_COLUMNS, INDEX_SHARES, size=INDEX_SIZE + 0.5, header=True, min_height=18,
                     keep_with_next=True, pad=3)]
    rows += [TableRow((str(n), line.path, line.title, line.amount), INDEX_SHARES, size=INDEX_SIZE, leading=1.3,
                      min_height=15, pad=2.5) for n, line in enumerate(lines, start=1)]
    return Document(
        page=PACK_PAGE, page_numbers=PageNumbers(when="always"),
        title=f"{facts.title}（目录）", author=facts.unit, subject=f"{facts.title} {facts.period} 目录",
        record="迎检资料包目录", overflow_advice="请缩短文件名后重试",
        blocks=[
            Title(f"{facts.title}目录", size=20, space_after=4),
            Paragraph(f"资料时段：{facts.period}    共 {len(lines)} 个文件", size=10.5, align="center",
                      space_after=8, keep_with_next=True),
            *rows,
            Paragraph("另有 manifest.json 和 manifest-sha256.txt：以上每个文件的 SHA-256 校验值和大小，"
                      "用于核对资料包是否完整、未被改动（huiquan-desk export pack --verify 资料包.zip）。",
                      size=9.5, space_before=8),
        ],
    )


def index_pages(facts: PackFacts, lines: Sequence[IndexLine], own: int) -> int:
    """How many pages the index takes when its own line (index `own` of `lines`) states that count."""
    pages = 1
    for _ in range(4):  # the count's own width may (rarely) move a row: settle it
        shown = [*lines]
        shown[own] = IndexLine(lines[own].path, lines[own].title, f"{pages} 页")
        counted = page_count(index(facts, shown))
        if counted == pages:
            break
        pages = counted
    return pages


def write_cover(facts: PackFacts, path: Path) -> Path:
    return render(cover(facts), path)


def write_index(facts: PackFacts, lines: Sequence[IndexLine], path: Path) -> Path:
    return render(index(facts, lines), path)
