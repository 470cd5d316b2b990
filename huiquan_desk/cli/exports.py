"""`huiquan-desk export …`: every ledger of the registry, and the prints that are not ledgers
(certificates, photo records, family documents, the plan, the 督办单, town reports, archive prints,
the archive hand-over package and the inspection pack)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from huiquan_desk.cli.options import ARCHIVE_PRINTS, FAMILY_PRINTS
from huiquan_desk.cli.session import _open
from huiquan_desk.domain.errors import ValidationError


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


def cmd_plan(args: argparse.Namespace) -> int:
    from huiquan_desk.services.plan_prints import export_plan

    ws = _open(args)
    with ws.read() as session:
        path = export_plan(session, args.year, args.output, args.format)
    print(f"已导出{args.year}年度文明创建工作计划到 {path}")
    return 0


def cmd_supervision_order(args: argparse.Namespace) -> int:
    from huiquan_desk.services.inspection_prints import export_supervision_order

    ws = _open(args)
    path = export_supervision_order(ws, args.rectification_id, args.output)
    print(f"已导出督办单（整改问题 #{args.rectification_id}）到 {path}")
    return 0


def cmd_town_report(args: argparse.Namespace) -> int:
    from huiquan_desk.exports.town_report import summary_lines
    from huiquan_desk.services import town_reports

    fmt = town_reports.report_format(args.output, args.format)
    period = town_reports.month_period(args.month) if args.month else town_reports.year_period(args.year)
    ws = _open(args)
    report = town_reports.export_town_report(ws, period, args.output, fmt)  # with its audit entry: commended families
    print(f"已导出{report.title}（{fmt.upper()}）到 {args.output}")
    for line in summary_lines(report):
        print(f"  {line}")
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


def cmd_export(args: argparse.Namespace) -> int:
    if args.what == "certificate":
        return cmd_certificate(args)
    if args.what == "photos":
        return cmd_photos(args)
    if args.what in FAMILY_PRINTS:
        return cmd_family_print(args)
    if args.what == "supervision-order":
        return cmd_supervision_order(args)
    if args.what == "report":
        return cmd_town_report(args)
    if args.what == "plan":
        return cmd_plan(args)
    if args.what == "archive-package":
        return cmd_archive_package(args)
    if args.what == "pack":
        return cmd_pack(args)
    if args.what in ARCHIVE_PRINTS:
        return cmd_archive_print(args)
    if args.what == "checklist-items":
        return cmd_checklist_items(args)
    from huiquan_desk.services.exporting import export
    from huiquan_desk.services.ledgers import ledger_entry

    entry = ledger_entry(args.what)
    ws = _open(args)
    with ws.read() as session:
        params = _ledger_params(session, args, entry)
    count = export(ws, entry.key, params, args.output, args.format)  # personal data: with its audit entry
    print(f"已导出{entry.title}（{count} 条{entry.rows}）到 {args.output}")
    return 0


def cmd_checklist_items(args: argparse.Namespace) -> int:
    from huiquan_desk.services.checklist_io import export_checklist

    ws = _open(args, daily_backup=False)
    try:
        with ws.read() as session:
            count = export_checklist(session, args.output)
    finally:
        ws.close()
    print(f"已导出测评项目（{count} 项）到 {args.output}；在另一个社区用 huiquan-desk import checklist 导入")
    return 0


def cmd_archive_package(args: argparse.Namespace) -> int:
    from huiquan_desk.services.archive_package import export_package

    ws = _open(args)
    info = export_package(ws, args.year, args.output)  # with its audit entry: faces and names
    print(f"已导出{info.summary} → {info.path}")
    print(f"  核对：huiquan-desk archive verify-package \"{info.path}\"")
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    """export pack: build the inspection pack with progress lines, or (--verify) check one."""
    from huiquan_desk.services.inspection_pack import export_pack, pack_summary, verify_pack

    if args.verify is not None:
        check = verify_pack(args.verify)
        if check.ok:
            print(pack_summary(check))
            return 0
        for line in check.lines():
            print(f"  ✗ {line}")
        print(f"发现 {len(check.lines())} 个问题。")
        return 1
    shown = [-1]

    def progress(done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent // 10 > shown[0]:
            shown[0] = percent // 10
            print(f"  {percent:3d}%  {done}/{total}", flush=True)

    ws = _open(args)
    report = export_pack(ws, args.date_from, args.date_to, args.output, progress)  # with its audit entry
    print(f"已导出{report.summary} → {report.path}")
    for line in report.left_out:
        print(f"  未收入：{line}")
    for line in report.missing[:20]:
        print(f"  ! {line}")
    print(f"  核对：huiquan-desk export pack --verify \"{report.path}\"")
    return 0
