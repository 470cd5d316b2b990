"""Inspection readiness (测评自查): the checklist kept as data, the hand-made assessments of the
items without a rule, and the rectification ledger (整改台账). The rule vocabulary, grades and
labels are in domain.assessment; the work in services.assessment and services.rectifications.

A checklist item is never deleted once used: it is retired (`retired`), so old assessments and
rectifications keep pointing to it. `rule` is the item's rule as JSON ('' = assessed by hand);
`thresholds` the problem counts for A/B/C ("0/1/2"). A rectification's `status` and `source` are
stored as keys (pending / in_progress / done / verified; self / unannounced / supervision /
notice), shown through domain.assessment's labels."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from huiquan_desk.storage.models.base import Base, TimestampMixin


class ChecklistItem(TimestampMixin, Base):
    """One item of the self-assessment checklist (测评项目 → 指标 → 测评内容)."""

    __tablename__ = "checklist_items"
    __table_args__ = (CheckConstraint("points > 0", name="points_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # 编号
    project: Mapped[str] = mapped_column(String(100))  # 测评项目
    indicator: Mapped[str] = mapped_column(String(100))  # 指标
    content: Mapped[str] = mapped_column(Text, default="")  # 测评内容
    points: Mapped[float] = mapped_column(Float)  # 分值
    method: Mapped[str] = mapped_column(String(10))  # 测评方法
    rule: Mapped[str] = mapped_column(Text, default="")  # JSON; '' = assessed by hand
    thresholds: Mapped[str] = mapped_column(String(20), default="0/1/2")  # problems for A/B/C
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class ManualAssessment(TimestampMixin, Base):
    """A grade given by hand to an item for a period, with a note and the evidence seen."""

    __tablename__ = "manual_assessments"
    __table_args__ = (CheckConstraint("period_to >= period_from", name="period_order"),
                      Index("ix_manual_assessments_item_period", "item_id", "period_from", "period_to"))
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id", ondelete="RESTRICT"))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    grade: Mapped[str] = mapped_column(String(2))  # A / B / C / C#
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[str] = mapped_column(String(50), default="")
    assessed_on: Mapped[date] = mapped_column(Date)


class Rectification(TimestampMixin, Base):
    """A problem found (自查 / 暗访 / 督查 / 上级通报) and its rectification to closure (验收)."""

    __tablename__ = "rectifications"
    __table_args__ = (CheckConstraint("deduction >= 0", name="deduction_nonnegative"),
                      Index("ix_rectifications_status_deadline", "status", "deadline"))
    id: Mapped[int] = mapped_column(primary_key=True)
    problem: Mapped[str] = mapped_column(Text)  # 问题
    source: Mapped[str] = mapped_column(String(16), default="self")  # 来源
    found_on: Mapped[date] = mapped_column(Date)  # 发现日期
    item_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_items.id", ondelete="SET NULL"), index=True)
    deduction: Mapped[float] = mapped_column(Float, default=0.0)  # 扣分
    responsible: Mapped[str] = mapped_column(String(50), default="")  # 责任人
    deadline: Mapped[date | None] = mapped_column(Date)  # 整改时限
    status: Mapped[str] = mapped_column(String(16), default="pending")
    verified_by: Mapped[str] = mapped_column(String(50), default="")  # 验收人
    verified_on: Mapped[date | None] = mapped_column(Date)  # 验收日期
    remarks: Mapped[str] = mapped_column(Text, default="")


class RectificationPhoto(TimestampMixin, Base):
    """A photo of a rectification, before (整改前) or after (整改后), stored in files/ by SHA-256."""

    __tablename__ = "rectification_photos"
    __table_args__ = (CheckConstraint("stage IN ('before', 'after')", name="stage_known"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rectification_id: Mapped[int] = mapped_column(ForeignKey("rectifications.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(8))  # before / after
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    suffix: Mapped[str] = mapped_column(String(16), default="")
    original_name: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    caption: Mapped[str] = mapped_column(String(200), default="")
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
