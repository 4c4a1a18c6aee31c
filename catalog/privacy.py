"""Right of access (열람권): everything the bot keeps about one person, as plain JSON-able data (/mydata).

Read from every table that holds something about a person, so /mydata and /forget cover the same ground (the
sweep test in tests/catalog/test_forget_sweep.py checks /forget against the live schema)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (Cohort, Course, Enrollment, ExamSubscription, InterviewSlot, OutboxMessage, Profile, Reminder,
                       TopicSubscription, User)


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


async def my_data(session: AsyncSession, user_id: int) -> dict:
    """Everything stored about the person. Keys are stable (the file /mydata sends)."""
    user = await session.get(User, user_id)
    profile = await session.get(Profile, user_id)
    enrollments = (await session.execute(
        select(Enrollment, Cohort.number, Course.id, Course.title)
        .join(Cohort, Cohort.id == Enrollment.cohort_id).join(Course, Course.id == Cohort.course_id)
        .where(Enrollment.user_id == user_id).order_by(Enrollment.id))).all()
    exams = (await session.execute(select(ExamSubscription).where(ExamSubscription.user_id == user_id)
                                   .order_by(ExamSubscription.id))).scalars().all()
    slots = (await session.execute(select(InterviewSlot).where(InterviewSlot.user_id == user_id)
                                   .order_by(InterviewSlot.id))).scalars().all()
    topics = (await session.execute(select(TopicSubscription.topic).where(TopicSubscription.user_id == user_id)
                                    .order_by(TopicSubscription.topic))).scalars().all()
    reminders = (await session.execute(select(func.count()).select_from(Reminder).where(
        Reminder.user_id == user_id, Reminder.status == "planned"))).scalar_one()
    messages = dict((await session.execute(select(OutboxMessage.kind, func.count()).where(
        OutboxMessage.user_id == user_id).group_by(OutboxMessage.kind))).all())
    return {
        "telegram": None if user is None else {
            "id": user.id, "first_name": user.first_name, "username": user.username, "language": user.language,
            "first_contact": _plain(user.created_at), "unreachable_since": _plain(user.unreachable_at),
        },
        "profile": None if profile is None else {
            k: _plain(getattr(profile, k)) for k in ("full_name", "department", "rank", "position", "employee_no",
                                                     "hired_on", "retirement_on", "consent_at", "updated_at")
        },
        "enrollments": [
            {"course_id": course_id, "course": title, "cohort": number, "status": e.status,
             "requested_at": _plain(e.requested_at), "decided_at": _plain(e.decided_at), "reason": e.reason,
             "answers": dict(e.details or {})}
            for e, number, course_id, title in enrollments],
        "exam_subscriptions": [{"round_id": x.round_id, "applicant_no": x.applicant_no,
                                "since": _plain(x.created_at)} for x in exams],
        "interview_slots": [{"round_id": x.round_id, "starts_at": _plain(x.starts_at), "place": x.place,
                             "source": x.source} for x in slots],
        "planned_reminders": reminders,
        "course_news_topics": list(topics),
        "messages": {"total": sum(messages.values()), "by_kind": messages},
        "conversation_in_progress": None if user is None or not user.flow else {
            "flow": user.flow, "step": user.flow_step, "answers": dict(user.flow_data or {}),
            "since": _plain(user.flow_updated_at)},
    }
