"""Notice job benchmark: `registry notices send` over a demo city, first run and repeat run.

    python bench/notices.py [--entities 20000] [--records 100000] [--database-url URL]

Loads the demo city into a fresh SQLite database under a temporary instance directory (or into
the PostgreSQL database URL given, whose schema it replaces), then times the daily notice job:
the first run produces a repair notice and a commitment template for every published penalty
and one letter per enterprise with repairable records; the repeat run finds nothing new.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGISTRY = str(Path(sys.executable).parent / "registry")


def run(args: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run([REGISTRY, *args], env=env, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - started, out.strip().splitlines()[-1]


def reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION IF NOT EXISTS pg_trgm")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=20000)
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "REGISTRY_INSTANCE_DIR": instance, "REGISTRY_LOG_LEVEL": "WARNING"}
        env.pop("REGISTRY_DATABASE_URL", None)
        if options.database_url:
            reset_postgres(options.database_url)
            env["REGISTRY_DATABASE_URL"] = options.database_url
        backend = "postgresql" if options.database_url else "sqlite"
        run(["demo", "--entities", str(options.entities), "--records", str(options.records)], env)
        for label in ("first run", "repeat run"):
            seconds, summary = run(["notices", "send"], env)
            counts = json.loads(summary)
            print(f"{backend} {options.records} records, notices send ({label}): {seconds:.1f} s, "
                  f"{counts['repair_notices']} penalties noticed, {counts['letters']} letters")


if __name__ == "__main__":
    main()
