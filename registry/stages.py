"""Seconds spent per stage of a long job, summed over its run: where an import's time goes.

Cheap enough to leave on (a perf_counter call costs well under a microsecond); the import's CLI
summary reports them and bench/import.py prints them as its breakdown.
"""

from collections import Counter
from contextlib import contextmanager
from time import perf_counter


class StageTimes(Counter):
    """stage name -> seconds; `+=` another StageTimes to add up the stages of several processes."""

    @contextmanager
    def timing(self, stage: str):
        started = perf_counter()
        try:
            yield
        finally:
            self[stage] += perf_counter() - started

    def rounded(self) -> dict:
        return {stage: round(seconds, 2) for stage, seconds in self.items()}
