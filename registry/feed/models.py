"""Feed subscribers (signed webhooks) and the log of each delivery attempt."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access.models import Principal
from ..db import Base, Timestamps, utcnow


class FeedSubscriber(Timestamps, Base):
    """A partner system the feed's events are POSTed to, as its key's principal sees them."""

    __tablename__ = "feed_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))  # signs each delivery (registry.signing)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)  # domain, district, kind, record_kind
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)  # the last event delivered
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed attempts of the pending batch
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    principal: Mapped[Principal] = relationship(lazy="joined")


class FeedDelivery(Base):
    """One attempt to deliver a batch of events (first..last) to a subscriber."""

    __tablename__ = "feed_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("feed_subscribers.id"), index=True)
    first_event: Mapped[int] = mapped_column(BigInteger)
    last_event: Mapped[int] = mapped_column(BigInteger)
    events: Mapped[int] = mapped_column(Integer)
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the partner's HTTP answer
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
