"""Accounts and the community profile: `user add|list|passwd|disable`, `profile [set]`."""

from __future__ import annotations

import argparse
import sys

from huiquan_desk.cli.options import NEW_PASSWORD_ENV, PROFILE_FIELDS
from huiquan_desk.cli.session import _open, _read_secret
from huiquan_desk.domain.errors import ValidationError


def cmd_user(args: argparse.Namespace) -> int:
    from huiquan_desk.services import accounts

    ws = _open(args, writes=args.action != "list", daily_backup=False)
    try:
        ws.require_admin("管理账号")
        if args.action == "list":
            with ws.read() as session:
                users = accounts.list_users(session)
            if not users:
                print("还没有设置任何账号（不需要登录）。新增第一个管理员账号：huiquan-desk user add 用户名 --role admin")
            for user in users:
                state = "启用" if user.active else "已停用"
                last = f"，上次登录 {user.last_login:%Y-%m-%d %H:%M}" if user.last_login else ""
                print(f"{user.username}\t{user.display_name or '—'}\t{user.role_label}\t{state}{last}")
            return 0
        if args.action == "add":
            password = _new_password(args.name)
            with ws.write() as session:
                accounts.create_user(session, args.name, args.display_name, args.role, password)
            print(f"已新增账号「{accounts.normalize_username(args.name)}」（{accounts.ROLE_LABELS[args.role]}）。"
                  "以后修改数据、备份和导出个人信息时请加 --user 登录。")
            return 0
        with ws.read() as session:
            user = accounts.find_user(session, args.name)
        if args.action == "passwd":
            password = _new_password(user.username)
            with ws.write() as session:
                accounts.set_password(session, user.id, password)
            print(f"已重设账号「{user.username}」的密码。")
        else:
            with ws.write() as session:
                accounts.update_user(session, user.id, active=False)
            print(f"已停用账号「{user.username}」。")
        return 0
    finally:
        ws.close()


def _new_password(username: str) -> str:
    from huiquan_desk.services.accounts import check_password

    password = _read_secret(f"账号 {username} 的新密码：", NEW_PASSWORD_ENV)
    check_password(password, username)
    if sys.stdin is not None and sys.stdin.isatty():
        if _read_secret("再输入一次：", NEW_PASSWORD_ENV) != password:
            raise ValidationError.single("确认密码", "两次输入的密码不一致")
    return password


def cmd_profile(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from huiquan_desk.services.settings import PROFILE_LABELS, get_profile, save_profile

    ws = _open(args, writes=args.action == "set", daily_backup=False)
    try:
        with ws.read() as session:
            profile = get_profile(session)
        if args.action == "set":
            changes = {key: getattr(args, key) for _option, key, _label in PROFILE_FIELDS if getattr(args, key) is not None}
            if not changes:
                raise ValidationError.single("社区信息", "请至少给出一项，如 profile set --name 惠泉社区（huiquan-desk profile set --help）")
            with ws.write() as session:
                profile = save_profile(session, replace(profile, **changes))
            print("已保存社区信息：")
        for key, label in PROFILE_LABELS.items():
            print(f"  {label}：{getattr(profile, key) or '（未填写）'}")
        return 0
    finally:
        ws.close()
