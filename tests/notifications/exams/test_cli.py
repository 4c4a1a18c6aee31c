"""`hrdbot exams --json` and `hrdbot import exams|interview-slots FILE` as staff run them (a SQLite file)."""
from __future__ import annotations

import json
import re

import pytest

from bot.cli import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("HRDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("HRDBOT_NOW", "2022-03-02T09:00")
    return tmp_path


def test_exams_json_prints_the_calendar_with_iso_dates(env, capsys):
    assert main(["exams", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    rounds = {r["id"]: r for r in data["rounds"]}
    assert len(rounds) == 15
    first = {e["kind"]: e for e in rounds["open-2022-1"]["events"]}
    assert first["written"] == {"kind": "written", "start": "2022-02-26", "end": "2022-02-26", "precision": "day"}
    assert (first["interview"]["start"], first["interview"]["end"]) == ("2022-05-09", "2022-05-13")
    assert rounds["open-2022-2"]["selection"] == 3208
    assert {e["precision"] for e in rounds["career-2022-q3"]["events"]} == {"quarter"}
    assert re.search(r'"20\d\d-\d\d-\d\d', out)


def test_import_exams_reports_bad_rows_and_applies_a_good_file(env, capsys):
    header = "round_id,round_kind,title,title_en,selection,selection_note,note,note_en,event,start,end,precision\n"
    bad = env / "bad.csv"
    bad.write_text(header + "open-2022-3,,,,,,,,written,2022-11-05,,day\nopen-2022-3,,,,,,,,written,2022-13-01,,day\n",
                   encoding="utf-8")
    assert main(["import", "exams", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.csv: row 3: start '2022-13-01' is not a date" in err and "nothing was changed" in err

    good = env / "good.csv"
    good.write_text(header + "open-2022-3,,,,,,,,written,2022-11-05,,day\n", encoding="utf-8")
    assert main(["import", "exams", str(good), "--dry-run"]) == 0
    assert "would import 1 row(s)" in capsys.readouterr().out
    main(["exams", "--json"])
    assert '"2022-10-29"' in capsys.readouterr().out  # the dry run changed nothing
    assert main(["import", "exams", str(good)]) == 0
    assert "1 changed event(s)" in capsys.readouterr().out
    main(["exams", "--json"])
    out = capsys.readouterr().out
    assert '"2022-11-05"' in out and '"2022-10-29"' not in out


def test_import_rejects_unknown_kinds_and_files(env, capsys):
    assert main(["import", "teachers", str(env / "x.csv")]) == 2
    assert "unknown kind 'teachers'" in capsys.readouterr().err
    odd = env / "slots.pdf"
    odd.write_bytes(b"%PDF")
    assert main(["import", "interview-slots", str(odd)]) == 2
    assert "use .csv or .xlsx" in capsys.readouterr().err


def test_exams_json_piped_into_head_ends_quietly(env):
    import os
    import subprocess
    import sys

    environ = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())",
                             "exams", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ)
    proc.stdout.close()  # the reader is gone before anything is printed, like `| head` that has had enough
    _out, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and proc.returncode == 0


def test_a_slot_dry_run_shows_stored_slots_so_it_leaves_an_access_record(env, capsys):
    """The same service as the dashboard's dry run, so the same record: who checked the file, naming the people."""
    assert main(["admin", "add", "7001"]) == 0  # a user row to name (a role-only one will do)
    slots = env / "slots.csv"
    slots.write_text("round_id,telegram_id,date,time,place\nopen-2022-1,7001,2022-05-10,10:00,별관\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "interview-slots", str(slots), "--dry-run"]) == 0
    assert "would import 1 row(s)" in capsys.readouterr().out
    assert main(["audit", "--json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["action"].startswith("import.interview_slots")]
    assert [(r["action"], r["role"], r["detail"]["people"]) for r in rows] == [
        ("import.interview_slots.check", "operator", [7001])]
