"""The in-memory course search index: built once from the catalog, queried per message.

Every course contributes *names* (title, aliases, English title, keywords, category words), each with a field
weight. A name is indexed whole (spaces removed) and word by word (particles stripped too), by its jamo keys (for
typos) and by its 초성. A query is cleaned (filters, particles, request words), then each content word gathers
evidence from the index — exact word, prefix/substring, 초성, jamo-level fuzzy match, words glued together, synonyms
— and a course's score combines its words' evidence; the query without spaces is matched as a whole as well, and
Korean typed on a QWERTY layout is tried as an alternative query. Scores are 0–100; below `THRESHOLD` nothing is
returned, so nonsense gets an empty list rather than the least-bad course.

Candidate generation only touches postings of matching words, a substring scan of one joined string (C speed), and
a fuzzy pass over the words whose length can reach the cut-off, so a query stays fast at 100k titles.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from catalog.search.filters import Filters
from catalog.search.hangul import initials, is_initials, keys
from catalog.search.keyboard import qwerty_to_hangul
from catalog.search.normalize import compact, has_hangul, is_latin, normalize, script_parts
from catalog.search.particles import content_terms, content_words, is_generic, strip_particle
from catalog.search.synonyms import expansions

THRESHOLD = 74.0        # below this a course is not an answer
RELATIVE = 22.0         # and nothing more than this below the best answer
FIELD = {"title": 1.0, "alias": 0.98, "title_en": 0.98, "keyword": 0.95, "category": 0.88}
SYNONYM = 0.96          # an answer reached through a synonym
QWERTY = 0.97           # an answer reached by reading Latin letters as 두벌식 keys
FUZZY = 0.96            # a typo costs at least this much
UNMATCHED_PENALTY = 15.0
MAX_OCCURRENCES = 20000
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


@dataclass(frozen=True)
class SearchHit:
    course_id: str
    title: str            # the Korean title
    score: float          # 0–100
    title_en: str = ""
    category: str = ""
    delivery: str = ""


def _fuzzy_cutoff(length: int) -> float:
    """Short words must be nearly identical (one jamo off); longer ones may differ more."""
    if length <= 5:
        return 85.0
    if length <= 8:
        return 80.0
    return 76.0


class SearchIndex:
    def __init__(self) -> None:
        self.docs: list[CourseDoc] = []
        self.terms: dict[str, dict[int, float]] = {}       # word or whole name -> {doc: weight}
        self.initial_terms: dict[str, dict[int, float]] = {}
        self.doc_keys: list[list[tuple[str, float]]] = []  # per doc: (jamo key of a whole name, weight)
        # whole names joined into one string for substring search
        self.hay = ""
        self.hay_starts: list[int] = []
        self.hay_names: list[str] = []
        self.hay_bounds: list[frozenset[int]] = []
        self.hay_postings: list[dict[int, float]] = []
        self.ini_hay = ""
        self.ini_starts: list[int] = []
        self.ini_postings: list[dict[int, float]] = []
        # fuzzy vocabulary, sorted by key length
        self.fz_lens: list[int] = []
        self.fz_keys: list[str] = []
        self.fz_terms: list[str] = []

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, docs: Iterable[CourseDoc]) -> SearchIndex:
        self = cls()
        self.docs = list(docs)
        whole: dict[str, tuple[frozenset[int], dict[int, float]]] = {}
        whole_ini: dict[str, dict[int, float]] = {}
        for d, doc in enumerate(self.docs):
            names = [(doc.title, FIELD["title"])]
            names += [(a, FIELD["alias"]) for a in doc.aliases]
            if doc.title_en:
                names.append((doc.title_en, FIELD["title_en"]))
            names += [(k, FIELD["keyword"]) for k in doc.keywords]
            names += [(c, FIELD["category"]) for c in doc.category.split("/") if c and c not in ROOTS]
            doc_keys: dict[str, float] = {}
            for text, weight in names:
                comp = compact(text)
                if not comp:
                    continue
                self._add(self.terms, comp, d, weight)
                bounds, postings = whole.setdefault(comp, (_bounds(text), {}))
                postings[d] = max(postings.get(d, 0.0), weight)
                k = keys(comp)
                doc_keys[k] = max(doc_keys.get(k, 0.0), weight)
                ini = initials(comp)
                if len(ini) >= 2:
                    self._add(self.initial_terms, ini, d, weight)
                    p = whole_ini.setdefault(ini, {})
                    p[d] = max(p.get(d, 0.0), weight)
                for w in normalize(text).split():
                    pieces = {w, *script_parts(w)}
                    pieces |= {strip_particle(p) for p in list(pieces)}
                    for piece in pieces:
                        if not piece or (is_latin(piece) and len(piece) < 2):
                            continue
                        # a word of a longer name scores a little less than the name itself
                        self._add(self.terms, piece, d, weight * (0.97 + 0.03 * len(piece) / len(comp)))
                        ini = initials(piece)
                        if len(ini) >= 2:
                            self._add(self.initial_terms, ini, d, weight * 0.99)
            self.doc_keys.append(list(doc_keys.items()))
        pos = 0
        parts = []
        for name, (bounds, postings) in whole.items():
            self.hay_starts.append(pos)
            self.hay_names.append(name)
            self.hay_bounds.append(bounds)
            self.hay_postings.append(postings)
            parts.append(name)
            pos += len(name) + 1
        self.hay = "\x01".join(parts)
        pos = 0
        parts = []
        for ini, postings in whole_ini.items():
            self.ini_starts.append(pos)
            self.ini_postings.append(postings)
            parts.append(ini)
            pos += len(ini) + 1
        self.ini_hay = "\x01".join(parts)
        vocab = sorted((len(keys(t)), keys(t), t) for t in self.terms if len(keys(t)) >= 3)
        self.fz_lens = [v[0] for v in vocab]
        self.fz_keys = [v[1] for v in vocab]
        self.fz_terms = [v[2] for v in vocab]
        return self

    @staticmethod
    def _add(table: dict[str, dict[int, float]], term: str, d: int, weight: float) -> None:
        postings = table.setdefault(term, {})
        if weight > postings.get(d, 0.0):
            postings[d] = weight

    def __len__(self) -> int:
        return len(self.docs)

    # ------------------------------------------------------------------ search
    def search(self, query: str, limit: int = 8, filters: Filters | None = None) -> list[SearchHit]:
        filters = filters or Filters()
        scores = self.scores(query)
        if not scores and not compact(query) and filters:
            return self._browse(filters, limit)
        if not scores and filters and not content_words(normalize(query).split()):
            return self._browse(filters, limit)
        ranked = sorted(((s + filters.bonus(self.docs[d]), d) for d, s in scores.items()
                         if s >= THRESHOLD and filters.accepts(self.docs[d])),
                        key=lambda sd: (-sd[0], len(self.docs[sd[1]].title), self.docs[sd[1]].title))
        if not ranked:
            return []
        floor = ranked[0][0] - RELATIVE
        return [self._hit(d, s) for s, d in ranked[:limit] if s >= floor]

    def _browse(self, filters: Filters, limit: int) -> list[SearchHit]:
        """Only filters were given ('3월 비대면'): the courses that pass them, by title."""
        docs = [d for d, doc in enumerate(self.docs) if filters.accepts(doc)]
        docs.sort(key=lambda d: self.docs[d].title)
        return [self._hit(d, THRESHOLD) for d in docs[:limit]]

    def _hit(self, d: int, score: float) -> SearchHit:
        doc = self.docs[d]
        return SearchHit(doc.id, doc.title, round(min(score, 100.0), 1), doc.title_en, doc.category, doc.delivery)

    def scores(self, query: str) -> dict[int, float]:
        """Score (0–100) of every course with any evidence for `query` (no threshold, no filters)."""
        text = normalize(query)
        if not text:
            return {}
        best: dict[int, float] = {}
        for alternative, factor in self._alternatives(text):
            for d, s in self._score_text(alternative).items():
                s *= factor
                if s > best.get(d, 0.0):
                    best[d] = s
        return best

    def _alternatives(self, text: str) -> list[tuple[str, float]]:
        out = [(text, 1.0)]
        tokens = text.split()
        if all(is_latin(t) and not t.isdigit() for t in tokens):
            converted = [qwerty_to_hangul(t) for t in tokens]
            if all(converted):
                out.append((" ".join(converted), QWERTY))
        core = "".join(content_words(tokens))
        for e in expansions(core) if len(tokens) > 1 else ():
            out.append((normalize(e), SYNONYM))
        return out

    def _score_text(self, text: str) -> dict[int, float]:
        pairs = content_terms(text.split())
        if not pairs:
            return {}
        tokens = [core for core, _ in pairs]
        per_token: list[dict[int, float]] = [self._token_scores(core, raw) for core, raw in pairs]
        weights = [0.5 if is_generic(t) else 1.0 for t in tokens]
        total = sum(weights)
        result: dict[int, float] = {}
        if len(tokens) == 1:
            result = dict(per_token[0]) if weights[0] == 1.0 else {d: s * 0.8 for d, s in per_token[0].items()}
        else:
            candidates: set[int] = set()
            for t_scores, w in zip(per_token, weights):
                if w == 1.0:
                    candidates.update(t_scores)
            if not candidates:
                for t_scores in per_token:
                    candidates.update(t_scores)
            n = len(tokens)
            for d in candidates:
                got = [t_scores.get(d, 0.0) for t_scores in per_token]
                mean = sum(g * w for g, w in zip(got, weights)) / total
                strong = max((g for g, w in zip(got, weights) if w == 1.0), default=0.0)
                missing = sum(1 for g in got if g < 60.0)
                if missing and strong >= 90.0:
                    # an extra word we know nothing about (엑셀 함수) costs a little, not the match
                    mean = max(mean, strong - UNMATCHED_PENALTY * missing / n)
                result[d] = mean
            # the words glued together, matched as one name: 인생 이모작 → 인생이모작(준비)
            whole = self._token_scores("".join(tokens))
            for d, s in whole.items():
                if s > result.get(d, 0.0):
                    result[d] = s
        # the text exactly as typed, request words included, may be a full name (인생이모작 준비 과정)
        for d, w in self.terms.get(text.replace(" ", ""), {}).items():
            if 100.0 * w > result.get(d, 0.0):
                result[d] = 100.0 * w
        # typos spread over several words: compare the whole query with the best candidates' names
        core_key = keys("".join(tokens))
        if len(core_key) >= 6:
            top = sorted(result.items(), key=lambda ds: -ds[1])[:30]
            for d, s in top:
                if s >= 95.0:
                    continue
                for k, w in self.doc_keys[d]:
                    r = fuzz.ratio(core_key, k, score_cutoff=80.0)
                    if r and r * FUZZY * w > result[d]:
                        result[d] = r * FUZZY * w
        return result

    # ------------------------------------------------------------------ one word
    def _token_scores(self, token: str, raw: str = "", synonyms: bool = True) -> dict[int, float]:
        out: dict[int, float] = {}
        variants = [(token, 1.0)]
        for other in (strip_particle(token), raw, strip_particle(raw)):
            if other and all(other != v for v, _ in variants):
                variants.append((other, 1.0))
        if synonyms:
            for v, _ in list(variants):
                variants += [(compact(e), SYNONYM) for e in expansions(v)]
        for v, factor in variants:
            if v:
                self._match(v, factor, out)
        return out

    def _match(self, v: str, factor: float, out: dict[int, float]) -> None:
        def put(d: int, s: float) -> None:
            if s > out.get(d, 0.0):
                out[d] = s

        for d, w in self.terms.get(v, {}).items():
            put(d, 100.0 * w * factor)
        hangul = has_hangul(v)
        if is_initials(v):
            self._match_initials(v, factor, put)
            return
        if (hangul and len(v) >= 2) or (not hangul and len(v) >= 3):
            self._match_substring(v, factor, put)
        best = max(out.values(), default=0.0)
        if best < 90.0 * factor:
            self._match_fuzzy(v, factor, put)
        if hangul and len(v) >= 4 and max(out.values(), default=0.0) < 85.0 * factor:
            self._match_pieces(v, factor, put)

    def _match_substring(self, v: str, factor: float, put) -> None:
        hay, find, n = self.hay, self.hay.find, len(v)
        short = n <= 2 if has_hangul(v) else n <= 3
        at = find(v)
        seen = 0
        while at >= 0 and seen < MAX_OCCURRENCES:
            i = bisect_right(self.hay_starts, at) - 1
            offset = at - self.hay_starts[i]
            name = self.hay_names[i]
            bounds = self.hay_bounds[i]
            starts_word = offset in bounds
            ends_word = offset + n == len(name) or (offset + n) in bounds
            if starts_word and ends_word:
                base = 96.0
            elif starts_word:
                base = 86.0 if short else 91.0
            elif ends_word:
                base = 78.0 if short else 86.0
            else:
                base = 74.0 if short else 82.0
            base += 3.0 * n / len(name)
            for d, w in self.hay_postings[i].items():
                put(d, base * w * factor)
            seen += 1
            at = find(v, at + 1)

    def _match_initials(self, v: str, factor: float, put) -> None:
        if len(v) < 2 or len(set(v)) == 1:  # ㅋㅋ, ㅎㅎㅎ: laughter, not a course
            return
        for d, w in self.initial_terms.get(v, {}).items():
            if len(v) > 2 or w >= FIELD["alias"] * 0.97:  # two consonants only name a title or alias word
                put(d, 95.0 * w * factor)
        hay, n = self.ini_hay, len(v)
        at = hay.find(v)
        seen = 0
        while at >= 0 and seen < MAX_OCCURRENCES:
            i = bisect_right(self.ini_starts, at) - 1
            prefix = at == self.ini_starts[i]
            if prefix or n >= 3:
                base = 90.0 if prefix else 84.0
                for d, w in self.ini_postings[i].items():
                    put(d, base * w * factor)
            seen += 1
            at = hay.find(v, at + 1)

    def _match_fuzzy(self, v: str, factor: float, put) -> None:
        k = keys(v)
        n = len(k)
        if n < 4:
            return
        cutoff = _fuzzy_cutoff(n)
        c = cutoff / 100.0
        lo = bisect_left(self.fz_lens, int(n * c / (2 - c)))
        hi = bisect_right(self.fz_lens, int(n * (2 - c) / c) + 1)
        if lo >= hi:
            return
        for _, score, j in process.extract_iter(k, self.fz_keys[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff):
            term = self.fz_terms[lo + j]
            s = score * FUZZY * factor
            for d, w in self.terms[term].items():
                put(d, s * w)

    def _match_pieces(self, v: str, factor: float, put) -> None:
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
                if not postings or is_generic(piece):
                    continue
                for d, w in postings.items():
                    mask = covered.setdefault(d, [False] * n)
                    for x in range(i, j):
                        mask[x] = True
                    weight[d] = max(weight.get(d, 0.0), w)
        for d, mask in covered.items():
            frac = sum(mask) / n
            if frac >= 0.6:
                put(d, (55.0 + 40.0 * frac) * weight[d] * factor)


def _bounds(text: str) -> frozenset[int]:
    """Offsets in the compact form where a word of `text` starts."""
    out = set()
    pos = 0
    for w in normalize(text).split():
        for piece in script_parts(w):
            out.add(pos)
            pos += len(piece)
    return frozenset(out)
