"""How the command line reads its values: dates, years, ids, the ledger parameters, the profile's
fields, and the names of the prints that are not ledgers. No data layer is imported here."""

from __future__ import annotations

import argparse
from datetime import date

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
