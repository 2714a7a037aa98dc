"""Where a public answer's CPU goes: the WSGI app (as gunicorn calls it, ProxyFix and all) answers a
loop of anonymous requests of one kind, each from an address of its own; prints the CPU per answer of
each kind against the same loop of /healthz (the baseline), then a second loop's top functions under
cProfile (--top 0: none).

    python bench/load/cpu_profile.py --demo DIR [--requests 300] [--top 25] [--kinds entity-hit,...]

Kinds: entity-hit (one entity's page asked again: the public cache), entity-miss (a different
entity each time), search-hit, search-miss, api-hit (an entity's API answer asked again), healthz.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))  # run as a script: import this checkout's `registry`

from bench.load.run import demo_instance  # noqa: E402


def paths(kind: str, names: list[dict], count: int, offset: int = 0) -> list[str]:
    """The request paths of `count` requests of `kind` (a miss asks for a different name each time,
    from `offset` on)."""
    pick = {"hit": lambda i: names[0], "miss": lambda i: names[(offset + i + 1) % len(names)]}
    what, _, cached = kind.partition("-")
    if what == "healthz":
        return ["/healthz"] * count
    template = {"entity": "/enterprises/{uscc}", "search": "/?q={name}", "api": "/api/v1/enterprises/{uscc}"}[what]
    return [template.format(**pick[cached](i)) for i in range(count)]


def answer(app, path: str, number: int) -> int:
    """One request through the WSGI stack as gunicorn makes it: behind one proxy, a public address."""
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=path, headers={"X-Forwarded-For": f"10.{number >> 16 & 255}.{number >> 8 & 255}."
                                                 f"{number & 255}"}).get_environ()
    environ["REMOTE_ADDR"] = "127.0.0.1"
    status = []
    body = app(environ, lambda code, headers, exc_info=None: status.append(code))
    b"".join(body)
    getattr(body, "close", lambda: None)()
    return int(status[0].split()[0])


def measure(app, kind: str, names: list[dict], count: int, profile: cProfile.Profile | None = None,
            offset: int = 0) -> float:
    """CPU milliseconds an answer over `count` requests of `kind` (one untimed first, to warm up)."""
    todo = paths(kind, names, count + 1, offset)
    answer(app, todo[0], 0)
    started = time.process_time()
    if profile:
        profile.enable()
    for number, path in enumerate(todo[1:], start=1):
        status = answer(app, path, number)
        assert status in (200, 304), (path, status)
    if profile:
        profile.disable()
    return (time.process_time() - started) * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--kinds", default="healthz,entity-hit,entity-miss,search-hit,search-miss,api-hit")
    args = parser.parse_args()
    env = demo_instance(args.demo)
    os.environ.update({name: value for name, value in env.items() if name.startswith("REGISTRY_")})
    os.environ.update(REGISTRY_TRUSTED_PROXIES="1", REGISTRY_SEARCH_LIMIT="1000000000")
    from bench.load.scenario import prepare
    from registry import create_app

    app = create_app({"LOG_LEVEL": "WARNING"})
    names = prepare(app, 1000, reports=0)["names"]
    baseline = measure(app, "healthz", names, args.requests)
    for kind in args.kinds.split(","):
        ms = measure(app, kind, names, args.requests)
        print(f"{kind}: {ms:.2f} ms CPU an answer ({ms / baseline:.1f}x /healthz, {baseline:.2f} ms)", flush=True)
        if not args.top:
            continue
        profile = cProfile.Profile()
        measure(app, kind, names, args.requests, profile, offset=args.requests + 1)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue().split("\n", 6)[-1], flush=True)


if __name__ == "__main__":
    main()
