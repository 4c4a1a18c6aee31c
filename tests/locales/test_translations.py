"""Every string a user can see is translated: Korean first, English too, with the same placeholders."""
from datetime import date

from locales import translator
from locales.check import problems, used_msgids


def test_every_msgid_is_in_ko_and_en_with_matching_placeholders():
    assert used_msgids(), "extraction found no strings: the check itself is broken"
    assert problems() == []


def test_korean_dates_read_like_the_report():
    assert translator("ko").date(date(2022, 2, 26)) == "2022년 2월 26일 (토)"
    assert translator("en").date(date(2022, 2, 26)) == "Sat, Feb 26, 2022"


def test_quarter_level_dates_say_they_are_not_exact():
    ko = translator("ko").period(date(2022, 4, 1), date(2022, 6, 30), "quarter")
    en = translator("en").period(date(2022, 4, 1), date(2022, 6, 30), "quarter")
    assert ko == "2022년 2분기 (세부 일정 미정)"
    assert en == "Q2 2022 (exact dates to be announced)"


def test_a_date_range_names_both_days():
    assert translator("ko").period(date(2022, 5, 9), date(2022, 5, 13)) == "2022년 5월 9일 (월) – 2022년 5월 13일 (금)"


def test_unknown_language_falls_back_to_korean():
    assert translator("fr").lang == "ko"
    assert translator("en-US").lang == "en"


def test_korean_times_say_morning_or_afternoon_in_korean():
    from datetime import datetime

    from db.clock import SEOUL

    assert translator("ko").time(datetime(2022, 2, 26, 9, 20, tzinfo=SEOUL)) == "오전 9:20"
    assert translator("ko").time(datetime(2022, 2, 25, 19, 0, tzinfo=SEOUL)) == "오후 7:00"
    assert translator("en").time(datetime(2022, 2, 25, 19, 0, tzinfo=SEOUL)) == "7:00 PM"
