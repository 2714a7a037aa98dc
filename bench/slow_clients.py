"""Slow clients against `registry serve`: how long /healthz takes while N connections each send a
header line a second, served by gunicorn alone (2 sync workers) and behind its nginx front.

    python bench/slow_clients.py [--clients 50] [--seconds 40]

SQLite and the built-in search engine (the embedded default); loopback only; every slow connection
stops by itself after --seconds. Prints one JSON line per mode: the /healthz times in seconds (a
request that got no answer in --seconds counts as --seconds).
"""

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.served import seconds_to_answer, served, slow_clients  # noqa: E402

MODES = {"gunicorn alone (2 sync workers)": ("--no-front",), "behind nginx (2 sync workers)": ("--front",)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--probes", type=int, default=5)
    args = parser.parse_args()
    for mode, options in MODES.items():
        with tempfile.TemporaryDirectory() as instance:
            with served(Path(instance), "--workers", "2", *options) as base:
                idle = [seconds_to_answer(f"{base}/healthz") for _ in range(args.probes)]
                with slow_clients(base, args.clients, args.seconds):
                    busy = [seconds_to_answer(f"{base}/healthz", timeout=args.seconds) for _ in range(args.probes)]
        print(json.dumps({"mode": mode, "clients": args.clients, "idle_median_s": round(statistics.median(idle), 4),
                          "slow_median_s": round(statistics.median(busy), 3), "slow_max_s": round(max(busy), 3)},
                         ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
