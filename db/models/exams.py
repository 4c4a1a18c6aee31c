"""Exam calendar (rounds and their events), applicant subscriptions, interview slots, reminders."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, BigId


class ExamRound(Base):
    __tablename__ = "exam_rounds"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(index=True)  # the plan year whose calendar it belongs to
    kind: Mapped[str] = mapped_column(String(16))  # open | career | assessment
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    selection: Mapped[int | None]
    selection_note: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    note_en: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]


class ExamEvent(Base):
    __tablename__ = "exam_events"
    __table_args__ = (UniqueConstraint("round_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("exam_rounds.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # notice | written | interview | result | document | assessment
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(8), default="day")  # day | month | quarter
    updated_at: Mapped[datetime]


class ExamSubscription(Base):
    __tablename__ = "exam_subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "round_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("exam_rounds.id", ondelete="CASCADE"), index=True)
    applicant_no: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class InterviewSlot(Base):
    """A personal interview time: replaces the round's interview period in that person's reminders."""

    __tablename__ = "interview_slots"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("exam_rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(8), default="user")  # user | import
    updated_at: Mapped[datetime]


class Reminder(Base):
    """One planned notice: (subscriber, event, offset) is unique, so re-planning never duplicates."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("user_id", "event_id", "offset_key"),
        Index("ix_reminders_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("exam_events.id", ondelete="CASCADE"))
    offset_key: Mapped[str] = mapped_column(String(16))  # d-7 | d-1 | d0 …
    due_at: Mapped[datetime]
    event_starts_at: Mapped[datetime]  # after this, a missed reminder is expired, not sent
    status: Mapped[str] = mapped_column(String(12), default="planned")  # planned | sent | expired | cancelled
    processed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
