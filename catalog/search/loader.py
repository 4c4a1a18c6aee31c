"""Builds the in-memory search index from the database (at start-up and after catalog changes)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.courses import active_courses, cohort_months, seats_taken
from catalog.plan import cohort_published
from catalog.search import CourseDoc, SearchIndex
from db.models import Cohort

ALIASES = Path(__file__).resolve().parent / "aliases.yaml"


@lru_cache(maxsize=1)
def extra_aliases() -> dict[str, tuple[str, ...]]:
    """Search-owned aliases per course id (catalog/search/aliases.yaml), merged with the catalog's own."""
    with ALIASES.open(encoding="utf-8") as fh:
        raw = (yaml.safe_load(fh) or {}).get("aliases") or {}
    return {str(k): tuple(str(a) for a in (v or [])) for k, v in raw.items()}


async def courses_with_seats(session: AsyncSession) -> set[str]:
    """Courses with an open cohort that still has a seat (or no seat limit)."""
    cohorts = (await session.execute(
        select(Cohort.id, Cohort.course_id, Cohort.capacity).where(Cohort.status == "open", cohort_published())
    )).all()
    taken = await seats_taken(session, [c.id for c in cohorts])
    return {c.course_id for c in cohorts if c.capacity is None or taken.get(c.id, 0) < c.capacity}


def make_doc(c, months: frozenset[int], seats_open: bool) -> CourseDoc:
    extra = extra_aliases().get(c.id, ())
    return CourseDoc(
        id=c.id, title=c.title, title_en=c.title_en, category=c.category, delivery=c.delivery,
        keywords=tuple([*(c.keywords or []), *(c.keywords_en or []), c.topic]),
        aliases=tuple(dict.fromkeys([*(c.aliases or []), *extra])), months=months,
        topic=c.topic or "", seats_open=seats_open, audience=c.audience or "",
        description=evidence_text(c.description, c.description_en, c.audience_en, c.eligibility),
        eligibility=dict(c.eligibility or {}),
    )


def evidence_text(description: str | None, description_en: str | None, audience_en: str | None,
                  eligibility: dict | None) -> str:
    """Descriptions, the English audience and the eligibility notes: what a course is about in other words."""
    notes = [str((eligibility or {}).get(k) or "") for k in ("note", "note_en")]
    return " ".join(filter(None, [description, description_en, audience_en, *notes]))


async def draft_only_courses(session: AsyncSession) -> set[str]:
    """Courses whose every cohort is in an unpublished plan year: not findable until the year is published."""
    with_cohorts = set((await session.execute(select(Cohort.course_id).distinct())).scalars())
    published = set((await session.execute(select(Cohort.course_id).where(cohort_published()).distinct())).scalars())
    return with_cohorts - published


async def load_index(session: AsyncSession) -> SearchIndex:
    months = await cohort_months(session)
    open_courses = await courses_with_seats(session)
    hidden = await draft_only_courses(session)
    docs = [make_doc(c, months.get(c.id, frozenset()), c.id in open_courses) for c in await active_courses(session)
            if c.id not in hidden]
    return SearchIndex.build(docs)
