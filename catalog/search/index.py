"""The in-memory course search index: built once from the catalog, queried per message.

Every course contributes *names* (title, aliases, English title, keywords, category words), each with a field
weight. A name is indexed whole (spaces removed) and word by word (particles stripped too), by jamo keys (typos)
and by 초성. A query is cleaned (filters, particles, request words); then each content word gathers evidence —
exact word, prefix/substring, 초성, jamo-level fuzzy match, words written together, synonyms — and a course's score
combines its words' evidence. The query without spaces is also matched as one name, and Korean typed on a QWERTY
layout is tried as an alternative query. Scores are 0–100; below `THRESHOLD` nothing is returned, so nonsense gets
an empty list rather than the least-bad course.

Why it stays fast at 100k titles: exact words are dictionary lookups; substrings are found with `str.find` in one
joined string of the distinct words (and of whole names for long queries); fuzzy matching runs rapidfuzz over
distinct words whose length can reach the cut-off, and over whole names sharing syllable bigrams with the query;
combining words only looks at courses matching several words plus the best few of each word.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from rapidfuzz import fuzz, process

from catalog.search.filters import Filters
from catalog.search.hangul import VOWELS, initials, is_initials, keys
from catalog.search.keyboard import compose, qwerty_to_hangul
from catalog.search.normalize import compact, has_hangul, is_latin, normalize, script_parts
from catalog.search.particles import (
    content_terms, content_words, is_generic, looks_like_predicate, strip_endings, strip_hada, strip_particle,
    strip_plural,
)
from catalog.search.reading import read
from catalog.search.refusal import Refusal, closest_category, is_course_request
from catalog.search.segment import Segmenter
from catalog.search.situation import FIT, Situation, audience_fit, audience_of, read_situation
from catalog.search.synonyms import SYNONYMS, expansions

THRESHOLD = 74.0        # below this a course is not an answer
RELATIVE = 22.0         # and nothing further than this below the best answer
# field weights; an audience word alone stays below THRESHOLD (it supports a match, never makes one)
FIELD = {"title": 1.0, "alias": 0.98, "title_en": 0.98, "keyword": 0.95, "category": 0.88, "audience": 0.72}
SYNONYM = 0.96          # an answer reached through a synonym
QWERTY = 0.97           # an answer reached by reading Latin letters as 두벌식 keys
FUZZY = 0.96            # a typo costs at least this much
SHORT_FUZZY = 0.86      # ...and in a two-syllable word it is as likely another word (사과 ≠ 사고): never alone
UNMATCHED_GENERIC = 0.15  # weight of a generic word (업무, 실무) a course does not contain
UNMATCHED_PENALTY = 15.0  # what an unknown extra word costs when another word names the course:
LENIENT_STRONG = 90.0     # is exactly a word of the title or English title, a whole alias, or a synonym's
MAX_OCCURRENCES = 1500  # substring hits looked at per query word (enough to rank; bounded at 100k titles)
TOP_PER_WORD = 300      # best courses per query word considered when combining words
BIGRAM_CANDIDATES = 40  # whole names compared by fuzzy ratio, chosen by shared syllable bigrams
POSTINGS_CAP = 1000     # a word shared by more courses contributes its best this many (ranking is moot beyond)
MAX_WORDS = 8           # a query's first distinct content words; beyond that it is a paragraph, not a query
BROAD = 3               # this many courses tied at the top: a category-wide word, not a named thing
GLUED_WORDS = 3         # at most this many query words are also matched glued together as one name
ROOTS = frozenset({"일반교육"})  # category roots too broad to be a search word


@dataclass(frozen=True)
class CourseDoc:
    id: str
    title: str
    title_en: str = ""
    category: str = ""
    delivery: str = ""
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    months: frozenset[int] = field(default_factory=frozenset)
    topic: str = ""
    seats_open: bool = True
    audience: str = ""
    description: str = ""   # descriptions and audience in both languages: weaker evidence for sentences
    eligibility: dict = field(default_factory=dict, hash=False, compare=False)  # who it is for (situations)


@dataclass(frozen=True)
class SearchHit:
    course_id: str
    title: str            # the Korean title
    score: float          # 0–100
    title_en: str = ""
    category: str = ""
    delivery: str = ""


@dataclass(frozen=True)
class SearchAnswer:
    hits: list[SearchHit]
    refusal: Refusal | None = None   # no hits because the message names something the catalog lacks


def _fuzzy_cutoff(length: int) -> float:
    """Short words must be nearly identical (one jamo off); longer ones may differ more."""
    if length <= 5:
        return 85.0
    if length <= 8:
        return 80.0
    return 76.0


class _Haystack:
    """Distinct strings joined into one, for substring search at C speed."""

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self.starts: list[int] = []
        pos = 0
        for s in strings:
            self.starts.append(pos)
            pos += len(s) + 1
        self.text = "\x01".join(strings)

    def find(self, v: str, limit: int) -> Iterable[tuple[int, int]]:
        """(string index, offset in it) of each occurrence of v, at most `limit`."""
        text, starts = self.text, self.starts
        at = text.find(v)
        seen = 0
        while at >= 0 and seen < limit:
            i = bisect_right(starts, at) - 1
            yield i, at - starts[i]
            seen += 1
            at = text.find(v, at + 1)


class SearchIndex:
    def __init__(self) -> None:
        self.docs: list[CourseDoc] = []
        self.tiebreak: list[float] = []                     # shorter titles first among equal scores
        self.terms: dict[str, dict[int, float]] = {}       # word or whole name -> {doc: weight}
        self.naming: dict[str, set[int]] = {}               # title / English title words, whole aliases -> docs
        self.initial_terms: dict[str, dict[int, float]] = {}
        self.doc_keys: list[list[tuple[str, float]]] = []  # per doc: (jamo keys of a whole name, weight)
        self.words = _Haystack([])                          # distinct words
        self.name_strings: list[str] = []                   # distinct whole names (no spaces)
        self.name_bounds: list[frozenset[int]] = []
        self.name_postings: list[dict[int, float]] = []
        self.name_keys: list[str] = []
        self.bigrams: dict[str, list[int]] = {}             # syllable bigram -> whole names containing it
        self.initial_names = _Haystack([])
        self.initial_postings: list[dict[int, float]] = []
        # fuzzy vocabulary: distinct words bucketed by their first and by their last syllable (one typo leaves one of
        # them intact), each bucket sorted by key length
        self.fuzzy_first: dict[str, tuple[list[int], list[str], list[str]]] = {}
        self.fuzzy_last: dict[str, tuple[list[int], list[str], list[str]]] = {}
        self._capped: dict[object, list[tuple[int, float]]] = {}
        self._memo: dict | None = None   # one query's word evidence (the keyword path and the reader share it)
        self.described_words: dict[str, set[int]] = {}      # description / audience words -> docs (weak evidence)
        self.audiences: list = []                           # per doc: who it is for (situations)
        self.audienced: list[int] = []                      # docs for someone in particular (new hires, 팀장…)
        self.segmenter = Segmenter(())

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, docs: Iterable[CourseDoc]) -> SearchIndex:
        self = cls()
        self.docs = list(docs)
        whole: dict[str, tuple[frozenset[int], str, dict[int, float]]] = {}
        whole_ini: dict[str, dict[int, float]] = {}
        word_set: set[str] = set()
        cache: dict[str, tuple] = {}
        add = self._add
        for d, doc in enumerate(self.docs):
            names = [(doc.title, FIELD["title"])]
            names += [(a, FIELD["alias"]) for a in doc.aliases]
            if doc.title_en:
                names.append((doc.title_en, FIELD["title_en"]))
            names += [(k, FIELD["keyword"]) for k in doc.keywords if k]
            names += [(c, FIELD["category"]) for c in doc.category.split("/") if c and c not in ROOTS]
            if doc.audience:
                names.append((doc.audience, FIELD["audience"]))
            doc_keys: dict[str, float] = {}
            for i, (text, weight) in enumerate(names):
                naming_field = i == 0 or text == doc.title_en  # the title and the English title
                analysed = cache.get(text)
                if analysed is None:
                    analysed = cache[text] = _analyse(text)
                comp, bounds, key, ini, pieces = analysed
                if not comp:
                    continue
                add(self.terms, comp, d, weight)
                if naming_field or weight == FIELD["alias"]:
                    self.naming.setdefault(comp, set()).add(d)
                postings = whole.setdefault(comp, (bounds, key, {}))[2]
                if weight > postings.get(d, 0.0):
                    postings[d] = weight
                if weight > doc_keys.get(key, 0.0):
                    doc_keys[key] = weight
                if len(ini) >= 2:
                    add(self.initial_terms, ini, d, weight)
                    p = whole_ini.setdefault(ini, {})
                    if weight > p.get(d, 0.0):
                        p[d] = weight
                for piece, share, piece_ini in pieces:
                    # a word of a longer name scores a little less than the name itself
                    add(self.terms, piece, d, weight * share)
                    word_set.add(piece)
                    if naming_field:
                        self.naming.setdefault(piece, set()).add(d)
                    if piece_ini:
                        add(self.initial_terms, piece_ini, d, weight * 0.99)
            self.doc_keys.append(list(doc_keys.items()))
            self.tiebreak.append(0.001 * (1.0 - min(len(doc.title), 100) / 100.0))
        self.words = _Haystack(sorted(word_set))
        names = list(whole)
        self.name_strings = names
        for i, name in enumerate(names):
            bounds, key, postings = whole[name]
            self.name_bounds.append(bounds)
            self.name_keys.append(key)
            self.name_postings.append(postings)
            for g in {name[j:j + 2] for j in range(len(name) - 1)}:
                self.bigrams.setdefault(g, []).append(i)
        self.initial_names = _Haystack(list(whole_ini))
        self.initial_postings = list(whole_ini.values())
        for d, doc in enumerate(self.docs):
            self.audiences.append(audience_of(doc.eligibility or {}, doc.topic))
            if self.audiences[-1].specific:
                self.audienced.append(d)
            for w in normalize(doc.description).split():
                for form in {w, strip_plural(w), strip_hada(strip_endings(w))}:
                    if len(form) >= 2:
                        self.described_words.setdefault(form, set()).add(d)
        self.segmenter = Segmenter([*word_set, *names, *SYNONYMS])
        vocab = sorted((len(k), k, t) for t, k in ((t, keys(t)) for t in word_set) if len(k) >= 3 and len(t) >= 2)
        for table, pick in ((self.fuzzy_first, 0), (self.fuzzy_last, -1)):
            for n, k, t in vocab:
                bucket = table.get(t[pick])
                if bucket is None:
                    bucket = table[t[pick]] = ([], [], [])
                bucket[0].append(n)
                bucket[1].append(k)
                bucket[2].append(t)
        return self

    @staticmethod
    def _add(table: dict[str, dict[int, float]], term: str, d: int, weight: float) -> None:
        postings = table.get(term)
        if postings is None:
            table[term] = {d: weight}
        elif weight > postings.get(d, 0.0):
            postings[d] = weight

    def __len__(self) -> int:
        return len(self.docs)

    def _items(self, postings: dict[int, float], key: object) -> Iterable[tuple[int, float]]:
        """A posting list, cut to its best POSTINGS_CAP courses when a word is very common."""
        if len(postings) <= POSTINGS_CAP:
            return postings.items()
        capped = self._capped.get(key)
        if capped is None:
            tb = self.tiebreak
            capped = heapq.nlargest(POSTINGS_CAP, postings.items(), key=lambda dw: dw[1] + tb[dw[0]])
            self._capped[key] = capped
        return capped

    # ------------------------------------------------------------------ search
    def search(self, query: str, limit: int = 8, filters: Filters | None = None) -> list[SearchHit]:
        return self.answer(query, limit, filters).hits

    def answer(self, query: str, limit: int = 8, filters: Filters | None = None,
               profile: Situation | None = None) -> SearchAnswer:
        """The hits for a query (words left after parse_query), or none and, when the message names a specific thing
        the catalog lacks, a refusal saying so. `profile`: what the person's profile says (rank, years to
        retirement), used where the message says nothing of it."""
        filters = filters or Filters()
        text = normalize(query)
        self._memo = {}
        try:
            scores = self.scores(query)
            reading = read(self, text) if text else None
        finally:
            self._memo = None
        if reading:
            for d, s in reading.scores.items():
                if s > scores.get(d, 0.0):
                    scores[d] = s
        situation = read_situation(text)
        if profile:
            situation = situation.filled_from(profile)
        if situation:
            for d, s in scores.items():
                fitted = s + audience_fit(situation, self.audiences[d])
                scores[d] = max(fitted, THRESHOLD) if s >= THRESHOLD and fitted < s else fitted
            if situation.specific and is_course_request(query) and not any(s >= THRESHOLD for s in scores.values()):
                # `course for people who just joined the city government`: no word names a course, but the
                # situation is clear and a course's audience is exactly it — an answer, at a modest confidence
                for d in self.audienced:
                    fit = audience_fit(situation, self.audiences[d])
                    if fit >= FIT:
                        scores[d] = THRESHOLD + fit
        hits = self._rank(scores, text, limit, filters, reading)
        if not reading or not reading.unknown:
            return SearchAnswer(hits)
        named = [w for w in reading.unknown if closest_category(w)]
        if hits and not (named and _broad(hits)):
            return SearchAnswer(hits)
        # nothing matches, or only a broad word does (회화, 자격증) beside a named language or certificate the
        # catalog lacks (독일어 회화): other items are not an answer to that
        refusal = self._refusal(query, (named or reading.unknown)[0], filters)
        return SearchAnswer([] if refusal else hits, refusal)

    def _refusal(self, query: str, missing: str, filters: Filters) -> Refusal | None:
        """A course request naming something unknown: say what is missing and the closest category."""
        if not (filters.categories or is_course_request(query)):
            return None
        category = next(iter(filters.categories)) if len(filters.categories) == 1 else None
        return Refusal(missing, category or closest_category(missing))

    def _rank(self, scores: dict[int, float], text: str, limit: int, filters: Filters, reading) -> list[SearchHit]:
        if not scores and filters and not content_words(text.split()):
            return self._browse(filters, limit)
        tb = self.tiebreak
        ranked = [(s + tb[d], d) for d, s in scores.items() if s >= THRESHOLD]
        if filters and ranked:
            docs = self.docs
            # filter the best first; only a very selective filter needs the whole list
            top = heapq.nlargest(limit * 8, ranked)
            kept = [(s + filters.bonus(docs[d]), d) for s, d in top if filters.accepts(docs[d])]
            if len(kept) < limit and len(top) < len(ranked):
                kept = [(s + filters.bonus(docs[d]), d) for s, d in ranked if filters.accepts(docs[d])]
            ranked = kept
        if not ranked:
            # 'IT 과정 목록', '4월에 시작하는 리더십': the category was said, the other words name no course
            # ...unless a word names something the catalog lacks (전기기사 자격증): that is a refusal, not a list
            return self._browse(filters, limit) if filters.categories and not (reading and reading.unknown) else []
        top = heapq.nlargest(limit, ranked)
        floor = top[0][0] - RELATIVE
        return [self._hit(d, s) for s, d in top if s >= floor]

    # ------------------------------------------------------------------ what the sentence reader asks
    def split(self, token: str) -> list[str]:
        """A token typed without spaces, in known pieces (only when it is not itself a known word)."""
        if len(token) < 4 or not has_hangul(token) or token in self.terms or strip_endings(token) in self.terms:
            return [token]
        return self.segmenter.split(token)

    def word_evidence(self, core: str, raw: str) -> dict[int, float]:
        return self._token_evidence(core, raw)[0]

    def exact_evidence(self, word: str) -> dict[int, float]:
        return {d: 100.0 * w for d, w in self._items(self.terms.get(word, {}), word)}

    def described(self, word: str) -> frozenset[int]:
        return frozenset(self.described_words.get(word, ()))

    def _browse(self, filters: Filters, limit: int) -> list[SearchHit]:
        """Only filters were given ('3월 비대면'): the courses that pass them, by title."""
        docs = [d for d, doc in enumerate(self.docs) if filters.accepts(doc)]
        docs.sort(key=lambda d: (-filters.bonus(self.docs[d]), self.docs[d].title))  # 비대면: online before blended
        return [self._hit(d, THRESHOLD) for d in docs[:limit]]

    def _hit(self, d: int, score: float) -> SearchHit:
        doc = self.docs[d]
        return SearchHit(doc.id, doc.title, round(min(score, 100.0), 1), doc.title_en, doc.category, doc.delivery)

    def scores(self, query: str) -> dict[int, float]:
        """Score (0–100) of every course with any evidence for `query` (no threshold, no filters)."""
        text = normalize(query)
        if not text:
            return {}
        alternatives = self._alternatives(text)
        best = self._score_text(alternatives[0][0])
        for alternative, factor in alternatives[1:]:
            for d, s in self._score_text(alternative).items():
                s *= factor
                if s > best.get(d, 0.0):
                    best[d] = s
        return best

    def _alternatives(self, text: str) -> list[tuple[str, float]]:
        """The query, Korean typed with the English layout (dprtpf 교육) or as loose jamo (ㅇㅔㄱㅅㅔㄹ), synonyms."""
        out = [(text, 1.0)]
        tokens = text.split()[:MAX_WORDS]
        converted = [qwerty_to_hangul(t) if is_latin(t) and not t.isdigit() else None for t in tokens]
        if any(converted):
            out.append((" ".join(c or t for c, t in zip(converted, tokens)), QWERTY))
        if any(ch in VOWELS for ch in text):
            composed = [compose(t) for t in tokens]
            if any(stray == 0 and c != t for (c, stray), t in zip(composed, tokens)):
                out.append((" ".join(c if stray == 0 else t for (c, stray), t in zip(composed, tokens)), QWERTY))
        if len(tokens) > 1:
            core = "".join(content_words(tokens))
            out += [(normalize(e), SYNONYM) for e in expansions(core)]
        return out

    def _score_text(self, text: str) -> dict[int, float]:
        pairs = list({core: (core, raw) for core, raw in content_terms(text.split())}.values())[:MAX_WORDS]
        if not pairs:
            return {}
        evidence = [self._token_evidence(core, raw) for core, raw in pairs]
        # a conjugated word the catalog knows (next to) nothing about (가서, 살고) says how, not what: leave it out
        kept = [(core, ev) for (core, _), ev in zip(pairs, evidence)
                if len(pairs) == 1 or not looks_like_predicate(core) or max(ev[0].values(), default=0.0) >= 85.0]
        if not kept:
            return {}
        tokens = [core for core, _ in kept]
        per_token = [ev[0] for _, ev in kept]
        if len(tokens) == 1:
            result = per_token[0] if not is_generic(tokens[0]) else {d: s * 0.8 for d, s in per_token[0].items()}
        else:
            result = self._combine(tokens, per_token, [ev[1] for _, ev in kept])
            if all(is_generic(t) for t in tokens):  # 공무원 시험, 실무 교육: only generic words say little
                result = {d: s * 0.8 for d, s in result.items()}
            # the words glued together, matched as one name: 인생 이모작 → 인생이모작(준비); a longer sentence is
            # no name typed in pieces (the sentence reader glues its neighbours instead)
            if len(tokens) <= GLUED_WORDS:
                for d, s in self._token_scores("".join(tokens), glued=True).items():
                    if s > result.get(d, 0.0):
                        result[d] = s
        # the text exactly as typed, request words included, may be a full name (인생이모작 준비 과정)
        as_typed = text.replace(" ", "")
        for d, w in self._items(self.terms.get(as_typed, {}), as_typed):
            if 100.0 * w > result.get(d, 0.0):
                result[d] = 100.0 * w
        # typos spread over several words: compare the whole query with the best candidates' names
        core_key = keys("".join(tokens))
        if len(core_key) >= 6 and result:
            for d, s in heapq.nlargest(30, result.items(), key=itemgetter(1)):
                if s >= 95.0 or s < 55.0:  # already certain, or no real evidence to build on
                    continue
                for k, w in self.doc_keys[d]:
                    r = fuzz.ratio(core_key, k, score_cutoff=84.0)
                    if r and r * FUZZY * w > result[d]:
                        result[d] = r * FUZZY * w
        return result

    @staticmethod
    def _combine(tokens: list[str], per_token: list[dict[int, float]],
                 naming: list[dict[int, float]]) -> dict[int, float]:
        """Several query words: the weighted mean of their scores; an unknown extra word costs a little."""
        weights = [0.5 if is_generic(t) else 1.0 for t in tokens]
        n = len(tokens)
        leading = [ts for ts, w in zip(per_token, weights) if w == 1.0] or per_token
        candidates: set[int] = set()
        for i in range(n):
            for j in range(i + 1, n):
                candidates |= per_token[i].keys() & per_token[j].keys()
        for ts in leading:
            if len(ts) > TOP_PER_WORD:
                candidates.update(d for d, _ in heapq.nlargest(TOP_PER_WORD, ts.items(), key=itemgetter(1)))
            else:
                candidates.update(ts)
        result: dict[int, float] = {}
        pairs = [(ts.get, w) for ts, w in zip(per_token, weights)]
        namers = [nm.get for nm, w in zip(naming, weights) if w == 1.0 and nm]
        for d in candidates:
            weighted = total = 0.0
            for get, w in pairs:
                g = get(d, 0.0)
                if w < 1.0 and not g:
                    w = UNMATCHED_GENERIC  # a generic word the course lacks (홍보 *업무*) costs little
                weighted += g * w
                total += w
            mean = weighted / total
            strong = 0.0
            for get in namers:
                g = get(d, 0.0)
                if g > strong:
                    strong = g
            if strong >= LENIENT_STRONG:
                # one word names the course (a title or alias word): another word we know little or nothing
                # about (태국어 회화, 보고서 작셩) costs a little, and a weak match costs less than none
                floor = strong - UNMATCHED_PENALTY
                lenient = sum(w * max(get(d, 0.0), floor + 0.1 * get(d, 0.0)) for get, w in pairs) / sum(weights)
                if lenient > mean:
                    mean = lenient
            result[d] = mean
        return result

    # ------------------------------------------------------------------ one word
    def _token_scores(self, token: str, raw: str = "", glued: bool = False) -> dict[int, float]:
        return self._token_evidence(token, raw, glued)[0]

    def _token_evidence(self, token: str, raw: str = "", glued: bool = False) -> tuple[dict[int, float], dict[int, float]]:
        """Evidence for one query word, from the word itself, its forms as typed, and its synonyms: the score per
        course, and the score per course where the word matched a title, alias or English title (it *names* it).

        Typos are looked for only in the word itself (and not word by word when it is several words glued).
        """
        memo = self._memo
        if memo is not None:
            found = memo.get((token, raw, glued))
            if found is None:
                found = memo[(token, raw, glued)] = self._evidence(token, raw, glued)
            return found
        return self._evidence(token, raw, glued)

    def _evidence(self, token: str, raw: str, glued: bool) -> tuple[dict[int, float], dict[int, float]]:
        out: dict[int, float] = {}
        naming: dict[int, float] = {}
        variants = [(token, 1.0, True)]
        stripped = strip_particle(token)
        if stripped != token:
            variants.append((stripped, 1.0, True))
        for other in (raw, strip_particle(raw)):
            if other and all(other != v for v, _, _ in variants):
                variants.append((other, 1.0, True))  # 심하과정: the typo may sit in a word we would strip
        for v, _, _ in list(variants):
            variants += [(compact(e), SYNONYM, False) for e in expansions(v)]
        for v, factor, typos in variants:
            if v:
                self._match(v, factor, out, naming, typos=typos, word_typos=typos and not glued, pieces=not glued)
        return out, naming

    def _match(self, v: str, factor: float, out: dict[int, float], naming: dict[int, float], typos: bool = True,
               word_typos: bool = True, pieces: bool = True) -> None:
        get = out.get

        def put(d: int, s: float, w: float, exact: bool = False) -> None:
            s *= w
            if s > get(d, 0.0):
                out[d] = s
            if exact and s > naming.get(d, 0.0):
                naming[d] = s

        exact = self.terms.get(v, {})
        top = 100.0 * factor
        names_course = self.naming.get(v, ())
        for d, w in self._items(exact, v):
            put(d, top, w, d in names_course)
        if is_initials(v):
            self._match_initials(v, factor, put)
            return
        hangul = has_hangul(v)
        n = len(v)
        if (hangul and n >= 2) or n >= 3:
            inside_words = self._match_words(v, factor, put) if len(exact) < TOP_PER_WORD else 0
            if not exact and not inside_words and ((hangul and n >= 4) or n >= 6):
                self._match_names(v, factor, put)
        if typos and max(out.values(), default=0.0) < 90.0 * factor:
            if word_typos:
                self._match_fuzzy(v, factor, put)
            if hangul and n >= 4:
                self._match_names_fuzzy(v, factor, put)
        if pieces and hangul and n >= 4 and max(out.values(), default=0.0) < 85.0 * factor:
            self._match_pieces(v, factor, put)

    def _match_words(self, v: str, factor: float, put: Callable) -> int:
        """v inside an indexed word: a prefix (e정비 → e정비사업) scores more than the middle of a word."""
        n = len(v)
        found = 0
        short = n <= 2 if has_hangul(v) else n <= 3
        strings, terms = self.words.strings, self.terms
        for i, offset in self.words.find(v, MAX_OCCURRENCES):
            word = strings[i]
            if len(word) == n:
                continue  # the exact word: already scored
            found += 1
            if offset == 0:
                base = 86.0 if short else 91.0
            elif offset + n == len(word):
                base = 78.0 if short else 86.0
            else:
                base = 74.0 if short else 82.0
            s = (base + 3.0 * n / len(word)) * factor
            for d, w in self._items(terms[word], word):
                put(d, s, w)
        return found

    def _names_containing(self, v: str) -> Iterable[tuple[int, int]]:
        """(name index, offset) of whole names containing v: candidates from v's rarest syllable bigram."""
        rarest = None
        for j in range(len(v) - 1):
            ids = self.bigrams.get(v[j:j + 2])
            if ids is None:
                return
            if rarest is None or len(ids) < len(rarest):
                rarest = ids
        strings = self.name_strings
        seen = 0
        for i in rarest or ():
            at = strings[i].find(v)
            if at >= 0:
                yield i, at
                seen += 1
                if seen >= MAX_OCCURRENCES:
                    return

    def _match_names(self, v: str, factor: float, put: Callable) -> None:
        """v inside a whole name across word boundaries (행복한미래설계 in 행복한 미래설계 과정)."""
        n = len(v)
        for i, offset in self._names_containing(v):
            name = self.name_strings[i]
            bounds = self.name_bounds[i]
            starts_word = offset in bounds
            ends_word = offset + n == len(name) or (offset + n) in bounds
            base = 96.0 if starts_word and ends_word else 91.0 if starts_word else 86.0 if ends_word else 82.0
            s = (base + 3.0 * n / len(name)) * factor
            for d, w in self._items(self.name_postings[i], i):
                put(d, s, w)

    def _match_initials(self, v: str, factor: float, put: Callable) -> None:
        if len(v) < 2 or len(set(v)) == 1:  # ㅋㅋ, ㅎㅎㅎ: laughter, not a course
            return
        exact = self.initial_terms.get(v, {})
        for d, w in self._items(exact, ("ini", v)):
            if len(v) > 2 or w >= FIELD["alias"] * 0.97:  # two consonants only name a title or alias word
                put(d, 95.0 * factor, w)
        if len(v) < 3 or len(exact) >= TOP_PER_WORD:
            return
        for i, offset in self.initial_names.find(v, MAX_OCCURRENCES // 4):  # 초성 strings repeat a lot at scale
            base = 90.0 if offset == 0 else 84.0
            for d, w in self._items(self.initial_postings[i], ("ini#", i)):
                put(d, base * factor, w)

    def _match_fuzzy(self, v: str, factor: float, put: Callable) -> None:
        """Typos: distinct words whose jamo keys are within the cut-off (one jamo off for short words)."""
        k = keys(v)
        n = len(k)
        if n < 4:
            return
        if len(v) < 2:
            return
        cutoff = _fuzzy_cutoff(n)
        c = cutoff / 100.0
        shortest, longest = int(n * c / (2 - c)), int(n * (2 - c) / c) + 1
        seen: set[str] = set()
        for bucket in (self.fuzzy_first.get(v[0]), self.fuzzy_last.get(v[-1])):
            if bucket is None:
                continue
            lens, fz_keys, fz_terms = bucket
            lo, hi = bisect_left(lens, shortest), bisect_right(lens, longest)
            if lo >= hi:
                continue
            for _, score, j in process.extract_iter(k, fz_keys[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff):
                term = fz_terms[lo + j]
                if term in seen:
                    continue
                seen.add(term)
                s = score * FUZZY * factor * (SHORT_FUZZY if n <= 5 else 1.0)
                for d, w in self._items(self.terms[term], term):
                    put(d, s, w)

    def _match_names_fuzzy(self, v: str, factor: float, put: Callable) -> None:
        """Typos in a longer query written without spaces: whole names sharing syllable bigrams, by jamo ratio."""
        grams = {v[j:j + 2] for j in range(len(v) - 1)}
        counts: Counter[int] = Counter()
        for g in grams:
            ids = self.bigrams.get(g)
            if ids:
                counts.update(ids)
        if not counts:
            return
        need = max(1, len(grams) // 3)
        k = keys(v)
        for i, shared in counts.most_common(BIGRAM_CANDIDATES):
            if shared < need:
                break
            r = fuzz.ratio(k, self.name_keys[i], score_cutoff=80.0)
            if r:
                s = r * FUZZY * factor
                for d, w in self._items(self.name_postings[i], i):
                    put(d, s, w)

    def _match_pieces(self, v: str, factor: float, put: Callable) -> None:
        """Words written together (재취업창업, 인생이모작쥰비): indexed words inside the query, by coverage."""
        n = len(v)
        if n > 16:
            return
        covered: dict[int, list[bool]] = {}
        weight: dict[int, float] = {}
        for i in range(n):
            for j in range(i + 2, n + 1):
                if j - i == n:
                    continue
                piece = v[i:j]
                postings = self.terms.get(piece)
                if not postings or is_generic(piece) or len(postings) > TOP_PER_WORD:
                    continue
                for d, w in postings.items():
                    mask = covered.get(d)
                    if mask is None:
                        mask = covered[d] = [False] * n
                    mask[i:j] = [True] * (j - i)
                    if w > weight.get(d, 0.0):
                        weight[d] = w
        for d, mask in covered.items():
            frac = sum(mask) / n
            if frac >= 0.7:
                put(d, (55.0 + 40.0 * frac) * factor, weight[d])


def _broad(hits: list[SearchHit]) -> bool:
    """The best answers are several courses tied at the top: they matched a word shared by a whole category."""
    return len(hits) >= BROAD and hits[BROAD - 1].score >= hits[0].score - 1.0


def _analyse(text: str) -> tuple:
    """One name, once: compact form, word starts, jamo keys, 초성, and its words (with particles stripped)."""
    words = normalize(text).split()
    comp = "".join(words)
    bounds = set()
    pieces: dict[str, float] = {}
    pos = 0
    for w in words:
        parts = script_parts(w)
        for part in parts:
            bounds.add(pos)
            pos += len(part)
        for piece in {w, *parts, *(strip_particle(p) for p in (w, *parts))}:
            if piece and not (len(piece) < 2 and is_latin(piece)):
                pieces[piece] = 0.97 + 0.03 * len(piece) / len(comp)
    out = []
    for piece, share in pieces.items():
        ini = initials(piece)
        out.append((piece, share, ini if len(ini) >= 2 else ""))
    return comp, frozenset(bounds), keys(comp), initials(comp), out
