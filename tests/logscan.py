"""The suite's last check: no line that the service wrote while the tests ran (the captured output of
every test, and every `*.log` its served processes and workers wrote under the run's temporary
directory) holds a full ID number or a full API key. Masking is the logging filter's job
(registry.logs); this reads what actually came out, whichever handler or process wrote it."""

import re
from pathlib import Path

import pytest

from registry.access.services import KEY_PREFIX
from registry.domain.masking import ID_NUMBER_IN_TEXT

# A key as issued is its prefix and 43 characters; a masked one keeps 8 of them and an ellipsis.
FULL_KEY = re.compile(re.escape(KEY_PREFIX) + r"[A-Za-z0-9_-]{20,}")
SHOWN = 20  # leaked lines quoted in the failure


def leaked_lines(text: str) -> list[str]:
    """The lines of `text` that hold a full ID number or a full API key."""
    return [line for line in text.splitlines() if ID_NUMBER_IN_TEXT.search(line) or FULL_KEY.search(line)]


_leaks: list[str] = []


def pytest_runtest_logreport(report):
    for title, text in report.sections:
        if title.startswith("Captured std"):  # what the app's log handler wrote (pytest's own capture aside)
            _leaks.extend(f"{report.nodeid} ({title.lower()}): {line}" for line in leaked_lines(text))


def _logs_under(directory: Path) -> list[str]:
    found = []
    for path in sorted(directory.rglob("*.log")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found.extend(f"{path.relative_to(directory)}: {line}" for line in leaked_lines(text))
    return found


@pytest.fixture(scope="session", autouse=True)
def _no_secret_in_any_log(tmp_path_factory):
    """Fails the run (at its last test's teardown) when any log line of it leaked a secret."""
    yield
    leaks = sorted(set(_leaks)) + _logs_under(tmp_path_factory.getbasetemp())
    if leaks:
        shown = "\n".join(line[:300] for line in leaks[:SHOWN])
        pytest.fail(f"{len(leaks)} log lines of this run hold a full ID number or API key:\n{shown}", pytrace=False)
