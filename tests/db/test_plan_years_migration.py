"""The plan-years migration takes a live database to the new model with nothing lost, on SQLite and PostgreSQL.

A database is built at the revision before it and filled with real rows of every kind (a catalog with day-,
quarter- and year-dated cohorts, confirmed / pending / waitlisted / cancelled enrollments, exam rounds with
events, subscriptions, an interview slot, reminders, a broadcast and outbox rows); after the upgrade every row of
every table is still there with the same values, cohorts carry their start date's year, exam rounds the year of
their first event, and those years are published. On SQLite the cohorts table is rebuilt, which would have
cascaded to the enrollments: the test is what proves it does not.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, insert, select

from db.migrate import alembic_config, upgrade
from db.session import make_engine
from tests.support import databases as dbs

REVISION = "0004_plan_years"
T = datetime(2022, 1, 3, 0, 0)  # Moment columns hold naive UTC


def previous_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision


ROWS: dict[str, list[dict]] = {
    "users": [
        dict(id=101, chat_id=101, first_name="가", username=None, language="ko", language_chosen=True, role="user",
             unreachable_at=None, created_at=T, flow=None, flow_step=None, flow_data=None, flow_updated_at=None),
        dict(id=102, chat_id=102, first_name="B", username="b", language="en", language_chosen=False, role="staff",
             unreachable_at=None, created_at=T, flow="enroll", flow_step="confirm", flow_data={"cohort": 2},
             flow_updated_at=T),
        dict(id=103, chat_id=103, first_name="다", username=None, language="ko", language_chosen=True, role="user",
             unreachable_at=T, created_at=T, flow=None, flow_step=None, flow_data=None, flow_updated_at=None),
    ],
    "profiles": [
        dict(user_id=101, consent_at=T, full_name="김서울", department="인재개발원", rank="7급", position=None,
             employee_no="A1", hired_on=date(2021, 3, 2), retirement_on=None, updated_at=T),
    ],
    "courses": [
        dict(id=cid, title=title, title_en=title, category="일반교육/직무역량/IT", topic="it", delivery=delivery,
             duration_ko="", duration_en="", hours=None, audience="", audience_en="", eligibility={}, approval="auto",
             keywords=["엑셀"], keywords_en=[], aliases=[], description="", description_en="", source="3-2",
             active=active, created_at=T, updated_at=T)
        for cid, title, delivery, active in (("it-excel", "엑셀", "face_to_face", True),
                                             ("el-lang", "외국어", "elearning", True),
                                             ("old-course", "옛 과정", "online", False))
    ],
    "cohorts": [
        dict(id=1, course_id="it-excel", number=1, start_on=date(2022, 3, 2), end_on=date(2022, 3, 4),
             precision="day", capacity=2, capacity_estimated=False, track=None, track_en=None, status="open",
             created_at=T),
        dict(id=2, course_id="it-excel", number=2, start_on=date(2022, 4, 1), end_on=date(2022, 6, 30),
             precision="quarter", capacity=20, capacity_estimated=True, track="A", track_en="A", status="open",
             created_at=T),
        dict(id=3, course_id="el-lang", number=1, start_on=date(2022, 1, 1), end_on=date(2022, 12, 31),
             precision="year", capacity=None, capacity_estimated=False, track=None, track_en=None, status="open",
             created_at=T),
        dict(id=4, course_id="it-excel", number=3, start_on=date(2023, 1, 9), end_on=date(2023, 1, 11),
             precision="day", capacity=5, capacity_estimated=False, track=None, track_en=None, status="closed",
             created_at=T),
        dict(id=5, course_id="old-course", number=1, start_on=date(2021, 11, 1), end_on=date(2021, 11, 5),
             precision="day", capacity=10, capacity_estimated=False, track=None, track_en=None, status="open",
             created_at=T),
    ],
    "enrollments": [
        dict(id=1, user_id=101, cohort_id=1, status="confirmed", waitlist_seq=None, requested_at=T, decided_at=T,
             decided_by=None, reason=None, details={}),
        dict(id=2, user_id=102, cohort_id=1, status="pending", waitlist_seq=None, requested_at=T, decided_at=None,
             decided_by=None, reason=None, details={"retirement_on": "2030-06-30"}),
        dict(id=3, user_id=103, cohort_id=1, status="waitlisted", waitlist_seq=1, requested_at=T, decided_at=None,
             decided_by=None, reason=None, details={}),
        dict(id=4, user_id=101, cohort_id=3, status="cancelled", waitlist_seq=None, requested_at=T, decided_at=T,
             decided_by=None, reason=None, details={}),
        dict(id=5, user_id=103, cohort_id=5, status="rejected", waitlist_seq=None, requested_at=T, decided_at=T,
             decided_by=102, reason="정원 초과", details={}),
    ],
    "topic_subscriptions": [dict(id=1, user_id=101, topic="it", created_at=T)],
    "exam_rounds": [
        dict(id="open-1", kind="open", title="제1회", title_en="Round 1", selection=418, selection_note="선발",
             note="", note_en="", active=True, updated_at=T),
        dict(id="empty", kind="career", title="일정 미정", title_en="TBA", selection=None, selection_note="",
             note="", note_en="", active=False, updated_at=T),
    ],
    "exam_events": [
        dict(id=1, round_id="open-1", kind="notice", start_on=date(2021, 10, 27), end_on=date(2021, 10, 27),
             precision="day", updated_at=T),
        dict(id=2, round_id="open-1", kind="written", start_on=date(2022, 2, 26), end_on=date(2022, 2, 26),
             precision="day", updated_at=T),
    ],
    "exam_subscriptions": [dict(id=1, user_id=101, round_id="open-1", applicant_no="12", created_at=T)],
    "interview_slots": [dict(id=1, round_id="open-1", user_id=101, starts_at=T, place="본관", source="user",
                             updated_at=T)],
    "reminders": [
        dict(id=1, user_id=101, event_id=2, offset_key="d-7", due_at=T, event_starts_at=T, status="sent",
             processed_at=T, note=None, created_at=T),
        dict(id=2, user_id=101, event_id=2, offset_key="d-1", due_at=T, event_starts_at=T, status="planned",
             processed_at=None, note=None, created_at=T),
    ],
    "broadcasts": [dict(id=1, created_by=102, text="공지", course_id="it-excel", cohort_id=1, audience={"kind": "all"},
                        status="done", scheduled_at=None, total=1, report_sent=True, created_at=T, started_at=T,
                        finished_at=T)],
    "outbox": [
        dict(id=1, key="enr:1:approved:x", user_id=101, chat_id=101, kind="enrollment_status", params={"n": 1},
             status="sent", priority=-1, not_before=T, attempts=1, claimed_at=T, claimed_by="w1", sent_at=T,
             error=None, broadcast_id=None, created_at=T),
        dict(id=2, key="bc:1:101", user_id=101, chat_id=101, kind="broadcast", params={}, status="pending",
             priority=10, not_before=T, attempts=0, claimed_at=None, claimed_by=None, sent_at=None, error=None,
             broadcast_id=1, created_at=T),
    ],
}


async def _snapshot(engine) -> dict[str, list[dict]]:
    def read(conn) -> dict[str, list[dict]]:
        meta = MetaData()
        meta.reflect(conn)
        out = {}
        for name in ROWS:
            table = meta.tables[name]
            order = list(table.primary_key.columns)
            out[name] = [dict(r._mapping) for r in conn.execute(select(table).order_by(*order))]
        return out

    async with engine.connect() as conn:
        return await conn.run_sync(read)


async def _fill(engine) -> None:
    def write(conn) -> None:
        meta = MetaData()
        meta.reflect(conn)
        for name, rows in ROWS.items():  # in dependency order
            conn.execute(insert(meta.tables[name]), rows)

    async with engine.begin() as conn:
        await conn.run_sync(write)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        return
    request.getfixturevalue("pg_url")  # skips (or fails under CI) when PostgreSQL is not there
    name = f"hrdbot_mig_{uuid.uuid4().hex[:10]}"
    await dbs._pg_admin(f'CREATE DATABASE "{name}"')
    yield f"{dbs.PG_HOST}/{name}"
    await dbs._pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_upgrading_a_live_database_keeps_every_row(empty_url):
    engine = make_engine(empty_url)
    try:
        await upgrade(engine, previous_revision())
        await _fill(engine)
        before = await _snapshot(engine)
        assert {k: len(v) for k, v in before.items()} == {k: len(v) for k, v in ROWS.items()}

        await upgrade(engine, REVISION)
        after = await _snapshot(engine)

        for table, rows in before.items():
            assert len(after[table]) == len(rows), f"{table}: {len(rows)} rows before, {len(after[table])} after"
            for old, new in zip(rows, after[table]):
                assert {k: new[k] for k in old} == old, f"{table} row changed"
        years = {r["id"]: r["year"] for r in after["cohorts"]}
        assert years == {1: 2022, 2: 2022, 3: 2022, 4: 2023, 5: 2021}  # the start date's year, whatever the precision
        assert all(r["apply_until"] is None for r in after["cohorts"])  # the default deadline applies
        rounds = {r["id"]: r["year"] for r in after["exam_rounds"]}
        assert rounds["open-1"] == 2021  # its first event (the notice) is in the year before the exams
        assert rounds["empty"] == 2023  # no events: the latest year known

        def plan_years(conn):
            meta = MetaData()
            meta.reflect(conn, only=["plan_years"])
            return {r.year: r.published for r in conn.execute(select(meta.tables["plan_years"]))}

        async with engine.connect() as conn:
            published = await conn.run_sync(plan_years)
        assert published == {2021: True, 2022: True, 2023: True}  # everything that was live stays live
    finally:
        await engine.dispose()


async def test_after_the_upgrade_next_years_cohort_number_one_is_a_new_cohort(empty_url):
    """What the old unique key forbade: #1 of 2023 beside #1 of 2022, and the 2022 enrollments untouched."""
    engine = make_engine(empty_url)
    try:
        await upgrade(engine, previous_revision())
        await _fill(engine)
        await upgrade(engine, REVISION)

        def add(conn):
            meta = MetaData()
            meta.reflect(conn, only=["cohorts"])
            row = {**ROWS["cohorts"][0], "id": 99, "year": 2024, "start_on": date(2024, 3, 4),
                   "end_on": date(2024, 3, 6)}
            conn.execute(insert(meta.tables["cohorts"]), [row])

        async with engine.begin() as conn:
            await conn.run_sync(add)
        after = await _snapshot(engine)
        assert [e["cohort_id"] for e in after["enrollments"]] == [1, 1, 1, 3, 5]
        assert sorted((c["course_id"], c["number"]) for c in after["cohorts"]).count(("it-excel", 1)) == 2
    finally:
        await engine.dispose()
