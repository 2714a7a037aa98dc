"""Load test: gunicorn serving the registry, driven by locust (bench/load/locustfile.py), one run per
server shape; prints each step's figures and, by class, the requests/s sustained at p99 <= 200 ms.

    python bench/load/run.py [--demo DIR] [--servers sync:2,gthread:2x4,gevent:2] [--steps 10,20,40,...]
                             [--step-seconds 30] [--names 10000] [--json OUT]

The registry is the one REGISTRY_* describes (PostgreSQL + OpenSearch: REGISTRY_DATABASE_URL,
REGISTRY_SEARCH_URL, REGISTRY_SEARCH_INDEX_PREFIX, loaded beforehand, see docs/operators/load.md),
or with --demo DIR the embedded default (SQLite, built-in engine) under DIR, loaded by `registry demo`
when DIR has no database yet. Each server shape is `class:workers` or `gthread:workersxthreads`;
gunicorn runs as `registry serve --no-front` runs it (its config, its access log, to a file here)
with the queue's worker beside it, trusting one proxy: the load generator is that proxy, passing on
a different public address each request. The baseline line of each shape is the same server's
/healthz under the same users: what the stack gives before the application does any work.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))  # run as a script: import this checkout's `registry`

from bench.load.report import summary_lines  # noqa: E402

PYTHON = sys.executable
HOST = "127.0.0.1"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def demo_instance(directory: Path, *demo_options: str) -> dict:
    """The environment of the embedded default under `directory`, the demo city loaded once
    (`registry demo` with `demo_options`)."""
    env = {**os.environ, "REGISTRY_INSTANCE_DIR": str(directory.resolve()), "REGISTRY_LOG_LEVEL": "WARNING"}
    for name in ("REGISTRY_DATABASE_URL", "REGISTRY_SEARCH_URL"):
        env.pop(name, None)
    if not (directory / "registry.sqlite3").exists():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run([PYTHON, "-m", "registry.cli", "init"], env=env, check=True)
        subprocess.run([PYTHON, "-m", "registry.cli", "demo", *demo_options], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return env


def gunicorn_command(shape: str, bind: str, instance_dir: str) -> list[str]:
    """gunicorn as `registry serve` starts it, in the worker class and counts of `shape`."""
    from registry.cli import ACCESS_LOG_FORMAT

    worker_class, _, counts = shape.partition(":")
    workers, _, threads = counts.partition("x")
    command = [PYTHON, "-m", "gunicorn", "--worker-class", worker_class, "--workers", workers, "--timeout", "30",
               "--limit-request-line", "8190", "--config", "python:registry.gunicorn_conf",
               "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT, "--bind", bind]
    if threads:
        command += ["--threads", threads]
    return [*command, "registry:create_app()"]


def start_server(shape: str, env: dict, workdir: Path) -> tuple[subprocess.Popen, subprocess.Popen, str]:
    """gunicorn and the queue's worker; returns them and the base URL once /healthz answers."""
    import urllib.request

    port = free_port()
    multiproc = workdir / f"metrics-{port}"
    multiproc.mkdir()
    env = {**env, "REGISTRY_TRUSTED_PROXIES": "1", "PROMETHEUS_MULTIPROC_DIR": str(multiproc)}
    log = open(workdir / f"gunicorn-{shape.replace(':', '-')}.log", "wb")  # noqa: SIM115 (the server's life)
    server = subprocess.Popen(gunicorn_command(shape, f"{HOST}:{port}", env.get("REGISTRY_INSTANCE_DIR", ".")),
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    worker = subprocess.Popen([PYTHON, "-m", "registry.cli", "worker", "--parent", str(server.pid)], env=env,
                              stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return server, worker, base
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn ({shape}) did not answer; see {log.name}")


def cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time of a process and its children so far (gunicorn's master and its workers)."""
    tree = psutil.Process(process.pid)
    total = 0.0
    for each in [tree, *tree.children(recursive=True)]:
        try:
            times = each.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, 15)
    for process in processes:
        process.wait(30)


def drive(base: str, fixture: Path, result: Path, steps: str, step_seconds: float, mix: str = "",
          warmup: float = 0) -> list[dict]:
    """Run locust headless against `base` until its steps end or p99 passes the limit."""
    env = {**os.environ, "LOAD_FIXTURE": str(fixture), "LOAD_RESULT": str(result), "LOAD_STEPS": steps,
           "LOAD_STEP_SECONDS": str(step_seconds), "LOAD_MIX": mix, "LOAD_WARMUP_SECONDS": str(warmup)}
    subprocess.run([PYTHON, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--host", base,
                    "--only-summary", "--loglevel", "ERROR"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads(result.read_text())


def run_shape(shape: str, env: dict, fixture: Path, workdir: Path, args) -> dict:
    server, worker, base = start_server(shape, env, workdir)
    try:
        figures = {"shape": shape, "load_before": os.getloadavg()[0]}
        locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_before = cpu_seconds(server) + cpu_seconds(worker)
        figures["steps"] = drive(base, fixture, workdir / f"{shape}.json", args.steps, args.step_seconds,
                                 warmup=args.warmup)
        locust_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        figures["server_cpu"] = cpu_seconds(server) + cpu_seconds(worker) - server_before
        figures["locust_cpu"] = (locust_after.ru_utime + locust_after.ru_stime
                                 - locust_before.ru_utime - locust_before.ru_stime)
        figures["load_after"] = os.getloadavg()[0]
        if args.baseline:
            figures["baseline"] = drive(base, fixture, workdir / f"{shape}-healthz.json", args.steps,
                                        args.step_seconds, mix="healthz")
        return figures
    finally:
        stop(server, worker)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, help="the embedded default's instance directory (made if new)")
    parser.add_argument("--servers", default="sync:2,gthread:2x4,gevent:2")
    parser.add_argument("--steps", default="10,20,40,60,80,120,160,240,320")
    parser.add_argument("--step-seconds", type=float, default=30)
    parser.add_argument("--names", type=int, default=10_000)
    parser.add_argument("--warmup", type=float, default=20, help="seconds of 4 users first, not measured")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the /healthz baseline of each shape")
    parser.add_argument("--json", type=Path, help="write every figure here too")
    args = parser.parse_args()
    env = demo_instance(args.demo) if args.demo else {**os.environ, "REGISTRY_LOG_LEVEL": "WARNING"}
    os.environ.update({name: value for name, value in env.items() if name.startswith("REGISTRY_")})
    from bench.load.scenario import prepare
    from registry import create_app

    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        workdir = Path(tmp)
        fixture = workdir / "fixture.json"
        made = prepare(create_app({"LOG_LEVEL": "WARNING"}), args.names)
        fixture.write_text(json.dumps(made, ensure_ascii=False), encoding="utf-8")
        print(f"registry: {env.get('REGISTRY_DATABASE_URL', 'SQLite under ' + str(args.demo))}, "
              f"search {env.get('REGISTRY_SEARCH_URL', 'builtin')}; {len(made['names'])} names (Zipf), "
              f"{len(made['reports'])} reports; steps {args.steps} users, {args.step_seconds:g} s each", flush=True)
        runs = []
        for shape in args.servers.split(","):
            runs.append(run_shape(shape, env, fixture, workdir, args))
            for line in summary_lines(runs[-1]):
                print(line, flush=True)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
