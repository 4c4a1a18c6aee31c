"""Staff broadcasts, course-news subscriptions and staff imports (chat side)."""
from __future__ import annotations

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from handlers import basic
from handlers.broadcasts import compose, files, notices, progress, subscribe  # noqa: F401 - routes and renderers
from locales import N_

HELP_ENTRIES = [
    ("subscribe", N_("course news: get a message when a course opens in your topics")),
    ("broadcast", N_("(staff) send a notice to a group of people")),
    ("broadcasts", N_("(staff) progress of broadcasts; cancel one")),
]


def register(app: Application) -> None:
    for entry in HELP_ENTRIES:
        if entry not in basic.HELP:
            basic.HELP.append(entry)
    app.add_handler(CommandHandler("broadcast", compose.on_broadcast))
    app.add_handler(CommandHandler("broadcasts", progress.on_broadcasts))
    app.add_handler(CommandHandler(["subscribe", "news"], subscribe.on_subscribe))
    app.add_handler(MessageHandler(filters.Document.ALL, files.on_document))
