"""The command line's arguments: one parser, each command group's options (the ledger registry
gives `export` one sub-command per ledger)."""

from __future__ import annotations

import argparse
from pathlib import Path

from huiquan_desk import __version__
from huiquan_desk.cli.options import (
    ARCHIVE_PRINTS,
    FAMILY_PRINTS,
    LEDGER_OPTIONS,
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    PROFILE_FIELDS,
    _date,
    _year,
)
from huiquan_desk.paths import DATA_DIR_ENV

# argparse's own words (usage, errors, help headings) in Chinese. argparse looks its messages up through
# gettext (`argparse._` / `argparse.ngettext`); the program ships no .mo files, so this table is the
# catalogue, installed by `build_parser`. Messages not listed (programming errors in the parser
# itself) stay as they are.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "%(prog)s: error: %(message)s\n": "%(prog)s：参数有误：%(message)s\n（huiquan-desk --help 或 huiquan-desk 命令 --help 查看用法）\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必须给出的参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "「%(value)s」不是可选的值（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "「%(value)s」不是有效的值",
    "expected one argument": "后面要跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "one of the arguments %s is required": "%s 必须给出其中一个",
    "not allowed with argument %s": "不能和 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": "参数 %(option)s 不明确，可能是：%(matches)s",
    "ignored explicit argument %r": "多余的值 %r",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示这段帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "expected %s argument": "后面要跟 %s 个值",
    "expected %s arguments": "后面要跟 %s 个值",
}


def _speak_chinese() -> None:
    argparse._ = lambda message: ARGPARSE_ZH.get(message, message)  # type: ignore[attr-defined]
    argparse.ngettext = lambda one, many, n: ARGPARSE_ZH.get(one if n == 1 else many, one if n == 1 else many)  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    from huiquan_desk.services.imports import IMPORTS
    from huiquan_desk.services.ledgers import LEDGERS
    from huiquan_desk.services.permissions import Role

    _speak_chinese()
    parser = argparse.ArgumentParser(prog="huiquan-desk", description="惠泉台账：社区文明创建工作台账")
    parser.add_argument("--data-dir", metavar="文件夹", help=f"数据文件夹（默认读取环境变量 {DATA_DIR_ENV}，再用系统的用户数据目录）")
    parser.add_argument("--user", metavar="用户名", help=f"登录的用户名（设置了账号以后，修改数据、备份和导出个人信息都要登录；"
                                       f"密码在终端输入，没有终端时读环境变量 {PASSWORD_ENV}）")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command")

    sub.add_parser("demo", help="在空的数据文件夹里生成演示社区（近十二个月的活动和照片）")
    sub.add_parser("check", help="检查数据库完整性、附件文件、备份和档案文件（档案检测记入检测记录），有问题时以非零状态退出")
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
    report = exp_sub.add_parser("report", help="镇文明办报表：月报（--month）或年度数据附表（--year），PDF（带图表）或 Excel"
                                               "（每部分一个工作表）；含受表彰家庭名单：需要登录，记入操作日志")
    report_period = report.add_mutually_exclusive_group(required=True)
    report_period.add_argument("--month", metavar="年-月", help="月报的月份，如 2026-11")
    report_period.add_argument("--year", metavar="年度", help="年度数据附表的年度，如 2026")
    report.add_argument("--format", choices=["pdf", "xlsx"], help="默认按文件扩展名")
    report.add_argument("-o", "--output", type=Path, required=True, metavar="文件", help="保存到的文件（.pdf 或 .xlsx）")
    plan = exp_sub.add_parser("plan", help="年度文明创建工作计划：PDF（计划正文）或 Excel（计划正文和责任分解表两个工作表）")
    plan.add_argument("--year", type=_year, required=True, metavar="年度", help="年度，如 2026")
    plan.add_argument("--format", choices=["pdf", "xlsx"], help="默认按文件扩展名")
    plan.add_argument("-o", "--output", type=Path, required=True, metavar="文件", help="保存到的文件（.pdf 或 .xlsx）")
    pkg = exp_sub.add_parser("archive-package", help="档案移交包：按保管期限分文件夹、以档号命名的文件，归档文件目录 .xlsx，"
                                                     "SHA-256 校验清单（含照片和签到表：需要登录，记入操作日志）")
    pkg.add_argument("--year", type=_year, required=True, metavar="年度", help="年度，如 2025")
    pkg.add_argument("-o", "--output", type=Path, required=True, metavar="文件夹或zip",
                     help="要新建的文件夹（或空文件夹），或 .zip 文件名")
    pack = exp_sub.add_parser("pack", help="迎检资料包：一个 zip，含封面、目录、计划、各台账（PDF 和 Excel）、图片记录、"
                                           "按类别和活动存放的照片（附说明，已去除位置）和 SHA-256 清单（含个人信息：需要登录，记入操作日志）；"
                                           "--verify 核对一个资料包")
    pack.add_argument("--from", dest="date_from", type=_date, metavar="日期", help="资料时段开始，默认本年 1 月 1 日")
    pack.add_argument("--to", dest="date_to", type=_date, metavar="日期", help="资料时段结束，默认今天")
    pack_target = pack.add_mutually_exclusive_group(required=True)
    pack_target.add_argument("-o", "--output", type=Path, metavar="文件.zip", help="保存到的 zip 文件")
    pack_target.add_argument("--verify", type=Path, metavar="文件.zip",
                             help="按清单核对一个迎检资料包（缺少、改动、多出的文件）；有问题时以非零状态退出")
    for key, help_text in ARCHIVE_PRINTS.items():  # services.archive_prints
        one = exp_sub.add_parser(key, help=f"{help_text}（PDF）")
        one.add_argument("-o", "--output", type=Path, required=True, metavar="文件", help="保存到的文件（.pdf）")
        one.add_argument("--year", type=_year, required=True, metavar="年度", help="年度，如 2025")
        if key != "archive-photos":
            option, kwargs = LEDGER_OPTIONS["retention"]
            one.add_argument(option, dest="retention", **kwargs)
    items = exp_sub.add_parser("checklist-items", help="测评项目（含已停用的、评定规则和评档标准）.xlsx：可发给其他社区，"
                                                      "用 import checklist 导入")
    items.add_argument("-o", "--output", type=Path, required=True, metavar="文件", help="保存到的文件（.xlsx）")
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
