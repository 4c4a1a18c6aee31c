"""Plan years: a cohort is (course, year, number); next year's plan never touches this year's; drafts are invisible
to employees (cards, search, requests, /my) until published; the current plan follows the clock; the seeder fills
only an empty database."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select, update

from bot.cli import build_parser
from catalog import enrollment as svc
from catalog.courses import course_card
from catalog.imports import import_file
from catalog.plan import current_year, ensure_year, pick_current
from catalog.search.loader import load_index
from db.access import Actor
from db.clock import FakeClock
from db.models import Cohort, Course, Enrollment, PlanYear, Profile
from db.seed import seed_all
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW, add_people

NEXT_YEAR_CSV = ("course_id,year,no,start,end,capacity\n"
                 "new-hire-advanced,2023,1,2023-01-09,2023-01-27,350\n"
                 "new-hire-advanced,2023,2,2023-02-06,2023-02-24,350\n").encode()


async def _import(db, content: bytes, now=NOW, name="cohorts.csv", **kw):
    async with session_scope(db.sessionmaker) as s:
        return await import_file(s, name, content, now, actor=Actor.operator("test"), **kw)


async def _first_cohort_2022(db) -> Cohort:
    async with db.sessionmaker() as s:
        return (await s.execute(select(Cohort).where(Cohort.course_id == "new-hire-advanced", Cohort.year == 2022,
                                                     Cohort.number == 1))).scalar_one()


def test_the_current_plan_is_this_years_when_published_else_the_latest_published():
    assert pick_current([2022, 2023], date(2023, 3, 1)) == 2023
    assert pick_current([2022], date(2023, 1, 5)) == 2022  # January, the new plan not published yet
    assert pick_current([2022, 2023], date(2022, 12, 1)) == 2022
    assert pick_current([], date(2023, 1, 5)) is None


async def test_next_years_cohort_one_is_a_new_cohort_and_this_years_keeps_its_people(db):
    before = await _first_cohort_2022(db)
    await add_people(db, [5001])
    async with session_scope(db.sessionmaker) as s:  # a new hire of last year: this course is for them
        await s.execute(update(Profile).where(Profile.user_id == 5001).values(hired_on=date(2021, 9, 1)))
        assert (await svc.request_seat(s, user_id=5001, cohort_id=before.id, now=NOW)).status == "pending"

    dry = await _import(db, NEXT_YEAR_CSV, dry_run=True)
    assert [(c.key, c.action) for c in dry.plan.changes] == [
        ("new-hire-advanced 2023 #1", "added"), ("new-hire-advanced 2023 #2", "added")]
    result = await _import(db, NEXT_YEAR_CSV)
    assert result.applied and result.years == {2023}

    after = await _first_cohort_2022(db)
    assert (after.id, after.start_on, after.end_on) == (before.id, before.start_on, before.end_on)
    async with db.sessionmaker() as s:
        mine = (await s.execute(select(Enrollment).where(Enrollment.user_id == 5001))).scalar_one()
        assert mine.cohort_id == before.id
        year = await s.get(PlanYear, 2023)
        assert year is not None and not year.published  # a new year starts as a draft


async def test_a_file_without_a_year_column_is_the_current_plan(db):
    before = await _first_cohort_2022(db)
    rows = b"course_id,no,start,end\nnew-hire-advanced,1,2022-01-10,2022-01-29\n"
    dry = await _import(db, rows, dry_run=True)
    assert [(c.key, c.action, c.changed) for c in dry.plan.changes] == [
        ("new-hire-advanced 2022 #1", "updated", ("end_on",))]
    assert before.end_on != date(2022, 1, 29)
    # Once 2023 is published and the clock is in 2023, the same file without a year means 2023.
    later = FakeClock("2023-02-01T09:00").now()
    await _import(db, NEXT_YEAR_CSV)
    async with session_scope(db.sessionmaker) as s:
        await s.execute(update(PlanYear).where(PlanYear.year == 2023).values(published=True))
        assert await current_year(s, later.date()) == 2023
    dry = await _import(db, b"course_id,no,start,end\nnew-hire-advanced,1,2023-01-10,2023-01-27\n", now=later,
                        dry_run=True)
    assert [(c.key, c.action) for c in dry.plan.changes] == [("new-hire-advanced 2023 #1", "updated")]


async def test_a_bad_year_is_a_row_error(db):
    result = await _import(db, b"course_id,year,no,start\nit-excel,23,1,2023-03-02\nit-excel,x,2,2023-03-02\n")
    assert not result.applied and sorted(p.row for p in result.plan.errors) == [2, 3]
    assert all(p.column == "year" for p in result.plan.errors)


async def test_drafts_are_invisible_to_employees_until_the_year_is_published(db):
    await _import(db, NEXT_YEAR_CSV)
    await _import(db, "id,title,category,topic,delivery\nai-new,생성형 AI 신규과정,일반교육/직무역량/IT,it,online\n"
                  .encode(), name="courses.csv")
    await _import(db, b"course_id,year,no,start\nai-new,2023,1,2023-03-06\n")
    today = date(2022, 12, 20)
    await add_people(db, [5002])
    async with session_scope(db.sessionmaker) as s:
        card = await course_card(s, "new-hire-advanced", today=today)
        assert {c.year for c in card.cohorts} <= {2022}
        draft = (await s.execute(select(Cohort.id).where(Cohort.course_id == "ai-new"))).scalar_one()
        assert await svc.preview(s, user_id=5002, cohort_id=draft, today=today) is None
        refused = await svc.request_seat(s, user_id=5002, cohort_id=draft, now=NOW)
        assert refused.status == "refused" and refused.refusal.code == "not_found"
        assert "ai-new" not in {h.course_id for h in (await load_index(s)).search("생성형 AI 신규과정")}
        assert (await course_card(s, "ai-new", today=today)).cohorts == ()

        (await s.get(PlanYear, 2023)).published = True
        await s.flush()
        card = await course_card(s, "new-hire-advanced", today=today)
        assert [(c.year, c.number) for c in card.cohorts if c.year == 2023] == [(2023, 1), (2023, 2)]
        hits = (await load_index(s)).search("생성형 AI 신규과정")
        assert hits and hits[0].course_id == "ai-new"
        assert (await svc.request_seat(s, user_id=5002, cohort_id=draft, now=NOW)).status == "confirmed"


async def test_cards_list_current_and_upcoming_cohorts_only(db):
    async with db.sessionmaker() as s:
        cohorts = list((await s.execute(select(Cohort).where(Cohort.course_id == "new-hire-advanced")
                                        .order_by(Cohort.number))).scalars())
        after_first = cohorts[0].end_on.toordinal() + 1
        card = await course_card(s, "new-hire-advanced", today=date.fromordinal(after_first))
    assert [c.number for c in card.cohorts] == [c.number for c in cohorts[1:]]


async def test_the_seeder_fills_an_empty_database_only(db):
    async with session_scope(db.sessionmaker) as s:
        (await s.get(Course, "it-excel")).active = False  # staff retired it
        first = (await s.execute(select(Cohort).where(Cohort.course_id == "it-excel", Cohort.number == 1))).scalar_one()
        first.start_on = date(2022, 3, 14)  # and moved a cohort
        await s.delete((await s.execute(select(Cohort).where(Cohort.course_id == "it-excel",
                                                             Cohort.number == 2))).scalar_one())
    async with db.sessionmaker() as s:
        counts = (await s.scalar(select(func.count()).select_from(Course)),
                  await s.scalar(select(func.count()).select_from(Cohort)))
    async with session_scope(db.sessionmaker) as s:
        report = await seed_all(s, NOW)
    assert report.total == 0
    async with db.sessionmaker() as s:
        assert (await s.scalar(select(func.count()).select_from(Course)),
                await s.scalar(select(func.count()).select_from(Cohort))) == counts
        assert not (await s.get(Course, "it-excel")).active
        assert (await s.get(Cohort, first.id)).start_on == date(2022, 3, 14)


async def test_the_seeded_plan_is_published_and_current(db):
    async with db.sessionmaker() as s:
        assert [(y.year, y.published) for y in (await s.execute(select(PlanYear))).scalars()] == [(2022, True)]
        assert await current_year(s, date(2022, 5, 1)) == 2022
        assert await current_year(s, date(2024, 5, 1)) == 2022  # nothing newer published: still the latest
        await ensure_year(s, 2024, NOW)
        assert await current_year(s, date(2024, 5, 1)) == 2022  # a draft is not the current plan


async def test_cohorts_json_lists_a_years_cohorts(db, monkeypatch, capsys):
    await _import(db, NEXT_YEAR_CSV)
    monkeypatch.setenv("HRDBOT_DATABASE_URL", db.url)
    monkeypatch.setenv("HRDBOT_NOW", "2022-01-03T09:00")
    for year, published in ((2022, True), (2023, False)):
        args = build_parser().parse_args(["cohorts", "--year", str(year), "--json"])
        assert await args.func(args) == 0
        rows = json.loads(capsys.readouterr().out)
        assert rows and all(r["year"] == year and r["published"] is published for r in rows)
        assert {"course_id", "title", "year", "number", "start", "end", "capacity", "published"} <= set(rows[0])
    assert [(r["course_id"], r["number"], r["start"], r["capacity"]) for r in rows] == [
        ("new-hire-advanced", 1, "2023-01-09", 350), ("new-hire-advanced", 2, "2023-02-06", 350)]
