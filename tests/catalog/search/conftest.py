"""A small catalog for unit tests of the index (the real one is tested in test_quality.py)."""
from __future__ import annotations

import pytest

from catalog.search import CourseDoc, SearchIndex

FIXTURE = [
    CourseDoc("it-excel", "업무에 바로 쓰는 엑셀", "Excel for everyday work", "일반교육/직무역량/IT", "face_to_face",
              ("엑셀", "스프레드시트", "excel", "it"), ("엑셀 교육",), frozenset({3, 4}), "it", True),
    CourseDoc("it-ppt", "파워포인트 활용", "Using PowerPoint", "일반교육/직무역량/IT", "online",
              ("파워포인트", "프레젠테이션", "powerpoint", "it"), (), frozenset({5}), "it", False),
    CourseDoc("it-block", "블록코딩으로 쉽게 배우는 인공지능", "AI made easy with block coding", "일반교육/직무역량/IT",
              "blended", ("인공지능", "코딩", "ai"), (), frozenset({6}), "it", True),
    CourseDoc("lang-th", "태국어 e-러닝", "Thai (e-learning)", "e-러닝/개인학습/외국어", "elearning",
              ("태국어", "외국어", "thai"), (), frozenset(range(1, 13)), "language", True),
    CourseDoc("lang-fr", "프랑스어 e-러닝", "French (e-learning)", "e-러닝/개인학습/외국어", "elearning",
              ("프랑스어", "외국어", "french"), (), frozenset(range(1, 13)), "language", True),
    CourseDoc("retire-second", "인생이모작 준비 과정", "Preparing for a second career", "일반교육/퇴직 후 인생설계",
              "blended", ("인생이모작", "재취업", "창업", "귀농"), ("인생이모작 준비",), frozenset({4, 7}), "retirement",
              True),
    CourseDoc("retire-future", "행복한 미래설계 과정", "Planning a happy future", "일반교육/퇴직 후 인생설계", "blended",
              ("미래설계", "퇴직"), (), frozenset({3, 9}), "retirement", True),
    CourseDoc("lead-team", "팀장 리더십 과정", "Leadership for team leaders", "일반교육/리더십역량/직위", "face_to_face",
              ("리더십", "팀장", "leadership"), (), frozenset({2}), "leadership", True),
    CourseDoc("redev-1", "e-정비사업 심화 1", "Urban redevelopment, advanced 1", "e-러닝/직무역량/전문", "elearning",
              ("정비사업", "재개발"), (), frozenset(range(1, 13)), "elearning", True),
]


@pytest.fixture(scope="session")
def index() -> SearchIndex:
    return SearchIndex.build(FIXTURE)


@pytest.fixture(scope="session")
def find(index):
    """find('엑셀') → the course ids a user would see, best first."""
    from catalog.search import parse_query

    def run(text: str, limit: int = 8) -> list[str]:
        query, filters = parse_query(text)
        return [h.course_id for h in index.search(query, limit=limit, filters=filters)]

    return run


@pytest.fixture(scope="session")
def chat_index() -> SearchIndex:
    """The real 2022 catalog (catalog/data), as the loader would build it."""
    from catalog.search.evaluate import yaml_docs

    return SearchIndex.build(yaml_docs())
