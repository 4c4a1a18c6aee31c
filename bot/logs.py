"""Logs as one JSON object per line (`hrdbot web|worker|run` on servers), with no personal data.

What may appear: event names, ids (update, outbox, broadcast), handler names, durations, outcomes, error types.
What never does: message texts, names, profile fields, SQL parameters (engines run with hide_parameters=True), and
exception messages, which can quote any of those: an error is logged by its type and where it was raised.
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

from db.logsafe import Safe, frames

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        msg = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        # Only numbers (and logsafe.Safe texts: error types and places) are put into the message: "%r" of an error
        # or a user object is how personal data leaks.
        if record.args and isinstance(record.args, tuple) and all(isinstance(a, (int, float, Safe, type(None)))
                                                                  for a in record.args):
            try:
                msg = msg % record.args
            except (TypeError, ValueError):
                pass
        out = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
               "level": record.levelname.lower(), "logger": record.name, "msg": msg}
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "color_message":
                plain = isinstance(value, (str, int, float, bool, type(None))) or (
                    isinstance(value, list) and all(isinstance(v, str) for v in value))  # logsafe's "where"
                out[key] = value if plain else str(value)
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _exc, tb = record.exc_info
            out["error"] = exc_type.__name__
            out["where"] = frames(tb)
        return json.dumps(out, ensure_ascii=False)


def configure(*, json_lines: bool, verbose: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if (verbose or json_lines) else logging.WARNING)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic", "uvicorn.access", "telegram.ext.Application"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
