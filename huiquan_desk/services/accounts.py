"""Optional sign-in: accounts with roles, salted password hashes, slow-down after wrong passwords.

With no active account the app opens as before and whoever uses it counts as an admin (the
session's role defaults to "admin"). Roles: 管理员 manages users and settings, 录入员 enters and
edits, 查看 reads and prints (`Workspace.write()` refuses for viewers; settings functions call
`require_admin`).

Passwords are never stored or logged: only "scrypt$n$r$p$salt$hash" (hashlib.scrypt, a 16-byte
random salt per password), and the audit trail leaves the hash column out. A failed sign-in must
be remembered even though it ends in an error, so `authenticate()` owns its own unit of work:
the failure counter and the trail entry are committed before `SignInError` is raised.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from huiquan_desk.domain.errors import HuiquanError, NotFoundError, Problem, ValidationError
from huiquan_desk.domain.text import clean, halfwidth, text_problem, unsavable_at
from huiquan_desk.services.permissions import ROLE_HELP, ROLE_LABELS, Role, require_admin, role_label  # noqa: F401
from huiquan_desk.services.settings import IDLE_LOCK_MINUTES, get_setting, set_setting
from huiquan_desk.storage import audit
from huiquan_desk.storage import models as m
from huiquan_desk.storage.engine import unit_of_work

if TYPE_CHECKING:
    from huiquan_desk.services.workspace import Workspace

FIELD_LABELS = {"username": "用户名", "display_name": "姓名", "role": "角色", "password": "密码",
                "confirm": "确认密码", "idle": "闲置锁定"}

# hashlib.scrypt parameters: 16 MiB of memory and ~50 ms per hash on an office PC.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN = 2**14, 8, 1, 32
SALT_BYTES = 16
_MAXMEM = 64 * 1024 * 1024

PASSWORD_MIN, PASSWORD_MAX = 6, 128
USERNAME_MIN, USERNAME_MAX = 2, 40
DISPLAY_NAME_MAX = 50

# Wrong passwords: from the 3rd in a row the account waits 5 s, then 10, 20 … at most 5 minutes.
FREE_ATTEMPTS = 3
LOCK_BASE_SECONDS = 5
LOCK_MAX_SECONDS = 300

IDLE_LOCK_DEFAULT = IDLE_LOCK_MINUTES.default
IDLE_LOCK_MAX = 480

BAD_CREDENTIALS = "用户名或密码不正确。"


class SignInError(HuiquanError):
    """A refused sign-in. `wait_seconds` > 0 while the account is locked after wrong passwords."""

    title = "无法登录"

    def __init__(self, message: str, wait_seconds: int = 0):
        super().__init__(message)
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class SignedIn:
    username: str
    display_name: str
    role: str

    @property
    def operator(self) -> str:
        """The name recorded in the trail and on certificates: the display name, else the username."""
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return role_label(self.role)


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    failed_attempts: int
    locked_until: datetime | None
    last_login: datetime | None

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    def locked(self, at: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (at or m.now())


@dataclass(frozen=True)
class SignInAttempt:
    """What one sign-in attempt came to: `signed_in`, or an `error` (and how long to wait)."""

    signed_in: SignedIn | None = None
    error: str = ""
    wait_seconds: int = 0


# --- password hashes ------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """A salted scrypt hash as "scrypt$n$r$p$salt_b64$hash_b64"; the password itself is not kept."""
    salt = os.urandom(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=SCRYPT_DKLEN, maxmem=_MAXMEM)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored` (constant-time comparison; a malformed hash never matches)."""
    try:
        scheme, n_text, r_text, p_text, salt_text, hash_text = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(hash_text, validate=True)
    except (ValueError, binascii.Error, AttributeError):
        return False
    # Refuse parameters no hash of ours has (a tampered row must not make sign-in hang or blow memory).
    if scheme != "scrypt" or not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16) \
            or not salt or not 16 <= len(expected) <= 64:
        return False
    try:
        actual = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected),
                                maxmem=_MAXMEM)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


_DUMMY_HASH: str | None = None


def _spend_like_a_check(password: str) -> None:
    """Take as long as a real check, so a wrong user name cannot be told from a wrong password by time."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-password")
    verify_password(password, _DUMMY_HASH)


# --- rules ----------------------------------------------------------------------------------------
def normalize_username(text: str) -> str:
    return halfwidth(clean(text))


def _fold(username: str) -> str:
    return normalize_username(username).casefold()


def password_problems(password: str, username: str = "", field: str = FIELD_LABELS["password"]) -> list[Problem]:
    """What is wrong with a new password ([] if it is acceptable)."""
    if not password:
        return [Problem(field, "必须填写")]
    if len(password) < PASSWORD_MIN:
        return [Problem(field, f"至少要 {PASSWORD_MIN} 个字符（现在 {len(password)} 个）")]
    if len(password) > PASSWORD_MAX:
        return [Problem(field, f"不能超过 {PASSWORD_MAX} 个字符")]
    if password != password.strip():
        return [Problem(field, "开头和结尾不能是空格")]
    if unsavable_at(password) is not None:
        return [Problem(field, "含有无法使用的字符，请只用键盘上能输入的字符")]
    if username and password.casefold() == _fold(username):
        return [Problem(field, "不能与用户名相同")]
    return []


def check_password(password: str, username: str = "") -> None:
    problems = password_problems(password, username)
    if problems:
        raise ValidationError(problems)


def _username_problems(session: Session, username: str, exclude: int | None = None) -> list[Problem]:
    field = FIELD_LABELS["username"]
    if not username:
        return [Problem(field, "必须填写")]
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        return [Problem(field, f"应为 {USERNAME_MIN} 到 {USERNAME_MAX} 个字符")]
    if any(ch.isspace() or not ch.isprintable() for ch in username):
        return [Problem(field, "不能包含空格或特殊字符")]
    folded = username.casefold()
    for user_id, existing in session.execute(select(m.User.id, m.User.username)):
        if user_id != exclude and _fold(existing) == folded:
            return [Problem(field, f"已有账号「{existing}」（用户名不区分大小写），请换一个")]
    return []


def _role_problems(role: str) -> list[Problem]:
    if role not in ROLE_LABELS:
        return [Problem(FIELD_LABELS["role"], "请选择 " + "、".join(ROLE_LABELS.values()))]
    return []


def _display_name(text: str | None) -> tuple[str, list[Problem]]:
    name = clean(text)
    why = text_problem(name, DISPLAY_NAME_MAX)
    return name, [Problem(FIELD_LABELS["display_name"], why)] if why else []


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(m.User)
                          .where(m.User.role == Role.ADMIN, m.User.active.is_(True))) or 0


LAST_ADMIN = "至少要保留一个启用的管理员账号，否则就没有人能管理账号和设置。请先把另一个账号设为管理员。"


# --- accounts -------------------------------------------------------------------------------------
def accounts_enabled(session: Session) -> bool:
    """Whether sign-in is on: at least one active account (one small query, cheap at start-up)."""
    return session.scalar(select(m.User.id).where(m.User.active.is_(True)).limit(1)) is not None


def _row(user: m.User) -> UserRow:
    return UserRow(user.id, user.username, user.display_name, user.role, bool(user.active),
                   user.failed_attempts or 0, user.locked_until, user.last_login)


def list_users(session: Session) -> list[UserRow]:
    """Every account, admins first (the password hash is never read)."""
    rows = session.execute(select(m.User.id, m.User.username, m.User.display_name, m.User.role, m.User.active,
                                  m.User.failed_attempts, m.User.locked_until, m.User.last_login)
                           .order_by(m.User.id))
    order: list[str] = list(ROLE_LABELS)
    users = [UserRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5] or 0, r[6], r[7]) for r in rows]
    return sorted(users, key=lambda u: (not u.active, order.index(u.role) if u.role in order else 9, u.id))


def get_user(session: Session, user_id: int) -> UserRow:
    return _row(_get(session, user_id))


def _get(session: Session, user_id: int) -> m.User:
    user = session.get(m.User, user_id)
    if user is None:
        raise NotFoundError("账号不存在，可能已被删除。")
    return user


def role_of(session: Session, username: str) -> str | None:
    """The role of the active account with this user name (any case), or None."""
    folded = _fold(username)
    for name, role in session.execute(select(m.User.username, m.User.role).where(m.User.active.is_(True))):
        if _fold(name) == folded:
            return role
    return None


def find_user(session: Session, username: str) -> UserRow:
    """The account with this user name (any case), active or not."""
    folded = _fold(username)
    for user in list_users(session):
        if _fold(user.username) == folded:
            return user
    raise NotFoundError(f"没有名为「{normalize_username(username)}」的账号。用 user list 查看全部账号。")


def create_user(session: Session, username: str, display_name: str, role: str, password: str) -> int:
    """A new active account. While no admin is active, the account must be an admin."""
    require_admin(session, "管理账号")
    username = normalize_username(username)
    name, problems = _display_name(display_name)
    problems = _username_problems(session, username) + problems + _role_problems(role)
    problems += password_problems(password, username)
    if not problems and role != Role.ADMIN and not _active_admins(session):
        problems.append(Problem(FIELD_LABELS["role"], "第一个账号必须是管理员（否则开启登录后没有人能管理账号和设置）"))
    if problems:
        raise ValidationError(problems)
    user = m.User(username=username, display_name=name, role=role, password_hash=hash_password(password),
                  active=True, failed_attempts=0)
    session.add(user)
    session.flush()
    return user.id


def update_user(session: Session, user_id: int, display_name: str | None = None, role: str | None = None,
                active: bool | None = None) -> UserRow:
    """Change the name, role or active state. The last active admin stays an active admin."""
    require_admin(session, "管理账号")
    user = _get(session, user_id)
    problems: list[Problem] = []
    if display_name is not None:
        name, problems = _display_name(display_name)
    if role is not None:
        problems += _role_problems(role)
    if problems:
        raise ValidationError(problems)
    new_role = user.role if role is None else role
    new_active = bool(user.active) if active is None else bool(active)
    was_admin = user.role == Role.ADMIN and bool(user.active)
    if was_admin and (new_role != Role.ADMIN or not new_active) and _active_admins(session) <= 1:
        raise ValidationError.single(FIELD_LABELS["role"] if new_role != Role.ADMIN else "状态", LAST_ADMIN)
    if new_active and not bool(user.active) and new_role != Role.ADMIN and not _active_admins(session):
        raise ValidationError.single(FIELD_LABELS["role"], "现在没有启用的管理员账号：请先启用或新增一个管理员账号")
    if display_name is not None:
        user.display_name = name
    user.role = new_role
    user.active = new_active
    session.flush()
    return _row(user)


def set_password(session: Session, user_id: int, new_password: str) -> None:
    """An admin sets a new password (this also lifts a lock after wrong passwords)."""
    require_admin(session, "重设密码")
    user = _get(session, user_id)
    check_password(new_password, user.username)
    user.password_hash = hash_password(new_password)
    user.failed_attempts = 0
    user.locked_until = None
    session.flush()


def delete_user(session: Session, user_id: int) -> None:
    """Remove an account (the trail keeps its name). The last active admin cannot be removed."""
    require_admin(session, "管理账号")
    user = _get(session, user_id)
    if user.role == Role.ADMIN and user.active and _active_admins(session) <= 1:
        raise ValidationError.single("账号", LAST_ADMIN)
    session.delete(user)
    session.flush()


# --- signing in -----------------------------------------------------------------------------------
def lock_seconds(failures: int) -> int:
    """How long an account waits after `failures` wrong passwords in a row (0 below the limit)."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(LOCK_BASE_SECONDS * 2 ** (failures - FREE_ATTEMPTS), LOCK_MAX_SECONDS)


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} 分 {rest} 秒" if rest else f"{minutes} 分钟"


def _record_as(session: Session, who: str, action: str, summary: str, user_id: int | None,
               details: dict[str, Any] | None = None) -> None:
    before = session.info.get("user")
    session.info["user"] = who[:50]
    try:
        audit.record(session, action, "users", summary, entity_id=user_id, details=details)
    finally:
        session.info["user"] = before


def attempt_sign_in(session: Session, username: str, password: str, now: datetime | None = None) -> SignInAttempt:
    """Check a user name and password, update the failure counter and log the attempt in the trail.

    Never raises for a refused sign-in (so the caller can commit what it wrote); see `authenticate`.
    """
    at = (now or m.now()).replace(microsecond=0)
    name = normalize_username(username)
    if not name or not password:
        return SignInAttempt(error="请填写用户名和密码。")
    folded = name.casefold()
    users = session.execute(select(m.User.id, m.User.username, m.User.display_name, m.User.role,
                                   m.User.password_hash, m.User.active, m.User.failed_attempts,
                                   m.User.locked_until)).all()
    row = next((u for u in users if _fold(u.username) == folded), None)
    if row is None:
        _spend_like_a_check(password)
        # The typed name is not logged: people sometimes type their password into the name field.
        _record_as(session, "（未知账号）", "login_failed", "登录失败：没有这个用户名", None)
        return SignInAttempt(error=BAD_CREDENTIALS)
    who = row.display_name or row.username
    failures = row.failed_attempts or 0
    if row.locked_until is not None and row.locked_until > at:
        wait = max(1, math.ceil((row.locked_until - at).total_seconds()))
        _record_as(session, who, "login_failed", "登录失败：账号暂时锁定中", row.id)
        return SignInAttempt(error=f"密码已连续输错 {failures} 次，账号暂时锁定。请等 {wait_text(wait)}后再试。",
                             wait_seconds=wait)
    if not verify_password(password, row.password_hash):
        failures += 1
        wait = lock_seconds(failures)
        locked_until = at + timedelta(seconds=wait) if wait else None
        session.execute(update(m.User).where(m.User.id == row.id)
                        .values(failed_attempts=failures, locked_until=locked_until))
        _record_as(session, who, "login_failed", f"登录失败：密码错误（连续第 {failures} 次）", row.id)
        if wait:
            return SignInAttempt(error=f"{BAD_CREDENTIALS}已连续输错 {failures} 次，请等 {wait_text(wait)}后再试。",
                                 wait_seconds=wait)
        left = FREE_ATTEMPTS - failures
        return SignInAttempt(error=f"{BAD_CREDENTIALS}再输错 {left} 次，账号将暂时锁定。")
    if not row.active:
        _record_as(session, who, "login_failed", "登录失败：账号已停用", row.id)
        return SignInAttempt(error=f"账号「{row.username}」已停用。请联系管理员。")
    session.execute(update(m.User).where(m.User.id == row.id)
                    .values(failed_attempts=0, locked_until=None, last_login=at))
    _record_as(session, who, "login", f"登录（{role_label(row.role)}）", row.id)
    return SignInAttempt(signed_in=SignedIn(row.username, row.display_name, row.role))


def authenticate(ws: Workspace, username: str, password: str, now: datetime | None = None) -> SignedIn:
    """Sign in: the account on success, else `SignInError` (a Chinese sentence saying what to do).

    Runs in its own unit of work, committed before any error is raised, so the failure counter
    and the trail entry of a wrong password are kept. Works whatever the current role is (an
    idle lock held by a viewer is unlocked through here too)."""
    with unit_of_work(ws.writers, {"user": "", "role": ""}) as session:
        attempt = attempt_sign_in(session, username, password, now)
    if attempt.signed_in is None:
        raise SignInError(attempt.error, attempt.wait_seconds)
    return attempt.signed_in


# --- idle lock setting ----------------------------------------------------------------------------
def idle_lock_minutes(session: Session) -> int:
    """Minutes without mouse or keyboard input before the window locks (0 = never)."""
    try:
        value = get_setting(session, IDLE_LOCK_MINUTES)
    except ValueError:
        return IDLE_LOCK_DEFAULT
    return value if 0 <= value <= IDLE_LOCK_MAX else IDLE_LOCK_DEFAULT


def set_idle_lock_minutes(session: Session, minutes: int | str) -> int:
    require_admin(session, "修改闲置锁定时间")
    try:
        value = int(halfwidth(clean(minutes)))
    except ValueError:
        value = -1
    if not 0 <= value <= IDLE_LOCK_MAX:
        raise ValidationError.single(FIELD_LABELS["idle"], f"应为 0 到 {IDLE_LOCK_MAX} 之间的整数（分钟；0 表示不锁定）")
    set_setting(session, IDLE_LOCK_MINUTES, value)
    return value
