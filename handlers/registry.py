"""Wires every feature's handlers into a python-telegram-bot Application, fallbacks last."""
from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler

from handlers import (  # noqa: F401 (flows, intents: their buttons' routes)
    basic, broadcasts, dashboard, enrollment, exams, flows, intents, privacy, routing, search,
)

# Feature modules: each has `register(app)` that adds its commands, routes and notice renderers.
FEATURES = [basic, search, enrollment, exams, broadcasts, dashboard, privacy]


def register_all(app: Application) -> None:
    for feature in FEATURES:
        feature.register(app)
    app.add_handler(CallbackQueryHandler(routing.on_button))
    basic.register_fallbacks(app, group=0)
    app.add_error_handler(routing.on_error)

