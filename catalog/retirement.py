"""Retirement programmes (퇴직 예정 공무원 제2인생 설계, report section 2-6): 행복한 미래설계 and 인생이모작 준비.

The programmes are the catalog's courses with topic ``retirement`` (no course id is hard-coded, so staff can
import next year's courses). What the guided sign-up needs is derived from the data:

- tracks: the distinct ``track`` values of a course's cohorts (인생이모작: 귀농귀촌, 재취업·창업);
- the family programme question (가족화합 국내문화탐방): asked for a course whose title, description or keywords
  mention it (행복한 미래설계);
- which cohorts a person may choose: open, not begun, and passing the course's eligibility rule with the
  retirement date the person gives (인생이모작: within 10 years of retirement).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.courses import CohortView, course_card
from catalog.eligibility import Refusal, check
from catalog.profiles import ProfileView, get_profile, update_profile
from db.models import Course

if TYPE_CHECKING:
    from catalog.enrollment import EnrollOutcome

TOPIC = "retirement"
FAMILY_MARKERS = ("국내문화탐방", "가족화합", "가족친화", "미래설계")


@dataclass(frozen=True)
class Track:
    name: str
    name_en: str | None


@dataclass(frozen=True)
class Program:
    course_id: str
    title: str
    title_en: str
    delivery: str
    duration_ko: str
    duration_en: str
    approval: str
    eligibility: dict
    family_programme: bool  # ask whether family members join 가족화합 국내문화탐방
    tracks: tuple[Track, ...]
    cohorts: tuple[CohortView, ...]

    @property
    def capacity(self) -> int | None:
        caps = [c.capacity for c in self.cohorts]
        return None if any(c is None for c in caps) else sum(caps)  # type: ignore[arg-type]

    def track(self, name: str | None) -> Track | None:
        return next((t for t in self.tracks if t.name == name), None)


def _mentions_family(course: Course) -> bool:
    text = " ".join([course.title, course.description or "", " ".join(course.keywords or [])])
    return any(marker in text for marker in FAMILY_MARKERS)


async def programs(session: AsyncSession) -> list[Program]:
    """Every active retirement course with its cohorts and seats left, longest-running first (2 weeks before 4 days)."""
    courses = (await session.execute(
        select(Course).where(Course.topic == TOPIC, Course.active.is_(True)).order_by(Course.id)
    )).scalars().all()
    out = []
    for course in courses:
        program = await _program(session, course)
        if program is not None and program.cohorts:
            out.append(program)
    out.sort(key=lambda p: (-(p.capacity or 0), p.course_id))
    return out


async def get_program(session: AsyncSession, course_id: str) -> Program | None:
    course = await session.get(Course, course_id)
    if course is None or course.topic != TOPIC or not course.active:
        return None
    return await _program(session, course)


async def _program(session: AsyncSession, course: Course) -> Program | None:
    card = await course_card(session, course.id)
    if card is None:
        return None
    tracks: list[Track] = []
    for c in card.cohorts:
        if c.track and all(t.name != c.track for t in tracks):
            tracks.append(Track(c.track, c.track_en))
    return Program(card.id, card.title, card.title_en, card.delivery, card.duration_ko, card.duration_en,
                   card.approval, card.eligibility, _mentions_family(course), tuple(tracks), card.cohorts)


async def retirement_course_of(session: AsyncSession, cohort_id: int) -> str | None:
    """The course id when the cohort belongs to a retirement programme (so its sign-up is the guided one)."""
    from db.models import Cohort

    row = (await session.execute(
        select(Course.id).join(Cohort, Cohort.course_id == Course.id)
        .where(Cohort.id == cohort_id, Course.topic == TOPIC, Course.active.is_(True))
    )).first()
    return row[0] if row else None


def has_begun(cohort: CohortView, today: date) -> bool:
    """As the enrollment service sees it: exact dates from the first day; a quarter/month only once it is over."""
    try:
        from catalog.enrollment import started
    except ImportError:  # pragma: no cover - the enrollment service is written in parallel
        return today >= cohort.start_on if cohort.precision == "day" else today > cohort.end_on
    return started(cohort.start_on, cohort.end_on, cohort.precision, today)


@dataclass(frozen=True)
class CohortChoice:
    cohort: CohortView
    refusal: Refusal | None  # why this person may not take it (None: they may)

    @property
    def ok(self) -> bool:
        return self.refusal is None


def cohort_choices(program: Program, profile: ProfileView | None, today: date,
                   track: str | None = None) -> list[CohortChoice]:
    """The cohorts still open for requests (of one track, if given), each with this person's eligibility."""
    out = []
    for c in program.cohorts:
        if c.status != "open" or has_begun(c, today) or (track is not None and c.track != track):
            continue
        out.append(CohortChoice(c, check(program.eligibility, profile, c.start_on)))
    return out


def first_refusal(choices: list[CohortChoice]) -> Refusal | None:
    """When no cohort is possible, the reason for the soonest one (else None)."""
    if not choices or any(ch.ok for ch in choices):
        return None
    return choices[0].refusal


# -- recognising a sign-up request in free text -------------------------------------------------------------
_TOPIC_WORDS = ("퇴직", "은퇴", "인생이모작", "이모작", "미래설계", "제2인생", "제2의인생", "노후", "정년",
                "retire", "secondcareer", "happyfuture")
_SIGNUP_WORDS = ("신청", "등록", "접수", "지원하", "하고싶", "받고싶", "듣고싶", "참여하", "참가하", "수강하",
                 "가입", "signup", "apply", "enrol", "register", "join")


def signup_request(text: str) -> str | None:
    """Whether free text asks to sign up for a retirement programme: None (no — search it), "any", or a hint
    naming one programme ("second": 인생이모작, "future": 행복한 미래설계). A bare topic word (`퇴직`,
    `인생이모작`) is a search, not a request: a sign-up word (신청, 등록, …하고 싶어요) is needed too."""
    flat = re.sub(r"[\s\-_·.,!?~]+", "", unicodedata.normalize("NFKC", text or "").lower())
    if len(flat) > 80 or not any(w in flat for w in _TOPIC_WORDS):
        return None
    if not any(w in flat for w in _SIGNUP_WORDS):
        return None
    if "이모작" in flat or "secondcareer" in flat:
        return "second"
    if "미래설계" in flat or "happyfuture" in flat:
        return "future"
    return "any"


def match_hint(programs_: list[Program], hint: str | None) -> Program | None:
    if hint == "second":
        return next((p for p in programs_ if "이모작" in p.title), None)
    if hint == "future":
        return next((p for p in programs_ if "미래설계" in p.title), None)
    return None


# -- submitting ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignUp:
    course_id: str
    cohort_id: int
    retirement_on: date
    track: str | None = None
    family: bool | None = None  # None: not asked (no family programme)

    def details(self) -> dict[str, Any]:
        """What is stored with the request (Enrollment.details) for the training coordinator."""
        out: dict[str, Any] = {"program": "retirement", "course_id": self.course_id,
                               "retirement_on": self.retirement_on.isoformat()}
        if self.track:
            out["track"] = self.track
        if self.family is not None:
            out["family_programme"] = self.family
        return out


async def submit(session: AsyncSession, *, user_id: int, signup: SignUp, now: datetime) -> EnrollOutcome:
    """Record the retirement date in the profile (eligibility is decided on it) and ask for the seat."""
    from catalog.enrollment import request_seat

    profile = await get_profile(session, user_id)
    if profile is not None and profile.retirement_on != signup.retirement_on:
        await update_profile(session, user_id, now=now, retirement_on=signup.retirement_on)
    return await request_seat(session, user_id=user_id, cohort_id=signup.cohort_id, now=now, details=signup.details())
