"""A throwaway PostgreSQL server of the drill's own (Debian's binaries, a temp folder, a free port), so
that a drill can restart or kill it without touching the shared server the other tests use."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from glob import glob
from pathlib import Path

DATABASE = "registry_drill"
DEAD_WITHIN = 30.0  # seconds for a killed postmaster's backends to notice and exit


def _binaries() -> Path:
    found = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError("no PostgreSQL server under /usr/lib/postgresql (deploy/postgres.sh start installs it)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    """initdb'd in a temp folder and run as the `postgres` user (the server refuses root) on 127.0.0.1."""

    def __init__(self):
        self.bin = _binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="registry-drill-pg-"))
        self.data, self.log = self.folder / "data", self.folder / "server.log"
        self.port = _free_port()
        shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                          "--locale=C.UTF-8")
        self.start()
        self._as_postgres("psql", "-h", self.folder, "-p", self.port, "-qX", "-v", "ON_ERROR_STOP=1",
                          "-c", f"CREATE DATABASE {DATABASE} TEMPLATE template0 ENCODING 'UTF8'")
        self._as_postgres("psql", "-h", self.folder, "-p", self.port, "-d", DATABASE, "-qX",
                          "-c", "CREATE EXTENSION pg_trgm")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _as_postgres(self, program: str, *args) -> None:
        command = ["runuser", "-u", "postgres", "--", str(self.bin / program), *map(str, args)]
        done = subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stderr.strip()}\n{self._log_tail()}")

    def _pg_ctl(self, *args) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", *args)

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """pg_ctl restart -m fast: every session is ended, then the server comes back."""
        self._pg_ctl("restart", "-m", "fast")

    def crash(self) -> None:
        """kill -9 of the postmaster, then a start once its backends are gone: crash recovery from the WAL."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        backends = self._children(pid)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + DEAD_WITHIN
        while any(_alive(child) for child in [pid, *backends]):
            if time.monotonic() > deadline:
                raise RuntimeError("the killed server's backends did not exit")
            time.sleep(0.1)
        self.start()

    def halt(self) -> None:
        """pg_ctl stop -m fast: down until start()."""
        self._pg_ctl("stop", "-m", "fast")

    def stop(self) -> None:
        """Stopped for good: the folder goes too."""
        self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    @staticmethod
    def _children(pid: int) -> list[int]:
        listed = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
        return [int(line) for line in listed.split()]

    def _log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:]) if self.log.exists() else ""


def _alive(pid: int) -> bool:
    """Until reaped: PostgreSQL's own check of a postmaster.pid (kill 0) sees a zombie as a live server."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
