"""Deliveries to feed subscribers: each one's events POSTed in batches to its URL, signed with its secret
(registry.signing), in order, retried with backoff, every attempt logged (subscribers.py keeps them).

A subscriber sees the events as its key's principal does (the same presentation as GET /api/v1/changes).
A batch that fails is sent again, the same events from the same cursor, until it lands: the cursor
only moves on after a delivery the partner acknowledged with a 2xx.
"""

import http.client
from datetime import datetime, timedelta

from sqlalchemy import select

from ..access.models import Principal
from ..access.services import viewer_of
from ..db import utcnow
from ..extensions import db
from ..notices.webhooks import post_signed
from ..runtime import settings
from ..uow import unit_of_work
from .models import FeedDelivery, FeedSubscriber
from .reader import Filters, read_changes

BATCH = 100


def deliver_changes(now: datetime | None = None) -> dict:
    """Send each due subscriber its next batches of events, until it is up to date or an attempt fails."""
    now = now or utcnow()
    counts = {"delivered": 0, "failed": 0, "events": 0}
    due = db.session.scalars(select(FeedSubscriber.id).where(FeedSubscriber.active,
                                                             FeedSubscriber.next_attempt_at <= now)).all()
    for subscriber_id in due:
        while (sent := _deliver_batch(subscriber_id, now)) is not None:
            if not sent:
                counts["failed"] += 1
                break
            counts["delivered"] += 1
            counts["events"] += sent
    return counts


def _deliver_batch(subscriber_id: int, now: datetime) -> int | None:
    """One batch to one subscriber: how many events it took, 0 if the attempt failed, None if nothing was due."""
    with unit_of_work() as uow:
        subscriber = uow.session.get(FeedSubscriber, subscriber_id)
        viewer = viewer_of(uow.session.get(Principal, subscriber.principal_id))
        page = read_changes(viewer, subscriber.cursor, Filters.of(subscriber.filters), BATCH)
        if not page["events"]:
            subscriber.cursor = page["next"]  # past events this subscriber does not see
            return None
        config = settings()
        body = {"subscriber": subscriber.id, "after": subscriber.cursor, "next": page["next"],
                "events": page["events"]}
        try:
            status = post_signed(subscriber.url, body, subscriber.secret, config.WEBHOOK_TIMEOUT_SECONDS)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except (OSError, ValueError, http.client.HTTPException) as exc:
            status, error = None, str(exc)[:500]
        attempt = subscriber.attempts + 1
        subscriber.attempts = 0 if error is None else attempt
        uow.session.add(FeedDelivery(subscriber_id=subscriber.id, first_event=page["events"][0]["cursor"],
                                     last_event=page["events"][-1]["cursor"], events=len(page["events"]),
                                     attempt=attempt, status=status, error=error,
                                     delivered=error is None, at=now))
        if error is None:
            subscriber.cursor = page["next"]
            return len(page["events"])
        # 1, 2, 4, 8 ... minutes, at most a day; the same events again from the same cursor.
        subscriber.next_attempt_at = now + timedelta(minutes=min(2 ** (subscriber.attempts - 1), 1440))
        return 0
