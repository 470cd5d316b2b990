"""Sign-in accounts: salted hashes, roles, slow-down after wrong passwords, the last admin."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from huiquan_desk.domain.errors import PermissionDenied, ValidationError
from huiquan_desk.services import accounts, categories, volunteers
from huiquan_desk.services.accounts import SignInError
from huiquan_desk.services.settings import CommunityProfile, save_profile
from huiquan_desk.storage.models import AuditEntry, User

PASSWORD = "Huiquan#2026"
T0 = datetime(2026, 12, 1, 9, 0, 0)


def add(ws, username="wangkun", role="admin", password=PASSWORD, display_name="王堃") -> int:  # type: ignore[no-untyped-def]
    with ws.write() as s:
        return accounts.create_user(s, username, display_name, role, password)


def trail(ws, *actions: str):  # type: ignore[no-untyped-def]
    """Audit rows (as plain row tuples with attribute access), oldest first."""
    with ws.read() as s:
        query = select(AuditEntry.action, AuditEntry.user, AuditEntry.summary, AuditEntry.old_values,
                       AuditEntry.new_values).order_by(AuditEntry.id)
        if actions:
            query = query.where(AuditEntry.action.in_(actions))
        return s.execute(query).all()


def user(ws, user_id: int) -> accounts.UserRow:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return accounts.get_user(s, user_id)


# --- hashing --------------------------------------------------------------------------------------
def test_hash_is_salted_and_verifies() -> None:
    first, second = accounts.hash_password(PASSWORD), accounts.hash_password(PASSWORD)
    assert first != second  # a fresh salt each time
    assert first.startswith("scrypt$16384$8$1$") and len(first.split("$")) == 6
    assert PASSWORD not in first and PASSWORD not in second
    assert accounts.verify_password(PASSWORD, first) and accounts.verify_password(PASSWORD, second)
    assert not accounts.verify_password("huiquan#2026", first)
    assert not accounts.verify_password("", first)


@pytest.mark.parametrize("stored", ["", "plain-text", "scrypt$16384$8$1$bad$bad", "pbkdf2$1$2$3$4$5",
                                    "scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",
                                    "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA=="])
def test_malformed_hash_never_matches(stored: str) -> None:
    assert not accounts.verify_password("anything", stored)


def test_password_never_stored_or_logged(ws) -> None:
    user_id = add(ws)
    with ws.write() as s:
        accounts.set_password(s, user_id, "Second#Secret9")
    with pytest.raises(SignInError):
        accounts.authenticate(ws, "wangkun", "Typo#Secret9")
    with pytest.raises(SignInError):
        accounts.authenticate(ws, "Pass#In#Name1", "x")  # a password typed into the name field
    accounts.authenticate(ws, "wangkun", "Second#Secret9")
    with ws.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.id == user_id))
        rows = s.execute(text("SELECT * FROM users")).all() + s.execute(text("SELECT * FROM audit_log")).all()
    assert stored.startswith("scrypt$")
    dump = repr(rows)
    for secret in (PASSWORD, "Second#Secret9", "Typo#Secret9", "Pass#In#Name1"):
        assert secret not in dump
    assert all(  # not even the hash is copied into the trail
        stored not in (e.old_values + e.new_values) for e in trail(ws))
    assert "password_hash" in "".join(e.new_values for e in trail(ws, "update"))  # "changed", no value
    ws.engine.dispose()  # checkpoint the WAL so the main file holds everything
    raw = b"".join(p.read_bytes() for p in ws.data.root.glob(ws.data.database.name + "*"))
    assert raw
    for secret in (PASSWORD, "Second#Secret9", "Typo#Secret9", "Pass#In#Name1"):
        assert secret.encode() not in raw and secret.encode("utf-16-le") not in raw


def test_list_users_has_no_hash(ws) -> None:
    add(ws)
    with ws.read() as s:
        rows = accounts.list_users(s)
    assert [r.username for r in rows] == ["wangkun"]
    assert not hasattr(rows[0], "password_hash") and "scrypt" not in repr(rows)


# --- rules ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("password,message", [("", "必须填写"), ("12345", "至少要 6 个字符"), (" abcdef", "空格"),
                                              ("wangkun", "不能与用户名相同"), ("x" * 129, "不能超过 128")])
def test_password_rules(ws, password: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        add(ws, password=password)
    assert message in str(err.value) and err.value.problems[0].field == "密码"


@pytest.mark.parametrize("username,message", [("", "必须填写"), ("w", "2 到 40"), ("x" * 41, "2 到 40"),
                                              ("wang kun", "空格")])
def test_username_rules(ws, username: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        add(ws, username=username)
    assert message in str(err.value) and err.value.problems[0].field == "用户名"


def test_usernames_are_unique_ignoring_case_and_width(ws) -> None:
    add(ws, "WangKun")
    for other in ("wangkun", "ＷＡＮＧＫＵＮ", " wangKUN "):
        with pytest.raises(ValidationError, match="已有账号「WangKun」"):
            add(ws, other, role="editor")
    assert accounts.authenticate(ws, "wangkun", PASSWORD).username == "WangKun"


def test_first_account_must_be_admin(ws) -> None:
    with ws.read() as s:
        assert not accounts.accounts_enabled(s)
    for role in ("editor", "viewer"):
        with pytest.raises(ValidationError, match="第一个账号必须是管理员"):
            add(ws, role=role)
    with ws.read() as s:
        assert not accounts.accounts_enabled(s) and accounts.list_users(s) == []
    add(ws, role="admin")
    add(ws, "lili", role="viewer", display_name="李丽")
    with ws.read() as s:
        assert accounts.accounts_enabled(s)
        assert [(u.username, u.role_label) for u in accounts.list_users(s)] == [("wangkun", "管理员"), ("lili", "查看")]


def test_unknown_role_is_refused(ws) -> None:
    with pytest.raises(ValidationError, match="请选择 管理员、录入员、查看"):
        add(ws, role="root")


def test_last_admin_is_protected(ws) -> None:
    admin = add(ws)
    editor = add(ws, "lili", role="editor", display_name="李丽")
    with pytest.raises(ValidationError, match="至少要保留一个启用的管理员"), ws.write() as s:
        accounts.update_user(s, admin, role="editor")
    with pytest.raises(ValidationError, match="至少要保留一个启用的管理员"), ws.write() as s:
        accounts.update_user(s, admin, active=False)
    with pytest.raises(ValidationError, match="至少要保留一个启用的管理员"), ws.write() as s:
        accounts.delete_user(s, admin)
    assert user(ws, admin).role == "admin" and user(ws, admin).active
    # With a second admin the first may step down; then the second one is the last.
    with ws.write() as s:
        accounts.update_user(s, editor, role="admin")
        accounts.update_user(s, admin, role="viewer", display_name="王堃（已调走）")
    assert user(ws, admin).role == "viewer" and user(ws, admin).display_name == "王堃（已调走）"
    with pytest.raises(ValidationError, match="至少要保留"), ws.write() as s:
        accounts.update_user(s, editor, active=False)
    with ws.write() as s:
        accounts.update_user(s, admin, active=False)
        accounts.delete_user(s, admin)
    with ws.read() as s:
        assert [u.username for u in accounts.list_users(s)] == ["lili"]


def test_account_management_needs_an_admin(ws) -> None:
    admin = add(ws)
    ws.role = "editor"
    for action in (lambda s: accounts.create_user(s, "lili", "李丽", "editor", PASSWORD),
                   lambda s: accounts.update_user(s, admin, display_name="x"),
                   lambda s: accounts.set_password(s, admin, "Other#Pass1"),
                   lambda s: accounts.delete_user(s, admin),
                   lambda s: accounts.set_idle_lock_minutes(s, 5)):
        with pytest.raises(PermissionDenied, match="只有管理员可以"), ws.write() as s:
            action(s)


# --- signing in -----------------------------------------------------------------------------------
def test_authenticate_success_and_failure(ws) -> None:
    user_id = add(ws)
    signed = accounts.authenticate(ws, " WANGKUN ", PASSWORD, now=T0)
    assert signed == accounts.SignedIn("wangkun", "王堃", "admin") and signed.operator == "王堃"
    assert user(ws, user_id).last_login == T0
    with pytest.raises(SignInError, match="用户名或密码不正确") as err:
        accounts.authenticate(ws, "wangkun", "wrong-password", now=T0)
    assert err.value.wait_seconds == 0 and "再输错 2 次" in str(err.value)
    with pytest.raises(SignInError, match="用户名或密码不正确"):
        accounts.authenticate(ws, "nobody", PASSWORD, now=T0)
    with pytest.raises(SignInError, match="请填写用户名和密码"):
        accounts.authenticate(ws, "wangkun", "", now=T0)
    logged = [(e.action, e.user, e.summary) for e in trail(ws, "login", "login_failed")]
    assert logged == [("login", "王堃", "登录（管理员）"),
                      ("login_failed", "王堃", "登录失败：密码错误（连续第 1 次）"),
                      ("login_failed", "（未知账号）", "登录失败：没有这个用户名")]


def test_disabled_account_cannot_sign_in(ws) -> None:
    add(ws)
    lili = add(ws, "lili", role="editor", display_name="李丽")
    with ws.write() as s:
        accounts.update_user(s, lili, active=False)
    with pytest.raises(SignInError, match="已停用"):
        accounts.authenticate(ws, "lili", PASSWORD)
    with pytest.raises(SignInError, match="用户名或密码不正确"):  # a wrong password does not tell
        accounts.authenticate(ws, "lili", "wrong-password")
    with ws.write() as s:
        accounts.update_user(s, lili, active=True)
    assert accounts.authenticate(ws, "lili", PASSWORD).role == "editor"


def test_wrong_passwords_slow_down_and_survive_a_restart(ws, tmp_path) -> None:
    from huiquan_desk.paths import DataDir
    from huiquan_desk.services.workspace import open_workspace

    user_id = add(ws)
    for attempt in (1, 2):
        with pytest.raises(SignInError) as err:
            accounts.authenticate(ws, "wangkun", "bad", now=T0)
        assert err.value.wait_seconds == 0, attempt
    with pytest.raises(SignInError) as err:
        accounts.authenticate(ws, "wangkun", "bad", now=T0)
    assert err.value.wait_seconds == 5 and "请等 5 秒后再试" in str(err.value)
    assert user(ws, user_id).failed_attempts == 3 and user(ws, user_id).locked_until == T0 + timedelta(seconds=5)
    # While locked even the right password waits (and is not counted as another failure).
    with pytest.raises(SignInError, match="暂时锁定") as err:
        accounts.authenticate(ws, "wangkun", PASSWORD, now=T0 + timedelta(seconds=2))
    assert err.value.wait_seconds == 3 and "请等 3 秒后再试" in str(err.value)
    assert user(ws, user_id).failed_attempts == 3

    # The counter is in the database: a restart does not reset it.
    ws.close()
    ws2 = open_workspace(DataDir(tmp_path / "data"))
    try:
        at = T0 + timedelta(seconds=5)
        waits = []
        for _ in range(7):
            with pytest.raises(SignInError) as err:
                accounts.authenticate(ws2, "wangkun", "bad", now=at)
            waits.append(err.value.wait_seconds)
            at += timedelta(seconds=err.value.wait_seconds)
        assert waits == [10, 20, 40, 80, 160, 300, 300]  # 2^(n-3) × 5 s, at most 5 minutes
        assert "5 分钟" in str(err.value)
        with pytest.raises(SignInError, match=r"请等 4 分 59 秒后再试"):
            accounts.authenticate(ws2, "wangkun", PASSWORD, now=at - timedelta(seconds=299))
        signed = accounts.authenticate(ws2, "wangkun", PASSWORD, now=at)
        assert signed.username == "wangkun"
        row = user(ws2, user_id)
        assert row.failed_attempts == 0 and row.locked_until is None and row.last_login == at
        # After a success the count starts again from zero.
        with pytest.raises(SignInError) as err:
            accounts.authenticate(ws2, "wangkun", "bad", now=at)
        assert err.value.wait_seconds == 0
    finally:
        ws2.close()


def test_lock_seconds() -> None:
    assert [accounts.lock_seconds(n) for n in range(12)] == [0, 0, 0, 5, 10, 20, 40, 80, 160, 300, 300, 300]
    assert accounts.wait_text(5) == "5 秒" and accounts.wait_text(300) == "5 分钟" and accounts.wait_text(61) == "1 分 1 秒"


def test_a_new_password_lifts_the_lock(ws) -> None:
    user_id = add(ws)
    for _ in range(4):
        with pytest.raises(SignInError):
            accounts.authenticate(ws, "wangkun", "bad", now=T0)
    with ws.write() as s:
        accounts.set_password(s, user_id, "Fresh#Start1")
    assert user(ws, user_id).failed_attempts == 0
    assert accounts.authenticate(ws, "wangkun", "Fresh#Start1", now=T0).username == "wangkun"
    with pytest.raises(SignInError):
        accounts.authenticate(ws, "wangkun", PASSWORD, now=T0)


def test_a_viewer_can_still_sign_in(ws) -> None:
    """authenticate() writes its counter whatever the current role (a viewer's idle lock)."""
    add(ws)
    add(ws, "lili", role="viewer", display_name="李丽")
    ws.role = "viewer"
    with pytest.raises(SignInError):
        accounts.authenticate(ws, "lili", "bad")
    assert accounts.authenticate(ws, "lili", PASSWORD).role == "viewer"


# --- roles ----------------------------------------------------------------------------------------
def test_viewer_cannot_write(ws) -> None:
    ws.role = "viewer"
    with pytest.raises(PermissionDenied, match="只能查看和打印"):
        ws.write()


def test_editor_cannot_change_settings(ws) -> None:
    ws.role = "editor"
    with pytest.raises(PermissionDenied, match="只有管理员可以修改社区信息"), ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区"))
    with ws.read() as s:
        nodes = categories.list_categories(s)
        teams = volunteers.list_teams(s)
    for action in (lambda s: categories.add_category(s, "新类别"),
                   lambda s: categories.rename_category(s, nodes[0].id, "改名"),
                   lambda s: categories.delete_category(s, nodes[-1].id),
                   lambda s: volunteers.add_team(s, "新队伍"),
                   lambda s: volunteers.rename_team(s, teams[0].id, "改名"),
                   lambda s: volunteers.delete_team(s, teams[0].id),
                   lambda s: volunteers.set_star_thresholds(s, "100/300/600/1000/1500")):
        with pytest.raises(PermissionDenied, match="只有管理员可以"), ws.write() as s:
            action(s)
    ws.role = "admin"
    with ws.write() as s:
        save_profile(s, CommunityProfile(name="惠泉社区"))
        volunteers.add_team(s, "新队伍")


def test_require_admin_defaults_to_admin_without_accounts(ws) -> None:
    with ws.read() as s:  # a plain session (no role in its info): no accounts, everyone is admin
        accounts.require_admin(s)
    with ws.write() as s:
        accounts.require_admin(s)


def test_idle_lock_minutes_setting(ws) -> None:
    with ws.read() as s:
        assert accounts.idle_lock_minutes(s) == 10
    with ws.write() as s:
        assert accounts.set_idle_lock_minutes(s, "０") == 0
    with ws.read() as s:
        assert accounts.idle_lock_minutes(s) == 0
    for bad in (-1, 481, "十"):
        with pytest.raises(ValidationError, match="0 到 480"), ws.write() as s:
            accounts.set_idle_lock_minutes(s, bad)
    with ws.write() as s:
        accounts.set_idle_lock_minutes(s, 15)
    with ws.read() as s:
        assert accounts.idle_lock_minutes(s) == 15
