"""What a chat message asks for, before it is searched as a course name (no Telegram here).

`detect("연락처 알려주세요")` → Intent("contact"). Kinds: greeting, thanks, contact, exam, recommend, popular.
`hrdbot search` never uses this: it stays course search only. Relative dates (`이번 달`, `다음 달`, `next month`)
are read by `date_window` with today's date from the clock.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta



@dataclass(frozen=True)
class Intent:
    kind: str  # greeting | thanks | contact | exam | recommend | popular
    exam_kind: str | None = None  # exam: open (공채·경채) | career (경력채용) | asmt (역량평가)
    event: str | None = None  # exam: written | interview | result


def _squash(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").lower()
    return re.sub(r"[\s\W_]+", "", text)


_GREETING = re.compile(r"^(안녕(하세요|하십니까|하신가요)?|하이|반가워요?|반갑습니다|hi|hello|hey|헬로|goodmorning"
                       r"|goodafternoon|goodevening|좋은아침(이에요|입니다)?|처음뵙겠습니다)(요)?$")
_THANKS = re.compile(r"^(정말|너무|대단히|많이)?(감사(합니다|해요|드립니다)?|고마워(요)?|고맙습니다|땡큐|thanks?(you)?"
                     r"|thx|ty|수고(하셨습니다|하세요|많으셨습니다)|잘알겠습니다|알겠습니다|ok|okay|오케이)$")
_CONTACT = re.compile(r"(연락처|전화번호|전화|주소|오시는길|찾아가는길|위치가|어디에있|어디있|어디예요|어디에요|홈페이지"
                      r"|웹사이트|이메일|메일주소|팩스|문의처|어디에문의|어디로문의|문의하려면|문의는|담당자|상담원"
                      r"|사람과(상담|통화|이야기|얘기)|contact|phone|address|website|email)")
_EXAM = re.compile(r"(시험|필기|면접|합격자|합격|공채|경채|공개경쟁|경력경쟁|경력채용|임용|채용|exam|interview|recruit)")
_NOT_EXAM = re.compile(r"(면접관|면접기법|면접위원|역량평가이해|이해과정|자격증)")  # courses about these, not exams
_RECOMMEND = re.compile(r"(추천|들을만한|들을만|뭘들을까|뭐들을까|뭘배울까|뭐배울까|recommend|suggest)")
_POPULAR = re.compile(r"(인기|많이듣는|많이신청|사람이많은|베스트|best|popular|mostrequested)")


def detect(text: str) -> Intent | None:
    """The intent of a short chat message, or None when it is (probably) a course search."""
    s = _squash(text)
    if not s or len(s) > 60:
        return None
    if _GREETING.match(s):
        return Intent("greeting")
    if _THANKS.match(s):
        return Intent("thanks")
    if _CONTACT.search(s):
        return Intent("contact")
    if _EXAM.search(s) and not _NOT_EXAM.search(s):
        return Intent("exam", exam_kind=_exam_kind(s), event=_exam_event(s))
    if _RECOMMEND.search(s):
        return Intent("recommend")
    if _POPULAR.search(s):
        return Intent("popular")
    return None


def _exam_kind(s: str) -> str | None:
    if re.search(r"(경력채용|경력경쟁|임기제|전문경력관|career)", s):
        return "career"
    if re.search(r"역량평가", s):
        return "asmt"
    if re.search(r"(공채|경채|공개경쟁|임용시험|공무원시험|[789]급|고졸)", s):
        return "open"
    return None


def _exam_event(s: str) -> str | None:
    if re.search(r"(면접|interview)", s):
        return "interview"
    if re.search(r"(합격|발표|result)", s):
        return "result"
    if re.search(r"(필기|written)", s):
        return "written"
    return None


# -- relative dates ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DateWindow:
    start: date
    end: date  # inclusive
    rest: str  # the query without the date words (may be empty: "everything in that window")


_RELATIVE = [
    (re.compile(r"이번\s*달|이달|금월|this\s+month"), "this_month"),
    (re.compile(r"다음\s*달|담달|내달|익월|next\s+month"), "next_month"),
    (re.compile(r"이번\s*주|금주|this\s+week"), "this_week"),
    (re.compile(r"다음\s*주|next\s+week"), "next_week"),
    (re.compile(r"오늘(?:은|의|부터)?(?![가-힣])|today"), "today"),
    (re.compile(r"내일(?:은|의|부터)?(?![가-힣])|tomorrow"), "tomorrow"),  # not 내일배움카드
]
_FILLER = re.compile(r"(교육|과정|강의|수업|일정|있나요|있어요|있습니까|뭐|무엇|어떤|알려\s*주세요|알려줘|보여\s*주세요"
                     r"|\b(?:courses?|trainings?|what|any|in|the)\b|[?？!.,~])", re.IGNORECASE)


def _month_end(day: date) -> date:
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def date_window(text: str, today: date) -> DateWindow | None:
    """`이번 달 교육` → this month; `다음 달` → next month; `이번 주`, `다음 주`, `오늘`, `내일`; None otherwise."""
    lowered = unicodedata.normalize("NFC", text or "").lower()
    for pattern, kind in _RELATIVE:
        m = pattern.search(lowered)
        if not m:
            continue
        if kind == "this_month":
            start, end = today.replace(day=1), _month_end(today)
        elif kind == "next_month":
            start = _month_end(today) + timedelta(days=1)
            end = _month_end(start)
        elif kind in ("this_week", "next_week"):
            start = today - timedelta(days=today.weekday()) + timedelta(days=7 if kind == "next_week" else 0)
            end = start + timedelta(days=6)
        else:
            start = end = today + timedelta(days=1 if kind == "tomorrow" else 0)
        rest = (lowered[:m.start()] + " " + lowered[m.end():])
        rest = " ".join(_FILLER.sub(" ", rest).split())
        return DateWindow(start, end, rest)
    return None

