"""Text typed without spaces, split over the catalog's own vocabulary."""
from __future__ import annotations


def test_a_sentence_typed_without_spaces_is_split_into_known_words(chat_index):
    assert chat_index.split("리더십교육받고싶어요")[:2] == ["리더십", "교육"]
    assert chat_index.split("청렴교육어디서들어요")[0] in {"청렴", "청렴교육"}


def test_known_words_typos_and_unknown_compounds_stay_whole(chat_index):
    assert chat_index.split("인공지능") == ["인공지능"]          # a known word
    assert chat_index.split("주택관리서") == ["주택관리서"]      # a typo of 주택관리사, not 주택 + 관리 + 서
    assert chat_index.split("토목기사") == ["토목기사"]          # nouns only: a compound, not a sentence
    assert chat_index.split("정보처리기사") == ["정보처리기사"]  # a known word and an unknown rest


def test_unspaced_requests_find_their_course(chat_index):
    def first(said: str) -> str:
        return chat_index.search(said)[0].course_id

    assert first("일본어공부할수있는강좌") == "el-lang-ja"
    assert first("메타버스교육언제해요") == "it-metaverse-office"
