"""The documents of a civic family campaign (exports.family_documents): the 公示 notice of its result
and the 荣誉证书 of the households commended. A campaign's ledgers (推荐名单, 评议结果, 文明家庭创建台账,
家庭花名册) are entries of the ledger registry, services.ledgers.

`PRINTS` says, once per document, what it is called and from which stage on it may be printed;
`export_family_print(ws, key, campaign_id, path)` gathers the chosen households (by address; the
households not chosen are never handed to a public print), refuses before that stage, and writes
the PDF together with its audit entry as one act (services.exporting.write_logged: the documents
name residents, so once accounts exist they are printed by a signed-in account only).

The issuer is the community's residents' committee, named from the community profile
(`issuer`): 「惠泉社区居民委员会」, or the name as it is when it already ends in 居委会/居民委员会;
the profile's phone is the committee's office phone, printed on the notice for objections.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from huiquan_desk.domain import family as rules
from huiquan_desk.domain.errors import ValidationError
from huiquan_desk.domain.family import Stage
from huiquan_desk.exports.family_documents import Issuer, write_notice_pdf, write_plaques_pdf
from huiquan_desk.services.campaigns import CampaignDetail, NominationRow, get_campaign
from huiquan_desk.services.households import address_key
from huiquan_desk.services.settings import PROFILE_LABELS, get_profile

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

COMMITTEE_ENDINGS = ("居民委员会", "居委会")
ENTITY = "campaigns"  # what the audit entry of a print names


@dataclass(frozen=True)
class FamilyPrint:
    key: str  # huiquan-desk export <key>
    what: str  # 公示 / 荣誉证书
    stage: Stage  # printed from this stage on
    write: Callable[[Any, Sequence[Any], Issuer, Path], Path]


PRINTS: dict[str, FamilyPrint] = {p.key: p for p in (
    FamilyPrint("notice", "公示", Stage.NOTICE, write_notice_pdf),
    FamilyPrint("plaques", "荣誉证书", Stage.COMMEND, write_plaques_pdf),
)}


def file_name(key: str, title: str) -> str:
    """What the save dialog suggests: 2026年度惠泉社区文明家庭评选_公示.pdf."""
    from huiquan_desk.services.photo_record import safe_title

    return f"{safe_title(title)}_{PRINTS[key].what}.pdf"


def issuer(session: Session) -> Issuer:
    """The committee that issues the notice and the certificates, from the community profile."""
    profile = get_profile(session)
    name = profile.name
    if not name:
        raise ValidationError.single(PROFILE_LABELS["name"], "必须填写：公示和荣誉证书以社区居民委员会的名义落款。"
                                     "请在「设置 → 社区信息」填写（命令行：huiquan-desk profile set --name 惠泉社区）")
    ending = next((e for e in COMMITTEE_ENDINGS if name.endswith(e)), None)
    if ending is None:
        return Issuer(name, f"{name}居民委员会", profile.phone)
    return Issuer(name.removesuffix(ending) or name, name, profile.phone)


def gather(session: Session, key: str, campaign_id: int) -> tuple[CampaignDetail, list[NominationRow], Issuer]:
    """What the print `key` of the campaign prints: the campaign, its chosen households by address
    and the issuer; refused before the print's stage or without a household chosen."""
    entry = PRINTS[key]
    detail = get_campaign(session, campaign_id)
    row = detail.row
    if not rules.reached(row.stage, entry.stage):
        raise ValidationError.single(rules.CAMPAIGN_LABELS["stage"],
                                     f"评选进入{rules.STAGE_LABELS[entry.stage]}阶段后才能打印{entry.what}"
                                     f"（「{row.title}」现在是{row.stage_label}阶段）")
    chosen = sorted(detail.chosen, key=lambda n: (address_key(n.household.building), address_key(n.household.unit),
                                                  address_key(n.household.room)))
    if not chosen:
        raise ValidationError.single(rules.NOMINATION_LABELS["decision"], f"「{row.title}」没有当选的家庭，无法打印{entry.what}")
    return detail, chosen, issuer(session)


def export_family_print(ws: Workspace, key: str, campaign_id: int, path: Path) -> int:
    """Write the print `key` (notice / plaques) of a campaign to `path` (PDF) with its audit entry,
    as one act; returns the households printed."""
    from huiquan_desk.services.exporting import write_logged

    entry = PRINTS[key]
    path = Path(path)
    if path.suffix.lower() not in ("", ".pdf"):
        raise ValidationError.single("格式", f"{entry.what}只能导出为 PDF（文件名以 .pdf 结尾）")
    with ws.read() as session:
        detail, chosen, who = gather(session, key, campaign_id)

    def write(_session: Session, out: Path) -> int:
        entry.write(detail, chosen, who, out)
        return len(chosen)

    return write_logged(ws, path, ENTITY, f"「{detail.row.title}」{entry.what}", write)
