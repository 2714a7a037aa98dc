"""Fixtures for reports: an enterprise with its key, a bank it may authorise, records pushed by departments."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import update

from registry.extensions import db
from registry.records.models import REPAIRED, Record
from tests import factories


@dataclass
class Enterprise:
    uscc: str
    name: str
    key: str

    @property
    def headers(self) -> dict:
        return factories.auth(self.key)


@pytest.fixture
def enterprise(app, push, department) -> Enterprise:
    """An enterprise known to the registry through a licence (not a violation), with its own key."""
    licence = factories.licence(department, legal_rep="王建国", legal_rep_id_type="身份证",
                                legal_rep_id_no="150502198003151234")
    assert push(licence).status_code == 200
    return Enterprise(licence["uscc"], licence["party_name"],
                      factories.key_for(app, "enterprise", uscc=licence["uscc"]))


@pytest.fixture
def bank_uscc() -> str:
    return factories.new_uscc(prefix="91", division="150500")


@pytest.fixture
def bank_key(app, bank_uscc) -> str:
    return factories.key_for(app, "bank", uscc=bank_uscc)


@pytest.fixture
def push_for(app, client, enterprise):
    """Push a record made by `make(department, **fields)` against the enterprise from the department of
    `domain`; returns the record id. `key_of` holds each domain's department key."""
    keys = {}

    def _push(make, domain, **fields) -> int:
        with app.app_context():
            dep = factories.department(domain)
        if domain not in keys:
            keys[domain] = factories.key_for(app, "department", department_uscc=dep["uscc"])
        record = make(dep, uscc=enterprise.uscc, party_name=enterprise.name, **fields)
        response = client.post("/api/v1/records", json=record, headers=factories.auth(keys[domain]))
        assert response.status_code == 200, response.json
        return response.json["results"][0]["id"]

    _push.key_of = keys
    return _push


@pytest.fixture
def penalise(push_for):
    """Push a penalty against the enterprise from the department of `domain`; returns the record id."""

    def _penalise(domain="market_supervision", **fields) -> int:
        return push_for(factories.penalty, domain, **fields)

    _penalise.key_of = push_for.key_of
    return _penalise


@pytest.fixture
def enlist(push_for):
    """Push a list entry or commitment of `kind` against the enterprise; returns the record id."""

    def _enlist(kind, domain="market_supervision", **fields) -> int:
        return push_for(lambda dep, **given: factories.entry(dep, kind, **given), domain, **fields)

    _enlist.key_of = push_for.key_of
    return _enlist


@pytest.fixture
def mark_repaired(app):
    """Put a record in the state a completed credit repair leaves it in (the repair workflow is issue 5)."""

    def _mark(record_id: int) -> None:
        with app.app_context():
            db.session.execute(update(Record).where(Record.id == record_id)
                               .values(status=REPAIRED, version=Record.version + 1))
            db.session.commit()

    return _mark


def request_report(client, headers, uscc, **scope):
    return client.post("/api/v1/reports", json={"uscc": uscc, **scope}, headers=headers)


def days_ago(days: int) -> str:
    return date.fromordinal(factories.TODAY.toordinal() - days).isoformat()


def years_from_today(years: int) -> date:
    """The same day `years` years on (back when negative); from 29 February, the 28th (the day
    itself does not exist)."""
    today = factories.TODAY
    return today.replace(year=today.year + years, day=28 if (today.month, today.day) == (2, 29) else today.day)
