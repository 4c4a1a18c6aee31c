"""Wires every feature's handlers into a python-telegram-bot Application, fallbacks last."""
from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler

from handlers import basic, routing, search

# Feature modules: each has `register(app)` that adds its commands, routes and notice renderers.
FEATURES = [basic, search]


def register_all(app: Application) -> None:
    for feature in FEATURES:
        feature.register(app)
    for module in optional_features():
        module.register(app)
    app.add_handler(CallbackQueryHandler(routing.on_button))
    basic.register_fallbacks(app, group=0)
    app.add_error_handler(routing.on_error)


def optional_features() -> list:
    """Feature packages built in parallel; each is listed once it exists."""
    import importlib

    out = []
    for name in ("handlers.enrollment", "handlers.exams", "handlers.broadcasts"):
        try:
            out.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return out
