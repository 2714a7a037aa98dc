"""Search latency benchmark: the HTTP API against the engine's own limit, same queries, same run.

    python bench/search_latency.py [--records 1000000] [--workdir bench/.data] [--opensearch URL]
                                   [--per-class 30] [--repeat 2] [--engines builtin,opensearch] [--keep-index]

On the cached demo data set of bench/search_data.py (built on first use), for each engine:
  * the API: `registry serve` (gunicorn, 2 workers) on the data set, GET /api/v1/search over HTTP;
  * the limit, in the same run: the built-in engine's own SQL statements (candidates, then the page
    and the facets over them) run through sqlite3 on the same file; for OpenSearch, the product's
    exact requests (the page and the counts of search.elastic_query.search_bodies) sent in one
    msearch with opensearch-py.
The queries are a fixed mix drawn from the data (a seeded choice of entities): name fragments of 2,
3 and 4-6 characters, full names, credit-code prefixes, pinyin, initials, and fragments with a
filter (domain, district, severity or a date range). OpenSearch is indexed by `registry reindex`
under the prefix bench-<records> (REGISTRY_TEST_OPENSEARCH_URL or --opensearch) unless a kept index
is there (search_reindex.py --keep-index), and the index is deleted at the end unless --keep-index.
Prints p50/p95/p99 per engine and query class, and API - raw at p50.
"""

import argparse
import json
import math
import os
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random
from urllib.parse import urlencode

import urllib3

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

from bench.search_data import DAY, DEFAULT_WORKDIR, SEED, app_for, ensure_dataset, index_prefix  # noqa: E402
from registry.records.layout import SEVERITIES  # noqa: E402
from search.documents import pinyin_of  # noqa: E402
from search.engine import SearchQuery  # noqa: E402

BIN = Path(sys.executable).parent
CLASSES = ("fragment 2", "fragment 3", "fragment 4-6", "full name", "uscc prefix", "pinyin", "initials", "filtered")
SHORT = ("fragment 2",)  # under three characters: the built-in target leaves these out
PAGE = 20
TARGETS = {"opensearch_api_p99": 50.0, "opensearch_overhead_p50": 10.0, "builtin_api_p99": 150.0}


@dataclass(frozen=True)
class Case:
    kind: str  # one of CLASSES
    query: SearchQuery

    def params(self) -> dict:
        q = self.query
        values = {"q": q.q, "kind": q.kind, "domain": q.domain, "district": q.district, "severity": q.severity,
                  "from": q.date_from, "to": q.date_to, "limit": q.size}
        return {key: str(value) for key, value in values.items() if value is not None}


@dataclass
class Timings:
    api: dict = field(default_factory=lambda: {kind: [] for kind in CLASSES})
    raw: dict = field(default_factory=lambda: {kind: [] for kind in CLASSES})


# -- the query mix --------------------------------------------------------------------------------


def _fragment(r: Random, name: str, low: int, high: int) -> str:
    length = min(len(name), low + int(r.random() * (high - low + 1)))
    start = int(r.random() * (len(name) - length + 1))
    return name[start : start + length]


def query_mix(database: Path, per_class: int, seed: int = SEED) -> list[Case]:
    """`per_class` queries of each class, drawn from the entities and records of the data set."""
    with sqlite3.connect(database) as connection:
        entities = connection.execute("SELECT name_normalised, uscc FROM entities ORDER BY id").fetchall()
        domains = [row[0] for row in connection.execute("SELECT key FROM domains ORDER BY key")]
        districts = [row[0] for row in connection.execute(
            "SELECT DISTINCT district_code FROM entities ORDER BY district_code")]
    severities = sorted(SEVERITIES)
    r = Random(seed)
    cases = []

    def add(label: str, q: str, **filters) -> None:
        cases.append(Case(label, SearchQuery(q=q, size=PAGE, **filters)))

    for _ in range(per_class):
        name, code = entities[int(r.random() * len(entities))]
        add("fragment 2", _fragment(r, name, 2, 2))
        add("fragment 3", _fragment(r, name, 3, 3))
        add("fragment 4-6", _fragment(r, name, 4, 6))
        add("full name", name)
        add("uscc prefix", code[: 6 + int(r.random() * 7)])
        add("pinyin", pinyin_of(_fragment(r, name, 2, 4))[0])
        add("initials", pinyin_of(_fragment(r, name, 3, 6))[1])
        fragment = _fragment(r, name, 3, 4)
        chosen = int(r.random() * 4)
        if chosen == 0:
            add("filtered", fragment, domain=domains[int(r.random() * len(domains))])
        elif chosen == 1:
            add("filtered", fragment, district=districts[int(r.random() * len(districts))])
        elif chosen == 2:
            add("filtered", fragment, kind="record", severity=severities[int(r.random() * len(severities))])
        else:
            start = DAY - timedelta(days=30 + int(r.random() * 1000))
            add("filtered", fragment, date_from=start, date_to=start + timedelta(days=365))
    return cases


# -- the two paths ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`registry serve` (gunicorn) on the data set, in its own process group."""

    def __init__(self, database: Path, search_url: str, prefix: str):
        self.port = free_port()
        env = {**os.environ, "REGISTRY_DATABASE_URL": f"sqlite:///{database}",
               "REGISTRY_INSTANCE_DIR": str(database.parent), "REGISTRY_SEARCH_URL": search_url,
               "REGISTRY_SEARCH_INDEX_PREFIX": prefix, "REGISTRY_LOG_LEVEL": "WARNING"}
        self.process = subprocess.Popen(
            [str(BIN / "registry"), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.http = urllib3.PoolManager(timeout=urllib3.Timeout(total=60), retries=False)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.http.request("GET", self.base + "/healthz").status == 200:
                    break
            except urllib3.exceptions.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("the API server did not start")
            time.sleep(0.2)

    def search(self, case: Case) -> float:
        started = time.perf_counter()
        response = self.http.request("GET", f"{self.base}/api/v1/search?{urlencode(case.params())}")
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"{case.params()} answered {response.status}: {response.data[:300]!r}")
        return elapsed

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class RawSQLite:
    """The built-in engine's statements for a query run through sqlite3: the candidates, then the page
    and the facets over them."""

    SENTINEL = [-1]  # stands for the candidates in the compiled page and facets, replaced at run time

    def __init__(self, database: Path):
        from sqlalchemy.dialects import sqlite

        from registry.extensions import db
        from search.sql import BuiltinEngine

        self.dialect = sqlite.dialect()
        self.engine = BuiltinEngine(db)
        self.connection = sqlite3.connect(database)

    def _compiled(self, statement) -> tuple[str, list]:
        compiled = statement.compile(dialect=self.dialect, compile_kwargs={"render_postcompile": True})
        values = [compiled.params[name] for name in compiled.positiontup]
        return str(compiled), [value.isoformat() if isinstance(value, date) else value for value in values]

    def prepare(self, case: Case):
        rules, finding, _ = self.engine.plan("sqlite", case.query)
        page, facets = self.engine.statements("sqlite", case.query, rules, self.SENTINEL)
        return self._compiled(finding), self._compiled(page), self._compiled(facets)

    def search(self, prepared) -> float:
        (finding, values), *over_found = prepared
        started = time.perf_counter()
        rows = self.connection.execute(finding, values).fetchall()
        found = json.dumps(sorted({int(seq) for listed, _, _ in rows if listed for seq in listed.split(",")}))
        sentinel = json.dumps(self.SENTINEL)
        for sql, values in over_found:
            self.connection.execute(sql, [found if value == sentinel else value for value in values]).fetchall()
        return time.perf_counter() - started


class RawOpenSearch:
    """The product's requests for a query, sent in one msearch with opensearch-py."""

    def __init__(self, url: str, alias: str):
        from search.connection import client_for

        self.client = client_for(url)
        self.alias = alias

    def prepare(self, case: Case) -> list[dict]:
        from search.elastic_query import search_bodies
        from search.engine import COUNT_LIMIT

        header = {"index": self.alias}
        page, counts = search_bodies(case.query, COUNT_LIMIT)
        return [header, page, header, counts]

    def search(self, body: list[dict]) -> float:
        started = time.perf_counter()
        self.client.msearch(body=body)
        return time.perf_counter() - started


def measure(server: Server, raw, cases: list[Case], repeat: int) -> Timings:
    """One warm-up pass, then `repeat` passes, each query through the API and then straight to the engine."""
    prepared = [raw.prepare(case) for case in cases]
    started = time.perf_counter()
    for case, body in zip(cases, prepared, strict=True):
        server.search(case)
        raw.search(body)
    timings = Timings()
    for done in range(repeat):
        elapsed = time.perf_counter() - started
        print(f"  pass {done + 1} of {repeat} ({elapsed:.0f} s so far)", file=sys.stderr, flush=True)
        for case, body in zip(cases, prepared, strict=True):
            timings.api[case.kind].append(server.search(case))
            timings.raw[case.kind].append(raw.search(body))
    return timings


# -- OpenSearch index ------------------------------------------------------------------------------


def opensearch_index(database: Path, url: str, prefix: str, log=print) -> None:
    """Index the data set under `prefix` by `registry reindex`, unless a kept index holds it already."""
    from registry.extensions import db
    from registry.publicsearch.engines import configured_engine
    from registry.publicsearch.reindex import rebuild_index

    with app_for(database, url, prefix).app_context():
        engine = configured_engine()
        if engine.aliased_indices():
            log(f"reusing the OpenSearch index {engine.alias}")
            return
        started = time.perf_counter()
        indexed = rebuild_index()["indexed"]
        seconds = time.perf_counter() - started
        db.session.remove()
    log(f"indexed {indexed:,} documents into OpenSearch ({prefix}-search) in {seconds:.0f} s "
        f"({indexed / seconds:,.0f} docs/s)")


def drop_indices(url: str, prefix: str) -> None:
    from search.connection import client_for

    client = client_for(url)
    for index in client.indices.get(index=f"{prefix}-*", ignore_unavailable=True):
        client.indices.delete(index=index)


# -- report ----------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000


def row(engine: str, kind: str, api: list[float], raw: list[float]) -> str:
    a = [percentile(api, p) for p in (0.5, 0.95, 0.99)]
    b = [percentile(raw, p) for p in (0.5, 0.95, 0.99)]
    return (f"{engine:<11} {kind:<14} {len(api):>4} | {a[0]:>7.1f} {a[1]:>7.1f} {a[2]:>7.1f} | "
            f"{b[0]:>7.1f} {b[1]:>7.1f} {b[2]:>7.1f} | {a[0] - b[0]:>+8.1f}")


def report(engine: str, timings: Timings) -> dict:
    for kind in CLASSES:
        print(row(engine, kind, timings.api[kind], timings.raw[kind]))
    api_all = [t for kind in CLASSES for t in timings.api[kind]]
    raw_all = [t for kind in CLASSES for t in timings.raw[kind]]
    print(row(engine, "all", api_all, raw_all))
    api_3 = [t for kind in CLASSES if kind not in SHORT for t in timings.api[kind]]
    raw_3 = [t for kind in CLASSES if kind not in SHORT for t in timings.raw[kind]]
    print(row(engine, "3+ characters", api_3, raw_3))
    return {"api_p99": percentile(api_all, 0.99), "api_p99_3": percentile(api_3, 0.99),
            "overhead_p50": percentile(api_all, 0.5) - percentile(raw_all, 0.5)}


def verdicts(figures: dict) -> None:
    if "opensearch" in figures:
        f = figures["opensearch"]
        print(f"OpenSearch: API p99 {f['api_p99']:.1f} ms (target <= {TARGETS['opensearch_api_p99']:.0f}), "
              f"API - raw at p50 {f['overhead_p50']:+.1f} ms (target <= {TARGETS['opensearch_overhead_p50']:.0f})")
    if "builtin" in figures:
        f = figures["builtin"]
        print(f"built-in (SQLite): API p99 for 3+ characters {f['api_p99_3']:.1f} ms "
              f"(target <= {TARGETS['builtin_api_p99']:.0f}); all queries {f['api_p99']:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--opensearch", default=os.environ.get("REGISTRY_TEST_OPENSEARCH_URL"))
    parser.add_argument("--per-class", type=int, default=30, help="queries of each class (default 30)")
    parser.add_argument("--repeat", type=int, default=2, help="measured passes over the mix (default 2)")
    parser.add_argument("--engines", default="builtin,opensearch")
    parser.add_argument("--keep-index", action="store_true",
                        help="keep the OpenSearch index (bench-<records>) for the next run")
    args = parser.parse_args()
    engines = args.engines.split(",")
    if "opensearch" in engines and not args.opensearch:
        parser.error("give --opensearch URL or set REGISTRY_TEST_OPENSEARCH_URL (or --engines builtin)")
    started = time.perf_counter()
    database, summary = ensure_dataset(args.workdir, args.records)
    print(f"data set: {summary['records']:,} records, {summary['entities']:,} entities, "
          f"{summary['documents']:,} search documents ({database})")
    cases = query_mix(database, args.per_class)
    print(f"{len(cases)} queries ({args.per_class} per class), {args.repeat} measured passes, page size {PAGE}")
    header = (f"{'engine':<11} {'class':<14} {'n':>4} | {'API p50':>7} {'p95':>7} {'p99':>7} | "
              f"{'raw p50':>7} {'p95':>7} {'p99':>7} | {'API-raw':>8}")
    figures, tables = {}, []
    if "builtin" in engines:
        with app_for(database).app_context():
            raw = RawSQLite(database)
        server = Server(database, "builtin", "registry")
        try:
            tables.append(("builtin", measure(server, raw, cases, args.repeat)))
        finally:
            server.stop()
    if "opensearch" in engines:
        prefix = index_prefix(args.records)
        try:
            opensearch_index(database, args.opensearch, prefix)
            server = Server(database, args.opensearch, prefix)
            try:
                tables.append(("opensearch", measure(server, RawOpenSearch(args.opensearch, f"{prefix}-search"),
                                                     cases, args.repeat)))
            finally:
                server.stop()
        finally:
            if not args.keep_index:
                drop_indices(args.opensearch, prefix)
    print("milliseconds; raw = the same query straight to the engine (sqlite3 / opensearch-py)")
    print(header)
    for engine, timings in tables:
        figures[engine] = report(engine, timings)
    verdicts(figures)
    print(f"benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
