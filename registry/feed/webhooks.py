"""Feed subscribers: each one's events POSTed in batches to its URL, signed with its secret
(registry.signing), in order, retried with backoff, every attempt logged; replay from any cursor.

A subscriber sees the events as its key's principal does (the same presentation as GET /api/v1/changes).
A batch that fails is sent again, the same events from the same cursor, until it lands: the cursor
only moves on after a delivery the partner acknowledged with a 2xx.
"""

import http.client
from datetime import datetime, timedelta

from sqlalchemy import select

from ..access.models import Principal
from ..access.services import Viewer, viewer_of
from ..db import utcnow
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..notices.webhooks import post_signed
from ..runtime import settings
from ..signing import new_secret
from ..uow import UnitOfWork, transactional, unit_of_work
from .models import FeedDelivery, FeedSubscriber
from .reader import Filters, read_changes

BATCH = 100


@transactional
def subscribe(viewer: Viewer, url: str, filters: dict | None = None, after: int = 0, *,
              uow: UnitOfWork) -> FeedSubscriber:
    """A new subscriber for the viewer's key, from cursor `after`; its secret is shown once, here."""
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise ValidationFailed(message_en="a subscriber needs an http(s) URL", message_zh="订阅须提供 http(s) 地址",
                               code="invalid_webhook")
    wanted = {name: value for name, value in Filters.of(filters or {}).__dict__.items() if value}
    subscriber = FeedSubscriber(principal_id=viewer.principal_id, url=url, secret=new_secret(), filters=wanted,
                                cursor=max(after, 0), active=True, attempts=0, next_attempt_at=utcnow())
    uow.session.add(subscriber)
    uow.session.flush()
    uow.audit("feed.subscribe", viewer, "feed_subscriber", subscriber.id, {"url": url})
    return subscriber


def own_subscriber(viewer: Viewer, subscriber_id: int) -> FeedSubscriber:
    subscriber = db.session.get(FeedSubscriber, subscriber_id)
    if subscriber is None or (subscriber.principal_id != viewer.principal_id and not viewer.is_credit_centre):
        raise NotFound(message_en=f"no subscriber {subscriber_id}", message_zh=f"订阅 {subscriber_id} 不存在",
                       code="subscriber_not_found")
    return subscriber


@transactional
def replay(viewer: Viewer, subscriber_id: int, cursor: int, *, uow: UnitOfWork) -> FeedSubscriber:
    """Deliver again every event after `cursor` (earlier or later than where the subscriber is)."""
    subscriber = own_subscriber(viewer, subscriber_id)
    subscriber.cursor, subscriber.attempts, subscriber.active = max(cursor, 0), 0, True
    subscriber.next_attempt_at = utcnow()
    uow.audit("feed.replay", viewer, "feed_subscriber", subscriber.id, {"cursor": cursor})
    return subscriber


def deliveries_of(viewer: Viewer, subscriber_id: int, limit: int = 50) -> list[FeedDelivery]:
    """The subscriber's latest delivery attempts, newest first."""
    own_subscriber(viewer, subscriber_id)
    return list(db.session.scalars(select(FeedDelivery).where(FeedDelivery.subscriber_id == subscriber_id)
                                   .order_by(FeedDelivery.id.desc()).limit(limit)))


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
