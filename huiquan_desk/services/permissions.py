"""Who may do what: the roles of the optional sign-in, checked in the service layer.

A unit of work carries its role in `session.info["role"]` (set by `Workspace`). With no account
set up everyone counts as 管理员, as before sign-in existed. Once an account exists, a workspace
starts as NOBODY (nobody signed in): it may read and print what holds no personal data, and
every write and every export of personal data is refused until someone signs in — in the window
and on the command line (`--user`) alike.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from huiquan_desk.domain.errors import PermissionDenied

if TYPE_CHECKING:  # light on purpose: the window's start-up reads the roles before SQLAlchemy loads
    from sqlalchemy.orm import Session


class Role(StrEnum):
    ADMIN = "admin"  # 管理员: accounts and settings, and everything an editor does
    EDITOR = "editor"  # 录入员: enters and edits the ledgers
    VIEWER = "viewer"  # 查看: reads and prints

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def help(self) -> str:
        return ROLE_HELP[self]

    @property
    def writes(self) -> bool:
        return self in (Role.ADMIN, Role.EDITOR)


ROLE_LABELS: dict[str, str] = {Role.ADMIN: "管理员", Role.EDITOR: "录入员", Role.VIEWER: "查看"}
ROLE_HELP: dict[str, str] = {
    Role.ADMIN: "管理账号和设置，也能录入、修改、查看、打印",
    Role.EDITOR: "录入和修改台账，查看、打印",
    Role.VIEWER: "只能查看和打印，不能修改",
}
NOBODY = ""  # accounts exist and nobody has signed in


def role_label(role: str) -> str:
    return "未登录" if role == NOBODY else ROLE_LABELS.get(role, role)


def can_write(role: str) -> bool:
    return role in (Role.ADMIN, Role.EDITOR)


def sign_in_first(action: str) -> PermissionDenied:
    return PermissionDenied(f"已启用账号登录：请先登录再{action}（命令行加 --user 用户名）。")


VIEWER_REFUSED = "当前账号只能查看和打印，不能修改数据。请用录入员或管理员账号登录。"


def check_write(role: str, action: str = "修改数据") -> None:
    """Raise unless `role` may change data."""
    if role == NOBODY:
        raise sign_in_first(action)
    if not can_write(role):
        raise PermissionDenied(VIEWER_REFUSED)


def check_admin(role: str, action: str = "修改设置") -> None:
    """Raise unless `role` is an admin's (no accounts configured counts as admin)."""
    if role == NOBODY:
        raise sign_in_first(action)
    if role != Role.ADMIN:
        raise PermissionDenied(f"只有管理员可以{action}。请用管理员账号登录后再试。")


def check_signed_in(role: str, action: str) -> None:
    """Raise while accounts exist and nobody has signed in (exports of personal data, backups)."""
    if role == NOBODY:
        raise sign_in_first(action)


def session_role(session: Session) -> str:
    return str(session.info.get("role", Role.ADMIN))


def require_admin(session: Session, action: str = "修改设置") -> None:
    check_admin(session_role(session), action)


def require_writer(session: Session, action: str = "修改数据") -> None:
    check_write(session_role(session), action)
