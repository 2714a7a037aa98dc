"""The database's part of a backup: SQLite through its online backup API, PostgreSQL through pg_dump and
pg_restore. Both copy one consistent snapshot while the service keeps writing."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine, make_url


class DatabaseToolFailed(Exception):
    """pg_dump or pg_restore is missing or failed; the message says why in a line or two."""


def file_name(url: str) -> str:
    return "database.sqlite3" if url.startswith("sqlite") else "database.pgdump"


def dump(url: str, target: Path) -> None:
    """Write the database's snapshot to `target`."""
    if url.startswith("sqlite"):
        # In one step (pages=-1): the copy is one read transaction, so it is of one moment; in WAL mode
        # the writers go on meanwhile.
        with _sqlite(make_url(url).database) as source, _sqlite(str(target)) as copy:
            source.backup(copy)
        return
    # --no-owner/--no-privileges: restored by whichever role the new instance uses; --no-comments: a
    # comment on an extension needs its owner. pg_dump reads in one transaction: one snapshot.
    _pg("pg_dump", url, "--format=custom", "--no-owner", "--no-privileges", "--no-comments", f"--file={target}")


def load(url: str, source: Path) -> None:
    """Bring a snapshot into the (empty) database of `url`, all of it or, on an error, none of it."""
    if url.startswith("sqlite"):
        with _sqlite(str(source)) as snapshot, _sqlite(make_url(url).database) as target:
            snapshot.backup(target)
        return
    _pg("pg_restore", url, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
        f"--dbname={make_url(url).database}", str(source))


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


class _sqlite:
    """A connection closed when the block ends (sqlite3's own context manager only commits)."""

    def __init__(self, path: str):
        self.connection = sqlite3.connect(path)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *_):
        self.connection.close()


def _pg(tool: str, url: str, *args: str) -> None:
    """Run a PostgreSQL client tool against `url`; the password goes in its environment, not its arguments
    (which anyone on the machine may list)."""
    if shutil.which(tool) is None:
        raise DatabaseToolFailed(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    parts = make_url(url)
    env = {**os.environ, "PGHOST": parts.host or "localhost", "PGPORT": str(parts.port or 5432),
           "PGUSER": parts.username or "", "PGPASSWORD": parts.password or "", "PGDATABASE": parts.database or ""}
    if "sslmode" in parts.query:
        env["PGSSLMODE"] = str(parts.query["sslmode"])
    result = subprocess.run([tool, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DatabaseToolFailed(f"{tool} failed: {' '.join(result.stderr.strip().splitlines()[-2:])}")
