"""Courses, cohorts (회차), enrollments and course-news subscriptions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, BigId


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100))  # path joined by '/': 일반교육/직무역량/IT
    topic: Mapped[str] = mapped_column(String(32))  # course-news topic key (it, leadership, retirement…)
    delivery: Mapped[str] = mapped_column(String(16))  # face_to_face | online | blended | elearning
    duration_ko: Mapped[str] = mapped_column(String(64), default="")
    duration_en: Mapped[str] = mapped_column(String(64), default="")
    hours: Mapped[float | None]
    audience: Mapped[str] = mapped_column(Text, default="")
    audience_en: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[dict] = mapped_column(default=dict)
    approval: Mapped[str] = mapped_column(String(8), default="auto")  # auto | staff
    keywords: Mapped[list] = mapped_column(default=list)
    keywords_en: Mapped[list] = mapped_column(default=list)
    aliases: Mapped[list] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # What the course-start reminders say (per course, set in the plan file): where, the online link, what to bring.
    venue: Mapped[str] = mapped_column(String(200), default="", server_default="")
    online_link: Mapped[str] = mapped_column(String(300), default="", server_default="")
    bring: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    cohorts: Mapped[list[Cohort]] = relationship(
        back_populates="course", order_by="[Cohort.year, Cohort.number]", lazy="raise"
    )


def _start_year(context) -> int:
    start = context.get_current_parameters().get("start_on")
    return start.year if start is not None else None


class PlanYear(Base):
    """A plan year (연간 교육계획). Its cohorts and exam rounds are drafts, invisible to employees, until published.

    A year with cohorts but no row here is a draft too; publishing writes the row."""

    __tablename__ = "plan_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Cohort(Base):
    """A cohort (회차) is (course, plan year, number): cohort #1 of 2023 is another cohort than #1 of 2022."""

    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("course_id", "year", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    # The plan year; when not given, the start date's year (a plan's cohorts may also start early next year).
    year: Mapped[int] = mapped_column(index=True, default=_start_year)
    number: Mapped[int]
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(8), default="day")  # day | month | quarter | year
    capacity: Mapped[int | None]  # None: unlimited (e-러닝 상시)
    capacity_estimated: Mapped[bool] = mapped_column(default=False)
    track: Mapped[str | None] = mapped_column(String(64))
    track_en: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | closed
    # 신청 마감: the last day to apply. None: 7 days before a day-dated start, none for month/quarter/year dates.
    apply_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]

    course: Mapped[Course] = relationship(back_populates="cohorts", lazy="raise")


class Enrollment(Base):
    """A person's request for a seat. Waitlist order is the row id (assigned under the cohort lock)."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "cohort_id"),
        Index("ix_enrollments_cohort_status", "cohort_id", "status"),
        # The staff dashboard: pending/waitlisted lists and counts by status, requests per day.
        Index("ix_enrollments_status_cohort", "status", "cohort_id"),
        Index("ix_enrollments_requested_at", "requested_at"),
        # The pending queue in request order: a page (even page 20) is read off the index, not sorted from all.
        Index("ix_enrollments_status_requested", "status", "requested_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    # pending | confirmed | waitlisted | rejected | cancelled | completed | no_show (the last two recorded by staff)
    status: Mapped[str] = mapped_column(String(12))
    waitlist_seq: Mapped[int | None] = mapped_column(BigInteger)
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(default=dict)  # e.g. retirement sign-up answers
    # A waitlist entry that is a move: the person keeps this other enrollment's seat until promoted here.
    moving_from: Mapped[int | None] = mapped_column(BigInteger)


class CourseReminder(Base):
    """A course-start reminder (D-3, D-1) of one confirmed enrollment: unique per (enrollment, offset)."""

    __tablename__ = "course_reminders"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "offset_key"),
        Index("ix_course_reminders_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(BigId, ForeignKey("enrollments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    offset_key: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime]
    starts_at: Mapped[datetime]  # after this, a missed reminder is expired, not sent
    status: Mapped[str] = mapped_column(String(12), default="planned")  # planned | sent | expired | cancelled
    processed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class TopicSubscription(Base):
    """Opt-in course news for one topic (category)."""

    __tablename__ = "topic_subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "topic"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime]
