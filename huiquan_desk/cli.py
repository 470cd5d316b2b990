"""Command line: the same services without a window.

    huiquan-desk [--data-dir DIR]                 open the window
    huiquan-desk demo                             fill a demo community (empty folders only)
    huiquan-desk import activities|volunteers FILE.xlsx [--dry-run]
    huiquan-desk export activities --format xlsx|pdf -o FILE [--from D] [--to D] [--category NAME]
    huiquan-desk export volunteers|service-hours --format xlsx|pdf -o FILE [--from D] [--to D]
    huiquan-desk export certificate --volunteer ID-OR-NUMBER -o FILE.pdf [--from D] [--to D]
    huiquan-desk backup [-o FILE-OR-FOLDER]       one zip: database snapshot + attachments + manifest
    huiquan-desk restore FILE.zip [--yes]         replace the data with a backup (asks first)
    huiquan-desk check                            database, attachment and backup integrity
    huiquan-desk user add|list|passwd|disable     accounts of the optional sign-in

Once an account exists, `--user NAME` signs in (the password from the terminal, or from
HUIQUAN_PASSWORD when there is no terminal): writes, backups and exports of personal data are
refused without it, and the audit trail records the account, never the operating-system login.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date
from pathlib import Path

from huiquan_desk import __version__
from huiquan_desk.domain.errors import HuiquanError, ValidationError
from huiquan_desk.paths import DATA_DIR_ENV, data_dir

PASSWORD_ENV = "HUIQUAN_PASSWORD"  # the sign-in password for scripts (no terminal)
NEW_PASSWORD_ENV = "HUIQUAN_NEW_PASSWORD"  # a new account's password for scripts (no terminal)
ROLES = {"admin": "管理员", "editor": "录入员", "viewer": "查看"}


def _date(value: str) -> date:
    from huiquan_desk.domain.dates import parse_date

    try:
        parsed = parse_date(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    if parsed is None:
        raise argparse.ArgumentTypeError("日期不能为空")
    return parsed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="huiquan-desk", description="惠泉台账：社区文明创建工作台账")
    parser.add_argument("--data-dir", help=f"数据文件夹（默认读取环境变量 {DATA_DIR_ENV}，再用系统的用户数据目录）")
    parser.add_argument("--user", help=f"登录的用户名（设置了账号以后，修改数据、备份和导出个人信息都要登录；"
                                       f"密码在终端输入，没有终端时读环境变量 {PASSWORD_ENV}）")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command")

    sub.add_parser("demo", help="在空的数据文件夹里生成演示社区（近十二个月的活动和照片）")
    sub.add_parser("check", help="检查数据库完整性、附件文件和备份，有问题时以非零状态退出")
    bak = sub.add_parser("backup", help="立即备份（数据库快照 + 附件 + 校验清单，一个 zip 文件）")
    bak.add_argument("-o", "--output", type=Path,
                     help="备份文件或文件夹（如 U 盘）；默认放在数据文件夹的 backups/ 里")
    res = sub.add_parser("restore", help="用备份替换当前数据（当前数据会先自动备份）")
    res.add_argument("file", type=Path, help="备份文件 .zip")
    res.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    imp = sub.add_parser("import", help="从 Excel 导入")
    imp_sub = imp.add_subparsers(dest="what", required=True)
    for what, text in (("activities", "导入活动台账 .xlsx"), ("volunteers", "导入志愿者花名册 .xlsx")):
        imp_one = imp_sub.add_parser(what, help=text)
        imp_one.add_argument("file", type=Path)
        imp_one.add_argument("--dry-run", action="store_true", help="只检查不写入")

    exp = sub.add_parser("export", help="导出台账")
    exp_sub = exp.add_subparsers(dest="what", required=True)
    exp_act = exp_sub.add_parser("activities", help="活动台账")
    exp_act.add_argument("--format", choices=["xlsx", "pdf"], help="默认按文件扩展名")
    exp_act.add_argument("-o", "--output", type=Path, required=True)
    exp_act.add_argument("--from", dest="date_from", type=_date)
    exp_act.add_argument("--to", dest="date_to", type=_date)
    exp_act.add_argument("--category", help="类别名称或路径，如 传统节日 或 社会环境/传统节日")
    for what, text in (("volunteers", "志愿者花名册（身份证号、电话已遮盖）"), ("service-hours", "志愿服务记录台账")):
        exp_one = exp_sub.add_parser(what, help=text)
        exp_one.add_argument("--format", choices=["xlsx", "pdf"], help="默认按文件扩展名")
        exp_one.add_argument("-o", "--output", type=Path, required=True)
        exp_one.add_argument("--from", dest="date_from", type=_date)
        exp_one.add_argument("--to", dest="date_to", type=_date)
    exp_cert = exp_sub.add_parser("certificate", help="出具志愿服务记录证明（PDF，登记簿取号）")
    exp_cert.add_argument("--volunteer", required=True, help="身份证号或志愿者编号")
    exp_cert.add_argument("-o", "--output", type=Path, required=True)
    exp_cert.add_argument("--from", dest="date_from", type=_date, help="证明时段开始（默认不限）")
    exp_cert.add_argument("--to", dest="date_to", type=_date, help="证明时段结束（默认今天）")
    exp_cert.add_argument("--handler", help="经办人（默认上次出具证明时填写的）")
    exp_cert.add_argument("--contact", help="联系方式（默认上次出具证明时填写的）")

    usr = sub.add_parser("user", help="登录账号：新增、列出、改密码、停用（有账号后需要管理员登录）")
    usr_sub = usr.add_subparsers(dest="action", required=True)
    add = usr_sub.add_parser("add", help=f"新增账号（第一个账号必须是管理员；密码在终端输入，没有终端时读 {NEW_PASSWORD_ENV}）")
    add.add_argument("name", help="用户名")
    add.add_argument("--role", required=True, choices=list(ROLES), help="admin 管理员 / editor 录入员 / viewer 查看")
    add.add_argument("--display-name", default="", help="姓名（记入操作日志和证明，如 王堃）")
    usr_sub.add_parser("list", help="列出全部账号")
    pw = usr_sub.add_parser("passwd", help=f"重设密码（密码在终端输入，没有终端时读 {NEW_PASSWORD_ENV}）")
    pw.add_argument("name", help="用户名")
    off = usr_sub.add_parser("disable", help="停用账号（操作日志保留它的记录）")
    off.add_argument("name", help="用户名")
    return parser


_LOCKS: list = []  # type: ignore[type-arg]  # held until the process ends


def _open(args: argparse.Namespace, writes: bool = False, daily_backup: bool = True):  # type: ignore[no-untyped-def]
    """The workspace, signed in as `--user` when accounts exist; commands that write first take
    the data folder's lock, so they never write beside an open window (reads and exports run
    alongside it)."""
    from huiquan_desk.services.workspace import open_workspace
    from huiquan_desk.storage.guard import DataLock

    data = data_dir(args.data_dir)
    if writes:
        _LOCKS.append(DataLock(data).acquire())
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


def _sign_in(ws, args: argparse.Namespace) -> None:  # type: ignore[no-untyped-def]
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


def cmd_demo(args: argparse.Namespace) -> int:
    from huiquan_desk.services.demo import fill_demo

    ws = _open(args, writes=True)
    summary = fill_demo(ws)
    print(f"演示数据已生成：{summary.activities} 项活动，{summary.photos} 张照片，{summary.sign_ins} 份签到表；"
          f"{summary.volunteers} 名志愿者，{summary.service_records} 条服务记录，{summary.certificates} 份证明。")
    print(f"数据文件夹：{ws.data.root}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from huiquan_desk.services.integrity import check

    ws = _open(args)
    with ws.read() as session:
        report = check(session, ws.files, data=ws.data)
    print(f"数据文件夹：{ws.data.root}")
    for note in report.notes:
        print(f"  ✓ {note}")
    for problem in report.problems:
        print(f"  ✗ {problem}")
    print("检查通过。" if report.ok else f"发现 {len(report.problems)} 个问题。")
    return 0 if report.ok else 1


RESTORE_QUESTION = "恢复会用备份替换当前数据（当前数据会先自动备份），确定吗？[y/N] "


def _counts_line(info) -> str:  # type: ignore[no-untyped-def]
    from huiquan_desk.storage.backups import human_size

    return f"{info.summary()}；{human_size(info.size)}"


def cmd_backup(args: argparse.Namespace) -> int:
    from huiquan_desk.services.backups import back_up

    ws = _open(args, writes=True, daily_backup=False)
    try:
        info = back_up(ws, args.output)  # the zip and its audit entry: one act
    finally:
        ws.close()
    print(f"已备份到 {info.path}")
    print(f"  {_counts_line(info)}")
    if info.missing:
        print(f"  注意：{len(info.missing)} 个附件文件缺失，没有放进备份（运行 check 查看）。")
    return 0


def _confirmed() -> bool:
    print(RESTORE_QUESTION, end="", flush=True)
    try:
        answer = sys.stdin.readline() if sys.stdin is not None else ""
    except (OSError, ValueError):
        answer = ""
    if not (sys.stdin is not None and sys.stdin.isatty()):
        print()  # the answer came from a pipe: end the question's line
    return answer.strip().lower() in ("y", "yes", "是")


def cmd_restore(args: argparse.Namespace) -> int:
    from huiquan_desk.services.workspace import open_workspace
    from huiquan_desk.storage import backups

    data = data_dir(args.data_dir)
    info = backups.inspect_backup(args.file, cap=backups.max_member_bytes(data.database))
    print(f"备份文件：{args.file}")
    if info.problems:
        print("这个备份不能用来恢复，当前数据没有任何改动：", file=sys.stderr)
        for problem in info.problems:
            print(f"  ✗ {problem}", file=sys.stderr)
        return 1
    print(f"  {_counts_line(info)}")  # what the backup's database holds, not what its manifest says
    ws = _open(args, writes=True, daily_backup=False)  # signed in before anything changes
    try:
        ws.require_admin("从备份恢复")
        operator, role = ws.operator, ws.role
    finally:
        ws.close()
    if not args.yes and not _confirmed():
        print("\n已取消，当前数据没有任何改动。")
        return 1
    report = backups.restore_backup(data, args.file)
    print(f"已从备份恢复：{info.summary()}")
    print(f"  复制回 {report.files_added} 个附件文件，移除 {report.files_removed} 个不属于该备份的文件。")
    if report.safety_backup is not None:
        print(f"  恢复前的数据已保存到 {report.safety_backup}")
    for note in report.notes:
        print(f"  注意：{note}")
    ws = open_workspace(data, daily_backup=False)  # migrates a backup from an older version
    try:
        ws.sign_in(operator, role)  # whoever restored, as signed in before (the accounts may differ now)
        ws.log("restore_backup", "backups", f"从备份 {info.path.name} 恢复", {"文件": str(info.path)})
    except HuiquanError as err:
        print(f"  注意：恢复已完成，但没能记入操作日志：{err}", file=sys.stderr)
    finally:
        ws.close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    if args.what == "volunteers":
        from huiquan_desk.services.volunteer_import import import_volunteers as run
        noun = "名志愿者"
    else:
        from huiquan_desk.services.activity_import import import_activities as run
        noun = "项活动"
    ws = _open(args, writes=not args.dry_run)
    scope = ws.preview() if args.dry_run else ws.write()
    with scope as session:
        report = run(session, args.file)
    if args.dry_run:
        print(f"检查通过：{report.rows_read} 行可以导入（表头在第 {report.header_row} 行）。未写入任何数据。")
    else:
        print(f"已导入 {report.created} {noun}。")
    return 0


def _find_volunteer(session, text: str) -> int:  # type: ignore[no-untyped-def]
    from huiquan_desk.services.volunteers import find_by_id_number, find_by_number

    found = find_by_id_number(session, text) or find_by_number(session, text)
    if found is None:
        raise ValidationError.single("志愿者", f"没有身份证号或编号为「{text}」的志愿者")
    return found


def cmd_export_volunteers(args: argparse.Namespace) -> int:
    from huiquan_desk.services import exporting

    ws = _open(args, writes=args.what == "certificate")
    if args.what == "certificate":
        from dataclasses import replace

        from huiquan_desk.services.certificates import issuer_defaults

        with ws.read() as session:
            issuer = issuer_defaults(session)
            volunteer_id = _find_volunteer(session, args.volunteer)
        issuer = replace(issuer, handler=args.handler or issuer.handler, contact=args.contact or issuer.contact)
        # number, PDF and audit entry: one act (a failed PDF takes no number, an unlogged one no file)
        info = exporting.issue_certificate_file(ws, volunteer_id, args.date_from, args.date_to or date.today(),
                                                issuer, args.output)
        print(f"已出具证明 {info.number}（{info.name}），保存到 {args.output}")
        return 0
    fmt = exporting.format_from_path(args.output, args.format)
    if args.what == "volunteers":
        entity, title = "volunteers", "志愿者花名册"

        def write(session, out):  # type: ignore[no-untyped-def]
            return exporting.export_volunteers(session, out, fmt)
    else:
        entity, title = "service_records", "志愿服务记录台账"

        def write(session, out):  # type: ignore[no-untyped-def]
            return exporting.export_service_hours(session, out, fmt, start=args.date_from, end=args.date_to)
    count = exporting.write_logged(ws, args.output, entity, title, write)  # personal data: who printed what
    print(f"已导出 {title}（{count} 条）到 {args.output}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.what != "activities":
        return cmd_export_volunteers(args)
    from huiquan_desk.services.activities import ActivityFilter
    from huiquan_desk.services.categories import list_categories, resolve_category
    from huiquan_desk.services.exporting import export_activities

    ws = _open(args)
    with ws.read() as session:
        category_id = None
        if args.category:
            node = resolve_category(list_categories(session), args.category)
            if node is None:
                raise ValidationError.single("类别", f"没有名为「{args.category}」的类别")
            category_id = node.id
        flt = ActivityFilter(date_from=args.date_from, date_to=args.date_to, category_id=category_id)
        count = export_activities(session, flt, args.output, args.format)
    print(f"已导出 {count} 项活动到 {args.output}")
    return 0


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
            print(f"已新增账号「{accounts.normalize_username(args.name)}」（{ROLES[args.role]}）。"
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


COMMANDS = {"demo": cmd_demo, "check": cmd_check, "import": cmd_import, "export": cmd_export,
            "backup": cmd_backup, "restore": cmd_restore, "user": cmd_user}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from huiquan_desk.ui.app import run

        return run(args.data_dir)
    try:
        return COMMANDS[args.command](args)
    except HuiquanError as err:
        print(f"{err.title}：\n{err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已取消。", file=sys.stderr)
        return 130
    except Exception as err:  # a bug: one line for the user, the traceback for the log file
        log = logging.getLogger("huiquan_desk")
        if log.handlers:  # the data folder's log file, once a workspace was opened
            log.exception("command %s failed", args.command)
        if os.environ.get("HUIQUAN_DEBUG"):
            raise
        print(f"程序出错：{type(err).__name__}: {err}\n详细记录在数据文件夹的 logs/huiquan.log，"
              "请把这段话和日志发给技术支持。", file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
