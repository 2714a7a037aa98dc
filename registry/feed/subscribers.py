"""Feed subscribers, kept by their own key's holder or by the credit centre: add one (for any partner's
key, by the credit centre), list, pause and resume, remove, give a new secret, read the delivery log,
and replay from a cursor. Every change goes into the audit trail."""

from sqlalchemy import delete, select

from ..access.models import CREDIT_CENTRE, Principal
from ..access.services import Viewer
from ..db import utcnow
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..signing import new_secret
from ..uow import UnitOfWork, transactional
from .models import FeedDelivery, FeedSubscriber
from .reader import Filters


@transactional
def subscribe(viewer: Viewer, url: str, filters: dict | None = None, after: int = 0, principal_id: int | None = None,
              *, uow: UnitOfWork) -> FeedSubscriber:
    """A new subscriber from cursor `after`, seeing the events as the viewer's key does, or (the credit
    centre only) as the key `principal_id`; its secret is shown once, here."""
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise ValidationFailed(message_en="a subscriber needs an http(s) URL", message_zh="订阅须提供 http(s) 地址",
                               code="invalid_webhook")
    owner = viewer.principal_id if principal_id is None else _subscribing_key(viewer, principal_id).id
    wanted = {name: value for name, value in Filters.of(filters or {}).__dict__.items() if value}
    subscriber = FeedSubscriber(principal_id=owner, url=url, secret=new_secret(), filters=wanted,
                                cursor=max(after, 0), active=True, attempts=0, next_attempt_at=utcnow())
    uow.session.add(subscriber)
    uow.session.flush()
    uow.audit("feed.subscribe", viewer, "feed_subscriber", subscriber.id, {"url": url, "principal": owner})
    return subscriber


def _subscribing_key(viewer: Viewer, principal_id: int) -> Principal:
    if not viewer.is_credit_centre:
        raise Forbidden(message_en="only the credit centre subscribes for another key",
                        message_zh="只有信用中心可以为其他密钥添加订阅", code="not_your_key")
    principal = db.session.get(Principal, principal_id)
    if principal is None or principal.revoked_at is not None or principal.key_hash is None \
            or principal.role in CREDIT_CENTRE:
        raise ValidationFailed(message_en=f"no partner key {principal_id} to subscribe for",
                               message_zh=f"没有可订阅的密钥 {principal_id}", code="unknown_key")
    return principal


def subscribable_keys() -> list[Principal]:
    """The keys the credit centre may subscribe for: every working key outside the credit centre."""
    return list(db.session.scalars(select(Principal).where(
        Principal.key_hash.is_not(None), Principal.revoked_at.is_(None),
        Principal.role.not_in(CREDIT_CENTRE)).order_by(Principal.name, Principal.id)))


def subscribers_of(viewer: Viewer) -> list[FeedSubscriber]:
    """Every subscriber for the credit centre; the viewer's key's own for anyone else."""
    query = select(FeedSubscriber).order_by(FeedSubscriber.id)
    if not viewer.is_credit_centre:
        query = query.where(FeedSubscriber.principal_id == viewer.principal_id)
    return list(db.session.scalars(query))


def own_subscriber(viewer: Viewer, subscriber_id: int) -> FeedSubscriber:
    subscriber = db.session.get(FeedSubscriber, subscriber_id)
    if subscriber is None or (subscriber.principal_id != viewer.principal_id and not viewer.is_credit_centre):
        raise NotFound(message_en=f"no subscriber {subscriber_id}", message_zh=f"订阅 {subscriber_id} 不存在",
                       code="subscriber_not_found")
    return subscriber


@transactional
def set_active(viewer: Viewer, subscriber_id: int, active: bool, *, uow: UnitOfWork) -> FeedSubscriber:
    """Pause deliveries, or resume them at once from where they stopped."""
    subscriber = own_subscriber(viewer, subscriber_id)
    subscriber.active = active
    if active:
        subscriber.attempts, subscriber.next_attempt_at = 0, utcnow()
    uow.audit("feed.resume" if active else "feed.pause", viewer, "feed_subscriber", subscriber.id)
    return subscriber


@transactional
def rotate_secret(viewer: Viewer, subscriber_id: int, *, uow: UnitOfWork) -> FeedSubscriber:
    """A new secret (shown once, here) signs the deliveries from now on; the old one stops at once."""
    subscriber = own_subscriber(viewer, subscriber_id)
    subscriber.secret = new_secret()
    uow.audit("feed.rotate_secret", viewer, "feed_subscriber", subscriber.id)
    return subscriber


@transactional
def remove(viewer: Viewer, subscriber_id: int, *, uow: UnitOfWork) -> None:
    """No more deliveries; the subscriber and its delivery log go (the audit trail keeps that it was)."""
    subscriber = own_subscriber(viewer, subscriber_id)
    uow.session.execute(delete(FeedDelivery).where(FeedDelivery.subscriber_id == subscriber.id))
    uow.session.delete(subscriber)
    uow.audit("feed.unsubscribe", viewer, "feed_subscriber", subscriber_id, {"url": subscriber.url})


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
