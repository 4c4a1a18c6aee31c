"""Hangul syllables ⇄ jamo: keystroke keys for typo-tolerant matching, and 초성 (initial consonant) strings.

A syllable is decomposed into the jamo a 두벌식 typist presses (compound vowels and finals split: 왜 → ㅇㅗㅐ,
값 → ㄱㅏㅂㅅ), so a typo costs one jamo in an edit distance, not a whole syllable.
"""
from __future__ import annotations

import re

BASE, LAST = 0xAC00, 0xD7A3
CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
JONG = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ",
        "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")

# compound jamo -> the two keys typed for them
SPLIT = {
    "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ",
    "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ",
    "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ",
}
JOIN = {v: k for k, v in SPLIT.items()}

CONSONANTS = frozenset("ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")
VOWELS = frozenset(JUNG)

# conjoining jamo (U+1100 block, e.g. from NFD text) -> compatibility jamo (U+3130 block)
_CONJOINING_CHO = {chr(0x1100 + i): c for i, c in enumerate(CHO)}
_CONJOINING_JUNG = {chr(0x1161 + i): v for i, v in enumerate(JUNG)}
_CONJOINING_JONG = {chr(0x11A8 + i - 1): j for i, j in enumerate(JONG) if j}
CONJOINING = {**_CONJOINING_CHO, **_CONJOINING_JUNG, **_CONJOINING_JONG}


def is_syllable(ch: str) -> bool:
    return BASE <= ord(ch) <= LAST


def parts(ch: str) -> tuple[str, str, str]:
    """(초성, 중성, 종성) of one syllable; 종성 is '' when there is none."""
    code = ord(ch) - BASE
    return CHO[code // 588], JUNG[(code % 588) // 28], JONG[code % 28]


def _syllable_keys(code: int) -> str:
    ch = chr(code)
    cho, jung, jong = parts(ch)
    return cho + SPLIT.get(jung, jung) + SPLIT.get(jong, jong)


# str.translate tables (C speed): syllable -> its keys; syllable -> its 초성
_KEYS = {code: _syllable_keys(code) for code in range(BASE, LAST + 1)}
_KEYS.update({ord(k): v for k, v in SPLIT.items()})
_INITIALS = {code: CHO[(code - BASE) // 588] for code in range(BASE, LAST + 1)}
_NOT_INITIAL = re.compile(r"[^ㄱ-ㅎ]+")


def keys(text: str) -> str:
    """The jamo keystrokes of `text` (other characters pass through): 태국어 → ㅌㅐㄱㅜㄱㅇㅓ."""
    return text.translate(_KEYS)


def initials(text: str) -> str:
    """The 초성 of every syllable (lone consonants kept, everything else dropped): 블록코딩 → ㅂㄹㅋㄷ."""
    return _NOT_INITIAL.sub("", text.translate(_INITIALS))


def is_initials(text: str) -> bool:
    """True for a 초성 query like ㅂㄹㅋㄷ: consonant jamo only."""
    return bool(text) and all(ch in CONSONANTS for ch in text)


def syllable(cho: str, jung: str, jong: str = "") -> str:
    return chr(BASE + (CHO.index(cho) * 21 + JUNG.index(jung)) * 28 + JONG.index(jong))
