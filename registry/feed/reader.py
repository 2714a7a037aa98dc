"""Reading the change feed as a viewer sees it: events after a cursor, in commit order.

Event ids are assigned in commit order (registry.changes), so a page is read up to the newest id seen
at its start: every event up to that id has committed, and a cursor never passes one that commits
later. Each event carries the record (or entity) as it is now for the viewer, or only its id once it
has left the viewer's view; an event about a natural person the viewer may not see is left out.
"""

import time
from dataclasses import dataclass

from sqlalchemy import func, select

from ..access.services import Viewer
from ..changes import EVENT_KINDS, RECORD, FeedEvent, FeedHorizon
from ..errors import RegistryError
from ..extensions import db
from ..records.visibility import sees_natural_persons
from ..runtime import settings
from .presenting import visible_entities, visible_records

PAGE_MAX = 1000


class CursorExpired(RegistryError):
    status = 410
    code = "feed_cursor_expired"
    title = "Gone"


@dataclass(frozen=True)
class Filters:
    domain: str | None = None
    district: str | None = None
    kind: str | None = None  # an event kind (registry.changes.EVENT_KINDS)
    record_kind: str | None = None  # penalty, licence, or any other kind of record

    def conditions(self) -> list:
        wanted = ((FeedEvent.domain_key, self.domain), (FeedEvent.district, self.district),
                  (FeedEvent.kind, self.kind), (FeedEvent.record_kind, self.record_kind))
        return [column == value for column, value in wanted if value]

    @classmethod
    def of(cls, values: dict) -> "Filters":
        return cls(**{name: values.get(name) or None for name in ("domain", "district", "kind", "record_kind")})


def purged_through() -> int:
    """The last event deleted after the retention period (0: none ever was)."""
    return db.session.scalar(select(func.max(FeedHorizon.purged_through))) or 0


def read_changes(viewer: Viewer, after: int = 0, filters: Filters = Filters(), limit: int = 100) -> dict:
    """One page of events after the cursor `after`, and the cursor to ask from next."""
    if after < purged_through():
        raise CursorExpired(
            message_en="events this old are no longer kept; start from the latest export and its cursor",
            message_zh="该游标之后的部分变更已超过保存期限，请从最新的批量导出及其游标开始",
            headers={"Link": '</api/v1/exports/latest>; rel="snapshot"'})
    top = db.session.scalar(select(func.max(FeedEvent.id))) or 0
    rows = db.session.connection().execute(  # plain rows: the ORM's loading of each row cost more than the SQL
        select(*FeedEvent.__table__.c).where(FeedEvent.id > after, FeedEvent.id <= top, *filters.conditions())
        .order_by(FeedEvent.id).limit(min(max(limit, 1), PAGE_MAX))).all()
    full = len(rows) == min(max(limit, 1), PAGE_MAX)
    return {"events": present_events(viewer, rows), "next": rows[-1].id if full else max(top, after)}


def wait_for_changes(viewer: Viewer, after: int, filters: Filters, limit: int, wait: float) -> dict:
    """`read_changes`, waiting up to `wait` seconds (at most FEED_WAIT_MAX_SECONDS) for a first event."""
    deadline = time.monotonic() + min(max(wait, 0), settings().FEED_WAIT_MAX_SECONDS)
    while True:
        page = read_changes(viewer, after, filters, limit)
        if page["events"] or time.monotonic() >= deadline:
            return page
        after = page["next"]
        db.session.rollback()  # the next look reads what committed since
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0)))


def present_events(viewer: Viewer, rows: list) -> list[dict]:
    """Rows of `feed_events` as the viewer reads them."""
    records = visible_records(viewer, {row.record_id for row in rows if row.record_id is not None})
    entities = visible_entities(viewer, {row.entity_id for row in rows if EVENT_KINDS.get(row.kind) != RECORD})
    hidden_persons = not sees_natural_persons(viewer, settings().PUBLISH_NATURAL_PERSONS)
    events = []
    for row in rows:
        event = {"cursor": row.id, "at": row.at, "kind": row.kind, "record_kind": row.record_kind,
                 "domain": row.domain_key, "district": row.district}
        if EVENT_KINDS.get(row.kind) == RECORD:
            shown = records.get(row.record_id)
            if shown is None and row.natural_person and hidden_persons:
                continue  # never mention a natural person's record to whom may not see it
            event.update(record_id=row.record_id, record=shown, visible=shown is not None)
        else:
            shown = entities.get(row.entity_id)
            if shown is None and row.natural_person and hidden_persons:
                continue
            event.update(entity_id=row.entity_id, entity=shown, visible=shown is not None)
        if row.fields:
            event["fields"] = row.fields
        events.append(event)
    return events
