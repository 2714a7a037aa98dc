"""Events are kept REGISTRY_FEED_RETENTION_DAYS; a cursor older than what is kept answers 410."""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ..changes import FeedEvent, FeedHorizon
from ..db import utcnow
from ..runtime import settings
from ..uow import UnitOfWork, transactional


@transactional
def purge_events(now: datetime | None = None, *, uow: UnitOfWork) -> int:
    """Delete the events older than the retention period (never the newest one); how many went."""
    cutoff = (now or utcnow()) - timedelta(days=settings().FEED_RETENTION_DAYS)
    session = uow.session
    newest = session.scalar(select(func.max(FeedEvent.id))) or 0
    last = session.scalar(select(func.max(FeedEvent.id)).where(FeedEvent.at < cutoff, FeedEvent.id < newest))
    if last is None:
        return 0
    gone = session.execute(delete(FeedEvent).where(FeedEvent.id <= last)).rowcount
    horizon = session.get(FeedHorizon, 1) or FeedHorizon(id=1, purged_through=0)
    horizon.purged_through, horizon.purged_at = max(horizon.purged_through, last), utcnow()
    session.add(horizon)
    return gone
