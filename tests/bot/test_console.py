"""The console as a person uses it: HTML shown rendered, files kept, typed numbers answered, no log lines in the chat."""
from __future__ import annotations

import io
import logging

from tests.handlers.enrollment.factory import add_people
from tests.support.chat import press


async def test_html_is_shown_rendered_and_an_ics_file_is_saved(db, clock, tmp_path):
    from bot.console import Console
    from tests.support.harness import make_console

    console, runtime = await make_console(db, clock, out=io.StringIO(), user_id=9001, admin_ids={9001})
    out = io.StringIO()
    console = Console(runtime, console.request, out, user_id=9001, files_dir=tmp_path / "files")
    try:
        await add_people(db, [9001], role="staff")
        await console.say("/broadcast")
        await console.say("3월 교육 & 안내")
        await press(console, "bc.att:0")
        await press(console, "bc.aud:all")
        shown = out.getvalue()
        assert "📢 서울시 인재개발원 안내" in shown and "<b>" not in shown and "&amp;" not in shown
        await console.say("/cancel")
        await console.say("/exams open-2022-1")
        await press(console, "exc")
        saved = tmp_path / "files" / "open-2022-1.ics"
        assert saved.read_bytes().startswith(b"BEGIN:VCALENDAR")
        assert f"saved as {saved}" in out.getvalue()
    finally:
        await runtime.app.shutdown()
        await runtime.close()


async def test_a_typed_number_answers_a_question_that_asks_for_text(bot, db):
    from db.models import Profile

    await bot.say("/profile")
    await press(bot, "prf:yes")
    await bot.say("김서울")
    await bot.say("교육기획과")
    await press(bot, "prf.rank:3")
    await press(bot, "prf.pos:0")
    assert bot.buttons  # "Skip" is shown, yet…
    await bot.say("2")  # … the employee number is 2, not a press of button 2
    await press(bot, "prf.skip")
    await press(bot, "prf.skip")
    await press(bot, "prf.save")
    async with db.sessionmaker() as s:
        assert (await s.get(Profile, bot.user["id"])).employee_no == "2"


async def test_log_lines_stay_out_of_the_chat(db, clock):
    from bot.console import run_console
    from bot.settings import Settings

    root = logging.getLogger()
    before = root.level
    try:
        out = io.StringIO()
        await run_console(Settings(database_url=db.url), lines=io.StringIO("/start\n"), out=out)
        assert root.level >= logging.ERROR
        assert "WARNING" not in out.getvalue() and "서울시 인재개발원" in out.getvalue()
    finally:
        root.setLevel(before)
