"""Whatever is typed, search answers with a short, ordered list of valid hits and never raises."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.search import THRESHOLD, parse_query

korean = st.text(alphabet=st.sampled_from(list("엑셀태국어리더십인생이모작준비ㅂㄹㅋㄷㅏㅣ 교육을를가 3월비대면e-")),
                 max_size=40)
anything = st.text(max_size=300)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(korean, anything))
def test_any_text_gives_valid_hits(index, text):
    query, filters = parse_query(text)
    hits = index.search(query, limit=5, filters=filters)
    assert len(hits) <= 5
    assert all(THRESHOLD <= h.score <= 100 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.course_id for h in hits}) == len(hits)
