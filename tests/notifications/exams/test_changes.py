"""Staff change the calendar (import), personal interview slots, and the .ics file."""
from __future__ import annotations

from datetime import date, datetime

from icalendar import Calendar
from sqlalchemy import func, select

from db.access import Actor
from db.clock import SEOUL
from db.models import ExamEvent, ExamRound, ExamSubscription, InterviewSlot, Reminder
from db.session import session_scope
from locales import translator
from notifications.exams import calendar as cal
from notifications.exams.ics import build_ics
from notifications.exams.imports import import_exams, import_slots, read_table
from notifications.exams.subscriptions import clear_slot, set_slot, subscribe
from tests.notifications.exams.conftest import add_users, next_due, outbox_count

HEADER = "round_id,round_kind,title,title_en,selection,selection_note,note,note_en,event,start,end,precision\n"


def csv_file(tmp_path, body: str, name: str = "exams.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


async def run_import(db, clock, path, fn=import_exams):
    async with db.sessionmaker() as session:
        result = await fn(session, read_table(path), clock.now(), actor=Actor.operator("test"))
        if result.ok:
            await session.commit()
        else:
            await session.rollback()
    return result


async def due_times(db, user_id: int, round_id: str, kind: str) -> list[str]:
    async with session_scope(db.sessionmaker) as session:
        rows = (await session.execute(
            select(Reminder.due_at).join(ExamEvent, ExamEvent.id == Reminder.event_id)
            .where(Reminder.user_id == user_id, ExamEvent.round_id == round_id, ExamEvent.kind == kind,
                   Reminder.status == "planned").order_by(Reminder.due_at))).scalars()
        return [d.astimezone(SEOUL).strftime("%m-%d %H:%M") for d in rows]


async def test_a_date_change_replans_and_sends_one_change_notice_per_subscriber(db, clock, runner, tmp_path):
    await add_users(db, clock, (601, "ko"), (602, "en"))
    async with session_scope(db.sessionmaker) as session:
        for uid in (601, 602):
            await subscribe(session, uid, "open-2022-2", clock.now())
    clock.set("2022-06-01T10:00")
    await runner.tick()
    # Staff move the written exam a week and shorten the interview period; the announcement row is unchanged.
    path = csv_file(tmp_path, "open-2022-2,,,,,,,,notice,2022-02-16,,day\n"
                              "open-2022-2,,,,,,,,written,2022-06-25,,day\n"
                              "open-2022-2,,,,,,,,interview,2022-08-22,2022-09-02,day\n")
    result = await run_import(db, clock, path)
    assert result.ok and result.events_changed == 2 and result.notices == 2
    assert await due_times(db, 601, "open-2022-2", "written") == ["06-18 09:00", "06-24 19:00", "06-25 06:00"]
    assert (await due_times(db, 601, "open-2022-2", "interview"))[0] == "08-15 09:00"

    sent = await runner.tick()
    assert len(sent) == 2  # one notice each, both changes in it
    ko = next(s.text for s in sent if s.chat_id == 601)
    assert "일정이 바뀌었습니다" in ko and "2022년 6월 18일 (토) → 2022년 6월 25일 (토)" in ko and "면접시험" in ko
    en = next(s.text for s in sent if s.chat_id == 602)
    assert "has changed" in en and "Sat, Jun 25, 2022" in en

    # The same file again changes nothing and tells nobody.
    again = await run_import(db, clock, path)
    assert again.ok and again.events_changed == 0 and again.notices == 0
    assert await outbox_count(db, "exam_change") == 2

    # Through the summer: reminders for the new dates only, each once.
    while (due := await next_due(db)) is not None and due.month <= 6:
        clock.set(due)
        await runner.tick()
    written = [m.text for m in runner.messages if m.chat_id == 601 and "필기시험" in m.text and "남았" in m.text
               or m.chat_id == 601 and "필기시험 날" in m.text]
    assert len(written) == 3 and all("6월 25일" in t for t in written)


async def test_import_with_bad_rows_reports_row_numbers_and_changes_nothing(db, clock, tmp_path):
    path = csv_file(tmp_path, "open-2022-1,,,,,,,,written,2022-03-05,,day\n"
                              "open-2022-1,,,,,,,,written,2022-02-30,,day\n"
                              "new-round,open,,,,,,,party,2022-05-01,2022-04-01,week\n"
                              "Bad Id!,,,,,,,,result,2022-05-01,,day\n")
    result = await run_import(db, clock, path)
    assert not result.ok
    rows = {e.row for e in result.errors}
    assert rows == {3, 4, 5}
    messages = " | ".join(str(e) for e in result.errors)
    assert "row 3: start '2022-02-30' is not a date" in messages
    assert "row 4: new round 'new-round' needs round_kind and title" in messages
    assert "event 'party'" in messages and "precision 'week'" in messages and "end 2022-04-01 is before" in messages
    async with session_scope(db.sessionmaker) as session:
        written = (await session.execute(select(ExamEvent.start_on).where(
            ExamEvent.round_id == "open-2022-1", ExamEvent.kind == "written"))).scalar_one()
        assert written == date(2022, 2, 26)  # row 2 was valid, but nothing was applied
        assert await session.get(ExamRound, "new-round") is None


async def test_next_years_calendar_is_an_import_away(db, clock, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append(["open-2023-1", "open", "2023년 제1회 공개경쟁 임용시험", "2023 exam round 1", 500, "예정", "", "",
               "written", datetime(2023, 2, 25), None, "day"])
    ws.append(["open-2023-1", None, None, None, None, None, None, None, "result", "2023-05-26", None, None])
    path = tmp_path / "exams2023.xlsx"
    wb.save(path)
    result = await run_import(db, clock, path)
    assert result.ok and result.rounds_added == 1 and result.events_added == 2
    async with session_scope(db.sessionmaker) as session:
        info = await cal.get_round(session, "open-2023-1")
    assert [(e.kind, e.start_on) for e in info.events] == [("written", date(2023, 2, 25)), ("result", date(2023, 5, 26))]
    assert info.selection == 500


async def test_a_personal_slot_replaces_the_interview_period_in_that_persons_reminders(db, clock):
    await add_users(db, clock, (611, "ko"), (612, "ko"))
    async with session_scope(db.sessionmaker) as session:
        for uid in (611, 612):
            await subscribe(session, uid, "open-2022-2", clock.now())
        await set_slot(session, 611, "open-2022-2", datetime(2022, 8, 24, 7, 30, tzinfo=SEOUL), "별관", clock.now())
    assert await due_times(db, 611, "open-2022-2", "interview") == ["08-17 09:00", "08-23 19:00", "08-24 06:30"]
    assert await due_times(db, 612, "open-2022-2", "interview") == ["08-10 09:00", "08-16 19:00", "08-17 07:00"]
    async with session_scope(db.sessionmaker) as session:
        starts = (await session.execute(select(Reminder.event_starts_at).join(ExamEvent, ExamEvent.id == Reminder.event_id)
                                        .where(Reminder.user_id == 611, ExamEvent.kind == "interview"))).scalars().all()
        assert {s.astimezone(SEOUL) for s in starts} == {datetime(2022, 8, 24, 7, 30, tzinfo=SEOUL)}
        await clear_slot(session, 611, "open-2022-2", clock.now())
    assert await due_times(db, 611, "open-2022-2", "interview") == ["08-10 09:00", "08-16 19:00", "08-17 07:00"]


async def test_staff_import_interview_slots_by_telegram_id_or_applicant_number(db, clock, runner, tmp_path):
    await add_users(db, clock, (621, "ko"), (622, "en"))
    async with session_scope(db.sessionmaker) as session:
        await subscribe(session, 622, "open-2022-3", clock.now(), applicant_no="30-1234")
    bad = tmp_path / "bad.csv"
    bad.write_text("round_id,telegram_id,applicant_no,date,time,place\n"
                   "open-2022-3,621,,2022-12-13,10:00,본관\n"
                   "open-2022-3,999,,2022-12-13,10:00,본관\n"
                   "open-2022-3,,30-9999,2022-12-13,10:00,본관\n"
                   "open-2022-3,621,,2022-12-30,25:00,본관\n", encoding="utf-8")
    result = await run_import(db, clock, bad, import_slots)
    assert {e.row for e in result.errors} == {3, 4, 5}
    assert "never talked to the bot" in str(result.errors[0])
    async with session_scope(db.sessionmaker) as session:
        assert (await session.execute(select(func.count()).select_from(InterviewSlot))).scalar_one() == 0

    good = tmp_path / "good.csv"
    good.write_text("round_id,telegram_id,applicant_no,date,time,place\n"
                    "open-2022-3,621,30-0001,2022-12-13,10:00,본관 2층\n"
                    "open-2022-3,,30-1234,2022-12-20,15:30,별관\n", encoding="utf-8")
    result = await run_import(db, clock, good, import_slots)
    assert result.ok and result.slots == 2 and result.notices == 2
    async with session_scope(db.sessionmaker) as session:
        # 621 was not subscribed: the import subscribes them, with their applicant number.
        sub = (await session.execute(select(ExamSubscription).where(ExamSubscription.user_id == 621))).scalar_one()
        assert sub.applicant_no == "30-0001"
    assert await due_times(db, 622, "open-2022-3", "interview") == ["12-13 09:00", "12-19 19:00", "12-20 07:00"]
    sent = await runner.tick()
    assert {s.chat_id for s in sent} == {621, 622}
    assert any("Tue, Dec 20, 2022" in s.text and "별관" in s.text for s in sent if s.chat_id == 622)


async def test_ics_parses_back_with_the_right_dates_and_the_personal_slot(db, clock):
    await add_users(db, clock, (631, "ko"))
    async with session_scope(db.sessionmaker) as session:
        await set_slot(session, 631, "open-2022-1", datetime(2022, 5, 11, 14, 0, tzinfo=SEOUL), "본관 3층", clock.now())
        info = await cal.get_round(session, "open-2022-1")
        slot = await cal.slot_of(session, 631, "open-2022-1")
        quarterly = await cal.get_round(session, "career-2022-q2")
    parsed = Calendar.from_ical(build_ics(info, translator("ko"), clock.now(), slot))
    events = {str(e["summary"]).split(" · ")[0]: e for e in parsed.walk("VEVENT")}
    assert events["필기시험"].decoded("dtstart") == date(2022, 2, 26)
    assert events["필기시험"].decoded("dtend") == date(2022, 2, 27)
    assert events["합격자 발표"].decoded("dtstart") == date(2022, 5, 27)
    assert events["시험 공고"].decoded("dtstart") == date(2021, 10, 27)
    mine = events["면접시험 (내 시간)"]
    assert mine.decoded("dtstart") == datetime(2022, 5, 11, 14, 0, tzinfo=SEOUL)
    assert str(mine["location"]) == "본관 3층"
    assert len(events) == 4
    # Without a slot: the interview period as an all-day span (DTEND exclusive). Quarter-only rounds: no events.
    parsed = Calendar.from_ical(build_ics(info, translator("en"), clock.now()))
    interview = next(e for e in parsed.walk("VEVENT") if str(e["summary"]).startswith("Interview"))
    assert (interview.decoded("dtstart"), interview.decoded("dtend")) == (date(2022, 5, 9), date(2022, 5, 14))
    assert list(Calendar.from_ical(build_ics(quarterly, translator("ko"), clock.now())).walk("VEVENT")) == []
