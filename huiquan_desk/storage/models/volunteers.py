"""Volunteers (志愿服务): teams, volunteers, service records, trainings, commendations, evaluations and the certificate register."""

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from huiquan_desk.storage.models.base import Base, TimestampMixin


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
