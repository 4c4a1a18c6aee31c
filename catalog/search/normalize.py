"""Text normalisation shared by the index and the queries: one canonical form, whatever was typed.

NFC (so decomposed jamo become syllables), full-width ASCII folded, lower case, hyphens joined (e-러닝 → e러닝),
other punctuation and the middle dot as spaces. `compact()` also drops the spaces, so `인생이모작준비` and
`인생이모작 준비` meet.
"""
from __future__ import annotations

import re
import unicodedata

from catalog.search.hangul import CONJOINING

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_JOINERS = re.compile(r"(?<=\w)[-‐‑‒–—_'’](?=\w)")
_SEPARATORS = re.compile(r"[^\w]+|_")
_SCRIPT_EDGE = re.compile(r"(?<=[a-z])(?=[가-힣ㄱ-ㅣ])|(?<=[가-힣ㄱ-ㅣ])(?=[a-z])")


def normalize(text: str) -> str:
    """Canonical, space-separated form: 'E-정비 사업!' → 'e정비 사업'."""
    text = unicodedata.normalize("NFC", text or "").translate(_FULLWIDTH)
    if any(ch in CONJOINING for ch in text):
        text = "".join(CONJOINING.get(ch, ch) for ch in text)
    text = text.lower()
    text = _JOINERS.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    return " ".join(text.split())


def compact(text: str) -> str:
    """Normalised with no spaces at all: '인생이모작 준비' → '인생이모작준비'."""
    return normalize(text).replace(" ", "")


def words(text: str) -> list[str]:
    return normalize(text).split()


def script_parts(word: str) -> list[str]:
    """A word split where Latin meets Hangul: 'r통계분석' → ['r', '통계분석']."""
    return _SCRIPT_EDGE.split(word)


_LATIN = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")


def is_latin(text: str) -> bool:
    return _LATIN.fullmatch(text) is not None


_HANGUL = re.compile(r"[가-힣ㄱ-ㅣ]")


def has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None
