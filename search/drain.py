"""Sending what the outbox names to the search engine, in bulk, with each row's version.

Only what the public may see is indexed (SPEC §2, §4, §7): a record that is withdrawn, repaired,
expired, not published or about a natural person is deleted from the index instead, so search
results never need a second visibility check. The outbox rows go only once the engine took them.
"""

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date

from sqlalchemy import case, delete, func, select

from registry.db import among
from registry.departments.models import Department
from registry.enterprises.models import Entity
from registry.outbox import ENTITY, RECORD, SearchOutbox
from registry.records.models import Record
from registry.records.visibility import public_condition
from registry.uow import UnitOfWork

from .documents import OPEN_END, RECORD_TEXT_FIELDS, entity_document, record_document
from .engine import LIST_KINDS, IndexingError, SearchEngine

BATCH = 2000
# What record_document reads: a reindex fetches these, not the fifty-odd columns of a record.
DOCUMENT_COLUMNS = ("id", "kind", "uscc", "party_name", "domain_key", "department_id", "severity", "decision_date",
                    "decision_no", *RECORD_TEXT_FIELDS, "version")
logger = logging.getLogger(__name__)


def drain(session, engine: SearchEngine, publish_natural_persons: bool = False, limit: int | None = None, *,
          today: date | None = None) -> int:
    """Send every pending change (or `limit` of them); returns how many outbox rows were handled.

    An engine of its own (OpenSearch, Elasticsearch) takes a batch on a thread while the next batch's
    documents are built here: the drain waited on the engine and on the database by turns, each about
    half its time. Raises SearchUnavailable when the engine is down: the outbox keeps everything not
    taken for the next run.
    """
    handled, uow, after, sent = 0, UnitOfWork(session), 0, None
    public = public_condition(publish_natural_persons, today or date.today())
    with ThreadPoolExecutor(1) as sender:
        while True:
            room = BATCH if limit is None else min(BATCH, limit - handled - (sent.count if sent else 0))
            pending = _pending(session, after, room) if room > 0 else []
            if pending:
                documents, deletions = record_documents(session, _named(session, pending, RECORD), public)
                documents += entity_documents(session, _named(session, pending, ENTITY), public)
            if sent:
                handled += sent.settle(session, uow)
            if not pending:
                return handled
            after = pending[-1].id
            sent = _Sent(sender if not engine.in_session else None, engine, documents, deletions, after, len(pending))


def _pending(session, after: int, size: int):
    return session.execute(select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.ref)
                           .where(SearchOutbox.id > after).order_by(SearchOutbox.id).limit(size)).all()


class _Sent:
    """A batch handed to the engine (on `sender`'s thread, or here for an engine in the session); its
    outbox rows go, in one commit, once the engine took it."""

    def __init__(self, sender, engine: SearchEngine, documents: list, deletions: list, last_id: int, count: int):
        self.last_id, self.count = last_id, count
        if sender is None:
            self.result = Future()
            self.result.set_result(self._write(engine, documents, deletions))
        else:
            self.result = sender.submit(self._write, engine, documents, deletions)

    @staticmethod
    def _write(engine: SearchEngine, documents: list, deletions: list) -> None:
        try:
            engine.write(documents, deletions)
        except IndexingError as exc:
            # A document the engine refuses must not block every change behind it: log it, go on.
            logger.error("search engine refused %d document(s): %s", len(exc.failures), exc.failures[:20])

    def settle(self, session, uow: UnitOfWork) -> int:
        self.result.result()  # SearchUnavailable, raised on the sender's thread, comes out here
        session.execute(delete(SearchOutbox).where(SearchOutbox.id <= self.last_id))
        uow.commit()
        return self.count


def _named(session, pending, kind: str):
    """Which rows of `kind` the outbox rows name: a function of the id column, None if none."""
    ids = {p.ref for p in pending if p.kind == kind}
    dialect = session.get_bind().dialect.name
    return (lambda column: among(column, ids, dialect)) if ids else None


def record_documents(session, which, public) -> tuple[list, list]:
    """Documents of the public records among those `which` picks by id, and deletions of the others."""
    if which is None:
        return [], []
    # The entity's stored folded name spares folding the party's name again when they are the same
    # (folding to simplified script is a third of building a record's document).
    same_name = case((Entity.name == Record.party_name, Entity.name_normalised))
    query = (
        select(
            *(Record.__table__.c[name] for name in DOCUMENT_COLUMNS),
            Department.name.label("department_name"),
            Department.district_code.label("district"),
            same_name.label("name_normalised"),
            public.label("public"),
        )
        .join(Department, Department.id == Record.department_id)
        .outerjoin(Entity, Entity.id == Record.entity_id)
        .where(which(Record.id))
    )
    documents, deletions = [], []
    for row in session.execute(query).mappings():
        if row["public"]:
            documents.append(record_document(row))
        else:
            deletions.append((f"record-{row['id']}", row["version"]))
    return documents, deletions


def entity_documents(session, which, public) -> list:
    if which is None:
        return []
    entities = session.execute(select(Entity.__table__).where(which(Entity.id))).mappings().all()
    counts = {}
    # By entity_id, which the writers set on every record with a USCC: it is indexed, the USCC is not
    # (counting by USCC scanned every record once per batch, minutes of a reindex at a million records).
    query = (
        select(Record.entity_id, Record.domain_key, func.count())
        .where(which(Record.entity_id), public)
        .group_by(Record.entity_id, Record.domain_key)
    )
    for entity_id, domain, count in session.execute(query):
        counts.setdefault(entity_id, {})[domain] = count
    lists = {}
    for entity_id, kind, end in session.execute(list_ends(which, public)):
        lists.setdefault(entity_id, {})[kind] = end
    return [entity_document({**entity, "record_counts": counts.get(entity["id"], {}),
                             "list_until": lists.get(entity["id"])}) for entity in entities]


def list_ends(which, public):
    """(entity id, list kind, end) of the entities `which` picks by id: the publicity end of their public
    entry of that kind that ends last, OPEN_END when one has none. Public is read on the day of
    indexing; the engines compare the end with the day of each search."""
    end = func.max(func.coalesce(Record.publicity_end, date.fromisoformat(OPEN_END)))
    return (
        select(Record.entity_id, Record.kind, end.label("end"))
        .where(which(Record.entity_id), public, Record.kind.in_(LIST_KINDS))
        .group_by(Record.entity_id, Record.kind)
    )


def document_batches(session, publish_natural_persons: bool, size: int = BATCH, *, today: date | None = None):
    """Every document the index should hold, read in id order, for a full reindex: each batch is a
    range of ids, which the database reads in order instead of looking up thousands of listed ids."""
    public = public_condition(publish_natural_persons, today or date.today())
    for model, build in (
        (Entity, lambda which: entity_documents(session, which, public)),
        (Record, lambda which: record_documents(session, which, public)[0]),
    ):
        last = 0
        while (upto := _range_end(session, model.id, last, size)) is not None:
            yield from build(lambda column, first=last, end=upto: column.between(first + 1, end))
            last = upto


def _range_end(session, column, after: int, size: int) -> int | None:
    """The id that ends a range of `size` ids after `after` (or the last id), None when none follow."""
    end = session.scalar(select(column).where(column > after).order_by(column).offset(size - 1).limit(1))
    if end is None:
        end = session.scalar(select(func.max(column)).where(column > after))
    return end
