"""The daily sweep: records whose publicity window has closed stop being published (stored state, the
search index and the change feed's display-ended events; what the public sees already compares the
end with the day)."""

from datetime import date

from sqlalchemy import literal_column, update

from ..changes import DISPLAY_ENDED
from ..db import utcnow
from ..uow import UnitOfWork, next_version, transactional
from .models import EXPIRED, PUBLISHED, Record


@transactional
def end_expired_publicity(today: date, *, uow: UnitOfWork) -> int:
    """Stop publishing every record whose window has closed; safe to run any number of times."""
    ended = uow.session.execute(
        update(Record)
        .where(Record.status == PUBLISHED, Record.publicity_end.is_not(None), Record.publicity_end <= today)
        .values(status=EXPIRED, version=literal_column(next_version("records")), updated_at=utcnow())
        .returning(Record.id, Record.entity_id)
    ).all()
    uow.changed(records=[row.id for row in ended], entities=[row.entity_id for row in ended])
    uow.event(DISPLAY_ENDED, records=[row.id for row in ended])
    return len(ended)
