"""Volunteer ledgers, each declared once for Excel and PDF: 志愿者花名册, 志愿服务记录台账,
志愿服务统计表 and 志愿服务证明登记簿.

Personal data is printed masked only (ID keeps the first 6 and last 4, phone the first 3 and
last 4): the rows these ledgers take (VolunteerRow, ServiceRow, MonthlyStat, CertificateInfo)
are read through `id_masked` / `phone_masked`; the full number is printed on a certificate only
(exports.certificate).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from huiquan_desk.domain import volunteer as rules
from huiquan_desk.domain.dates import cn_date, iso_date
from huiquan_desk.exports.activity_ledger import period_text
from huiquan_desk.exports.ledger import NAME_CHARS, Column, Ledger, Letterhead

L = rules.FIELD_LABELS
TOTAL = "合计"  # the team name services.service_hours.monthly_stats gives its all-team rows
HOURS = "服务时长(小时)"
MASK_NOTE = "注：身份证号、联系方式按个人信息保护要求隐去中间部分（志愿服务条例第二十条）。"
LATE_NOTE = (f"注：「逾期」指服务结束后超过 {rules.ENTRY_DEADLINE_WORKING_DAYS} 个工作日才录入"
             "（《志愿服务记录与证明出具办法（试行）》）；「补录」为事后补充登记的时长，附补录原因。")


def hours_value(minutes: int) -> int | float:
    """Hours as a number a spreadsheet can sum, printed exactly as rules.hours_text writes it."""
    text = rules.hours_text(minutes)
    return float(text) if "." in text else int(text)


# --- 志愿者花名册 ----------------------------------------------------------------------------------
# Widths leave a masked ID, a phone, a date and a volunteer number on one line in the PDF.
ROSTER_COLUMNS = [
    Column(L["number"], lambda r: r.number, 13, "center"),
    Column(L["name"], lambda r: r.name, 8.5, "center", NAME_CHARS),
    Column(L["gender"], lambda r: r.gender, 5.5, "center"),
    Column("年龄", lambda r: r.age, 6, "center"),
    Column(L["id_number"], lambda r: r.id_masked, 21, "center"),
    Column(L["phone"], lambda r: r.phone_masked, 14, "center"),
    Column(L["area"], lambda r: r.area, 13),
    Column(L["political_status"], lambda r: r.political_status, 9.5, "center"),
    Column(L["team"], lambda r: r.team, 15),
    Column(L["skills"], lambda r: r.skills, 11),
    Column(L["service_types"], lambda r: r.service_types, 11),
    Column(L["registered_on"], lambda r: iso_date(r.registered_on), 12, "center"),
    Column("累计时长(小时)", lambda r: hours_value(r.minutes), 8.5, "right"),
    Column("星级", lambda r: rules.STAR_LABELS[r.star], 6, "center"),
]


def volunteer_roster(rows: Sequence[Any], head: Letterhead, as_of: date, team: str | None = None,
                     search: str = "") -> Ledger:
    """`rows` are services.volunteers.VolunteerRow (masked ID and phone)."""
    total = sum(r.minutes for r in rows)
    return Ledger(
        title=head.title("志愿者花名册"),
        subtitle=head.subtitle(f"队伍：{team or '全部'}", f"检索：{search}" if search else "",
                               f"统计截至：{cn_date(as_of)}", f"共 {len(rows)} 人"),
        columns=ROSTER_COLUMNS,
        rows=rows,
        row_count=len(rows),
        describe=lambda r: f"「{r.name}」（{r.number}）",
        preparer=head.preparer,
        sheet_name="志愿者花名册",
        notes=[f"合计：志愿者 {len(rows)} 人，累计服务时长 {rules.hours_text(total)} 小时。", MASK_NOTE],
    )


# --- 志愿服务记录台账 ------------------------------------------------------------------------------
def source_text(row: Any) -> str:
    """随活动登记, or 补录 with its reason."""
    if row.source == rules.ServiceSource.SUPPLEMENT and row.reason:
        return f"{row.source.label}（{row.reason}）"
    return row.source.label


SERVICE_COLUMNS = [  # widths: one line a row for the usual names (姓名 4 字, 队名 7 字, 地点 8 字, 录入时间)
    Column("服务日期", lambda r: iso_date(r.service_date), 11.5, "center"),
    Column("活动名称", lambda r: r.title, 22),
    Column("地点", lambda r: r.place, 16),
    Column("志愿者", lambda r: f"{r.volunteer}（{r.volunteer_number}）", 24.5),
    Column(L["team"], lambda r: r.team, 15),
    Column(HOURS, lambda r: hours_value(r.minutes), 8.5, "right"),
    # The activity's text is printed once, in the activity ledger; a 补录 has no activity, so its own.
    Column("服务内容", lambda r: r.content if r.source == rules.ServiceSource.SUPPLEMENT else "", 7),
    Column("记录方式", source_text, 11),
    Column("录入人", lambda r: r.entered_by, 8.5, "center", NAME_CHARS),
    Column("录入时间", lambda r: r.entered_at.strftime("%Y-%m-%d %H:%M") if r.entered_at else "", 17, "center"),
    Column("是否逾期录入", lambda r: "逾期" if r.late else "", 7, "center"),
]


def service_ledger(rows: Sequence[Any], head: Letterhead, start: date | None, end: date | None,
                   team: str | None = None) -> Ledger:
    """`rows` are services.service_hours.ServiceRow, in date order."""
    minutes = sum(r.minutes for r in rows)
    supplements = [r for r in rows if r.source == rules.ServiceSource.SUPPLEMENT]
    supplement_minutes = sum(r.minutes for r in supplements)
    late = sum(1 for r in rows if r.late)
    people = len({r.volunteer_id for r in rows})
    subtitle = head.subtitle(f"时间：{period_text(start, end)}", f"队伍：{team or '全部'}", f"共 {len(rows)} 人次")
    notes = [
        f"合计：{people} 名志愿者，服务 {len(rows)} 人次，总时长 {rules.hours_text(minutes)} 小时；"
        f"其中补录 {len(supplements)} 人次，{rules.hours_text(supplement_minutes)} 小时；逾期录入 {late} 人次。",
        LATE_NOTE,
        "注：随活动登记的服务，活动内容见同期的活动台账；「服务内容」只写补录的服务。",
    ]
    return Ledger(
        title=head.title("志愿服务记录台账"),
        subtitle=subtitle,
        columns=SERVICE_COLUMNS,
        rows=rows,
        row_count=len(rows),
        describe=lambda r: f"「{r.volunteer}」{iso_date(r.service_date)}「{r.title}」",
        preparer=head.preparer,
        sheet_name="志愿服务记录台账",
        notes=notes,
    )


# --- 志愿服务统计表 (monthly) -----------------------------------------------------------------------
STAT_COLUMNS = [
    Column(L["team"], lambda r: r.team, 18, "center"),
    Column("月份", lambda r: f"{r.month}月", 8, "center"),
    Column("服务人数", lambda r: r.volunteers, 10, "right"),
    Column("服务人次", lambda r: r.services, 10, "right"),
    Column(HOURS, lambda r: hours_value(r.minutes), 12, "right"),
]


def monthly_stats_ledger(rows: Sequence[Any], head: Letterhead, year: int) -> Ledger:
    """`rows` are services.service_hours.MonthlyStat: per team and month, then the 合计 rows.

    Teams keep the order the service gives (the teams' own order, 未分队 last), months ascend
    within a team, and the all-team 合计 rows come last whatever order they arrived in.
    """
    ordered = sorted(rows, key=lambda r: r.team == TOTAL)  # stable: only moves 合计 to the end
    totals = [r for r in ordered if r.team == TOTAL]
    services = sum(r.services for r in totals)
    minutes = sum(r.minutes for r in totals)
    months = len(totals)
    notes = [
        f"全年合计：服务 {services} 人次，服务时长 {rules.hours_text(minutes)} 小时，有服务记录的月份 {months} 个。",
        "注：服务人数为当月参加服务的志愿者人数，同一人当月多次服务只计 1 人；服务人次为服务记录条数"
        "（含补录）。",
    ]
    return Ledger(
        title=head.title("志愿服务统计表"),
        subtitle=head.subtitle(f"年度：{year}年（{year}年1月1日至{year}年12月31日）"),
        columns=STAT_COLUMNS,
        rows=ordered,
        row_count=len(ordered),
        describe=lambda r: f"「{r.team}」{r.month}月",
        numbered=False,
        preparer=head.preparer,
        landscape=False,
        sheet_name="志愿服务统计表",
        notes=notes,
    )


# --- 志愿服务证明登记簿 -----------------------------------------------------------------------------
def certificate_period(info: Any) -> str:
    """证明时段 as running text: 2026年1月1日至2026年12月31日; an open end runs to the issue date."""
    start, end = info.period_from, info.period_to
    if start and end:
        return f"{cn_date(start)}至{cn_date(end)}"
    if start:
        return f"{cn_date(start)}至{cn_date(info.issued_on)}"
    end = end or info.issued_on
    return f"截至{cn_date(end)}" + ("（全部服务记录）" if end == info.issued_on else "")


REGISTER_COLUMNS = [
    Column("证明编号", lambda c: c.number, 20, "center"),
    Column("出具日期", lambda c: iso_date(c.issued_on), 11.5, "center"),
    Column(L["name"], lambda c: c.name, 8.5, "center", NAME_CHARS),
    Column(L["id_number"], lambda c: c.id_masked, 21, "center"),
    Column(L["number"], lambda c: c.volunteer_number, 12.5, "center"),
    Column("证明时段", certificate_period, 28),
    Column(HOURS, lambda c: hours_value(c.minutes), 8.5, "right"),
    Column("服务次数", lambda c: c.service_count, 7, "right"),
    Column("经办人", lambda c: c.issuer.handler, 8.5, "center", NAME_CHARS),
    Column("负责人", lambda c: c.issuer.leader, 8.5, "center", NAME_CHARS),
    Column("出具人", lambda c: c.issued_by, 8.5, "center", NAME_CHARS),
]


def certificate_register(rows: Sequence[Any], head: Letterhead, year: int | None = None) -> Ledger:
    """`rows` are services.certificates.CertificateInfo in number order; the ID is printed masked."""
    subtitle = head.subtitle(f"年度：{f'{year}年' if year else '全部'}", f"共 {len(rows)} 份")
    return Ledger(
        title=head.title("志愿服务证明登记簿"),
        subtitle=subtitle,
        columns=REGISTER_COLUMNS,
        rows=rows,
        row_count=len(rows),
        describe=lambda c: f"证明 {c.number}「{c.name}」",
        preparer=head.preparer,
        sheet_name="证明登记簿",
        notes=["注：身份证号按个人信息保护要求隐去中间部分；完整号码只印在证明原件上。"],
    )
