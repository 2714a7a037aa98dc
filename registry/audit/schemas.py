"""Marshmallow schemas of the audit trail's API."""

from marshmallow import Schema, fields, validate

from ..jsonout import Timestamp
from ..pagination import MAX_ID


class AuditArgs(Schema):
    actor = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "principal id"})
    action = fields.String(validate=validate.Length(max=40), metadata={"description": "e.g. record.withdraw"})
    object_type = fields.String(validate=validate.Length(max=40))
    object_id = fields.String(validate=validate.Length(max=64))
    since = fields.DateTime(data_key="from", metadata={"description": "from this time on (UTC without a zone)"})
    until = fields.DateTime(data_key="to", metadata={"description": "before this time (UTC without a zone)"})
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AuditEntryOut(Schema):
    id = fields.Integer()
    at = Timestamp()
    principal_id = fields.Integer(allow_none=True)
    account_id = fields.Integer(allow_none=True)
    actor_role = fields.String()
    action = fields.String()
    object_type = fields.String(allow_none=True)
    object_id = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    details = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


class AuditPageOut(Schema):
    items = fields.List(fields.Nested(AuditEntryOut))
    next_cursor = fields.String(allow_none=True)
