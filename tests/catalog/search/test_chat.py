"""The chat-style labelled batch (issue #15): kept honest. Its queries are fixed by general rules, never by adding
them to the vocabulary, and the sealed half is the one written down in docs/search.md."""
from __future__ import annotations

import hashlib
import re

from catalog.search.evaluate import CHAT_DEV, CHAT_SEALED, ROOT, load_queries
from catalog.search.loader import extra_aliases
from catalog.search.normalize import compact
from catalog.search.synonyms import SYNONYMS


def test_no_chat_message_is_itself_a_synonym_key_or_an_alias():
    aliases = {compact(a) for names in extra_aliases().values() for a in names}
    leaked = [q.q for path in (CHAT_DEV, CHAT_SEALED) for q in load_queries(path)
              if compact(q.q) in SYNONYMS or compact(q.q) in aliases]
    assert leaked == []


def test_the_sealed_half_is_the_one_whose_digest_the_docs_give():
    docs = (ROOT / "docs" / "search.md").read_text(encoding="utf-8")
    written = re.search(r"chat_sealed\.yaml` SHA-256 `([0-9a-f]{64})`", docs)
    assert written, "docs/search.md must give the sealed file's SHA-256"
    assert hashlib.sha256(CHAT_SEALED.read_bytes()).hexdigest() == written.group(1)


def test_the_batch_has_the_size_and_share_of_negatives_the_issue_asks_for():
    dev, sealed = load_queries(CHAT_DEV), load_queries(CHAT_SEALED)
    assert len(dev) >= 100 and len(sealed) >= 50
    everything = dev + sealed
    negatives = sum(1 for q in everything if not q.expect)
    assert 0.15 <= negatives / len(everything) <= 0.25
    assert not {q.q for q in dev} & {q.q for q in sealed}
