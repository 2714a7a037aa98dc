"""The CPU the load test's targets need on this machine, from measured parts: each kind of answer's
machine CPU (bench/load/cpu_profile.py's loops: the process, the database server and the search
engine), the HTTP stack's and the load generator's share of a request (from a load run's /healthz
peak: two saturated cores over the answers they gave), and the share of public answers a cache
shared by every server process would serve at the targets' rates, for Zipf-distributed names.

    python bench/load/budget.py --healthz-peak 2229 [--demo DIR] [--requests 300] [--cache-seconds 10,60,300]

The rates are the issue's: search 200 and entity answers 600 requests/s, the rest of the mix in its
proportions (bench/load/locustfile.py), 1,000 requests/s in all. The cache is taken at its best
(one shared by all processes, never full); the queue's worker indexing the pushes, the daily jobs
and the database's background work are left out: what is printed is a lower bound.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))  # run as a script: import this checkout's `registry`

from bench.load.cpu_profile import measure  # noqa: E402
from bench.load.run import demo_instance  # noqa: E402

CORES = os.cpu_count()
TOTAL = 1000  # requests/s: search 200 + entity 600 are 80% of the mix
# class of the mix: (share of the requests, kind measured on a miss, kind on a hit or None if never kept)
MIX = {
    "search page": (0.10, "search-miss", "search-hit"),
    "search api": (0.10, "searchapi-miss", "searchapi-hit"),
    "entity page": (0.40, "entity-miss", "entity-hit"),
    "entity api": (0.10, "api-miss", "api-hit"),
    "entity records api": (0.10, "records-miss", "api-hit"),
    "verify": (0.10, "verify", None),
    "bank and enterprise reads": (0.04, "bank", None),
    "enterprise report": (0.01, "bank", None),  # counted as a read: a report costs more
    "push": (0.05, "push", None),
}


def kept_share(rate: float, names: int, exponent: float, seconds: float) -> float:
    """The share of `rate` requests/s over `names` Zipf-ranked names that a cache keeping each answer
    `seconds` from the miss that made it serves: with Poisson arrivals, a name asked λ times a second
    misses λ / (1 + λ·seconds) times a second."""
    weights = [1 / rank ** exponent for rank in range(1, names + 1)]
    total = sum(weights)
    misses = sum(rate * w / total / (1 + rate * w / total * seconds) for w in weights)
    return 1 - misses / rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--healthz-peak", type=float, required=True,
                        help="requests/s of /healthz at the load run's peak (its baseline line)")
    parser.add_argument("--demo", type=Path, help="the embedded default under DIR (else REGISTRY_* as they are)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--cache-seconds", type=lambda text: [float(part) for part in text.split(",")], default=[10],
                        help="how long the cache keeps an answer; several, separated by commas")
    parser.add_argument("--names", type=int, default=10_000)
    parser.add_argument("--zipf", type=float, default=1.0)
    args = parser.parse_args()
    if args.demo:
        os.environ.update({k: v for k, v in demo_instance(args.demo).items() if k.startswith("REGISTRY_")})
    os.environ.update(REGISTRY_TRUSTED_PROXIES="1", REGISTRY_SEARCH_LIMIT="1000000000")
    from bench.load.scenario import prepare
    from registry import create_app

    app = create_app({"LOG_LEVEL": "WARNING"})
    fixture = prepare(app, args.requests * 2 + 2, reports=20)
    kinds = {kind for _, miss, hit in MIX.values() for kind in (miss, hit) if kind} | {"healthz"}
    machine = {kind: measure(app, kind, fixture, args.requests)[1] for kind in sorted(kinds)}
    http = CORES * 1000 / args.healthz_peak - machine["healthz"]  # ms a request outside the application
    print("machine CPU an answer (ms): " + ", ".join(f"{kind} {ms:.2f}" for kind, ms in sorted(machine.items())))
    print(f"the HTTP stack and the load generator: {http:.2f} ms a request ({CORES} cores at /healthz's peak "
          f"of {args.healthz_peak:,.0f} requests/s, less its own {machine['healthz']:.2f} ms)")
    for seconds in args.cache_seconds:
        print(f"cache {seconds:g} s shared by all processes, Zipf {args.zipf:g} over {args.names:,} names:")
        needed = sum(class_cores(name, machine, http, args.names, args.zipf, seconds) for name in MIX)
        print(f"the targets need at least {needed:.2f} cores of this machine's {CORES}")
    never_missing = sum(share * TOTAL * (http + machine[hit or miss]) / 1000 for share, miss, hit in MIX.values())
    print(f"with every public answer kept (a cache that never misses): {never_missing:.2f} cores")


def class_cores(name: str, machine: dict, http: float, names: int, exponent: float, seconds: float) -> float:
    """The cores one class of the mix needs at its target rate; prints its line."""
    share, miss, hit = MIX[name]
    rate = share * TOTAL
    kept = kept_share(rate, names, exponent, seconds) if hit else 0.0
    ms = http + kept * machine[hit or miss] + (1 - kept) * machine[miss]
    print(f"  {name:<26} {rate:>5.0f}/s  kept {kept:>4.0%}  {ms:>6.2f} ms  {rate * ms / 1000:.2f} cores")
    return rate * ms / 1000

if __name__ == "__main__":
    main()
