"""Uploaded files cannot hurt the bot: a zip bomb is refused before it expands, big files are parsed off the event
loop (other people keep getting answers), and control characters (NUL…) in any cell are refused with their row."""
from __future__ import annotations

import asyncio
import io
import time
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from catalog.imports import FileProblem, Limits, import_file, limits, read_table, set_limits
from catalog.search.loader import load_index
from db.access import Actor
from db.models import Course
from db.session import session_scope
from locales import translator
from notifications.exams.imports import ImportFileError
from notifications.exams.imports import read_table as read_exam_table
from tests.handlers.enrollment.factory import NOW

STAFF = Actor.operator("test")
HEADER = "id,title,category,topic,delivery\n"


def _bomb(unpacked: int = 60_000_000) -> bytes:
    """A tiny XLSX-looking zip whose sheet expands to `unpacked` bytes of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"0" * 1_000_000
            for _ in range(unpacked // len(block)):
                sheet.write(block)
    return buf.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb()


def test_a_zip_bomb_is_refused_before_it_expands(bomb):
    assert len(bomb) < 200_000
    started = time.perf_counter()
    with pytest.raises(FileProblem) as err:
        read_table("courses.xlsx", bomb)
    assert time.perf_counter() - started < 1.0
    assert "60 MB" in err.value.problem.render(translator("en"))
    with pytest.raises(ImportFileError, match="unpacked"):  # the exam and interview-slot importers too
        read_exam_table("slots.xlsx", bomb)


def test_the_caps_are_settings(monkeypatch):
    from bot.settings import Settings

    saved = limits()
    try:
        Settings.from_env({"HRDBOT_IMPORT_MAX_ROWS": "3", "HRDBOT_IMPORT_MAX_UNPACKED": "1000"}).apply_limits()
        assert limits() == Limits(2_000_000, 1000, 3)
        with pytest.raises(FileProblem):
            read_table("c.csv", (HEADER + "a,b,c,d,e\n" * 10).encode())
    finally:
        set_limits(saved)


def _big_workbook(rows: int = 4000) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["id", "title", "category", "topic", "delivery", "description"])
    for i in range(rows):
        ws.append([f"big-{i}", f"과정 {i}", "일반교육/직무역량/IT", "it", "online", "설명 " * 40])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def test_a_bomb_is_refused_while_another_person_is_answered_within_200_ms(db, bomb):
    async with db.sessionmaker() as s:
        index = await load_index(s)
    slowest = 0.0
    stop = asyncio.Event()

    async def someone_searching() -> None:
        nonlocal slowest
        while not stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            assert index.search("엑셀", limit=5)
            slowest = max(slowest, time.perf_counter() - started - 0.005)

    searcher = asyncio.create_task(someone_searching())
    try:
        async with db.sessionmaker() as s:
            for _ in range(3):
                with pytest.raises(FileProblem):
                    await import_file(s, "bomb.xlsx", bomb, NOW, actor=STAFF, dry_run=True)
    finally:
        stop.set()
        await searcher
    assert slowest < 0.2, f"a search waited {slowest * 1000:.0f} ms"


async def test_a_big_upload_is_parsed_in_a_worker_thread_not_on_the_event_loop(db, monkeypatch):
    import threading

    import catalog.imports as imports

    threads = []
    real = imports.read_table

    def spy(filename, content):
        threads.append(threading.get_ident())
        return real(filename, content)

    monkeypatch.setattr(imports, "read_table", spy)
    async with db.sessionmaker() as s:
        result = await import_file(s, "big.xlsx", _big_workbook(), NOW, actor=STAFF, dry_run=True)
    assert result.plan.ok and result.plan.rows == 4000
    assert threads and threads[0] != threading.get_ident()


async def test_nul_anywhere_in_a_cell_is_refused_in_the_dry_run_with_its_row(db):
    filler = "x" * 5000  # past the first 4096 bytes, where the binary-file sniffing looks
    content = (HEADER + f"nul-a,정상 과정,일반교육/직무역량/IT,it,online\n"
               f"nul-b,설명{filler}\x00끝,일반교육/직무역량/IT,it,online\n").encode()
    for dry_run in (True, False):
        async with session_scope(db.sessionmaker) as s:
            result = await import_file(s, "c.csv", content, NOW, actor=STAFF, dry_run=dry_run)
        assert not result.applied
        [problem] = result.plan.errors
        assert (problem.row, problem.column) == (3, "title")
        assert "control characters" in problem.render(translator("en"))
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(Course).where(Course.id.like("nul-%")))).scalar() == 0


async def test_control_characters_in_exam_and_slot_files_are_row_errors(db):
    from notifications.exams.imports import import_exams, import_slots

    async with db.sessionmaker() as s:
        exams = await import_exams(s, [(2, {"round_id": "r\x00x", "event": "written", "start": "2022-05-01"})], NOW,
                                   actor=STAFF)
        slots = await import_slots(s, [(2, {"round_id": "x", "telegram_id": "1", "date": "2022-05-01",
                                            "time": "10:00", "place": "본관\x1b[31m"})], NOW, actor=STAFF)
        await s.rollback()
    assert any("control characters" in str(e) for e in exams.errors)
    assert any("place contains control characters" in str(e) for e in slots.errors)
