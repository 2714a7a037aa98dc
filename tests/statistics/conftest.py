"""Records submitted on chosen days, for the statistics and data-quality figures."""

from datetime import UTC, date, datetime, time

import pytest
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


@pytest.fixture
def departments(app):
    with app.app_context():
        return {"transport": factories.department("transport"), "tax": factories.department("tax")}


@pytest.fixture
def submit(app, departments):
    """submit(decided, at, department="transport", **fields) -> record id: a penalty decided on the day
    `decided`, first submitted at the moment `at` (a Beijing day at 10:00 when a date is given)."""
    keys = {name: factories.key_for(app, "department", department_uscc=dep["uscc"])
            for name, dep in departments.items()}

    def _submit(decided: date, at, department="transport", **fields):
        moment = beijing(at) if not isinstance(at, datetime) else at
        row = factories.penalty(departments[department], decision_date=decided.isoformat(), **fields)
        with app.app_context():
            record_id = push_records(authenticate(keys[department]), [row], today=moment.date())["results"][0]["id"]
            db.session.execute(update(Record).where(Record.id == record_id).values(created_at=moment))
            db.session.commit()
        return record_id

    return _submit
