"""What the feed and the exports show of a record or an entity: the same presenters as the records API,
so that a partner's copy built from an export and the feed is the record as the API shows it.

A feed page is one statement (`page_query`): its events, each joined to its record as the viewer may
see it now (the columns `present_row` reads) or to its entity, in plain rows; no ORM object, no query
per event or per kind of thing."""

from sqlalchemy import and_, case, select

from ..access.services import Viewer
from ..changes import EVENT_KINDS, RECORD, FeedEvent
from ..enterprises.models import Entity
from ..records.models import Record
from ..records.presenters import PRESENTABLE_JOINS, presentable_columns
from ..records.services import note_personal_id_reads, present_rows
from ..records.visibility import sees_natural_persons, visible_condition
from ..repairs.objections import open_objection
from ..runtime import settings, today

# The entity's columns in a page's row, read back by `_entity_of` (their label: "entity_" + the name).
_ENTITY_COLUMNS = ("id", "uscc", "name", "former_names", "party_category", "district_code", "legal_rep",
                   "updated_at")
_ENTITY_KINDS = tuple(kind for kind, names in EVENT_KINDS.items() if names != RECORD)


def page_query(viewer: Viewer, conditions: list, limit: int):
    """A SELECT of a page of events (`conditions` on feed_events), in commit order: each row the event's
    columns labelled "event_" + name, then the record's as `presentable_rows` names them (all NULL
    when the viewer may not see it now), then the entity's of an entity event ("entity_" + name)."""
    visible = visible_condition(viewer, settings().PUBLISH_NATURAL_PERSONS, today())
    # The entity's id only for an entity event (NULL otherwise): a record event names its entity too,
    # and PostgreSQL looked each one up before testing the kind (two thirds of a page's time).
    entity = Entity.id == case((FeedEvent.kind.in_(_ENTITY_KINDS), FeedEvent.entity_id))
    if not sees_natural_persons(viewer, settings().PUBLISH_NATURAL_PERSONS):
        entity = and_(entity, Entity.party_category != "natural_person")
    query = (select(*(column.label(f"event_{column.name}") for column in FeedEvent.__table__.c),
                    *presentable_columns(open_objection()),
                    *(getattr(Entity, name).label(f"entity_{name}") for name in _ENTITY_COLUMNS))
             .select_from(FeedEvent)
             .outerjoin(Record, and_(Record.id == FeedEvent.record_id, FeedEvent.kind.notin_(_ENTITY_KINDS), visible)))
    # The tables joined one by one, not a subquery: SQLite does not flatten a joined subquery on the
    # right of a LEFT JOIN, and built all the visible records for each page.
    for table, on in PRESENTABLE_JOINS:
        query = query.outerjoin(table, on)
    return query.outerjoin(Entity, entity).where(*conditions).order_by(FeedEvent.id).limit(limit)


def presented_records(viewer: Viewer, rows: list) -> dict[int, dict]:
    """The records a page's rows show (those the viewer may see), as it sees them, by id; each ID number
    shown unmasked goes into the audit trail once."""
    first = {}
    for row in rows:
        if row.id is not None:
            first.setdefault(row.id, row)
    shown = list(first.values())
    note_personal_id_reads(None, viewer, shown)
    return {record["id"]: record for record in present_rows(shown, viewer)}


def presented_entity(row) -> dict | None:
    """A page's row's entity as anyone may see it, or None (not an entity event, or not in view)."""
    if row.entity_id is None:
        return None
    return entity_view({name: getattr(row, f"entity_{name}") for name in _ENTITY_COLUMNS})


def entity_view(entity) -> dict:
    """An entity (ORM object, row or row mapping) as anyone may see it: no personal identifier."""
    get = entity.get if isinstance(entity, dict) else lambda name: getattr(entity, name)
    return {"id": get("id"), "uscc": get("uscc"), "name": get("name"), "former_names": get("former_names") or [],
            "party_category": get("party_category"), "district": get("district_code"),
            "legal_rep": get("legal_rep"), "updated_at": get("updated_at")}
