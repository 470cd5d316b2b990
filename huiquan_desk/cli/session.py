"""Opening the data folder for a command: the start-up policy of the window, the lock for writes,
and signing in with `--user` (the password from a terminal or the environment, never argv)."""

from __future__ import annotations

import argparse
import os
import sys

from huiquan_desk.cli.options import PASSWORD_ENV
from huiquan_desk.paths import data_dir

_LOCKS: list = []  # held until the process ends


def _open(args: argparse.Namespace, writes: bool = False, daily_backup: bool = True):
    """The workspace, after the same start-up policy as the window (services.workspace.open_folder:
    a damaged database is never opened, a network share is warned about), signed in as `--user`
    when accounts exist. Commands that write hold the data folder's lock until the process ends,
    so they never write beside an open window (reads and exports run alongside it)."""
    from huiquan_desk.domain.errors import StorageError
    from huiquan_desk.services.workspace import open_folder, open_workspace

    data = data_dir(args.data_dir)
    opening = open_folder(data, lock=writes)
    if opening.lock is not None:
        _LOCKS.append(opening.lock)
    if opening.network_share:
        print(opening.network_warning, file=sys.stderr)
    if opening.damaged:
        raise StorageError(opening.damaged_message(command_line=True))
    ws = open_workspace(data, daily_backup=daily_backup)
    try:
        _sign_in(ws, args)
    except BaseException:
        ws.close()
        raise
    return ws


def _read_secret(prompt: str, env: str) -> str:
    """A password: typed at the terminal (not echoed), or from `env` when there is no terminal."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(prompt)
        except EOFError:
            return ""
    value = os.environ.get(env)
    if value is None:
        from huiquan_desk.services.accounts import SignInError

        raise SignInError(f"没有终端可以输入密码：请在环境变量 {env} 里提供密码。")
    return value


def _sign_in(ws, args: argparse.Namespace) -> None:
    from huiquan_desk.services.accounts import authenticate
    from huiquan_desk.services.permissions import NOBODY

    if ws.role != NOBODY:  # no account set up: everyone counts as admin, as before
        if args.user:
            print(f"注意：还没有设置任何账号，不需要 --user {args.user}。", file=sys.stderr)
        return
    if not args.user:
        return  # reads only: writes and personal data are refused with a message saying to sign in
    signed = authenticate(ws, args.user, _read_secret(f"{args.user} 的密码：", PASSWORD_ENV))
    ws.sign_in(signed.operator, signed.role)
