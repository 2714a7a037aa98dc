"""Relevance benchmark: hit@1 and MRR of bench/relevance/queries.json on both engines.

    python bench/relevance/run.py [--opensearch URL] [--engines builtin,opensearch] [--misses]

On the relevance data set (bench/search_data.py --records 20000, built on first use and cached), each
query of queries.json (what a user types, and the USCC of the entity they mean) is searched as the
API searches it: entities and records together, 10 hits. Hits are read as the entities they are
about (a record counts as its party, each entity once, in order); a query scores 1/rank of the
entity meant (0 when it is not among them). Prints hit@1 and MRR per engine and query class;
--misses lists the queries that did not put the entity meant first. OpenSearch is indexed by
`registry reindex` under a `bench-` prefix (REGISTRY_TEST_OPENSEARCH_URL or --opensearch), deleted
at the end.
"""

import argparse
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

from bench.relevance.make_queries import CLASSES, QUERIES, RECORDS  # noqa: E402
from bench.search_data import DEFAULT_WORKDIR, app_for, ensure_dataset  # noqa: E402
from search.engine import SearchQuery  # noqa: E402

HITS = 10
TARGETS = {"builtin": 0.8, "opensearch": 0.9}


def parties(database: Path) -> dict[str, str]:
    """Document id -> the USCC of the entity it is about."""
    with sqlite3.connect(database) as connection:
        found = {f"entity-{code}": code for (code,) in connection.execute("SELECT uscc FROM entities")}
        found |= {f"record-{ref}": code for ref, code in connection.execute("SELECT id, uscc FROM records")}
    return found


def ranked_entities(engine, q: str, about: dict[str, str]) -> list[str]:
    result = engine.search(SearchQuery(q=q, size=HITS))
    order = []
    for hit in result.hits:
        code = about.get(hit.id)
        if code and code not in order:
            order.append(code)
    return order


def run(engine, queries: list[dict], about: dict[str, str]) -> list[dict]:
    outcomes = []
    for query in queries:
        order = ranked_entities(engine, query["q"], about)
        rank = order.index(query["uscc"]) + 1 if query["uscc"] in order else None
        outcomes.append({**query, "rank": rank, "first": order[0] if order else None})
    return outcomes


def scores(outcomes: list[dict]) -> tuple[float, float]:
    hit1 = sum(o["rank"] == 1 for o in outcomes) / len(outcomes)
    mrr = sum(1 / o["rank"] for o in outcomes if o["rank"]) / len(outcomes)
    return hit1, mrr


def builtin_outcomes(database: Path, queries: list[dict], about: dict) -> list[dict]:
    from registry.publicsearch.engines import configured_engine

    with app_for(database).app_context():
        return run(configured_engine(), queries, about)


def opensearch_outcomes(database: Path, url: str, queries: list[dict], about: dict) -> list[dict]:
    from registry.extensions import db
    from registry.publicsearch.engines import configured_engine
    from registry.publicsearch.reindex import rebuild_index

    prefix = f"bench-relevance-{os.getpid()}"
    with app_for(database, url, prefix).app_context():
        engine = configured_engine()
        try:
            rebuild_index()
            db.session.remove()
            return run(engine, queries, about)
        finally:
            for index in engine.client.indices.get(index=f"{prefix}-*", ignore_unavailable=True):
                engine.client.indices.delete(index=index)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--opensearch", default=os.environ.get("REGISTRY_TEST_OPENSEARCH_URL"))
    parser.add_argument("--engines", default="builtin,opensearch")
    parser.add_argument("--misses", action="store_true", help="list the queries that missed first place")
    args = parser.parse_args()
    engines = args.engines.split(",")
    if "opensearch" in engines and not args.opensearch:
        parser.error("give --opensearch URL or set REGISTRY_TEST_OPENSEARCH_URL (or --engines builtin)")
    started = time.perf_counter()
    database, _ = ensure_dataset(args.workdir, RECORDS)
    queries = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    about = parties(database)
    results = {}
    if "builtin" in engines:
        results["builtin"] = builtin_outcomes(database, queries, about)
    if "opensearch" in engines:
        results["opensearch"] = opensearch_outcomes(database, args.opensearch, queries, about)
    print(f"{len(queries)} queries, {HITS} hits each, on {database.name}")
    print(f"{'engine':<11} {'class':<12} {'n':>3} {'hit@1':>6} {'MRR':>6}")
    for engine, outcomes in results.items():
        for kind in CLASSES:
            chosen = [o for o in outcomes if o["class"] == kind]
            if chosen:
                print(f"{engine:<11} {kind:<12} {len(chosen):>3} {scores(chosen)[0]:>6.2f} {scores(chosen)[1]:>6.2f}")
        hit1, mrr = scores(outcomes)
        verdict = "met" if hit1 >= TARGETS[engine] else "missed"
        print(f"{engine:<11} {'all':<12} {len(outcomes):>3} {hit1:>6.2f} {mrr:>6.2f}   "
              f"target hit@1 >= {TARGETS[engine]} ({verdict})")
    if args.misses:
        for engine, outcomes in results.items():
            for o in outcomes:
                if o["rank"] != 1:
                    print(f"miss {engine:<10} {o['class']:<12} {o['q']!r:<40} rank {o['rank']} "
                          f"(meant {o['name']}, first {o['first']})")
    print(f"benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
