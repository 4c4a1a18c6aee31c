"""Situations read from a message, and the courses whose audience fits them coming first."""
from __future__ import annotations

import pytest

from catalog.search.situation import Situation, audience_fit, audience_of, read_situation


@pytest.mark.parametrize(("said", "expected"), [
    ("작년에 5급 됐는데 받아야 하는 교육", Situation(rank=5, stage="promoted")),
    ("이번에 6급으로 승진했어요", Situation(rank=6, stage="promoted")),
    ("내년에 5급 승진 심사 대상인데", Situation(rank=5, stage="preparing")),
    ("서기관 승진 준비 중입니다", Situation(rank=4, stage="preparing")),
    ("I just got promoted to grade 4", Situation(rank=4, stage="promoted")),
    ("7급 주무관인데 리더십 과정", Situation(rank=7)),
    ("정년까지 3년 남았는데", Situation(years_to_retirement=3)),
    ("다음 달에 퇴직하는데", Situation(years_to_retirement=0)),
    ("I'm retiring in two years", Situation(years_to_retirement=2)),
    ("이제 막 임용된 신입인데", Situation(new_hire=True)),
    ("엑셀 함수 배우고 싶어요", Situation()),
    ("승진하고 나서 팀장 보직 받았어요", Situation(stage="promoted", position="팀장")),
    ("training for new team leaders", Situation(new_hire=False, position="팀장")),
])
def test_the_situation_is_read_from_the_message(said, expected):
    assert read_situation(said) == expected


PROMOTED_5 = audience_of({"ranks": ["5급"], "note": "5급 승진자"}, "leadership")
PREPARING_5 = audience_of({"ranks": ["6급"], "note": "5급 승진대상자"}, "assessment")
WITHIN_10 = audience_of({"retirement_within_years": 10}, "retirement")
RETIRING = audience_of({"note": "퇴직 예정 공무원"}, "retirement")


def test_before_and_after_a_promotion_are_different_courses():
    promoted, preparing = read_situation("5급 승진했어요"), read_situation("5급 승진 준비")
    assert audience_fit(promoted, PROMOTED_5) > 0 > audience_fit(promoted, PREPARING_5)
    assert audience_fit(preparing, PREPARING_5) > 0 > audience_fit(preparing, PROMOTED_5)
    assert audience_fit(read_situation("4급 승진했어요"), PROMOTED_5) < 0   # another grade


def test_years_to_retirement_order_the_retirement_courses():
    eight, soon = read_situation("퇴직이 8년 남았어요"), read_situation("다음 달에 퇴직해요")
    assert audience_fit(eight, WITHIN_10) > audience_fit(eight, RETIRING)
    assert audience_fit(soon, RETIRING) > audience_fit(soon, WITHIN_10)
    assert audience_fit(read_situation("퇴직 15년 남았어요"), WITHIN_10) < 0


def test_situations_reorder_the_real_catalog(chat_index):
    def ids(said: str) -> list[str]:
        return [h.course_id for h in chat_index.search(said)]

    assert ids("이번에 5급으로 승진했어요 무슨 교육 받아야 하나요")[0] == "lead-promoted-5"
    assert ids("5급 승진 앞두고 역량평가 준비")[0] == "assess-prep-5"
    assert ids("퇴직이 7년 남았는데 준비할 교육")[0] in {"retire-second-life", "el-second-life"}


def test_a_grade_without_a_promotion_is_no_promotion_stage():
    assert read_situation("중국어 HSK 5급 준비하려고요") == Situation(rank=5)


def test_a_profile_fills_what_the_message_does_not_say():
    from datetime import date

    from catalog.search.situation import situation_of_profile

    today = date(2022, 3, 1)
    six = situation_of_profile("6급", date(2010, 1, 3), date(2030, 6, 30), today)
    assert six == Situation(rank=6, years_to_retirement=8)
    assert situation_of_profile("공무직", date(2021, 9, 1), None, today) == Situation(new_hire=True)
    assert read_situation("승진 준비 중이에요").filled_from(six) == Situation(rank=5, stage="preparing",
                                                                       years_to_retirement=8)
    assert read_situation("4급 승진했어요").filled_from(six).rank == 4      # the message wins
    lead = situation_of_profile("6급", None, None, today, position="팀장")
    assert read_situation("리더십 교육").filled_from(lead).position == "팀장"
    assert situation_of_profile("6급", None, None, today, position="기타").position is None


def test_a_profile_orders_the_real_catalog(chat_index):
    from catalog.search.situation import Situation

    def ids(said: str, profile: Situation) -> list[str]:
        return [h.course_id for h in chat_index.answer(said, profile=profile).hits]

    assert ids("승진 준비", Situation(rank=6))[0] == "assess-prep-5"       # a 6급 preparing: the 5급 assessment
    assert ids("승진 준비", Situation(rank=5))[0] == "assess-prep-4"
    assert ids("퇴직 준비 교육", Situation(years_to_retirement=8))[0] in {"retire-second-life", "el-second-life"}
