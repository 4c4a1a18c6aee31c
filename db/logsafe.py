"""What may be logged about an exception: its type and where it was raised (file:line:function), never its message
or its traceback text, which can quote a message's text, a name, a phone number or SQL parameters.

Every logger of the bot (handlers, the dispatcher, the JSON formatter) describes errors through this module, so the
text log format is as safe as the JSON one."""
from __future__ import annotations

import traceback
from types import TracebackType

class Safe(str):
    """Text built only from types, file names and line numbers: the JSON log puts it into its message like a number."""


DEPTH = 4  # the innermost frames: enough to find the bug, short enough for one log line


def frames(tb: TracebackType | None, depth: int = DEPTH) -> list[str]:
    return [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}:{f.name}" for f in traceback.extract_tb(tb)[-depth:]]


def describe(error: BaseException) -> dict:
    """`{"error": type name, "where": [innermost frames]}`: safe to log, and to pass as a record's `extra`."""
    return {"error": type(error).__name__, "where": frames(error.__traceback__)}


def one_line(error: BaseException) -> Safe:
    """`ValueError at handler.py:40:g < turn.py:12:f` (innermost first)."""
    fields = describe(error)
    return Safe(f"{fields['error']} at {' < '.join(reversed(fields['where'])) or '?'}")
