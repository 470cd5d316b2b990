"""Command line: the same services without a window.

    huiquan-desk [--data-dir DIR]                 open the window
    huiquan-desk demo                             fill a demo community (empty folders only)
    huiquan-desk import activities FILE.xlsx [--dry-run]
    huiquan-desk export activities --format xlsx|pdf -o FILE [--from D] [--to D] [--category NAME]
    huiquan-desk check                            database and attachment integrity
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from huiquan_desk import __version__
from huiquan_desk.domain.errors import HuiquanError, ValidationError
from huiquan_desk.paths import DATA_DIR_ENV, data_dir


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
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command")

    sub.add_parser("demo", help="在空的数据文件夹里生成演示社区（近十二个月的活动和照片）")
    sub.add_parser("check", help="检查数据库完整性和附件文件，有问题时以非零状态退出")

    imp = sub.add_parser("import", help="从 Excel 导入")
    imp_sub = imp.add_subparsers(dest="what", required=True)
    imp_act = imp_sub.add_parser("activities", help="导入活动台账 .xlsx")
    imp_act.add_argument("file", type=Path)
    imp_act.add_argument("--dry-run", action="store_true", help="只检查不写入")

    exp = sub.add_parser("export", help="导出台账")
    exp_sub = exp.add_subparsers(dest="what", required=True)
    exp_act = exp_sub.add_parser("activities", help="活动台账")
    exp_act.add_argument("--format", choices=["xlsx", "pdf"], help="默认按文件扩展名")
    exp_act.add_argument("-o", "--output", type=Path, required=True)
    exp_act.add_argument("--from", dest="date_from", type=_date)
    exp_act.add_argument("--to", dest="date_to", type=_date)
    exp_act.add_argument("--category", help="类别名称或路径，如 传统节日 或 社会环境/传统节日")
    return parser


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from huiquan_desk.services.workspace import open_workspace

    return open_workspace(data_dir(args.data_dir))


def cmd_demo(args: argparse.Namespace) -> int:
    from huiquan_desk.services.demo import fill_demo

    ws = _open(args)
    summary = fill_demo(ws)
    print(f"演示数据已生成：{summary.activities} 项活动，{summary.photos} 张照片，{summary.sign_ins} 份签到表。")
    print(f"数据文件夹：{ws.data.root}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from huiquan_desk.services.integrity import check

    ws = _open(args)
    with ws.read() as session:
        report = check(session, ws.files)
    print(f"数据文件夹：{ws.data.root}")
    for note in report.notes:
        print(f"  ✓ {note}")
    for problem in report.problems:
        print(f"  ✗ {problem}")
    print("检查通过。" if report.ok else f"发现 {len(report.problems)} 个问题。")
    return 0 if report.ok else 1


def cmd_import(args: argparse.Namespace) -> int:
    from huiquan_desk.services.activity_import import import_activities

    ws = _open(args)
    scope = ws.preview() if args.dry_run else ws.write()
    with scope as session:
        report = import_activities(session, args.file)
    if args.dry_run:
        print(f"检查通过：{report.rows_read} 行可以导入（表头在第 {report.header_row} 行）。未写入任何数据。")
    else:
        print(f"已导入 {report.created} 项活动。")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {"demo": cmd_demo, "check": cmd_check, "import": cmd_import, "export": cmd_export}
    if args.command is None:
        from huiquan_desk.ui.app import run

        return run(args.data_dir)
    try:
        return commands[args.command](args)
    except HuiquanError as err:
        print(f"{err.title}：\n{err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
