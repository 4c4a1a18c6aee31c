"""Filters said in free text: category (IT, 리더십, 외국어…), delivery (대면/비대면/e-러닝), month (3월, march,
상반기, 3분기), open seats (빈자리, 자리 있는). `parse_query` takes them out of the text and returns what is left to search.

A category word next to other words only narrows the search (`IT 보고서` → 보고서 among IT courses); alone it is the
search as well (`외국어` lists the language courses). Delivery, month and seat words are always removed (they describe
a cohort, not a course's name); with nothing else left, the courses passing the filters are listed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from catalog.search.normalize import normalize

# category key -> (words that name it, topics it covers, category-path fragments it covers)
CATEGORIES: dict[str, tuple[tuple[str, ...], frozenset[str], tuple[str, ...]]] = {
    "it": (("it", "아이티", "정보화", "정보통신", "it교육", "전산"), frozenset({"it"}), ("it",)),
    "leadership": (("리더십", "리더쉽", "leadership"), frozenset({"leadership"}), ("리더십",)),
    "language": (("외국어", "어학", "외국어교육", "languages", "language", "foreign"), frozenset({"language"}), ("외국어",)),
    "certificate": (("자격증", "자격", "certificate", "certificates", "certification"), frozenset({"certificate"}),
                    ("자격증",)),
    "core_values": (("핵심가치", "공직가치"), frozenset({"core_values"}), ("핵심가치",)),
    "retirement": (("퇴직준비", "은퇴준비", "노후준비"), frozenset({"retirement"}), ("퇴직",)),
}

# delivery words -> (delivery codes (CourseDoc.delivery) they accept, codes that fit them best and rank first)
DELIVERIES: list[tuple[str, frozenset[str], frozenset[str]]] = [
    (r"비\s*대면|non ?face ?to ?face|untact", frozenset({"online", "blended", "elearning"}),
     frozenset({"online", "elearning"})),
    (r"온라인|원격|online|remote", frozenset({"online", "blended", "elearning"}), frozenset({"online", "elearning"})),
    (r"e\s*러닝|이\s*러닝|엘러닝|사이버\s*교육|인강|e ?learning|self ?paced", frozenset({"elearning"}),
     frozenset({"elearning"})),
    (r"혼합|블렌디드|blended|hybrid|하이브리드", frozenset({"blended"}), frozenset({"blended"})),
    (r"(?<!비)대면|집합\s*교육|오프라인|face ?to ?face|in ?person|offline|classroom",
     frozenset({"face_to_face", "blended"}), frozenset({"face_to_face"})),
]

MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december"]
_MONTH_KO = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])\s*월\s*(?:달|중|에|부터|쯤|경|에는)?(?![가-힣])")
_MONTH_KO_WORDS = {"일월": 1, "이월": 2, "삼월": 3, "사월": 4, "오월": 5, "유월": 6, "칠월": 7, "팔월": 8, "구월": 9,
                   "시월": 10, "십일월": 11, "십이월": 12}
_HALVES = re.compile(r"(상반기|하반기|[1-4]\s*분기)")
_HALF_MONTHS = {"상반기": range(1, 7), "하반기": range(7, 13)}
_MONTH_EN = re.compile(r"\b(" + "|".join(MONTHS_EN) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b")
_SEATS = re.compile(
    r"빈\s*자리|자리\s*(?:가\s*)?(?:있는|남은|있나요|있어요|있음|남았|여유)|남은\s*자리|잔여\s*석|여석|잔여\s*좌석|"
    r"신청\s*가능(?:한)?|접수\s*중(?:인)?|마감\s*(?:안|않)\s*(?:된|한)|"
    r"open seats?|seats? (?:left|available)|available seats?|with seats|not full"
)


@dataclass(frozen=True)
class Filters:
    categories: frozenset[str] = field(default_factory=frozenset)   # keys of CATEGORIES (any of them)
    deliveries: frozenset[str] = field(default_factory=frozenset)   # delivery codes (any of them)
    months: frozenset[int] = field(default_factory=frozenset)       # a cohort in any of these months
    seats_open: bool = False                                         # a cohort with a free seat
    preferred: frozenset[str] = field(default_factory=frozenset)    # delivery codes that rank first
    open_courses: frozenset[str] | None = None  # live "has a free seat" set; None = the index's seats_open flag

    def __bool__(self) -> bool:
        return bool(self.categories or self.deliveries or self.months or self.seats_open)

    def bonus(self, doc) -> float:
        """A small ranking bonus for the delivery the words name most precisely (온라인 → online before blended)."""
        return 2.0 if doc.delivery in self.preferred else 0.0

    def accepts(self, doc) -> bool:
        if self.categories and not any(category_matches(key, doc) for key in self.categories):
            return False
        if self.deliveries and doc.delivery not in self.deliveries:
            return False
        if self.months and not (self.months & doc.months):
            return False
        if self.seats_open and not (doc.id in self.open_courses if self.open_courses is not None else doc.seats_open):
            return False
        return True


def category_matches(key: str, doc) -> bool:
    _, topics, fragments = CATEGORIES[key]
    if getattr(doc, "topic", "") in topics:
        return True
    path = normalize(doc.category).replace(" ", "")
    return any(f in path for f in fragments)


def _category_of(word: str) -> str | None:
    for key, (names, _, _) in CATEGORIES.items():
        if word in names:
            return key
    return None


def parse_query(text: str) -> tuple[str, Filters]:
    """'3월 비대면 리더십 빈자리' → ('리더십', Filters(categories={'leadership'}, deliveries=…, months={3}, seats_open=True))."""
    low = normalize(text)
    months: set[int] = set()
    deliveries: set[str] = set()
    preferred: set[str] = set()

    def cut(pattern: re.Pattern | str, s: str, found) -> str:
        def repl(m: re.Match) -> str:
            found(m)
            return " "
        return re.sub(pattern, repl, s)

    seats_found: list[bool] = []
    low = cut(_SEATS, low, lambda m: seats_found.append(True))
    seats = bool(seats_found)
    low = cut(_MONTH_KO, low, lambda m: months.add(int(m.group(1))))
    low = cut(_MONTH_EN, low, lambda m: months.add(_month_number(m.group(1))))
    low = cut(_HALVES, low, lambda m: months.update(_period_months(m.group(1))))
    for pattern, codes, best in DELIVERIES:
        low = cut(pattern, low, lambda m, codes=codes, best=best: (deliveries.update(codes), preferred.update(best)))
    rest_words = []
    category_words = []
    categories: set[str] = set()
    for w in low.split():
        n = normalize(w).replace(" ", "")
        if n in _MONTH_KO_WORDS:
            months.add(_MONTH_KO_WORDS[n])
            continue
        key = _category_of(n) or _category_of(_strip_particle(n))
        if key:
            categories.add(key)
            category_words.append(w)
        else:
            rest_words.append(w)
    # a category word next to other content words only narrows (IT 엑셀); alone it is also the search (외국어)
    if category_words and not _content_words(rest_words):
        rest_words = category_words + rest_words
    query = " ".join(rest_words)
    return query, Filters(frozenset(categories), frozenset(deliveries), frozenset(months), seats, frozenset(preferred))


def _content_words(words: list[str]) -> list[str]:
    from catalog.search.particles import content_words

    return content_words(words)


def _strip_particle(word: str) -> str:
    from catalog.search.particles import strip_particle

    return strip_particle(word)


def _period_months(period: str) -> range:
    """상반기 → 1–6, 3분기 → 7–9."""
    period = period.replace(" ", "")
    if period in _HALF_MONTHS:
        return _HALF_MONTHS[period]
    quarter = int(period[0])
    return range(3 * quarter - 2, 3 * quarter + 1)


def _month_number(name: str) -> int:
    for i, full in enumerate(MONTHS_EN, 1):
        if full.startswith(name):
            return i
    return 0
