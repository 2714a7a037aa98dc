"""Marshmallow schemas of the notices API."""

from marshmallow import Schema, fields, validate

from .models import KINDS


class NoticeArgs(Schema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class NoticeOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    issued_on = fields.Date()
    record_ids = fields.List(fields.Integer())
    read = fields.Boolean(metadata={"description": "opened by the enterprise in its workspace"})


class NoticeListOut(Schema):
    items = fields.List(fields.Nested(NoticeOut))
    next_cursor = fields.String(allow_none=True)
