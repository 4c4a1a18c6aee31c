"""Right of access (열람권): everything the bot keeps about one person, as plain JSON-able data (/mydata).

Read from every table that holds something about a person, so /mydata and /forget cover the same ground
(tests/catalog/test_forget_every_table.py walks every table holding a user id, found in the SQLAlchemy metadata;
tests/catalog/test_forget_sweep.py every text and JSON column of the live schema). "Who handled your data" is the
access record's rows about the person: what was done, when, and by which role; staff members' own ids are not
shown to the person (the privacy officer has them: `hrdbot audit`)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.audit import about_person
from db.models import (Cohort, Course, CourseReminder, Enrollment, ExamEvent, ExamSubscription, InterviewSlot,
                       NotificationChoice, OutboxMessage, Profile, Reminder, SignInLink, TopicSubscription, User,
                       WebSession)


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
    reminders = (await session.execute(
        select(Reminder, ExamEvent.round_id, ExamEvent.kind).join(ExamEvent, ExamEvent.id == Reminder.event_id)
        .where(Reminder.user_id == user_id).order_by(Reminder.due_at, Reminder.id))).all()
    course_reminders = (await session.execute(
        select(CourseReminder, Course.id, Course.title, Cohort.number)
        .join(Enrollment, Enrollment.id == CourseReminder.enrollment_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id).join(Course, Course.id == Cohort.course_id)
        .where(CourseReminder.user_id == user_id).order_by(CourseReminder.due_at, CourseReminder.id))).all()
    choices = (await session.execute(select(NotificationChoice).where(NotificationChoice.user_id == user_id)
                                     .order_by(NotificationChoice.key))).scalars().all()
    sessions = (await session.execute(select(WebSession).where(WebSession.user_id == user_id)
                                      .order_by(WebSession.created_at))).scalars().all()
    links = (await session.execute(select(SignInLink).where(SignInLink.user_id == user_id)
                                   .order_by(SignInLink.created_at))).scalars().all()
    messages = dict((await session.execute(select(OutboxMessage.kind, func.count()).where(
        OutboxMessage.user_id == user_id).group_by(OutboxMessage.kind))).all())
    cohort_of = {e.id: (course_id, number) for e, number, course_id, _title in enrollments}
    access = await about_person(session, user_id, [e.id for e, *_rest in enrollments])
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
        # a waitlist place that is a move keeps the seat it moves from until it is promoted (catalog/moves.py)
        "moves": [{"course_id": course_id, "from_cohort": cohort_of.get(e.moving_from, (None, None))[1],
                   "to_cohort": number, "status": e.status, "since": _plain(e.requested_at)}
                  for e, number, course_id, _title in enrollments if e.moving_from is not None],
        "exam_subscriptions": [{"round_id": x.round_id, "applicant_no": x.applicant_no,
                                "since": _plain(x.created_at)} for x in exams],
        "interview_slots": [{"round_id": x.round_id, "starts_at": _plain(x.starts_at), "place": x.place,
                             "source": x.source} for x in slots],
        "planned_reminders": sum(r.status == "planned" for r, *_rest in reminders),
        "exam_reminders": [{"round_id": round_id, "event": kind, "offset": r.offset_key, "due_at": _plain(r.due_at),
                            "status": r.status} for r, round_id, kind in reminders],
        "course_start_reminders": [{"course_id": course_id, "course": title, "cohort": number, "offset": r.offset_key,
                                    "due_at": _plain(r.due_at), "status": r.status}
                                   for r, course_id, title, number in course_reminders],
        "notification_choices": [{"kind": c.key, "enabled": c.enabled, "since": _plain(c.since),
                                  "changed_at": _plain(c.updated_at)} for c in choices],
        "course_news_topics": list(topics),
        "messages": {"total": sum(messages.values()), "by_kind": messages},
        # staff only: signed-in browsers of the dashboard and one-time sign-in links (their secrets are never stored)
        "dashboard_sessions": [{"signed_in_at": _plain(w.created_at), "last_seen_at": _plain(w.last_seen_at),
                                "expires_at": _plain(w.expires_at), "ended_at": _plain(w.ended_at),
                                "browser": w.user_agent} for w in sessions],
        "dashboard_sign_in_links": [{"created_at": _plain(x.created_at), "expires_at": _plain(x.expires_at),
                                     "used_at": _plain(x.used_at)} for x in links],
        # who handled your data: the access record's rows about you (staff members' ids stay in the record)
        "access_record": [{"at": _plain(a.at), "action": a.action, "by": "you" if a.actor_id == user_id else a.role,
                           "target": a.target} for a in access],
        "conversation_in_progress": None if user is None or not user.flow else {
            "flow": user.flow, "step": user.flow_step, "answers": dict(user.flow_data or {}),
            "since": _plain(user.flow_updated_at)},
    }
