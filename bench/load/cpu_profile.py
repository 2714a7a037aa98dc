"""Where an answer's CPU goes: the WSGI app (as gunicorn calls it, ProxyFix and all) answers a loop of
requests of one kind, each from an address of its own; prints the CPU per answer of each kind, the
process's and the whole machine's (the database server's and the search engine's included), against
the same loop of /healthz (the baseline), then a second loop's top functions under cProfile (--top 0:
none).

    python bench/load/cpu_profile.py [--demo DIR] [--requests 300] [--top 25] [--kinds entity-hit,...]

Without --demo, the registry REGISTRY_* describes (PostgreSQL + OpenSearch, as bench/load/run.py).
Kinds: entity-hit (one entity's page asked again: the public cache), entity-miss (a different entity
each time), search-hit, search-miss (the search page), searchapi-hit, searchapi-miss, api-hit (an
entity's API answer asked again), api-miss, records-miss (an entity's records from the API, a
different one each time), bank (the same with a bank's key), verify (a report's verification), push
(a department's key pushing a new penalty; the queue's worker that indexes it afterwards is not
counted), healthz.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))  # run as a script: import this checkout's `registry`

from bench.load.run import demo_instance  # noqa: E402
from bench.load.scenario import penalty  # noqa: E402


def requests(kind: str, fixture: dict, count: int, offset: int = 0) -> list[tuple]:
    """(method, path, headers, JSON body) of `count` requests of `kind` (a miss, a bank's read and a
    push name a different entity each time, from `offset` on)."""
    names = fixture["names"]
    pick = {"hit": lambda i: names[0], "miss": lambda i: names[(offset + i + 1) % len(names)]}
    what, _, cached = kind.partition("-")
    if what == "healthz":
        return [("GET", "/healthz", {}, None)] * count
    if what == "verify":
        reports = fixture["reports"]
        return [("GET", f"/api/v1/reports/{report['number']}/verify?code={report['code']}", {}, None)
                for report in (reports[(offset + i) % len(reports)] for i in range(count))]
    if what == "bank":
        headers = {"Authorization": f"Bearer {fixture['bank_key']}"}
        return [("GET", f"/api/v1/enterprises/{pick['miss'](i)['uscc']}/records", headers, None) for i in range(count)]
    if what == "push":
        department = fixture["department"]
        headers = {"Authorization": f"Bearer {department['key']}"}
        first = time.time_ns() // 1000 % 10**12  # decision numbers no earlier run has used
        return [("POST", "/api/v1/records", headers, penalty(pick["miss"](i), department, first + i))
                for i in range(count)]
    template = {"entity": "/enterprises/{uscc}", "search": "/?q={name}", "searchapi": "/api/v1/search?q={name}",
                "api": "/api/v1/enterprises/{uscc}", "records": "/api/v1/enterprises/{uscc}/records"}[what]
    return [("GET", template.format(**pick[cached](i)), {}, None) for i in range(count)]


def answer(app, request: tuple, number: int) -> int:
    """One request through the WSGI stack as gunicorn makes it: behind one proxy, a public address."""
    from werkzeug.test import EnvironBuilder

    method, path, headers, body = request
    address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
    environ = EnvironBuilder(method=method, path=path, json=body,
                             headers={**headers, "X-Forwarded-For": address}).get_environ()
    environ["REMOTE_ADDR"] = "127.0.0.1"
    status = []
    response = app(environ, lambda code, headers, exc_info=None: status.append(code))
    b"".join(response)
    getattr(response, "close", lambda: None)()
    return int(status[0].split()[0])


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy so far (all processes, all cores)."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + times.irq + times.softirq + times.steal


def measure(app, kind: str, fixture: dict, count: int, profile: cProfile.Profile | None = None,
            offset: int = 0) -> tuple[float, float]:
    """CPU milliseconds an answer over `count` requests of `kind` (one untimed first, to warm up): the
    process's and the machine's."""
    todo = requests(kind, fixture, count + 1, offset)
    answer(app, todo[0], 0)
    started, machine = time.process_time(), machine_busy_seconds()
    if profile:
        profile.enable()
    for number, request in enumerate(todo[1:], start=1):
        status = answer(app, request, number)
        assert status in (200, 201, 304), (request[1], status)
    if profile:
        profile.disable()
    return ((time.process_time() - started) * 1000 / count, (machine_busy_seconds() - machine) * 1000 / count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, help="the embedded default under DIR (else REGISTRY_* as they are)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--kinds", default="healthz,entity-hit,entity-miss,search-hit,search-miss,api-hit")
    args = parser.parse_args()
    if args.demo:
        env = demo_instance(args.demo)
        os.environ.update({name: value for name, value in env.items() if name.startswith("REGISTRY_")})
    os.environ.update(REGISTRY_TRUSTED_PROXIES="1", REGISTRY_SEARCH_LIMIT="1000000000")
    from bench.load.scenario import prepare
    from registry import create_app

    app = create_app({"LOG_LEVEL": "WARNING"})
    kinds = args.kinds.split(",")
    fixture = prepare(app, max(1000, args.requests * 2 + 2), reports=20 if "verify" in kinds else 0)
    baseline, _ = measure(app, "healthz", fixture, args.requests)
    for kind in kinds:
        ms, machine_ms = measure(app, kind, fixture, args.requests)
        print(f"{kind}: {ms:.2f} ms CPU an answer ({ms / baseline:.1f}x /healthz, {baseline:.2f} ms); "
              f"the machine {machine_ms:.2f} ms", flush=True)
        if not args.top:
            continue
        profile = cProfile.Profile()
        measure(app, kind, fixture, args.requests, profile, offset=args.requests + 1)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue().split("\n", 6)[-1], flush=True)


if __name__ == "__main__":
    main()
