"""志愿服务记录证明: one certificate on A4 portrait, drawn on the reportlab canvas.

Four parts as 民发〔2015〕149号 and 《志愿服务记录与证明出具办法（试行）》 name them: the
volunteer's identity (the ID number in full: the one printed form that needs it), the service
(period, hours, count, content), the issuer (负责人 and 经办人 sign, the seal goes beside the
issuer's name) and the certificate's number and date. Every character is checked against the
embedded fonts first (exports.fonts): none may silently vanish.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.volunteer import hours_text
from huiquan_desk.exports.fonts import PRIMARY
from huiquan_desk.exports.ledger import atomic_output
from huiquan_desk.exports.pdftext import PdfText
from huiquan_desk.exports.volunteer_ledgers import certificate_period

if TYPE_CHECKING:  # exports depend on domain only; the service's dataclass is just read
    from huiquan_desk.services.certificates import CertificateInfo

TITLE = "志愿服务记录证明"
TITLE_SIZE = 24.0
BODY_SIZE = 12.0
HEAD_SIZE = 12.5
NOTE_SIZE = 9.0
CONTENT_SIZES = (12.0, 11.0, 10.5, 10.0, 9.0, 8.0)  # 服务内容 shrinks through these when it is long
CONTENT_MAX_H = 150.0  # the content's lines should take at most this height
LEADING = 1.5  # line height in a wrapped cell, as a multiple of the font size
PAD = 4.0  # cell padding, points
ROW_H = 27.0  # a one-line row
SIGN_ROW_H = 36.0  # a row with room to sign
HEAD_H = 24.0  # a part's heading row
LABEL_W = 104.0  # label cells
FRAME = 14 * mm  # page edge to the frame
INSET = 11 * mm  # frame to the text
BOLD = 2  # text render mode: fill and stroke (the title's and the headings' 黑体 weight)
TITLE_SPACE = 6.0  # extra space between the title's characters, points
SIGN_LABEL = "（签字）"
SIGN_W = 150.0  # room for 「（签字）」 and the line to sign on

CERTIFY = "兹证明以上志愿服务记录真实有效。"
SO_CERTIFIED = "特此证明。"
FOOTNOTES = (
    "注：1. 本证明依据出具单位保存的志愿服务记录出具（谁记录谁证明），原始记录由出具单位保存备查。",
    "2. 服务时长为志愿者实际提供志愿服务的时间，不含往返交通时间；本证明加盖出具单位印章后有效。",
    "3. 本证明载有志愿者身份证件号码，仅供证明志愿服务经历使用，请妥善保管，勿随意复印、转发。",
)


@dataclass
class _Cell:
    text: str
    width: float
    label: bool = False  # a label cell: shaded, centred
    sign: bool = False  # leave a 签字 line after the text


@dataclass
class _Block:
    height: float
    draw: Callable[[Canvas, float], None]  # (canvas, top y)


def write_certificate_pdf(info: CertificateInfo, community: str, path: Path) -> Path:
    """Write the certificate for `info` to `path` (atomically); returns the path."""
    page_w, page_h = A4
    text = PdfText()
    record = f"证明 {info.number}（{info.name}）"
    issuer = info.issuer.name or community
    left, right = FRAME + INSET, page_w - FRAME - INSET
    width = right - left
    value_w = width - LABEL_W
    half_value = (width - 2 * LABEL_W) / 2

    def check(*strings: str) -> None:
        for s in strings:
            text.check(s, record)

    # --- the table: four parts, each a heading row and its field rows ----------------------------
    def part(title: str, height: float) -> _Block:
        check(title)

        def draw(c: Canvas, top: float) -> None:
            c.setFillGray(0.9)
            c.rect(left, top - height, width, height, stroke=1, fill=1)
            c.setFillGray(0)
            text.draw(c, left + PAD, top - height / 2 - HEAD_SIZE * 0.36, title, HEAD_SIZE, BOLD)

        return _Block(height, draw)

    def row(*cells: _Cell, min_h: float, scale: float, size: float = BODY_SIZE) -> _Block:
        """One table row; labels at the body size, values at `size`; `scale` < 1 tightens the spacing."""
        pad = PAD * scale
        lead = LEADING * max(scale, 0.87)
        wrapped = []
        for cell in cells:
            check(cell.text)
            cell_size = BODY_SIZE if cell.label else size
            room = cell.width - 2 * PAD - (SIGN_W if cell.sign else 0)
            wrapped.append((cell_size, text.wrap(cell.text, room, cell_size, hang=False) if cell.text else [""]))
        height = max(min_h, *(len(lines) * cs * lead + 2 * pad for cs, lines in wrapped))

        def draw(c: Canvas, top: float) -> None:
            x = left
            for cell, (cs, cell_lines) in zip(cells, wrapped, strict=True):
                if cell.label:
                    c.setFillGray(0.96)
                    c.rect(x, top - height, cell.width, height, stroke=1, fill=1)
                    c.setFillGray(0)
                else:
                    c.rect(x, top - height, cell.width, height, stroke=1, fill=0)
                # Lines centred in the row; a baseline sits about 0.36 of the size under a line's middle.
                y = top - (height - len(cell_lines) * cs * lead) / 2 - cs * lead / 2 - cs * 0.36
                for line in cell_lines:
                    if cell.label:
                        tx = x + (cell.width - text.text_width(line, cs)) / 2
                    else:
                        tx = x + PAD
                    text.draw(c, tx, y, line, cs)
                    y -= cs * lead
                if cell.sign:
                    sx = x + cell.width - PAD - SIGN_W
                    baseline = top - height / 2 - cs * 0.36
                    text.draw(c, sx, baseline, SIGN_LABEL, cs)
                    lx = sx + text.text_width(SIGN_LABEL, cs) + 2
                    c.line(lx, baseline - 3, x + cell.width - PAD, baseline - 3)
                x += cell.width

        return _Block(height, draw)

    def label(s: str, w: float = LABEL_W) -> _Cell:
        return _Cell(s, w, label=True)

    id_text = f"{info.id_type or '居民身份证'}　{info.id_number}"

    # A long content is printed smaller, so that the certificate stays one page whenever it can.
    check(info.content)
    def content_height(size: float) -> float:
        return len(text.wrap(info.content, value_w - 2 * PAD, size, hang=False)) * size * LEADING

    content_size = next((size for size in CONTENT_SIZES if content_height(size) <= CONTENT_MAX_H), CONTENT_SIZES[-1])

    def table(scale: float) -> list[_Block]:
        """The rows; `scale` below 1 tightens the spacing so a long content still fits one page."""
        one, sign, head = ROW_H * scale, SIGN_ROW_H * scale, HEAD_H * min(1.0, scale + 0.1)

        def line(*cells: _Cell, min_h: float = one, size: float = BODY_SIZE) -> _Block:
            return row(*cells, min_h=min_h, scale=scale, size=size)

        return [
            part("（一）志愿者身份信息", head),
            line(label("姓名"), _Cell(info.name, half_value), label("性别"), _Cell(info.gender, half_value)),
            line(label("证件类型及号码"), _Cell(id_text, value_w)),
            line(label("志愿者编号"), _Cell(info.volunteer_number, value_w)),
            part("（二）志愿服务信息", head),
            line(label("证明时段"), _Cell(certificate_period(info), value_w)),
            line(label("服务时长"), _Cell(f"{hours_text(info.minutes)} 小时", half_value),
                 label("服务次数"), _Cell(f"{info.service_count} 次", half_value)),
            line(label("服务内容"), _Cell(info.content, value_w), min_h=one * 2, size=content_size),
            part("（三）出具单位信息", head),
            line(label("出具单位"), _Cell(issuer, value_w)),
            line(label("负责人"), _Cell(info.issuer.leader, value_w, sign=True), min_h=sign),
            line(label("经办人"), _Cell(info.issuer.handler, value_w, sign=True), min_h=sign),
            line(label("联系方式"), _Cell(info.issuer.contact, value_w)),
            part("（四）其他", head),
            line(label("证明编号"), _Cell(info.number, value_w)),
            line(label("出具日期"), _Cell(cn_date(info.issued_on), value_w)),
        ]

    # --- closing: the sentence, then the issuer, the seal and the date at the right ------------------
    issued = cn_date(info.issued_on)
    seal_label = "（盖章）"
    signer = f"出具单位：{issuer}"
    check(CERTIFY, SO_CERTIFIED, signer, issued, seal_label, TITLE, f"证明编号：{info.number}", *FOOTNOTES)
    seal_r = 21 * mm  # a committee's round seal is about 42 mm across

    def closing(c: Canvas, top: float) -> None:
        y = top - 14 - BODY_SIZE
        text.draw(c, left + 2 * BODY_SIZE, y, CERTIFY, BODY_SIZE)
        text.draw(c, left + 2 * BODY_SIZE, y - BODY_SIZE * 2, SO_CERTIFIED, BODY_SIZE)
        name_w = text.text_width(signer, BODY_SIZE)
        date_w = text.text_width(issued, BODY_SIZE)
        block_w = max(name_w, date_w)
        bx = right - block_w - BODY_SIZE * 2
        name_y = y - BODY_SIZE * 4.6
        date_y = name_y - BODY_SIZE * 2.2
        text.draw(c, bx + block_w - name_w, name_y, signer, BODY_SIZE)
        text.draw(c, bx + block_w - date_w, date_y, issued, BODY_SIZE)
        # The seal goes over the date and reaches up to the issuer's name ("骑年盖月").
        cx, cy = bx + block_w - date_w / 2, (name_y + date_y) / 2 + BODY_SIZE * 0.35
        c.saveState()
        c.setStrokeGray(0.45)
        c.setDash(4, 3)
        c.setLineWidth(0.8)
        c.circle(cx, cy, seal_r, stroke=1, fill=0)
        c.restoreState()
        c.setFillGray(0.45)
        text.draw(c, cx - text.text_width(seal_label, 10.5) / 2, cy + seal_r * 0.5, seal_label, 10.5)
        c.setFillGray(0)

    closing_h = 14 + BODY_SIZE * 6.5 + seal_r

    # --- pages: the table flows; the closing block is kept whole --------------------------------------
    top_first = page_h - FRAME - INSET - 62  # under the number and the title
    top_other = page_h - FRAME - INSET
    note_h = len(FOOTNOTES) * NOTE_SIZE * 1.55
    bottom = FRAME + INSET * 0.6 + note_h + 6
    available = top_first - bottom
    scale = 1.0
    blocks = table(scale)
    while sum(b.height for b in blocks) + closing_h > available and scale > 0.75:
        scale = round(scale - 0.05, 2)
        blocks = table(scale)
    if any(b.height > top_other - bottom for b in blocks):  # only a hand-made content this long
        raise ValidationError.single("服务内容", "太长，一页印不下，请精简后再出具证明")
    pages: list[list[tuple[_Block, float]]] = [[]]
    y = top_first
    for block in [*blocks, _Block(closing_h, closing)]:
        if y - block.height < bottom and pages[-1]:
            pages.append([])
            y = top_other
        pages[-1].append((block, y))
        y -= block.height
    total = len(pages)

    with atomic_output(path) as tmp:
        c = Canvas(str(tmp), pagesize=A4, pageCompression=1, initialFontName=PRIMARY)
        c.setTitle(f"{TITLE} {info.number}")
        c.setAuthor(issuer or "惠泉台账")
        c.setSubject(f"{info.name} 志愿服务记录证明")
        for page_no, page in enumerate(pages, start=1):
            _frame(c, page_w, page_h)
            c.setLineWidth(0.6)
            if page_no == 1:
                number = f"证明编号：{info.number}"
                text.draw(c, right - text.text_width(number, 10.5), page_h - FRAME - INSET + 4 - 10.5,
                          number, 10.5)
                tw = text.text_width(TITLE, TITLE_SIZE) + TITLE_SPACE * (len(TITLE) - 1)
                c.setFont(PRIMARY, TITLE_SIZE)
                c.drawString((page_w - tw) / 2, page_h - FRAME - INSET - 44, TITLE, mode=BOLD,
                             charSpace=TITLE_SPACE)
            for block, top in page:
                block.draw(c, top)
            ny = FRAME + INSET * 0.6 + note_h - NOTE_SIZE
            for index, note in enumerate(FOOTNOTES):
                text.draw(c, left + (0 if index == 0 else NOTE_SIZE * 2), ny, note, NOTE_SIZE)
                ny -= NOTE_SIZE * 1.55
            if total > 1:
                footer = f"第 {page_no} 页 共 {total} 页"
                check(footer)
                text.draw(c, (page_w - text.text_width(footer, NOTE_SIZE)) / 2, FRAME + 3, footer, NOTE_SIZE)
            c.showPage()
        c.save()
    return Path(path)


def _frame(c: Canvas, page_w: float, page_h: float) -> None:
    """A thin double rule around the page, as printed certificates have."""
    c.saveState()
    c.setLineWidth(1.2)
    c.rect(FRAME, FRAME, page_w - 2 * FRAME, page_h - 2 * FRAME)
    c.setLineWidth(0.4)
    gap = 2.2
    c.rect(FRAME + gap, FRAME + gap, page_w - 2 * (FRAME + gap), page_h - 2 * (FRAME + gap))
    c.restoreState()
