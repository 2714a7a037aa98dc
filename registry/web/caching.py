"""Public answers kept briefly: the public search (page and API) and an entity's page and API answers,
as an anonymous visitor gets them, are cached in each server process for REGISTRY_PUBLIC_CACHE_SECONDS
and sent with `Cache-Control: public, max-age=<what is left of that>` and an ETag (If-None-Match: 304).

A record leaves public display by date at read time, and withdrawals and repairs take it out at
once: an answer is therefore kept under the day it was made for (never served on another day) and
for at most the setting's seconds in all, the process's copy and a browser's or proxy's together.
Signed-in visitors (any cookie) and API keys (Authorization) see more than the public: never cached,
and marked `private`. A cached search still counts against the search rate limit.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Response, g, request

from .. import ratelimit
from ..publicsearch.services import SEARCH_LIMIT
from ..runtime import settings, today

# Endpoints whose anonymous GET answers are the same for everyone; the rate limit a hit still counts.
CACHED = {"web.search_page": SEARCH_LIMIT, "search.Search": SEARCH_LIMIT, "web.enterprise_page": None,
          "enterprises.Enterprise": None, "enterprises.EnterpriseRecords": None}
MAX_ENTRIES = 2000  # per process
MAX_BODY_BYTES = 256 * 1024
KEPT_HEADERS = ("Content-Type", "ETag", "Retry-After")
VARY = "Cookie, Authorization"


@dataclass(frozen=True)
class Entry:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    expires: float  # time.monotonic()


class ResponseCache:
    """A bounded map of answers that expire; the least recently used goes first when it is full."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.max_entries = max_entries
        self.lock = threading.Lock()

    def get(self, key: tuple, now: float) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry.expires <= now:
                self.entries.pop(key, None)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)


def init_app(app: Flask) -> None:
    """Register last among the hooks: the cached answer still passes the others' after-request hooks."""
    cache = ResponseCache()

    @app.before_request
    def cached_answer():
        if not _public_request():
            return None
        g.public_cache_key = key = (request.full_path, today())
        entry = cache.get(key, time.monotonic())
        if entry is None:
            return None
        if CACHED[request.endpoint] and request.args:
            ratelimit.count(CACHED[request.endpoint])
        g.public_cache_hit = True
        return Response(entry.body, headers=list(entry.headers))

    @app.after_request
    def cache_headers(response: Response):
        if request.endpoint not in CACHED or request.method not in ("GET", "HEAD"):
            return response
        response.vary.update(part.strip() for part in VARY.split(","))
        if not _anonymous() or response.status_code != 200 or "Set-Cookie" in response.headers:
            response.cache_control.private = True
            response.cache_control.no_cache = True
            return response
        if "public_cache_key" in g and not g.get("public_cache_hit"):
            _remember(cache, g.public_cache_key, response)
        entry = cache.get(g.public_cache_key, time.monotonic()) if "public_cache_key" in g else None
        if entry is None:  # not kept (too big, or the cache is off): clients ask again each time
            response.add_etag()
            response.cache_control.no_cache = True
        else:
            response.cache_control.public = True
            response.cache_control.max_age = max(0, int(entry.expires - time.monotonic()))
        return response.make_conditional(request)


def _anonymous() -> bool:
    return not request.cookies and "Authorization" not in request.headers


def _public_request() -> bool:
    return (request.method in ("GET", "HEAD") and request.endpoint in CACHED and _anonymous()
            and settings().PUBLIC_CACHE_SECONDS > 0)


def _remember(cache: ResponseCache, key: tuple, response: Response) -> None:
    """Keep the answer with its ETag, until the setting's seconds pass or the day ends."""
    if response.direct_passthrough or response.is_streamed:
        return
    body = response.get_data()
    if len(body) > MAX_BODY_BYTES:
        return
    response.add_etag()
    now = datetime.now()
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    seconds = min(settings().PUBLIC_CACHE_SECONDS, (midnight - now).total_seconds())
    headers = tuple((name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers)
    cache.put(key, Entry(body, headers, time.monotonic() + seconds))
