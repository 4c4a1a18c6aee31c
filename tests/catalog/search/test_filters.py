"""Filters said in free text: category, delivery, month, open seats — and applied to courses."""
from __future__ import annotations

from catalog.search import CourseDoc, Filters, parse_query


def test_month_delivery_seats_and_category_come_out_of_the_text():
    query, f = parse_query("3월 비대면 리더십 빈자리")
    assert query == "리더십"                 # alone, the category word stays a search word too
    assert f.months == {3}
    assert "online" in f.deliveries and "face_to_face" not in f.deliveries
    assert f.seats_open
    assert f.categories == {"leadership"}


def test_english_month_and_delivery():
    query, f = parse_query("march leadership online")
    assert query == "leadership" and f.months == {3} and "online" in f.deliveries


def test_elearning_words_are_a_delivery_not_a_search_word():
    for text in ("e-러닝 외국어", "이러닝 외국어", "E러닝 외국어"):
        query, f = parse_query(text)
        assert query == "외국어" and f.deliveries == {"elearning"}, text


def test_face_to_face_is_not_taken_from_non_face_to_face():
    assert "face_to_face" not in parse_query("비대면 교육")[1].deliveries
    assert "face_to_face" in parse_query("대면 교육")[1].deliveries


def test_plain_query_has_no_filters():
    query, f = parse_query("업무에 바로 쓰는 엑셀")
    assert query == "업무에 바로 쓰는 엑셀" and not f


def test_course_numbers_are_not_months():
    query, f = parse_query("6급 미래인재")
    assert not f.months and query == "6급 미래인재"


def doc(**kw) -> CourseDoc:
    base = dict(id="x", title="x", category="일반교육/직무역량/IT", delivery="blended", months=frozenset({3, 4}),
                topic="it", seats_open=True)
    return CourseDoc(**{**base, **kw})


def test_filters_accept_by_course_fields():
    assert Filters(months=frozenset({3})).accepts(doc())
    assert not Filters(months=frozenset({9})).accepts(doc())
    assert not Filters(deliveries=frozenset({"elearning"})).accepts(doc())
    assert not Filters(seats_open=True).accepts(doc(seats_open=False))
    assert Filters(categories=frozenset({"it"})).accepts(doc())
    assert not Filters(categories=frozenset({"language"})).accepts(doc())
    assert Filters(categories=frozenset({"language"})).accepts(doc(category="e-러닝/개인학습/외국어", topic="language"))


def test_a_category_word_next_to_other_words_only_narrows():
    query, f = parse_query("IT 보고서")
    assert query == "보고서" and f.categories == {"it"}
    query, f = parse_query("리더십 교육")
    assert query == "리더십 교육" and f.categories == {"leadership"}


def test_halves_and_quarters_are_months():
    assert parse_query("상반기 리더십")[1].months == {1, 2, 3, 4, 5, 6}
    assert parse_query("3분기 엑셀")[1].months == {7, 8, 9}
    assert parse_query("하반기")[1].months == {7, 8, 9, 10, 11, 12}
