"""Settings that belong to the community and travel with its database, each declared once.

Every setting is an `Option` below: its key, Chinese label, default, how its stored text is
read and written, and who may change it (picard's `Option`, anki's `ConfigKey` are the models).
Code asks `get_setting(session, OPTION)` and gets a typed value (the default when nothing or
something unreadable is stored); `set_setting(session, OPTION, value)` checks the role first.
There is no other way to read or write a setting, and no setting key appears anywhere else.
Window geometry and other UI preferences are not here: they live in QSettings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiquan_desk.domain import archives as archive_rules
from huiquan_desk.domain.errors import Problem, ValidationError
from huiquan_desk.domain.family import DEFAULT_KINDS, DEFAULT_NOTICE_DAYS, DEFAULT_REPEAT_YEARS
from huiquan_desk.domain.text import clean, halfwidth, text_problems
from huiquan_desk.services.permissions import Role, require_admin, require_writer
from huiquan_desk.storage.models import Setting

T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str  # as stored in the `settings` table
    label: str  # Chinese, as the settings page and the audit trail show it
    default: T
    parse: Callable[[str], T]  # stored text -> value; ValueError: the default is used
    dump: Callable[[T], str] = str
    role: Role = Role.ADMIN  # who may change it

    def read(self, text: str | None) -> T:
        if text is None:
            return self.default
        try:
            return self.parse(text)
        except (TypeError, ValueError):
            return self.default


OPTIONS: dict[str, Option[Any]] = {}


def option(key: str, label: str, default: T, parse: Callable[[str], T], dump: Callable[[T], str] = str,
           role: Role = Role.ADMIN) -> Option[T]:
    if key in OPTIONS:
        raise ValueError(f"setting {key!r} is declared twice")
    declared = Option(key, label, default, parse, dump, role)
    OPTIONS[key] = declared
    return declared


def _text(value: str) -> str:
    return value


def _minutes(value: str) -> int:
    return int(value)


def _flag(value: str) -> bool:
    if value not in ("0", "1"):
        raise ValueError(value)
    return value == "1"


def _dump_flag(value: bool) -> str:
    return "1" if value else "0"


def _notice_days(value: str) -> int:
    days = int(value)
    if not 1 <= days <= 60:
        raise ValueError(value)
    return days


def _years(value: str) -> int:
    years = int(value)
    if not 0 <= years <= 20:
        raise ValueError(value)
    return years


def _kinds(value: str) -> tuple[str, ...]:
    kinds = tuple(dict.fromkeys(k for k in (clean(p) for p in re.split(r"[\n、,，;；]+", value)) if k))
    if not kinds:
        raise ValueError(value)
    return kinds


# --- the community profile (社区信息): printed on ledgers, certificates and archive catalogues --------
PROFILE_NAME = option("profile.name", "社区名称", "", _text)
PROFILE_STREET = option("profile.street", "所属街道/镇", "", _text)
PROFILE_FONDS_CODE = option("profile.fonds_code", "全宗号", "", _text)
PROFILE_LEADER = option("profile.leader", "负责人", "", _text)
PROFILE_PREPARER = option("profile.preparer", "填表人", "", _text)
PROFILE_PHONE = option("profile.phone", "联系电话", "", _text)
# --- volunteers ---------------------------------------------------------------------------------------
STAR_THRESHOLDS = option("volunteer.star_thresholds", "星级时长标准（小时）", "", _text)
# --- certificates: the issuer details remembered from the last certificate (anyone who issues one) -----
CERTIFICATE_ISSUER = option("certificate.issuer", "证明出具单位", "", _text, role=Role.EDITOR)
CERTIFICATE_LEADER = option("certificate.leader", "证明负责人", "", _text, role=Role.EDITOR)
CERTIFICATE_HANDLER = option("certificate.handler", "证明经办人", "", _text, role=Role.EDITOR)
CERTIFICATE_CONTACT = option("certificate.contact", "证明联系方式", "", _text, role=Role.EDITOR)
# --- civic family campaigns (文明家庭 etc.) ---------------------------------------------------------------
FAMILY_KINDS: Option[tuple[str, ...]] = option("family.kinds", "评选类型", tuple(DEFAULT_KINDS), _kinds, "、".join)
NOTICE_DAYS = option("family.notice_days", "公示天数", DEFAULT_NOTICE_DAYS, _notice_days)
NOTICE_WORKDAYS = option("family.notice_workdays", "公示天数按工作日计算", False, _flag, _dump_flag)
REPEAT_YEARS = option("family.repeat_years", "近几年内获评的再推荐时提示（年，0 为不提示）", DEFAULT_REPEAT_YEARS, _years)
# --- archives (DA/T 22-2015) ----------------------------------------------------------------------------
def _category_codes(value: str) -> dict[str, str]:
    """「WS 文书」 one a line (or 、-separated) → {"WS": "文书"}; at least WS."""
    codes: dict[str, str] = {}
    for part in re.split(r"[\n、,，;；]+", value):
        text = clean(part)
        if not text:
            continue
        code, _sep, name = text.partition(" ")
        if archive_rules.category_problem(code.upper(), {code.upper(): name}) or not name.strip():
            raise ValueError(value)
        codes[code.upper()] = name.strip()
    if archive_rules.DEFAULT_CATEGORY not in codes:
        raise ValueError(value)
    return codes


def _dump_codes(codes: dict[str, str]) -> str:
    return "\n".join(f"{code} {name}" for code, name in codes.items())


def _retention_rules(value: str) -> dict[str, str]:
    rules = archive_rules.parse_retention_rules(value)
    if not rules:
        raise ValueError(value)
    return rules


def _fixity_days(value: str) -> int:
    days = int(value)
    if not 0 <= days <= 366:
        raise ValueError(value)
    return days


ARCHIVE_CATEGORY_CODES = option("archive.category_codes", "门类代码表", dict(archive_rules.DEFAULT_CATEGORY_CODES),
                                _category_codes, _dump_codes)
RETENTION_RULES = option("archive.retention_rules", "保管期限表（按类别）", dict(archive_rules.DEFAULT_RETENTION_RULES),
                         _retention_rules, archive_rules.dump_retention_rules)
FIXITY_DAYS = option("archive.fixity_days", "档案检测周期（天，0 为不定期）", 30, _fixity_days)
# --- sign-in and backups --------------------------------------------------------------------------------
IDLE_LOCK_MINUTES = option("security.idle_lock_minutes", "闲置锁定（分钟，0 为不锁定）", 10, _minutes)
BACKUP_ROTATION = option("backup.rotation", "自动备份保留（日/周/月）", "7/4/12", _text)
BACKUP_MAX_MEMBER_MB = option("backup.max_member_mb", "备份中单个文件的上限（MB）", 512, _minutes)


def get_setting(session: Session, setting: Option[T]) -> T:
    return setting.read(session.scalar(select(Setting.value).where(Setting.key == setting.key)))


def set_setting(session: Session, setting: Option[T], value: T) -> None:
    """Store a setting (admins only, or also editors where the option says so)."""
    if setting.role == Role.EDITOR:
        require_writer(session, f"修改设置「{setting.label}」")
    else:
        require_admin(session, f"修改设置「{setting.label}」")
    text = setting.dump(value)
    row = session.get(Setting, setting.key)
    if row is None:
        session.add(Setting(key=setting.key, value=text))
    elif row.value != text:
        row.value = text
    session.flush()


def setting_label(key: str) -> str:
    """The Chinese label of a stored key (for the audit trail); the key itself if it is not declared."""
    declared = OPTIONS.get(key)
    return declared.label if declared is not None else key


@dataclass
class CommunityProfile:
    name: str = ""  # 社区名称
    street: str = ""  # 所属街道/镇
    fonds_code: str = ""  # 全宗号
    leader: str = ""  # 负责人
    preparer: str = ""  # 填表人
    phone: str = ""  # 联系电话

    @property
    def is_set(self) -> bool:
        return bool(self.name)


PROFILE_OPTIONS: dict[str, Option[str]] = {
    "name": PROFILE_NAME, "street": PROFILE_STREET, "fonds_code": PROFILE_FONDS_CODE,
    "leader": PROFILE_LEADER, "preparer": PROFILE_PREPARER, "phone": PROFILE_PHONE,
}
PROFILE_LABELS = {key: declared.label for key, declared in PROFILE_OPTIONS.items()}
# Longest text of each field; 全宗号 has its own rule (4 letters or digits).
PROFILE_LIMITS = {"name": 100, "street": 100, "leader": 50, "preparer": 50, "phone": 30}


def get_profile(session: Session) -> CommunityProfile:
    keys = {declared.key: name for name, declared in PROFILE_OPTIONS.items()}
    rows = dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys))).all())
    return CommunityProfile(**{name: PROFILE_OPTIONS[name].read(rows.get(key)) for key, name in keys.items()})


def _numbered_under_other_fonds(session: Session, fonds: str) -> int:
    """How many numbered archive items carry a 全宗号 other than `fonds` (their 档号 would no longer match)."""
    from sqlalchemy import func

    from huiquan_desk.storage.models import ArchiveItem

    return session.scalar(select(func.count()).select_from(ArchiveItem).where(
        ArchiveItem.number.is_not(None), ArchiveItem.fonds != fonds)) or 0


def save_profile(session: Session, profile: CommunityProfile) -> CommunityProfile:
    require_admin(session, "修改社区信息")
    cleaned = CommunityProfile(**{k: clean(v) for k, v in asdict(profile).items()})
    problems = []
    if not cleaned.name:
        problems.append(Problem(PROFILE_LABELS["name"], "必须填写"))
    cleaned.fonds_code = halfwidth(cleaned.fonds_code).upper()
    if cleaned.fonds_code and not re.fullmatch(r"[0-9A-Z]{4}", cleaned.fonds_code):
        problems.append(Problem(PROFILE_LABELS["fonds_code"], "应为 4 位字母或数字（DA/T 22-2015），如 0194"))
    numbered = _numbered_under_other_fonds(session, cleaned.fonds_code)
    if numbered:
        problems.append(Problem(PROFILE_LABELS["fonds_code"], f"已有 {numbered} 件档案按全宗号 "
                                f"{get_setting(session, PROFILE_FONDS_CODE)} 编了档号，全宗号不能再改（改了一个全宗就有两种档号）"))
    problems += text_problems((PROFILE_LABELS[key], getattr(cleaned, key), limit) for key, limit in PROFILE_LIMITS.items())
    if problems:
        raise ValidationError(problems)
    for key, value in asdict(cleaned).items():
        set_setting(session, PROFILE_OPTIONS[key], value)
    return cleaned
