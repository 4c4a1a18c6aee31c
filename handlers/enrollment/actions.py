"""Enrollment's typed buttons, declared once: several screens (cards, terms, /my, notices, the retirement sign-up)
show them. Each handler re-reads what an id names and checks it is the presser's: a stale or forged press changes
nothing (handlers/callbacks.py)."""
from __future__ import annotations

from handlers.callbacks import Action, Choice, Int

MY = Action("my", Choice("screen", ("e",), optional=True))  # /my as a new message; `e`: in place of this one
ENROLL = Action("enr", Int("cohort", 1))  # a cohort's terms (nothing is recorded yet)
CONFIRM = Action("enc", Int("cohort", 1))  # the request itself, decided under the cohort lock
CANCEL_ASK = Action("enx", Int("enrollment", 1))
CANCEL = Action("eny", Int("enrollment", 1))
MOVE_LIST = Action("mvl", Int("enrollment", 1))
MOVE = Action("mvt", Int("enrollment", 1), Int("cohort", 1))
MOVE_WAIT = Action("mvw", Int("enrollment", 1), Int("cohort", 1))
COURSE_START = Action("cso", Choice("reminders", ("on", "off")))
