"""Enrollment by chat: cohort → terms → confirm, /my, the staff queue (/pending), status notices; the
profile & consent flow and the retirement-programme sign-up."""
from __future__ import annotations

from telegram.ext import Application, CommandHandler

from locales import N_

HELP_ENTRY = ("my", N_("my course requests and enrollments (cancel here)"))
STAFF_HELP_ENTRY = ("pending", N_("staff only: requests waiting for approval"))


def register(app: Application) -> None:
    from handlers import basic
    from handlers.enrollment import enroll, move, my, notices, profile, retirement, staff, starting  # noqa: F401 - routes register on import

    app.add_handler(CommandHandler("my", my.on_my))
    app.add_handler(CommandHandler(["pending", "queue"], staff.on_pending))
    basic.add_help(HELP_ENTRY)
    basic.add_help(STAFF_HELP_ENTRY, staff=True)
    profile.register(app)
    retirement.register(app)
