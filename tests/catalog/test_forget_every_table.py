"""/forget walks every table that holds a user id. The tables and columns are found in the SQLAlchemy metadata (a
foreign key to users.id, or a column named like one), not listed by hand: a new table holding people's ids fails
this test until the person's row is made here and /forget deletes it (or it is added to KEPT with its reason).

A staff member who also uses the bot as an employee fills every such table (profile, seats, a move waiting for a
seat, course-start and exam reminders, a notification choice, news topics, an imported interview slot, queued and
sent messages, dashboard sessions and sign-in links, a broadcast, a decision on someone's request, access-record
rows). /mydata shows all of it, including who handled their data; /forget then leaves no row with their id
anywhere but KEPT, and no reminder is planned again from the seats they keep. Both databases."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import BigInteger, func, select

from catalog import enrollment as svc
from catalog import moves
from catalog.privacy import my_data
from catalog.profiles import forget
from db.access import Actor
from db.clock import parse_moment
from db.models import Base, CourseReminder, Enrollment, ExamEvent, OutboxMessage
from db.outbox import Notice, enqueue
from db.session import session_scope
from db.signin import issue_link, start_session
from notifications import course_start
from notifications.broadcasts.service import create_broadcast
from notifications.exams.imports import import_slots
from notifications.exams.subscriptions import subscribe
from notifications.news import subscribe as follow_topic
from tests.handlers.enrollment.factory import NOW, add_course, add_people

ME, OTHER, STAFF = 7501, 7502, 7503
PERSON_ID_NAMES = {"user_id", "chat_id", "actor_id", "created_by", "decided_by"}
# Kept after /forget, each for a reason (catalog/profiles.py, docs/security.md). Every other person column is empty.
KEPT = {
    ("users", "id"): "the account row, names blanked: kept seats stay linked to the account number",
    ("users", "chat_id"): "the same row (the private chat's number is the account number)",
    ("enrollments", "user_id"): "seats other people count on, kept without personal details",
    ("enrollments", "decided_by"): "the Center's record of which staff member decided a request",
    ("broadcasts", "created_by"): "the Center's record of who wrote a broadcast",
    ("audit_log", "actor_id"): "the access record, kept two years by law (ids and counts, never values)",
}
# Whole-number columns that are not people's ids (anything else of the kind must be classified here or above).
NOT_PEOPLE = {("enrollments", "waitlist_seq"), ("enrollments", "moving_from")}
COURSE_START_PLANNING = parse_moment("2022-03-04T09:00")  # cohort A starts within the reminders' horizon


def person_columns() -> list[tuple[str, str]]:
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            to_users = any(fk.column.table.name == "users" and fk.column.name == "id" for fk in column.foreign_keys)
            if to_users or column.name in PERSON_ID_NAMES or (table.name, column.name) == ("users", "id"):
                found.append((table.name, column.name))
    return found


def test_every_whole_number_column_is_classified_as_a_person_id_or_not():
    people = set(person_columns())
    unclassified = [(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns
                    if isinstance(c.type, BigInteger) and not c.primary_key and not c.foreign_keys  # a row's id
                    and (t.name, c.name) not in people and (t.name, c.name) not in NOT_PEOPLE]
    assert unclassified == [], "a column that may hold a Telegram id: add it to PERSON_ID_NAMES or NOT_PEOPLE"
    assert set(KEPT) <= people and len(people) >= 15


async def _fill_every_table(db) -> dict:
    a, b = await add_course(db, capacity=1, cohorts=[("2022-03-07", "2022-03-11"), ("2022-03-14", "2022-03-18")])
    (reviewed,) = await add_course(db, course_id="enr-staff", approval="staff", keywords=["승인과정"])
    await add_people(db, [ME, STAFF], role="staff")
    await add_people(db, [OTHER])
    me = Actor.person(ME)
    async with session_scope(db.sessionmaker) as s:
        assert (await svc.request_seat(s, user_id=OTHER, cohort_id=b, now=NOW)).status == "confirmed"  # B is full
        mine = await svc.request_seat(s, user_id=ME, cohort_id=a, now=NOW, details={"program": "x", "note": "내 메모"})
        assert (await moves.move(s, actor=me, enrollment_id=mine.enrollment_id, target_cohort_id=b, now=NOW,
                                 wait=True)).status == "waiting"  # a move waiting for a seat in B
        request = await svc.request_seat(s, user_id=OTHER, cohort_id=reviewed, now=NOW)
        await svc.approve(s, enrollment_id=request.enrollment_id, actor=me, now=NOW)  # decided_by, audit actor_id
        await course_start.set_opt_out(s, ME, NOW, out=False)
        await follow_topic(s, ME, "it", NOW)
        round_id, day = (await s.execute(select(ExamEvent.round_id, ExamEvent.start_on).where(
            ExamEvent.kind == "interview", ExamEvent.precision == "day").order_by(ExamEvent.start_on).limit(1))).one()
        await subscribe(s, ME, round_id, NOW, applicant_no="APP-1")  # exam reminders
        slots = await import_slots(s, [(2, {"round_id": round_id, "telegram_id": str(ME), "date": day.isoformat(),
                                            "time": "10:00", "place": "별관"})], NOW, actor=Actor.person(STAFF))
        assert slots.applied, slots.errors  # a queued notice, and an access-record row naming ME
        await enqueue(s, Notice(key="walk-sent", user_id=ME, kind="exam_slot", params={"place": "본관"}), now=NOW)
        (await s.execute(select(OutboxMessage).where(OutboxMessage.key == "walk-sent"))).scalar_one().status = "sent"
        await create_broadcast(s, actor=me, text="안내", audience={"kind": "everyone"}, now=NOW)
        await issue_link(s, user_id=ME, now=NOW)
        await start_session(s, user_id=ME, now=NOW, user_agent="Firefox")
        await svc.pending_queue(s, Actor.person(STAFF), now=NOW)  # no pending request of ME: does not name them
    async with session_scope(db.sessionmaker) as s:
        assert await course_start.plan(s, COURSE_START_PLANNING) >= 2  # D-3 and D-1 of ME's seat in A
    return {"seat": mine.enrollment_id}


async def _rows_with(db, user_id: int) -> dict[tuple[str, str], int]:
    counts = {}
    async with db.engine.connect() as conn:
        for table_name, column_name in person_columns():
            column = Base.metadata.tables[table_name].c[column_name]
            counts[(table_name, column_name)] = (await conn.execute(
                select(func.count()).select_from(column.table).where(column == user_id))).scalar_one()
    return counts


async def test_mydata_shows_every_table_and_who_handled_the_data(db):
    await _fill_every_table(db)
    async with db.sessionmaker() as s:
        data = await my_data(s, ME)
    [move] = data["moves"]
    assert (move["from_cohort"], move["to_cohort"], move["status"]) == (1, 2, "waitlisted")
    assert {(r["cohort"], r["offset"], r["status"]) for r in data["course_start_reminders"]} == {
        (1, "d-3", "planned"), (1, "d-1", "planned")}
    assert data["exam_reminders"] and data["planned_reminders"] == len(
        [r for r in data["exam_reminders"] if r["status"] == "planned"])
    assert data["notification_choices"] == [{"kind": "course_start", "enabled": True, "since": None,
                                             "changed_at": NOW.isoformat()}]
    assert [w["browser"] for w in data["dashboard_sessions"]] == ["Firefox"]
    assert len(data["dashboard_sign_in_links"]) == 1 and "token_hash" not in repr(data)
    # who handled my data: the staff import naming me, and nothing about the other person's request I decided
    assert [(r["action"], r["by"]) for r in data["access_record"]] == [("import.interview_slots", "staff")]
    assert all("7503" not in repr(r) for r in data["access_record"])  # the staff member's id is not shown


async def test_forget_leaves_no_row_with_the_persons_id_outside_the_kept_records(db):
    filled = await _fill_every_table(db)
    before = await _rows_with(db, ME)
    assert [c for c, n in before.items() if n == 0] == [], "fill every table holding a user id first"

    async with session_scope(db.sessionmaker) as s:
        report = await forget(s, ME, NOW + timedelta(days=1))
    assert report.reminders_deleted >= 4 and report.dashboard_rows_deleted == 2 and report.messages_cleared >= 2

    after = await _rows_with(db, ME)
    assert {c: n for c, n in after.items() if n and c not in KEPT} == {}
    async with session_scope(db.sessionmaker) as s:  # the kept seat plans no reminder again
        await course_start.plan(s, COURSE_START_PLANNING + timedelta(hours=1))
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(CourseReminder).where(
            CourseReminder.user_id == ME))).scalar_one() == 0
        seat = await s.get(Enrollment, filled["seat"])
        assert seat.user_id == ME and "note" not in seat.details and "personal_data_deleted" in seat.details
        data = await my_data(s, ME)
    assert [r["action"] for r in data["access_record"]] == ["import.interview_slots", "privacy.forget"]
    assert data["dashboard_sessions"] == data["course_start_reminders"] == data["notification_choices"] == []
