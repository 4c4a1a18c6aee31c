"""Situations read from a chat message — rank, promotion stage, new hire, years to retirement — and how well a
course's audience fits them. Before and after a promotion are different courses: 역량평가 이해과정 prepares for the
assessment (its audience: 승진대상자), 승진자 리더십 follows the promotion (승진자).

    read_situation("작년에 5급 됐는데 받아야 하는 교육") → Situation(rank=5, stage="promoted")
    audience_fit(situation, doc) → a few points up for a course whose audience fits, down for one that does not

When the person has a profile, `situation_of_profile` reads the same facts from it, and the message's own facts
win (`read_situation(text).filled_from(profile)`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from catalog.search.normalize import normalize

FIT = 6.0        # a course whose audience fits the situation
MISFIT = 9.0     # a course whose audience the person is not (yet, or any more)

_RANK = re.compile(r"(?<!\d)([4-9])\s*급|grade\s*([4-9])")
_RANK_TITLES = {"서기관": 4, "사무관": 5}
_PROMOTED = re.compile(
    r"승진\s*(?:했|하면|하고\s*나서|한\s*뒤|한\s*후|후|한지|된|됐|축하)|승진자|[4-9]\s*급\s*(?:으로|이)?\s*(?:됐|되었|된|달았|단지|올라)|"
    r"(?:됐|되었|달았|발령)|promoted|got\s+promoted|just\s+became|newly")
_PREPARING = re.compile(
    r"준비|앞두|대상|심사|예정|곧|전에|걱정|달\s*것|될\s*것|역량\s*평가|역평|prepar|assessment|eligible|upcoming|before")
_PROMOTION = re.compile(r"승진|역량\s*평가|역평|서기관|사무관|promot|assessment")
_NEW_HIRE = re.compile(r"신입|신규|신임|임용|입사|공채\s*합격|합격해|새내기|new\s+(?:employee|hire|staff)|just\s+joined")
_YEARS_LEFT = re.compile(r"(\d+|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*년\s*(?:남|이내|안에|뒤|후|정도)|"
                         r"in\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+years?")
_SOON = re.compile(r"다음\s*달|이번\s*달|올해|내년|곧|next\s+(?:month|year)|this\s+year|soon")
_POSITION = re.compile(r"팀장|과장|team\s*leader|division\s*director")
_POSITIONS = {"팀장": "팀장", "과장": "과장", "teamleader": "팀장", "divisiondirector": "과장"}
_RETIRE = re.compile(r"퇴직|은퇴|정년|retir")
_NUMBERS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10,
            "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


@dataclass(frozen=True)
class Situation:
    rank: int | None = None          # the grade said (5급 → 5)
    stage: str | None = None         # "promoted" (it happened) or "preparing" (it is ahead)
    new_hire: bool = False
    years_to_retirement: int | None = None
    position: str | None = None      # 팀장 or 과장: more specific than a promotion said beside it

    def __bool__(self) -> bool:
        return bool(self.rank or self.stage or self.new_hire or self.years_to_retirement is not None or self.position)

    @property
    def specific(self) -> bool:
        """Clear enough to name courses alone: a new hire, retirement ahead, a promotion stage or a position
        (a grade alone is not: most courses are open to every grade)."""
        return bool(self.new_hire or self.years_to_retirement is not None or self.stage or self.position)

    def filled_from(self, profile: Situation) -> Situation:
        """The message's facts, with the gaps filled from the person's profile (its rank is the grade held now:
        preparing for a promotion means the grade above it, 6급 → 5급)."""
        rank = self.rank
        if rank is None and profile.rank:
            rank = profile.rank - 1 if self.stage == "preparing" else profile.rank
        years = self.years_to_retirement if self.years_to_retirement is not None else profile.years_to_retirement
        return Situation(rank, self.stage, self.new_hire or profile.new_hire, years, self.position or profile.position)


NEW_HIRE_MONTHS = 24   # hired this recently: a new employee (the 신임자 courses' rule)


def situation_of_profile(rank: str | None, hired_on: date | None, retirement_on: date | None,
                         today: date, position: str | None = None) -> Situation:
    """What a profile says: the grade held (5급 → 5), hired recently, whole years to retirement."""
    grade = int(rank[0]) if rank and rank[0].isdigit() and rank.endswith("급") else None
    new_hire = hired_on is not None and (today.year - hired_on.year) * 12 + today.month - hired_on.month < NEW_HIRE_MONTHS
    years = None
    if retirement_on is not None and retirement_on >= today:
        years = retirement_on.year - today.year - ((retirement_on.month, retirement_on.day) < (today.month, today.day))
    return Situation(grade, None, new_hire, years, position if position in ("팀장", "과장") else None)


def read_situation(text: str) -> Situation:
    low = normalize(text)
    ranks = [int(a or b) for a, b in _RANK.findall(low)]
    ranks += [r for word, r in _RANK_TITLES.items() if word in low]
    rank = ranks[0] if ranks else None
    stage = None
    preparing, promoted = _PREPARING.search(low), _PROMOTED.search(low)
    if _PROMOTION.search(low):
        if preparing and not (promoted and promoted.start() > preparing.start()):
            stage = "preparing"
        elif promoted:
            stage = "promoted"
    elif rank and promoted:
        stage = "promoted"  # 작년에 5급 됐는데 (but HSK 5급 준비 is no promotion)
    years = None
    if _RETIRE.search(low):
        m = _YEARS_LEFT.search(low)
        if m:
            said = m.group(1) or m.group(2)
            years = int(said) if said.isdigit() else _NUMBERS.get(said)
        elif _SOON.search(low):
            years = 0
    position = _POSITION.search(low)
    return Situation(rank, stage, bool(_NEW_HIRE.search(low)), years,
                     _POSITIONS.get(position.group(0).replace(" ", "")) if position else None)


@dataclass(frozen=True)
class Audience:
    """What a course's eligibility says about who it is for, read once at build time."""
    ranks: frozenset[int] = frozenset()   # grades it is for (the grade the person holds)
    stage: str | None = None              # "promoted" (승진자), "preparing" (승진대상자)
    target: int | None = None             # the grade of that promotion
    new_hire: bool = False
    positions: frozenset[str] = frozenset()  # 팀장, 과장
    retirement_within: int | None = None  # years to retirement it requires at most
    retiring: bool = False                # for those about to retire

    @property
    def specific(self) -> bool:
        return bool(self.stage or self.new_hire or self.positions or self.retirement_within is not None
                    or self.retiring)


def audience_of(eligibility: dict, topic: str) -> Audience:
    note = str(eligibility.get("note") or "")
    ranks = frozenset(int(r[0]) for r in eligibility.get("ranks") or () if str(r)[:1].isdigit())
    target = _RANK.search(note)
    stage = "preparing" if "승진대상" in note else "promoted" if "승진자" in note else None
    within = eligibility.get("retirement_within_years")
    return Audience(ranks, stage, int(target.group(1)) if target and stage else None,
                    topic == "new_hire" or "hired_within_months" in eligibility,
                    frozenset(str(p) for p in eligibility.get("positions") or ()), int(within) if within else None, topic == "retirement" and not within)


def audience_fit(s: Situation, a: Audience) -> float:
    """Points for a course already matching the words: up when its audience fits the situation, down when not."""
    points = 0.0
    if s.position and a.positions:
        points += FIT if s.position in a.positions else -MISFIT
    if s.position and not s.rank and a.stage:
        pass  # 승진하고 나서 팀장 보직 받았어요: the position held says more than the promotion
    elif a.stage and s.stage:
        points += FIT if a.stage == s.stage else -MISFIT
        if s.rank and a.target:
            # the grade said with a promotion is its target: 5급 승진했어요 → 5급 승진자, 5급 승진 준비 → 5급 역량평가
            points += FIT if s.rank == a.target else -MISFIT
    elif s.rank and a.ranks and not a.stage and not s.stage:
        points += FIT if s.rank in a.ranks else -MISFIT
    elif s.rank and a.target and not s.stage:
        points += 0.0 if s.rank in a.ranks or s.rank == a.target else -MISFIT
    if s.new_hire and a.new_hire:
        points += FIT
    if s.years_to_retirement is not None:
        if a.retirement_within is not None:
            points += FIT if s.years_to_retirement <= a.retirement_within else -MISFIT
            if s.years_to_retirement <= 1:
                points -= FIT / 2  # a year or less: the pre-retirement course comes first
        elif a.retiring:
            points += FIT if s.years_to_retirement <= 1 else -FIT / 2
    return points
