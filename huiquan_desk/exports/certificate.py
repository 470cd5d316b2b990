"""志愿服务记录证明: one certificate on A4 portrait, declared on the document layout layer.

Four parts as 民发〔2015〕149号 and 《志愿服务记录与证明出具办法（试行）》 name them: the
volunteer's identity (the ID number in full: the one printed form that needs it), the service
(period, hours, count, content), the issuer (负责人 and 经办人 sign, the seal goes beside the
issuer's name) and the certificate's number and date. Every character is checked against the
embedded fonts first (exports.layout): none may silently vanish.

A long 服务内容 is printed smaller (CONTENT_SIZES), then the rows are drawn ever tighter (SCALES)
so that the certificate stays one page whenever it can; past that it runs on, the closing block
kept whole, with 「第 N 页 共 M 页」 and the notes on every page.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol

from reportlab.lib.units import mm

from huiquan_desk.domain.dates import cn_date
from huiquan_desk.domain.volunteer import hours_text
from huiquan_desk.exports.layout import (
    Document,
    Frame,
    Group,
    Heading,
    LabelValue,
    Margins,
    Page,
    PageNumbers,
    Paragraph,
    SealPlace,
    SignOff,
    Title,
    fit_one_page,
    fitting_size,
    render,
)
from huiquan_desk.exports.volunteer_ledgers import certificate_period


class Issuer(Protocol):
    """Who issues it (services.certificates.IssuerInfo): the four items the rules require."""

    @property
    def name(self) -> str: ...
    @property
    def leader(self) -> str: ...
    @property
    def handler(self) -> str: ...
    @property
    def contact(self) -> str: ...


class CertificateInfo(Protocol):
    """What a certificate prints (services.certificates.CertificateInfo has these and more):
    exports read plain values and never import the services."""

    @property
    def number(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def gender(self) -> str: ...
    @property
    def id_type(self) -> str: ...
    @property
    def id_number(self) -> str: ...
    @property
    def volunteer_number(self) -> str: ...
    @property
    def period_from(self) -> date | None: ...
    @property
    def period_to(self) -> date | None: ...
    @property
    def minutes(self) -> int: ...
    @property
    def service_count(self) -> int: ...
    @property
    def content(self) -> str: ...
    @property
    def issuer(self) -> Issuer: ...
    @property
    def issued_on(self) -> date: ...

TITLE = "志愿服务记录证明"
TITLE_SIZE = 24.0
BODY_SIZE = 12.0
HEAD_SIZE = 12.5
NOTE_SIZE = 9.0
CONTENT_SIZES = (12.0, 11.0, 10.5, 10.0, 9.0, 8.0)  # 服务内容 shrinks through these when it is long
CONTENT_MAX_H = 150.0  # the content's lines should take at most this height
SCALES = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75)  # ever tighter rows, until the certificate fits one page
LEADING = 1.5  # line height in a wrapped cell, as a multiple of the font size
PAD = 4.0  # cell padding, points
ROW_H = 27.0  # a one-line row
SIGN_ROW_H = 36.0  # a row with room to sign
HEAD_H = 24.0  # a part's heading row
LABEL_W = 104.0  # label cells
FRAME = 14 * mm  # page edge to the frame
INSET = 11 * mm  # frame to the text
TITLE_SPACE = 6.0  # extra space between the title's characters, points
SIGN_LABEL = "（签字）"
SIGN_W = 150.0  # room for 「（签字）」 and the line to sign on
SEAL = SealPlace("（盖章）", diameter=42 * mm)  # a committee's round seal is about 42 mm across

CERTIFY = "兹证明以上志愿服务记录真实有效。"
SO_CERTIFIED = "特此证明。"
FOOTNOTES = (
    "注：1. 本证明依据出具单位保存的志愿服务记录出具（谁记录谁证明），原始记录由出具单位保存备查。",
    "2. 服务时长为志愿者实际提供志愿服务的时间，不含往返交通时间；本证明加盖出具单位印章后有效。",
    "3. 本证明载有志愿者身份证件号码，仅供证明志愿服务经历使用，请妥善保管，勿随意复印、转发。",
)
PAGE = Page(margins=Margins(top=FRAME + INSET, right=FRAME + INSET, bottom=FRAME + INSET * 0.6, left=FRAME + INSET),
            frame=Frame(inset=FRAME))  # a thin double rule around the page, as printed certificates have
NOTES = tuple(Paragraph(note, size=NOTE_SIZE, leading=1.55, left_indent=NOTE_SIZE * 2 if index else 0,
                        space_before=0 if index else 6) for index, note in enumerate(FOOTNOTES))


def write_certificate_pdf(info: CertificateInfo, community: str, path: Path) -> Path:
    """Write the certificate for `info` to `path` (atomically); returns the path."""
    content_size = fitting_size(info.content, PAGE.body_width - LABEL_W - 2 * PAD, CONTENT_SIZES, CONTENT_MAX_H,
                                leading=LEADING, record=_record(info))
    return render(fit_one_page(certificate(info, community, scale, content_size) for scale in SCALES), path)


def _record(info: CertificateInfo) -> str:
    return f"证明 {info.number}（{info.name}）"


def certificate(info: CertificateInfo, community: str, scale: float = 1.0,
                content_size: float = BODY_SIZE) -> Document:
    """The certificate declared; `scale` below 1 tightens the rows, `content_size` sets 服务内容."""
    issuer = info.issuer.name or community
    issued = cn_date(info.issued_on)
    one = ROW_H * scale

    def row(*pairs: tuple[str, str], min_height: float = one, value_size: float | None = None,
            sign: str = "") -> LabelValue:
        return LabelValue(pairs, label_width=LABEL_W, size=BODY_SIZE, value_size=value_size, min_height=min_height,
                          leading=LEADING * max(scale, 0.87), pad=PAD, vpad=PAD * scale, sign=sign, sign_width=SIGN_W)

    def part(title: str) -> Heading:  # may end a page (keep_with_next=False), as it always could
        return Heading(title, size=HEAD_SIZE, boxed=True, height=HEAD_H * min(1.0, scale + 0.1), pad=PAD,
                       keep_with_next=False)

    def signed(label: str, name: str) -> LabelValue:
        return row((label, name), min_height=SIGN_ROW_H * scale, sign=SIGN_LABEL)

    return Document(
        page=PAGE, foot=NOTES, page_numbers=PageNumbers(when="several", y=FRAME + 3, size=NOTE_SIZE),
        title=f"{TITLE} {info.number}", author=issuer or "惠泉台账", subject=f"{info.name} 志愿服务记录证明",
        record=_record(info), overflow_advice="请精简后再出具证明",
        blocks=[
            Paragraph(f"证明编号：{info.number}", size=10.5, leading=1.0, align="right", space_before=-4),
            Title(TITLE, size=TITLE_SIZE, letter_spacing=TITLE_SPACE, leading=1.0, space_before=13.5, space_after=18),
            part("（一）志愿者身份信息"),
            row(("姓名", info.name), ("性别", info.gender)),
            row(("证件类型及号码", f"{info.id_type or '居民身份证'}　{info.id_number}")),
            row(("志愿者编号", info.volunteer_number)),
            part("（二）志愿服务信息"),
            row(("证明时段", certificate_period(info))),
            row(("服务时长", f"{hours_text(info.minutes)} 小时"), ("服务次数", f"{info.service_count} 次")),
            row(("服务内容", info.content), min_height=one * 2, value_size=content_size),
            part("（三）出具单位信息"),
            row(("出具单位", issuer)),
            signed("负责人", info.issuer.leader),
            signed("经办人", info.issuer.handler),
            row(("联系方式", info.issuer.contact)),
            part("（四）其他"),
            row(("证明编号", info.number)),
            row(("出具日期", issued)),
            Group([  # the closing: the sentence, then the issuer, the seal and the date at the right
                Paragraph(CERTIFY, size=BODY_SIZE, leading=2.0, indent=BODY_SIZE * 2, space_before=14),
                Paragraph(SO_CERTIFIED, size=BODY_SIZE, leading=2.0, indent=BODY_SIZE * 2),
                SignOff((f"出具单位：{issuer}", issued), size=BODY_SIZE, leading=2.2, right_indent=BODY_SIZE * 2,
                        seal=SEAL, space_before=7.2, space_after=1.8),
            ]),
        ],
    )
