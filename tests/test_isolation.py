"""Tests leave the database as they found it: what one test commits, the next one does not see."""

import pytest
from sqlalchemy import func, select

from registry.departments.models import Domain
from registry.extensions import db
from registry.records.models import Record
from tests import factories

# What each writing test wrote, by backend and mode; the checking test after it requires an entry,
# so that it cannot pass by running first.
written = {}


def _write(app) -> dict:
    """Commit a domain through the session, then a record through the API (the bulk writer's own SQL).
    The domain's commit is the test's first statement: on SQLite it is what a driver left to itself
    would commit for good (its SAVEPOINT opening a transaction of its own, RELEASE committing it)."""
    with app.app_context():
        db.session.add(Domain(key="isolation_check", name_zh="隔离检查", special_sector=False))
        db.session.commit()
        department = factories.department("market_supervision")
    key = factories.key_for(app, "department", department_uscc=department["uscc"])
    row = factories.penalty(department)
    assert app.test_client().post("/api/v1/records", json=row, headers=factories.auth(key)).status_code == 200
    with app.app_context():
        assert db.session.get(Domain, "isolation_check") is not None
        return {"decision_no": row["decision_no"], "records": _records(), "dialect": db.engine.dialect.name}


def _is_gone(app, mode: str) -> None:
    with app.app_context():
        wrote = written.pop((db.engine.dialect.name, mode))
        assert db.session.get(Domain, "isolation_check") is None
        assert db.session.scalar(select(func.count()).where(Record.decision_no == wrote["decision_no"])) == 0
        assert _records() == wrote["records"] - 1


def _records() -> int:
    return db.session.scalar(select(func.count()).select_from(Record))


def test_a_test_commits(app):
    wrote = _write(app)
    written[(wrote["dialect"], "rolled back")] = wrote


def test_the_next_test_does_not_see_it(app):
    _is_gone(app, "rolled back")


@pytest.mark.committed
def test_a_committed_test_commits(app):
    wrote = _write(app)
    written[(wrote["dialect"], "committed")] = wrote


def test_the_next_test_does_not_see_it_either(app):
    _is_gone(app, "committed")
