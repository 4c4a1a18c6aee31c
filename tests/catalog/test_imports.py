"""Staff imports of courses and cohorts: row-by-row validation with row numbers, all or nothing, dry run."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import insert, select

from catalog.imports import MAX_BYTES, FileProblem, import_file, read_table
from db.access import Actor
from db.models import Cohort, Course, Enrollment, User
from db.session import session_scope
from locales import translator

EN = translator("en")


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def run(db, clock, name, content, **kw):
    async with session_scope(db.sessionmaker) as s:
        return await import_file(s, name, content, clock.now(), actor=Actor.operator("test"), **kw)


async def test_xlsx_courses_dry_run_then_apply_says_added_updated_unchanged(db, clock):
    async with db.sessionmaker() as s:
        excel = await s.get(Course, "it-excel")
    rows = [["id", "title", "title_en", "category", "topic", "delivery", "hours", "keywords"],
            ["ai-basics", "생성형 AI 업무 활용", "Generative AI", "일반교육/직무역량/IT", "it", "online", 14, "AI, 챗GPT"],
            ["it-excel", excel.title, excel.title_en, excel.category, excel.topic, excel.delivery, 28, None],
            ["it-excel-2", excel.title + " 심화", None, excel.category, "IT", "BLENDED", None, None]]
    rows[2][6] = excel.hours  # the same as in the catalog (empty cells change nothing)
    dry = await run(db, clock, "courses.xlsx", xlsx(rows), dry_run=True)
    assert dry.plan.ok and not dry.applied
    assert [(c.key, c.action) for c in dry.plan.changes] == [
        ("ai-basics", "added"), ("it-excel", "unchanged"), ("it-excel-2", "added")]
    async with db.sessionmaker() as s:
        assert await s.get(Course, "ai-basics") is None

    rows[2][6] = 99
    result = await run(db, clock, "courses.xlsx", xlsx(rows))
    assert result.applied and result.new_courses == ["ai-basics", "it-excel-2"]
    assert [c.changed for c in result.plan.changes if c.action == "updated"] == [("hours",)]
    async with db.sessionmaker() as s:
        ai = await s.get(Course, "ai-basics")
        assert (ai.keywords, ai.hours, ai.topic) == (["AI", "챗GPT"], 14.0, "it")
        assert (await s.get(Course, "it-excel-2")).title_en == excel.title + " 심화"  # English falls back to Korean
        assert (await s.get(Course, "it-excel")).hours == 99


async def test_one_bad_row_imports_nothing_and_every_error_names_its_row(db, clock):
    csv = ("id,title,category,topic,delivery,approval\n"
           "good-one,좋은 과정,일반교육,it,online,auto\n"
           "\n"
           "Bad Id,제목,일반교육,it,online,\n"
           "no-topic,제목,일반교육,cooking,online,\n"
           "no-delivery,제목,일반교육,it,teleport,\n"
           "good-one,중복,일반교육,it,online,\n"
           "missing-title,,일반교육,it,online,\n"
           "bad-approval,제목,일반교육,it,online,maybe\n")
    result = await run(db, clock, "c.csv", csv.encode())
    assert not result.applied
    found = [(e.row, e.column) for e in result.plan.errors]
    assert found == [(4, "id"), (5, "topic"), (6, "delivery"), (7, "id"), (8, "title"), (9, "approval")]
    text = [e.render(EN) for e in result.plan.errors]
    assert text[1].startswith("row 5, topic: unknown topic “cooking”")
    assert text[3] == "row 7, id: the id good-one is already on row 2"
    async with db.sessionmaker() as s:
        assert await s.get(Course, "good-one") is None  # all or nothing


async def test_cohorts_are_checked_against_the_catalog_and_seats_taken(db, clock):
    async with session_scope(db.sessionmaker) as s:
        cohort = (await s.execute(select(Cohort).where(Cohort.course_id == "it-excel", Cohort.number == 1))).scalar_one()
        await s.execute(insert(User), [dict(id=i, chat_id=i, created_at=clock.now()) for i in (1, 2, 3)])
        await s.execute(insert(Enrollment), [dict(user_id=i, cohort_id=cohort.id, status="confirmed",
                                                  requested_at=clock.now()) for i in (1, 2, 3)])
    csv = ("course_id,no,start,end,capacity,precision\n"
           "it-excel,1,2022-03-02,2022-03-04,2,day\n"      # below the 3 seats taken
           "ghost,1,2022-03-02,,10,\n"                      # no such course
           "it-excel,7,2022/05/02,2022.05.01,10,\n"         # ends before it starts
           "it-excel,8,2022-05-02,,ten,\n"                  # capacity not a number
           "it-excel,9,2022-05-02,,10,fortnight\n")        # unknown precision
    result = await run(db, clock, "h.csv", csv.encode())
    assert [(e.row, e.column) for e in result.plan.errors] == [
        (2, "capacity"), (3, "course_id"), (4, "end"), (5, "capacity"), (6, "precision")]
    ok = ("course_id,no,start,end,capacity\n"
          "it-excel,1,2022-03-02,2022-03-04,3\n"
          "it-excel,7,2022-05-02,2022-05-04,\n")
    dry = await run(db, clock, "h.csv", ok.encode(), dry_run=True)
    assert [(c.key, c.action) for c in dry.plan.changes] == [("it-excel 2022 #1", "updated"), ("it-excel 2022 #7", "added")]
    result = await run(db, clock, "h.csv", ok.encode())
    assert result.applied and list(result.new_cohorts) == ["it-excel"]
    async with db.sessionmaker() as s:
        new = (await s.execute(select(Cohort).where(Cohort.course_id == "it-excel", Cohort.number == 7))).scalar_one()
    assert (new.start_on, new.end_on, new.capacity) == (date(2022, 5, 2), date(2022, 5, 4), None)


async def test_xlsx_dates_and_korean_excel_csv_are_read(db, clock):
    content = xlsx([["course_id", "no", "start", "end"], ["it-excel", 12, datetime(2022, 11, 1), date(2022, 11, 3)]])
    result = await run(db, clock, "h.xlsx", content)
    assert result.applied
    euckr = "course_id,no,start,end,track\nit-excel,13,2022년 12월 1일,2022-12-02,귀농귀촌\n".encode("cp949")
    result = await run(db, clock, "h.csv", euckr)
    assert result.applied
    async with db.sessionmaker() as s:
        c = (await s.execute(select(Cohort).where(Cohort.course_id == "it-excel", Cohort.number == 13))).scalar_one()
    assert (c.start_on, c.track) == (date(2022, 12, 1), "귀농귀촌")


@pytest.mark.parametrize("name,content,reason", [
    ("x.csv", b"", "The file is empty."),
    ("x.csv", b"   \n\n", "The file is empty."),
    ("x.csv", b"\x00\x01binary" * 10, "contains binary data"),
    ("x.pdf", b"%PDF-1.4 ...", "Only CSV or XLSX"),
    ("x.xlsx", b"PK\x03\x04garbage", "cannot be opened"),
    ("x.xlsx", b"id,title\n", "cannot be opened"),
    ("x.csv", b"a" * (MAX_BYTES + 1), "too big"),
    ("x.csv", ("id,title,category,topic,delivery\n" + "a,b,c,it,online\n" * 6000).encode(), "more than"),
])
def test_files_that_are_not_catalog_tables_are_refused_with_a_reason(name, content, reason):
    with pytest.raises(FileProblem) as err:
        read_table(name, content)
    assert reason in err.value.problem.render(EN)


async def test_wrong_columns_are_named(db, clock):
    with pytest.raises(FileProblem) as err:
        await run(db, clock, "x.csv", "id,title,topic\nx,y,it\n".encode(), kind="courses")
    assert "Missing columns: category, delivery" in err.value.problem.render(EN)
    with pytest.raises(FileProblem) as err:
        await run(db, clock, "x.csv", "name,phone\nx,1\n".encode())
    assert "cannot tell what this file contains" in err.value.problem.render(EN)
