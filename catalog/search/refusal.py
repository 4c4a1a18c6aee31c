"""Honest refusals: a message that names a specific thing the catalog lacks (a certificate, a language, a skill)
gets no hits and a `Refusal` saying what is missing and the closest category, never other items presented as a
match (`전기기사 자격증 공부하고 싶어요` → Refusal("전기기사", "certificate"), not the other certificates).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from catalog.search.normalize import normalize


@dataclass(frozen=True)
class Refusal:
    missing: str                 # the thing asked for, normalised (particles removed)
    category: str | None = None  # closest category: a key of catalog.search.filters.CATEGORIES, or None

    def as_typed(self, text: str) -> str:
        """The missing word as the person wrote it (German, not german)."""
        for token in text.split():
            word = re.sub(r"[^\w]", "", token)
            if normalize(word).startswith(self.missing):
                return word[:len(self.missing)] if normalize(word[:len(self.missing)]) == self.missing else word
        return self.missing


# a message asking for a course (not chat about lunch or parking): only then is an unknown word "missing"
_REQUEST = re.compile(
    r"교육|과정|강의|강좌|수업|레슨|배우|배울|배워|공부|자격|연수|인강|클래스|학원|시험|따고|따려|딸 수|"
    r"\b(?:course|courses|class|classes|learn|learning|training|lesson|lessons|study|studying|certificate|"
    r"certification|license|exam)\b")
_LANGUAGES_EN = frozenset("""
    german french spanish italian portuguese russian arabic chinese japanese thai vietnamese indonesian english
    korean latin greek hindi turkish dutch swedish polish mongolian malay tagalog persian hebrew swahili
""".split())
_NOT_LANGUAGES = ("웨어", "디어", "니어", "리어", "플레이어")  # 소프트웨어, 아이디어, 엔지니어, 커리어
_CERTIFICATE = re.compile(r"(?:산업기사|기능사|기능장|기술사|기사|자격증|자격|면허|사)$")


def is_course_request(text: str) -> bool:
    return _REQUEST.search(normalize(text)) is not None


def closest_category(word: str) -> str | None:
    """The category a missing word belongs to by its form: 독일어, german → language; 전기기사, 세무사 → certificate."""
    if word in _LANGUAGES_EN or (len(word) >= 3 and word.endswith("어") and not word.isascii()
                                 and not word.endswith(_NOT_LANGUAGES)):
        return "language"
    if not word.isascii() and len(word) >= 3 and _CERTIFICATE.search(word):
        return "certificate"
    return None
