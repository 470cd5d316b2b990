"""Typed SQLAlchemy 2 models. Every table carries created/updated times (TimestampMixin)."""

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
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=now, onupdate=now, server_default=func.current_timestamp()
    )


class Setting(TimestampMixin, Base):
    """Community settings that travel with the database (名称, 全宗号, thresholds …)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


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
    """A photo or sign-in sheet of an activity; the file lives in files/ named by its SHA-256."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
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

    activity: Mapped[Activity] = relationship(back_populates="attachments")


class Team(TimestampMixin, Base):
    """A volunteer team (志愿服务队)."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Volunteer(TimestampMixin, Base):
    """One volunteer per ID number (the national system's rule)."""

    __tablename__ = "volunteers"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # 志愿者编号
    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str] = mapped_column(String(2))
    birth_date: Mapped[date] = mapped_column(Date)
    id_type: Mapped[str] = mapped_column(String(20), default="居民身份证")
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    area: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    skills: Mapped[str] = mapped_column(String(200), default="")
    service_types: Mapped[str] = mapped_column(String(200), default="")
    political_status: Mapped[str] = mapped_column(String(20), default="")
    registered_on: Mapped[date] = mapped_column(Date)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    remarks: Mapped[str] = mapped_column(Text, default="")


class ServiceRecord(TimestampMixin, Base):
    """Hours a volunteer served: with an activity (sign-in) or added afterwards (补录) with a reason."""

    __tablename__ = "service_records"
    __table_args__ = (
        CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_range"),
        Index("ix_service_records_date", "service_date"),
        Index("ix_service_records_volunteer_date", "volunteer_id", "service_date"),
        Index("ix_service_records_volunteer_minutes", "volunteer_id", "minutes"),  # totals from the index
        Index("ix_service_records_date_cover", "service_date", "source", "minutes"),
        Index("uq_service_records_activity_volunteer", "activity_id", "volunteer_id", unique=True,
              sqlite_where=text("source = 'activity'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="RESTRICT"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="RESTRICT"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    service_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")  # 活动名称
    place: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    organizer: Mapped[str] = mapped_column(String(200), default="")
    leader: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was added afterwards
    entered_by: Mapped[str] = mapped_column(String(50), default="")
    entered_at: Mapped[datetime] = mapped_column(DateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # entered after the 10-working-day deadline


class Training(TimestampMixin, Base):
    __tablename__ = "trainings"
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    organizer: Mapped[str] = mapped_column(String(200), default="")
    held_on: Mapped[date] = mapped_column(Date)


class Commendation(TimestampMixin, Base):
    __tablename__ = "commendations"
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    awarded_on: Mapped[date] = mapped_column(Date)
    grantor: Mapped[str] = mapped_column(String(200), default="")


class Evaluation(TimestampMixin, Base):
    __tablename__ = "evaluations"
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    quality: Mapped[str] = mapped_column(String(10))
    evaluated_on: Mapped[date] = mapped_column(Date)
    evaluator: Mapped[str] = mapped_column(String(50), default="")
    remarks: Mapped[str] = mapped_column(Text, default="")


class Certificate(TimestampMixin, Base):
    """The register of 志愿服务记录证明: numbers never repeat."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_certificates_year_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="RESTRICT"), index=True)
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    service_count: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(200))
    leader: Mapped[str] = mapped_column(String(50), default="")
    handler: Mapped[str] = mapped_column(String(50), default="")
    contact: Mapped[str] = mapped_column(String(50), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(50), default="")


class AuditEntry(Base):
    """Who did what, when, with old and new values. Append-only (triggers refuse UPDATE/DELETE)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user: Mapped[str] = mapped_column(String(50), index=True)
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    old_values: Mapped[str] = mapped_column(Text, default="")  # JSON
    new_values: Mapped[str] = mapped_column(Text, default="")  # JSON


class RecycledItem(Base):
    """A deleted record with its links, as JSON, until it is restored or the bin is emptied."""

    __tablename__ = "recycle_bin"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300), default="")
    deleted_at: Mapped[datetime] = mapped_column(DateTime)
    deleted_by: Mapped[str] = mapped_column(String(50), default="")
    payload: Mapped[str] = mapped_column(Text)  # JSON: the row and its dependent rows


class User(TimestampMixin, Base):
    """An optional sign-in account. With no accounts the app opens without signing in."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(16))  # admin / editor / viewer
    password_hash: Mapped[str] = mapped_column(String(300))  # "scrypt$n$r$p$salt$hash", never the password
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login: Mapped[datetime | None] = mapped_column(DateTime)
