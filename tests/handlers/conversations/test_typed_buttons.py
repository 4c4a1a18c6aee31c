"""The buttons that were hand-built strings (/my, cancel, move, terms, confirm, profile, /forget, language, course
news, course-start reminders) are declared typed actions now: a forged or stale press gets the polite answer and
changes nothing; a real press of the same button works."""
from __future__ import annotations

from sqlalchemy import func, select

from db.models import Enrollment, Profile, TopicSubscription, User
from tests.handlers.enrollment.factory import NOW, add_course, add_people
from tests.support.chat import press, press_forged, texts

ME, OTHER = 1001, 1002
STALE = "더 이상 유효하지 않은 버튼입니다"


async def _counts(db) -> tuple:
    async with db.sessionmaker() as s:
        enrollments = dict((await s.execute(select(Enrollment.user_id, Enrollment.status))).all())
        profiles = await s.scalar(select(func.count()).select_from(Profile))
        topics = await s.scalar(select(func.count()).select_from(TopicSubscription))
        languages = dict((await s.execute(select(User.id, User.language))).all())
    return enrollments, profiles, topics, languages


FORGED = [
    "my:x", "my:e:1", "enr:abc", "enr:0", "enc:-1", "enc:", "enx:1:2", "eny:x", "mvl:", "mvt:1", "mvw:1:x",
    "lang:fr", "lang:", "nws:no-such-topic", "nwo:", "cso:maybe", "prf:maybe", "prf.rank:99", "prf.pos:-1",
    "prf.edit:7", "prf.skip:1", "fgt:now", "fgt",
]


async def test_forged_typed_buttons_get_the_polite_answer_and_change_nothing(bot, db):
    await add_people(db, [ME])
    before = await _counts(db)
    for data in FORGED:
        sent = await press_forged(bot, data)
        assert any(s.method == "answerCallbackQuery" and STALE in s.text for s in sent), (data, texts(sent))
        assert [s for s in sent if s.method != "answerCallbackQuery"] == [], data
    assert await _counts(db) == before


async def test_someone_elses_request_cannot_be_cancelled_or_moved_by_its_id(bot, db):
    ids = await add_course(db, cohorts=[("2022-03-07", "2022-03-11"), ("2022-04-04", "2022-04-08")])
    await add_people(db, [ME, OTHER])
    async with db.sessionmaker() as s:
        s.add(Enrollment(user_id=OTHER, cohort_id=ids[0], status="confirmed", requested_at=NOW, decided_at=NOW))
        await s.commit()
        theirs = (await s.execute(select(Enrollment.id))).scalar_one()
    for data in (f"enx:{theirs}", f"eny:{theirs}", f"mvl:{theirs}", f"mvt:{theirs}:{ids[1]}"):
        sent = await press_forged(bot, data)
        assert any(STALE in s.text for s in sent if s.method == "answerCallbackQuery"), data
    assert (await _counts(db))[0] == {OTHER: "confirmed"}


async def test_a_profile_button_of_a_step_that_is_over_is_stale_and_the_current_one_works(bot, db):
    await bot.say("/profile")
    await press(bot, "prf:yes")
    sent = await press_forged(bot, "prf:yes")  # consent was given already: its button is over
    assert any(STALE in s.text for s in sent if s.method == "answerCallbackQuery")
    sent = await press_forged(bot, "prf.rank:3")  # the rank question has not come yet
    assert any(STALE in s.text for s in sent if s.method == "answerCallbackQuery")
    assert "부서" in texts(await bot.say("김서울"))  # the flow goes on where it was


async def test_language_and_news_buttons_still_work_when_pressed(bot, db):
    sent = await press_forged(bot, "lang:en")
    assert "Language set to English" in texts(sent)
    sent = await bot.say("/subscribe")
    sent = await press(bot, "nws:it")
    assert any("Subscribed" in s.text for s in sent if s.method == "answerCallbackQuery")
    sent = await press_forged(bot, "nwo:it")
    assert "no more news" in texts(sent)
    assert (await _counts(db))[2] == 0
