"""Builds the in-memory search index from the database (at start-up and after catalog changes)."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.courses import active_courses, cohort_months
from catalog.search import CourseDoc, SearchIndex


async def load_index(session: AsyncSession) -> SearchIndex:
    months = await cohort_months(session)
    docs = [
        CourseDoc(
            id=c.id, title=c.title, title_en=c.title_en, category=c.category, delivery=c.delivery,
            keywords=tuple([*(c.keywords or []), *(c.keywords_en or []), c.topic]),
            aliases=tuple(c.aliases or []), months=months.get(c.id, frozenset()),
        )
        for c in await active_courses(session)
    ]
    return SearchIndex.build(docs)
