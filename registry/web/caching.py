"""Public answers kept briefly: the public search (page and API) and an entity's page and API answers,
as an anonymous visitor gets them, are cached in each server process for REGISTRY_PUBLIC_CACHE_SECONDS
and sent with `Cache-Control: public, max-age=<what is left of that>` and an ETag (If-None-Match: 304).

A record leaves public display by date at read time, and withdrawals and repairs take it out at
once: an answer is therefore kept under the day it was made for (never served on another day) and
for at most the setting's seconds in all, the process's copy and a browser's or proxy's together.
Signed-in visitors (any cookie) and API keys (Authorization, X-API-Key) see more than the public:
never cached, and marked `private`. A cached search still counts against the search rate limit.

The hooks here decide what may be kept and say so in the answer's headers; the WSGI layer in front of
the app (registry.web.cache_front) keeps such answers whole, as sent, and answers the next requests
for them before Flask's request begins.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from ..monitoring import route_of
from ..publicsearch.services import SEARCH_LIMIT
from ..runtime import settings
from .cache_front import KEPT, REFUSED, PublicCacheFront, anonymous

# Endpoints whose anonymous GET answers are the same for everyone; the rate limit a hit still counts.
CACHED = {"web.search_page": SEARCH_LIMIT, "search.Search": SEARCH_LIMIT, "web.enterprise_page": None,
          "enterprises.Enterprise": None, "enterprises.EnterpriseRecords": None}
MAX_ENTRIES = 2000  # per process
MAX_BODY_BYTES = 256 * 1024
VARY = ("Cookie", "Authorization", "X-API-Key")


@dataclass(frozen=True)
class Keep:
    """What the front needs to keep an answer: until when, under which route, what a hit counts."""

    expires: float  # time.monotonic()
    route: str
    limit: str | None


class ResponseCache:
    """A bounded map of answers that expire; the least recently used goes first when it is full."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.entries: OrderedDict = OrderedDict()
        self.max_entries = max_entries
        self.lock = threading.Lock()

    def get(self, key: tuple, now: float):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry.expires <= now:
                self.entries.pop(key, None)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)


def init_app(app: Flask) -> None:
    """The front goes inside ProxyFix, if any (it keys on the client's address and scheme as the proxy
    saw them); the hooks register last, so that the answer kept has passed all the others."""
    front = PublicCacheFront(app, ResponseCache())
    if isinstance(app.wsgi_app, ProxyFix):
        app.wsgi_app.app, front.app = front, app.wsgi_app.app
    else:
        app.wsgi_app, front.app = front, app.wsgi_app

    @app.before_request
    def refused_by_the_front():
        if REFUSED in request.environ:  # a kept search over the rate limit: answered as any 429
            raise request.environ[REFUSED]

    @app.after_request
    def cache_headers(response: Response):
        if request.endpoint not in CACHED or request.method not in ("GET", "HEAD"):
            return response
        response.vary.update(VARY)
        if not anonymous(request.environ) or response.status_code != 200 or "Set-Cookie" in response.headers:
            response.cache_control.private = True
            response.cache_control.no_cache = True
            return response
        seconds = _seconds_to_keep(response)
        response.add_etag()
        if not seconds:  # not kept (too big, or the cache is off): clients ask again each time
            response.cache_control.no_cache = True
        else:
            response.cache_control.public = True
            response.cache_control.max_age = int(seconds)
            limit = CACHED[request.endpoint] if request.args else None
            request.environ[KEPT] = Keep(time.monotonic() + seconds, route_of(request.url_rule.rule), limit)
        return response.make_conditional(request)


def _seconds_to_keep(response: Response) -> float:
    """The setting's seconds, or to midnight when that comes first; 0 when the answer is not kept."""
    if response.direct_passthrough or response.is_streamed or not settings().PUBLIC_CACHE_SECONDS:
        return 0
    if response.calculate_content_length() is None or response.calculate_content_length() > MAX_BODY_BYTES:
        return 0
    now = datetime.now()
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return min(settings().PUBLIC_CACHE_SECONDS, (midnight - now).total_seconds())
