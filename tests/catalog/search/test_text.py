"""Normalisation, jamo, 초성, the 두벌식 keyboard and particles: the building blocks of what a user may type."""
from __future__ import annotations

import pytest

from catalog.search.hangul import initials, is_initials, keys
from catalog.search.keyboard import compose, hangul_to_qwerty, qwerty_to_hangul
from catalog.search.normalize import compact, normalize, script_parts
from catalog.search.particles import content_words, strip_endings, strip_particle


@pytest.mark.parametrize("typed, expected", [
    ("E-정비 사업!", "e정비 사업"),
    ("ＥＸＣＥＬ", "excel"),
    ("재취업·창업", "재취업 창업"),
    ("  인생이모작   준비 ", "인생이모작 준비"),
    ("\u1110\u1162\u1100\u116e\u11a8\u110b\u1165", "태국어"),   # decomposed jamo (NFD) become syllables
    ("ㅂㄹㅋㄷ", "ㅂㄹㅋㄷ"),                                      # compatibility jamo stay as typed
])
def test_normalize_gives_one_form_whatever_was_typed(typed, expected):
    assert normalize(typed) == expected


def test_compact_makes_spacing_irrelevant():
    assert compact("인생이모작 준비") == compact("인생이모작준비") == "인생이모작준비"
    assert compact("e-정비 사업") == compact("e정비사업")


def test_script_parts_split_latin_from_hangul():
    assert script_parts("r통계분석") == ["r", "통계분석"]
    assert script_parts("6급") == ["6급"]


def test_keys_split_syllables_into_typed_jamo():
    assert keys("태국어") == "ㅌㅐㄱㅜㄱㅇㅓ"
    assert keys("왜 값") == "ㅇㅗㅐ ㄱㅏㅂㅅ"      # compound vowel and final split into two keys
    assert keys("excel") == "excel"


def test_a_typo_costs_one_jamo_not_a_syllable():
    from rapidfuzz.distance import Indel

    assert Indel.distance(keys("태굯어"), keys("태국어")) == 1
    assert Indel.distance(keys("엑샐"), keys("엑셀")) == 2


def test_initials():
    assert initials("블록코딩") == "ㅂㄹㅋㄷ"
    assert initials("e-정비") == "ㅈㅂ"
    assert is_initials("ㅂㄹㅋㄷ") and not is_initials("블록") and not is_initials("")


@pytest.mark.parametrize("typed, hangul", [
    ("xornrdj", "태국어"), ("dprtpf", "엑셀"), ("qmffhrzheld", "블록코딩"), ("dlstoddlahwkr", "인생이모작"),
    ("dhks", "완"), ("rkqt", "값"), ("Rka", "깜"), ("vkdnjvhdlsxm", "파워포인트"),
])
def test_korean_typed_on_qwerty_reads_back(typed, hangul):
    assert qwerty_to_hangul(typed) == hangul
    assert qwerty_to_hangul(hangul_to_qwerty(hangul)) == hangul


@pytest.mark.parametrize("english", ["asdf", "zzqqxx", "french", "excel", "leadership", "qwerty"])
def test_english_words_are_not_read_as_korean(english):
    assert qwerty_to_hangul(english) is None


def test_compose_counts_stray_jamo():
    assert compose("ㅁㄴㅇㄹ") == ("ㅁㄴㅇㄹ", 4)
    assert compose("ㅌㅐㄱㅜㄱㅇㅓ") == ("태국어", 0)


@pytest.mark.parametrize("word, stem", [
    ("태국어를", "태국어"), ("엑셀은", "엑셀"), ("리더십에", "리더십"), ("파워포인트로", "파워포인트"),
    ("인재양성과", "인재양성"), ("영어", "영어"), ("한자", "한자"),   # two syllables always remain
])
def test_strip_particle(word, stem):
    assert strip_particle(word) == stem


def test_strip_endings_removes_glued_request_words():
    assert strip_endings("재취업교육있나요") == "재취업"
    assert strip_endings("엑셀강의") == "엑셀"


@pytest.mark.parametrize("said, words", [
    ("태국어를 배우고 싶어요", ["태국어"]),
    ("재취업 교육 있나요", ["재취업"]),
    ("엑셀 강의 추천해줘", ["엑셀"]),
    ("중국어 수업 있어?", ["중국어"]),
    ("I want to learn french", ["french"]),
    ("맛집 추천", ["맛집"]),
])
def test_content_words_keep_what_is_asked_for(said, words):
    assert content_words(normalize(said).split()) == words


def test_request_verbs_in_any_form_are_not_search_words():
    from catalog.search.particles import is_function_word

    for word in ("신청해요", "신청할까요", "수강하려면", "배울까요", "추천해주세요", "듣고싶은데", "받을수있나요"):
        assert is_function_word(word), word
    for word in ("신청서", "공부방", "추천서", "찾아가는", "받침"):
        assert not is_function_word(word), word
