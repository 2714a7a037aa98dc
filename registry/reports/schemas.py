"""Marshmallow schemas of the report, authorisation and query-log API."""

from marshmallow import Schema, fields, validate

from ..jsonout import Timestamp


class ReportRequestIn(Schema):
    uscc = fields.String(required=True, metadata={"description": "统一社会信用代码 of the entity"})
    period_from = fields.Date(metadata={"description": "start of the period; default 3 years before today, "
                                                       "at most 5 years back"})
    domains = fields.List(fields.String(validate=validate.Length(max=40)), validate=validate.Length(max=100),
                          metadata={"description": "domain keys; default all"})
    purpose = fields.String(validate=validate.Length(max=200),
                            metadata={"description": "用途; a bank's must be its authorisation's"})


class SignatureOut(Schema):
    algorithm = fields.String()
    canonicalization = fields.String()
    key_id = fields.String()
    value = fields.String(metadata={"description": "base64url Ed25519 signature over the JCS form of `report`"})
    signed = fields.String()


class SignedReportOut(Schema):
    report = fields.Dict(metadata={"description": "the signed content"})
    signature = fields.Nested(SignatureOut)
    verify_url = fields.String()


class VerificationOut(SignedReportOut):
    signature_valid = fields.Boolean()
    changed_since_issue = fields.Boolean()
    changes = fields.List(fields.Dict())


class VerifyArgs(Schema):
    code = fields.String(load_default="", validate=validate.Length(max=32))


class KeyOut(Schema):
    kid = fields.String()
    kty = fields.String()
    crv = fields.String()
    alg = fields.String()
    use = fields.String()
    x = fields.String()
    status = fields.String()


class KeysOut(Schema):
    algorithm = fields.String()
    canonicalization = fields.String()
    keys = fields.List(fields.Nested(KeyOut))


class AuthorisationIn(Schema):
    bank_uscc = fields.String(required=True)
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))
    valid_until = fields.Date(required=True, metadata={"description": "last day the bank may use it"})


class AuthorisationOut(Schema):
    id = fields.Integer()
    uscc = fields.String()
    bank_uscc = fields.String()
    bank_name = fields.String(allow_none=True)
    purpose = fields.String()
    valid_until = fields.Date()
    granted_at = Timestamp()
    revoked_at = Timestamp(allow_none=True)
    live = fields.Boolean()


class AuthorisationListOut(Schema):
    items = fields.List(fields.Nested(AuthorisationOut))


class QueryByOut(Schema):
    role = fields.String()
    name = fields.String()
    uscc = fields.String(allow_none=True)


class QueryOut(Schema):
    at = Timestamp()
    action = fields.String()
    report_number = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    by = fields.Nested(QueryByOut, allow_none=True)  # none for a verification by number and code


class QueryPageOut(Schema):
    items = fields.List(fields.Nested(QueryOut))
    next_cursor = fields.String(allow_none=True)


class QueryPageArgs(Schema):
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
