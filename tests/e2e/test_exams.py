"""E2E: an applicant subscribes to an exam round and, as the bot's clock reaches each reminder, receives it.

The bot's clock is HRDBOT_NOW (it runs on in real time from there). The bot is started a few seconds before a
reminder is due, so its scheduler tick (1 s here, HRDBOT_TICK_SECONDS) sends it; for the next reminder the bot is
restarted on the same database and token with the clock moved on — which also shows a restart loses nothing and
resends nothing."""
from __future__ import annotations

from datetime import date

import pytest

from locales import translator
from tests.e2e.conftest import requires

pytestmark = pytest.mark.e2e
ko = translator("ko")
WRITTEN = date(2022, 2, 26)  # 2022년 제1회 공개·경력경쟁 임용시험, 필기시험
REMINDER_WAIT = 30.0


def reminder(days: int) -> str:
    event = ko("Written exam")
    when = ko.date(WRITTEN)
    if days == 0:
        return ko("{event} is today ({date}).", event=event, date=when)
    if days == 1:
        return ko("{event} is tomorrow ({date}).", event=event, date=when)
    return ko("{event} is in {days} days ({date}).", event=event, days=days, date=when)


async def test_subscribe_then_the_three_written_exam_reminders_arrive_on_time(start_bot):
    requires("handlers.exams", "exams")
    requires("notifications.exams.jobs", "exam reminders")
    bot = await start_bot(now="2022-02-19T08:59:50")  # the D-7 reminder is due at 09:00
    applicant = bot.user(1201, "수험생")

    listing = (await applicant.say("/exams"))[0]
    round_button = next(t for t in listing.button_texts if "제1회" in t)
    card = (await applicant.press(round_button, on=listing))[-1]
    assert card.text.startswith("🗓 2022년 제1회")
    subscribed = await applicant.press(ko("🔔 Subscribe"), on=card)
    assert any(ko("🔕 Unsubscribe") in m.button_texts for m in subscribed)
    assert await applicant.popups() and ko("Subscribed: I will remind you before each date.") in await applicant.popups()

    d7 = await applicant.wait_text(reminder(7), timeout=REMINDER_WAIT)
    assert any("2022년 제1회" in m.text for m in d7)
    assert any(ko("Open the exam") in m.button_texts for m in d7)

    bot.stop()
    bot = await start_bot(now="2022-02-25T18:59:56", again=bot)  # the evening before, 19:00
    d1 = await applicant.wait_text(reminder(1), timeout=REMINDER_WAIT)
    assert not any(reminder(7) in m.text for m in d1), "the D-7 reminder is not sent again after a restart"

    bot.stop()
    bot = await start_bot(now="2022-02-26T05:59:56", again=bot)  # the morning itself, 06:00
    await applicant.wait_text(reminder(0), timeout=REMINDER_WAIT)

    screen = [m.text for m in await applicant.screen()]
    for days in (7, 1, 0):
        assert sum(reminder(days) in text for text in screen) == 1, (days, screen)
