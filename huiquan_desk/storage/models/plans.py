"""The annual plan (年度文明创建工作计划): a plan per year, its phases (宣传发动 / 重点推进 / 巩固迎检,
each with its dates), its sections (一、二、…) and their tasks with 责任领导, 责任人, 工作标准,
完成时限, a target and a status; records (activities, campaigns, archive items) link to tasks.

A task's `target` is a rule of the checklist's vocabulary as JSON (domain.assessment, e.g.
{"category_count": {"category": "道德讲堂", "n": 1, "per": "quarter"}}) or '' when progress is
judged from the linked records alone; `target_text` is the sentence printed in the plan.
`status` is a key (planned / in_progress / done / dropped) shown through the plan's labels.
A link names exactly one record; it goes with its task, and with its record."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiquan_desk.storage.models.base import Base, TimestampMixin


class Plan(TimestampMixin, Base):
    """One year's plan; its preamble (指导思想 …) is free text."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    preamble: Mapped[str] = mapped_column(Text, default="")


class PlanPhase(TimestampMixin, Base):
    """A phase of the plan's year (宣传发动, 重点推进, 巩固迎检) with its dates."""

    __tablename__ = "plan_phases"
    __table_args__ = (CheckConstraint("date_to >= date_from", name="phase_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class PlanSection(TimestampMixin, Base):
    """A section of the plan (一、提升社区居民文明素质 …)."""

    __tablename__ = "plan_sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class PlanTask(TimestampMixin, Base):
    """A task of a section with who leads it, who does it, its standard, deadline, phase and target."""

    __tablename__ = "plan_tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("plan_sections.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))  # 工作任务
    standard: Mapped[str] = mapped_column(Text, default="")  # 工作标准
    lead: Mapped[str] = mapped_column(String(50), default="")  # 责任领导
    owner: Mapped[str] = mapped_column(String(50), default="")  # 责任人
    due: Mapped[date | None] = mapped_column(Date)  # 完成时限
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("plan_phases.id", ondelete="SET NULL"), index=True)
    target: Mapped[str] = mapped_column(Text, default="")  # rule JSON; '' = judged from the links
    target_text: Mapped[str] = mapped_column(String(200), default="")  # 目标, as printed
    status: Mapped[str] = mapped_column(String(16), default="planned")
    remarks: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class PlanTaskLink(TimestampMixin, Base):
    """A record counted towards a task: exactly one of an activity, a campaign or an archive item."""

    __tablename__ = "plan_task_links"
    __table_args__ = (
        CheckConstraint("(activity_id IS NOT NULL) + (campaign_id IS NOT NULL) + (archive_item_id IS NOT NULL) = 1",
                        name="one_record"),
        UniqueConstraint("task_id", "activity_id", "campaign_id", "archive_item_id", name="uq_plan_task_links_record"),
        Index("ix_plan_task_links_activity", "activity_id"),
        Index("ix_plan_task_links_campaign", "campaign_id"),
        Index("ix_plan_task_links_archive_item", "archive_item_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    archive_item_id: Mapped[int | None] = mapped_column(ForeignKey("archive_items.id", ondelete="CASCADE"))
