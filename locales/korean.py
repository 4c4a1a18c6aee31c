"""Korean particles chosen by the final consonant of the word before them (one helper for every message).

Translations write the pair the way a form does — `{name}은(는)`, `{what}(으)로`, `{name}이(가)`, `을(를)`,
`과(와)` — and `attach_particles` keeps the form that fits the word actually inserted: `1회는`, `엑셀은`,
`신청 반려로`, `프로필로`. Digits are read as Korean numerals (1 일, 2 이, 3 삼 …).
"""
from __future__ import annotations

import re

_PAIRS = {"은(는)": ("은", "는"), "이(가)": ("이", "가"), "을(를)": ("을", "를"), "과(와)": ("과", "와"),
          "아(야)": ("아", "야"), "이어(여)": ("이어", "여"), "(이)라": ("이라", "라")}
_PATTERN = re.compile(r"(.)([\"'”’)\]»]*)(은\(는\)|이\(가\)|을\(를\)|과\(와\)|아\(야\)|이어\(여\)|\(이\)라|\(으\)로)")
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}  # 영 일 이 삼 …
_RIEUL = 8


def final_consonant(ch: str) -> int | None:
    """The index of the final consonant (0: none, 8: ㄹ) of how `ch` is read; None when unknown (symbols)."""
    code = ord(ch) - 0xAC00
    if 0 <= code < 11172:
        return code % 28
    if ch in _DIGIT_FINAL:
        return _DIGIT_FINAL[ch]
    if ch.isascii() and ch.isalpha():
        return {"l": _RIEUL, "m": 16, "n": 4, "r": 0}.get(ch.lower(), 0)
    return None


def _choose(m: re.Match) -> str:
    ch, closing, pair = m.group(1), m.group(2), m.group(3)
    final = final_consonant(ch)
    if final is None:
        return m.group(0)
    if pair == "(으)로":
        return ch + closing + ("로" if final in (0, _RIEUL) else "으로")
    with_final, without = _PAIRS[pair]
    return ch + closing + (with_final if final else without)


def attach_particles(text: str) -> str:
    """`1회은(는)` → `1회는`; `엑셀은(는)` → `엑셀은`; text without such pairs is returned unchanged."""
    if "(" not in text:
        return text
    return _PATTERN.sub(_choose, text)
