"""Every table the program keeps, in the words its users read: the table's Chinese name, each
column's label, and how one record is named in the audit trail and in the recycle bin.

This is the one place for those words. The audit trail (written at every flush by storage.audit,
which is handed `record_name`), its page and ledger, the recycle bin and restore messages all
read from here; a test fails when a mapped table or one of its columns has no entry, so a new
table (families, archives …) is named here once and is then audited, binned and printed
without any other label anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from huiquan_desk.domain import activity as activity_rules
from huiquan_desk.domain import archives as archive_rules
from huiquan_desk.domain import assessment as assessment_rules
from huiquan_desk.domain import family as family_rules
from huiquan_desk.domain import plan as plan_rules
from huiquan_desk.domain import volunteer as volunteer_rules
from huiquan_desk.services.settings import setting_label
from huiquan_desk.storage.models import Base

Values = Mapping[str, Any]


def _first(*keys: str) -> Callable[[Values], str]:
    """Name a record by the first of these columns that has a value."""
    def name(values: Values) -> str:
        return next((str(values[k]) for k in keys if values.get(k)), "")
    return name


@dataclass(frozen=True)
class Entity:
    table: str
    label: str  # 活动
    fields: Mapping[str, str]  # column -> label (COMMON_FIELDS add id, created_at, updated_at)
    name: Callable[[Values], str] = field(default=_first("title", "name"))  # in the audit trail
    bin_name: Callable[[Values], str] | None = None  # in the recycle bin, when it says more
    bin_label: str = ""  # how the recycle bin calls one, when not `label` (补录记录)
    unit: str = "条"  # counting them: 照片 2 张, 培训 1 条
    parent: tuple[str, str] = ("", "")  # (column, table) of the record it belongs to (a photo's
    #                                     activity): the printed audit ledger counts it under that record
    refs: tuple[str, ...] = ()  # columns pointing to records whose names `name` reads as "<column>:name"


COMMON_FIELDS = {"id": "编号", "created_at": "创建时间", "updated_at": "修改时间"}
# Columns that say nothing to a reader of a printed ledger (hashes, sizes, order, bookkeeping): the
# audit page's details pane shows them, the printed audit ledger leaves them out.
TECHNICAL_FIELDS = frozenset({"id", "sha256", "suffix", "size", "sort_order", "password_hash", "created_at",
                              "updated_at", "failed_attempts", "locked_until", "seq", "payload", "old_values",
                              "new_values", "entered_at"})
_A = activity_rules.FIELD_LABELS
_V = volunteer_rules.FIELD_LABELS
_H = family_rules.HOUSEHOLD_LABELS
_C = family_rules.CAMPAIGN_LABELS
_N = family_rules.NOMINATION_LABELS
_O = family_rules.OBJECTION_LABELS


def _date(values: Values, key: str) -> str:
    return str(values.get(key) or "")[:10]


def _item_name(values: Values) -> str:
    """An archive item as the trail names it: its 档号 once numbered, and its title."""
    number = values.get("number")
    code = archive_rules.code_text(str(values.get("fonds") or ""), str(values.get("category", "")),
                                   int(values.get("year") or 0), str(values.get("retention", "")), int(number),
                                   str(values.get("org") or "")) + " " if number else ""
    return f"{code}{values.get('title', '')}"


def _box_name(values: Values) -> str:
    org = f"-{values.get('org')}" if values.get("org") else ""
    return f"{values.get('category', '')}·{values.get('year', '')}-{values.get('retention', '')}{org} 第 {values.get('number', '')} 盒"


def _address(values: Values) -> str:
    return family_rules.address_text(*(str(values.get(k) or "") for k in ("building", "unit", "room")))


ENTITIES: dict[str, Entity] = {e.table: e for e in (
    Entity("activities", "活动", {
        "title": _A["title"], "category_id": _A["category"], "start_at": _A["start"], "end_at": _A["end"],
        "place": _A["place"], "organizer": _A["organizer"], "leader": _A["leader"],
        "participants": _A["participants"], "content": _A["content"], "remarks": _A["remarks"],
        "status": _A["status"]},
        bin_name=lambda v: f"{v.get('title', '')}（{_date(v, 'start_at')}）"),
    Entity("attachments", "照片", {
        "activity_id": "所属活动", "nomination_id": "所属推荐家庭", "kind": "类型", "sha256": "文件校验值(SHA-256)", "suffix": "文件类型",
        "original_name": "原文件名", "size": "文件大小(字节)", "sort_order": "顺序", "caption_title": "照片说明：标题",
        "caption_time": "照片说明：时间", "caption_place": "照片说明：地点", "caption_people": "照片说明：人物",
        "caption_photographer": "照片说明：摄影者", "caption_background": "照片说明：背景"},
        name=_first("caption_title", "original_name"), unit="张", parent=("activity_id", "activities")),
    Entity("categories", "类别", {"parent_id": "上级类别", "name": "类别名称", "sort_order": "顺序"}),
    Entity("settings", "设置", {"key": "设置项", "value": "值"},
           name=lambda v: setting_label(str(v.get("key") or ""))),
    Entity("volunteers", "志愿者", {**{k: v for k, v in _V.items() if k != "team"}, "team_id": _V["team"],
                                  "id_type": "证件类型"},
           bin_name=lambda v: f"{v.get('name', '')}（{v.get('number', '')}）"),
    Entity("service_records", "服务记录", {
        "volunteer_id": "志愿者", "activity_id": "活动", "source": "记录方式", "service_date": "服务日期",
        "minutes": "服务时长(分钟)", "title": "活动名称", "place": "地点", "content": "服务内容",
        "organizer": "活动组织单位", "leader": "活动负责人", "reason": "补录原因", "entered_by": "登记人",
        "entered_at": "登记时间", "late": "逾期录入"},
        name=lambda v: f"{_date(v, 'service_date')}「{v.get('title') or '志愿服务'}」", bin_label="补录记录",
        parent=("activity_id", "activities")),
    Entity("trainings", "培训", {"volunteer_id": "志愿者", **volunteer_rules.TRAINING_LABELS,
                               "minutes": "学习时长(分钟)"}, parent=("volunteer_id", "volunteers")),
    Entity("commendations", "表彰", {"volunteer_id": "志愿者", **volunteer_rules.COMMENDATION_LABELS},
           parent=("volunteer_id", "volunteers")),
    Entity("evaluations", "评价", {"volunteer_id": "志愿者", **volunteer_rules.EVALUATION_LABELS},
           name=lambda v: f"{_date(v, 'evaluated_on')} 服务质量评价：{v.get('quality', '')}", parent=("volunteer_id", "volunteers")),
    Entity("certificates", "证明", {
        "number": "证明编号", "year": "年度", "seq": "顺序号", "volunteer_id": "志愿者", "period_from": "证明时段起",
        "period_to": "证明时段止", "minutes": "服务时长(分钟)", "service_count": "服务次数", "content": "服务内容",
        "issuer": "出具单位", "leader": "负责人", "handler": "经办人", "contact": "联系方式", "issued_on": "出具日期",
        "issued_by": "出具人"},
        name=_first("number")),
    Entity("households", "家庭", {k: v for k, v in _H.items() if k not in ("address", "members")},
           name=lambda v: f"{v.get('head_name', '')}家（{_address(v)}）", unit="户"),
    Entity("household_members", "家庭成员", {"household_id": "所属家庭", **family_rules.MEMBER_LABELS, "sort_order": "顺序"},
           parent=("household_id", "households"), unit="人"),
    Entity("campaigns", "评选", {k: v for k, v in _C.items()}, name=_first("title"), unit="项"),
    Entity("nominations", "推荐家庭", {"campaign_id": "所属评选", "household_id": _N["household"],
                                   **{k: v for k, v in _N.items() if k not in ("household", "photos")}},
           name=_first("household_id:name"), parent=("campaign_id", "campaigns"), unit="户", refs=("household_id",)),
    Entity("reviewers", "评议小组成员", {"campaign_id": "所属评选", **family_rules.REVIEWER_LABELS, "sort_order": "顺序"},
           parent=("campaign_id", "campaigns"), unit="人"),
    Entity("scores", "评分", {"nomination_id": "推荐家庭", "reviewer_id": "评议人", "criterion": "评选标准（序号）",
                            "score": "得分"},
           name=lambda v: f"{v.get('reviewer_id:name', '')}评{v.get('nomination_id:name', '')}第 "
                          f"{int(v.get('criterion') or 0) + 1} 项 {v.get('score', '')} 分",
           unit="项", refs=("nomination_id", "reviewer_id")),
    Entity("ballots", "投票", {"nomination_id": "推荐家庭", "reviewer_id": "评议人", "vote": "表决"},
           name=lambda v: f"{v.get('reviewer_id:name', '')}对{v.get('nomination_id:name', '')}："
                          f"{family_rules.VOTE_LABELS.get(str(v.get('vote')), str(v.get('vote', '')))}",
           unit="票", refs=("nomination_id", "reviewer_id")),
    Entity("objections", "公示异议", {"campaign_id": "所属评选", "nomination_id": _O["nomination"],
                                  **{k: v for k, v in _O.items() if k != "nomination"}},
           name=lambda v: f"{_date(v, 'raised_on')} {v.get('raised_by') or '匿名'}反映", parent=("campaign_id", "campaigns")),
    Entity("campaign_activities", "评选活动", {"campaign_id": "所属评选", "activity_id": "活动"},
           name=_first("activity_id:name"), parent=("campaign_id", "campaigns"), unit="项", refs=("activity_id",)),
    Entity("archive_items", "归档文件", dict(archive_rules.ITEM_LABELS), name=_item_name, unit="件"),
    Entity("archive_files", "档案文件", {
        "item_id": "所属归档文件", "kind": "类型", "sha256": "文件校验值(SHA-256)", "suffix": "文件类型",
        "original_name": "原文件名", "size": "文件大小(字节)", "sort_order": "顺序", "caption_title": "照片说明：题名",
        "caption_time": "照片说明：时间", "caption_place": "照片说明：地点", "caption_people": "照片说明：人物",
        "caption_background": "照片说明：背景", "caption_photographer": "照片说明：摄影者"},
        name=_first("caption_title", "original_name"), unit="个", parent=("item_id", "archive_items")),
    Entity("archive_boxes", "档案盒", dict(archive_rules.BOX_LABELS), name=_box_name, unit="盒"),
    Entity("archive_gaps", "空号", {"category": "门类代码", "year": "年度", "retention": "保管期限",
                                  "org": "机构(问题)代码", "number": "件号", "code": "档号", "title": "原题名",
                                  "reason": "空号原因"},
           name=lambda v: f"空号 {v.get('code', '')}"),
    Entity("fixity_checks", "档案检测", {"checked_at": "检测时间", "scope": "检测范围", "files": "检测文件数",
                                     "problems": "问题数", "details": "问题", "operator": "检测人"},
           name=lambda v: f"{str(v.get('checked_at') or '')[:16]} 档案检测"),
    Entity("destruction_rounds", "销毁鉴定", {"due_year": "到期年度", "members": "鉴定小组成员", "residents": "居民代表",
                                          "decided_on": "鉴定日期", "remarks": "备注"},
           name=lambda v: f"{v.get('due_year', '')}年前到期档案的销毁鉴定", unit="次"),
    Entity("destruction_decisions", "鉴定意见", {"round_id": "所属鉴定", "item_id": "归档文件", "code": "档号",
                                             "title": "题名", "decision": "鉴定意见", "reason": "理由",
                                             "keep_until": "续存至"},
           name=lambda v: f"{v.get('code', '')} {v.get('title', '')}", parent=("round_id", "destruction_rounds"),
           unit="件"),
    Entity("checklist_items", "测评项目", dict(assessment_rules.ITEM_LABELS),
           name=lambda v: f"{v.get('code', '')} {v.get('indicator', '')}".strip(), unit="项"),
    Entity("manual_assessments", "人工评定", dict(assessment_rules.MANUAL_LABELS),
           name=lambda v: f"{v.get('item_id:name', '')} {_date(v, 'period_from')}至{_date(v, 'period_to')} "
                          f"评为 {v.get('grade', '')}".strip(),
           parent=("item_id", "checklist_items"), refs=("item_id",)),
    Entity("rectifications", "整改问题", dict(assessment_rules.RECTIFICATION_LABELS),
           name=lambda v: str(v.get("problem") or "")[:60], refs=("item_id",)),
    Entity("rectification_photos", "整改照片", {
        "rectification_id": "所属整改问题", "stage": "整改前/后", "sha256": "文件校验值(SHA-256)", "suffix": "文件类型",
        "original_name": "原文件名", "size": "文件大小(字节)", "sort_order": "顺序", "caption": "照片说明",
        "taken_at": "拍摄时间"},
        name=_first("caption", "original_name"), unit="张", parent=("rectification_id", "rectifications")),
    Entity("plans", "年度计划", dict(plan_rules.PLAN_LABELS), unit="份"),
    Entity("plan_phases", "计划阶段", dict(plan_rules.PHASE_LABELS), parent=("plan_id", "plans"), unit="个"),
    Entity("plan_sections", "计划板块", dict(plan_rules.SECTION_LABELS), parent=("plan_id", "plans"), unit="个"),
    Entity("plan_tasks", "计划任务", dict(plan_rules.TASK_LABELS), parent=("section_id", "plan_sections"), unit="项"),
    Entity("plan_task_links", "任务关联记录", dict(plan_rules.LINK_LABELS), name=lambda v: f"任务 {v.get('task_id', '')}",
           parent=("task_id", "plan_tasks")),
    Entity("teams", "队伍", {"name": "队伍名称", "description": "说明", "sort_order": "顺序"}),
    Entity("users", "账号", {"username": "登录名", "display_name": "姓名", "role": "角色", "password_hash": "密码",
                           "active": "启用", "failed_attempts": "连续输错次数", "locked_until": "锁定至",
                           "last_login": "上次登录"},
           name=_first("display_name", "username")),
    Entity("audit_log", "操作日志", {"at": "时间", "user": "操作人", "action": "操作", "entity": "对象",
                                  "entity_id": "记录编号", "summary": "记录", "old_values": "原值", "new_values": "新值"},
           name=_first("summary")),
    Entity("recycle_bin", "回收站", {"entity": "对象", "entity_id": "记录编号", "label": "记录", "deleted_at": "删除时间",
                                  "deleted_by": "删除人", "payload": "内容"},
           name=_first("label")),
)}

# What the trail names that is not one table: a backup, the database as a whole. ("backup" is how
# entries written before this registry named a backup.)
SUBJECTS = {"backups": "备份", "backup": "备份", "database": "数据库"}


def entity_label(key: str) -> str:
    entity = ENTITIES.get(key)
    return entity.label if entity is not None else SUBJECTS.get(key, key)


def bin_label(key: str) -> str:
    entity = ENTITIES.get(key)
    return (entity.bin_label or entity.label) if entity is not None else entity_label(key)


def field_label(table: str, column: str) -> str:
    entity = ENTITIES.get(table)
    return (entity.fields.get(column) if entity is not None else None) or COMMON_FIELDS.get(column) or column


def record_name(table: str, values: Values) -> str:
    """A record as the audit trail names it: its title, name or number, never a bare "#25"."""
    entity = ENTITIES.get(table)
    named = entity.name(values) if entity is not None else _first("title", "name", "number", "key")(values)
    return (named or f"#{values.get('id', '')}")[:120]


def audit_name(session: Session, table: str, values: Values, depth: int = 2) -> str:
    """`record_name`, with the names of the records the entity's `refs` point to looked up first,
    themselves named the same way (the audit hook's namer: a score is named 「周敏评王建国家
    （3栋2单元501）第 1 项 8 分」, not 「#7」)."""
    entity = ENTITIES.get(table)
    if entity is not None and entity.refs and depth > 0:
        looked_up = dict(values)
        with session.no_autoflush:
            for column in entity.refs:
                target = next(fk.column.table for fk in Base.metadata.tables[table].c[column].foreign_keys)
                value = values.get(column)
                if not isinstance(value, int):
                    continue
                found = session.execute(select(*[c for c in target.columns if c.name not in _SECRET])
                                        .where(target.c.id == value)).first()
                if found is not None:
                    looked_up[f"{column}:name"] = audit_name(session, target.name, dict(found._mapping), depth - 1)
        values = looked_up
    return record_name(table, values)


def bin_name(table: str, values: Values) -> str:
    """A record as the recycle bin lists it (with its date or number where the name alone is not enough)."""
    entity = ENTITIES.get(table)
    if entity is not None and entity.bin_name is not None:
        return entity.bin_name(values)[:300]
    return record_name(table, values)


_SECRET = {"password_hash", "payload", "old_values", "new_values"}  # never read just to name a record


def names_of(session: Session, table: Table, ids: Iterable[int]) -> dict[int, str]:
    """The names of rows of `table` by id, fetched in batches (for values that point to them:
    活动类别 19 → 传统节日)."""
    wanted = sorted(set(ids))
    names: dict[int, str] = {}
    columns = [c for c in table.columns if c.name not in _SECRET]
    for start in range(0, len(wanted), 500):
        for row in session.execute(select(*columns).where(table.c.id.in_(wanted[start:start + 500]))):
            values = dict(row._mapping)
            names[values["id"]] = record_name(table.name, values)
    return names


def unlabelled() -> list[str]:
    """Mapped tables and columns that have no Chinese label here (a test keeps this empty)."""
    missing = []
    for table in Base.metadata.sorted_tables:
        entity = ENTITIES.get(table.name)
        if entity is None:
            missing.append(table.name)
            continue
        missing += [f"{table.name}.{c.name}" for c in table.columns
                    if c.name not in entity.fields and c.name not in COMMON_FIELDS]
    return missing
