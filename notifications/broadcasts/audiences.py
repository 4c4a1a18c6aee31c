"""Who a broadcast reaches. An audience is a small JSON-able dict stored on the broadcast:

    {"kind": "everyone"}
    {"kind": "topic", "topic": "it"}                           subscribers of a course-news topic
    {"kind": "course", "course_id": "it-excel", "statuses": [...]}   enrolled in / waitlisted for any cohort
    {"kind": "cohort", "cohort_id": 12, "statuses": [...]}            … for one cohort
    {"kind": "exam", "round_id": "open-1"}                      applicants subscribed to an exam round
    {"kind": "language", "language": "en"}

`statuses` defaults to enrolled (confirmed + pending) and waitlisted. People who blocked the bot
(users.unreachable_at) are never part of an audience.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.topics import TOPICS
from db.models import Cohort, Course, Enrollment, ExamRound, ExamSubscription, TopicSubscription, User
from locales import LANGUAGES, N_, Translator

KINDS = ("everyone", "topic", "course", "cohort", "exam", "language")
ENROLLED = ("confirmed", "pending")
WAITLISTED = ("waitlisted",)
DEFAULT_STATUSES = ENROLLED + WAITLISTED


LANGUAGE_LABELS = {"ko": N_("Korean"), "en": N_("English")}


class BadAudience(ValueError):
    """The audience names something that does not exist (a forged button, a deleted course)."""


@dataclass(frozen=True)
class AudienceInfo:
    spec: dict
    count: int  # reachable people it reaches now
    unreachable: int  # people in it who blocked the bot (skipped)
    label: dict  # what the handler needs to describe it: titles, topic key, round title…


def _statuses(spec: dict) -> tuple[str, ...]:
    raw = spec.get("statuses") or DEFAULT_STATUSES
    bad = [s for s in raw if s not in DEFAULT_STATUSES]
    if bad:
        raise BadAudience(f"unknown statuses {bad}")
    return tuple(raw)


def member_ids(spec: dict) -> Select:
    """SELECT users.id of the audience (reachable or not), one row per person."""
    kind = spec.get("kind")
    if kind == "everyone":
        return select(User.id).where(User.role_only.is_(False))  # a staff role granted to nobody yet is nobody
    if kind == "topic":
        return select(TopicSubscription.user_id.label("id")).where(TopicSubscription.topic == spec.get("topic"))
    if kind == "course":
        return (select(Enrollment.user_id.label("id")).join(Cohort, Cohort.id == Enrollment.cohort_id)
                .where(Cohort.course_id == spec.get("course_id"), Enrollment.status.in_(_statuses(spec))).distinct())
    if kind == "cohort":
        return (select(Enrollment.user_id.label("id"))
                .where(Enrollment.cohort_id == int(spec.get("cohort_id", 0)), Enrollment.status.in_(_statuses(spec)))
                .distinct())
    if kind == "exam":
        return select(ExamSubscription.user_id.label("id")).where(ExamSubscription.round_id == spec.get("round_id")).distinct()
    if kind == "language":
        return select(User.id).where(User.language == spec.get("language"), User.role_only.is_(False))
    raise BadAudience(f"unknown audience kind {kind!r}")


def recipients(spec: dict, *, after: int | None = None, limit: int | None = None) -> Select:
    """Reachable members in user-id order (keyset pagination for a resumable fan-out)."""
    members = member_ids(spec).subquery()
    q = (select(User.id, User.chat_id).where(User.id.in_(select(members.c.id)), User.unreachable_at.is_(None))
         .order_by(User.id))
    if after is not None:
        q = q.where(User.id > after)
    if limit is not None:
        q = q.limit(limit)
    return q


async def describe(session: AsyncSession, spec: dict) -> AudienceInfo:
    """Validate the audience against the database and count it. Raises BadAudience."""
    spec = normalize(spec)
    label: dict = {"kind": spec["kind"]}
    kind = spec["kind"]
    if kind == "topic":
        label["topic"] = spec["topic"]
    elif kind == "language":
        label["language"] = spec["language"]
    elif kind == "course":
        course = await session.get(Course, spec["course_id"])
        if course is None:
            raise BadAudience(spec["course_id"])
        label.update(title=course.title, title_en=course.title_en)
    elif kind == "cohort":
        cohort = await session.get(Cohort, spec["cohort_id"])
        if cohort is None:
            raise BadAudience(spec["cohort_id"])
        course = await session.get(Course, cohort.course_id)
        label.update(title=course.title, title_en=course.title_en, number=cohort.number, course_id=course.id)
    elif kind == "exam":
        rnd = await session.get(ExamRound, spec["round_id"])
        if rnd is None:
            raise BadAudience(spec["round_id"])
        label.update(title=rnd.title, title_en=rnd.title_en)
    if kind in ("course", "cohort"):
        label["statuses"] = list(_statuses(spec))
    members = member_ids(spec).subquery()
    total = (await session.execute(
        select(func.count()).select_from(User).where(User.id.in_(select(members.c.id))))).scalar_one()
    reachable = (await session.execute(
        select(func.count()).select_from(User).where(User.id.in_(select(members.c.id)),
                                                     User.unreachable_at.is_(None)))).scalar_one()
    return AudienceInfo(spec, reachable, total - reachable, label)


def normalize(spec: dict) -> dict:
    """A clean copy with only the keys of its kind; raises BadAudience for unknown values."""
    if not isinstance(spec, dict):
        raise BadAudience(spec)
    kind = spec.get("kind")
    if kind == "everyone":
        return {"kind": kind}
    if kind == "topic":
        if spec.get("topic") not in TOPICS:
            raise BadAudience(spec.get("topic"))
        return {"kind": kind, "topic": spec["topic"]}
    if kind == "language":
        if spec.get("language") not in LANGUAGES:
            raise BadAudience(spec.get("language"))
        return {"kind": kind, "language": spec["language"]}
    if kind == "course":
        return {"kind": kind, "course_id": str(spec.get("course_id") or ""), "statuses": list(_statuses(spec))}
    if kind == "cohort":
        try:
            cohort_id = int(spec.get("cohort_id"))
        except (TypeError, ValueError):
            raise BadAudience(spec.get("cohort_id")) from None
        return {"kind": kind, "cohort_id": cohort_id, "statuses": list(_statuses(spec))}
    if kind == "exam":
        return {"kind": kind, "round_id": str(spec.get("round_id") or "")}
    raise BadAudience(kind)


async def exam_rounds(session: AsyncSession) -> list[tuple[str, str, str]]:
    """(id, title, title_en) of active exam rounds, for the audience buttons."""
    rows = await session.execute(select(ExamRound.id, ExamRound.title, ExamRound.title_en)
                                 .where(ExamRound.active.is_(True)).order_by(ExamRound.id))
    return [tuple(r) for r in rows.all()]


async def course_cohorts(session: AsyncSession, course_id: str) -> list[tuple[int, int, str]]:
    """(cohort id, number, start iso) of a course's published cohorts, for the audience choice (a draft year's
    cohorts are nobody's yet: staff are not offered them)."""
    from catalog.plan import cohort_published

    rows = await session.execute(select(Cohort.id, Cohort.number, Cohort.start_on)
                                 .where(Cohort.course_id == course_id, cohort_published())
                                 .order_by(Cohort.year, Cohort.number))
    return [(i, n, s.isoformat()) for i, n, s in rows.all()]


def describe_audience(label: dict, count: int, tr: Translator) -> str:
    """Who an audience is, in words, with its count (the chat and the dashboard say it the same way)."""
    kind = label.get("kind")
    if kind == "everyone":
        what = tr("everyone who uses the bot")
    elif kind == "topic":
        what = tr("subscribers of {topic} news", topic=tr(TOPICS.get(label.get("topic"), label.get("topic", ""))))
    elif kind == "language":
        what = tr("people using the bot in {language}", language=tr(LANGUAGE_LABELS.get(label.get("language"), "")))
    elif kind in ("course", "cohort"):
        title = tr.pick(label.get("title"), label.get("title_en"))
        if kind == "cohort":
            title = tr("{title} #{number}", title=title, number=label.get("number"))
        statuses = set(label.get("statuses") or [])
        if statuses == {"waitlisted"}:
            what = tr("people on the waiting list of {title}", title=title)
        elif "waitlisted" in statuses:
            what = tr("people enrolled in or waitlisted for {title}", title=title)
        else:
            what = tr("people enrolled in {title}", title=title)
    elif kind == "exam":
        what = tr("applicants of {title}", title=tr.pick(label.get("title"), label.get("title_en")))
    else:
        what = str(kind)
    return tr("{audience}: {count} people", audience=what, count=tr.number(count))
