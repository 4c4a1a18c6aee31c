"""Upload → dry run → apply, the pattern of the plan and exams pages.

The file rides from the dry-run page to "apply" in the form, with a digest bound to the session, so what is applied
is exactly what was checked, as the kind it was checked as (a form cannot swap in another file, name or kind between
the check and the apply)."""
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
    kind: str = ""  # what the dry run took the file for (carried with it); "" for a new upload


def _digest(ctx: Ctx, name: str, kind: str, content: bytes) -> str:
    signed = b"\0".join((name.encode(), kind.encode(), content))
    return hmac.new(ctx.csrf.encode(), signed, hashlib.sha256).hexdigest()


async def received(ctx: Ctx) -> Upload | str:
    """The posted file, or why there is none to use: no_file | too_big | stale (a carried file that fails its digest)."""
    form = ctx.form
    upload = form.get("file")
    if upload is not None and hasattr(upload, "read"):
        name = (upload.filename or "file")[:100]
        content = await upload.read(MAX_BYTES + 1)
        apply, kind = False, ""
    else:
        name, kind = str(form.get("name") or "file")[:100], str(form.get("kind") or "")[:20]
        try:
            content = base64.b64decode(str(form.get("content") or ""), validate=True)
        except ValueError:
            content = b""
        digest = _digest(ctx, name, kind, content).encode()
        if not content or not hmac.compare_digest(str(form.get("digest") or "").encode(), digest):
            return "stale"
        apply = True
    if not content:
        return "no_file"
    if len(content) > MAX_BYTES:
        return "too_big"
    return Upload(name, content, apply, kind)


def carry(ctx: Ctx, upload: Upload, kind: str) -> dict:
    """The hidden fields of the "apply" form for a file checked as `kind`."""
    return {"name": upload.name, "kind": kind, "content": base64.b64encode(upload.content).decode("ascii"),
            "digest": _digest(ctx, upload.name, kind, upload.content)}


STATUS = {"no_file": 400, "stale": 400, "too_big": 413}  # the HTTP status of a page that says why
