"""Files the bot writes for people (exports, the SQLite database): readable by their owner only."""
from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def write_private(path: Path, content: bytes) -> None:
    """Write `content` to `path` with mode 0600, also when the file already existed with a wider mode
    (rosters and subscriber lists are personal data; nobody else on the server may read them)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
        with os.fdopen(fd, "wb", closefd=False) as out:
            out.write(content)
    finally:
        os.close(fd)
