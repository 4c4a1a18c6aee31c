"""What a user gets for each kind of query, on a small fixed catalog."""
from __future__ import annotations

import pytest

from catalog.search import SearchHit, SearchIndex


@pytest.mark.parametrize("query, best", [
    ("업무에 바로 쓰는 엑셀", "it-excel"),        # exact title
    ("엑셀", "it-excel"),                        # partial title, two syllables
    ("블록코딩", "it-block"),                    # a word of a longer title
    ("인생이모작준비", "retire-second"),          # spacing removed
    ("인생 이모작", "retire-second"),            # spacing added
    ("e-정비 사업", "redev-1"),                  # hyphen and space in odd places
    ("태굯어", "lang-th"),                       # one wrong jamo
    ("파워포인", "it-ppt"),                      # one missing syllable
    ("엑샐", "it-excel"),                        # a wrong vowel
    ("ㅂㄹㅋㄷ", "it-block"),                    # 초성
    ("ㅌㄱㅇ", "lang-th"),
    ("xornrdj", "lang-th"),                      # 태국어 typed with the English layout
    ("dprtpf", "it-excel"),
    ("french", "lang-fr"),                       # English keywords
    ("Thai", "lang-th"),
    ("leadership", "lead-team"),
    ("태국어를 배우고 싶어요", "lang-th"),         # particles and endings
    ("재취업 교육 있나요", "retire-second"),
    ("엑셀 강의 추천해줘", "it-excel"),
    ("ppt", "it-ppt"),                           # synonyms
    ("불어", "lang-fr"),
    ("AI", "it-block"),
])
def test_best_answer(find, query, best):
    assert find(query)[:1] == [best]


def test_retirement_synonyms_find_both_retirement_courses(find):
    assert set(find("노후 준비")[:2]) == {"retire-second", "retire-future"}


@pytest.mark.parametrize("nonsense", ["zzqqxx", "asdf", "맛집 추천", "날씨", "ㅋㅋㅋ", "ㅎㅎ", "1234", "독일어",
                                      "결혼 준비", "hello world", ""])
def test_nonsense_returns_nothing(find, nonsense):
    assert find(nonsense) == []


def test_hits_carry_id_korean_title_and_a_score(index: SearchIndex):
    [hit, *_] = index.search("엑셀")
    assert isinstance(hit, SearchHit)
    assert (hit.course_id, hit.title) == ("it-excel", "업무에 바로 쓰는 엑셀")
    assert 0 < hit.score <= 100


def test_exact_title_outscores_a_typo(index: SearchIndex):
    assert index.search("태국어")[0].score > index.search("태굯어")[0].score


def test_results_are_best_first_and_limited(index: SearchIndex):
    hits = index.search("외국어", limit=1)
    assert len(hits) == 1
    scores = [h.score for h in index.search("리더십 엑셀")]
    assert scores == sorted(scores, reverse=True)


def test_month_filter_uses_cohort_months(find):
    assert find("3월 인생이모작") == []
    assert find("4월 인생이모작") == ["retire-second"]


def test_delivery_filter(find):
    assert find("비대면 엑셀") == []
    assert find("대면 엑셀") == ["it-excel"]
    assert find("온라인 파워포인트") == ["it-ppt"]


def test_open_seats_filter(find):
    assert find("빈자리 있는 파워포인트") == []
    assert find("빈자리 있는 엑셀") == ["it-excel"]


def test_category_filter_narrows_to_the_category(find):
    assert set(find("외국어")) == {"lang-th", "lang-fr"}
    assert find("IT 엑셀") == ["it-excel"]


def test_filters_alone_list_matching_courses(find):
    assert set(find("e-러닝")) == {"lang-th", "lang-fr", "redev-1"}
    assert find("2월 대면 교육") == ["lead-team"]


def test_empty_catalog_finds_nothing():
    assert SearchIndex.build([]).search("엑셀") == []


def test_loose_jamo_and_mixed_qwerty_are_read_as_korean(find):
    assert find("ㅇㅔㄱㅅㅔㄹ")[:1] == ["it-excel"]        # jamo typed one by one
    assert find("dprtpf 교육")[:1] == ["it-excel"]          # English layout for one word only


def test_a_paragraph_is_searched_by_its_first_words_quickly(index: SearchIndex):
    import time

    t0 = time.perf_counter()
    hits = index.search("엑셀 " * 1000 + "가" * 3000)
    assert time.perf_counter() - t0 < 1.0
    assert hits and hits[0].course_id == "it-excel"


def test_a_category_with_words_that_name_no_course_lists_the_category(find):
    assert set(find("외국어 과정 목록")) == {"lang-th", "lang-fr"}
    assert set(find("leadership courses with open seats")) == {"lead-team"}
