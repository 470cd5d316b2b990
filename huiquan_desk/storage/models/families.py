"""Civic family campaigns (文明家庭 etc.): households and their members, campaigns with their
nominations, review group, scores and votes, objections raised during the notice, and the
activities of a campaign. A nomination's photos are `attachments` rows (models.activities)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from huiquan_desk.storage.models.base import Base, TimestampMixin


class Household(TimestampMixin, Base):
    """One household per address (楼栋-单元-门牌; unit '' where a building has none)."""

    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("building", "unit", "room", name="uq_households_address"),
        CheckConstraint("size >= 1", name="size_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    head_name: Mapped[str] = mapped_column(String(50), index=True)  # 户主
    building: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20), default="")
    room: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer, default=1)  # 家庭人口
    phone: Mapped[str] = mapped_column(String(20), default="")
    grid: Mapped[str] = mapped_column(String(50), default="")  # 网格
    remarks: Mapped[str] = mapped_column(Text, default="")


class HouseholdMember(TimestampMixin, Base):
    __tablename__ = "household_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    relation: Mapped[str] = mapped_column(String(20), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Campaign(TimestampMixin, Base):
    """A campaign of one kind and year, at one stage. Criteria: one per line; quotas (等额推荐):
    「推荐单位=名额」 one per line, empty when nominations are not counted against a quota."""

    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint("max_score >= 1 AND max_score <= 100", name="max_score_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(100))
    criteria: Mapped[str] = mapped_column(Text, default="")
    quotas: Mapped[str] = mapped_column(Text, default="")
    review_method: Mapped[str] = mapped_column(String(10), default="score")
    max_score: Mapped[int] = mapped_column(Integer, default=10)
    stage: Mapped[str] = mapped_column(String(16), default="mobilize")
    notice_start: Mapped[date | None] = mapped_column(Date)
    notice_days: Mapped[int | None] = mapped_column(Integer)
    notice_workdays: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_end: Mapped[date | None] = mapped_column(Date)
    commended_on: Mapped[date | None] = mapped_column(Date)
    remarks: Mapped[str] = mapped_column(Text, default="")


class Nomination(TimestampMixin, Base):
    """A household nominated to a campaign, with who nominated it and why, and the decision."""

    __tablename__ = "nominations"
    __table_args__ = (UniqueConstraint("campaign_id", "household_id", name="uq_nominations_campaign_household"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="RESTRICT"), index=True)
    nominator_kind: Mapped[str] = mapped_column(String(10))  # 网格 / 楼栋长 / 居民代表 / 自荐
    nominator: Mapped[str] = mapped_column(String(50), default="")  # 第一网格, 3栋楼栋长 …
    deeds: Mapped[str] = mapped_column(Text, default="")  # 主要事迹
    decision: Mapped[str] = mapped_column(String(12), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(Date)  # the notice of the list starts on or after it


class Reviewer(TimestampMixin, Base):
    """A member of a campaign's review group (评议小组)."""

    __tablename__ = "reviewers"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(50), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Score(TimestampMixin, Base):
    """One member's score of one nomination on one criterion (its 0-based place in the criteria)."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("nomination_id", "reviewer_id", "criterion", name="uq_scores_mark"),
                      CheckConstraint("score >= 0", name="score_nonnegative"))
    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)


class Ballot(TimestampMixin, Base):
    """One member's vote on one nomination."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("nomination_id", "reviewer_id", name="uq_ballots_vote"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id", ondelete="CASCADE"), index=True)
    vote: Mapped[str] = mapped_column(String(10))


class Objection(TimestampMixin, Base):
    """An objection raised during the notice: who, when, what, and how it was settled."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id", ondelete="SET NULL"), index=True)
    raised_by: Mapped[str] = mapped_column(String(50), default="")
    raised_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(12), default="open")
    settlement: Mapped[str] = mapped_column(Text, default="")
    settled_on: Mapped[date | None] = mapped_column(Date)


class CampaignActivity(TimestampMixin, Base):
    """An ordinary activity (宣传动员会, 评议会, 表彰会) that belongs to a campaign."""

    __tablename__ = "campaign_activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), unique=True)
