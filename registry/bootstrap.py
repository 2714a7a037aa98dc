"""Bringing a database to the current schema with its reference data."""

from flask_migrate import upgrade

from .db import wait_for_schema_changes
from .departments.services import load_reference_data
from .uow import unit_of_work


def initialise() -> dict:
    """Run the migrations, then load the shipped reference data; safe to repeat, and to run twice at
    once (the second waits for the first's schema lock, then finds the data there)."""
    upgrade()
    with unit_of_work() as uow:
        wait_for_schema_changes(uow.session.connection())
        return load_reference_data(uow=uow)
