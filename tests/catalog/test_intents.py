"""Labelled messages → what they ask for (catalog/intents.py). Course names must stay searches (None)."""
from __future__ import annotations

from datetime import date

import pytest

from catalog.intents import Intent, date_window, detect

LABELLED = [
    # greetings and thanks
    ("안녕하세요", "greeting"), ("안녕", "greeting"), ("안녕하세요!", "greeting"), ("hello", "greeting"),
    ("Hi", "greeting"), ("반갑습니다", "greeting"),
    ("감사합니다", "thanks"), ("고마워요", "thanks"), ("정말 감사합니다!", "thanks"), ("thank you", "thanks"),
    ("thanks", "thanks"), ("수고하세요", "thanks"),
    # contact questions
    ("연락처", "contact"), ("연락처 알려주세요", "contact"), ("전화번호", "contact"), ("전화번호가 뭐예요?", "contact"),
    ("주소", "contact"), ("인재개발원 주소", "contact"), ("홈페이지 주소 알려줘", "contact"), ("어디에 문의해요?", "contact"),
    ("담당자 연락처", "contact"), ("contact", "contact"), ("phone number", "contact"),
    # exam questions
    ("9급 시험", "exam"), ("면접 일정", "exam"), ("필기시험 언제예요?", "exam"), ("공무원 시험", "exam"),
    ("합격자 발표", "exam"), ("경력채용", "exam"), ("공채 일정", "exam"), ("exam dates", "exam"),
    # suggestions
    ("추천해 주세요", "recommend"), ("추천", "recommend"), ("들을만한 교육", "recommend"), ("recommend a course", "recommend"),
    ("인기 과정", "popular"), ("인기", "popular"), ("많이 듣는 교육", "popular"), ("popular courses", "popular"),
    # course searches are not intents
    ("엑셀", None), ("외국어", None), ("리더십", None), ("역량평가", None), ("4급 역량평가 이해과정", None),
    ("면접관 교육", None), ("태국어를 배우고 싶어요", None), ("퇴직 준비", None), ("ㅂㄹㅋㄷ", None), ("xornrdj", None),
    ("french", None), ("자격증", None), ("인생이모작", None), ("김민수", None), ("교육기획과", None),
    ("2032.6.30", None), ("8/24 14:00 본관", None), ("", None), ("😀😀", None),
]


@pytest.mark.parametrize("text,kind", LABELLED)
def test_labelled_messages(text, kind):
    found = detect(text)
    assert (found.kind if found else None) == kind


def test_labelled_set_accuracy_is_total():
    wrong = [(t, k) for t, k in LABELLED if ((detect(t) or Intent("none")).kind if k else detect(t)) != (k or None)]
    assert wrong == []


@pytest.mark.parametrize("text,kind,event", [
    ("9급 시험", "open", None), ("면접 일정", None, "interview"), ("필기시험 언제예요?", None, "written"),
    ("합격자 발표 언제", None, "result"), ("경력채용 면접", "career", "interview"), ("공무원 시험", "open", None),
])
def test_exam_questions_name_the_round_kind_and_event(text, kind, event):
    found = detect(text)
    assert found == Intent("exam", exam_kind=kind, event=event)


TODAY = date(2022, 2, 14)  # a Monday


@pytest.mark.parametrize("text,start,end,rest", [
    ("이번 달 교육", date(2022, 2, 1), date(2022, 2, 28), ""),
    ("다음 달", date(2022, 3, 1), date(2022, 3, 31), ""),
    ("다음달 엑셀 과정", date(2022, 3, 1), date(2022, 3, 31), "엑셀"),
    ("이번 주", date(2022, 2, 14), date(2022, 2, 20), ""),
    ("다음 주 교육 있나요?", date(2022, 2, 21), date(2022, 2, 27), ""),
    ("내일", date(2022, 2, 15), date(2022, 2, 15), ""),
    ("next month", date(2022, 3, 1), date(2022, 3, 31), ""),
    ("english courses next month", date(2022, 3, 1), date(2022, 3, 31), "english"),
])
def test_relative_dates_read_the_clock(text, start, end, rest):
    window = date_window(text, TODAY)
    assert (window.start, window.end, window.rest) == (start, end, rest)


def test_december_next_month_is_january_of_the_next_year():
    window = date_window("다음 달", date(2022, 12, 5))
    assert (window.start, window.end) == (date(2023, 1, 1), date(2023, 1, 31))


@pytest.mark.parametrize("text", ["엑셀", "3월 리더십", "내일배움카드", "월요일"])
def test_no_relative_date_in_plain_queries(text):
    assert date_window(text, TODAY) is None
