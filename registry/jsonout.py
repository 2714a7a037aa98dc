"""JSON answers written straight from the service's data, for read paths where the schema pass cost
more than the rest of the request."""

from datetime import UTC, datetime
from decimal import Decimal

import orjson
from flask import Response
from marshmallow import fields


def _amount(value):
    if isinstance(value, Decimal):
        return str(value)  # as the schemas' Decimal(as_string=True) fields write it
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_bytes(data) -> bytes:
    """`data` as `json_response` writes it."""
    return orjson.dumps(data, default=_amount, option=orjson.OPT_NAIVE_UTC)


def json_response(data, status: int = 200) -> Response:
    """`data` as JSON the way the marshmallow schemas would write it: dates and times in ISO 8601,
    times with their offset (UTC when stored without one), amounts as strings. The view keeps its
    schema for the API description, and a test holds the two answers equal."""
    return Response(json_bytes(data), status=status, mimetype="application/json")


class Timestamp(fields.DateTime):
    """A moment in ISO 8601 with its offset, as the API description's date-time promises: SQLite gives
    stored times back without a zone, and they are UTC."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
