"""The external engine: Elasticsearch 8/9 or OpenSearch 2/3 behind an alias, written with external versions."""

import copy
import json
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from itertools import chain, islice
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson

from .connection import SearchUnavailable, client_for, server_info
from .documents import MAPPING_VERSION
from .elastic_query import read_facets, read_page, search_bodies
from .engine import COUNT_LIMIT, IndexingError, SearchQuery, SearchResult

log = logging.getLogger(__name__)

MAPPINGS_DIR = Path(__file__).parent / "mappings"
CHUNK_SIZE = 2000
LOAD_THREADS = 2
# A reindex's bulk request of CHUNK_SIZE documents can take tens of seconds on a busy node (a rebuild of
# a million records failed on the 10-second timeout that searches and drains keep to notice an outage).
LOAD_TIMEOUT = 180
# Bulk item errors that say the engine, not the document, is the problem: retry later.
UNAVAILABLE_STATUSES = {429, 500, 502, 503, 504}
# A shard is searched by one thread, so a big index on one shard leaves the other cores idle while it
# scores a broad query: a million records on two shards of a two-core node answered the slowest
# queries in about half the time. Smaller indices stay whole, because each shard scores by its own
# term statistics and a few thousand documents split in two would rank differently.
DOCUMENTS_PER_SHARD = 400_000
INDEX_MISSING = "index_not_found_exception"


@cache
def mapping(version: int = MAPPING_VERSION) -> dict:
    """Index settings and mappings of one mapping version (search/mappings/v{version}.json)."""
    return json.loads((MAPPINGS_DIR / f"v{version}.json").read_text(encoding="utf-8"))


def shard_count(documents: int, processors: int) -> int:
    """Shards for an index of about `documents` on nodes with `processors` cores between them."""
    return max(1, min(processors, documents // DOCUMENTS_PER_SHARD))


@dataclass(frozen=True)
class _Flavour:
    """What differs between the two clients: the client, its bulk helpers and its exception types."""

    client: Any
    loader: Any  # the same engine with LOAD_TIMEOUT, for loading a new index
    helpers: ModuleType
    connection_errors: tuple[type[Exception], ...]
    api_errors: tuple[type[Exception], ...]


def _connect(url: str) -> _Flavour:
    info = server_info(url)
    client, loader = client_for(url, info), client_for(url, info, timeout=LOAD_TIMEOUT)
    if info.distribution == "opensearch":
        from opensearchpy import exceptions, helpers

        # opensearch-py's TransportError also covers HTTP error answers; its ConnectionError does not.
        return _Flavour(client, loader, helpers, (exceptions.ConnectionError,), (exceptions.TransportError,))
    import elastic_transport
    from elasticsearch import ApiError, helpers

    return _Flavour(client, loader, helpers, (elastic_transport.TransportError,), (ApiError,))


def _failure(item: dict) -> tuple[str, int, str, str] | None:
    """(doc id, status, error type, reason) of a bulk item that failed in a way that matters, else None.

    409 is a version conflict: the index holds this version or a newer one already. A delete that
    found nothing (result "not_found", no error) has nothing left to do.
    """
    ((op, result),) = item.items()
    status = result.get("status", 200)
    if status < 300 or status == 409 or (op == "delete" and result.get("result") == "not_found"):
        return None
    error = result.get("error")
    kind, reason = (error.get("type", "?"), error.get("reason", "")) if isinstance(error, dict) else ("?", str(error))
    return result.get("_id", "?"), status, kind, f"{op} {status} {kind}: {reason}"


def _bulk_actions(index: str, documents: Iterable[dict], deletions: Iterable[tuple[str, int]]) -> Iterator[dict]:
    """Bulk actions carrying each document's version: an older write never replaces a newer one."""
    for document in documents:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": document["id"],
            "_source": document,
            "_version": document["version"],
            "_version_type": "external_gte",
        }
    for doc_id, version in deletions:
        yield {
            "_op_type": "delete",
            "_index": index,
            "_id": doc_id,
            "_version": version,
            "_version_type": "external_gte",
        }


def _load_bodies(documents: Iterable[dict]) -> Iterator[bytes]:
    """_bulk bodies of CHUNK_SIZE documents, each indexed with its version, as _bulk_actions does.
    orjson writes them: the standard library's encoder was a fifth of building a record's document."""
    documents = iter(documents)
    while chunk := list(islice(documents, CHUNK_SIZE)):
        lines = []
        for document in chunk:
            action = {"_id": document["id"], "version": document["version"], "version_type": "external_gte"}
            lines += (orjson.dumps({"index": action}), orjson.dumps(document))
        yield b"\n".join(lines) + b"\n"


def _in_order(pool: ThreadPoolExecutor, function, items: Iterable, depth: int) -> Iterator:
    """function(item) for each item, run in the pool with at most `depth` waiting, results in order."""
    pending = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) > depth:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class ExternalEngine:
    """SearchEngine on Elasticsearch or OpenSearch; which one is asked of the server on first use."""

    name = "external"
    in_session = False

    def __init__(self, url: str, prefix: str = "registry", *, replicas: int | None = None,
                 count_limit: int = COUNT_LIMIT):
        if prefix != prefix.lower() or not prefix.strip("-_"):
            raise ValueError("an index prefix is lower-case and not empty")
        self.url = url
        self.prefix = prefix
        self.alias = f"{prefix}-search"
        self.replicas = replicas
        self.count_limit = count_limit
        self._flavour: _Flavour | None = None

    # -- plumbing ---------------------------------------------------------------------------------

    @property
    def flavour(self) -> _Flavour:
        if self._flavour is None:
            self._flavour = _connect(self.url)  # raises SearchUnavailable, and is retried next time
        return self._flavour

    @property
    def client(self):
        return self.flavour.client

    @contextmanager
    def _answering(self, doing: str):
        """Outages, timeouts, overload and server errors become SearchUnavailable; our own mistakes
        (HTTP 4xx) stay what they are."""
        flavour = self.flavour
        try:
            yield
        except flavour.connection_errors as exc:
            raise SearchUnavailable(f"{self.url} did not answer while {doing}: {exc.__class__.__name__}") from exc
        except flavour.api_errors as exc:
            status = getattr(exc, "status_code", None)
            if isinstance(status, int) and (status >= 500 or status == 429):
                raise SearchUnavailable(f"{self.url} answered HTTP {status} while {doing}") from exc
            if status == 404 and "index_not_found" in str(exc):
                raise SearchUnavailable(f"index {self.alias} does not exist yet (run `registry reindex`)") from exc
            raise

    def _new_index_name(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        return f"{self.alias}-v{MAPPING_VERSION}-{stamp}"

    def _index_body(self, **settings) -> dict:
        body = copy.deepcopy(mapping())
        settings["number_of_replicas"] = self._replica_count()
        body["settings"]["index"].update(settings)
        return body

    def _replica_count(self) -> int:
        """The replicas asked for, else one copy on another node once the cluster has more than one data
        node (a node lost then loses no shard) and none on a single node (whose index stays green)."""
        if self.replicas is not None:
            return self.replicas
        return 1 if len(self._data_nodes()) > 1 else 0

    def aliased_indices(self) -> list[str]:
        """The concrete indices behind the alias (one, or none before ensure_index)."""
        with self._answering("reading the alias"):
            if not self.client.indices.exists_alias(name=self.alias):
                return []
            return sorted(self.client.indices.get_alias(name=self.alias))

    def _send(self, actions: Iterable[dict], doing: str, **params) -> int:
        """Run bulk actions through the client's helper (retrying overload); return how many went through."""
        options = {"chunk_size": CHUNK_SIZE, "raise_on_error": False, "raise_on_exception": True, **params}
        results = self.flavour.helpers.streaming_bulk(self.client, actions, max_retries=3, **options)
        return self._tally((item for _ok, item in results), doing)

    def _load(self, index: str, documents: Iterable[dict]) -> int:
        """Bulk-load a new index: the bodies are serialised here, not by the client's helpers (whose work
        on each action took more of a reindex than building the documents), and LOAD_THREADS
        requests are in flight while the next body is built."""
        loader = self.flavour.loader

        def send(body: bytes) -> list[dict]:
            return loader.bulk(body=body, index=index)["items"]

        with ThreadPoolExecutor(LOAD_THREADS) as pool:
            answers = _in_order(pool, send, _load_bodies(documents), depth=LOAD_THREADS)
            return self._tally(chain.from_iterable(answers), "loading the new index")

    def _tally(self, items: Iterable[dict], doing: str) -> int:
        """How many bulk items went through. Raise SearchUnavailable when the engine (or the index)
        failed, IndexingError listing the documents it refused."""
        done, failures = 0, []
        with self._answering(doing):
            for item in items:
                failure = _failure(item)
                if failure:
                    failures.append(failure)
                else:
                    done += 1
        if any(kind == INDEX_MISSING for _, _, kind, _ in failures):
            raise SearchUnavailable(f"index {self.alias} does not exist yet (run `registry reindex`)")
        if any(status in UNAVAILABLE_STATUSES for _, status, _, _ in failures):
            raise SearchUnavailable(f"{self.url} could not take {len(failures)} document(s) while {doing}")
        if failures:
            raise IndexingError([(doc_id, reason) for doc_id, _, _, reason in failures])
        return done

    # -- the SearchEngine interface -------------------------------------------------------------

    def ensure_index(self) -> None:
        if self.aliased_indices():
            return
        body = self._index_body()
        body["aliases"] = {self.alias: {}}
        with self._answering("creating the index"):
            self.client.indices.create(index=self._new_index_name(), body=body)

    def write(self, documents: list[dict], deletions: list[tuple[str, int]], *, refresh: bool = False) -> None:
        if not documents and not deletions:
            return
        # Never let a write create an index of its own where the alias should be: require_alias guards
        # index operations, and a versioned delete would create the index to keep its tombstone in.
        if deletions and not self.aliased_indices():
            raise SearchUnavailable(f"index {self.alias} does not exist yet (run `registry reindex`)")
        self._send(_bulk_actions(self.alias, documents, deletions), "writing", require_alias=True)
        if refresh:
            with self._answering("refreshing"):
                self.client.indices.refresh(index=self.alias)

    def search(self, query: SearchQuery) -> SearchResult:
        page_body, counts_body = search_bodies(query, self.count_limit)
        header = {"index": self.alias}
        with self._answering("searching"):
            answers = self.client.msearch(body=[header, page_body, header, counts_body])["responses"]
        page, counts = (self._answered(answer) for answer in answers)
        hits, next_cursor = read_page(page, query.size)
        total, cut = counts["hits"]["total"]["value"], counts.get("terminated_early", False)
        return SearchResult(
            hits=hits,
            # The engine may know the whole count of a simple query without collecting its hits; the
            # total says what the facets counted, as the built-in engine's does.
            total=min(total, self.count_limit) if cut else total,
            facets=read_facets(counts),
            next_cursor=next_cursor,
            engine=self.name,
            total_exact=not cut,
        )

    def _answered(self, answer: dict) -> dict:
        """One answer of a msearch, whose failures come in the answer instead of as HTTP errors."""
        error = answer.get("error")
        if error is None:
            return answer
        status = answer.get("status", 500)
        if status >= 500 or status == 429 or (isinstance(error, dict) and error.get("type") == INDEX_MISSING):
            raise SearchUnavailable(f"{self.url} could not search {self.alias}: HTTP {status}")
        raise RuntimeError(f"the search request was refused: {error}")

    def reindex(self, documents: Iterable[dict], expected: int = 0) -> int:
        new = self._new_index_name()
        with self._answering("creating the new index"):
            self.client.indices.create(index=new, body=self.load_index_body(expected))
        try:
            count = self._load(new, documents)
            self._open_for_search(new)
            old = self.aliased_indices()  # read late: the load may have taken minutes
            self._swap_alias(old, new)
        except BaseException:
            self._drop(new)
            raise
        for index in old:
            self._drop(index)
        log.info("reindexed %d documents into %s (was %s)", count, new, ", ".join(old) or "nothing")
        return count

    # -- reindex steps --------------------------------------------------------------------------

    def load_index_body(self, expected: int) -> dict:
        """Settings and mappings of a new index about to take `expected` documents in bulk (not
        refreshed until loaded)."""
        shards = shard_count(expected, self._data_processors())
        return self._index_body(refresh_interval="-1", number_of_shards=shards)

    def _data_processors(self) -> int:
        return sum(node["os"].get("allocated_processors", 1) for node in self._data_nodes())

    def _data_nodes(self) -> list[dict]:
        with self._answering("reading the nodes"):
            nodes = self.client.nodes.info(metric="os")["nodes"].values()
        return [node for node in nodes if any(role.startswith("data") for role in node.get("roles", ()))]

    def _open_for_search(self, index: str) -> None:
        """Searchable at last: the first refresh of a freshly loaded index writes all its segments, which
        takes minutes at a million documents, so it waits as long as the load did (the loader client)."""
        interval = mapping()["settings"]["index"].get("refresh_interval")
        with self._answering("finishing the new index"):
            self.flavour.loader.indices.put_settings(index=index, body={"index": {"refresh_interval": interval}})
            self.flavour.loader.indices.refresh(index=index)

    def _swap_alias(self, old: list[str], new: str) -> None:
        actions = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        actions.append({"add": {"index": new, "alias": self.alias}})
        with self._answering("moving the alias"):
            self.client.indices.update_aliases(body={"actions": actions})

    def _drop(self, index: str) -> None:
        try:
            with self._answering(f"deleting {index}"):
                self.client.indices.delete(index=index)
        except Exception:  # a leftover index is untidy, not fatal; say so and carry on
            log.warning("could not delete search index %s", index, exc_info=True)
