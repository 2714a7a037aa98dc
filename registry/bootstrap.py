"""Bringing a database to the current schema with its reference data."""

from flask_migrate import upgrade

from .departments.services import load_reference_data


def initialise() -> dict:
    """Run the migrations, then load the shipped reference data; safe to repeat."""
    upgrade()
    return load_reference_data()
