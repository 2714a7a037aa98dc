"""Records submitted on chosen days, for the statistics and data-quality figures."""

from datetime import UTC, date, datetime, time

from sqlalchemy import update

from registry.access.services import authenticate
from registry.extensions import db
from registry.records.models import Record
from registry.records.services import push_records
from registry.reports.presentation import BEIJING
from tests import factories


def beijing(day: date, at: time = time(10)) -> datetime:
    """A moment of a Beijing day, in UTC as records' times are stored."""
    return datetime.combine(day, at, BEIJING).astimezone(UTC)


def submit_record(app, department: dict, key: str, decided: date, at: date | datetime, **fields) -> int:
    """A penalty of `department` (pushed with its `key`) decided on the day `decided` and first submitted
    at the moment `at` (a Beijing day at 10:00 when a date is given); returns its id, committed."""
    moment = at if isinstance(at, datetime) else beijing(at)
    row = factories.penalty(department, decision_date=decided.isoformat(), **fields)
    with app.app_context():
        record_id = push_records(authenticate(key), [row], today=moment.date())["results"][0]["id"]
        db.session.execute(update(Record).where(Record.id == record_id).values(created_at=moment))
        db.session.commit()
    return record_id
