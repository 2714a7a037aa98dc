"""The public cache's WSGI layer: answers a kept public answer before Flask's request begins (its
context, session, hooks and routing cost more CPU than the answer itself), and keeps the answers that
registry.web.caching's hooks marked as the public's.

An answer is kept whole as it was sent, under the request's scheme, host, path and query and the day
it was made for (records leave display by date), and served again only to a request without cookie
or API key, until its expiry; with `Cache-Control: public, max-age=` what is left of that, a request
id of its own, and 304 to a matching If-None-Match. A hit of a search still counts against the search
rate limit; over it, the request goes on to the app, which answers 429 as it answers any.
"""

import time
from dataclasses import dataclass

from werkzeug.http import parse_etags, unquote_etag

from .. import ratelimit
from ..audit.services import carrying, request_id_of
from ..errors import RateLimited
from ..monitoring import observe
from ..runtime import EXTENSION

KEPT = "registry.public_cache.keep"  # environ: set by the app's hook on an answer the front may keep
REFUSED = "registry.public_cache.refused"  # environ: a kept search's RateLimited, for the app to answer
NOT_MODIFIED_DROPS = frozenset({"content-length", "content-type"})


@dataclass(frozen=True)
class Entry:
    body: bytes
    headers: tuple[tuple[str, str], ...]  # as sent, but Cache-Control and X-Request-Id
    etag: str
    expires: float  # time.monotonic()
    route: str
    limit: str | None


def anonymous(environ: dict) -> bool:
    """No cookie and no API key: a request the public's answer is for."""
    return not any(environ.get(name) for name in ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_X_API_KEY"))


class PublicCacheFront:
    """WSGI middleware around the app's own WSGI callable (`app`, set by caching.init_app)."""

    def __init__(self, flask_app, cache):
        self.flask_app = flask_app
        self.cache = cache
        self.app = None

    def __call__(self, environ: dict, start_response):
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        started = time.perf_counter()
        entry = self.cache.get(key, time.monotonic())
        if entry is not None and self._counted(entry, environ):
            return self._serve(entry, environ, start_response, started)
        return self._answer_and_keep(key, environ, start_response)

    def _key(self, environ: dict) -> tuple | None:
        """The cache key of a request the public's answer may be for, else None."""
        runtime = self.flask_app.extensions[EXTENSION]
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not anonymous(environ)
                or not runtime.settings.PUBLIC_CACHE_SECONDS or "HTTP_HOST" not in environ):
            return None
        return (environ["wsgi.url_scheme"], environ["HTTP_HOST"], environ.get("SCRIPT_NAME", ""),
                environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), runtime.clock())

    def _counted(self, entry: Entry, environ: dict) -> bool:
        """Count a kept search against its rate limit; False (and the refusal left for the app) when over."""
        if entry.limit is None:
            return True
        try:
            with self.flask_app.app_context():
                ratelimit.tally(entry.limit, environ.get("REMOTE_ADDR"))
        except RateLimited as refused:
            environ[REFUSED] = refused
            return False
        return True

    def _serve(self, entry: Entry, environ: dict, start_response, started: float):
        request_id = request_id_of(environ)
        max_age = max(0, int(entry.expires - time.monotonic()))
        headers = [*entry.headers, ("Cache-Control", f"public, max-age={max_age}"), ("X-Request-Id", request_id)]
        body = b"" if environ["REQUEST_METHOD"] == "HEAD" else entry.body
        status = "200 OK"
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(entry.etag):
            status, body = "304 NOT MODIFIED", b""
            headers = [(name, value) for name, value in headers if name.lower() not in NOT_MODIFIED_DROPS]
        start_response(status, headers)
        with carrying(request_id):
            observe(entry.route, environ["REQUEST_METHOD"], int(status[:3]), time.perf_counter() - started,
                    environ.get("REMOTE_ADDR"))
        return [body]

    def _answer_and_keep(self, key: tuple, environ: dict, start_response):
        """The app's answer; kept when the app's hook marked it as the public's (a GET's 200)."""
        sent = []
        body = self.app(environ, lambda status, headers, exc_info=None: sent.append((status, headers, exc_info)))
        status, headers, exc_info = sent[-1]
        keep = environ.get(KEPT)
        if keep is None or environ["REQUEST_METHOD"] != "GET" or not status.startswith("200"):
            start_response(status, headers, exc_info)
            return body
        try:
            whole = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        kept = tuple((name, value) for name, value in headers if name not in ("Cache-Control", "X-Request-Id"))
        etag = unquote_etag(dict(headers).get("ETag"))[0]
        self.cache.put(key, Entry(whole, kept, etag, keep.expires, keep.route, keep.limit))
        start_response(status, headers)
        return [whole]
