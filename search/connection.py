"""Connecting to an external engine and telling Elasticsearch from OpenSearch by its own answer."""

from dataclasses import dataclass
from urllib.parse import unquote

import urllib3
from urllib3.util import parse_url


@dataclass(frozen=True)
class ServerInfo:
    distribution: str  # "opensearch" or "elasticsearch"
    version: str


class SearchUnavailable(Exception):
    """The engine did not answer; callers turn this into 503, never into an empty result."""


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

        return OpenSearch(url, timeout=timeout)
    from elasticsearch import Elasticsearch

    return Elasticsearch(url, request_timeout=timeout)
