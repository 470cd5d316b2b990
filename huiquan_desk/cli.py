"""Command line: the same services without a window.

    huiquan-desk [--data-dir DIR]                 open the window
    huiquan-desk demo                             fill a demo community (empty folders only)
    huiquan-desk import activities|volunteers|households FILE.xlsx [--dry-run]
    huiquan-desk template activities|volunteers|households [-o FILE.xlsx]
    huiquan-desk export activities --format xlsx|pdf -o FILE [--from D] [--to D] [--category NAME]
    huiquan-desk export volunteers|service-hours --format xlsx|pdf -o FILE [--from D] [--to D]
    huiquan-desk export certificate --volunteer ID-OR-NUMBER -o FILE.pdf [--from D] [--to D]
    huiquan-desk assess [--from D] [--to D]       self-assessment (测评自查): each item's grade, score and
                                                  problems; exits 1 if any item is C#
    huiquan-desk campaigns                        civic family campaigns, one a line: id, kind, year, stage, title
    huiquan-desk export nominations|review --campaign ID --format xlsx|pdf -o FILE   推荐名单 / 评议结果
    huiquan-desk export families [--year 2026] --format xlsx|pdf -o FILE              文明家庭创建台账
    huiquan-desk export households [--search TEXT] --format xlsx|pdf -o FILE          家庭花名册
    huiquan-desk export notice --campaign ID -o FILE.pdf    the 公示 of a campaign's result (公示 stage on)
    huiquan-desk export plaques --campaign ID -o FILE.pdf   荣誉证书, a page per household (表彰 stage on)
    huiquan-desk export rectifications|checklist [--from D] [--to D] --format xlsx|pdf -o FILE   整改台账 / 测评自查表
    huiquan-desk export supervision-order --id N -o FILE.pdf   督办单 of one rectification
    huiquan-desk backup [-o FOLDER-OR-FILE.zip] [--single-file]   snapshot + manifest; photos into the
                                                  folder's huiquan-store once each (or all inside one zip)
    huiquan-desk restore FILE.zip [--yes]         replace the data with a backup (asks first)
    huiquan-desk check                            database, attachment and backup integrity, archive fixity
    huiquan-desk archive file --year YYYY         file every unfiled record of the year, fix the numbering
    huiquan-desk archive check                    the archive's fixity check (SHA-256, files open, added files)
    huiquan-desk archive due --by YYYY            items whose retention ends by that year
    huiquan-desk archive rounds                   destruction rounds, one a line (id for export destruction-list --round)
    huiquan-desk archive verify-package PATH      check a hand-over package against its manifest
    huiquan-desk export archive-package --year YYYY -o DIR_OR_ZIP   the year's hand-over package
    huiquan-desk export archive-catalog --year YYYY [--retention Y|D30|D10] --format xlsx|pdf -o FILE  归档文件目录
    huiquan-desk export box-labels|box-sheets|stamps --year YYYY [--retention R] -o FILE.pdf   盒脊 / 备考表 / 归档章
    huiquan-desk export archive-photos --year YYYY -o FILE.pdf   照片目录 (photos of the year's items)
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


def _date(value: str) -> date:
    from huiquan_desk.domain.dates import parse_date

    try:
        parsed = parse_date(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    if parsed is None:
        raise argparse.ArgumentTypeError("日期不能为空")
    return parsed


def _year(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("年度应为 4 位年份，如 2026") from None


def _campaign_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("评选编号应为数字（huiquan-desk campaigns 列出每项评选的编号）") from None


def _round_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("销毁鉴定编号应为数字（huiquan-desk archive rounds 列出每次鉴定的编号）") from None


# How each ledger parameter (services.ledgers.LedgerParams) is typed on the command line. Names
# (a category, a team) are turned into ids by `_ledger_params`.
LEDGER_OPTIONS: dict[str, tuple[str, dict]] = {
    "date_from": ("--from", {"type": _date, "metavar": "日期", "help": "开始日期，如 2026-01-01"}),
    "date_to": ("--to", {"type": _date, "metavar": "日期", "help": "结束日期，如 2026-12-31"}),
    "category_id": ("--category", {"metavar": "类别", "help": "类别名称或路径，如 传统节日 或 社会环境/传统节日"}),
    "team_id": ("--team", {"metavar": "队伍", "help": "队伍名称"}),
    "year": ("--year", {"type": _year, "metavar": "年度", "help": "年度，如 2026"}),
    "text": ("--search", {"default": "", "metavar": "文字", "help": "检索文字"}),
    "entity": ("--entity", {"metavar": "对象", "help": "对象（数据表名，如 volunteers）"}),
    "user": ("--operator", {"metavar": "姓名", "help": "操作人"}),
    "status": ("--status", {"choices": ["已开展", "计划中", "已归档", "全部"], "metavar": "状态",
                            "help": "已开展 / 计划中 / 已归档 / 全部（默认：已开展和已归档，不含计划中）"}),
    "without_photos": ("--without-photos", {"action": "store_true", "help": "只导出没有照片的活动"}),
    "campaign_id": ("--campaign", {"type": _campaign_id, "metavar": "编号",
                                   "help": "评选编号（huiquan-desk campaigns 列出）"}),
    "round_id": ("--round", {"type": _round_id, "metavar": "编号",
                             "help": "销毁鉴定编号（huiquan-desk archive rounds 列出）"}),
    "retention": ("--retention", {"choices": ["Y", "D30", "D10"],
                                  "help": "保管期限：Y 永久、D30 定期30年、D10 定期10年（默认：全部，每个期限各一份）"}),
}


# `profile set` options: (option, services.settings.CommunityProfile field, label)
PROFILE_FIELDS = (("--name", "name", "社区名称"), ("--street", "street", "所属街道/镇"),
                  ("--fonds-code", "fonds_code", "全宗号"), ("--leader", "leader", "负责人"),
                  ("--preparer", "preparer", "填表人"), ("--phone", "phone", "联系电话"))
# `export notice|plaques`: the documents of a campaign (services.family_prints.PRINTS), not ledgers.
FAMILY_PRINTS = {"notice": "评选结果公示，公示阶段起：当选家庭的户主和楼栋、公示时间、异议方式、落款和盖章处",
                 "plaques": "荣誉证书，表彰阶段起：每户当选家庭一页，A4 横向"}
# `export box-labels|box-sheets|stamps|archive-photos`: the archive prints (services.archive_prints), PDF only.
ARCHIVE_PRINTS = {"box-labels": "档案盒盒脊：按实际盒脊厚度（20/30/40/50 mm），A4 纸上并排，带裁切线",
                  "box-sheets": "档案盒备考表：每盒一页，盒内文件情况说明、整理人、检查人",
                  "stamps": "归档章：每件一个，A4 纸上排列，裁下贴在文件首页",
                  "archive-photos": "照片目录：该年度档案中的每张照片及其说明（含居民姓名和照片：需要登录，记入操作日志）"}


def build_parser() -> argparse.ArgumentParser:
    from huiquan_desk.services.imports import IMPORTS
    from huiquan_desk.services.ledgers import LEDGERS
    from huiquan_desk.services.permissions import Role

    parser = argparse.ArgumentParser(prog="huiquan-desk", description="惠泉台账：社区文明创建工作台账")
    parser.add_argument("--data-dir", help=f"数据文件夹（默认读取环境变量 {DATA_DIR_ENV}，再用系统的用户数据目录）")
    parser.add_argument("--user", help=f"登录的用户名（设置了账号以后，修改数据、备份和导出个人信息都要登录；"
                                       f"密码在终端输入，没有终端时读环境变量 {PASSWORD_ENV}）")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command")

    sub.add_parser("demo", help="在空的数据文件夹里生成演示社区（近十二个月的活动和照片）")
    sub.add_parser("check", help="检查数据库完整性、附件文件和备份，有问题时以非零状态退出")
    bak = sub.add_parser("backup", help="立即备份（数据库快照和校验清单；照片存入同一文件夹的 huiquan-store，每张只存一份）")
    bak.add_argument("-o", "--output", type=Path,
                     help="备份到的文件夹（如 U 盘，第二次起只复制新增的照片）或文件名 .zip（单个文件，含全部照片）；"
                          "默认放在数据文件夹的 backups/ 里")
    bak.add_argument("--single-file", action="store_true",
                     help="写成一个独立的 zip 文件（含全部照片，便于发给别人），而不是共用 huiquan-store")
    res = sub.add_parser("restore", help="用备份替换当前数据（当前数据会先自动备份）")
    res.add_argument("file", type=Path, help="备份文件 .zip")
    res.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    imp = sub.add_parser("import", help="从 Excel 导入（先用 template 命令得到模板）")
    imp_sub = imp.add_subparsers(dest="what", required=True, metavar="{导入}")
    tpl = sub.add_parser("template", help="保存导入模板 .xlsx（表头、填写说明和示例、可选的类别或队伍）")
    tpl_sub = tpl.add_subparsers(dest="what", required=True, metavar="{模板}")
    for entry in IMPORTS.values():
        imp_one = imp_sub.add_parser(entry.key, help=f"导入{entry.title} .xlsx")
        imp_one.add_argument("file", type=Path)
        imp_one.add_argument("--dry-run", action="store_true", help="只检查不写入")
        tpl_one = tpl_sub.add_parser(entry.key, help=f"{entry.title}的导入模板")
        tpl_one.add_argument("-o", "--output", type=Path, default=None, metavar="文件",
                             help=f"保存到的文件（默认：当前文件夹的 {entry.template_name}）")

    exp = sub.add_parser("export", help="导出台账（每一种台账见下面的列表）")
    exp_sub = exp.add_subparsers(dest="what", required=True, metavar="{台账}")
    for entry in LEDGERS.values():  # every ledger of the registry, with the options it takes
        note = "，含个人信息：需要登录，记入操作日志" if entry.personal else ""
        one = exp_sub.add_parser(entry.key, help=f"{entry.title}{note}")
        one.add_argument("--format", choices=["xlsx", "pdf"], help="默认按文件扩展名")
        one.add_argument("-o", "--output", type=Path, required=True, metavar="文件", help="保存到的文件（.xlsx 或 .pdf）")
        for param in entry.params:
            option, kwargs = LEDGER_OPTIONS[param]
            one.add_argument(option, dest=param, **kwargs)
    photos = exp_sub.add_parser("photos", help="活动图片记录：每项活动的照片（附说明）和签到表，PDF 或文件夹（含个人信息：需要登录，记入操作日志）")
    photos.add_argument("--format", choices=["pdf", "folder"], default=None,
                        help="pdf（默认，A4 图片记录页）或 folder（原始照片文件 + 说明文字，如 2026-03-05_重阳节敬老活动_01.jpg）")
    photos.add_argument("-o", "--output", type=Path, required=True, metavar="文件或文件夹",
                        help="PDF 文件，或要新建的文件夹")
    for param in ("date_from", "date_to", "category_id", "status", "text"):
        option, kwargs = LEDGER_OPTIONS[param]
        photos.add_argument(option, dest=param, **kwargs)
    exp_cert = exp_sub.add_parser("certificate", help="出具志愿服务记录证明（PDF，登记簿取号）")
    exp_cert.add_argument("--volunteer", required=True, help="身份证号或志愿者编号")
    exp_cert.add_argument("-o", "--output", type=Path, required=True)
    exp_cert.add_argument("--from", dest="date_from", type=_date, help="证明时段开始（默认不限）")
    exp_cert.add_argument("--to", dest="date_to", type=_date, help="证明时段结束（默认今天）")
    exp_cert.add_argument("--handler", help="经办人（默认上次出具证明时填写的）")
    exp_cert.add_argument("--contact", help="联系方式（默认上次出具证明时填写的）")
    for key, help_text in FAMILY_PRINTS.items():  # services.family_prints.PRINTS
        one = exp_sub.add_parser(key, help=f"{help_text}（PDF，含居民姓名：需要登录，记入操作日志）")
        one.add_argument("-o", "--output", type=Path, required=True, metavar="文件", help="保存到的文件（.pdf）")
        option, kwargs = LEDGER_OPTIONS["campaign_id"]
        one.add_argument(option, dest="campaign_id", required=True, **kwargs)
    order = exp_sub.add_parser("supervision-order", help="督办单：一个整改问题一页（PDF，A4 纵向，带签字栏和盖章处）")
    order.add_argument("--id", dest="rectification_id", type=int, required=True, metavar="编号",
                       help="整改问题的编号（见整改台账）")
    order.add_argument("-o", "--output", type=Path, required=True, metavar="文件", help="保存到的文件（.pdf）")
    pkg = exp_sub.add_parser("archive-package", help="档案移交包：按保管期限分文件夹、以档号命名的文件，归档文件目录 .xlsx，"
                                                     "SHA-256 校验清单（含照片和签到表：需要登录，记入操作日志）")
    pkg.add_argument("--year", type=_year, required=True, metavar="年度", help="年度，如 2025")
    pkg.add_argument("-o", "--output", type=Path, required=True, metavar="文件夹或zip",
                     help="要新建的文件夹（或空文件夹），或 .zip 文件名")
    for key, help_text in ARCHIVE_PRINTS.items():  # services.archive_prints
        one = exp_sub.add_parser(key, help=f"{help_text}（PDF）")
        one.add_argument("-o", "--output", type=Path, required=True, metavar="文件", help="保存到的文件（.pdf）")
        one.add_argument("--year", type=_year, required=True, metavar="年度", help="年度，如 2025")
        if key != "archive-photos":
            option, kwargs = LEDGER_OPTIONS["retention"]
            one.add_argument(option, dest="retention", **kwargs)
    assess = sub.add_parser("assess", help="测评自查：按测评项目逐项评定档次、得分并列出问题（还没有测评项目时先生成默认项目）；"
                                           "有 C# 档的项目时以状态 1 退出")
    assess.add_argument("--from", dest="date_from", type=_date, metavar="日期", help="评定时段开始，默认本年 1 月 1 日")
    assess.add_argument("--to", dest="date_to", type=_date, metavar="日期", help="评定时段结束，默认今天")
    sub.add_parser("campaigns", help="列出文明家庭等评选：编号、类型、年度、阶段、名称（编号用于 --campaign）")

    arc = sub.add_parser("archive", help="档案：归档、检测、到期鉴定、移交包核对")
    arc_sub = arc.add_subparsers(dest="action", required=True, metavar="{操作}")
    arc_file = arc_sub.add_parser("file", help="把该年度所有未归档的活动和评选归档（按保管期限表），并固定件号")
    arc_file.add_argument("--year", type=_year, required=True, metavar="年度", help="年度，如 2025")
    arc_sub.add_parser("check", help="档案检测：核对每个档案文件的 SHA-256、能否打开，找出缺失、被改动和多出的文件；有问题时以非零状态退出")
    arc_due = arc_sub.add_parser("due", help="列出保管期限在某年底前届满的档案（永久保管的不列）")
    arc_due.add_argument("--by", type=_year, required=True, metavar="年度", help="到期年度，如 2025")
    arc_sub.add_parser("rounds", help="列出销毁鉴定：编号、到期年度、鉴定日期、销毁和续存件数（编号用于 export destruction-list --round）")
    arc_verify = arc_sub.add_parser("verify-package", help="按清单核对档案移交包（文件夹或 zip）；有问题时以非零状态退出")
    arc_verify.add_argument("path", type=Path, metavar="文件夹或zip")

    prof = sub.add_parser("profile", help="社区信息：不带参数时显示；profile set 修改（有账号后需要管理员登录）")
    prof_sub = prof.add_subparsers(dest="action")
    prof_set = prof_sub.add_parser("set", help="修改社区信息（只改给出的项）")
    for option, key, label in PROFILE_FIELDS:
        prof_set.add_argument(option, dest=key, metavar=label, help=f"{label}")

    usr = sub.add_parser("user", help="登录账号：新增、列出、改密码、停用（有账号后需要管理员登录）")
    usr_sub = usr.add_subparsers(dest="action", required=True)
    add = usr_sub.add_parser("add", help=f"新增账号（第一个账号必须是管理员；密码在终端输入，没有终端时读 {NEW_PASSWORD_ENV}）")
    add.add_argument("name", help="用户名")
    add.add_argument("--role", required=True, choices=[role.value for role in Role],
                     help=" / ".join(f"{role.value} {role.label}" for role in Role))
    add.add_argument("--display-name", default="", help="姓名（记入操作日志和证明，如 王堃）")
    usr_sub.add_parser("list", help="列出全部账号")
    pw = usr_sub.add_parser("passwd", help=f"重设密码（密码在终端输入，没有终端时读 {NEW_PASSWORD_ENV}）")
    pw.add_argument("name", help="用户名")
    off = usr_sub.add_parser("disable", help="停用账号（操作日志保留它的记录）")
    off.add_argument("name", help="用户名")
    return parser


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


def cmd_demo(args: argparse.Namespace) -> int:
    from huiquan_desk.services.demo import fill_demo

    ws = _open(args, writes=True)
    summary = fill_demo(ws)
    print(summary.text())
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
    from huiquan_desk.services.fixity import check_archive

    fixity = check_archive(ws)  # recorded as a 档案检测 event
    for line in fixity.problem_lines:
        report.problems.append(f"档案：{line}")
        print(f"  ✗ 档案：{line}")
    for line in fixity.extra_lines[:20]:
        print(f"  ! 档案：{line}")
    if fixity.ok:
        print(f"  ✓ {fixity.summary}")
    print("检查通过。" if report.ok else f"发现 {len(report.problems)} 个问题。")
    return 0 if report.ok else 1


RESTORE_QUESTION = "恢复会用备份替换当前数据（当前数据会先自动备份），确定吗？[y/N] "


def _counts_line(info) -> str:
    from huiquan_desk.storage.backups import human_size

    return f"{info.summary()}；{human_size(info.size)}"


def cmd_backup(args: argparse.Namespace) -> int:
    from huiquan_desk.services.backups import back_up
    from huiquan_desk.storage.backups import STORE_DIR, human_size

    ws = _open(args, writes=True, daily_backup=False)
    try:
        info = back_up(ws, args.output, single_file=args.single_file)  # the zip and its audit entry: one act
    finally:
        ws.close()
    print(f"已备份到 {info.path}")
    if info.in_store:
        print(f"  照片和签到表在旁边的 {STORE_DIR} 文件夹里（本次新复制 {human_size(info.copied)}）；"
              "复制备份时请连同该文件夹一起复制。")
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
    from huiquan_desk.services import backups
    from huiquan_desk.services.workspace import open_folder, open_workspace

    data = data_dir(args.data_dir)
    opening = open_folder(data)  # the lock, held until the process ends
    _LOCKS.append(opening.lock)
    if opening.damaged:  # nobody can sign in to a damaged database: as the window's start-up offer does
        request = backups.recovery_request(data, args.file)
        info = backups.store.inspect_backup(args.file, cap=request.cap)
    else:
        ws = open_workspace(data, daily_backup=False)
        try:
            _sign_in(ws, args)
            request = backups.request_restore(ws, args.file)  # an admin, signed in before anything changes
            info = backups.inspect(ws, args.file)
        finally:
            ws.close()
    print(f"备份文件：{args.file}")
    if info.problems:
        print("这个备份不能用来恢复，当前数据没有任何改动：", file=sys.stderr)
        for problem in info.problems:
            print(f"  ✗ {problem}", file=sys.stderr)
        return 1
    print(f"  {_counts_line(info)}")  # what the backup's database holds, not what its manifest says
    if not args.yes and not _confirmed():
        print("\n已取消，当前数据没有任何改动。")
        return 1
    report, ws = backups.run_restore(request)
    ws.close()
    print(f"已从备份恢复：{info.summary()}")
    print(f"  复制回 {report.files_added} 个附件文件，移除 {report.files_removed} 个不属于该备份的文件。")
    if report.safety_backup is not None:
        print(f"  恢复前的数据已保存到 {report.safety_backup}")
    for note in report.notes:
        print(f"  注意：{note}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from huiquan_desk.services.imports import import_entry

    entry = import_entry(args.what)
    ws = _open(args, writes=not args.dry_run)
    scope = ws.preview() if args.dry_run else ws.write()
    with scope as session:
        report = entry.run(session, args.file)
    for note in report.notes:
        print(f"注意：{note}")
    if args.dry_run:
        print(f"检查通过：{report.rows_read} 行可以导入（表头在第 {report.header_row} 行）。未写入任何数据。")
    else:
        print(f"已导入 {report.created} {entry.noun}。")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from huiquan_desk.services.imports import import_entry

    entry = import_entry(args.what)
    path = args.output or Path(entry.template_name)
    ws = _open(args, daily_backup=False)
    try:
        with ws.read() as session:
            written = entry.template(session, path)
    finally:
        ws.close()
    print(f"已保存{entry.title}导入模板：{written}（填写说明和示例在「填写说明」表，导入时不读）")
    return 0


def _find_volunteer(session, text: str) -> int:
    from huiquan_desk.services.volunteers import find_by_id_number, find_by_number

    found = find_by_id_number(session, text) or find_by_number(session, text)
    if found is None:
        raise ValidationError.single("志愿者", f"没有身份证号或编号为「{text}」的志愿者")
    return found


def cmd_certificate(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from huiquan_desk.services import exporting
    from huiquan_desk.services.certificates import issuer_defaults

    ws = _open(args, writes=True)
    with ws.read() as session:
        issuer = issuer_defaults(session)
        volunteer_id = _find_volunteer(session, args.volunteer)
    issuer = replace(issuer, handler=args.handler or issuer.handler, contact=args.contact or issuer.contact)
    # number, PDF and audit entry: one act (a failed PDF takes no number, an unlogged one no file)
    info = exporting.issue_certificate_file(ws, volunteer_id, args.date_from, args.date_to or date.today(),
                                            issuer, args.output)
    print(f"已出具证明 {info.number}（{info.name}），保存到 {args.output}")
    return 0


def _ledger_params(session, args: argparse.Namespace, entry):
    """The options of `export <key>` as services.ledgers.LedgerParams (names looked up)."""
    from huiquan_desk.services.ledgers import LedgerParams

    values = {param: getattr(args, param) for param in entry.params}
    if values.get("status"):
        from huiquan_desk.domain.activity import ActivityStatus

        values["status"] = "all" if values["status"] == "全部" else ActivityStatus.from_label(values["status"]).value
    if values.get("category_id"):
        from huiquan_desk.services.categories import list_categories, resolve_category

        node = resolve_category(list_categories(session), values["category_id"])
        if node is None:
            raise ValidationError.single("类别", f"没有名为「{values['category_id']}」的类别")
        values["category_id"] = node.id
    if values.get("team_id"):
        from huiquan_desk.services.volunteers import list_teams

        team = next((t for t in list_teams(session) if t.name == values["team_id"].strip()), None)
        if team is None:
            raise ValidationError.single("队伍", f"没有名为「{values['team_id']}」的队伍")
        values["team_id"] = team.id
    return LedgerParams(**values)


def cmd_photos(args: argparse.Namespace) -> int:
    from types import SimpleNamespace

    from huiquan_desk.services.photo_record import PARAMS, export_photo_record

    fmt = args.format or ("pdf" if args.output.suffix.lower() == ".pdf" else "folder")
    ws = _open(args)
    with ws.read() as session:
        params = _ledger_params(session, args, SimpleNamespace(params=PARAMS))
    report = export_photo_record(ws, params, args.output, fmt)  # with its audit entry: faces and names
    what = "文件夹" if fmt == "folder" else "PDF"
    print(f"已导出活动图片记录{what}：{report.activities} 项活动，{report.photos} 张照片，{report.sign_ins} 份签到表 → {args.output}")
    for name in report.missing[:20]:
        print(f"  注意：{name}", file=sys.stderr)
    return 0


def cmd_family_print(args: argparse.Namespace) -> int:
    from huiquan_desk.services.family_prints import PRINTS, export_family_print

    ws = _open(args)
    count = export_family_print(ws, args.what, args.campaign_id, args.output)  # with its audit entry
    print(f"已导出{PRINTS[args.what].what}（{count} 户家庭）到 {args.output}")
    return 0


def cmd_supervision_order(args: argparse.Namespace) -> int:
    from huiquan_desk.services.inspection_prints import export_supervision_order

    ws = _open(args)
    path = export_supervision_order(ws, args.rectification_id, args.output)
    print(f"已导出督办单（整改问题 #{args.rectification_id}）到 {path}")
    return 0


def cmd_archive_print(args: argparse.Namespace) -> int:
    from huiquan_desk.services import archive_prints

    ws = _open(args)
    if args.what == "archive-photos":
        count = archive_prints.export_photo_catalogue(ws, args.year, args.output)  # with its audit entry
        print(f"已导出{args.year}年度照片目录（{count} 张照片）到 {args.output}")
        return 0
    export, what, unit = {"box-labels": (archive_prints.export_box_labels, "盒脊", "盒"),
                          "box-sheets": (archive_prints.export_box_sheets, "备考表", "盒"),
                          "stamps": (archive_prints.export_stamps, "归档章", "件")}[args.what]
    count = export(ws, args.year, args.output, args.retention)
    print(f"已导出{args.year}年度{what}（{count} {unit}）到 {args.output}")
    return 0


def cmd_campaigns(args: argparse.Namespace) -> int:
    from huiquan_desk.services.campaigns import list_campaigns

    ws = _open(args, daily_backup=False)
    try:
        with ws.read() as session:
            rows = list_campaigns(session)
    finally:
        ws.close()
    if not rows:
        print("还没有评选。")
    for row in rows:
        print(f"{row.id}  {row.kind}  {row.year}  {row.stage_label}  {row.title}")
    return 0


ASSESS_SHOWN = 10  # problems printed per item; the count says how many more


def cmd_assess(args: argparse.Namespace) -> int:
    from huiquan_desk.domain.errors import PermissionDenied
    from huiquan_desk.services import assessment

    today = date.today()
    date_to = args.date_to or today
    date_from = args.date_from or date(date_to.year, 1, 1)
    ws = _open(args, daily_backup=False)
    try:
        with ws.read() as session:
            empty = not assessment.list_items(session)
        items = None
        if empty:
            try:
                with ws.write() as session:
                    added = assessment.seed_checklist(session)
                print(f"还没有测评项目，已生成默认测评项目 {added} 项。")
            except PermissionDenied:  # not signed in: judge by the default checklist without saving it
                items = [assessment.ItemSpec(None, **d.__dict__) for d in assessment.default_checklist()]
                print("还没有测评项目：按默认测评项目评定（未保存；登录后运行本命令会保存默认项目）。")
        with ws.read() as session:
            results = assessment.evaluate(session, date_from, date_to, today, items)
    finally:
        ws.close()
    print(f"测评自查：{date_from.isoformat()} 至 {date_to.isoformat()}")
    for r in results:
        score = f"{r.score:g}/{r.item.points:g} 分" if r.score is not None else f"—/{r.item.points:g} 分"
        print(f"{r.code}  {r.grade_text}  {score}  {r.item.project}·{r.item.indicator}")
        for problem in r.problems[:ASSESS_SHOWN]:
            print(f"    问题：{problem.text}")
        if len(r.problems) > ASSESS_SHOWN:
            print(f"    ……另有 {len(r.problems) - ASSESS_SHOWN} 个问题（共 {len(r.problems)} 个）")
        if r.note:
            print(f"    说明：{r.note}")
    total, points = assessment.total_score(results)
    failing = [r.code for r in results if r.grade == "C#"]
    pending = sum(1 for r in results if r.grade is None)
    print(f"合计：{total:g}/{points:g} 分" + (f"；待人工评定 {pending} 项" if pending else ""))
    if failing:
        print(f"C# 档项目：{'、'.join(failing)}")
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.what == "certificate":
        return cmd_certificate(args)
    if args.what == "photos":
        return cmd_photos(args)
    if args.what in FAMILY_PRINTS:
        return cmd_family_print(args)
    if args.what == "supervision-order":
        return cmd_supervision_order(args)
    if args.what == "archive-package":
        return cmd_archive_package(args)
    if args.what in ARCHIVE_PRINTS:
        return cmd_archive_print(args)
    from huiquan_desk.services.exporting import export
    from huiquan_desk.services.ledgers import ledger_entry

    entry = ledger_entry(args.what)
    ws = _open(args)
    with ws.read() as session:
        params = _ledger_params(session, args, entry)
    count = export(ws, entry.key, params, args.output, args.format)  # personal data: with its audit entry
    print(f"已导出{entry.title}（{count} 条{entry.rows}）到 {args.output}")
    return 0


def cmd_archive_package(args: argparse.Namespace) -> int:
    from huiquan_desk.services.archive_package import export_package

    ws = _open(args)
    info = export_package(ws, args.year, args.output)  # with its audit entry: faces and names
    print(f"已导出{info.summary} → {info.path}")
    print(f"  核对：huiquan-desk archive verify-package \"{info.path}\"")
    return 0


def _archive_file(args: argparse.Namespace) -> int:
    from huiquan_desk.services.archives import list_items
    from huiquan_desk.services.filing import file_year

    ws = _open(args, writes=True)
    with ws.write() as session:
        items, numbered = file_year(session, ws.files, args.year)
    given = [(group, count) for group, count in numbered if count]
    if not items and not given:
        print(f"{args.year} 年度没有需要归档的记录（都已归档，或没有已开展的活动和已表彰的评选）。")
        return 0
    print(f"已归档 {len(items)} 件，固定件号 {sum(c for _g, c in given)} 件：")
    with ws.read() as session:
        rows = list_items(session, year=args.year, numbered=True)
    for group, count in given:
        numbers = sorted(r.number for r in rows if r.group == group and r.number is not None)[-count:]
        print(f"  {group} 编号 {numbers[0]:04d}—{numbers[-1]:04d}（{count} 件）")
    return 0


def _archive_check(args: argparse.Namespace) -> int:
    from huiquan_desk.services.fixity import check_archive

    ws = _open(args)
    report = check_archive(ws)
    for line in report.problem_lines:
        print(f"  ✗ {line}")
    for line in report.extra_lines[:20]:
        print(f"  ! {line}")
    print(f"{report.summary}。" + ("" if report.check_id else "（数据库只读或正忙：本次检测没有记入检测记录）"))
    return 0 if report.ok else 1


def _archive_due(args: argparse.Namespace) -> int:
    from huiquan_desk.services.destruction import due_items

    ws = _open(args, daily_backup=False)
    with ws.read() as session:
        rows = due_items(session, args.by)
    if not rows:
        print(f"没有 {args.by} 年底前保管期限届满的档案。")
        return 0
    print(f"{args.by} 年底前保管期限届满的档案 {len(rows)} 件：")
    for r in rows:
        print(f"  {r.code}  期满 {r.expiry_year}  {r.pages} 页  {r.shown_title}")
    return 0


def _archive_rounds(args: argparse.Namespace) -> int:
    from huiquan_desk.services.destruction import list_rounds

    ws = _open(args, daily_backup=False)
    with ws.read() as session:
        rounds = list_rounds(session)
    if not rounds:
        print("还没有销毁鉴定。")
    for r in rounds:
        print(f"{r.id}  {r.label}  销毁 {r.destroyed} 件，续存 {r.kept} 件")
    return 0


def _archive_verify(args: argparse.Namespace) -> int:
    from huiquan_desk.services.archive_package import read_manifest, verify_package

    problems = verify_package(args.path)
    if not problems:
        manifest = read_manifest(args.path)
        print(f"移交包完整：{manifest.get('community', '')} {manifest.get('year', '')}年度，"
              f"{len(manifest.get('items', []))} 件，{len(manifest['files'])} 个文件与清单一致。")
        return 0
    for problem in problems:
        print(f"  ✗ {problem}")
    print(f"发现 {len(problems)} 个问题。")
    return 1


ARCHIVE_ACTIONS = {"file": _archive_file, "check": _archive_check, "due": _archive_due, "rounds": _archive_rounds,
                   "verify-package": _archive_verify}


def cmd_archive(args: argparse.Namespace) -> int:
    return ARCHIVE_ACTIONS[args.action](args)


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


COMMANDS = {"demo": cmd_demo, "check": cmd_check, "import": cmd_import, "export": cmd_export,
            "backup": cmd_backup, "restore": cmd_restore, "user": cmd_user, "profile": cmd_profile,
            "template": cmd_template, "campaigns": cmd_campaigns, "archive": cmd_archive,
            "assess": cmd_assess}


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
