"""`huiquan-desk archive …`: filing a year, the fixity check, retention due, destruction rounds and
the hand-over package's verifier."""

from __future__ import annotations

import argparse

from huiquan_desk.cli.session import _open


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
