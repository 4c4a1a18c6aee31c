"""Reading a chat sentence: which words carry the match, which lower confidence, which never count.

`회의 때 보여줄 자료 예쁘게 만드는 법`, `홍보 업무 맡게 됐는데 보도자료 쓰는 법 배울 데 있나요`: the keyword path
averages every word, so one word the catalog does not know cancels the match. Here each word of the sentence is
one of:

- filler (법, 때, 어디서, 궁금합니다, please, how): never counts;
- known: the catalog has it in a title, alias, keyword or category (generic words like 업무 weigh half);
- described: only a course's description or audience has it (supports, never anchors);
- a predicate the catalog does not know (날리는, 줄이는, 엮어서): says how, costs a little;
- an unknown noun (주식 in `주식 차트`, 전기기사): costs a lot, and is what a refusal names.

A course's score is its best *anchor* (a specific known word naming it, ≥ 80) scaled by the share of the sentence
the catalog understands, plus a little for every other word it also matches. So one strong anchor is needed:
nonsense and a keyword beside an unknown noun (`주식 차트`) stay below the cut-off.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from operator import itemgetter

from catalog.search.normalize import compact, has_hangul, is_latin, script_parts
from catalog.search.synonyms import expansions
from catalog.search.refusal import closest_category
from catalog.search.particles import (
    PARTICLES, SENTENCE_FILLER, is_function_word, is_generic, looks_like_predicate, strip_endings, strip_hada, strip_particle,
    strip_plural,
)

ANCHOR = 80.0          # a word's evidence that can carry a match
SUPPORT = 4.0          # each other word the course also matches (a generic word: half)
DESCRIBED = 2.0        # each other word only its description or audience has
MAX_SUPPORT = 8.0
WEIGHT = {"known": 1.0, "generic": 0.5, "described": 0.5, "predicate": 0.15, "unknown": 1.5}
CHATTY = 4             # a message of this many words or more is a sentence: an unknown noun in it is likely context
CHATTY_UNKNOWN = 0.5   # (독학, 퇴근) and weighs this much; in `주식 차트` it is what is wanted and weighs 1.5
FLOOR = 0.5            # an anchor alone in a sentence of unknown nouns keeps this share of its score
LATIN_ANCHOR = 94.0    # an English word carries a match only as a whole word (or a synonym), not as a prefix
TOP_ANCHORED = 300     # courses one anchor word brings in, at most (bounded at 100k titles)
MAX_WORDS = 12         # a message's first content words read; beyond that it is a letter, not a request
CEILING = 99.0         # a reading never outranks the keyword path's exact title or alias (100): above this, 99.5 at most
_MODIFIER_ENDINGS = ("는", "은", "을", "던")
_PERSON = ("인", "자")  # 민원인, 퇴직자: the person of a topic
# (not 인: loanwords end so, 포크레인, 디자인; 이다's 인 comes with a particle we strip, 6급인데)
_PREDICATE_TAILS = ("는", "던", "을", "게", "지", "기", "운", "된", "니", "데", "할", "은", "온", "간", "본", "준", "쓴", "난",
                    "른")
# the last syllable of a verb stem before 는/은 (줄이는, 늘리는, 바꾸는, 만드는, 일하는, 쓰는, 젊은): a noun with the
# topic particle (독일어는, 포토샵은) rarely ends so
_STEM_ENDS = frozenset("이리꾸드하쓰우추르치기주루키피시보오내지되젊많좋같")


@dataclass
class Word:
    core: str
    raw: str
    kind: str = "unknown"
    evidence: dict[int, float] = field(default_factory=dict)
    described: frozenset[int] = frozenset()
    span: int = 1          # words of the message it stands for (부패 방지 read as 부패방지: 2)


@dataclass
class Reading:
    scores: dict[int, float]
    unknown: list[str]      # nouns the catalog does not know, in order


def is_filler(word: str) -> bool:
    return word in SENTENCE_FILLER or is_function_word(word)


def sentence_words(text: str, split, knows=lambda word: False) -> list[tuple[str, str, bool]]:
    """(core, as typed, was a verb form) for each content word; `split` segments a token typed without spaces;
    a verb the catalog `knows` as a noun with 기 (잘 쓰는 → 쓰기) is kept even when it is usually filler."""
    out: list[tuple[str, str, bool]] = []
    for token in text.split():
        parts = script_parts(token)
        for piece in (p for i, part in enumerate(parts) for p in split(part)
                      if not (i and part in PARTICLES)):  # MZ라 → mz (· 라: a particle after Latin, dropped)
            if is_filler(piece):
                if piece.endswith(_MODIFIER_ENDINGS) and len(piece) >= 2 and knows(piece[:-1] + "기"):
                    out.append((piece[:-1] + "기", piece, True))
                continue
            core = strip_plural(strip_endings(piece))
            if not core or is_filler(core):
                continue
            noun = strip_hada(core) if has_hangul(core) else core
            if noun != core and is_filler(noun):
                continue
            out.append((noun, piece, noun != core))
    return out


def read(index, text: str) -> Reading:
    words: list[Word] = []
    seen: set[str] = set()
    for core, raw, verb in sentence_words(text, index.split, lambda w: bool(index.terms.get(w))):
        if core in seen or (len(core) < 2 and not core.isdigit()):
            continue
        seen.add(core)
        word = _classify(index, core, raw, verb)
        if word is not None:
            words.append(word)
        if len(words) >= MAX_WORDS:
            break
    _glue_pairs(index, words)
    weight = dict(WEIGHT)
    if len(text.split()) >= CHATTY:
        weight["unknown"] = CHATTY_UNKNOWN
    known = sum(weight[w.kind] * w.span for w in words if w.kind in ("known", "generic", "described"))
    total = sum(weight[w.kind] * w.span for w in words)
    unknown = [w.core for w in words if w.kind == "unknown"]
    if not total or not any(w.kind == "known" for w in words):
        return Reading({}, unknown)
    share = FLOOR + (1.0 - FLOOR) * known / total
    scores: dict[int, float] = {}
    anchors = [w for w in words if w.kind == "known"]
    for w in anchors:
        evidence = w.evidence.items()
        if len(w.evidence) > TOP_ANCHORED:  # a word shared by thousands of titles: its best are enough to rank
            evidence = heapq.nlargest(TOP_ANCHORED, evidence, key=itemgetter(1))
        for d, s in evidence:
            if s >= ANCHOR and s > scores.get(d, 0.0):
                scores[d] = s
    result: dict[int, float] = {}
    for d, anchor in scores.items():
        support = 0.0
        best_used = False
        for w in words:
            s = w.evidence.get(d, 0.0)
            if not best_used and w.kind == "known" and s == anchor:
                best_used = True
                continue
            if s >= ANCHOR and w.kind in ("known", "generic"):
                support += SUPPORT * WEIGHT[w.kind] * s / 100.0
            elif d in w.described:
                support += DESCRIBED
        result[d] = _ceiling(anchor * share + min(support, MAX_SUPPORT))
    return Reading(result, unknown)


def _ceiling(score: float) -> float:
    """At most just under 100 (an exact title from the keyword path wins), keeping the order of strong readings."""
    return score if score <= CEILING else CEILING + min(score - CEILING, 10.0) / 20.0


def _classify(index, core: str, raw: str, verb: bool) -> Word | None:
    """One word of the message, with its evidence and kind (None: a measure like 1년, which says nothing)."""
    evidence = index.word_evidence(core, raw)
    best = max(evidence.values(), default=0.0)
    if core[0].isdigit() and best < ANCHOR:
        return None
    if is_latin(core) and best < LATIN_ANCHOR:
        best = min(best, ANCHOR - 1)  # manage ≠ management: an English word anchors only whole
    if best < ANCHOR and len(core) >= 3 and core.endswith(_PERSON):
        stem = index.word_evidence(core[:-1], core[:-1])  # 민원인 → 민원: the person of a known topic
        if max(stem.values(), default=0.0) >= ANCHOR:
            core, evidence, best, verb = core[:-1], stem, max(stem.values()), False
    word = Word(core, raw, evidence=evidence)
    if best >= ANCHOR:
        word.kind = "generic" if is_generic(core) or is_generic(strip_particle(core)) else "known"
        return word
    word.described = index.described(core)
    if word.described:
        word.kind = "described"
    elif verb or _is_predicate(core, raw):
        word.kind = "predicate"
    _as_noun(index, word)
    return word


def _is_predicate(core: str, raw: str) -> bool:
    if is_latin(core) or closest_category(core):
        return False  # 독일어 ends like 싶어, but names a language
    if looks_like_predicate(core) or looks_like_predicate(raw) or core.endswith(_PREDICATE_TAILS):
        return True
    if _past_tense(core[-1]):
        return True  # 생겼, 됐, 했: a final ㅆ is a verb's past tense
    return raw.endswith(("는", "은", "을", "던")) and len(raw) > len(core) and core[-1] in _STEM_ENDS


def _as_noun(index, word: Word) -> None:
    """A verb the catalog knows as a noun with 기 (쓰는 → 쓰기, 꾸미는 → 꾸미기): a supporting word."""
    raw = word.raw
    if word.kind not in ("predicate", "unknown") or not raw.endswith(_MODIFIER_ENDINGS) or len(raw) < 2:
        return
    noun = raw[:-1] + "기"
    evidence = index.exact_evidence(noun)
    if evidence:
        for alias in expansions(noun):  # 스마트폰 잘 쓰는 → 쓰기 → 활용 (스마트기기의 활용)
            for d, s in index.exact_evidence(compact(alias)).items():
                evidence[d] = max(evidence.get(d, 0.0), s * 0.96)
        word.kind, word.evidence = "generic", evidence


def _past_tense(syllable: str) -> bool:
    return "가" <= syllable <= "힣" and (ord(syllable) - 0xAC00) % 28 == 20  # final consonant ㅆ


def _glue_pairs(index, words: list[Word]) -> None:
    """Two neighbours that together are a catalog word (부패 방지 → 부패방지, 세대 차이): read them as one."""
    i = 0
    while i + 1 < len(words):
        a, b = words[i], words[i + 1]
        # ...or the first with what the second means (행정 바꾸는 → 행정혁신, via the synonym 바꾸 → 혁신)
        for glued in (a.core + b.core, *(a.core + compact(v) for v in expansions(b.core))):
            evidence = index.exact_evidence(glued)
            if evidence and max(evidence.values()) >= ANCHOR:
                break
        else:
            evidence = None
        if evidence:
            # two generic words stay generic together (시험 준비 → 시험준비 names no course in particular)
            kind = "generic" if {a.kind, b.kind} <= {"generic"} else "known"
            words[i:i + 2] = [Word(glued, glued, kind, evidence, span=a.span + b.span)]
        i += 1
