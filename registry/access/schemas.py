"""Marshmallow schemas of the principals API (and of `registry principals list --json`)."""

from marshmallow import Schema, fields, validate

from ..jsonout import Timestamp
from .models import ROLES


class PrincipalIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "default: the role"})
    # Named as the command's options, which the binding errors name.
    department = fields.String(validate=validate.Length(max=18),
                               metadata={"description": "the department's USCC (role department)"})
    uscc = fields.String(validate=validate.Length(max=18),
                         metadata={"description": "own USCC (role enterprise; optional for role bank)"})
    district = fields.String(validate=validate.Length(max=6), metadata={"description": "district code (role agent)"})
    expires_at = fields.Date(allow_none=True, metadata={"description": "the key's last valid day; none: no expiry"})


class RotateIn(Schema):
    expires_at = fields.Date(allow_none=True,
                             metadata={"description": "a new last valid day for the new key; default: kept"})


class PrincipalOut(Schema):
    id = fields.Integer()
    role = fields.String()
    name = fields.String()
    binding = fields.String(allow_none=True, metadata={"description": "department USCC, own USCC or district code"})
    key_prefix = fields.String(metadata={"description": "the key's first characters, to tell keys apart"})
    created_at = Timestamp()
    created_by = fields.Integer(allow_none=True, metadata={"description": "the admin principal; none: the CLI"})
    expires_at = fields.Date(allow_none=True)
    last_used_at = Timestamp(allow_none=True, metadata={"description": "to the minute"})
    revoked_at = Timestamp(allow_none=True)


class IssuedKeyOut(PrincipalOut):
    key = fields.String(metadata={"description": "the API key, shown this once; only its hash is stored"})


class PrincipalListArgs(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PrincipalPageOut(Schema):
    items = fields.List(fields.Nested(PrincipalOut))
    next_cursor = fields.String(allow_none=True)
