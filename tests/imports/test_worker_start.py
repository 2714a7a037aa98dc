"""How an import's workers start. `registry import` is a process that ends with its job: it spawns its
workers and starts no forkserver, which would outlive them holding what it preloaded (~45 MB) through
the import's end, where its memory peaks. A server's jobs keep the forkserver it shares with exports."""

import json
import time
from pathlib import Path

import pytest

from tests import factories
from tests.imports.files import write_csv
from tests.imports.test_crash_safety import start_import


def children_of(pid: int) -> dict[int, str]:
    """The command lines of a process's children, by pid (from /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid:
                found[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return found


@pytest.mark.committed  # the import runs in a process of its own
def test_the_import_command_spawns_its_workers_and_leaves_no_forkserver(app, tmp_path, department):
    path = tmp_path / "penalties.csv"
    write_csv(path, [factories.penalty(department) for _ in range(3000)])
    process = start_import(app, path, department)
    seen = set()  # every command line read (a process just forked, or ending, shows another or none)
    while process.poll() is None:  # a worker lives for seconds: a look every 20 ms leaves the cores to the import
        seen.update(children_of(process.pid).values())
        time.sleep(0.02)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1])["inserted"] == 3000
    assert [command for command in seen if "multiprocessing.spawn" in command], seen
    assert not [command for command in seen if "forkserver" in command], seen
