"""두벌식 keyboard: Korean typed while the input method was on QWERTY (`xornrdj` → 태국어), and back."""
from __future__ import annotations

from catalog.search.hangul import CHO, CONSONANTS, JOIN, JONG, SPLIT, VOWELS, is_syllable, parts, syllable

QWERTY = {
    "q": "ㅂ", "w": "ㅈ", "e": "ㄷ", "r": "ㄱ", "t": "ㅅ", "y": "ㅛ", "u": "ㅕ", "i": "ㅑ", "o": "ㅐ", "p": "ㅔ",
    "a": "ㅁ", "s": "ㄴ", "d": "ㅇ", "f": "ㄹ", "g": "ㅎ", "h": "ㅗ", "j": "ㅓ", "k": "ㅏ", "l": "ㅣ",
    "z": "ㅋ", "x": "ㅌ", "c": "ㅊ", "v": "ㅍ", "b": "ㅠ", "n": "ㅜ", "m": "ㅡ",
    "Q": "ㅃ", "W": "ㅉ", "E": "ㄸ", "R": "ㄲ", "T": "ㅆ", "O": "ㅒ", "P": "ㅖ",
}
KEY_OF = {}
for _k, _j in QWERTY.items():
    KEY_OF.setdefault(_j, _k)

FINALS = frozenset(j for j in JONG if j)


def compose(jamo: str) -> tuple[str, int]:
    """Compose a keystroke sequence of jamo into syllables the way a 두벌식 IME does.

    Returns the text and the number of stray jamo (a consonant or vowel that did not form a syllable).
    """
    out: list[str] = []
    stray = 0
    cho = jung = jong = ""

    def flush() -> None:
        nonlocal cho, jung, jong, stray
        if cho and jung:
            out.append(syllable(cho, jung, jong))
        else:
            for j in (cho, jung):
                if j:
                    out.append(j)
                    stray += 1
        cho = jung = jong = ""

    for j in jamo:
        if j in CONSONANTS:
            if cho and jung:
                if not jong:
                    if j in FINALS:
                        jong = j
                    else:  # ㄸ ㅃ ㅉ cannot end a syllable
                        flush()
                        cho = j
                elif JOIN.get(jong + j) in FINALS:
                    jong = JOIN[jong + j]
                else:
                    flush()
                    cho = j
            else:
                flush()
                cho = j if j in CHO else ""
                if not cho:
                    out.append(j)
                    stray += 1
        elif j in VOWELS:
            if cho and not jung:
                jung = j
            elif cho and jung and not jong:
                if JOIN.get(jung + j) in VOWELS:
                    jung = JOIN[jung + j]
                else:
                    flush()
                    jung = j
            elif cho and jung and jong:
                # the final consonant (or the second half of a compound one) starts the next syllable
                if jong in SPLIT:
                    keep, move = SPLIT[jong][0], SPLIT[jong][1]
                else:
                    keep, move = "", jong
                jong = keep
                flush()
                cho, jung = move, j
            elif jung and not cho and JOIN.get(jung + j) in VOWELS:
                jung = JOIN[jung + j]
            else:
                flush()
                jung = j
        else:
            flush()
            out.append(j)
    flush()
    return "".join(out), stray


def qwerty_to_hangul(text: str) -> str | None:
    """`xornrdj` → 태국어; None when the letters do not spell Korean syllables (English words, `asdf`)."""
    jamo = []
    letters = 0
    for ch in text:
        if ch in QWERTY or ch.lower() in QWERTY:
            jamo.append(QWERTY.get(ch) or QWERTY[ch.lower()])
            letters += 1
        else:
            jamo.append(ch)
    if not letters:
        return None
    result, stray = compose("".join(jamo))
    if stray or not any(is_syllable(ch) for ch in result):
        return None
    return result


def hangul_to_qwerty(text: str) -> str:
    """태국어 → xornrdj (what the same keys type with the English layout)."""
    out = []
    for ch in text:
        if is_syllable(ch):
            for j in parts(ch):
                for k in SPLIT.get(j, j):
                    out.append(KEY_OF.get(k, k))
        else:
            for k in SPLIT.get(ch, ch):
                out.append(KEY_OF.get(k, k))
    return "".join(out)
