"""Roles are checked in the service layer, whatever calls it: the window, the command line, a script."""

from __future__ import annotations

import pytest

from huiquan_desk.domain.errors import PermissionDenied
from huiquan_desk.paths import DataDir
from huiquan_desk.services import accounts
from huiquan_desk.services.permissions import NOBODY, Role
from huiquan_desk.services.settings import (
    BACKUP_ROTATION,
    CERTIFICATE_HANDLER,
    PROFILE_NAME,
    get_setting,
    set_setting,
)
from huiquan_desk.services.workspace import open_workspace
from huiquan_desk.storage.engine import unit_of_work


@pytest.mark.parametrize(("role", "key", "allowed"), [
    (Role.ADMIN, PROFILE_NAME, True),
    (Role.EDITOR, PROFILE_NAME, False),
    (Role.VIEWER, PROFILE_NAME, False),
    (NOBODY, PROFILE_NAME, False),
    (Role.ADMIN, BACKUP_ROTATION, True),
    (Role.EDITOR, BACKUP_ROTATION, False),
    (Role.EDITOR, CERTIFICATE_HANDLER, True),  # remembered by whoever issues a certificate
    (Role.VIEWER, CERTIFICATE_HANDLER, False),
    (NOBODY, CERTIFICATE_HANDLER, False),
])
def test_set_setting_checks_the_role(ws, role, key, allowed) -> None:
    with unit_of_work(ws.writers, {"user": "测试", "role": role}) as session:  # past Workspace.write on purpose
        if allowed:
            set_setting(session, key, "值")
        else:
            with pytest.raises(PermissionDenied):
                set_setting(session, key, "值")
    with ws.read() as session:
        assert (get_setting(session, key) == "值") is allowed


def test_once_an_account_exists_a_workspace_opens_as_nobody(tmp_path) -> None:
    data = DataDir(tmp_path / "data")
    ws = open_workspace(data)
    try:
        assert ws.role == Role.ADMIN
        with ws.write() as session:
            accounts.create_user(session, "admin", "林秀英", "admin", "admin-pass-1")
    finally:
        ws.close()
    ws = open_workspace(data)
    try:
        assert ws.role == NOBODY and ws.operator == "（未登录）"
        with pytest.raises(PermissionDenied, match="请先登录"):
            ws.write()
        with pytest.raises(PermissionDenied, match="请先登录"):
            ws.log("export", "volunteers", "导出花名册")
        with pytest.raises(PermissionDenied, match="请先登录"):
            ws.require_signed_in("导出志愿者花名册")
        signed = accounts.authenticate(ws, "ADMIN", "admin-pass-1")
        ws.sign_in(signed.operator, signed.role)
        with ws.write() as session:
            set_setting(session, PROFILE_NAME, "惠泉社区")
        assert ws.operator == "林秀英"
    finally:
        ws.close()
