"""The hash chain: each entry's hash is SHA-256 over the hash before it and its own canonical content."""

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

import rfc8785

GENESIS = "0" * 64  # what the first entry follows
# The columns an entry's hash covers: all but its id (its place is its link) and the two hashes.
CONTENT = ("at", "principal_id", "account_id", "actor_role", "action", "object_type", "object_id", "address",
           "request_id", "details")


def utc_text(moment: datetime) -> str:
    """A moment as the hash reads it, to the microsecond; SQLite gives back UTC times without a zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: Mapping) -> bytes:
    """What an entry's hash covers (a row, or the values about to be one), as RFC 8785 JSON."""
    content = {name: entry[name] for name in CONTENT}
    content["at"] = utc_text(content["at"])
    return rfc8785.dumps(content)


def link(prev_hash: str, content: bytes) -> str:
    """The hash of an entry of this `canonical` content following `prev_hash`."""
    return hashlib.sha256(prev_hash.encode("ascii") + content).hexdigest()
