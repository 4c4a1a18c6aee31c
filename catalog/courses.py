"""Reading the catalog: course cards with their cohorts and open seats."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.plan import cohort_published
from db.models import Cohort, Course, Enrollment

SEAT_HOLDING = ("confirmed", "pending")  # a request awaiting approval holds its seat until decided


@dataclass(frozen=True)
class CohortView:
    id: int
    number: int
    start_on: date
    end_on: date
    precision: str
    capacity: int | None
    capacity_estimated: bool
    taken: int
    track: str | None
    track_en: str | None
    status: str
    year: int = 0  # the plan year
    apply_until: date | None = None  # set by the plan; see `deadline`

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def deadline(self) -> date | None:
        from catalog.enrollment import application_deadline

        return application_deadline(self.start_on, self.precision, self.apply_until)


@dataclass(frozen=True)
class CourseCard:
    id: str
    title: str
    title_en: str
    category: str
    topic: str
    delivery: str
    duration_ko: str
    duration_en: str
    audience: str
    audience_en: str
    eligibility: dict
    approval: str
    description: str
    description_en: str
    cohorts: tuple[CohortView, ...]


async def seats_taken(session: AsyncSession, cohort_ids: Iterable[int]) -> dict[int, int]:
    ids = list(cohort_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Enrollment.cohort_id, func.count())
        .where(Enrollment.cohort_id.in_(ids), Enrollment.status.in_(SEAT_HOLDING))
        .group_by(Enrollment.cohort_id)
    )
    return {cohort_id: n for cohort_id, n in rows.all()}


def cohort_view(c: Cohort, taken: int) -> CohortView:
    return CohortView(c.id, c.number, c.start_on, c.end_on, c.precision, c.capacity, c.capacity_estimated,
                      taken, c.track, c.track_en, c.status, c.year, c.apply_until)


@dataclass(frozen=True)
class _CourseText:
    """What a card shows that only an import changes: the course's texts and its cohorts' dates and numbers."""

    course: tuple  # CourseCard's fields before `cohorts`
    cohorts: dict[int, tuple]  # cohort id -> (number, start_on, end_on, precision, estimated, track, track_en, year, apply_until)


class CardCache:
    """Per-process cache of course cards' static parts. Seats, capacity, a cohort's status, the course being
    active and the set of its cohorts are read live on every card (one query); the cache only saves reading
    the texts again. Clear it when the catalog is imported (`Services.catalog_changed`)."""

    MAX = 5000

    def __init__(self) -> None:
        self._text: dict[str, _CourseText] = {}

    def clear(self) -> None:
        self._text.clear()

    def get(self, course_id: str) -> _CourseText | None:
        return self._text.get(course_id)

    def put(self, course_id: str, text: _CourseText) -> None:
        if len(self._text) >= self.MAX:
            self._text.clear()
        self._text[course_id] = text


_TAKEN = (select(func.count()).where(Enrollment.cohort_id == Cohort.id, Enrollment.status.in_(SEAT_HOLDING))
          .correlate(Cohort).scalar_subquery())
# Built once (the statements are the same for every card; SQLAlchemy then reuses their compiled form).
# Only cohorts of published plan years and not over yet: drafts are invisible, past cohorts are history (/my).
_LIVE = (select(Course.active, Cohort.id, Cohort.status, Cohort.capacity, _TAKEN)
         .select_from(Course).outerjoin(Cohort, (Cohort.course_id == Course.id) & cohort_published()
                                        & (Cohort.end_on >= bindparam("today")))
         .where(Course.id == bindparam("course_id")))
_COURSE_TEXT = select(Course.id, Course.title, Course.title_en, Course.category, Course.topic, Course.delivery,
                      Course.duration_ko, Course.duration_en, Course.audience, Course.audience_en, Course.eligibility,
                      Course.approval, Course.description, Course.description_en).where(Course.id == bindparam("course_id"))
_COHORT_TEXT = select(Cohort.id, Cohort.number, Cohort.start_on, Cohort.end_on, Cohort.precision,
                      Cohort.capacity_estimated, Cohort.track, Cohort.track_en, Cohort.year, Cohort.apply_until
                      ).where(Cohort.course_id == bindparam("course_id"))


async def _live(session: AsyncSession, course_id: str, today: date) -> list:
    """(active, cohort id, status, capacity, seats taken) per visible cohort; one row with a None cohort when none."""
    return (await session.execute(_LIVE, {"course_id": course_id, "today": today})).all()


async def _load_text(session: AsyncSession, course_id: str) -> _CourseText | None:
    course = (await session.execute(_COURSE_TEXT, {"course_id": course_id})).first()
    if course is None:
        return None
    cohorts = (await session.execute(_COHORT_TEXT, {"course_id": course_id})).all()
    return _CourseText(tuple(course), {row[0]: tuple(row[1:]) for row in cohorts})


async def course_card(session: AsyncSession, course_id: str, *, cache: CardCache | None = None,
                      today: date | None = None) -> CourseCard | None:
    """The card of an active course, seats counted now: the cohorts of published plan years that are not over
    on `today` (all published ones without it), by year and number. With `cache`, the texts come from it."""
    if not course_id or len(course_id) > 32 or "\x00" in course_id:  # no such id (PostgreSQL refuses NUL in text)
        return None
    live = await _live(session, course_id, today or date.min)
    if not live or not live[0][0]:
        return None
    cohort_ids = {row[1] for row in live if row[1] is not None}
    text = cache.get(course_id) if cache is not None else None
    if text is None or not cohort_ids <= text.cohorts.keys():
        text = await _load_text(session, course_id)
        if text is None:
            return None
        if cache is not None:
            cache.put(course_id, text)
    views = []
    for _active, cohort_id, status, capacity, taken in live:
        static = text.cohorts.get(cohort_id)
        if static is None:
            continue
        number, start_on, end_on, precision, estimated, track, track_en, year, apply_until = static
        views.append(CohortView(cohort_id, number, start_on, end_on, precision, capacity, estimated, taken or 0,
                                track, track_en, status, year, apply_until))
    views.sort(key=lambda v: (v.year, v.number))
    fields = list(text.course)
    fields[10] = dict(fields[10] or {})  # eligibility: a fresh dict per card
    return CourseCard(*fields, cohorts=tuple(views))


async def active_courses(session: AsyncSession) -> list[Course]:
    return list((await session.execute(select(Course).where(Course.active.is_(True)).order_by(Course.id))).scalars())


async def cohort_months(session: AsyncSession, today: date | None = None) -> dict[str, frozenset[int]]:
    """Months in which each course has a published cohort not over on `today` (for the month filter of search)."""
    months: dict[str, set[int]] = {}
    q = select(Cohort.course_id, Cohort.start_on, Cohort.end_on).where(cohort_published())
    if today is not None:
        q = q.where(Cohort.end_on >= today)
    for course_id, start, end in (await session.execute(q)).all():
        span = months.setdefault(course_id, set())
        if end.year > start.year:
            span.update(range(1, 13))
        else:
            span.update(range(start.month, end.month + 1))
    return {k: frozenset(v) for k, v in months.items()}


async def catalog_version(session: AsyncSession) -> int:
    """Changes whenever a course is added or edited, or a cohort of it is (imports touch the course's
    `updated_at`): lets a running bot notice an import made by another process (`hrdbot import …`).
    Every course's stamp counts, not only the latest: the CLI and a demo bot may run on different clocks."""
    rows = await session.execute(select(Course.id, Course.active, Course.updated_at))
    return hash(frozenset(tuple(row) for row in rows))
