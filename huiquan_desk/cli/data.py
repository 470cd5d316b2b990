"""Commands on the data folder as a whole: demo, check, backup, restore, import, template."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from huiquan_desk.cli.session import _LOCKS, _open, _sign_in
from huiquan_desk.paths import data_dir


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
