"""Every refusal reads as a clear, polite sentence in Korean and in English, with the facts that explain it."""
from __future__ import annotations

from datetime import date

import pytest

from catalog.eligibility import CODES, Refusal, check
from catalog.profiles import ProfileView
from handlers.enrollment.refusals import position_label, rank_label, refusal_text
from locales import translator

KO, EN = translator("ko"), translator("en")
ME = ProfileView(1, "김서울", "교육기획과", "7급", position="팀장", hired_on=date(2015, 3, 2),
                 retirement_on=date(2037, 6, 30))
START = date(2022, 5, 9)


def test_rank_refusal_names_the_required_and_the_persons_rank():
    refusal = check({"ranks": ["4급", "5급"]}, ME, START)
    assert refusal_text(refusal, KO) == ("이 과정은 4급, 5급 대상입니다. 프로필의 직급은 7급입니다. "
                                         "직급이 바뀌셨다면 /profile 에서 고쳐 주세요.")
    assert refusal_text(refusal, EN).startswith("This course is for Grade 4, Grade 5 only; your profile says Grade 7.")


def test_position_refusal_including_no_position():
    assert refusal_text(check({"positions": ["과장"]}, ME, START), KO) == (
        "이 과정은 과장 대상입니다. 프로필의 직위는 ‘팀장’입니다. 직위가 바뀌셨다면 /profile 에서 고쳐 주세요.")
    assert refusal_text(check({"positions": ["과장"]}, ME, START), EN).startswith(
        "This course is for Division head (과장) only; your profile says Team leader (팀장).")
    text = refusal_text(check({"positions": ["팀장"]}, ME.with_changes(position=""), START), KO)  # "": neither
    assert "팀장 대상" in text and "프로필의 직위는 ‘해당 없음’입니다" in text
    assert position_label(None, EN) == "none (neither 과장 nor 팀장)"
    assert rank_label("공무직", EN) == "Public service worker (공무직)" and rank_label("공무직", KO) == "공무직"


def test_new_hire_refusals():
    old = refusal_text(check({"hired_within_months": 24}, ME, START), KO)
    assert "24개월 이내" in old and "2020년 5월 9일" in old and "2015년 3월 2일" in old
    missing = refusal_text(check({"hired_within_months": 24}, ME.with_changes(hired_on=None), START), EN)
    assert missing == "To check who may take this course I also need: Hire date."


def test_retirement_refusals_say_how_far_and_from_when():
    far = refusal_text(check({"retirement_within_years": 10}, ME, START), KO)
    assert "퇴직까지 10년 이내" in far and "2037년 6월 30일" in far and "이 회차 시작일부터 약 15년 뒤입니다" in far
    assert "시작된 뒤" not in far  # the cohort has not begun: no wording that says it has
    assert "2027년 6월 30일 (수) 이후에 시작하는 회차부터" in far
    en = refusal_text(check({"retirement_within_years": 10}, ME, START), EN)
    assert "within 10 years of retirement" in en and "about 15 years" in en and "Wed, Jun 30, 2027" in en
    retired = refusal_text(check({"retirement_within_years": 10}, ME.with_changes(retirement_on=date(2022, 2, 28)),
                                 START), KO)
    assert retired == ("퇴직 예정일이 이 회차 시작일보다 빨라 이 회차는 신청할 수 없습니다. "
                       "퇴직 예정일: 2022년 2월 28일 (월), 회차 시작일: 2022년 5월 9일 (월).")  # no "(…(월))"
    not_yet = refusal_text(check({"hired_within_months": 24}, ME.with_changes(hired_on=date(2022, 6, 1)), START), KO)
    assert "임용일: 2022년 6월 1일 (수), 회차 시작일: 2022년 5월 9일 (월)." in not_yet
    missing = refusal_text(check({"retirement_within_years": 10}, ME.with_changes(retirement_on=None), START), KO)
    assert missing == "이 과정의 신청 자격을 확인하려면 다음 정보도 필요합니다: 퇴직 예정일."


@pytest.mark.parametrize("code", [*CODES, "closed", "started", "same_course", "overlap", "not_found", "unknown"])
@pytest.mark.parametrize("tr", [KO, EN], ids=["ko", "en"])
def test_every_code_has_a_sentence_even_without_params(code, tr):
    text = refusal_text(Refusal(code, {}), tr)
    assert text and "{" not in text and "None" not in text
    if tr is KO:
        assert any("가" <= ch <= "힣" for ch in text)
