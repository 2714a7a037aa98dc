"""Departments, and records of theirs submitted on chosen days."""

import pytest

from tests import factories
from tests.statistics.data import submit_record


@pytest.fixture
def departments(app):
    with app.app_context():
        return {"transport": factories.department("transport"), "tax": factories.department("tax")}


@pytest.fixture
def submit(app, departments):
    """submit(decided, at, department="transport", **fields) -> record id (see data.submit_record)."""
    keys = {name: factories.key_for(app, "department", department_uscc=dep["uscc"])
            for name, dep in departments.items()}

    def _submit(decided, at, department="transport", **fields):
        return submit_record(app, departments[department], keys[department], decided, at, **fields)

    return _submit
