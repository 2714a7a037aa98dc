"""Connecting to an external engine and telling Elasticsearch from OpenSearch by its own answer."""

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote

import urllib3
from urllib3.util import parse_url


@dataclass(frozen=True)
class ServerInfo:
    distribution: str  # "opensearch" or "elasticsearch"
    version: str


class SearchUnavailable(Exception):
    """The engine did not answer; callers turn this into 503, never into an empty result."""


POOL_CONNECTIONS = 4  # kept open to the engine: more than the threads that send at once (search/elastic.py)
_http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=2.0, read=5.0), retries=False)


def server_info(url: str) -> ServerInfo:
    """Ask the engine's root endpoint which distribution and version it is (with the URL's user and
    password, which no message repeats)."""
    parts = parse_url(url)
    shown = parts._replace(auth=None).url
    headers = urllib3.make_headers(basic_auth=unquote(parts.auth)) if parts.auth else None
    try:
        response = _http.request("GET", shown.rstrip("/") + "/", headers=headers)
    except urllib3.exceptions.HTTPError as exc:
        raise SearchUnavailable(f"{shown} did not answer: {exc.__class__.__name__}") from None
    if response.status != 200:
        raise SearchUnavailable(f"{shown} answered HTTP {response.status}")
    version = (response.json() or {}).get("version") or {}
    return ServerInfo(version.get("distribution", "elasticsearch"), version.get("number", "unknown"))


def client_for(url: str, info: ServerInfo | None = None, timeout: float = 10):
    """The official client for the engine behind `url`: opensearch-py or elasticsearch, giving up on a
    request after `timeout` seconds."""
    info = info or server_info(url)
    if info.distribution == "opensearch":
        from opensearchpy import OpenSearch

        # opensearch-py keeps one connection unless told: the loading threads and the drain's sender
        # each opened and dropped one per request ("Connection pool is full" warnings).
        return OpenSearch(url, timeout=timeout, pool_maxsize=POOL_CONNECTIONS)
    from elasticsearch import Elasticsearch

    return Elasticsearch(url, request_timeout=timeout, transport_class=_transport_for(info.version.split(".")[0]))


_COMPATIBLE_WITH = re.compile(r"compatible-with=(\d+)")


@cache
def _transport_for(major: str):
    """The elasticsearch client's transport, asking for the REST compatibility of the server's major
    version when the client is newer: a 9.x client says compatible-with=9, which Elasticsearch 8
    refuses with HTTP 400 (Elasticsearch 9 accepts an 8.x client's compatible-with=8 itself)."""
    from elastic_transport import Transport

    def older(match: re.Match) -> str:
        return f"compatible-with={min(int(match[1]), int(major))}" if major.isdigit() else match[0]

    class CompatibleTransport(Transport):
        def perform_request(self, method, target, *, headers=None, **options):
            if headers:
                headers = headers.copy()
                for name in ("accept", "content-type"):
                    if name in headers:
                        headers[name] = _COMPATIBLE_WITH.sub(older, headers[name])
                options["headers"] = headers
            return super().perform_request(method, target, **options)

    return CompatibleTransport
