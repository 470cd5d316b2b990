"""The report for the town civilization office (镇文明办), monthly (月报) or annual (年度数据附表), as a
PDF with charts and as an Excel workbook with the numbers behind them.

The PDF is declared on the layout layer (exports.layout), A4 portrait: the title
「惠泉社区文明创建工作月报（2026年11月）」, who reports and the period, then seven sections —
一、总体情况 (the headline numbers in words), 二、活动开展情况 (a bar chart of activities per
top-level category; the annex adds a stacked chart of activities per month and category; tables),
三、志愿服务情况 (a bar chart of service hours by team; tables), 四、评选表彰情况, 五、档案归档情况,
六、测评自查情况, 七、整改落实情况 — and the 填报人 / 审核人 / 报送日期 line. The charts are
reportlab.graphics drawings (`Chart`, a block of this module) labelled in the embedded font; a
section with nothing to count says so in a sentence instead of drawing an empty chart.

The workbook has one sheet per section (总体情况, 活动分类, 活动月度 or 活动清单, 志愿服务,
服务月度 (annex), 评选表彰, 档案归档, 测评自查, 整改问题), each a ledger part written by
exports.xlsx (title, header, widths, fitted row heights, A4 portrait print setup), numbers as numbers.

What is printed is read by attribute from services.town_reports' TownReport (period, head,
committee, today, until, running, activities, volunteers, campaigns, archives, assessment,
rectifications) and its parts. `summary_lines` says the headline numbers in words (总体情况; the
command line prints them too).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from huiquan_desk.domain.dates import cn_date, iso_date
from huiquan_desk.exports.fonts import PRIMARY, MissingGlyphError, fonts, invisible
from huiquan_desk.exports.layout import (
    Block,
    Context,
    Document,
    Heading,
    Laid,
    Page,
    PageNumbers,
    Paragraph,
    SignatureLine,
    TableRow,
    Title,
    render,
)
from huiquan_desk.exports.ledger import Column, Ledger, sum_cell
from huiquan_desk.exports.xlsx import write_xlsx

PAGE = Page()  # A4 portrait, the binding edge on the left
TITLE_SIZE = 18.0
BODY_SIZE = 11.0
TABLE_SIZE = 9.5
CHART_SIZE = 8.5  # chart labels
PALETTE = ("#3b6ea5", "#e07b39", "#5a9e4b", "#c44e52", "#8172b2", "#937860", "#d17fb5", "#7f7f7f", "#b9a93a",
           "#4ba3b8")
SECTIONS = ("一、总体情况", "二、活动开展情况", "三、志愿服务情况", "四、评选表彰情况", "五、档案归档情况",
            "六、测评自查情况", "七、整改落实情况")


def period_text(report: Any) -> str:
    """2026年11月1日至2026年11月30日 (统计截至2026年11月20日 while the period runs)."""
    text = f"{cn_date(report.period.first)}至{cn_date(report.period.last)}"
    return text + (f"（统计截至{cn_date(report.until)}）" if report.running else "")


def summary_lines(report: Any) -> list[str]:
    """The headline numbers in words, one sentence each (the report's 总体情况, the CLI's output)."""
    a, v, r = report.activities, report.volunteers, report.rectifications
    unit = report.period.unit
    lines = [f"{unit}开展活动 {a.total} 次，参与居民 {a.participants} 人次"
             + (f"，其中 {a.without_photos} 次没有照片" if a.without_photos else "") + "。" if a.total
             else f"{unit}没有登记已开展的活动。"]
    if v.records:
        lines.append(f"注册志愿者 {v.registered} 人（{unit}新注册 {v.new} 人），{unit}参与服务 {v.active} 人、"
                     f"{v.records} 人次，服务时长 {v.hours:g} 小时。")
    else:
        lines.append(f"注册志愿者 {v.registered} 人（{unit}新注册 {v.new} 人），{unit}没有志愿服务记录。")
    commended = [c for c in report.campaigns if c.families]
    if report.campaigns:
        lines.append(f"{report.period.year}年度评选 {len(report.campaigns)} 项"
                     + (f"，已表彰家庭 {report.commended_families} 户" if commended else "，尚未表彰") + "。")
    s = report.assessment
    if s.items:
        lines.append(f"测评自查得分 {s.score:g}/{s.points:g} 分（A 档 {s.count('A')} 项、B 档 {s.count('B')} 项、"
                     f"C 档 {s.count('C')} 项、C# 档 {s.count('C#')} 项"
                     + (f"，待人工评定 {s.pending} 项" if s.pending else "") + "）。")
    lines.append(f"尚未完成整改的问题 {len(r.open)} 个" + (f"，其中逾期 {r.overdue} 个" if r.overdue else "")
                 + f"；{unit}发现问题 {r.found} 个，验收 {r.verified} 个。")
    return lines


# --- blocks ------------------------------------------------------------------------------------------
# a row of the report's tables: the layout layer's TableRow, smaller than a notice's
Row = partial(TableRow, size=TABLE_SIZE, leading=1.35, min_height=18.0, pad=3.0, shade=0.9, name="表格")


@dataclass(frozen=True)
class Chart(Block):
    """A reportlab.graphics drawing, centred across the body; `labels` are the texts it draws. A
    chart draws in the embedded font only (no per-character fallback), so a label with a character
    that font lacks stops the export (MissingGlyphError) rather than print without it. Its height
    is the drawing's."""

    drawing: Drawing = field(compare=False)
    labels: tuple[str, ...] = ()

    def lay(self, ctx: Context) -> Laid:
        for label in self.labels:
            for char in label:
                if ord(char) not in ctx.text.primary and not invisible(char):
                    raise MissingGlyphError(ctx.record, char)
        x = ctx.left + (ctx.width - self.drawing.width) / 2

        def draw(c: Canvas, top: float) -> None:
            c.saveState()
            renderPDF.draw(self.drawing, c, x, top - self.drawing.height)
            c.restoreState()

        return self._laid(self.drawing.height, draw, "图表")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], shares: Sequence[float], aligns: str = "",
          space_after: float = 8.0) -> list[Block]:
    """A header row and body rows; the header stays with the first row, the last row leaves a gap."""
    out: list[Block] = [Row(tuple(headers), tuple(shares), header=True, keep_with_next=True)]
    for index, cells in enumerate(rows):
        last = index == len(rows) - 1
        out.append(Row(tuple("" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in cells),
                       tuple(shares), aligns, space_after=space_after if last else 0.0))
    return out


# --- charts ------------------------------------------------------------------------------------------
def _step(top: float) -> float:
    """A round step (1, 2, 5 × 10^k) giving about five gridlines up to `top`."""
    if top <= 0:
        return 1.0
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _value_axis(axis: Any, top: float, integer: bool) -> None:
    step = max(_step(top), 1.0) if integer else _step(top)
    axis.valueMin = 0
    axis.valueStep = step
    axis.valueMax = step * max(1, math.ceil(top / step))
    axis.labels.fontName = PRIMARY
    axis.labels.fontSize = CHART_SIZE
    axis.labelTextFormat = "%d" if integer or step >= 1 else "%g"
    axis.visibleGrid = True
    axis.gridStrokeColor = colors.HexColor("#d9d9d9")
    axis.gridStrokeWidth = 0.4


def _drawing(width: float, height: float) -> Drawing:
    """An empty drawing whose text starts in the embedded font (renderPDF would start in Helvetica,
    which the PDF would then name without embedding it)."""
    d = Drawing(width, height)
    d.initialFontName = PRIMARY
    d.initialFontSize = CHART_SIZE
    return d


def _caption(drawing: Drawing, text: str, width: float, y: float) -> None:
    drawing.add(String(width / 2, y, text, fontName=PRIMARY, fontSize=BODY_SIZE - 1, textAnchor="middle"))


def category_chart(names: Sequence[str], counts: Sequence[int], width: float, caption: str,
                   height: float = 190.0) -> Drawing:
    """Activities per category: one bar each, its count above it."""
    d = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 34, width - 50, height - 70
    chart.data = [list(counts)]
    chart.categoryAxis.categoryNames = list(names)
    _category_labels(chart, names, chart.width)
    _value_axis(chart.valueAxis, max(counts, default=0), integer=True)
    chart.bars[0].fillColor = colors.HexColor(PALETTE[0])
    chart.bars.strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = PRIMARY
    chart.barLabels.fontSize = CHART_SIZE
    chart.barLabels.nudge = 6
    chart.barWidth = 10
    d.add(chart)
    _caption(d, caption, width, height - 14)
    return d


def _category_labels(chart: Any, names: Sequence[str], room: float) -> None:
    labels = chart.categoryAxis.labels
    labels.fontName = PRIMARY
    labels.fontSize = CHART_SIZE
    widest = max((stringWidth(n, PRIMARY, CHART_SIZE) for n in names), default=0.0)
    if names and widest > room / len(names) - 4:
        labels.angle = 30
        labels.boxAnchor = "ne"
        labels.dx, labels.dy = 4, -2
    else:
        labels.boxAnchor = "n"


def month_chart(series: Sequence[str], data: Sequence[Sequence[int]], width: float, caption: str,
                height: float = 240.0) -> Drawing:
    """Activities per month, stacked by category, with a legend of the categories under it."""
    per_row = max(1, int(width // (max((stringWidth(s, PRIMARY, CHART_SIZE) for s in series), default=40) + 26)))
    legend_rows = math.ceil(len(series) / per_row) if series else 0
    legend_h = legend_rows * (CHART_SIZE + 6)
    d = _drawing(width, height + legend_h)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 30 + legend_h, width - 50, height - 66
    chart.data = [list(row) for row in data] or [[0] * 12]
    chart.categoryAxis.categoryNames = [f"{m}月" for m in range(1, 13)]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = PRIMARY
    chart.categoryAxis.labels.fontSize = CHART_SIZE
    chart.categoryAxis.labels.boxAnchor = "n"
    totals = [sum(col) for col in zip(*data, strict=True)] if data else [0]
    _value_axis(chart.valueAxis, max(totals, default=0), integer=True)
    for index in range(len(chart.data)):
        chart.bars[index].fillColor = colors.HexColor(PALETTE[index % len(PALETTE)])
    chart.bars.strokeColor = colors.white
    chart.bars.strokeWidth = 0.3
    chart.barWidth = 14
    d.add(chart)
    if series:
        legend = Legend()
        legend.fontName = PRIMARY
        legend.fontSize = CHART_SIZE
        legend.alignment = "right"
        legend.columnMaximum = legend_rows
        legend.dx = legend.dy = 7
        legend.deltay = CHART_SIZE + 6
        legend.deltax = 20
        legend.dxTextSpace = 4
        legend.boxAnchor = "nw"
        legend.x, legend.y = chart.x, legend_h + 2
        legend.colorNamePairs = [(colors.HexColor(PALETTE[i % len(PALETTE)]), name) for i, name in enumerate(series)]
        legend.strokeColor = None
        d.add(legend)
    _caption(d, caption, width, height + legend_h - 14)
    return d


def team_chart(names: Sequence[str], hours: Sequence[float], width: float, caption: str) -> Drawing:
    """Service hours by team: a horizontal bar each, its hours at its end."""
    left = max((stringWidth(n, PRIMARY, CHART_SIZE) for n in names), default=40) + 12
    bar_room = 22
    height = 56 + bar_room * max(len(names), 1)
    d = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = left, 24, width - left - 40, height - 52
    chart.data = [list(hours)]
    chart.categoryAxis.categoryNames = list(names)
    chart.categoryAxis.reverseDirection = True  # the first team on top
    chart.categoryAxis.labels.fontName = PRIMARY
    chart.categoryAxis.labels.fontSize = CHART_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    _value_axis(chart.valueAxis, max(hours, default=0.0), integer=max(hours, default=0.0) >= 5)
    chart.bars[0].fillColor = colors.HexColor(PALETTE[2])
    chart.bars.strokeColor = None
    chart.barLabelFormat = "%g"
    chart.barLabels.fontName = PRIMARY
    chart.barLabels.fontSize = CHART_SIZE
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barWidth = 12
    d.add(chart)
    _caption(d, caption, width, height - 14)
    return d


# --- the PDF -----------------------------------------------------------------------------------------
def _para(text: str, **kw: Any) -> Paragraph:
    return Paragraph(text, size=BODY_SIZE, leading=1.6, indent=2 * BODY_SIZE, **kw)


def _heading(text: str) -> Heading:
    return Heading(text, size=13.0, space_before=10, space_after=4)


def _sub(text: str) -> Heading:
    return Heading(text, size=BODY_SIZE, space_before=4, space_after=3)


def _activity_blocks(report: Any, width: float) -> list[Block]:
    a = report.activities
    unit = report.period.unit
    if not a.total:
        return [_para(f"{unit}没有登记已开展的活动。")]
    out: list[Block] = [Chart(category_chart(a.categories, [c.count for c in a.by_category], width,
                                             f"图 1  {report.period.label}各类活动开展次数"),
                              labels=(*a.categories, "图 1"), space_after=6)]
    rows: list[list[object]] = [[c.name, c.count, c.participants, c.without_photos] for c in a.by_category]
    rows.append(["合计", a.total, a.participants, a.without_photos])
    out += [_sub("（一）按类别统计"), *table(("类别", "活动次数", "参与人次", "其中无照片"), rows, (3, 2, 2, 2), "lrrr")]
    if report.period.kind == "year":
        data = [[m.counts[i] for m in a.by_month] for i in range(len(a.categories))]
        out.append(Chart(month_chart(a.categories, data, width, f"图 2  {report.period.label}各月活动开展次数（按类别）"),
                         labels=(*a.categories, "图 2"), space_before=4, space_after=6))
        month_rows = [[f"{m.month}月", *m.counts, m.total] for m in a.by_month]
        month_rows.append(["合计", *[c.count for c in a.by_category], a.total])
        out += [_sub("（二）按月份统计"),
                *table(("月份", *a.categories, "合计"), month_rows, (1.0, *[1.2] * len(a.categories), 1.0),
                       "c" + "r" * (len(a.categories) + 1))]
    else:
        lines = [[iso_date(x.day), x.title, x.category.split("/")[-1], x.place, x.participants, x.photos]
                 for x in a.activities]
        out += [_sub("（二）本月活动一览"),
                *table(("日期", "活动名称", "类别", "地点", "参与人数", "照片"), lines, (1.7, 4.2, 2, 2.6, 1.1, 0.9),
                       "clllrr")]
    return out


def _volunteer_blocks(report: Any, width: float) -> list[Block]:
    v = report.volunteers
    unit = report.period.unit
    said = (f"截至{cn_date(report.until)}，注册志愿者 {v.registered} 人，{unit}新注册 {v.new} 人。"
            + (f"{unit}参与服务 {v.active} 人、{v.records} 人次，服务时长合计 {v.hours:g} 小时"
               + (f"；其中 {v.late} 条服务记录超过 10 个工作日才录入" if v.late else "") + "。"
               if v.records else f"{unit}没有志愿服务记录。"))
    out: list[Block] = [_para(said, space_after=4)]
    if v.records:
        served = [t for t in v.teams if t.minutes]
        out.append(Chart(team_chart([t.name for t in served], [t.hours for t in served], width,
                                    f"图 {3 if report.period.kind == 'year' else 2}  {report.period.label}各志愿服务队服务时长（小时）"),
                         labels=tuple(t.name for t in served), space_after=6))
    if v.teams:
        rows: list[list[object]] = [[t.name, t.members, t.active, t.records, t.hours] for t in v.teams]
        rows.append(["合计", sum(t.members for t in v.teams), v.active, v.records, v.hours])
        out += [_sub("（一）按队伍统计"),
                *table(("队伍", "队员人数", "参与服务人数", "服务人次", "服务时长（小时）"), rows, (3, 1.6, 1.8, 1.6, 2), "lrrrr")]
    if report.period.kind == "year" and v.records:
        rows = [[f"{m.month}月", m.volunteers, m.records, m.hours] for m in v.by_month]
        rows.append(["合计", v.active, v.records, v.hours])
        out += [_sub("（二）按月份统计"), *table(("月份", "参与服务人数", "服务人次", "服务时长（小时）"), rows, (1.5, 2, 2, 2), "crrr")]
    return out


def _campaign_blocks(report: Any) -> list[Block]:
    if not report.campaigns:
        return [_para(f"{report.period.year}年度没有开展文明家庭等评选。")]
    rows = [[c.title, c.kind, c.stage_label, c.nominations, c.chosen, cn_date(c.commended_on) if c.commended_on else "—"]
            for c in report.campaigns]
    out: list[Block] = table(("评选名称", "类型", "阶段", "推荐户数", "当选户数", "表彰日期"), rows, (4, 1.6, 1.3, 1.3, 1.3, 2),
                             "lcccc")
    for c in report.campaigns:
        if c.families:
            out.append(_para(f"{c.title}受表彰家庭（{len(c.families)} 户）：{'、'.join(c.families)}。", space_after=2))
    return out


def _archive_blocks(report: Any) -> list[Block]:
    rows = [[f"{y.year}年", y.items, y.numbered, y.boxed, y.boxes, y.pages, y.unfiled_activities, y.unfiled_campaigns,
             cn_date(y.due)] for y in report.archives.years]
    out = table(("年度", "归档件数", "已编件号", "已装盒", "档案盒", "页数", "未归档活动", "未归档评选", "归档期限"), rows,
                (1.1, 1.2, 1.2, 1.1, 1.1, 1, 1.5, 1.5, 2.2), "c")
    check = report.archives.last_check
    if check is None:
        out.append(_para("还没有做过档案检测（四性检测）。"))
    else:
        result = "没有发现问题" if not check.problems else f"发现 {check.problems} 个问题"
        out.append(_para(f"最近一次档案检测：{cn_date(check.checked_at)}，检测 {check.files} 个文件，{result}。"))
    return out


def _assessment_blocks(report: Any) -> list[Block]:
    s = report.assessment
    if not s.items:
        return [_para("还没有测评项目。")]
    out: list[Block] = [_para(f"评定时段：{period_text(report)}。得分 {s.score:g} 分（已评定项目满分 {s.points:g} 分）；"
                              f"A 档 {s.count('A')} 项，B 档 {s.count('B')} 项，C 档 {s.count('C')} 项，C# 档 {s.count('C#')} 项"
                              + (f"，待人工评定 {s.pending} 项" if s.pending else "") + "。", space_after=4)]
    rows = [[i.code, f"{i.project}·{i.indicator}", i.points, i.grade, "" if i.score is None else i.score, i.problems]
            for i in s.items]
    out += table(("编号", "测评项目·指标", "分值", "档次", "得分", "问题数"), rows, (1.3, 6, 1, 1.4, 1, 1.1), "cl")
    return out


def _rectification_blocks(report: Any) -> list[Block]:
    r = report.rectifications
    out: list[Block] = [_para(f"{report.period.unit}发现问题 {r.found} 个，验收 {r.verified} 个；截至{cn_date(report.today)}，"
                              f"尚未完成整改的问题 {len(r.open)} 个" + (f"，其中逾期 {r.overdue} 个" if r.overdue else "")
                              + "。", space_after=4)]
    if r.open:
        rows = [[x.id, x.problem, x.source_label, iso_date(x.found_on), x.responsible,
                 iso_date(x.deadline) if x.deadline else "—", overdue_text(x, report.today, r.overdue_ids)]
                for x in r.open]
        out += table(("编号", "问题", "来源", "发现日期", "责任人", "整改时限", "状态"), rows, (0.9, 5, 1.2, 1.9, 1.4, 1.9, 2.2),
                     "cl")
    return out


def overdue_text(row: Any, today: Any, overdue_ids: frozenset[int]) -> str:
    """整改中, or 「整改中（逾期 5 天）」."""
    if row.id in overdue_ids and row.deadline is not None:
        return f"{row.status_label}（逾期 {(today - row.deadline).days} 天）"
    return str(row.status_label)


def town_report(report: Any) -> Document:
    """The PDF of `report` (a services.town_reports.TownReport)."""
    width = PAGE.body_width
    who = report.committee or report.head.unit
    blocks: list[Block] = [
        Title(report.title, size=TITLE_SIZE, space_after=6),
        Paragraph(f"报送单位：{who}", size=BODY_SIZE, align="center", keep_with_next=True),
        Paragraph(f"统计时段：{period_text(report)}", size=BODY_SIZE, align="center", space_after=6),
        _heading(SECTIONS[0]), *[_para(line) for line in summary_lines(report)],
        _heading(SECTIONS[1]), *_activity_blocks(report, width),
        _heading(SECTIONS[2]), *_volunteer_blocks(report, width),
        _heading(SECTIONS[3]), *_campaign_blocks(report),
        _heading(SECTIONS[4]), *_archive_blocks(report),
        _heading(SECTIONS[5]), *_assessment_blocks(report),
        _heading(SECTIONS[6]), *_rectification_blocks(report),
        SignatureLine(("填报人", "审核人", "报送日期"), size=BODY_SIZE, blank=80, gap=24, space_before=18),
    ]
    return Document(blocks=blocks, page=PAGE, page_numbers=PageNumbers(), title=report.title,
                    author=who, subject=f"镇文明办{report.period.name}", record=report.title,
                    overflow_advice="请精简后再导出")


def write_town_report_pdf(report: Any, path: Path) -> Path:
    fonts()
    return render(town_report(report), path)


# --- the workbook ------------------------------------------------------------------------------------
def _part(report: Any, sheet: str, section: str, columns: list[Column], rows: Sequence[Any],
          notes: Sequence[str] = (), signed: bool = False) -> Ledger:
    head = report.head
    return Ledger(title=report.title, subtitle=f"{section}    {head.subtitle(f'统计时段：{period_text(report)}')}",
                  columns=columns, rows=list(rows), row_count=len(rows), numbered=False, landscape=False,
                  sheet_name=sheet, notes=list(notes), signature=("填报人", "审核人", "报送日期") if signed else (),
                  preparer=head.preparer)


def _cols(*specs: tuple[str, Callable[[Any], object], float, str]) -> list[Column]:
    return [Column(header, value, width, align) for header, value, width, align in specs]


def workbook(report: Any) -> Ledger:
    """The report as a ledger in parts: a sheet per section, the numbers behind each chart and table."""
    a, v, s, r = report.activities, report.volunteers, report.assessment, report.rectifications
    headline = [("活动次数", a.total, "次"), ("参与人次", a.participants, "人次"), ("无照片的活动", a.without_photos, "次"),
                ("注册志愿者", v.registered, "人"), ("新注册志愿者", v.new, "人"), ("参与服务志愿者", v.active, "人"),
                ("服务人次", v.records, "人次"), ("服务时长", v.hours, "小时"),
                ("受表彰家庭", report.commended_families, "户"),
                ("测评自查得分", sum_cell(s.score), f"分（已评定项目满分 {s.points:g} 分）"),
                ("尚未完成整改的问题", len(r.open), "个"), ("其中逾期", r.overdue, "个"),
                ("本期发现问题", r.found, "个"), ("本期验收问题", r.verified, "个")]
    parts = [_part(report, "总体情况", SECTIONS[0], _cols(("指标", itemgetter(0), 24, "left"), ("数值", itemgetter(1), 12, "right"),
                                                        ("单位", itemgetter(2), 40, "left")),
                   headline, notes=summary_lines(report), signed=True)]
    cat_rows = [(c.name, c.count, c.participants, c.without_photos) for c in a.by_category]
    cat_rows.append(("合计", a.total, a.participants, a.without_photos))
    parts.append(_part(report, "活动分类", SECTIONS[1], _cols(
        ("类别", itemgetter(0), 20, "left"), ("活动次数", itemgetter(1), 10, "right"),
        ("参与人次", itemgetter(2), 10, "right"), ("其中无照片", itemgetter(3), 11, "right")), cat_rows,
        notes=() if a.total else [f"{report.period.unit}没有登记已开展的活动。"]))
    if report.period.kind == "year":
        n = len(a.categories)
        month_rows = [(f"{m.month}月", *m.counts, m.total) for m in a.by_month]
        month_rows.append(("合计", *[c.count for c in a.by_category], a.total))
        parts.append(_part(report, "活动月度", SECTIONS[1], [Column("月份", itemgetter(0), 8, "center")]
                           + [Column(name, itemgetter(i + 1), max(10.0, 2 * len(name) + 1), "right")
                              for i, name in enumerate(a.categories)]
                           + [Column("合计", lambda x: x[n + 1], 8, "right")], month_rows))
    else:
        parts.append(_part(report, "活动清单", SECTIONS[1], _cols(
            ("日期", lambda x: iso_date(x.day), 11.5, "center"), ("活动名称", lambda x: x.title, 30, "left"),
            ("类别", lambda x: x.category, 22, "left"), ("地点", lambda x: x.place, 18, "left"),
            ("参与人数", lambda x: x.participants, 9, "right"), ("照片", lambda x: x.photos, 6, "right")),
            a.activities, notes=() if a.activities else ["本月没有登记已开展的活动。"]))
    team_rows: list[tuple[object, ...]] = [(t.name, t.members, t.active, t.records, t.hours) for t in v.teams]
    team_rows.append(("合计", sum(t.members for t in v.teams), v.active, v.records, v.hours))
    parts.append(_part(report, "志愿服务", SECTIONS[2], _cols(
        ("队伍", itemgetter(0), 20, "left"), ("队员人数", itemgetter(1), 10, "right"),
        ("参与服务人数", itemgetter(2), 13, "right"), ("服务人次", itemgetter(3), 10, "right"),
        ("服务时长（小时）", itemgetter(4), 16, "right")), team_rows,
        notes=[f"注册志愿者 {v.registered} 人，新注册 {v.new} 人；超过 10 个工作日才录入的服务记录 {v.late} 条。"]))
    if report.period.kind == "year":
        hour_rows = [(f"{m.month}月", m.volunteers, m.records, m.hours) for m in v.by_month]
        hour_rows.append(("合计", v.active, v.records, v.hours))
        parts.append(_part(report, "服务月度", SECTIONS[2], _cols(
            ("月份", itemgetter(0), 8, "center"), ("参与服务人数", itemgetter(1), 13, "right"),
            ("服务人次", itemgetter(2), 10, "right"), ("服务时长（小时）", itemgetter(3), 16, "right")), hour_rows))
    parts.append(_part(report, "评选表彰", SECTIONS[3], _cols(
        ("评选名称", lambda c: c.title, 28, "left"), ("类型", lambda c: c.kind, 10, "center"),
        ("阶段", lambda c: c.stage_label, 9, "center"), ("推荐户数", lambda c: c.nominations, 9, "right"),
        ("当选户数", lambda c: c.chosen, 9, "right"), ("表彰日期", lambda c: iso_date(c.commended_on), 11.5, "center"),
        ("受表彰家庭", lambda c: "、".join(c.families), 36, "left")), report.campaigns,
        notes=() if report.campaigns else [f"{report.period.year}年度没有开展文明家庭等评选。"]))
    check = report.archives.last_check
    parts.append(_part(report, "档案归档", SECTIONS[4], _cols(
        ("年度", lambda y: y.year, 7, "center"), ("归档件数", lambda y: y.items, 9, "right"),
        ("已编件号", lambda y: y.numbered, 9, "right"), ("已装盒", lambda y: y.boxed, 8, "right"),
        ("档案盒", lambda y: y.boxes, 8, "right"), ("页数", lambda y: y.pages, 7, "right"),
        ("未归档活动", lambda y: y.unfiled_activities, 11, "right"),
        ("未归档评选", lambda y: y.unfiled_campaigns, 11, "right"),
        ("归档期限", lambda y: iso_date(y.due), 11.5, "center")), report.archives.years,
        notes=["还没有做过档案检测。" if check is None else
               f"最近一次档案检测：{iso_date(check.checked_at)}，{check.files} 个文件，问题 {check.problems} 个。"]))
    parts.append(_part(report, "测评自查", SECTIONS[5], _cols(
        ("编号", lambda i: i.code, 8, "center"), ("测评项目", lambda i: i.project, 16, "left"),
        ("指标", lambda i: i.indicator, 20, "left"), ("分值", lambda i: sum_cell(i.points), 6, "right"),
        ("档次", lambda i: i.grade, 11, "center"), ("得分", lambda i: sum_cell(i.score), 7, "right"),
        ("问题数", lambda i: i.problems, 7, "right"), ("主要问题或说明", lambda i: i.first_problem, 40, "left")), s.items,
        notes=[f"合计得分 {s.score:g} 分（已评定项目满分 {s.points:g} 分）。"]))
    parts.append(_part(report, "整改问题", SECTIONS[6], _cols(
        ("编号", lambda x: x.id, 6, "center"), ("问题", lambda x: x.problem, 36, "left"),
        ("来源", lambda x: x.source_label, 8, "center"), ("发现日期", lambda x: iso_date(x.found_on), 11.5, "center"),
        ("责任人", lambda x: x.responsible, 9.5, "center"), ("整改时限", lambda x: iso_date(x.deadline), 11.5, "center"),
        ("状态", lambda x: overdue_text(x, report.today, r.overdue_ids), 18, "center")), r.open,
        notes=[f"截至{cn_date(report.today)}尚未完成整改的问题；{report.period.unit}发现 {r.found} 个，验收 {r.verified} 个。"]))
    return Ledger(title=report.title, subtitle="", columns=[], rows=[], row_count=sum(p.row_count for p in parts),
                  landscape=False, parts=parts)


def write_town_report_xlsx(report: Any, path: Path) -> Path:
    return write_xlsx(workbook(report), path)
