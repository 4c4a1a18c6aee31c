"""Translations (gettext catalogs in .po files, ko default, en) and Babel date/number formatting."""
from locales.i18n import LANGUAGES, DEFAULT_LANGUAGE, N_, Translator, translator

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "N_", "Translator", "translator"]
