"""Safe formatting for broadcast text.

Staff format a notice the Telegram way (bold, italic, underline, strike-through, code, spoiler, quote, links in the
app's own editor). Telegram sends that formatting as entities; PTB's `Message.text_html` turns them into Telegram
HTML and escapes everything else, so a `<` typed as text stays text. We keep only a small set of tags
(`ALLOWED`) and http(s) links; anything else (custom emoji, mentions by id…) is reduced to its text.
The stored text is therefore already safe HTML, and recipients see exactly what the preview showed.
"""
from __future__ import annotations

import html
import re

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "blockquote", "tg-spoiler"}
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
HREF = re.compile(r"""^\s*href\s*=\s*"((?:https?|tg)://[^"<>\s]+)"\s*$""")


def sanitize(text_html: str) -> str:
    """Telegram HTML from PTB → the same, limited to ALLOWED tags and http(s)/tg links."""
    open_links: list[bool] = []

    def keep(m: re.Match) -> str:
        closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if name == "a":
            if closing:
                return "</a>" if (open_links and open_links.pop()) else ""
            href = HREF.match(attrs or "")
            open_links.append(bool(href))
            return f'<a href="{html.escape(html.unescape(href.group(1)), quote=True)}">' if href else ""
        if name in ALLOWED:
            return f"</{name}>" if closing else f"<{name}>"  # attributes dropped (code language, quote style)
        return ""

    return TAG.sub(keep, text_html)


def from_message(message) -> str:
    """The safe HTML of a staff member's message (entities kept, everything else escaped)."""
    if message is None:
        return ""
    try:
        raw = message.text_html if message.text else (message.caption_html or "")
    except Exception:  # noqa: BLE001 - odd entities: fall back to the plain text
        raw = html.escape(message.text or message.caption or "")
    return sanitize(raw or "").strip()


def plain(text_html: str) -> str:
    """What the text reads like without formatting (short summaries in /broadcasts)."""
    return html.unescape(TAG.sub("", text_html or ""))
