"""What a user sees when searching: numbered course buttons, the conditions understood, and polite empty answers."""
from __future__ import annotations


def text_of(sent) -> str:
    return "\n".join(s.text for s in sent)


def buttons(sent) -> list[str]:
    return [b for s in sent for b in s.button_texts]


def courses(sent) -> list[str]:
    """The course ids behind the result buttons, in order."""
    return [c.split(":", 1)[1] for s in sent for c in s.callback_data if c.startswith("crs:")]


async def test_keyword_lists_courses_as_numbered_buttons_and_a_number_opens_the_card(bot):
    sent = await bot.say("엑셀")
    assert buttons(sent)[0] == "1. 업무에 바로 쓰는 엑셀"
    card = await bot.say("1")
    assert "📘 업무에 바로 쓰는 엑셀" in text_of(card)


async def test_korean_typed_on_qwerty_and_initials_find_the_course(bot):
    assert courses(await bot.say("xornrdj"))[0] == "el-lang-th"
    assert courses(await bot.say("ㅂㄹㅋㄷ"))[0] in {"it-block-ai", "it-block-iot"}


async def test_nonsense_gets_a_helpful_message_and_no_buttons(bot):
    sent = await bot.say("zzqqxx")
    assert "맞는 과정이 없습니다" in text_of(sent)
    assert buttons(sent) == []


async def test_conditions_understood_are_shown(bot):
    sent = await bot.say("3월 비대면 리더십")
    assert "조건: 리더십 · 3월" in text_of(sent)
    assert courses(sent) and all(c.startswith("lead-") for c in courses(sent))


async def test_conditions_that_rule_everything_out_are_said_and_word_matches_offered(bot):
    sent = await bot.say("1월 파워포인트")   # IT courses run from March
    assert "조건(1월)에 맞는 과정이 없습니다" in text_of(sent)
    assert courses(sent)[0] == "it-powerpoint"


async def test_english_user_sees_english_titles_and_conditions(bot):
    await bot.say("/lang")
    await bot.say("2")  # English
    sent = await bot.say("french e-learning")
    assert courses(sent)[0] == "el-lang-fr" and buttons(sent)[0].startswith("1. French")
    assert "Conditions: E-learning" in text_of(sent)


async def test_open_seats_follow_enrolments_made_after_start_up(bot, db):
    from sqlalchemy import update

    from db.models import Cohort
    from db.session import session_scope

    assert courses(await bot.say("빈자리 있는 파워포인트"))[0] == "it-powerpoint"
    async with session_scope(db.sessionmaker) as session:  # every cohort full (or closed) from now on
        await session.execute(update(Cohort).where(Cohort.course_id == "it-powerpoint").values(capacity=0))
    sent = await bot.say("빈자리 있는 파워포인트")
    assert "조건(빈자리 있음)에 맞는 과정이 없습니다" in text_of(sent)


async def test_a_certificate_the_center_lacks_is_refused_honestly_and_the_category_offered(bot):
    sent = await bot.say("전기기사 자격증 공부하고 싶어요")
    assert "“전기기사” 과정은 없습니다" in text_of(sent)
    assert "자격증 (e-러닝) 분야에는 이런 과정이 있습니다" in text_of(sent)
    offered = courses(sent)
    assert offered and all(c.startswith("el-cert-") for c in offered)


async def test_an_english_sentence_asking_for_a_missing_language_is_refused_in_english(bot):
    await bot.say("/lang")
    await bot.say("2")  # English
    sent = await bot.say("can I learn German here?")
    assert "There is no course on “German”." in text_of(sent)
    assert courses(sent) and all(c.startswith("el-lang-") for c in courses(sent))


async def test_a_missing_skill_without_a_category_is_refused_without_buttons(bot):
    sent = await bot.say("포토샵 배우는 교육 있어요?")
    assert "“포토샵” 과정은 없습니다" in text_of(sent)
    assert buttons(sent) == []


async def test_chat_sentences_find_the_course(bot):
    assert courses(await bot.say("메타버스교육언제해요"))[0] == "it-metaverse-office"
    assert courses(await bot.say("이번에 5급으로 승진했어요 무슨 교육 받아야 하나요"))[0] == "lead-promoted-5"


async def test_the_persons_profile_fills_the_situation_the_message_leaves_out(bot, db):
    from datetime import date

    from db.clock import parse_moment
    from db.models import Profile
    from db.session import session_scope

    await bot.say("엑셀")  # the person exists from the first message
    async with session_scope(db.sessionmaker) as s:
        s.add(Profile(user_id=1001, consent_at=parse_moment("2022-01-03T09:00"), full_name="홍길동",
                      department="행정국", rank="5급", position=None, employee_no=None, hired_on=date(2005, 3, 2),
                      retirement_on=None, updated_at=parse_moment("2022-01-03T09:00")))
    # a 5급 preparing a promotion prepares for the 4급 assessment, not the 5급 one
    assert courses(await bot.say("승진 준비 교육"))[0] == "assess-prep-4"
