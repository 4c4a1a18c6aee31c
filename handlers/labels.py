"""Translatable labels for codes stored in the database (delivery, status, event kinds…)."""
from __future__ import annotations

from locales import N_, Translator

DELIVERY = {
    "face_to_face": N_("Face to face"),
    "online": N_("Online (live)"),
    "blended": N_("Blended"),
    "elearning": N_("E-learning (any time)"),
}

APPROVAL = {
    "auto": N_("Confirmed automatically while seats last"),
    "staff": N_("Confirmed by HRD Center staff"),
}


def label(table: dict[str, str], code: str | None, tr: Translator) -> str:
    return tr(table[code]) if code in table else (code or "")


def category_path(category: str) -> str:
    return " › ".join(part for part in category.split("/") if part)
