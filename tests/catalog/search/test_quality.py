"""The labelled query set on the real seeded catalog: the issue's targets, and the index the bot really loads."""
from __future__ import annotations

from catalog.search.evaluate import TARGETS, evaluate, load_queries, print_report
from catalog.search.loader import load_index
from db.session import session_scope


async def test_labelled_queries_meet_the_targets(db, capsys):
    async with session_scope(db.sessionmaker) as session:
        index = await load_index(session)
    queries = load_queries()
    assert len(queries) >= 150 and sum(1 for q in queries if not q.expect) >= 25
    report = evaluate(index, queries)
    print_report(report)
    figures = report.figures()
    for name, target in TARGETS.items():
        assert figures[name] >= target, f"{name} {figures[name]} < {target}\n{capsys.readouterr().out}"


async def test_loader_indexes_every_active_course_with_its_months_and_seats(db):
    from sqlalchemy import update

    from db.models import Cohort

    async with session_scope(db.sessionmaker) as session:
        index = await load_index(session)
    excel = next(d for d in index.docs if d.id == "it-excel")
    assert excel.months and excel.seats_open and "엑셀" in excel.keywords
    assert len(index) >= 60
    # search's own aliases (catalog/search/aliases.yaml) are merged with the catalog's
    assert "알통계" in next(d for d in index.docs if d.id == "it-r-statistics").aliases
    assert index.search("알통계")[0].course_id == "it-r-statistics"

    async with session_scope(db.sessionmaker) as session:
        await session.execute(update(Cohort).where(Cohort.course_id == "it-excel").values(status="closed"))
    async with session_scope(db.sessionmaker) as session:
        index = await load_index(session)
    from catalog.search import parse_query

    query, filters = parse_query("빈자리 있는 엑셀")
    assert "it-excel" not in [h.course_id for h in index.search(query, filters=filters)]
    assert index.search("엑셀")[0].course_id == "it-excel"
