"""NUL and other control bytes in every button action (staff ones too) and in every importer, and zip bombs at every
importer and at the bot's document handler: polite answers, nothing written, no error logged — on SQLite and on
PostgreSQL, which cannot store NUL at all."""
from __future__ import annotations

import io
import zipfile

import pytest

from handlers.callbacks import _ROUTES
from tests.fuzz.support import ME, STAFF, record
from tests.fuzz.test_fuzz_imports import _catalog_import, _exam_import

BAD = ["\x00", "1\x00", "\x00:1", "9\x00\x00", "\x1b[2J", "\x7f"]


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(55):
                sheet.write(b"\0" * 1_000_000)
    return buf.getvalue()


def _press_everything(fb) -> int:
    pressed = 0
    for actor in (ME, STAFF):
        fb.act_as(actor)
        before = fb.snapshot()  # and still the state before each next press, as long as none changes anything
        for action in sorted(_ROUTES):
            for arg in BAD:
                fb.press(f"{action}:{arg}"[:64])
                problems = fb.problems()
                assert not problems, f"{action}:{arg!r} as {actor}: {problems}"
                assert fb.snapshot() == before, f"{action}:{arg!r} as {actor} changed data"
                pressed += 1
    return pressed


def test_control_bytes_in_every_button_sqlite(fuzzbot):
    record("nul-callback (sqlite)", _press_everything(fuzzbot))


@pytest.mark.postgres
def test_control_bytes_in_every_button_pg(fuzzbot_pg):
    record("nul-callback (postgresql)", _press_everything(fuzzbot_pg))


FILES = [
    ("bomb.xlsx", _bomb()),
    ("nul.csv", ("id,title,category,topic,delivery\nnul-1,a\x00b,일반교육/직무역량/IT,it,online\n").encode()),
    ("late-nul.csv", ("id,title,category,topic,delivery,description\n" + "nul-2,ok,일반교육/직무역량/IT,it,online,"
                      + "x" * 5000 + "\x00\n").encode()),
    ("slots.csv", "round_id,telegram_id,date,time,place\nr,1,2022-05-01,10:00,\x00본관\n".encode()),
]


@pytest.mark.parametrize("name,content", FILES, ids=[f[0] for f in FILES])
def test_bombs_and_nuls_at_every_importer_and_the_bot(fuzzbot, name, content):
    fb = fuzzbot
    before = fb.snapshot()
    assert fb.run(_catalog_import(fb, name, content)) == "refused"
    assert fb.run(_exam_import(fb, name, content, "exams")) == "refused"
    assert fb.run(_exam_import(fb, name, content, "interview-slots")) == "refused"
    fb.act_as(STAFF)
    sent = fb.document(name, content)
    assert not fb.problems() and sent
    assert fb.snapshot() == before
    record("bomb-and-nul files", 1)
