"""gettext with English msgids and one .po file per feature and language (`locales/<lang>/<feature>.po`).

The .po files are merged and compiled in memory at first use, so there is no build step and no binary
.mo file in the repository; features own their own .po file and never edit each other's.
"""
from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from locales import formatting
from locales.korean import attach_particles

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
HERE = Path(__file__).parent


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated later, where the user's language is known."""
    return message


def po_files(lang: str) -> list[Path]:
    return sorted((HERE / lang).glob("*.po"))


def load_catalog(lang: str) -> Catalog:
    merged = Catalog(locale=lang, domain="hrdbot")
    for path in po_files(lang):
        with path.open("rb") as fh:
            part = read_po(fh, locale=lang)
        for message in part:
            if message.id and message.string:
                merged[message.id] = message
    return merged


@lru_cache(maxsize=None)
def _translations(lang: str) -> gettext.NullTranslations:
    buf = BytesIO()
    write_mo(buf, load_catalog(lang))
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def normalize_language(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANGUAGE
    lang = lang.lower().split("-")[0].split("_")[0]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


class Translator:
    """Translates and formats for one language. Call it like gettext: ``_("Hello, {name}", name=n)``."""

    def __init__(self, lang: str) -> None:
        self.lang = normalize_language(lang)
        self._t = _translations(self.lang)

    def __call__(self, message: str, /, **values) -> str:
        text = self._t.gettext(message)
        text = text.format(**values) if values else text
        return attach_particles(text) if self.lang == "ko" else text

    gettext = __call__

    def ngettext(self, singular: str, plural: str, n: int, /, **values) -> str:
        text = self._t.ngettext(singular, plural, n).format(n=n, **values)
        return attach_particles(text) if self.lang == "ko" else text

    def pick(self, ko: str | None, en: str | None) -> str:
        """Data that carries both languages (course titles): the user's, falling back to Korean."""
        if self.lang == "en" and en:
            return en
        return ko or en or ""

    def date(self, value: date | datetime) -> str:
        return formatting.format_day(value, self.lang)

    def time(self, value: datetime) -> str:
        return formatting.format_time(value, self.lang)

    def datetime(self, value: datetime) -> str:
        return f"{self.date(value)} {self.time(value)}"

    def period(self, start: date, end: date, precision: str = "day") -> str:
        """A date range at the precision the source gives; quarter-level dates say that they are."""
        if precision == "quarter":
            q1, q2 = formatting.quarter_of(start), formatting.quarter_of(end)
            if (start.year, q1) == (end.year, q2):
                return self("Q{quarter} {year} (exact dates to be announced)", quarter=q1, year=start.year)
            return self("Q{first}–Q{last} {year} (exact dates to be announced)", first=q1, last=q2, year=start.year)
        if precision == "month":
            months = formatting.format_month(start, self.lang)
            if (start.year, start.month) != (end.year, end.month):
                months += " – " + formatting.format_month(end, self.lang)
            return self("{months} (exact dates to be announced)", months=months)
        if precision == "year":
            return self("Year-round in {year}", year=start.year)
        if start == end:
            return self.date(start)
        return f"{self.date(start)} – {self.date(end)}"

    def number(self, value: int | float) -> str:
        return formatting.format_number(value, self.lang)


@lru_cache(maxsize=None)
def translator(lang: str | None) -> Translator:
    return Translator(normalize_language(lang))
