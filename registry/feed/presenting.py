"""What the feed and the exports show of a record or an entity: the same presenters as the records API,
so that a partner's copy built from an export and the feed is the record as the API shows it."""

from sqlalchemy import select

from ..access.services import Viewer
from ..db import among
from ..enterprises.models import Entity
from ..extensions import db
from ..records.models import Record
from ..records.presenters import presentable_rows
from ..records.services import note_personal_id_reads, present_rows
from ..records.visibility import sees_natural_persons, visible_condition
from ..repairs.objections import open_objection
from ..runtime import settings, today


def visible_records(viewer: Viewer, ids) -> dict[int, dict]:
    """The records among `ids` the viewer may see now, as it sees them, by id."""
    if not ids:
        return {}
    condition = visible_condition(viewer, settings().PUBLISH_NATURAL_PERSONS, today())
    rows = db.session.connection().execute(presentable_rows(open_objection()).where(
        among(Record.id, ids, db.engine.dialect.name), condition)).all()
    note_personal_id_reads(None, viewer, rows)
    return {shown["id"]: shown for shown in present_rows(rows, viewer)}


def entity_view(entity) -> dict:
    """An entity (ORM object, row or row mapping) as anyone may see it: no personal identifier."""
    get = entity.get if isinstance(entity, dict) else lambda name: getattr(entity, name)
    return {"id": get("id"), "uscc": get("uscc"), "name": get("name"), "former_names": get("former_names") or [],
            "party_category": get("party_category"), "district": get("district_code"),
            "legal_rep": get("legal_rep"), "updated_at": get("updated_at")}


def visible_entities(viewer: Viewer, ids) -> dict[int, dict]:
    """The entities among `ids` as the viewer sees them (a natural person only by whom is shown natural
    persons' records), by id."""
    if not ids:
        return {}
    query = select(*Entity.__table__.c).where(among(Entity.id, ids, db.engine.dialect.name))
    if not sees_natural_persons(viewer, settings().PUBLISH_NATURAL_PERSONS):
        query = query.where(Entity.party_category != "natural_person")
    return {entity.id: entity_view(entity) for entity in db.session.connection().execute(query)}
