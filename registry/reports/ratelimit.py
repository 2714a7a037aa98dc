"""A small in-process sliding-window limiter for public verification (per client address)."""

import math
import threading
import time
from collections import deque

from flask import request

from ..errors import RateLimited
from ..runtime import runtime


class SlidingWindow:
    def __init__(self):
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window: float, now: float) -> int | None:
        """Count a hit; None if allowed, else the seconds until the oldest hit leaves the window."""
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                return max(1, math.ceil(hits[0] + window - now))
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle clients rather than grow without bound
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - window}
            return None


def check_verify_rate() -> None:
    """429 with Retry-After when this client verified too often."""
    holder = runtime()
    retry_after = holder.verify_limiter.hit(request.remote_addr or "unknown", holder.settings.REPORTS_VERIFY_LIMIT,
                                            holder.settings.REPORTS_VERIFY_WINDOW, time.monotonic())
    if retry_after is not None:
        raise RateLimited(retry_after)
