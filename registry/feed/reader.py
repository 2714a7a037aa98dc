"""Reading the change feed as a viewer sees it: events after a cursor, in commit order.

Event ids are assigned in commit order (registry.changes), so a page is read up to the newest id seen
at its start: every event up to that id has committed, and a cursor never passes one that commits
later. Each event carries the record (or entity) as it is now for the viewer, or only its id once it
has left the viewer's view; an event about a natural person the viewer may not see is left out.
"""

import time
from dataclasses import dataclass

from sqlalchemy import func, literal, select

from ..access.services import Viewer
from ..changes import EVENT_KINDS, RECORD, FeedEvent, FeedHorizon
from ..errors import RegistryError
from ..extensions import db
from ..records.visibility import sees_natural_persons
from ..runtime import settings
from .presenting import page_query, presented_entity, presented_records

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
    size = min(max(limit, 1), PAGE_MAX)
    # The head read in the page's own statement: every event up to it has committed (module docstring).
    head = select(func.max(FeedEvent.id)).scalar_subquery()
    rows = _page(viewer, [FeedEvent.id <= head], after, filters, size, head)
    if not rows:  # nothing the filters keep up to that head: the cursor moves to the head read now
        top = db.session.scalar(select(func.max(FeedEvent.id))) or 0
        rows = _page(viewer, [FeedEvent.id <= top], after, filters, size, literal(top))
        if not rows:
            return {"events": [], "next": max(top, after)}
    return {"events": present_events(viewer, rows), "next": rows[-1].event_id if len(rows) == size else
            max(rows[0].head, after)}


def _page(viewer: Viewer, below: list, after: int, filters: Filters, size: int, head) -> list:
    return db.session.connection().execute(page_query(
        viewer, [FeedEvent.id > after, *below, *filters.conditions()], size).add_columns(head.label("head"))).all()


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
    """Rows of `presenting.page_query` as the viewer reads them."""
    records = presented_records(viewer, rows)
    hidden_persons = not sees_natural_persons(viewer, settings().PUBLISH_NATURAL_PERSONS)
    events = []
    for row in rows:
        event = {"cursor": row.event_id, "at": row.event_at, "kind": row.event_kind,
                 "record_kind": row.event_record_kind, "domain": row.event_domain_key, "district": row.event_district}
        if EVENT_KINDS.get(row.event_kind) == RECORD:
            shown = records.get(row.id)
            if shown is None and row.event_natural_person and hidden_persons:
                continue  # never mention a natural person's record to whom may not see it
            event.update(record_id=row.event_record_id, record=shown, visible=shown is not None)
        else:
            shown = presented_entity(row)
            if shown is None and row.event_natural_person and hidden_persons:
                continue
            event.update(entity_id=row.event_entity_id, entity=shown, visible=shown is not None)
        if row.event_fields:
            event["fields"] = row.event_fields
        events.append(event)
    return events
