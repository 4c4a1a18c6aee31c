"""E2E: an employee requests a seat in a staff-approved course (profile with consent on the way), sees it under /my,
a staff member approves it from /pending, and the employee is told — all through `hrdbot run` and the emulator.
A second employee who blocked the bot in the meantime is skipped: the bot's one attempt gets Telegram's 403 and
nothing else is sent to them."""
from __future__ import annotations

import asyncio

import pytest

from locales import translator
from tests.e2e.conftest import requires

pytestmark = pytest.mark.e2e
ko = translator("ko")
STAFF = 9001
COURSE_QUERY = "실무리더십"  # 실무리더십 과정 (7급 이하): staff approval, for grades 7–9


async def fill_profile(user, name: str, rank: str = "7급") -> list:
    """Consent, then the questions this course needs (name, department typed; rank pressed; the employee number
    skipped), then Save on the review."""
    await user.press(ko("✅ I agree"))
    asked = await user.say(name)
    assert any(ko("Which department (부서) do you work in? For example: 인재개발원 교육기획과") in m.text for m in asked)
    ranks = await user.say("인재개발원 교육기획과")
    assert any(rank in m.button_texts for m in ranks)
    await user.press(rank)  # no position, hire or retirement date: this course does not read them
    review = await user.press(ko("Skip"))  # employee number
    assert any(ko("Please check your answers:") in m.text for m in review)
    return await user.press(ko("✅ Save and continue"))  # saved, and the request continues


async def request_seat(user, name: str) -> None:
    listing = (await user.say(COURSE_QUERY))[0]
    card = (await user.press("실무리더십", on=listing))[-1]
    assert card.text.startswith("📘 실무리더십")
    apply_buttons = [t for t in card.button_texts if t.endswith(ko("Apply {cohort}", cohort=ko("#{number}", number=1))[1:])]
    assert apply_buttons, card.button_texts
    terms_first = (await user.press(apply_buttons[-1], on=card))[-1]  # the terms and seats before any consent
    assert ko("To send a request I need your consent and a short profile. Nothing is stored until you agree.") \
        in terms_first.text
    consent = await user.press(ko("➡ Continue: consent and profile"), on=terms_first)
    assert any(ko("🔒 Consent to collect and use personal information") in m.text for m in consent)
    after = await fill_profile(user, name)
    texts = "\n".join(m.text for m in after)
    assert ko("Thank you! Your profile is saved. You can see or change it any time with /profile.") in texts
    terms = after[-1]
    assert ko("📨 Send the request") in terms.button_texts, terms  # staff approve: not "confirmed"
    sent = await user.press(ko("📨 Send the request"), on=terms)
    assert sent[-1].text.startswith("📨"), sent[-1].text


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_request_my_staff_approval_and_a_blocked_employee_is_skipped(start_bot, backend):
    requires("handlers.enrollment", "enrollment")
    bot = await start_bot(now="2022-02-14T10:00", admins=[STAFF], backend=backend)
    minji, jun, staff = bot.user(1101, "민지"), bot.user(1102, "준"), bot.user(STAFF, "담당자")

    await request_seat(minji, "김민지")
    mine = await minji.say("/my")
    my_text = "\n".join(m.text for m in mine)
    assert "실무리더십" in my_text and ko("⏳ awaiting staff approval (seat held)") in my_text, my_text

    await request_seat(jun, "이준")
    await jun.block_bot()  # Jun blocks the bot before staff decide

    overview = (await staff.say("/pending"))[0]
    assert overview.text.startswith(ko("📥 Requests waiting for approval:"))
    queue = (await staff.press("실무리더십", on=overview))[-1]
    assert "김민지" in queue.text and "이준" in queue.text
    await staff.press(ko("✅ Approve all ({count})", count=2), on=queue)

    told = await minji.wait(lambda ms: any("✅" in m.text and "실무리더십" in m.text for m in ms))
    assert any("✅" in m.text for m in told)
    confirmed = "\n".join(m.text for m in await minji.say("/my"))
    assert "실무리더십" in confirmed and ko("✅ confirmed") in confirmed, confirmed

    # Jun's notice met Telegram's 403 once; nothing reached his chat after he blocked the bot.
    for _ in range(100):
        refused = await bot.emu.post("/getRefused", {})
        if refused:
            break
        await asyncio.sleep(0.1)
    assert [r["chatId"] for r in refused] == [jun.id]
    assert not await jun.new_messages()


async def test_non_staff_cannot_open_the_queue(start_bot):
    requires("handlers.enrollment", "enrollment")
    bot = await start_bot(admins=[STAFF])
    user = bot.user(1103)
    reply = await user.say("/pending")
    assert reply[0].text == ko("This action is for HRD Center staff only.")
    await user.press_data(reply[0], "sta:1")
    assert await user.wait_popup() in (ko("This action is for HRD Center staff only."),
                                       ko("This button is no longer valid. Please search again or send /start."))
