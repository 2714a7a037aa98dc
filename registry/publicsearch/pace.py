"""An import that keeps pace with the search drain (REGISTRY_IMPORT_MAX_SEARCH_LAG_SECONDS).

On a machine the import shares with an external engine, an import at full speed writes changes
faster than the engine indexes them, and public search falls minutes behind the register. With a
bound, the import waits between its batches while the oldest change not yet sent is older than the
bound: the register and its search stay within seconds of each other, and the import takes as long
as the engine needs. A drain that takes nothing (none running, the engine down) must not hold an
import up: after STALL_SECONDS without progress the import goes on at full speed, and keeps pace
again once the drain is seen to move.
"""

import logging
import time

from ..outbox import front

log = logging.getLogger(__name__)
POLL_SECONDS = 0.25
# Longer than a bulk request takes an engine that merges segments under load (over 10 s was seen).
STALL_SECONDS = 30


class DrainPace:
    def __init__(self, bind, bound: float, *, clock=time.monotonic, sleep=time.sleep):
        self.bind, self.bound, self.clock, self.sleep = bind, bound, clock, sleep
        self.stalled_at: int | None = None  # the front change the drain was last seen stuck on

    def wait(self) -> None:
        """Return once the search engine is within the bound, or the drain has stopped taking changes.
        Each look is a connection's short read of its own: the import's session holds no transaction
        open while it waits (PostgreSQL stamps a batch's changes with its transaction's start)."""
        seen, progress_at = None, self.clock()
        while (first := self._front()) and first[1] > self.bound:
            if first[0] == self.stalled_at:
                break  # still stuck where it stopped: no second wait
            if first[0] != seen:
                seen, progress_at, self.stalled_at = first[0], self.clock(), None
            elif self.clock() - progress_at >= STALL_SECONDS:
                log.warning("the search drain took no change for %d s; the import goes on without waiting for it",
                            STALL_SECONDS)
                self.stalled_at = seen
                break
            self.sleep(POLL_SECONDS)

    def _front(self) -> tuple[int, float] | None:
        with self.bind.connect() as connection:
            return front(connection)
