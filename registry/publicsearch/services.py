"""Public search: the engine finds ids, the database says what they are and whether they may be shown."""


from sqlalchemy import select

from search.engine import InvalidCursor as EngineCursor
from search.engine import SearchQuery, SearchUnavailable

from .. import metrics
from ..access.services import PUBLIC
from ..departments.models import District
from ..enterprises.models import Entity
from ..errors import RegistryError
from ..extensions import db
from ..pagination import InvalidCursor
from ..records.models import Record
from ..records.services import present_records
from ..records.visibility import public_condition
from ..repairs.objections import under_objection
from ..runtime import settings, today
from .engines import configured_engine

RETRY_AFTER_SECONDS = 30


class SearchUnavailableError(RegistryError):
    status = 503
    code = "search_unavailable"
    title = "Search unavailable"


SEARCH_LIMIT = "SEARCH"  # the rate limit of searches, API and page (registry.ratelimit)


def search(args: dict) -> dict:
    """One page of hits for the public; never an empty page in place of an outage."""
    record_kind, list_status = args.get("record_kind"), args.get("list_status")
    kind = "record" if record_kind else "entity" if list_status else args.get("kind")
    query = SearchQuery(q=args.get("q") or "", kind=kind, record_kind=record_kind, list_status=list_status,
                        domain=args.get("domain"), department=args.get("department"), district=args.get("district"),
                        severity=args.get("severity"), date_from=args.get("from"), date_to=args.get("to"),
                        size=args["limit"], cursor=args.get("cursor"), today=today())
    try:
        result = configured_engine().search(query)
    except SearchUnavailable:
        metrics.count_search_error("search")
        raise SearchUnavailableError(
            message_en="the search engine does not answer; look-ups by credit code still work",
            message_zh="搜索服务暂时不可用，请稍后再试；按统一社会信用代码查询不受影响",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
    except EngineCursor:
        raise InvalidCursor(message_en="the cursor is not valid; start again without it",
                            message_zh="分页游标无效，请重新查询") from None
    return {"items": _items(result.hits), "total": result.total, "total_exact": result.total_exact,
            "facets": result.facets, "next_cursor": result.next_cursor, "engine": result.engine}


def _items(hits) -> list[dict]:
    """Hits re-read from the database in engine order; one the index still holds but the public may no
    longer see (the index lags a write by moments) is left out."""
    record_ids = [int(hit.id.removeprefix("record-")) for hit in hits if hit.kind == "record"]
    codes = [hit.id.removeprefix("entity-") for hit in hits if hit.kind == "entity"]
    publish = settings().PUBLISH_NATURAL_PERSONS
    records = {r.id: r for r in db.session.scalars(
        select(Record).where(Record.id.in_(record_ids), public_condition(publish, today())))} if record_ids else {}
    entities = {e.uscc: e for e in db.session.scalars(select(Entity).where(Entity.uscc.in_(codes)))} if codes else {}
    shown_districts = {entity.district_code for entity in entities.values()}
    districts = dict(db.session.execute(select(District.code, District.name_zh)
                                        .where(District.code.in_(shown_districts))).all()) if entities else {}
    shown_records = {shown["id"]: shown for shown in present_records(list(records.values()), PUBLIC, under_objection)}
    items = []
    for hit in hits:
        found = (records.get(int(hit.id.removeprefix("record-"))) if hit.kind == "record"
                 else entities.get(hit.id.removeprefix("entity-")))
        if found is None:
            continue
        shown = shown_records[found.id] if hit.kind == "record" else _entity(found, districts)
        items.append({"kind": hit.kind, "score": hit.score, "matched": list(hit.matched),
                      "highlights": _highlights(hit, found), hit.kind: shown})
    return items


def _highlights(hit, found) -> dict:
    """The engine's highlights, but never of a natural person's name: the public sees it masked
    (a deployment may publish natural persons' records, never their names)."""
    if hit.kind == "record" and found.party_category == "natural_person":
        return {field: parts for field, parts in hit.highlights.items() if field != "name"}
    return hit.highlights


def _entity(entity: Entity, districts: dict) -> dict:
    return {"uscc": entity.uscc, "name": entity.name, "former_names": entity.former_names or [],
            "party_category": entity.party_category,
            "district": {"code": entity.district_code, "name_zh": districts.get(entity.district_code)}}


