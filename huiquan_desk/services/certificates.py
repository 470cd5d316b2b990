"""志愿服务记录证明: issued from the register so numbers never repeat ("谁记录谁证明")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiquan_desk.domain.dates import out_of_range
from huiquan_desk.domain.errors import NotFoundError, Problem, ValidationError
from huiquan_desk.domain.identity import mask_id
from huiquan_desk.domain.text import clean, text_problem, text_problems
from huiquan_desk.services.service_hours import hours_total, service_rows
from huiquan_desk.services.settings import (
    CERTIFICATE_CONTACT,
    CERTIFICATE_HANDLER,
    CERTIFICATE_ISSUER,
    CERTIFICATE_LEADER,
    get_profile,
    get_setting,
    set_setting,
)
from huiquan_desk.storage.models import Certificate, Volunteer


@dataclass(frozen=True)
class IssuerInfo:
    name: str  # 出具单位
    leader: str  # 负责人
    handler: str  # 经办人
    contact: str  # 联系方式


ISSUER_LABELS = {"name": "出具单位", "leader": "负责人", "handler": "经办人", "contact": "联系方式"}
ISSUER_LIMITS = {"name": 200, "leader": 50, "handler": 50, "contact": 50}  # the register's column widths
PERIOD_LABEL = "证明时段"
ISSUED_LABELS = {"issued_on": "出具日期", "issued_by": "出具人"}
ISSUED_BY_LIMIT = 50


# Where each issuer detail comes from when it is missing (the window's dialog shows the field too).
ISSUER_WHERE = {
    "name": "默认取「设置 → 社区信息」的社区名称（命令行：huiquan-desk profile set --name 惠泉社区）。",
    "leader": "默认取「设置 → 社区信息」的负责人（命令行：huiquan-desk profile set --leader 姓名）。",
    "handler": "默认取「设置 → 社区信息」的填表人（命令行：profile set --preparer 姓名，或 export certificate --handler 姓名）。",
    "contact": "默认取「设置 → 社区信息」的联系电话（命令行：profile set --phone 电话，或 export certificate --contact 电话）。",
}


def certificate_number(year: int, seq: int) -> str:
    return f"（{year}）志证第{seq:04d}号"


def issuer_defaults(session: Session) -> IssuerInfo:
    profile = get_profile(session)
    return IssuerInfo(
        name=get_setting(session, CERTIFICATE_ISSUER) or (f"{profile.name}居民委员会" if profile.name and not profile.name.endswith("委员会") else profile.name),
        leader=get_setting(session, CERTIFICATE_LEADER) or profile.leader,
        handler=get_setting(session, CERTIFICATE_HANDLER) or profile.preparer,
        contact=get_setting(session, CERTIFICATE_CONTACT) or profile.phone,
    )


@dataclass(frozen=True)
class CertificateInfo:
    id: int
    number: str
    volunteer_id: int
    name: str
    gender: str
    id_type: str
    id_number: str  # in full: the certificate is the one form that needs it
    volunteer_number: str
    period_from: date | None
    period_to: date | None
    minutes: int
    service_count: int
    content: str
    issuer: IssuerInfo
    issued_on: date
    issued_by: str

    @property
    def id_masked(self) -> str:
        return mask_id(self.id_number)


def _summary(titles: list[str], count: int) -> str:
    distinct: list[str] = []
    for title in titles:
        if title not in distinct:
            distinct.append(title)
    shown = "、".join(f"「{t}」" for t in distinct[:6])
    more = "等" if len(distinct) > 6 else ""
    return f"参加{shown}{more}志愿服务共 {count} 次"


def issue_certificate(session: Session, volunteer_id: int, start: date | None, end: date | None,
                      issuer: IssuerInfo, issued_by: str, issued_on: date | None = None) -> CertificateInfo:
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFoundError("这名志愿者已不存在，可能已被删除。")
    issuer = IssuerInfo(*(clean(v) for v in (issuer.name, issuer.leader, issuer.handler, issuer.contact)))
    issued_by = clean(issued_by)
    problems = [Problem(ISSUER_LABELS[k], f"必须填写。{ISSUER_WHERE[k]}") for k in ISSUER_LABELS if not getattr(issuer, k)]
    problems += text_problems((ISSUER_LABELS[k], getattr(issuer, k), limit) for k, limit in ISSUER_LIMITS.items())
    if why := text_problem(issued_by, ISSUED_BY_LIMIT):
        problems.append(Problem(ISSUED_LABELS["issued_by"], why))
    issued_on = issued_on or date.today()
    if why := out_of_range(issued_on):
        problems.append(Problem(ISSUED_LABELS["issued_on"], why))
    end = min(end, issued_on) if end else issued_on  # a certificate never counts hours after its own date
    if why := out_of_range(start) or out_of_range(end):
        problems.append(Problem(PERIOD_LABEL, why))
    elif start and end < start:
        problems.append(Problem(PERIOD_LABEL, "结束日期不能早于开始日期"))
    if problems:
        raise ValidationError(problems)
    summary = hours_total(session, volunteer_id, start, end)
    if summary.services == 0:
        raise ValidationError.single(PERIOD_LABEL, f"「{volunteer.name}」在所选时段没有志愿服务记录，不能出具证明")
    seq = (session.scalar(select(func.max(Certificate.seq)).where(Certificate.year == issued_on.year)) or 0) + 1
    titles = [r.title for r in service_rows(session, start, end, volunteer_id=volunteer_id)]
    row = Certificate(
        number=certificate_number(issued_on.year, seq), year=issued_on.year, seq=seq, volunteer_id=volunteer_id,
        period_from=start, period_to=end, minutes=summary.minutes, service_count=summary.services,
        content=_summary(titles, summary.services), issuer=issuer.name, leader=issuer.leader, handler=issuer.handler,
        contact=issuer.contact, issued_on=issued_on, issued_by=issued_by)
    session.add(row)
    for declared, value in ((CERTIFICATE_LEADER, issuer.leader), (CERTIFICATE_HANDLER, issuer.handler),
                            (CERTIFICATE_CONTACT, issuer.contact), (CERTIFICATE_ISSUER, issuer.name)):
        set_setting(session, declared, value)
    session.flush()
    return get_certificate(session, row.id)


def get_certificate(session: Session, certificate_id: int) -> CertificateInfo:
    found = session.execute(select(Certificate, Volunteer).join(Volunteer, Volunteer.id == Certificate.volunteer_id)
                            .where(Certificate.id == certificate_id)).first()
    if found is None:
        raise NotFoundError("找不到这份证明。")
    c, v = found
    return CertificateInfo(c.id, c.number, v.id, v.name, v.gender, v.id_type, v.id_number, v.number, c.period_from,
                           c.period_to, c.minutes, c.service_count, c.content,
                           IssuerInfo(c.issuer, c.leader, c.handler, c.contact), c.issued_on, c.issued_by)


def list_certificates(session: Session, year: int | None = None, volunteer_id: int | None = None) -> list[CertificateInfo]:
    query = select(Certificate.id).order_by(Certificate.year, Certificate.seq)
    if year is not None:
        query = query.where(Certificate.year == year)
    if volunteer_id is not None:
        query = query.where(Certificate.volunteer_id == volunteer_id)
    return [get_certificate(session, cid) for cid in session.scalars(query)]
