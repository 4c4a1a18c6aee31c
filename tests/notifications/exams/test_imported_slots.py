"""Interview slots imported by staff (`hrdbot import interview-slots`) are personal data the applicant did not type:
the first message that uses one — the import's own notice, or a reminder if it came first — tells them what is
kept, why, for how long (the retention setting) and points to /mydata and /forget. A slot they typed themselves was
noticed when they typed it, so its reminders carry no such paragraph."""
from __future__ import annotations

from datetime import timedelta

from catalog.retention import Periods
from db.access import Actor
from db.session import session_scope
from notifications.exams.imports import import_slots
from tests.support.chat import press

ROUND = "open-2022-2"  # interview period 2022-08-17 – 2022-09-07


async def _import(db, clock, user_id: int, *, applicant: str = "", keep_days: int = 30) -> None:
    row = {"round_id": ROUND, "telegram_id": str(user_id), "applicant_no": applicant, "date": "2022-08-24",
           "time": "14:00", "place": "서울시인재개발원 별관 3층"}
    async with session_scope(db.sessionmaker) as s:
        result = await import_slots(s, [(2, row)], clock.now(), actor=Actor.operator("staff"), keep_days=keep_days)
    assert result.applied and result.notices == 1, result.errors


def _about_the_slot(sent) -> list:
    return [s for s in sent if "별관 3층" in s.text]


async def test_the_first_message_using_an_imported_slot_carries_the_privacy_notice(bot, db, clock):
    await bot.say("/start")
    await _import(db, clock, bot.user["id"], applicant="20220815")
    [first] = _about_the_slot(await bot.say(":tick"))
    assert "8월 24일" in first.text and "오후 2:00" in first.text
    notice = first.text.split("\n\n", 1)[1]
    assert "시험 담당자가 알려 준 정보" in notice  # what, and that staff gave it
    assert "면접 알림에만" in notice  # why
    assert "면접 30일 뒤에" in notice and "응시번호는 구독을 취소할 때" in notice  # how long
    assert "/mydata" in notice and "/forget" in notice

    clock.set("2022-08-23T18:59")
    sent = _about_the_slot(await bot.say(":advance 1m"))  # the evening before: the reminder quotes the slot
    assert sent and all("시험 담당자가 알려 준 정보" in s.text and "/forget" in s.text for s in sent)


async def test_the_notice_states_the_retention_setting_and_english_speakers_read_it_in_english(bot, db, clock):
    bot.user["language_code"] = "en"
    await bot.say("/start")
    bot.runtime.services.extras["retention"] = Periods(slot_days=7)  # HRDBOT_RETAIN_SLOT_DAYS=7
    await _import(db, clock, bot.user["id"], keep_days=7)
    [first] = _about_the_slot(await bot.say(":tick"))
    assert "The HRD Center's exam staff gave me your interview time and place." in first.text
    assert "delete them 7 days after it" in first.text and "/mydata" in first.text
    clock.set("2022-08-23T18:59")
    [reminder] = _about_the_slot(await bot.say(":advance 1m"))
    assert "delete them 7 days after it" in reminder.text  # the reminder reads the same setting


async def test_a_slot_the_person_typed_has_no_staff_notice_in_its_reminders(bot, db, clock):
    await bot.say(f"/exams {ROUND}")
    await press(bot, f"exs:{ROUND}")
    asked = await press(bot, f"exi:{ROUND}")
    assert "/forget" in " ".join(s.text for s in asked)  # the question itself says what is kept (handlers/exams.py)
    await bot.say("8/24 14:00 서울시인재개발원 별관 3층")
    clock.set("2022-08-23T18:59")
    sent = _about_the_slot(await bot.say(":advance 1m"))
    assert sent and not any("시험 담당자" in s.text for s in sent)


async def test_a_reminder_sent_before_the_imports_notice_still_carries_it(bot, db, clock):
    """Sending order is the dispatcher's (a retried notice can come later): the reminder does not rely on it."""
    await bot.say("/start")
    clock.set("2022-08-23T19:00")  # imported the evening before the interview: a reminder is due at once
    await _import(db, clock, bot.user["id"])
    sent = _about_the_slot(await bot.say(":tick"))
    assert len(sent) >= 1 and all("시험 담당자가 알려 준 정보" in s.text for s in sent)
