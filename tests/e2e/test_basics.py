"""E2E: a new user meets the bot (`hrdbot run` polling the npm Bot API emulator), chooses a language, searches in
Korean and opens a course card. Expected texts come from the bot's own catalogs, so the test follows wording
changes but still asserts what the user sees."""
from __future__ import annotations

import pytest

from locales import translator

pytestmark = pytest.mark.e2e
ko, en = translator("ko"), translator("en")


async def test_start_offers_a_language_and_english_switches_the_whole_conversation(start_bot):
    bot = await start_bot()
    minji = bot.user(1001, "민지")

    greeting = await minji.say("/start")
    texts = "\n".join(m.text for m in greeting)
    assert ko("Hello {name}! I am the assistant of the Seoul Metropolitan Government HRD Center (서울시 인재개발원).",
              name="민지") in texts
    assert len(greeting) == 1 and len(greeting[0].text.splitlines()) == 3, "three lines and a menu, once"
    chooser = greeting[-1]
    assert chooser.button_texts[-2:] == ["한국어", "English"]
    assert ko("⭐ Recommended") in chooser.button_texts

    switched = await minji.press("English", on=chooser)
    assert any(m.message_id == chooser.message_id and m.text == en("Language set to English.") for m in switched), \
        "the language message is edited in place"
    assert any("/help" in m.text or "/search" in m.text for m in switched)
    assert not any(m.buttons for m in switched if m.message_id == chooser.message_id), "the chooser's buttons go away"

    again = await minji.say("/start")
    assert again[0].text.startswith("Hello 민지!")
    assert not any(m.button_texts == ["한국어", "English"] for m in again), "the language is not asked twice"


async def test_korean_search_then_course_card_with_apply_buttons(start_bot):
    bot = await start_bot(now="2022-02-14T10:00")
    user = bot.user(1002, "Jisoo")

    results = await user.say("엑셀")
    assert len(results) == 1
    listing = results[0]
    assert listing.text.startswith(translator("ko").ngettext(
        "One course matches “{query}”:", "{n} courses match “{query}”: choose one to see its details.", 2,
        query="엑셀"))
    assert "1. 업무에 바로 쓰는 엑셀 — " in listing.text  # each result line says its next cohort and its state
    assert listing.buttons and all(t[0].isdigit() for t in listing.button_texts), "numbered course buttons"
    first = listing.button_texts[0]
    assert "엑셀" in first

    card = (await user.press(first, on=listing))[-1]
    assert card.text.startswith("📘 ") and "엑셀" in card.text.splitlines()[0]
    assert ko("Cohorts:") in card.text
    assert ko("Apply {cohort}", cohort=ko("#{number}", number=1)) in card.button_texts
    assert all(len(d.encode()) <= 64 for d in card.callback_data)

    nothing = await user.say("qqqzzzxxx")
    assert nothing[0].text == ko("No course matches “{query}”. Try a shorter keyword (엑셀, 외국어, 리더십) or /help.",
                                 query="qqqzzzxxx")
    assert not nothing[0].buttons


async def test_unknown_command_and_a_stale_button_get_polite_answers(start_bot):
    bot = await start_bot()
    user = bot.user(1003)
    reply = await user.say("/frobnicate")
    assert reply[0].text == ko("I don't know that command. /help lists what I can do.")

    listing = (await user.say("엑셀"))[0]
    await user.press_data(listing, "crs:no-such-course")
    assert await user.wait_popup() == ko("This button is no longer valid. Please search again or send /start.")
