"""Upload → dry run → apply, the pattern of the plan and exams pages.

The file rides from the dry-run page to "apply" in the form, with a digest bound to the session, so what is applied
is exactly what was checked (a form cannot swap in another file between the check and the apply)."""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from catalog.imports import MAX_BYTES
from web.auth import Ctx


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes
    apply: bool  # True: the file carried by a dry-run page (its digest checked); False: a new upload to check


def _digest(ctx: Ctx, content: bytes) -> str:
    return hmac.new(ctx.csrf.encode(), content, hashlib.sha256).hexdigest()


async def received(ctx: Ctx) -> Upload | str:
    """The posted file, or why there is none to use: no_file | too_big | stale (a carried file that fails its digest)."""
    form = ctx.form
    upload = form.get("file")
    if upload is not None and hasattr(upload, "read"):
        name = (upload.filename or "file")[:100]
        content = await upload.read(MAX_BYTES + 1)
        apply = False
    else:
        name = str(form.get("name") or "file")[:100]
        try:
            content = base64.b64decode(str(form.get("content") or ""), validate=True)
        except ValueError:
            content = b""
        if not content or not hmac.compare_digest(str(form.get("digest") or "").encode(), _digest(ctx, content).encode()):
            return "stale"
        apply = True
    if not content:
        return "no_file"
    if len(content) > MAX_BYTES:
        return "too_big"
    return Upload(name, content, apply)


def carry(ctx: Ctx, upload: Upload) -> dict:
    """The hidden fields of the "apply" form for a checked file."""
    return {"name": upload.name, "content": base64.b64encode(upload.content).decode("ascii"),
            "digest": _digest(ctx, upload.content)}


STATUS = {"no_file": 400, "stale": 400, "too_big": 413}  # the HTTP status of a page that says why
