"""/dashboard (staff): a one-time sign-in link to the staff dashboard, sent without a link preview.

A preview would make Telegram's servers open the link; opening it only shows a sign-in button (the
button's POST consumes the token), so even then the link would still work, but nobody else should fetch it.
"""
from __future__ import annotations

from telegram import LinkPreviewOptions
from telegram.ext import Application, CommandHandler

from db import signin
from handlers import basic
from handlers.turn import Turn, on_turn
from locales import N_

HELP_ENTRY = ("dashboard", N_("(staff) a sign-in link to the staff dashboard in the browser"))


@on_turn
async def on_dashboard(t: Turn) -> None:
    if t.refuse_unless_staff():
        return
    token = await signin.issue_link(t.session, user_id=t.user.id, now=t.now)
    text = t.tr("Your sign-in link to the staff dashboard (works once, for 10 minutes; only for you):") \
        + "\n" + signin.link_url(t.services.public_url, token) + "\n" \
        + t.tr("Open it in your browser and press “Sign in”. Do not forward it.")
    chat_id = t.user.chat_id

    async def send() -> None:  # after the commit: the link works from the moment it arrives
        await t.context.bot.send_message(chat_id, text, link_preview_options=LinkPreviewOptions(is_disabled=True))

    t.after_commit.append(send)


def register(app: Application) -> None:
    basic.add_help(HELP_ENTRY, staff=True)
    app.add_handler(CommandHandler("dashboard", on_dashboard))
