"""Course news (opt in with /subscribe, one notice per new course or cohort, opt out with one press) and staff
imports from chat (dry run first, then apply; clear reports for wrong files)."""
from __future__ import annotations

from sqlalchemy import func, select

from db.models import Cohort, Course, TopicSubscription
from tests.handlers.broadcasts.conftest import STAFF, press, to

COURSES = ("id,title,title_en,category,topic,delivery,keywords\n"
           "ai-basics,생성형 AI 업무 활용,Generative AI at work,일반교육/직무역량/IT,it,online,\"챗GPT, AI\"\n"
           "lead-new,신임 팀장 리더십,New team leaders,기본교육/리더십,leadership,face_to_face,\n")
COHORTS = ("course_id,no,start,end,capacity\n"
           "ai-basics,1,2022-05-02,2022-05-04,30\n"
           "ai-basics,2,2022-09-05,2022-09-07,30\n")


async def test_subscribe_toggles_topics_with_buttons(bot, db):
    sent = await bot.say("/subscribe")
    assert "과정 소식" in sent[0].text and "▫️ IT·디지털" in sent[0].button_texts
    sent = await bot.say("1")  # IT·디지털
    assert any(s.method == "answerCallbackQuery" and "IT·디지털 소식을 받습니다" in s.text for s in sent)
    assert "✅ IT·디지털" in [s for s in sent if s.method == "editMessageText"][0].button_texts
    async with db.sessionmaker() as s:
        assert (await s.execute(select(TopicSubscription.topic))).scalars().all() == ["it"]
    sent = await bot.say("1")
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(TopicSubscription))).scalar() == 0


async def test_new_courses_reach_their_topic_subscribers_once_and_one_press_opts_out(staff_bot, db, people, tmp_path):
    await people(db, [700, 701], topics=("it",))
    await people(db, [702], topics=("leadership",))
    await people(db, [703])  # no subscription
    bot = staff_bot
    path = tmp_path / "new-courses.csv"
    path.write_text(COURSES, encoding="utf-8")

    sent = await bot.say(f":file {path}")
    assert "미리 확인" in sent[0].text and "추가 2" in sent[0].text
    async with db.sessionmaker() as s:
        assert await s.get(Course, "ai-basics") is None  # a dry run changes nothing
    sent = await press(bot, sent, "가져오기 실행")
    assert "가져왔습니다: 추가 2" in sent[0].text
    (news,) = to(sent, 700)
    assert "IT·디지털 분야 새 과정: 생성형 AI 업무 활용" in news.text
    assert news.callback_data == ["crs:ai-basics", "nwo:it"]
    assert len(to(sent, 701)) == 1 and "신임 팀장 리더십" in to(sent, 702)[0].text and to(sent, 703) == []
    assert bot.runtime.services.search.search("생성형 AI", limit=3)[0].course_id == "ai-basics"  # index rebuilt

    # Subscriber 700 opts out with one press from the notice itself.
    await bot.say(":user 700")
    sent = await bot.feed(bot.callback_update(700, news.message_id, "nwo:it"))
    assert any("IT·디지털 소식을 보내지 않습니다" in s.text for s in sent)

    # New cohorts of the course: one notice to the remaining subscriber, none to the one who opted out.
    await bot.say(f":user {STAFF}")
    path2 = tmp_path / "cohorts.csv"
    path2.write_text(COHORTS, encoding="utf-8")
    sent = await bot.say(f":file {path2}")
    sent = await press(bot, sent, "가져오기 실행")
    assert to(sent, 700) == []
    (again,) = to(sent, 701)
    assert "생성형 AI 업무 활용 새 일정" in again.text and "1회: 2022년 5월 2일" in again.text

    # Importing the same file again: unchanged, nobody is told twice.
    sent = await bot.say(f":file {path2}")
    assert "그대로 2" in sent[0].text and "가져오기 실행" not in sent[0].button_texts
    assert to(sent, 701) == []


async def test_a_file_with_bad_rows_is_reported_by_row_and_nothing_is_imported(staff_bot, db, tmp_path):
    path = tmp_path / "cohorts.csv"
    path.write_text("course_id,no,start,end,capacity\n"
                    "it-excel,9,2022-05-02,2022-05-04,30\n"
                    "no-such-course,1,2022-05-02,,10\n"
                    "it-excel,10,2022-13-01,,10\n"
                    "it-excel,11,2022-06-02,2022-06-01,-3\n", encoding="utf-8")
    sent = await staff_bot.say(f":file {path}")
    text = sent[0].text
    assert "아무것도 가져오지 않았습니다" in text
    assert "3행, course_id" in text and "4행, start" in text and "5행" in text
    assert "가져오기 실행" not in sent[0].button_texts
    async with db.sessionmaker() as s:
        assert (await s.execute(select(Cohort).where(Cohort.course_id == "it-excel", Cohort.number == 9))).first() is None


async def test_wrong_files_get_a_clear_answer(staff_bot, tmp_path):
    cases = {
        "photo.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "CSV나 XLSX 파일만"),
        "data.csv": (b"\x00\x01\x02garbage\xff\xfe" * 50, "이진 데이터"),
        "empty.csv": (b"", "비어 있습니다"),
        "broken.xlsx": (b"PK\x03\x04 not really a zip", "열 수 없습니다"),
        "notes.csv": ("이름,전화\n홍길동,010\n".encode(), "무슨 파일인지 알 수 없습니다"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        sent = await staff_bot.say(f":file {path}")
        assert sent and expected in sent[0].text, (name, sent[0].text if sent else None)
