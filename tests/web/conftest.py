"""Fixtures of the public web's tests."""

import pytest

from tests import factories


@pytest.fixture
def pushed(push, department):
    """A penalty pushed by its department: (the record as sent, its id)."""
    record = factories.penalty(department)
    answer = push(record)
    assert answer.status_code == 200, answer.json
    return record, answer.json["results"][0]["id"]
