"""Settings that belong to the community and travel with its database."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import Problem, ValidationError
from huiquan_desk.domain.text import clean, halfwidth, text_problems
from huiquan_desk.services.permissions import require_admin, require_writer
from huiquan_desk.storage.models import Setting


def get_setting(session: Session, key: str, default: str = "") -> str:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return default if value is None else value


# Settings an editor writes in passing (the issuer details remembered from the last certificate);
# every other setting belongs to the community and only an admin changes it.
EDITOR_SETTINGS = ("certificate.",)


def set_setting(session: Session, key: str, value: str) -> None:
    if key.startswith(EDITOR_SETTINGS):
        require_writer(session, "修改设置")
    else:
        require_admin(session, "修改设置")
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value
    session.flush()


@dataclass
class CommunityProfile:
    name: str = ""  # 社区名称
    street: str = ""  # 所属街道/镇
    fonds_code: str = ""  # 全宗号
    leader: str = ""  # 负责人
    preparer: str = ""  # 填表人

    @property
    def is_set(self) -> bool:
        return bool(self.name)


PROFILE_LABELS = {
    "name": "社区名称",
    "street": "所属街道/镇",
    "fonds_code": "全宗号",
    "leader": "负责人",
    "preparer": "填表人",
}
# Longest text of each field; 全宗号 has its own rule (4 letters or digits).
PROFILE_LIMITS = {"name": 100, "street": 100, "leader": 50, "preparer": 50}


def get_profile(session: Session) -> CommunityProfile:
    rows = dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.like("profile.%"))).all())
    return CommunityProfile(**{f.name: rows.get(f"profile.{f.name}", "") for f in fields(CommunityProfile)})


def save_profile(session: Session, profile: CommunityProfile) -> CommunityProfile:
    require_admin(session, "修改社区信息")
    cleaned = CommunityProfile(**{k: clean(v) for k, v in asdict(profile).items()})
    problems = []
    if not cleaned.name:
        problems.append(Problem(PROFILE_LABELS["name"], "必须填写"))
    cleaned.fonds_code = halfwidth(cleaned.fonds_code).upper()
    if cleaned.fonds_code and not re.fullmatch(r"[0-9A-Z]{4}", cleaned.fonds_code):
        problems.append(Problem(PROFILE_LABELS["fonds_code"], "应为 4 位字母或数字（DA/T 22-2015），如 0194"))
    problems += text_problems((PROFILE_LABELS[key], getattr(cleaned, key), limit) for key, limit in PROFILE_LIMITS.items())
    if problems:
        raise ValidationError(problems)
    for key, value in asdict(cleaned).items():
        set_setting(session, f"profile.{key}", value)
    return cleaned
