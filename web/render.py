"""Jinja2 templates with the bot's gettext catalogs and Babel formatting (`_`, `tr.date`, `tr.number`…)."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from locales import Translator, translator
from web.config import PREFIX

TEMPLATES = Path(__file__).with_name("templates")

# auto_reload off: templates ship with the code, so no page needs to stat its files to see whether they changed.
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def render(template: str, *, tr: Translator | None = None, status: int = 200, headers: dict | None = None,
           **values) -> HTMLResponse:
    tr = tr or translator("ko")
    html = env.get_template(template).render(_=tr, tr=tr, lang=tr.lang, prefix=PREFIX, **values)
    response = HTMLResponse(html, status_code=status, headers=headers)
    # The pages show personal data: never cached, never framed, no referrer leaves the dashboard.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; script-src 'self'; connect-src 'self'")
    return response
