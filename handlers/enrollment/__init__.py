"""Enrollment by chat: cohort → terms → confirm, /my, the staff queue (/pending), status notices; plus, when
present, the profile & consent flow and the retirement-programme sign-up (written alongside, same package)."""
from __future__ import annotations

import importlib

from telegram.ext import Application, CommandHandler

from locales import N_

HELP_ENTRIES = [
    ("my", N_("my course requests and enrollments (cancel here)")),
    ("pending", N_("staff only: requests waiting for approval")),
]

# Written in parallel by the profile & retirement helper; each exposes register(app) once it exists.
OPTIONAL = ("handlers.enrollment.profile", "handlers.enrollment.retirement")


def optional_modules() -> list:
    out = []
    for name in OPTIONAL:
        try:
            out.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return out


def register(app: Application) -> None:
    from handlers import basic
    from handlers.enrollment import enroll, my, notices, staff  # noqa: F401 - routes and renderers register on import

    app.add_handler(CommandHandler("my", my.on_my))
    app.add_handler(CommandHandler(["pending", "queue"], staff.on_pending))
    for entry in HELP_ENTRIES:
        if entry[0] not in {name for name, _desc in basic.HELP}:
            basic.HELP.append(entry)
    for module in optional_modules():
        module.register(app)
