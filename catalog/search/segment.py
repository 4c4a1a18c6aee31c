"""Text typed without spaces, split over the catalog's own vocabulary: `리더십교육받고싶어요` → 리더십 · 교육 · 받고 ·
싶어요. No model: the known words are the index's words and names, the synonym keys, and the request, particle and
ending lists; a run of characters none of them covers is kept as one unknown piece (`전기기사자격증` → 전기기사 ·
자격증). Chosen over kiwipiepy by figures (docs/search.md): the same hit@1 on the chat messages for no memory.
"""
from __future__ import annotations

from collections.abc import Iterable

from catalog.search.particles import ENDINGS, FUNCTION_WORDS, GENERIC, PARTICLES, SENTENCE_FILLER

LONGEST = 12   # longest known piece looked for (characters)


class Segmenter:
    def __init__(self, vocabulary: Iterable[str]) -> None:
        known = {w for w in vocabulary if 2 <= len(w) <= LONGEST}
        grammar = {w for w in (*FUNCTION_WORDS, *GENERIC, *ENDINGS, *SENTENCE_FILLER) if 1 <= len(w) <= LONGEST}
        self.known = frozenset(known | grammar)
        self.grammar = frozenset(grammar)
        self.endings = frozenset(w for w in (*ENDINGS, *PARTICLES, *SENTENCE_FILLER) if len(w) >= 2)
        self.particles = frozenset(PARTICLES)

    def split(self, token: str) -> list[str]:
        """The pieces of one token, covering the most characters with known words, then with the fewest pieces.
        A particle (one or two syllables) is a piece only right after a known word."""
        n = len(token)
        if n < 4:
            return [token]
        # best[i] = (uncovered characters, pieces) for token[:i]; back[i] = start of the last piece
        best: list[tuple[int, int]] = [(0, 0)] + [(n + 1, n + 1)] * n
        back = [0] * (n + 1)
        known, particles = self.known, self.particles
        for i in range(n):
            if best[i][0] > n:
                continue
            cost, pieces = best[i]
            # one unknown character (joined with its unknown neighbours afterwards)
            cand = (cost + 1, pieces + 1)
            if cand < best[i + 1]:
                best[i + 1], back[i + 1] = cand, i
            for j in range(i + 2 if i == 0 else i + 1, min(n, i + LONGEST) + 1):
                piece = token[i:j]
                if piece in known or (i > 0 and piece in particles and back[i] != i - 1):
                    cand = (cost, pieces + 1)
                    if cand < best[j]:
                        best[j], back[j] = cand, i
        cuts = []
        j = n
        while j > 0:
            cuts.append((back[j], j))
            j = back[j]
        cuts.reverse()
        out: list[str] = []
        unknown_run = ""
        for i, j in cuts:
            piece = token[i:j]
            if j - i == 1 and piece not in known and piece not in particles:
                unknown_run += piece
                continue
            if unknown_run:
                out.append(unknown_run)
                unknown_run = ""
            out.append(piece)
        if unknown_run:
            out.append(unknown_run)
        if any(len(p) == 1 and p not in known and p not in particles for p in out):
            return [token]  # a stray syllable left over is a typo (주택관리서), not words written together
        if not any(p in self.grammar or p in particles for p in out):
            return [token]  # nouns only (토목기사 = 토목 + 기사?): a compound, not a sentence written together
        if any(p not in known and p not in particles for p in out) and not any(p in self.endings for p in out):
            return [token]  # 정보처리기사 = 정보 + an unknown rest: a compound we do not know, kept whole
        return out
