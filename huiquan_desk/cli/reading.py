"""Commands that read and report: the campaigns list and the self-assessment (assess)."""

from __future__ import annotations

import argparse
from datetime import date

from huiquan_desk.cli.session import _open
from huiquan_desk.domain.errors import ValidationError


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
    if args.date_to is None and date_from > today:
        raise ValidationError.single("评定时段", f"开始日期 {date_from:%Y-%m-%d} 在今天（{today:%Y-%m-%d}）之后，"
                                     "评定时段还没有开始；要评一个将来的时段，请同时给出 --to")
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
