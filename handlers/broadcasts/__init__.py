"""Staff broadcasts, course-news subscriptions and staff imports (chat side)."""
from __future__ import annotations

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from handlers import basic
from handlers.broadcasts import compose, files, notices, progress, subscribe  # noqa: F401 - routes and renderers
from locales import N_

HELP_ENTRY = ("subscribe", N_("course news: get a message when a course opens in your topics"))
STAFF_HELP_ENTRIES = [
    ("broadcast", N_("(staff) send a notice to a group of people")),
    ("broadcasts", N_("(staff) progress of broadcasts; cancel one")),
]


def register(app: Application) -> None:
    basic.add_help(HELP_ENTRY)
    basic.add_help(*STAFF_HELP_ENTRIES, staff=True)
    app.add_handler(CommandHandler("broadcast", compose.on_broadcast))
    app.add_handler(CommandHandler("broadcasts", progress.on_broadcasts))
    app.add_handler(CommandHandler(["subscribe", "news"], subscribe.on_subscribe))
    app.add_handler(MessageHandler(filters.Document.ALL, files.on_document))
