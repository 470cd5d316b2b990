"""The self-assessment checklist (测评项目) as Excel, so a town can hand the same checklist to every
community: `export_checklist` writes every item (retired ones too) one row each, with its rule as
JSON (评定规则, what the import reads) and in words (规则说明, for people; the import ignores it);
`import_checklist` reads such a file back.

The import goes through services.excel_import (the header anywhere in the first rows, columns in
any order, both readers) and through services.assessment's own add_item / update_item, so a row
gets the same Chinese messages as the form, with its row number. Items are matched by 编号: an
existing one is updated (a column the file does not have keeps its value), a new one is added;
items the file does not name stay as they are. What only the whole file shows is checked too:
a 编号 twice in the file, formula cells (the town's file carries text, not calculations), more
rows than a checklist can have. Any problem raises one ValidationError listing all of them and
nothing is written; nothing is committed here, so a preview is the same call inside
`Workspace.preview()`. The import is the `checklist` entry of services.imports (window, CLI).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles import Alignment
from sqlalchemy.orm import Session

from huiquan_desk.domain import assessment as rules
from huiquan_desk.domain.errors import Problem, Progress, ValidationError
from huiquan_desk.domain.text import clean, halfwidth, text_problems
from huiquan_desk.services.assessment import (
    ChecklistDraft,
    ItemSpec,
    add_item,
    list_items,
    retire_item,
    update_item,
)
from huiquan_desk.services.categories import CategoryNode, list_categories
from huiquan_desk.services.excel_import import (
    FILE_FIELD,
    HeaderSpec,
    ImportReport,
    ListSheet,
    TemplateColumn,
    add_choice,
    cell_text,
    no_spaces,
    open_sheet,
    save_workbook,
    template_workbook,
)
from huiquan_desk.storage import audit

log = logging.getLogger(__name__)
L = rules.ITEM_LABELS
SHEET = "测评项目"
SENTENCE = "规则说明"  # the rule in words: written for people, never read back
MAX_ITEMS = 500  # rows a checklist file may have: a real one has a few dozen
MAX_RULE = 2000  # characters of a rule's JSON
YES = {"是", "停用", "已停用", "Y", "YES", "TRUE", "1", "√"}
NO = {"", "否", "在用", "启用", "N", "NO", "FALSE", "0"}

# Every header the import understands, per field (first names: domain.assessment.ITEM_LABELS, so a
# problem names the column the export wrote). Order = the export's and the template's column order.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": (L["code"], "项目编号", "序号"),
    "project": (L["project"], "项目"),
    "indicator": (L["indicator"], "测评指标"),
    "content": (L["content"], "内容", "测评要求"),
    "points": (L["points"], "分数", "满分"),
    "method": (L["method"], "方法"),
    "rule": (L["rule"], "规则"),
    "thresholds": (L["thresholds"], "档次标准"),
    "sort_order": (L["sort_order"], "排序"),
    "retired": (L["retired"], "停用"),
}
REQUIRED_FIELDS = ("code", "project", "indicator")
WIDTHS = {"code": 9, "project": 14, "indicator": 16, "content": 40, "points": 7, "method": 10, "rule": 44,
          SENTENCE: 30, "thresholds": 9, "sort_order": 7, "retired": 7}
COLUMN_KEYS = [*REQUIRED_FIELDS, "content", "points", "method", "rule", SENTENCE, "thresholds", "sort_order", "retired"]
SPEC = HeaderSpec(HEADER_SYNONYMS, REQUIRED_FIELDS, "测评项目")
_COLUMN_ORDER = {L[key]: index for index, key in enumerate(HEADER_SYNONYMS)}  # a row's problems, left to right


# ---------------------------------------------------------------- export


def _row(item: ItemSpec) -> dict[str, object]:
    try:
        sentence = item.rule_sentence
    except ValidationError:  # a rule stored before its category was renamed: say so, keep the JSON
        sentence = "（规则无法解读，请核对）"
    return {"code": item.code, "project": item.project, "indicator": item.indicator, "content": item.content,
            "points": int(item.points) if item.points == int(item.points) else item.points, "method": item.method,
            "rule": item.rule, SENTENCE: sentence, "thresholds": item.thresholds, "sort_order": item.sort_order,
            "retired": "是" if item.retired else "否"}


def export_checklist(session: Session, path: str | Path) -> int:
    """Write every checklist item (retired ones marked 已停用 是) to `path`; the number of items.
    The same layout as the template: the data sheet first (what the import reads), then 填写说明
    and the lists."""
    items = list_items(session)
    workbook = template_workbook(SHEET, _columns(), _lists(list_categories(session)))
    sheet = workbook[SHEET]
    wrap = Alignment(vertical="top", wrap_text=True)
    for row, item in enumerate(items, start=2):
        values = _row(item)
        for number, key in enumerate(COLUMN_KEYS, start=1):
            value = values[key]
            cell = sheet.cell(row=row, column=number, value=value)
            cell.alignment = wrap
            if isinstance(value, str):
                cell.data_type = "s"  # text, never run as a formula (a code starting with - or =)
    _choices(sheet)
    save_workbook(workbook, path)
    return len(items)


def _columns() -> list[TemplateColumn]:
    hints = {
        "code": "每个项目唯一，如 SX-01。导入时按编号对应：已有的项目更新，没有的新增",
        "project": "测评项目（一级），如 思想道德教育",
        "indicator": "指标（二级），如 道德讲堂",
        "content": "测评内容和要求",
        "points": "分值，大于 0、不超过 100",
        "method": f"{'、'.join(rules.METHODS)}之一",
        "rule": "自动评定的规则（JSON），空着表示人工评定。种类："
                + "；".join(f"{kind}（{label}）" for kind, label in rules.KIND_LABELS.items())
                + '。如 {"category_count": {"category": "传统节日", "n": 1, "per": "month"}}；'
                  "活动类别见「可选值」表",
        SENTENCE: "导出时写出规则的意思，只供阅读，导入时不读",
        "thresholds": "三个问题数，用 / 分开：A 档最多几个问题 / B 档 / C 档，再多是 C# 档；默认 0/1/2",
        "sort_order": "列表中的顺序（数字小的在前）",
        "retired": "是：停用（保留历史评定和整改记录，不再评定）；否或空着：在用",
    }
    examples = {"code": "SX-01", "project": "思想道德教育", "indicator": "道德讲堂", "content": "每季度举办道德讲堂",
                "points": 8, "method": "材料审核",
                "rule": '{"category_count": {"category": "学习先进人物（道德讲堂）", "n": 1, "per": "quarter"}}',
                SENTENCE: "学习先进人物（道德讲堂）类活动每季度至少 1 次",
                "thresholds": "0/1/2", "sort_order": 10, "retired": "否"}
    return [TemplateColumn(key if key == SENTENCE else SPEC.label(key), WIDTHS[key], examples[key],
                           "@" if key in ("code", "thresholds") else None, wrap=key in ("content", "rule", SENTENCE),
                           required=key in REQUIRED_FIELDS, hint=hints[key])
            for key in COLUMN_KEYS]


def _lists(categories: list[CategoryNode]) -> list[ListSheet]:
    kinds = list(rules.KIND_LABELS)
    return [ListSheet("可选值", ["测评方法", "规则种类", "种类说明", "活动类别"],
                      [list(rules.METHODS), kinds, [rules.KIND_LABELS[k] for k in kinds], [c.path for c in categories]],
                      (12, 26, 20, 30))]


def _choices(sheet: Any) -> None:
    add_choice(sheet, COLUMN_KEYS.index("method") + 1, list(rules.METHODS), title=L["method"],
               error=f"请选择{'、'.join(rules.METHODS)}之一")
    add_choice(sheet, COLUMN_KEYS.index("retired") + 1, ["是", "否"], title=L["retired"], error="请填 是 或 否")


def save_checklist_template(session: Session, path: str | Path) -> Path:
    """An empty checklist to fill in: the headers, 填写说明 (with an example never imported) and the
    lists (methods, rule kinds, this community's categories), with drop-downs for 测评方法 and 已停用."""
    workbook = template_workbook(SHEET, _columns(), _lists(list_categories(session)))
    _choices(workbook[SHEET])
    return save_workbook(workbook, path)


# ---------------------------------------------------------------- import


@dataclass
class ChecklistImportReport(ImportReport):
    added: int = 0
    updated: int = 0

    @property
    def notes(self) -> list[str]:
        return [*super().notes, f"按编号对应：新增 {self.added} 项，更新 {self.updated} 项；"
                                "文件中没有的测评项目保持不变。"]


def _points(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError("应为数字，如 8")
    if isinstance(value, int | float):
        return float(value)
    text = no_spaces(halfwidth(cell_text(value))).removesuffix("分")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"应为数字，如 8；「{cell_text(value)[:20]}」不是分值") from None


def _order(value: object) -> int:
    number = _points(value)
    if number != int(number) or not -1_000_000 <= number <= 1_000_000:
        raise ValueError("应为整数，如 10")
    return int(number)


def _retired(value: object) -> bool:
    text = no_spaces(halfwidth(cell_text(value))).upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"应填 是 或 否，「{cell_text(value)[:20]}」不明确")


def _draft(number: int, cells: dict[str, object], present: dict[str, int], old: ItemSpec | None,
           order: int) -> tuple[ChecklistDraft, bool | None, list[Problem]]:
    """A row as a draft: a column the file has gives the value, one it lacks keeps the item's own
    (or the default for a new item). Returns (draft, retired or None when not given, problems)."""
    base = ChecklistDraft(old.code, old.project, old.indicator, old.content, old.points, old.method, old.rule,
                          old.thresholds, old.sort_order) if old else ChecklistDraft("", "", "", sort_order=order)
    problems: list[Problem] = []
    for key in ("code", "project", "indicator", "content", "method", "rule", "thresholds"):
        if key in present:
            setattr(base, key, cell_text(cells.get(key)))
    problems += text_problems([(L[key], getattr(base, key), limit) for key, limit in rules.ITEM_LIMITS.items()
                               if key in present], number)
    if len(base.rule) > MAX_RULE:
        problems.append(Problem(L["rule"], f"不能超过 {MAX_RULE} 个字（现有 {len(base.rule)} 个）", number))
        base.rule = ""
    if "method" in present and not base.method:
        base.method = "材料审核"
    for key, read in (("points", _points), ("sort_order", _order)):
        if key in present and clean(cells.get(key)):
            try:
                setattr(base, key, read(cells.get(key)))
            except ValueError as err:
                problems.append(Problem(L[key], str(err), number))
    retired = None
    if "retired" in present:
        try:
            retired = _retired(cells.get("retired"))
        except ValueError as err:
            problems.append(Problem(L["retired"], str(err), number))
    return base, retired, problems


def _code_key(value: object) -> str:
    return clean(value).upper()


def _formula_problems(path: Path, header_row: int, indexes: dict[str, int], last_row: int) -> list[Problem]:
    """A Problem for each formula cell of the recognised columns (the file was read by value)."""
    columns = {index: SPEC.label(key) for key, index in indexes.items()}
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception:  # already read by value through the same checks: nothing more to find
        log.warning("cannot scan %s for formulas", path, exc_info=True)
        return []
    try:
        sheet = workbook.worksheets[0]
        found = []
        for row in sheet.iter_rows(min_row=header_row + 1, max_row=last_row):
            for cell in row:
                index = getattr(cell, "column", None)
                if index is None or cell.data_type != "f" or index - 1 not in columns:
                    continue
                formula = str(cell.value)[:30]
                found.append(Problem(columns[index - 1], f"是公式（{formula}），请改为直接填写内容（复制后「只粘贴数值」）",
                                     cell.row))
        return found
    finally:
        workbook.close()


def import_checklist(session: Session, path: str | Path, progress: Progress | None = None) -> ChecklistImportReport:
    """Import the checklist of the first sheet of `path`, or raise ValidationError and write nothing.
    Never commits."""
    path = Path(path)
    existing = {_code_key(item.code): item for item in list_items(session)}
    next_order = max((item.sort_order for item in existing.values()), default=0)
    problems: list[Problem] = []
    rows: list[tuple[int, ChecklistDraft, bool | None, ItemSpec | None]] = []
    seen: dict[str, int] = {}
    with open_sheet(path, SPEC) as sheet:
        present = sheet.header.indexes
        last = sheet.header.row
        for number, cells in sheet.records(progress):
            last = number
            if sheet.read > MAX_ITEMS:
                raise ValidationError.single(FILE_FIELD, f"第 {number} 行已是第 {sheet.read} 个测评项目，超过了一份测评表的上限"
                                                         f" {MAX_ITEMS} 项。请核对是不是选错了文件，或删去多余的行后再导入。")
            code = _code_key(cells.get("code"))
            old = existing.get(code) if code else None
            next_order += 10
            draft, retired, found = _draft(number, cells, present, old, next_order)
            if code and code in seen:
                found.append(Problem(L["code"], f"编号「{code[:20]}」与第 {seen[code]} 行重复，每个编号只能有一行", number))
            elif code:
                seen[code] = number
            problems += found
            if not found:
                rows.append((number, draft, retired, old))
        if not problems:
            sheet.require_records()
        header_row = sheet.header.row
        texts, examples, total = sheet.header.texts, sheet.examples, sheet.total
    problems += _formula_problems(path, header_row, present, last)
    added = updated = 0
    for number, draft, retired, old in rows:
        try:
            if old is not None and old.id is not None:
                update_item(session, old.id, draft)
                item_id = old.id
                updated += 1
            else:
                item_id = add_item(session, draft)
                added += 1
            if retired is not None and (old is None or old.retired != retired):
                retire_item(session, item_id, retired)
        except ValidationError as err:
            problems += [Problem(p.field, p.message, number) for p in err.problems]
    if problems:
        problems.sort(key=lambda p: (p.row or 0, _COLUMN_ORDER.get(p.field, len(_COLUMN_ORDER))))
        raise ValidationError(problems)
    audit.record(session, "import", "checklist_items", f"导入测评项目：新增 {added} 项，更新 {updated} 项（{path.name}）",
                 details={"文件": str(path), "新增": added, "更新": updated})
    if progress is not None:
        progress(total, total)
    return ChecklistImportReport(rows_read=added + updated, created=added + updated, header_row=header_row,
                                 columns=texts, examples_skipped=examples, added=added, updated=updated)

