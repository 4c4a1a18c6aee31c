"""Transcripts: /exams → round card → subscribe → the clock moves → the reminder arrives; slots; .ics; /myexams."""
from __future__ import annotations

from datetime import date

from icalendar import Calendar

from tests.support.chat import press, texts




async def test_exams_card_subscribe_and_the_reminder_arrives(bot):
    sent = await bot.say("/exams")
    assert "서울시 인재개발원 시험 일정" in sent[0].text
    assert "다음 일정: 필기시험 · 2022년 2월 26일 (토)" in sent[0].text
    assert "2022년 2분기 (세부 일정 미정)" in sent[0].text  # quarter-only dates say so

    sent = await press(bot, "exr:open-2022-1")
    card = sent[-1]
    assert "2022년 제1회 서울시 공개·경력경쟁 임용시험 (8·9급)" in card.text
    assert "필기시험: 2022년 2월 26일 (토)" in card.text
    assert "면접시험: 2022년 5월 9일 (월) – 2022년 5월 13일 (금)" in card.text
    assert "합격자 발표: 2022년 5월 27일 (금)" in card.text
    assert "인원: 418명 (선발)" in card.text
    assert "🔔 알림 구독" in card.button_texts and "📅 캘린더에 추가 (.ics)" in card.button_texts

    sent = await press(bot, "exs:open-2022-1")
    assert any(s.method == "answerCallbackQuery" and "구독했습니다" in s.text for s in sent)
    card = [s for s in sent if s.method.startswith("edit")][-1]
    assert "✅ 구독 중입니다. 다음 알림:" in card.text and "2022년 2월 19일 (토) 오전 9:00" in card.text
    assert "🔕 구독 취소" in card.button_texts

    assert await bot.say(":advance 46d") == []  # Feb 18: nothing due yet
    sent = await bot.say(":advance 1d")  # Feb 19, 09:00: D-7
    assert len(sent) == 1 and "필기시험까지 7일 남았습니다 — 2022년 2월 26일 (토)" in sent[0].text
    assert "시험 보기" in sent[0].button_texts
    await bot.say(":advance 6d")
    sent = await bot.say(":advance 10h")  # Feb 25, 19:00: the evening before
    assert len(sent) == 1
    assert "내일은 필기시험 날입니다 — 2022년 2월 26일 (토)" in sent[0].text
    assert "오전 9:20까지 입실하세요" in sent[0].text and "응시표" in sent[0].text
    sent = await bot.say(":advance 11h")  # Feb 26, 06:00: the morning of the exam
    assert len(sent) == 1 and "오늘은 필기시험 날입니다" in sent[0].text
    assert await bot.say(":advance 1d") == []

    sent = await bot.say("/myexams")
    assert "제1회 서울시 공개·경력경쟁 임용시험" in sent[0].text and "다음 알림: 2022년 5월 2일 (월) 오전 9:00" in sent[0].text


async def test_my_interview_time_is_validated_then_replaces_the_period(bot):
    await bot.say("/exams open-2022-2")
    await press(bot, "exs:open-2022-2")
    sent = await press(bot, "exi:open-2022-2")
    assert "면접 기간은 2022년 8월 17일 (수) – 2022년 9월 7일 (수)입니다" in texts(sent)

    sent = await bot.say("8/24 본관")
    assert "시간을 찾지 못했습니다" in sent[0].text
    sent = await bot.say("10/24 14:00 본관")
    assert "면접 기간을 벗어난 날짜입니다. 면접 기간: 2022년 8월 17일 (수) – 2022년 9월 7일 (수)" in sent[0].text
    sent = await bot.say("8/24 05:00 본관")
    assert "면접은 오전 7시부터 오후 9시 사이에 진행됩니다" in sent[0].text  # Korean times read 오전/오후
    sent = await bot.say("24/8 14:00 본관")  # day first, as written abroad: say which order we read
    assert "월/일 순서로 적어 주세요" in sent[0].text
    sent = await bot.say("8/24 14:00 서울시인재개발원 별관 2층")
    assert "저장했습니다. 면접은 2022년 8월 24일 (수) 오후 2:00, 서울시인재개발원 별관 2층입니다" in sent[0].text
    assert "내 면접: 2022년 8월 24일 (수) 오후 2:00, 서울시인재개발원 별관 2층" in sent[-1].text

    # Free text is a search again once the flow is over (no stray slot parsing).
    sent = await bot.say(":advance 226d")  # Aug 17: D-7 of the personal interview, not of the period (Aug 10)
    assert [s.text for s in sent if "면접시험" in s.text][-1].startswith("🗣 면접시험까지 7일 남았습니다 — 2022년 8월 24일 (수)")
    assert not any("면접시험까지 14일" in s.text for s in sent)


async def test_ics_button_and_command_send_a_calendar_file(bot):
    await bot.say("/exams open-2022-3")
    sent = await press(bot, "exc:open-2022-3")
    doc = next(s for s in sent if s.method == "sendDocument")
    assert doc.filename == "open-2022-3.ics"
    parsed = Calendar.from_ical(doc.content)
    starts = sorted(e.decoded("dtstart") for e in parsed.walk("VEVENT"))
    assert starts == [date(2022, 6, 15), date(2022, 10, 29), date(2022, 12, 12), date(2022, 12, 30)]

    sent = await bot.say("/ics career-2022-q1")
    assert "아직 정확한 날짜가 발표되지 않아" in sent[0].text
    sent = await bot.say("/ics no-such")
    assert "“no-such” 시험은 없습니다" in sent[0].text
    sent = await bot.say("/ics")  # not subscribed: a choice of exams with dates
    assert "exc:open-2022-1" in sent[0].callback_data and "exc:career-2022-q1" not in sent[0].callback_data


async def test_unsubscribe_stops_the_reminders(bot):
    await bot.say("/exams open-2022-1")
    await press(bot, "exs:open-2022-1")
    sent = await press(bot, "exu:open-2022-1")
    assert any("구독을 취소했습니다" in s.text for s in sent)
    assert await bot.say(":advance 60d") == []
    sent = await bot.say("/myexams")
    assert "구독한 시험이 없습니다" in sent[0].text


async def test_english_speakers_read_the_calendar_and_reminders_in_english(bot):
    await bot.say(":lang en")
    await bot.say(":user 2002 Jane")
    await bot.say(":lang en")
    sent = await bot.say("/exams")
    assert "Exam calendar of the Seoul HRD Center" in sent[0].text
    assert "Next: Written exam · Sat, Feb 26, 2022" in sent[0].text
    assert "\n8. Preparation course for the grade-4 promotion assessment" in sent[0].text  # not "8. preparation"
    assert not any(b.split(". ", 1)[1][:1].islower() for b in sent[0].button_texts)
    sent = await press(bot, "exr:open-2022-1")
    assert "2022 Seoul civil service exam, round 1" in sent[-1].text
    assert "Number of people: 418 (to be selected)" in sent[-1].text
    await press(bot, "exs:open-2022-1")
    await press(bot, "exi:open-2022-1")
    sent = await bot.say("13/5 14:00 Main hall")  # 13 May written day first
    assert "write the month first" in sent[0].text
    await bot.say("/cancel")
    sent = await bot.say(":advance 47d")
    assert len(sent) == 1 and sent[0].text.startswith("📝 Written exam: in 7 days (Sat, Feb 26, 2022).")


async def test_help_lists_the_exam_commands(bot):
    sent = await bot.say("/help")
    assert "/exams — 시험 일정과 알림" in sent[0].text and "/ics" in sent[0].text and "/myexams" in sent[0].text


async def test_going_back_to_the_calendar_abandons_the_interview_time_question(bot):
    await bot.say("/exams open-2022-2")
    asked = await press(bot, "exi:open-2022-2")
    assert "면접 날짜, 시간, 장소를 한 메시지로 보내 주세요" in texts(asked)
    await bot.say("/exams")  # changed their mind
    sent = await bot.say("엑셀")
    assert "날짜를 찾지 못했습니다" not in texts(sent) and "검색 결과" in texts(sent)


async def test_a_round_known_only_to_the_quarter_says_what_subscribing_brings(bot):
    card = (await bot.say("/exams career-2022-q2"))[-1].text
    assert "필기시험" not in card  # 경력채용 has no written exam: the promise names what it has
    assert "정확한 날짜가 발표될 때 알려 드리고, 그 뒤 면접시험, 합격자 발표 7일 전" in card
    sent = await press(bot, "exs:career-2022-q2")
    assert any("정확한 날짜가 발표되면 알려 드립니다" in s.text for s in sent if s.method == "answerCallbackQuery")
    card = [s for s in sent if s.method.startswith("edit")][-1].text
    assert "아직 정확한 날짜가 발표되지 않았습니다" in card and "남은 알림은 없습니다" not in card

    card = (await bot.say("/exams open-2022-1"))[-1].text
    assert "구독하면 필기시험, 면접시험, 합격자 발표 7일 전, 전날 저녁, 당일 아침에 알려 드립니다." in card
