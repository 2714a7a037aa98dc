"""Marshmallow schemas of the record API, generated from the layout so docs and validation agree."""

from marshmallow import Schema, fields, validate

from ..jsonout import Timestamp
from . import layout

_INPUT_TYPES = {
    layout.TEXT: lambda f: fields.String(validate=validate.Length(max=f.max_length)),
    layout.USCC: lambda f: fields.String(metadata={"example": "91150502MA0N7XK12X", "pattern": "^[0-9A-Z]{18}$"}),
    layout.DATE: lambda f: fields.String(metadata={"example": "2024-03-05",
                                                   "description": "also 2024/3/5, 20240305, 2024年3月5日"}),
    layout.AMOUNT: lambda f: fields.String(metadata={"example": "1.5", "description": "10,000 CNY, ≤ 6 decimals"}),
    layout.PENALTY_TYPES: lambda f: fields.Raw(metadata={"example": "警告;罚款",
                                                         "description": "list, or text separated by ; or 、"}),
    layout.CHOICE: lambda f: fields.String(validate=validate.OneOf(f.choices)),
}
_OUTPUT_TYPES = {
    layout.DATE: lambda f: fields.Date(allow_none=True),
    # Written as a string, so no digit is lost to a float: described as one.
    layout.AMOUNT: lambda f: fields.Decimal(as_string=True, allow_none=True, metadata={
        "type": "string", "format": "decimal", "example": "1.500000"}),
    layout.PENALTY_TYPES: lambda f: fields.List(fields.String(), allow_none=True),
}


def _describe(field: layout.Field, made):
    made.metadata = {**made.metadata, "description": f"{field.label_zh}. " + made.metadata.get("description", "")}
    made.required = False
    return made


RecordIn = Schema.from_dict(
    {
        "kind": fields.String(required=True, validate=validate.OneOf(layout.KINDS)),
        **{f.key: _describe(f, _INPUT_TYPES[f.type](f)) for f in layout.FIELDS},
    },
    name="RecordIn",
)

RecordBatchIn = Schema.from_dict({"records": fields.List(fields.Nested(RecordIn), required=True)},
                                 name="RecordBatchIn")


class PublicityOut(Schema):
    severity = fields.String(allow_none=True)
    rule_set = fields.String(allow_none=True)
    start = fields.Date(allow_none=True)
    repairable_from = fields.Date(allow_none=True)
    end = fields.Date(allow_none=True)


class DomainOut(Schema):
    key = fields.String()
    name_zh = fields.String()


class DepartmentOut(Schema):
    uscc = fields.String()
    name = fields.String()
    district = fields.String()


class WithdrawalOut(Schema):
    at = Timestamp()
    reason = fields.String()


RecordOut = Schema.from_dict(
    {
        "id": fields.Integer(),
        "kind": fields.String(),
        **{layout.ANSWER_KEYS.get(f.key, f.key): _OUTPUT_TYPES.get(f.type, lambda f: fields.String(allow_none=True))(f)
           for f in layout.FIELDS},
        "status": fields.String(metadata={"description": "published, not_published, expired, withdrawn or repaired"}),
        "domain": fields.Nested(DomainOut),
        "department": fields.Nested(DepartmentOut),
        "publicity": fields.Nested(PublicityOut),
        "withdrawal": fields.Nested(WithdrawalOut),
        "under_objection": fields.Boolean(metadata={"description": "disputed (异议申诉), not yet resolved"}),
        "version": fields.Integer(),
        "updated_at": Timestamp(),
    },
    name="RecordOut",
)


class RecordPageOut(Schema):
    items = fields.List(fields.Nested(RecordOut))
    next_cursor = fields.String(allow_none=True)


class RecordPageArgs(Schema):
    kind = fields.String(validate=validate.OneOf(layout.KINDS))
    domain = fields.String(validate=validate.Length(max=40))
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PushResultOut(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    results = fields.List(fields.Dict())
    warnings = fields.List(fields.Dict(), metadata={
        "description": "data-quality warnings on saved records: a party name that is not the entity's registered "
                       "name (code name_differs_from_registration, with index, uscc, value and registered_name)"})
