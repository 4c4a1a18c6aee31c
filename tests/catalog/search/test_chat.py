"""The chat-style labelled batch (issue #15): kept honest. Its queries are fixed by general rules, never by adding
them to the vocabulary, and the sealed half is the one written down in docs/search.md."""
from __future__ import annotations

import hashlib
import re

from catalog.search.evaluate import CHAT_DEV, CHAT_HOLDOUT, CHAT_SEALED, ROOT, load_queries
from catalog.search.loader import extra_aliases
from catalog.search.normalize import compact
from catalog.search.synonyms import SYNONYMS


def test_no_chat_message_is_itself_a_synonym_key_or_an_alias():
    aliases = {compact(a) for names in extra_aliases().values() for a in names}
    leaked = [q.q for path in (CHAT_DEV, CHAT_SEALED, CHAT_HOLDOUT) for q in load_queries(path)
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


CHAT_TARGETS = {"hit@1": 0.85, "hit@5": 0.92, "negatives_empty": 0.95}   # issue #15, on unseen chat messages


async def test_chat_messages_meet_the_targets_on_the_index_the_bot_loads(db, capsys):
    from catalog.search.evaluate import evaluate, print_report
    from catalog.search.loader import load_index
    from db.session import session_scope

    async with session_scope(db.sessionmaker) as session:
        index = await load_index(session)
    report = evaluate(index, load_queries(CHAT_DEV))
    print_report(report)
    figures = report.figures()
    for name, target in CHAT_TARGETS.items():
        assert figures[name] >= target, f"{name} {figures[name]} < {target}\n{capsys.readouterr().out}"


def test_a_missing_certificate_is_refused_with_its_category_and_no_hits(chat_index):
    from catalog.search import Refusal, parse_query

    text, filters = parse_query("정보처리기사 자격증 강의 있나요")
    answer = chat_index.answer(text, filters=filters)
    assert answer.hits == [] and chat_index.search(text, filters=filters) == []   # hrdbot search prints []
    assert answer.refusal == Refusal("정보처리기사", "certificate")


def test_missing_languages_are_refused_as_languages_in_korean_and_english(chat_index):
    from catalog.search import parse_query

    for said, missing in (("독일어 회화 배우고 싶어요", "독일어"), ("do you have German lessons", "german")):
        text, filters = parse_query(said)
        answer = chat_index.answer(text, filters=filters)
        assert answer.hits == [] and (answer.refusal.missing, answer.refusal.category) == (missing, "language")
        assert answer.refusal.as_typed(said) in {"독일어", "German"}


def test_chat_that_is_no_course_request_gets_nothing_and_no_refusal(chat_index):
    for said in ("오늘 점심 뭐 먹지", "주차장 어디예요", "asdf qwer"):
        answer = chat_index.answer(said)
        assert answer.hits == [] and answer.refusal is None, said


def test_one_word_the_catalog_knows_carries_a_sentence_but_not_beside_an_unknown_noun(chat_index):
    def first(said: str) -> str | None:
        hits = chat_index.search(said)
        return hits[0].course_id if hits else None

    assert first("드론 날리는 법 배우고 싶어요") == "future-talent-6"        # unknown verb: lower confidence only
    assert first("파이썬배울수있는과정있나요") is None                      # python is not taught: refused, not guessed
    assert first("주식 차트") is None                                     # an unknown noun beside a keyword
    assert first("보고서잘쓰는법알려주는교육") == "job-report-writing"      # unspaced, segmented over the catalog


def test_a_loanword_or_a_measure_is_not_mistaken_for_a_verb_or_a_topic(chat_index):
    from catalog.search import Refusal, parse_query

    text, filters = parse_query("크레인 자격증 따고 싶어요")
    assert chat_index.answer(text, filters=filters).refusal == Refusal("크레인", "certificate")  # not the list
    text, filters = parse_query("8급으로 들어온 지 2년 됐는데 리더십 과정")
    answer = chat_index.answer(text, filters=filters)
    assert answer.hits[0].course_id == "lead-practical-7" and answer.refusal is None   # not "들어온 과정은 없습니다"
    assert chat_index.search("MZ랑 일하는 법")[0].course_id == "el-mz-worker"             # Latin glued to Hangul


def test_the_issues_own_examples_find_a_course(chat_index):
    def first(said: str) -> str | None:
        hits = chat_index.search(said)
        return hits[0].course_id if hits else None

    assert first("회의 때 보여줄 자료 예쁘게 만드는 법") in {"it-powerpoint", "it-report-design"}
    assert first("course for people who just joined the city government") in {"new-hire-basic", "new-hire-advanced"}
    assert first("나라 밖 공무원들 대상 연수") in {"intl-online", "intl-invited"}
    assert first("작년에 5급 됐는데 받아야 하는 교육") == "lead-promoted-5"


def test_a_clear_situation_alone_answers_a_course_request_but_not_chat_or_nonsense(chat_index):
    hits = chat_index.search("training for new employees who just joined")
    assert {h.course_id for h in hits} == {"new-hire-basic", "new-hire-advanced"}
    assert all(h.score < 90 for h in hits)                 # no word named them: a modest confidence
    assert chat_index.search("I just joined, hello everyone") == []   # no course asked for
    assert chat_index.search("zzqq 교육") == []


def test_a_position_says_more_than_the_promotion_beside_it(chat_index):
    assert chat_index.search("승진하고 나서 팀장 보직 받았어요")[0].course_id == "lead-team-leader"
    assert chat_index.search("이번에 5급으로 승진했어요")[0].course_id == "lead-promoted-5"   # no position: unchanged


def test_a_verb_or_a_person_is_read_by_what_it_means(chat_index):
    assert chat_index.search("빅데이터랑 ai로 행정 바꾸는 교육")[0].course_id == "job-4ir-innovation"  # 행정혁신
    assert chat_index.search("민원인하고 분쟁 생겼을 때 중재하는 방법")[0].course_id == "job-conflict-mediation"
    assert chat_index.search("스마트폰 잘 쓰는 법 알려주는 교육 있나요")[0].course_id == "it-smart-devices"  # 활용
    assert chat_index.search("보고서 잘 쓰는 법")[0].course_id == "job-report-writing"                    # 쓰기


def test_a_word_that_says_how_not_what_refines_a_topic_without_sinking_it(chat_index):
    """예방 / 응대 / 대응 / 요령 ask how to deal with the topic: the topic's course answers, and they never make a
    match alone nor rescue a topic the catalog lacks."""
    def first(said: str) -> str | None:
        hits = chat_index.search(said)
        return hits[0].course_id if hits else None

    assert first("해킹 예방") == "it-pc-phone-security"
    assert first("민원 응대") == "job-conflict-mediation"
    assert first("화재 예방") is None and first("응대 요령") is None
