"""What people type as their interview time."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from db.clock import SEOUL
from notifications.exams.slots import SlotError, parse_slot

PERIOD = (date(2022, 8, 17), date(2022, 9, 7))


@pytest.mark.parametrize("text, when, place", [
    ("8/24 14:00 서울시인재개발원 별관 2층", (8, 24, 14, 0), "서울시인재개발원 별관 2층"),
    ("2022-08-24 오후 2시 30분 본관 3층", (8, 24, 14, 30), "본관 3층"),
    ("8월 24일 14시, 인재개발원", (8, 24, 14, 0), "인재개발원"),
    ("9.1 9:30 면접장 A", (9, 1, 9, 30), "면접장 A"),
    ("Aug room 5 8/30 2pm", (8, 30, 14, 0), "Aug room 5"),
])
def test_slots_people_type_are_understood(text, when, place):
    slot = parse_slot(text, 2022, PERIOD)
    m, d, h, mi = when
    assert slot.starts_at == datetime(2022, m, d, h, mi, tzinfo=SEOUL)
    assert slot.place == place


@pytest.mark.parametrize("text, code", [
    ("내일 오후", "no_date"),
    ("2/30 10:00 본관", "bad_date"),
    ("24/8 14:00 본관", "day_first"),
    ("13/45 14:00 본관", "bad_date"),
    ("8/24 본관", "no_time"),
    ("8/24 03:00 본관", "bad_time"),
    ("8/24 14:00", "no_place"),
    ("10/24 14:00 본관", "outside_period"),
    ("8/24 14:00 " + "가" * 290, "too_long"),
])
def test_bad_slots_are_refused_with_a_reason(text, code):
    with pytest.raises(SlotError) as err:
        parse_slot(text, 2022, PERIOD)
    assert err.value.code == code


def test_a_nul_in_the_place_is_dropped():
    assert parse_slot("8/24 14:00 본\x00관", 2022, PERIOD).place == "본관"
