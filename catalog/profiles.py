"""A person's profile (personal data, kept only with their consent) and its deletion (/forget).

What is stored (db/models/users.py `Profile`, a table of its own so it can be deleted whole): name, department,
optionally the employee number, and only when a course the person asks for reads them: rank (직급; "" when never
asked), position (과장/팀장; "" for neither, None when never asked), hire date and expected retirement date; and
when consent was given. Why: the report's entry conditions (승진자·과장·팀장·6급·신임·퇴직 예정자 courses) are checked
against it, and training coordinators need the name and department of the people on their rosters.
How long: until the person deletes it with /forget.

`forget()` deletes the Profile row, the personal answers inside enrollment `details` (e.g. the retirement date and
family answers of a retirement sign-up) and the reasons staff gave for a decision (a typed reason may name the
person), the person's exam subscriptions (applicant numbers), interview slots, exam and course-start reminders,
notification choices, course-news subscriptions, every message queued or sent to them (outbox rows: nothing still
queued goes out), their staff dashboard sessions and sign-in links, their Telegram name and username, and any
half-finished conversation. It keeps, without personal details, the enrollment rows themselves (course, cohort,
status, dates), each marked `personal_data_deleted` so no reminder is planned from it again: a confirmed or pending
request holds a seat that other people are counting on and waitlists depend on its order, and the Center reports
how many people took each course; those rows say nothing about the person except the Telegram account number the
bot needs to answer them. They can be cancelled with /my like any request. Also kept, as records of the Center's
work rather than data about the person: the access record (audit log, kept two years by law: numeric ids and
counts, never values; it gets one `privacy.forget` row) and, for staff, who decided a request
(`enrollments.decided_by`) and who wrote a broadcast (`broadcasts.created_by`).
tests/catalog/test_forget_every_table.py holds these exceptions and fails on any other table that still has a row
with the person's id.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.eligibility import add_years
from db.access import Actor
from db.audit import record
from db.models import (CourseReminder, Enrollment, ExamSubscription, InterviewSlot, NotificationChoice, OutboxMessage,
                       Profile, Reminder, SignInLink, TopicSubscription, User, WebSession)

RANKS: tuple[str, ...] = ("9급", "8급", "7급", "6급", "5급", "4급", "3급", "임기제", "공무직", "전문경력관")
POSITIONS: tuple[str, ...] = ("과장", "팀장")
FIELDS = ("full_name", "department", "rank", "position", "employee_no", "hired_on", "retirement_on")
OPTIONAL_FIELDS = ("position", "employee_no", "hired_on", "retirement_on")
MAX_NAME = 64  # Profile.full_name / department are String(64)
MAX_EMPLOYEE_NO = 32
EARLIEST_HIRE = date(1950, 1, 1)
LONGEST_CAREER_YEARS = 50  # a retirement date further away than this is a typo

# Keys of Enrollment.details that are not about the person; everything else is deleted by forget().
FORGOTTEN = "personal_data_deleted"  # enrollment detail: the person used /forget on this day; no reminders for it
NON_PERSONAL_DETAIL_KEYS = frozenset({"program", "course_id", "track", "track_en", "source", "via", "flow",
                                      FORGOTTEN})


class ProfileError(ValueError):
    """An answer that cannot be stored, with a code the handler turns into a sentence."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ProfileView:
    user_id: int
    full_name: str
    department: str
    rank: str
    position: str | None = None
    employee_no: str | None = None
    hired_on: date | None = None
    retirement_on: date | None = None
    consent_at: datetime | None = None

    def with_changes(self, **changes: Any) -> ProfileView:
        return replace(self, **changes)


@dataclass(frozen=True)
class ForgetReport:
    profile_deleted: bool
    enrollments_kept: int  # rows kept without personal details
    details_cleared: int  # enrollments whose personal answers were removed
    interview_slots_deleted: int
    applicant_numbers_cleared: int
    subscriptions_deleted: int = 0  # exam rounds and course-news topics
    messages_cleared: int = 0  # outbox rows deleted (sent, and never to be sent)
    reminders_deleted: int = 0  # exam and course-start reminders
    dashboard_rows_deleted: int = 0  # staff dashboard sessions and sign-in links
    kept_fields: tuple[str, ...] = field(default=("telegram_id", "language", "enrollments", "subscriptions"))


def view_of(row: Profile) -> ProfileView:
    return ProfileView(row.user_id, row.full_name, row.department, row.rank, row.position, row.employee_no,
                       row.hired_on, row.retirement_on, row.consent_at)


# -- reading and writing ----------------------------------------------------------------------------------
async def get_profile(session: AsyncSession, user_id: int) -> ProfileView | None:
    row = await session.get(Profile, user_id)
    return view_of(row) if row is not None else None


async def save_profile(session: AsyncSession, user_id: int, *, now: datetime, consent_at: datetime | None = None,
                       full_name: str, department: str, rank: str, position: str | None = None,
                       employee_no: str | None = None, hired_on: date | None = None,
                       retirement_on: date | None = None) -> ProfileView:
    """Create or replace the whole profile (after consent). Every value is validated again here."""
    today = now.date()
    values = dict(
        full_name=clean_name(full_name), department=clean_department(department),
        rank=clean_rank(rank) if rank else "",  # "": never asked (no course the person asked for reads it)
        position=answered_position(position), employee_no=clean_employee_no(employee_no),
        hired_on=check_hired_on(hired_on, today) if hired_on else None,
    )
    values["retirement_on"] = (check_retirement_on(retirement_on, today, values["hired_on"])
                               if retirement_on else None)
    row = await session.get(Profile, user_id)
    if row is None:
        if consent_at is None:
            raise ProfileError("consent_needed")
        row = Profile(user_id=user_id, consent_at=consent_at, updated_at=now, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        if consent_at is not None:
            row.consent_at = consent_at
        row.updated_at = now
    await session.flush()
    return view_of(row)


async def update_profile(session: AsyncSession, user_id: int, *, now: datetime, **changes: Any) -> ProfileView:
    """Change some fields of an existing profile (/profile edits, a retirement date given in a sign-up)."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    row = await session.get(Profile, user_id)
    if row is None:
        raise ProfileError("no_profile")
    current = view_of(row)
    merged = {name: changes.get(name, getattr(current, name)) for name in FIELDS}
    # Only what changed is re-validated against today: an old hire date stays valid.
    today = now.date()
    if "full_name" in changes:
        row.full_name = clean_name(merged["full_name"])
    if "department" in changes:
        row.department = clean_department(merged["department"])
    if "rank" in changes:
        row.rank = clean_rank(merged["rank"])
    if "position" in changes:
        row.position = answered_position(merged["position"])
    if "employee_no" in changes:
        row.employee_no = clean_employee_no(merged["employee_no"])
    if "hired_on" in changes:
        row.hired_on = check_hired_on(merged["hired_on"], today) if merged["hired_on"] else None
    if "retirement_on" in changes or ("hired_on" in changes and row.retirement_on and row.hired_on
                                      and row.retirement_on <= row.hired_on):
        value = merged["retirement_on"]
        row.retirement_on = check_retirement_on(value, today, row.hired_on) if value else None
    row.updated_at = now
    await session.flush()
    return view_of(row)


async def forget(session: AsyncSession, user_id: int, now: datetime) -> ForgetReport:
    """Delete the person's personal data from every table; keep seat-holding records without personal details
    (see the module doc). Twice is harmless."""
    profile = await session.get(Profile, user_id)
    deleted = profile is not None
    if profile is not None:
        await session.delete(profile)

    enrollments = (await session.execute(select(Enrollment).where(Enrollment.user_id == user_id))).scalars().all()
    cleared = 0
    for e in enrollments:
        details = dict(e.details or {})
        kept = {k: v for k, v in details.items() if k in NON_PERSONAL_DETAIL_KEYS}
        if kept != details or e.reason is not None:
            cleared += 1
        # Every kept seat carries the mark, so the course-start planner never writes a reminder for it again.
        kept.setdefault(FORGOTTEN, now.date().isoformat())
        if kept != details or e.reason is not None:
            e.details, e.reason = kept, None

    def gone(model):
        return session.execute(delete(model).where(model.user_id == user_id))

    slots = await gone(InterviewSlot)
    numbers = (await session.execute(select(func.count()).select_from(ExamSubscription).where(
        ExamSubscription.user_id == user_id, ExamSubscription.applicant_no.is_not(None)))).scalar_one()
    reminders = [await gone(Reminder), await gone(CourseReminder)]
    exams = await gone(ExamSubscription)
    topics = await gone(TopicSubscription)
    await gone(NotificationChoice)
    dashboard = [await gone(WebSession), await gone(SignInLink)]
    # Messages not sent yet are not sent at all (a dispatcher holding one finds it gone); sent ones leave no trace.
    messages = await gone(OutboxMessage)
    user = await session.get(User, user_id)
    if user is not None:
        user.first_name = ""
        user.username = None
        user.flow = user.flow_step = None
        user.flow_data = None
        user.flow_updated_at = None
    await session.flush()
    report = ForgetReport(deleted, len(enrollments), cleared, slots.rowcount or 0, numbers,
                          (exams.rowcount or 0) + (topics.rowcount or 0), messages.rowcount or 0,
                          sum(r.rowcount or 0 for r in reminders), sum(r.rowcount or 0 for r in dashboard))
    await record(session, Actor.person(user_id), "privacy.forget", now=now, target=f"user:{user_id}", subjects=1,
                 detail={"profile": deleted, "enrollments_anonymised": cleared, "slots": report.interview_slots_deleted,
                         "subscriptions": report.subscriptions_deleted, "messages": report.messages_cleared,
                         "reminders": report.reminders_deleted, "dashboard": report.dashboard_rows_deleted})
    return report


# -- validating answers -----------------------------------------------------------------------------------
def _tidy(text: str | None) -> str:
    """NFKC, one space between words, no control characters (PostgreSQL refuses NUL in text)."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text or "")
                   if ch.isspace() or unicodedata.category(ch) != "Cc")
    return re.sub(r"\s+", " ", text).strip()


def clean_name(text: str | None) -> str:
    name = _tidy(text)
    if not name or not any(unicodedata.category(ch)[0] == "L" for ch in name):
        raise ProfileError("name_empty")
    if len(name) > MAX_NAME:
        raise ProfileError("too_long", limit=MAX_NAME)
    return name


def clean_department(text: str | None) -> str:
    dept = _tidy(text)
    if not dept or not any(unicodedata.category(ch)[0] in "LN" for ch in dept):
        raise ProfileError("department_empty")
    if len(dept) > MAX_NAME:
        raise ProfileError("too_long", limit=MAX_NAME)
    return dept


_RANK_ALIASES = {"임기제공무원": "임기제", "무기계약직": "공무직", "무기계약": "공무직", "전문경력관": "전문경력관"}


def clean_rank(text: str | None) -> str:
    """One of RANKS: `6급`, `6`, `6 급`, `grade 6`, `임기제`, `공무직`…"""
    raw = _tidy(text).replace(" ", "").lower()
    raw = raw.removeprefix("grade").removeprefix("지방").removesuffix("공무원") if raw not in _RANK_ALIASES else raw
    raw = _RANK_ALIASES.get(raw, raw)
    m = re.fullmatch(r"([3-9])(급)?", raw)
    if m:
        raw = f"{m.group(1)}급"
    if raw not in RANKS:
        raise ProfileError("rank", ranks=list(RANKS))
    return raw


_POSITION_WORDS = {"과장": "과장", "divisionhead": "과장", "divisiondirector": "과장", "director": "과장",
                   "팀장": "팀장", "teamleader": "팀장", "teamlead": "팀장"}
_NO_POSITION = ("", "none", "no", "n", "neither", "nope", "없음", "해당없음", "-", "x")
_NEGATION = ("아니", "아닙", "아님", "아뇨", "없어", "없습", "않", "not")


def answered_position(text: str | None) -> str | None:
    """None: never asked; "" : asked, neither 과장 nor 팀장; else 과장 or 팀장."""
    return None if text is None else clean_position(text) or ""


def clean_position(text: str | None) -> str | None:
    """과장, 팀장 or None, also from a typed sentence: `저는 과장입니다`, `팀장이에요`, `아니요`, `해당 없어요`,
    `team leader`. Anything unclear (a negation with a position in it, both positions) is refused."""
    raw = re.sub(r"[\s.,!?~'\"()]+", "", _tidy(text).lower())
    if raw in _NO_POSITION:
        return None
    named = {value for word, value in _POSITION_WORDS.items() if word in raw}
    negated = any(word in raw for word in _NEGATION)
    if not named and (negated or raw.startswith(("해당", "no", "neither"))):
        return None  # 아니요, 해당 없어요, 둘 다 아닙니다
    if len(named) == 1 and not negated:
        return named.pop()
    raise ProfileError("position", positions=list(POSITIONS))


def clean_employee_no(text: str | None) -> str | None:
    raw = _tidy(text).replace(" ", "")
    if not raw:
        return None
    if len(raw) > MAX_EMPLOYEE_NO or not re.fullmatch(r"[0-9A-Za-z-]+", raw):
        raise ProfileError("employee_no", limit=MAX_EMPLOYEE_NO)
    return raw


def check_hired_on(day: date, today: date) -> date:
    if day > today:
        raise ProfileError("hired_future", today=today.isoformat())
    if day < EARLIEST_HIRE:
        raise ProfileError("date_range")
    return day


def check_retirement_on(day: date, today: date, hired_on: date | None = None) -> date:
    if day <= today:
        raise ProfileError("retirement_past", today=today.isoformat())
    if day > add_years(today, LONGEST_CAREER_YEARS):
        raise ProfileError("date_range")
    if hired_on is not None and day <= hired_on:
        raise ProfileError("retirement_before_hire", hired_on=hired_on.isoformat())
    return day


_DAY = re.compile(r"(\d{4}|\d{2})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*일?\.?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*월?\.?")
_FILLER = re.compile(r"(말|경|쯤|까지|예정|정도|께|입니다|이에요|예요|요)$")


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:  # '95.3.2 → 1995, 32.6.30 → 2032
        y += 2000 if y < 70 else 1900
    return y


def parse_day(text: str | None, *, period_end: bool = False) -> date | None:
    """A date typed by a person: `1965-03-31`, `2032.6.30`, `2032. 6. 30.`, `2032/06/30`, `20320630`,
    `2032년 6월 30일`, `95.3.2`; a month alone (`2032년 6월`, `2032-06`, `2032.6`) is its first day, or its
    last day when `period_end` (expected retirement: 정년 is the end of a month). None when it is not a date."""
    import calendar

    raw = unicodedata.normalize("NFKC", text or "").strip().rstrip(".")
    for _ in range(3):
        raw = _FILLER.sub("", raw).strip().rstrip(".")
    if not raw:
        return None
    try:
        m = _DAY.fullmatch(raw)
        if m:
            return date(_year(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _COMPACT.fullmatch(raw)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _MONTH.fullmatch(raw)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            day = calendar.monthrange(year, month)[1] if period_end else 1
            return date(year, month, day)
    except ValueError:  # 2032-02-30, month 13
        return None
    return None
