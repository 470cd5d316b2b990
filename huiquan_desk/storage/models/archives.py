"""Archives (归档文件整理, DA/T 22-2015): archive items (归档文件) with their files, the boxes they
go into, the gaps left in the numbering, fixity checks, and destruction rounds with their
decisions. The rules (档号, numbering, boxes) are in domain.archives; the work in services.archives.

An item's 档号 parts are its own columns; `number` (件号) is NULL until the numbering of its group
(门类 + 年度 + 保管期限 + 机构) is fixed, and unique within the group afterwards. An item filed from an
activity or a campaign links to it (`activity_id` / `campaign_id`, each filed at most once per 门类:
its record as 文书 WS, its photos, when filed apart, as 照片 ZP); a
correction is a new item that links the item it corrects (`corrects_id`). Files are stored by
SHA-256 in files/ like attachments (storage.files)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
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


class ArchiveBox(TimestampMixin, Base):
    """A 档案盒: one 门类, 年度, 保管期限 and 机构 (never mixed), its 盒号 within them, the spine
    width and the 备考表 (盒内文件情况说明, 整理人/日期, 检查人/日期)."""

    __tablename__ = "archive_boxes"
    __table_args__ = (
        UniqueConstraint("category", "year", "retention", "org", "number", name="uq_archive_boxes_number"),
        CheckConstraint("spine_mm IN (20, 30, 40, 50)", name="spine_width"),
        CheckConstraint("number >= 1", name="number_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(2))
    year: Mapped[int] = mapped_column(Integer, index=True)
    retention: Mapped[str] = mapped_column(String(3))
    org: Mapped[str] = mapped_column(String(10), default="")
    number: Mapped[int] = mapped_column(Integer)  # 盒号
    spine_mm: Mapped[int] = mapped_column(Integer, default=20)
    notes: Mapped[str] = mapped_column(Text, default="")  # 盒内文件情况说明
    arranged_by: Mapped[str] = mapped_column(String(50), default="")  # 整理人
    arranged_on: Mapped[date | None] = mapped_column(Date)
    checked_by: Mapped[str] = mapped_column(String(50), default="")  # 检查人
    checked_on: Mapped[date | None] = mapped_column(Date)


class ArchiveItem(TimestampMixin, Base):
    """One 归档文件 (件) and the catalogue row it prints as."""

    __tablename__ = "archive_items"
    __table_args__ = (
        UniqueConstraint("category", "year", "retention", "org", "number", name="uq_archive_items_number"),
        CheckConstraint("number IS NULL OR (number >= 1 AND number <= 9999)", name="number_range"),
        CheckConstraint("pages >= 0", name="pages_nonnegative"),
        UniqueConstraint("activity_id", "category", name="uq_archive_items_activity"),
        UniqueConstraint("campaign_id", "category", name="uq_archive_items_campaign"),
        Index("ix_archive_items_group", "category", "year", "retention", "org", "sort_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    fonds: Mapped[str] = mapped_column(String(4), default="")  # 全宗号, taken from the profile when numbered
    category: Mapped[str] = mapped_column(String(2), default="WS")  # 门类代码
    year: Mapped[int] = mapped_column(Integer, index=True)  # 年度
    retention: Mapped[str] = mapped_column(String(3))  # 保管期限 Y / D30 / D10
    retention_by_user: Mapped[bool] = mapped_column(Boolean, default=False)  # the rule table never overwrites it
    org: Mapped[str] = mapped_column(String(10), default="")  # 机构(问题)代码
    number: Mapped[int | None] = mapped_column(Integer)  # 件号, once the group's numbering is fixed
    sort_order: Mapped[int] = mapped_column(Integer, default=0)  # the order numbers are fixed in
    doc_number: Mapped[str] = mapped_column(String(60), default="")  # 文号
    author: Mapped[str] = mapped_column(String(100), default="")  # 责任者
    title: Mapped[str] = mapped_column(String(300))  # 题名
    title_made_up: Mapped[bool] = mapped_column(Boolean, default=False)  # printed in [ ]
    day: Mapped[date | None] = mapped_column(Date)  # 日期
    secrecy: Mapped[str] = mapped_column(String(10), default="")  # 密级
    pages: Mapped[int] = mapped_column(Integer, default=0)  # 页数
    remarks: Mapped[str] = mapped_column(Text, default="")  # 备注
    box_id: Mapped[int | None] = mapped_column(ForeignKey("archive_boxes.id", ondelete="RESTRICT"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="RESTRICT"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("archive_items.id", ondelete="RESTRICT"), index=True)
    keep_until: Mapped[int | None] = mapped_column(Integer)  # kept past its period by an appraisal: to this year
    destroyed_on: Mapped[date | None] = mapped_column(Date)  # its files removed by a destruction round

    files: Mapped[list[ArchiveFile]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ArchiveFile.sort_order")


class ArchiveFile(TimestampMixin, Base):
    """A file of an item: a scan, a photo with its caption (GB/T 11821), a sign-in sheet or a
    document, stored in files/ by SHA-256 (the original, EXIF kept)."""

    __tablename__ = "archive_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("archive_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="scan")  # domain.archives.FILE_KINDS
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    suffix: Mapped[str] = mapped_column(String(16), default="")
    original_name: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    caption_title: Mapped[str] = mapped_column(String(200), default="")
    caption_time: Mapped[datetime | None] = mapped_column(DateTime)
    caption_place: Mapped[str] = mapped_column(String(200), default="")
    caption_people: Mapped[str] = mapped_column(Text, default="")
    caption_background: Mapped[str] = mapped_column(Text, default="")
    caption_photographer: Mapped[str] = mapped_column(String(100), default="")

    item: Mapped[ArchiveItem] = relationship(back_populates="files")


class NumberGap(TimestampMixin, Base):
    """A 件号 left empty on purpose: the item that had it was removed after the numbering was fixed."""

    __tablename__ = "archive_gaps"
    __table_args__ = (UniqueConstraint("category", "year", "retention", "org", "number", name="uq_archive_gaps_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(2))
    year: Mapped[int] = mapped_column(Integer)
    retention: Mapped[str] = mapped_column(String(3))
    org: Mapped[str] = mapped_column(String(10), default="")
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))  # the 档号 that is now empty
    title: Mapped[str] = mapped_column(String(300), default="")  # what was there
    reason: Mapped[str] = mapped_column(Text)


class FixityCheck(TimestampMixin, Base):
    """One run of the fixity check (四性检测): when, over what, and what failed."""

    __tablename__ = "fixity_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    scope: Mapped[str] = mapped_column(String(100), default="全部档案")
    files: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[str] = mapped_column(Text, default="")  # one problem a line, named by 档号
    operator: Mapped[str] = mapped_column(String(50), default="")


class DestructionRound(TimestampMixin, Base):
    """A destruction appraisal (鉴定销毁): the group with resident representatives, the date, and
    per item its decision. Its list (销毁清册) is kept permanently: a round is never deleted."""

    __tablename__ = "destruction_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    due_year: Mapped[int] = mapped_column(Integer)  # items whose retention ends by this year
    members: Mapped[str] = mapped_column(Text, default="")  # 鉴定小组成员, one a line
    residents: Mapped[str] = mapped_column(Text, default="")  # 居民代表, one a line
    decided_on: Mapped[date | None] = mapped_column(Date)  # 鉴定日期; set when the round is finished
    remarks: Mapped[str] = mapped_column(Text, default="")

    decisions: Mapped[list[DestructionDecision]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="DestructionDecision.id")


class DestructionDecision(TimestampMixin, Base):
    __tablename__ = "destruction_decisions"
    __table_args__ = (UniqueConstraint("round_id", "item_id", name="uq_destruction_decisions_item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("destruction_rounds.id", ondelete="RESTRICT"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("archive_items.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # 档号, as it was
    title: Mapped[str] = mapped_column(String(300))
    decision: Mapped[str] = mapped_column(String(10), default="destroy")  # destroy / keep
    reason: Mapped[str] = mapped_column(Text, default="")
    keep_until: Mapped[int | None] = mapped_column(Integer)  # a kept item is appraised again after this year

    round: Mapped[DestructionRound] = relationship(back_populates="decisions")
