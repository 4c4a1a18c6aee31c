"""Malformed staff files at the importers (courses/cohorts, exam calendar, interview slots) and at the bot's
document handler: the only exception an importer may raise is its own "unreadable file" error, a file with any
bad row changes nothing, and a file sent to the bot gets an answer, never an error."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.access import Actor
from db.session import session_scope
from tests.fuzz.support import ME, STAFF, examples, record

COURSE_COLUMNS = ["id", "title", "category", "topic", "delivery", "title_en", "duration_ko", "duration_en", "hours",
                  "audience", "approval", "keywords", "aliases", "description", "source", "active"]
COHORT_COLUMNS = ["course_id", "no", "start", "end", "precision", "capacity", "capacity_estimated", "track",
                  "status"]
EXAM_COLUMNS = ["round_id", "round_kind", "title", "title_en", "selection", "note", "event", "start", "end",
                "precision"]
SLOT_COLUMNS = ["round_id", "telegram_id", "applicant_no", "date", "time", "place"]
ALL_COLUMNS = sorted(set(COURSE_COLUMNS + COHORT_COLUMNS + EXAM_COLUMNS + SLOT_COLUMNS))

cell_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["", " ", "it-excel", "new-hire-basic", "2022-03-07", "2022-13-45", "2022.3.7", "22/3/7",
                     "0000-00-00", "9999-12-31", "-1", "0", "1e9", "NaN", "inf", "10:30", "25:61", "14시 30분",
                     "auto", "staff", "day", "quarter", "written", "interview", "open", "face_to_face", "it",
                     "true", "예", "=1/0", "=HYPERLINK(\"x\")", "1;2;3", "\"", "\n", "a" * 600]),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    family = draw(st.sampled_from([COURSE_COLUMNS, COHORT_COLUMNS, EXAM_COLUMNS, SLOT_COLUMNS, ALL_COLUMNS]))
    headers = draw(st.lists(st.one_of(st.sampled_from(family), st.text(max_size=8)), max_size=12))
    if draw(st.booleans()):
        headers = list(family)
    rows = draw(st.lists(st.lists(cell_text, max_size=len(headers) + 2), max_size=8))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp949", "utf-16", "latin-1"]))
    content = out.getvalue().encode(encoding, errors="replace")
    return draw(st.sampled_from(["import.csv", "x.CSV", "data.txt", "courses.csv"])), content


@st.composite
def xlsx_files(draw) -> tuple[str, bytes]:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def legal(row):  # a workbook cannot hold control characters at all
        return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]

    family = draw(st.sampled_from([COURSE_COLUMNS, COHORT_COLUMNS, EXAM_COLUMNS, SLOT_COLUMNS]))
    wb = Workbook()
    ws = wb.active
    ws.append(list(family) if draw(st.booleans()) else legal(draw(st.lists(cell_text, max_size=8))))
    values = st.one_of(cell_text, st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                       st.none(), st.booleans(), st.dates(), st.datetimes(), st.times())
    for row in draw(st.lists(st.lists(values, max_size=len(family) + 1), max_size=5)):
        ws.append(legal(row))
    buf = io.BytesIO()
    wb.save(buf)
    content = buf.getvalue()
    if draw(st.booleans()):  # a damaged workbook: truncated, or bytes flipped
        cut = int(len(content) * draw(st.floats(0, 1)))  # a fraction: the workbook's size varies with its timestamp
        content = content[:cut] + draw(st.binary(max_size=20))
    return draw(st.sampled_from(["import.xlsx", "slots.XLSX", "x.xlsm"])), content


def _zip_of(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


files = st.one_of(
    csv_files(), csv_files(), xlsx_files(),
    st.tuples(st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a.pdf", "noext", "한글.csv", "a.xls"]),
              st.binary(max_size=600)),
    st.tuples(st.just("fake.xlsx"), st.builds(_zip_of, st.dictionaries(
        st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "x"]),
        st.binary(max_size=50), max_size=3))),
    st.tuples(st.just("empty.csv"), st.just(b"")),
)


async def _catalog_import(fb, name: str, content: bytes) -> str:
    from catalog.imports import FileProblem, import_file

    async with session_scope(fb.sessionmaker) as session:
        try:
            result = await import_file(session, name, content, fb.clock.now(), actor=Actor.operator("fuzz"))
        except FileProblem:
            return "refused"
        return "applied" if result.applied else "refused"


async def _exam_import(fb, name: str, content: bytes, kind: str) -> str:
    from notifications.exams.imports import ImportFileError, import_exams, import_slots, read_table

    try:
        table = read_table(name, content)
    except (ImportFileError, UnicodeDecodeError):  # its caller (bot/commands/exams.py) reports both in one line
        return "refused"
    async with session_scope(fb.sessionmaker) as session:
        try:
            result = await (import_exams if kind == "exams" else import_slots)(session, table, fb.clock.now(), actor=Actor.operator("fuzz"))
        except ImportFileError:
            return "refused"
        return "applied" if result.applied else "refused"


# Found by this fuzzing: a bare \r made csv.reader raise csv.Error instead of a polite "cannot read this file".
def test_csv_with_a_bare_carriage_return_is_refused_politely(fuzzbot):
    fb = fuzzbot
    assert fb.run(_catalog_import(fb, "a.csv", b"id,title\r\x01")) == "refused"
    fb.act_as(STAFF)
    fb.document("a.csv", b"\r\x01")
    assert not fb.problems()


@pytest.mark.parametrize("importer", ["courses-cohorts", "exams", "interview-slots"])
@given(file=files)
@examples(60)
def test_importers_refuse_bad_files_without_writing(fuzzbot, importer, file):
    name, content = file
    fb = fuzzbot
    if importer == "courses-cohorts":
        pytest.importorskip("catalog.imports", reason="the course/cohort importer has not landed")
        run = _catalog_import(fb, name, content)
    else:
        pytest.importorskip("notifications.exams.imports", reason="the exam importers have not landed")
        run = _exam_import(fb, name, content, "exams" if importer == "exams" else "slots")
    before = fb.snapshot()
    outcome = fb.run(run)  # any exception other than the importer's own "unreadable file" fails the test
    if outcome == "refused":
        assert fb.snapshot() == before, f"{importer} refused {name} but changed data"
    record(f"import {importer}", 1)


@given(file=files, staff=st.booleans())
@examples(80)
def test_files_sent_to_the_bot_get_an_answer(fuzzbot, file, staff):
    """A staff member (or anyone) sends a file in the chat: a report or a refusal, never an error."""
    name, content = file
    fb = fuzzbot
    fb.act_as(STAFF if staff else ME)
    before = fb.snapshot()
    sent = fb.document(name, content)
    problems = fb.problems()
    assert not problems, f"{name} ({len(content)} bytes): {problems}"
    assert sent, f"no answer to {name}"
    if not staff:
        assert fb.snapshot() == before, "a file from a non-staff user changed data"
    record("document to the bot", 1)
