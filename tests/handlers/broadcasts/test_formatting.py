"""Broadcast text keeps Telegram's own formatting and nothing else: what staff typed can never inject markup."""
from __future__ import annotations

from datetime import datetime, timezone

from telegram import Chat, Message, MessageEntity

from handlers.broadcasts.formatting import from_message, plain, sanitize


def message(text: str, *entities: MessageEntity) -> Message:
    return Message(1, datetime.now(timezone.utc), Chat(1, "private"), text=text, entities=list(entities))


def test_bold_italic_and_links_from_telegram_entities_are_kept():
    msg = message("교육 안내 신청", MessageEntity("bold", 0, 2), MessageEntity("italic", 3, 2),
                  MessageEntity("text_link", 6, 2, url="https://hrd.seoul.go.kr/apply?a=1&b=2"))
    assert from_message(msg) == '<b>교육</b> <i>안내</i> <a href="https://hrd.seoul.go.kr/apply?a=1&amp;b=2">신청</a>'


def test_typed_markup_stays_text():
    assert from_message(message("<b>x</b> & <script>alert(1)</script>")) == \
        "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"


def test_only_safe_tags_and_web_links_survive():
    assert sanitize('<a href="javascript:alert(1)">x</a><tg-emoji emoji-id="5">🙂</tg-emoji><u>u</u>') == "x🙂<u>u</u>"
    assert sanitize('<a href="tg://user?id=1">me</a>') == '<a href="tg://user?id=1">me</a>'
    assert plain("<b>a</b> &amp; b") == "a & b"
