"""The change log behind the open-data feed: one row per change to a record or an entity, in commit order.

A unit of work notes its events (`UnitOfWork.event`) and writes them just before it commits, holding
a lock until the commit (as the audit chain does): an event's id is so the order of commits, and a
reader that has seen an id has seen every smaller one (no later commit can take a smaller id).
Bulk writers stage their events set-based in a session-private table (`staged_events_sql`), moved
into the log at the commit the same way.

The kinds of event are data: a record event names the record, and its record kind (penalty,
licence, or any later kind of `records`) travels with it, so an added kind needs nothing here.
"""

import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, String, bindparam, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, lock_for_writing, utcnow

RECORD, ENTITY = "record", "entity"
PUBLISHED, UPDATED, DISPLAY_ENDED = "record.published", "record.updated", "record.display_ended"
OBJECTION_OPENED, OBJECTION_RESOLVED = "objection.opened", "objection.resolved"
ENTITY_ADDED, ENTITY_RENAMED = "entity.added", "entity.renamed"
# The event of each status change a record's history names (registry.records.services.change_record_status).
STATUS_EVENTS = {"withdraw": "record.withdrawn", "repair": "record.repaired", "repair_revoked": "record.repair_revoked"}
# Every kind of event, with what it names: published and updated come from the record writers, the
# status changes from `STATUS_EVENTS`, display ended from the publicity sweep.
EVENT_KINDS = {
    PUBLISHED: RECORD, UPDATED: RECORD, **dict.fromkeys(STATUS_EVENTS.values(), RECORD), DISPLAY_ENDED: RECORD,
    OBJECTION_OPENED: RECORD, OBJECTION_RESOLVED: RECORD, ENTITY_ADDED: ENTITY, ENTITY_RENAMED: ENTITY,
}

STAGING = "feed_staging"
LOCK_KEY = int.from_bytes(hashlib.sha256(b"credit-registry change feed").digest()[:8], "big", signed=True)
_COLUMNS = ("at", "kind", "record_id", "entity_id", "record_kind", "domain_key", "district", "natural_person",
            "fields")


class FeedEvent(Base):
    __tablename__ = "feed_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Copied from the record when the event is written, so that the feed filters without a join.
    record_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    domain_key: Mapped[str | None] = mapped_column(String(50), nullable=True)
    district: Mapped[str | None] = mapped_column(String(12), nullable=True)
    natural_person: Mapped[bool] = mapped_column(Boolean, default=False)
    fields: Mapped[list | None] = mapped_column(JSON, nullable=True)  # the columns an update changed


class FeedHorizon(Base):
    """One row: the last event id deleted after the retention period (older cursors answer 410)."""

    __tablename__ = "feed_horizon"

    id: Mapped[int] = mapped_column(primary_key=True)
    purged_through: Mapped[int] = mapped_column(BigInteger, default=0)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def write(session: Session, noted: list[tuple], staged: bool) -> None:
    """Write noted events (kind, record ids, entity ids, fields) and the staged ones, in the session's
    transaction, which holds the log's head until it commits: the unit of work does this last."""
    session.flush()  # the changes take their row locks first: the log's lock is the last one taken
    connection = session.connection()
    lock_for_writing(connection, LOCK_KEY)  # the only writer at the log's head (see the module's docstring)
    at, dialect = utcnow(), connection.dialect.name
    for kind, records, entities, fields in _grouped(noted):
        for ids, statement in ((records, _RECORD_EVENTS), (entities, _ENTITY_EVENTS)):
            if ids:
                connection.execute(text(statement.format(among=_AMONG[dialect])).bindparams(
                    bindparam("fields", type_=JSON)),
                    {"at": at, "kind": kind, "ids": ids if dialect == "postgresql" else json.dumps(ids),
                     "fields": list(fields) if fields else None})
    if staged:
        connection.execute(text(f"INSERT INTO feed_events ({', '.join(_COLUMNS)}) "
                                f"SELECT :at, {', '.join(_COLUMNS[1:])} FROM {STAGING} ORDER BY seq"), {"at": at})
        connection.execute(text(f"DELETE FROM {STAGING}"))


def _grouped(noted: list[tuple]) -> list[tuple]:
    """The noted events as one statement's worth each: record and entity ids gathered by kind and fields."""
    groups: dict[tuple, tuple[list, list]] = {}
    for kind, records, entities, fields in noted:
        records_of, entities_of = groups.setdefault((kind, tuple(fields) if fields else None), ([], []))
        records_of += [r for r in records if r is not None]
        entities_of += [e for e in entities if e is not None]
    return [(kind, sorted(set(r)), sorted(set(e)), fields) for (kind, fields), (r, e) in groups.items()]


_AMONG = {"postgresql": "= ANY(CAST(:ids AS integer[]))", "sqlite": "IN (SELECT value FROM json_each(:ids))"}
_RECORD_EVENTS = (
    f"INSERT INTO feed_events ({', '.join(_COLUMNS)}) "
    "SELECT :at, :kind, r.id, r.entity_id, r.kind, r.domain_key, d.district_code, "
    "r.party_category = 'natural_person', :fields "
    "FROM records r JOIN departments d ON d.id = r.department_id WHERE r.id {among}"
)
_ENTITY_EVENTS = (
    f"INSERT INTO feed_events ({', '.join(_COLUMNS)}) "
    "SELECT :at, :kind, NULL, e.id, NULL, NULL, e.district_code, e.party_category = 'natural_person', :fields "
    "FROM entities e WHERE e.id {among}"
)


def staging_sql() -> str:
    """PostgreSQL: creates the session-private table bulk writers stage events in, if it is not there."""
    return (f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} (seq bigserial, kind varchar(40), record_id integer, "
            "entity_id integer, record_kind varchar(20), domain_key varchar(50), district varchar(12), "
            "natural_person boolean, fields json) ON COMMIT DELETE ROWS")


def staged_events_sql(changed: str) -> str:
    """PostgreSQL's bulk writer: an INSERT that stages an event for each record of the relation `changed`
    (columns id, entity_id, kind, domain_key, department_id, party_category, is_new, fields), in the
    order of their ids, as `write` orders a transaction's noted events."""
    return (
        f"INSERT INTO {STAGING} (kind, record_id, entity_id, record_kind, domain_key, district, natural_person, "
        f"fields) SELECT CASE WHEN c.is_new THEN '{PUBLISHED}' ELSE '{UPDATED}' END, c.id, c.entity_id, c.kind, "
        "c.domain_key, d.district_code, c.party_category = 'natural_person', c.fields "
        f"FROM {changed} c JOIN departments d ON d.id = c.department_id ORDER BY c.id"
    )
