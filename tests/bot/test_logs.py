"""Server logs are JSON lines that never carry personal data, even when an error quotes it."""
from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter


def _line(record: logging.LogRecord) -> dict:
    return json.loads(JsonFormatter().format(record))


def test_an_error_is_logged_by_type_and_place_not_by_its_message():
    try:
        raise ValueError("홍길동 (행정국, 010-1234-5678) could not be saved")
    except ValueError as exc:
        record = logging.getLogger("t").makeRecord("t", logging.ERROR, __file__, 1, "update failed: %r", (exc,),
                                                   (type(exc), exc, exc.__traceback__))
    line = _line(record)
    text = json.dumps(line, ensure_ascii=False)
    assert line["error"] == "ValueError" and line["where"] and line["level"] == "error"
    assert "홍길동" not in text and "010" not in text
    assert line["msg"] == "update failed: %r"  # the template, never the interpolated value


def test_numbers_are_filled_in_and_extra_fields_kept():
    record = logging.getLogger("t").makeRecord("t", logging.INFO, __file__, 1, "planned %d rows", (12,), None,
                                               extra={"event": "tick", "outbox_id": 7})
    line = _line(record)
    assert line["msg"] == "planned 12 rows" and line["event"] == "tick" and line["outbox_id"] == 7
