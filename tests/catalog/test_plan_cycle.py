"""The staff's yearly cycle: export → edit → import, copy → publish; all on SQLite and PostgreSQL.

Export then import changes nothing and exporting again gives the same cells; a plan file is all or nothing with
every problem of a row; copying drafts next year on the same weeks; publishing tells course-news subscribers once
per course; importing a changed plan into a published year tells each affected person once, and last year's plan
reads the same before and after.
"""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.cli import build_parser
from catalog import enrollment as svc
from catalog.courses import course_card
from catalog.plan import is_published
from catalog.planfile import copy_plan, export_plan, import_plan, shifted
from catalog.search.loader import load_index
from db.access import Actor
from db.models import Cohort, OutboxMessage
from db.session import session_scope
from notifications.news import subscribe
from notifications.plans import import_plan_and_tell, publish_year
from tests.handlers.enrollment.factory import NOW, add_people
from tests.support.workbooks import workbook

LATER = NOW.replace(month=11)
STAFF = Actor.operator("test")
WEEK = timedelta(days=7)


def cells(content: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(content))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


async def _export(db, year: int) -> bytes:
    async with session_scope(db.sessionmaker) as s:
        return (await export_plan(s, year))[0]


async def _import(db, content: bytes, *, dry_run=False, now=LATER, year=2022):
    async with session_scope(db.sessionmaker) as s:
        return await import_plan(s, content, now, actor=STAFF, default_year=year, dry_run=dry_run)


async def _news_count(db) -> int:
    async with db.sessionmaker() as s:
        return await s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "course_news"))


async def test_export_then_import_changes_nothing_and_export_again_is_identical(db):
    first = await _export(db, 2022)
    sheets = cells(first)
    assert list(sheets) == ["courses", "cohorts"]
    header = sheets["cohorts"][0]
    assert header[:5] == ("course_id", "year", "no", "start", "end")
    assert len(sheets["cohorts"]) - 1 == 247 and len(sheets["courses"]) - 1 == 70
    assert all(isinstance(r[3], datetime) for r in sheets["cohorts"][1:])  # real date cells, not text
    dry = await _import(db, first, dry_run=True)
    assert dry.ok and not dry.applied
    assert {c.action for c in dry.courses.changes} == {"unchanged"}
    assert {c.action for c in dry.cohorts.changes} == {"unchanged"}
    done = await _import(db, first)
    assert done.applied
    assert cells(await _export(db, 2022)) == sheets


async def test_a_plan_file_is_all_or_nothing_with_every_problem_of_every_row(db):
    rows = cells(await _export(db, 2022))["cohorts"]
    header = list(rows[0])
    good = list(rows[1])
    good[header.index("year")], good[header.index("no")] = 2023, 1
    bad = list(rows[2])
    bad[header.index("year")] = 2023
    bad[header.index("start")], bad[header.index("capacity")] = "next spring", "many"
    content = workbook({"courses": [["id", "title", "category", "topic", "delivery"]],
                        "cohorts": [header, good, bad]})
    result = await _import(db, content)
    assert not result.ok and not result.applied
    problems = [(sheet, p.row, p.column) for sheet, p in result.errors()]
    assert problems == [("cohorts", 3, "start"), ("cohorts", 3, "capacity")]
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Cohort).where(Cohort.year == 2023)) == 0


def test_copy_keeps_the_week_and_weekday_or_the_period():
    day = Cohort(start_on=date(2022, 3, 7), end_on=date(2022, 3, 11), precision="day", apply_until=date(2022, 2, 25))
    start, end, until = shifted(day, 1)
    assert (start, end, until) == (date(2023, 3, 6), date(2023, 3, 10), date(2023, 2, 24))
    assert start.isocalendar()[1:] == day.start_on.isocalendar()[1:]  # week 10, Monday
    quarter = Cohort(start_on=date(2022, 4, 1), end_on=date(2022, 6, 30), precision="quarter", apply_until=None)
    assert shifted(quarter, 1)[:2] == (date(2023, 4, 1), date(2023, 6, 30))
    leap = Cohort(start_on=date(2023, 2, 1), end_on=date(2023, 2, 28), precision="month", apply_until=None)
    assert shifted(leap, 1)[:2] == (date(2024, 2, 1), date(2024, 2, 28))


async def test_copy_publish_and_a_changed_import_with_last_year_untouched(db):
    await add_people(db, [6001, 6002, 6003])
    async with session_scope(db.sessionmaker) as s:
        excel = (await s.execute(select(Cohort).where(Cohort.course_id == "it-excel", Cohort.year == 2022,
                                                      Cohort.number == 1))).scalar_one()
        assert (await svc.request_seat(s, user_id=6001, cohort_id=excel.id, now=NOW)).status == "confirmed"
        await subscribe(s, 6003, "it", NOW)
    last_year = cells(await _export(db, 2022))
    news_before = await _news_count(db)

    async with session_scope(db.sessionmaker) as s:
        dry = await copy_plan(s, 2022, 2023, LATER, actor=STAFF, dry_run=True)
    assert len(dry.added) == 247
    async with session_scope(db.sessionmaker) as s:
        copied = await copy_plan(s, 2022, 2023, LATER, actor=STAFF)
        assert len(copied.added) == 247 and not await is_published(s, 2023)
        again = await copy_plan(s, 2022, 2023, LATER, actor=STAFF)
        assert (len(again.added), again.existing) == (0, 247)
        card = await course_card(s, "it-excel", today=LATER.date())
        assert all(c.year == 2022 for c in card.cohorts)  # drafts are invisible
    assert await _news_count(db) == news_before  # a draft is nobody's news

    async with session_scope(db.sessionmaker) as s:
        published = await publish_year(s, 2023, LATER, actor=STAFF)
    assert published.cohorts == 247 and published.courses == 70
    it_courses = sum(1 for c in cells(await _export(db, 2023))["courses"][1:] if c[3] == "it")
    assert await _news_count(db) - news_before == it_courses  # once per course of the subscriber's topic
    async with session_scope(db.sessionmaker) as s:
        assert (await publish_year(s, 2023, LATER, actor=STAFF)).already
    assert await _news_count(db) - news_before == it_courses

    async with session_scope(db.sessionmaker) as s:
        excel_2023 = (await s.execute(select(Cohort).where(Cohort.course_id == "it-excel", Cohort.year == 2023,
                                                           Cohort.number == 1))).scalar_one()
        assert shifted(excel, 1)[:2] == (excel_2023.start_on, excel_2023.end_on)
        assert (await svc.request_seat(s, user_id=6002, cohort_id=excel_2023.id, now=LATER)).status == "confirmed"
        hits = (await load_index(s)).search("엑셀")
        assert hits and any(h.course_id == "it-excel" for h in hits)

    # Staff move 2023 #1 a week later in the workbook and import it: 6002 hears once; 2022 is untouched.
    plan = cells(await _export(db, 2023))
    header = list(plan["cohorts"][0])
    edited = [list(r) for r in plan["cohorts"]]
    for row in edited[1:]:
        if row[0] == "it-excel" and row[2] == 1:
            row[header.index("start")] = excel_2023.start_on + WEEK
            row[header.index("end")] = excel_2023.end_on + WEEK
    content = workbook({"courses": plan["courses"], "cohorts": edited})
    moved = []
    for _ in range(2):  # the same file twice: one notice
        async with session_scope(db.sessionmaker) as s:
            outcome = await import_plan_and_tell(s, content, LATER.replace(year=2023), actor=STAFF)
        assert outcome.plan.applied
        moved.append(([c.key for c in outcome.plan.cohorts.changes if c.action == "updated"], outcome.moved))
    assert moved == [(["it-excel 2023 #1"], 1), ([], 0)]
    async with db.sessionmaker() as s:
        told = (await s.execute(select(OutboxMessage.user_id, OutboxMessage.params).where(
            OutboxMessage.kind == "enrollment_status"))).all()
    dates = [(uid, p["start"]) for uid, p in told if p.get("event") == "dates"]
    assert dates == [(6002, (excel_2023.start_on + WEEK).isoformat())]
    assert cells(await _export(db, 2022)) == last_year


async def test_plan_commands_as_staff_run_them(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HRDBOT_DATABASE_URL", db.url)
    monkeypatch.setenv("HRDBOT_NOW", "2022-11-01T09:00")

    async def run(*argv) -> int:
        args = build_parser().parse_args(list(argv))
        return await args.func(args)

    target = tmp_path / "plan-2022.xlsx"
    assert await run("plan", "export", "--year", "2022", "--xlsx", str(target)) == 0
    assert await run("plan", "import", str(target), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "247" in out
    assert await run("plan", "copy", "--from", "2022", "--to", "2023", "--dry-run") == 0
    assert "would draft 247 cohorts of 2023" in capsys.readouterr().out
    assert await run("plan", "copy", "--from", "2022", "--to", "2023") == 0
    assert await run("plan", "publish", "2023") == 0
    assert "published the 2023 plan: 247 cohorts of 70 courses" in capsys.readouterr().out
    assert await run("plan", "copy", "--from", "2022", "--to", "2023") == 1  # published: change it by import
    assert "already published" in capsys.readouterr().err
    assert await run("plan", "publish", "1999") == 2
    assert await run("plan", "years") == 0
    assert "2023  published" in capsys.readouterr().out


async def test_only_staff_copy_import_or_publish_a_plan(db):
    import pytest

    from db.access import Forbidden

    await add_people(db, [6100])
    employee = Actor.person(6100)
    content = await _export(db, 2022)
    async with session_scope(db.sessionmaker) as s:
        with pytest.raises(Forbidden):
            await copy_plan(s, 2022, 2023, LATER, actor=employee)
        with pytest.raises(Forbidden):
            await publish_year(s, 2022, LATER, actor=employee)
        with pytest.raises(Forbidden):
            await import_plan(s, content, LATER, actor=employee, default_year=2022, dry_run=True)
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Cohort).where(Cohort.year == 2023)) == 0


async def test_a_new_course_with_its_cohorts_in_one_plan_file_is_one_news_message(db):
    """The courses sheet makes the course new and the cohorts sheet gives it cohorts: one notice, with the dates."""
    await add_people(db, [6101])
    async with session_scope(db.sessionmaker) as s:
        await subscribe(s, 6101, "it", NOW)
    plan = cells(await _export(db, 2022))
    course_header, cohort_header = list(plan["courses"][0]), list(plan["cohorts"][0])
    course = dict(zip(course_header, next(r for r in plan["courses"][1:] if r[0] == "it-excel")))
    course.update(id="it-new", title="새 데이터 분석 과정", title_en="New data analysis")
    cohort = dict(zip(cohort_header, next(r for r in plan["cohorts"][1:] if r[0] == "it-excel")))
    cohorts = []
    for no in (1, 2):
        row = {**cohort, "course_id": "it-new", "no": no, "start": datetime(2022, 12, 5 + 7 * no),
               "end": datetime(2022, 12, 6 + 7 * no), "apply_until": None}
        cohorts.append([row[h] for h in cohort_header])
    content = workbook({"courses": [course_header, [course[h] for h in course_header]],
                        "cohorts": [cohort_header, *cohorts]})
    news_before = await _news_count(db)
    async with session_scope(db.sessionmaker) as s:
        outcome = await import_plan_and_tell(s, content, LATER, actor=STAFF)
    assert outcome.plan.applied and outcome.told == 1
    async with db.sessionmaker() as s:
        told = (await s.execute(select(OutboxMessage.params).where(
            OutboxMessage.kind == "course_news", OutboxMessage.user_id == 6101))).scalars().all()
    assert await _news_count(db) - news_before == 1
    assert [(p["new_course"], [c["no"] for c in p["cohorts"]]) for p in told] == [(True, [1, 2])]
