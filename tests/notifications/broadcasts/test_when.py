"""Schedule times as staff type them, read in Seoul time (now = Tue 2022-03-01 15:00)."""
from __future__ import annotations

import pytest

from db.clock import parse_moment
from notifications.broadcasts.when import parse_when

NOW = parse_moment("2022-03-01T15:00")


@pytest.mark.parametrize("typed,expected", [
    ("2022-03-02 09:00", "2022-03-02T09:00"), ("2022-03-02T09:00", "2022-03-02T09:00"),
    ("2022.3.2 9:00", "2022-03-02T09:00"), ("2022/03/02", "2022-03-02T09:00"), ("3/2 14:00", "2022-03-02T14:00"),
    ("3월 5일 10시", "2022-03-05T10:00"), ("2월 1일", "2023-02-01T09:00"),
    ("내일 9시", "2022-03-02T09:00"), ("내일 9시 반", "2022-03-02T09:30"), ("모레 오후 2시 30분", "2022-03-03T14:30"),
    ("오늘 18시", "2022-03-01T18:00"), ("내일 오전 9:30", "2022-03-02T09:30"), ("내일 오후 3시에", "2022-03-02T15:00"),
    ("09:00", "2022-03-02T09:00"), ("16:00", "2022-03-01T16:00"), ("내일", "2022-03-02T09:00"),
    ("tomorrow 9:00", "2022-03-02T09:00"), ("today 6pm", "2022-03-01T18:00"),
    ("30분 후", "2022-03-01T15:30"), ("2시간 뒤", "2022-03-01T17:00"), ("in 2 hours", "2022-03-01T17:00"),
    ("3일 후", "2022-03-04T15:00"), ("지금", "2022-03-01T15:00"),
])
def test_times_people_type_are_understood(typed, expected):
    assert parse_when(typed, NOW) == parse_moment(expected)


@pytest.mark.parametrize("typed", ["", "다음주쯤", "내일 9시 뭐", "2022-02-30", "25:00", "13/45", "x" * 100, "내일 99시"])
def test_anything_else_is_not_guessed(typed):
    assert parse_when(typed, NOW) is None
