"""`hrdbot search --jsonl` in a pipeline: a reader that stops early (`| head -1`) ends it quietly."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_jsonl_into_head_ends_without_a_traceback(db):
    queries = "\n".join(["엑셀", "외국어", "리더십"] * 2000) + "\n"
    env = {**os.environ, "HRDBOT_DATABASE_URL": db.url}
    pipeline = subprocess.run(
        f"{sys.executable} -m bot.cli search --jsonl | head -1", shell=True, input=queries.encode(), env=env,
        capture_output=True, timeout=120)
    assert pipeline.stdout.decode().startswith('[{"id": "it-excel"')
    assert b"Traceback" not in pipeline.stderr and b"BrokenPipe" not in pipeline.stderr, pipeline.stderr
