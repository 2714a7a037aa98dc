"""Writing the audit trail at its head under a lock, walking it to verify the chain, finding entries."""

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from ..db import lock_for_writing, utcnow
from ..domain.masking import ID_NUMBER_IN_TEXT
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from .chain import GENESIS, canonical, link
from .models import AuditEntry

# The PostgreSQL advisory lock that makes writers take turns at the chain's head: fixed, derived
# from the project's name so as not to meet another application's key.
CHAIN_LOCK_KEY = int.from_bytes(hashlib.sha256(b"credit-registry audit trail").digest()[:8], "big", signed=True)
SYSTEM = "system"  # the role of the platform itself: a daily job, a command at the terminal
_REQUEST_ID = "registry.request_id"
# The id of the request that started the task being run: its log lines and audit entries name it too.
_CARRIED_REQUEST_ID: ContextVar[str | None] = ContextVar("carried_request_id", default=None)


# A caller's X-Request-Id (a proxy's, a client's) is kept when it is a plain token that fits the column.
CALLER_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id() -> str:
    """The current request's id, taken from its X-Request-Id or made, on first use; its response carries it
    in X-Request-Id, and the log lines written while it is answered name it."""
    return request_id_of(request.environ)


def request_id_of(environ: dict) -> str:
    """`request_id` of the request of a WSGI environ (for answers given before Flask's request begins)."""
    if _REQUEST_ID not in environ:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        plain = CALLER_REQUEST_ID.fullmatch(given) and not ID_NUMBER_IN_TEXT.search(given)
        environ[_REQUEST_ID] = given if plain else new_request_id()
    return environ[_REQUEST_ID]


def new_request_id() -> str:
    """A random id that no log masking alters: one whose hex digits hold 18 decimal ones in a row (about
    one in 1,500) would be masked as an ID number in the log, and no longer match its answer's header."""
    while ID_NUMBER_IN_TEXT.search(made := uuid.uuid4().hex):
        pass
    return made


def current_request_id() -> str | None:
    """The id of the request being answered, or of the request that started the task being run."""
    return request_id() if has_request_context() else _CARRIED_REQUEST_ID.get()


@contextmanager
def carrying(request_id: str | None) -> Iterator[None]:
    """Run a task started by the request `request_id` (None: started by the schedule or a command)."""
    token = _CARRIED_REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        _CARRIED_REQUEST_ID.reset(token)


def note(action: str, actor, object_type: str | None = None, object_id=None, details: dict | None = None) -> dict:
    """An entry's values but its hashes, taken when the action is done: who did it (a Viewer, or None
    for the platform itself), to what, when, from which address in which request."""
    in_request = has_request_context()
    return {
        "at": utcnow(),
        "principal_id": actor.principal_id if actor else None,
        "account_id": getattr(actor, "account_id", None),  # a person's, once people sign in with accounts
        "actor_role": actor.role if actor else SYSTEM,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "address": request.remote_addr if in_request else None,
        "request_id": current_request_id(),
        # As the JSON column gives it back (lists, not tuples), so that the hash reads the same then as now.
        "details": json.loads(json.dumps(details or {}, ensure_ascii=False)),
    }


def append(session: Session, noted: list[dict]) -> None:
    """Write noted entries at the head of the chain, in the session's transaction, which holds the
    head until it ends: the unit of work does this last, just before it commits. The chain's order
    is so the order of commits; an entry's time is when its action was done."""
    contents = [canonical(values) for values in noted]  # before the lock: only the chaining waits for it
    session.flush()  # the changes take their row locks first: the chain's lock is the last one taken
    lock_for_writing(session.connection(), CHAIN_LOCK_KEY)  # the only writer at the head: no two entries
    # follow the same hash (on SQLite the head it reads could be passed before its first write otherwise)
    head = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    rows = []
    for values, content in zip(noted, contents, strict=True):
        linked = link(head, content)
        rows.append({**values, "prev_hash": head, "hash": linked})
        head = linked
    session.execute(insert(AuditEntry), rows)


@dataclass(frozen=True)
class Verdict:
    """What a walk of the chain found: how many entries hold from the first, the hash of the last of
    them, the first that does not (with why), if any, and whether those that hold include a head
    noted before."""

    intact: int
    head: str
    broken: dict | None = None
    reason: str | None = None
    holds_known_head: bool = True


def verify(session: Session, known_head: str | None = None) -> Verdict:
    """Walk the chain from its first entry, recomputing each hash; stop at the first entry that does
    not match: edited, or not following the one before it (one deleted, or inserted). A head noted
    before (`known_head`) must be among the entries that match: the chain alone cannot show that its
    newest entries were dropped, or that it was recomputed after an entry someone changed."""
    expected, intact = GENESIS, 0
    seen_known = known_head in (None, GENESIS)
    rows = session.execute(select(*AuditEntry.__table__.columns).order_by(AuditEntry.id)
                           .execution_options(yield_per=1000)).mappings()
    for row in rows:
        if row["prev_hash"] != expected:
            return Verdict(intact, expected, dict(row), "it does not follow the entry before it: an entry was "
                                                        "deleted before it, or it was inserted", seen_known)
        if link(expected, canonical(row)) != row["hash"]:
            return Verdict(intact, expected, dict(row), "its content does not match its hash: it was edited",
                           seen_known)
        expected, intact = row["hash"], intact + 1
        seen_known = seen_known or expected == known_head
    return Verdict(intact, expected, holds_known_head=seen_known)


def matching(actor: int | None = None, action: str | None = None, object_type: str | None = None,
             object_id: str | None = None, since: datetime | None = None, until: datetime | None = None) -> Select:
    """The entries that match every filter given: by whom (a principal id), what, to which object, and
    when (`since` <= at < `until`; a time without a zone is UTC)."""
    query = select(AuditEntry)
    for column, wanted in ((AuditEntry.principal_id, actor), (AuditEntry.action, action),
                           (AuditEntry.object_type, object_type), (AuditEntry.object_id, object_id)):
        if wanted is not None:
            query = query.where(column == wanted)
    if since is not None:
        query = query.where(AuditEntry.at >= _utc(since))
    if until is not None:
        query = query.where(AuditEntry.at < _utc(until))
    return query


def entries_page(filters: dict, cursor: str | None = None, limit: int = 50) -> dict:
    """One page of the entries `matching` the filters, newest first, and the cursor of the next."""
    query = matching(**filters)
    if cursor:
        query = query.where(AuditEntry.id < decode_id_cursor(cursor))
    entries = db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit + 1)).all()
    page = entries[:limit]
    return {"items": page, "next_cursor": encode_cursor(page[-1].id) if len(entries) > limit else None}


def _utc(moment: datetime) -> datetime:
    """As stored: SQLite keeps the UTC time and drops the zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
