"""Rate limits every server process shares: counts of a client's requests in fixed windows, kept in
the database, keyed on the client's address (the front's X-Forwarded-For when REGISTRY_TRUSTED_PROXIES
says how many proxies to believe; create_app wraps the app in ProxyFix).

A limit is named by the prefix of its two settings: SEARCH counts against SEARCH_LIMIT requests per
SEARCH_WINDOW seconds. Over it, RateLimited: 429 problem+json (a page: a Chinese page) with Retry-After.

A limit asked on every public request (the search's) is counted by `tally`: each server process keeps
an address's first tenth of the limit in memory and writes to the database only from there on, so the
public's few searches cost no write and a client that searches often is counted as exactly as before.
What several processes together let through is at most the limit plus a tenth of it per other process.
"""

import math
import random
import threading
import time
from contextlib import contextmanager

from flask import current_app, request
from sqlalchemy import BigInteger, Integer, String, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base
from .errors import RateLimited
from .extensions import db
from .runtime import settings

_TALLIES = "registry.ratelimit.tallies"  # app.extensions: this process's unwritten counts
FORGET_AFTER_SECONDS = 86400  # counters of windows this old are deleted, now and then
_HIT = text(
    "INSERT INTO rate_limit_counters (key, window_start, hits) VALUES (:key, :start, :n) "
    "ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, hits = CASE "
    "WHEN rate_limit_counters.window_start = excluded.window_start THEN rate_limit_counters.hits + :n ELSE :n END "
    "RETURNING hits")
_PEEK = text("SELECT hits FROM rate_limit_counters WHERE key = :key AND window_start = :start")
_FORGET = text("DELETE FROM rate_limit_counters WHERE window_start < :before")


class RateLimitCounter(Base):
    """One client's requests under one limit in the window that started at `window_start` (Unix time)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger)
    hits: Mapped[int] = mapped_column(Integer)


def count(limit: str) -> None:
    """Count this request against `limit`; RateLimited when it goes over."""
    allowed, window = _setting(limit)
    start, now = _window(window)
    _write(_key(limit), start, 1, allowed, window, now)


def tally(limit: str, address: str | None = None) -> None:
    """Count a request of `address` (this request's by default) against `limit` as `count` does, the
    address's first tenth of the limit in this process's memory (see above); RateLimited when over."""
    allowed, window = _setting(limit)
    start, now = _window(window)
    key = _key(limit, address)
    tallies = current_app.extensions.setdefault(_TALLIES, {}).setdefault(limit, _Tallies())
    unwritten = tallies.add(key, start, allowed // 10)
    if unwritten:
        _write(key, start, unwritten, allowed, window, now)


class _Tallies:
    """One process's counts of one limit in its current window, by key."""

    def __init__(self):
        self.start = 0
        self.seen: dict[str, int] = {}
        self.lock = threading.Lock()

    def add(self, key: str, start: int, kept: int) -> int:
        """Count one hit of `key`; how many hits to write now: none while the key's count stays within
        `kept`, then those kept with this one, then each one."""
        with self.lock:
            if start != self.start:  # a new window: the last one's counts are done with
                self.start, self.seen = start, {}
            seen = self.seen.get(key, 0)
            self.seen[key] = seen + 1
        if seen < kept:
            return 0
        return kept + 1 if seen == kept else 1


def _write(key: str, start: int, hits: int, allowed: int, window: int, now: float) -> None:
    with _own_transaction() as session:
        total = session.execute(_HIT, {"key": key, "start": start, "n": hits}).scalar_one()
        if random.random() < 0.001:  # noqa: S311 - when to tidy up, not a secret
            session.execute(_FORGET, {"before": now - FORGET_AFTER_SECONDS})
    if total > allowed:
        raise RateLimited(_retry_after(start, window, now))


def refuse_if_spent(limit: str) -> None:
    """RateLimited if this client has already used up `limit` in the current window (counted by
    `count` elsewhere, such as on failures only), without counting this request."""
    allowed, window = _setting(limit)
    start, now = _window(window)
    with _own_transaction() as session:
        hits = session.execute(_PEEK, {"key": _key(limit), "start": start}).scalar() or 0
    if hits >= allowed:
        raise RateLimited(_retry_after(start, window, now))


def _setting(limit: str) -> tuple[int, int]:
    config = settings()
    return getattr(config, f"{limit}_LIMIT"), getattr(config, f"{limit}_WINDOW")


def _window(window: int) -> tuple[int, float]:
    now = time.time()
    return int(now // window * window), now


def _retry_after(start: int, window: int, now: float) -> int:
    return max(1, math.ceil(start + window - now))


def _key(limit: str, address: str | None = None) -> str:
    return f"{limit}:{address or request.remote_addr or 'unknown'}"[:200]


@contextmanager
def _own_transaction():
    """A session of its own, committed at once whatever becomes of the request's (a failed sign-in is
    counted though its request fails). It runs where the request's session would: the engine, or
    the connection a test rolls back (then in a savepoint of its own)."""
    with Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint") as session, session.begin():
        yield session
