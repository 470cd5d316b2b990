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
    huiquan-desk export report --month YYYY-MM | --year YYYY [--format pdf|xlsx] -o FILE   镇文明办月报 / 年度数据附表
    huiquan-desk export plan --year YYYY --format pdf|xlsx -o FILE   年度文明创建工作计划 (xlsx: + 责任分解表)
    huiquan-desk export responsibilities --year YYYY --format xlsx|pdf -o FILE   责任分解表
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
    huiquan-desk export pack [--from D] [--to D] -o FILE.zip   迎检资料包 (default: this year to today)
    huiquan-desk export pack --verify FILE.zip    check an inspection pack against its manifest
    huiquan-desk export archive-catalog --year YYYY [--retention Y|D30|D10] --format xlsx|pdf -o FILE  归档文件目录
    huiquan-desk export box-labels|box-sheets|stamps --year YYYY [--retention R] -o FILE.pdf   盒脊 / 备考表 / 归档章
    huiquan-desk export archive-photos --year YYYY -o FILE.pdf   照片目录 (photos of the year's items)
    huiquan-desk user add|list|passwd|disable     accounts of the optional sign-in

Once an account exists, `--user NAME` signs in (the password from the terminal, or from
HUIQUAN_PASSWORD when there is no terminal): writes, backups and exports of personal data are
refused without it, and the audit trail records the account, never the operating-system login.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

from huiquan_desk.cli import accounts, archive, data, exports, reading
from huiquan_desk.cli.parser import build_parser
from huiquan_desk.domain.errors import HuiquanError

COMMANDS = {"demo": data.cmd_demo, "check": data.cmd_check, "import": data.cmd_import, "export": exports.cmd_export,
            "backup": data.cmd_backup, "restore": data.cmd_restore, "user": accounts.cmd_user,
            "profile": accounts.cmd_profile, "template": data.cmd_template, "campaigns": reading.cmd_campaigns,
            "archive": archive.cmd_archive, "assess": reading.cmd_assess}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from huiquan_desk.ui.app import run

        return run(args.data_dir)
    stopped: list[int] = []
    running = [True]

    def stop(signum: int, _frame: object) -> None:  # `kill` or a session ending: stop as Ctrl-C does, so a
        stopped.append(signum)                        # half-written file is removed and nothing half-saved;
        if running[0]:                                # once the command has ended, only its exit code says so
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        try:
            return COMMANDS[args.command](args)
        finally:
            running[0] = False  # a signal from here on must not interrupt the message or the exit
    except HuiquanError as err:
        print(f"{err.title}：\n{err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已中止。" if stopped else "\n已取消。", file=sys.stderr)
        return 128 + stopped[0] if stopped else 130
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
