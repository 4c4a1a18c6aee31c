"""Korean course search: an in-memory index over titles, aliases and keywords (see index.py).

    index = SearchIndex.build(docs)
    text, filters = parse_query("3월 비대면 리더십")
    hits = index.search(text, limit=8, filters=filters)   # [SearchHit(course_id, title, score, ...)]
    answer = index.answer(text, limit=8, filters=filters)  # .hits, and .refusal when a named thing is missing
"""
from catalog.search.filters import Filters, parse_query
from catalog.search.index import THRESHOLD, CourseDoc, SearchAnswer, SearchHit, SearchIndex
from catalog.search.refusal import Refusal

__all__ = ["CourseDoc", "Filters", "Refusal", "SearchAnswer", "SearchHit", "SearchIndex", "THRESHOLD", "parse_query"]
