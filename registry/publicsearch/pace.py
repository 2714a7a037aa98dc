"""An import that keeps pace with the search drain (REGISTRY_IMPORT_MAX_SEARCH_LAG_SECONDS).

On a machine the import shares with an external engine, an import at full speed writes changes
faster than the engine indexes them, and public search falls minutes behind the register. With a
bound, the import waits between its batches while its next batch would reach the engine later than
the bound after it is written: while the changes waiting plus a batch's worth (as many as its last
batch wrote), at the pace the drain has kept of late, are more than the bound's time of sending.
(The oldest waiting change's age in place of the next batch's own time let each batch commit with the
engine just within the bound and then wait that long again behind the ones before it: a paced
million-row import, bound 2 s, saw 5.5 s.) Until that pace is known, it waits while any change
waits. The register and its search stay within seconds of each other, and the import takes as long
as the engine needs; a batch that alone takes the drain longer than the bound goes once none waits.
A drain that takes nothing (none running, the engine down) must not hold an import up: after
STALL_SECONDS without progress the import goes on at full speed, and keeps pace again once the drain
is seen to move.
"""

import logging
import time
from collections import deque

from ..outbox import Backlog, backlog

log = logging.getLogger(__name__)
POLL_SECONDS = 0.25
# Longer than a bulk request takes an engine that merges segments under load (over 10 s was seen).
STALL_SECONDS = 30
# The drain's pace: changes sent a second over the last few seconds in which changes were waiting.
PACE_WINDOW_SECONDS = 10
PACE_MIN_SPAN_SECONDS = 2


class DrainPace:
    def __init__(self, bind, bound: float, *, clock=time.monotonic, sleep=time.sleep):
        self.bind, self.bound, self.clock, self.sleep = bind, bound, clock, sleep
        self.stalled_at: int | None = None  # the first change the drain was last seen stuck on
        self.looks: deque[tuple[float, int]] = deque()  # (when, first pending id) while changes waited
        self.rate: float | None = None  # changes the drain sends a second, once measured
        self.last_id: int | None = None  # the newest change seen, to tell how many a batch writes
        self.batch = 0  # changes the import's last batch wrote

    def wait(self) -> None:
        """Return once the search engine is within the bound, or the drain has stopped taking changes.
        Each look is a connection's short read of its own: the import's session holds no transaction
        open while it waits."""
        seen, progress_at, newest_before = None, self.clock(), self.last_id
        if (pending := self._look()) and newest_before is not None:
            self.batch = max(pending.last_id - newest_before, 0)  # written since the last wait ended
        while pending and self._behind(pending):
            if pending.first_id == self.stalled_at:
                break  # still stuck where it stopped: no second wait
            if pending.first_id != seen:
                seen, progress_at, self.stalled_at = pending.first_id, self.clock(), None
            elif self.clock() - progress_at >= STALL_SECONDS:
                log.warning("the search drain took no change for %d s; the import goes on without waiting for it",
                            STALL_SECONDS)
                self.stalled_at = seen
                break
            self.sleep(POLL_SECONDS)
            pending = self._look()

    def _behind(self, pending: Backlog) -> bool:
        if self.rate is None:
            return True  # until the drain's pace is known, it takes every change before the next batch
        waiting = pending.last_id - pending.first_id + 1  # ids are handed out in order: about the count
        return (waiting + self.batch) / self.rate > self.bound

    def _look(self) -> Backlog | None:
        with self.bind.connect() as connection:
            pending = backlog(connection)
        now = self.clock()
        if pending is None:
            self.looks.clear()  # an idle drain's pace says nothing of how fast it can go
            return None
        self.last_id = pending.last_id
        self.looks.append((now, pending.first_id))
        while now - self.looks[0][0] > PACE_WINDOW_SECONDS:
            self.looks.popleft()
        since, first_then = self.looks[0]
        if now - since >= PACE_MIN_SPAN_SECONDS and pending.first_id > first_then:
            self.rate = (pending.first_id - first_then) / (now - since)
        return pending
