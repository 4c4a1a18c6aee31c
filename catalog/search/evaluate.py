"""Search quality on a labelled query set: hit@1, hit@5 and how often a nonsense query gets nothing.

    python -m catalog.search.evaluate [QUERIES.yaml] [--failures]

Runs against the catalog in catalog/data/courses.yaml (the same documents the loader builds from the seeded
database). A query file is a YAML list of {q: text, expect: [course ids] (empty = must return nothing), kind: …};
a hit is any expected id.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from catalog.search.filters import parse_query
from catalog.search.index import CourseDoc, SearchIndex

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "tests" / "catalog" / "search" / "queries.yaml"
CHAT_DEV = QUERIES.with_name("chat_dev.yaml")         # chat-style messages (issue #15): tuned on
CHAT_SEALED = QUERIES.with_name("chat_sealed.yaml")   # ...and never tuned on: scored once, at the end
CHAT_HOLDOUT = QUERIES.with_name("chat_holdout.yaml")  # a second unseen batch (second round of #15), never tuned on
TARGETS = {"hit@1": 0.90, "hit@5": 0.97, "negatives_empty": 0.95}


@dataclass(frozen=True)
class LabelledQuery:
    q: str
    expect: tuple[str, ...]
    kind: str = ""


@dataclass
class Report:
    positives: int = 0
    negatives: int = 0
    hit1: int = 0
    hit5: int = 0
    negatives_empty: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))  # n, hit1, hit5
    failures: list[tuple[LabelledQuery, list[str]]] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "queries": self.positives + self.negatives,
            "positives": self.positives,
            "negatives": self.negatives,
            "hit@1": round(self.hit1 / self.positives, 4) if self.positives else 0.0,
            "hit@5": round(self.hit5 / self.positives, 4) if self.positives else 0.0,
            "negatives_empty": round(self.negatives_empty / self.negatives, 4) if self.negatives else 1.0,
            "false_positive_rate": round(1 - self.negatives_empty / self.negatives, 4) if self.negatives else 0.0,
        }

    def meets_targets(self) -> bool:
        f = self.figures()
        return all(f[k] >= v for k, v in TARGETS.items())


def load_queries(path: Path = QUERIES) -> list[LabelledQuery]:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or []
    out = []
    for row in raw:
        expect = row.get("expect") or []
        if isinstance(expect, str):
            expect = [expect]
        out.append(LabelledQuery(str(row["q"]), tuple(expect), str(row.get("kind", ""))))
    return out


def run_query(index: SearchIndex, text: str, limit: int = 5) -> list[str]:
    query, filters = parse_query(text)
    return [h.course_id for h in index.search(query, limit=limit, filters=filters)]


def evaluate(index: SearchIndex, queries: list[LabelledQuery]) -> Report:
    report = Report()
    for lq in queries:
        got = run_query(index, lq.q)
        if not lq.expect:
            report.negatives += 1
            if not got:
                report.negatives_empty += 1
            else:
                report.failures.append((lq, got))
            continue
        report.positives += 1
        h1 = bool(got) and got[0] in lq.expect
        h5 = any(g in lq.expect for g in got[:5])
        report.hit1 += h1
        report.hit5 += h5
        row = report.by_kind[lq.kind]
        row[0] += 1
        row[1] += h1
        row[2] += h5
        if not h1:
            report.failures.append((lq, got))
    return report


def yaml_docs() -> list[CourseDoc]:
    """The documents the loader builds from a freshly seeded database, read straight from catalog/data."""
    from catalog.search.loader import evidence_text, extra_aliases
    from db.seed import read_yaml

    docs = []
    for c in read_yaml("courses.yaml").get("courses", []):
        months: set[int] = set()
        for co in c.get("cohorts") or []:
            start = _day(co["start"])
            end = _day(co.get("end") or co["start"])
            months.update(range(1, 13) if end.year > start.year else range(start.month, end.month + 1))
        docs.append(CourseDoc(
            id=c["id"], title=c["title"], title_en=c.get("title_en") or c["title"], category=c["category"],
            delivery=c["delivery"],
            keywords=tuple([*(c.get("keywords") or []), *(c.get("keywords_en") or []), c.get("topic", "")]),
            aliases=tuple(dict.fromkeys([*(c.get("aliases") or []), *extra_aliases().get(c["id"], ())])),
            months=frozenset(months), topic=c.get("topic", ""),
            seats_open=any(co.get("status", "open") == "open" for co in c.get("cohorts") or []),
            audience=c.get("audience", ""),
            description=evidence_text(c.get("description"), c.get("description_en"), c.get("audience_en"),
                                      c.get("eligibility")),
            eligibility=dict(c.get("eligibility") or {}),
        ))
    return docs


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def print_report(report: Report, out=sys.stdout, failures: bool = True) -> None:
    f = report.figures()
    print(f"queries {f['queries']} (positives {f['positives']}, negatives {f['negatives']})", file=out)
    print(f"hit@1 {f['hit@1']:.3f}   hit@5 {f['hit@5']:.3f}   negatives answered with nothing "
          f"{f['negatives_empty']:.3f}   false-positive rate {f['false_positive_rate']:.3f}", file=out)
    print(f"{'kind':14} {'n':>4} {'hit@1':>6} {'hit@5':>6}", file=out)
    for kind, (n, h1, h5) in sorted(report.by_kind.items()):
        print(f"{kind:14} {n:4d} {h1 / n:6.2f} {h5 / n:6.2f}", file=out)
    if failures and report.failures:
        print("misses:", file=out)
        for lq, got in report.failures:
            print(f"  {lq.q!r:36} expected {list(lq.expect) or 'nothing'} got {got}", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("queries", nargs="?", type=Path, default=QUERIES)
    ap.add_argument("--failures", action="store_true", help="list every miss")
    args = ap.parse_args(argv)
    index = SearchIndex.build(yaml_docs())
    report = evaluate(index, load_queries(args.queries))
    print_report(report, failures=args.failures)
    return 0 if report.meets_targets() else 1


if __name__ == "__main__":
    sys.exit(main())
