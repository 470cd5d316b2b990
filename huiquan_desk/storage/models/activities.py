"""Activities: the category tree, activities and their photos and sign-in sheets (附件)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from huiquan_desk.storage.models.base import Base, TimestampMixin


class Category(TimestampMixin, Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_categories_parent_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Activity(TimestampMixin, Base):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("participants >= 0", name="participants_nonnegative"),
        CheckConstraint("end_at >= start_at", name="end_after_start"),
        Index("ix_activities_category_start", "category_id", "start_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    start_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    organizer: Mapped[str] = mapped_column(String(200), default="")
    leader: Mapped[str] = mapped_column(String(100), default="")
    participants: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[str] = mapped_column(Text, default="")
    remarks: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="done", index=True)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Attachment.sort_order"
    )


class Attachment(TimestampMixin, Base):
    """A photo or sign-in sheet of an activity, or a photo of a nomination's deeds (文明家庭 etc.):
    exactly one of the two owners is set. The file lives in files/ named by its SHA-256."""

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("(activity_id IS NULL) <> (nomination_id IS NULL)", name="one_owner"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="photo")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    suffix: Mapped[str] = mapped_column(String(16), default="")
    original_name: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    caption_title: Mapped[str] = mapped_column(String(200), default="")
    caption_time: Mapped[datetime | None] = mapped_column(DateTime)
    caption_place: Mapped[str] = mapped_column(String(200), default="")
    caption_people: Mapped[str] = mapped_column(Text, default="")
    caption_photographer: Mapped[str] = mapped_column(String(100), default="")
    caption_background: Mapped[str] = mapped_column(Text, default="")

    activity: Mapped[Activity | None] = relationship(back_populates="attachments")
