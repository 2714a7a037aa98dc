"""The change feed's and the exports' API description."""

from marshmallow import Schema, fields, validate

from ..changes import EVENT_KINDS
from ..jsonout import Timestamp
from ..pagination import MAX_ID
from .reader import PAGE_MAX


class FilterArgs(Schema):
    domain = fields.String(metadata={"description": "a domain key (only its records' events)"})
    district = fields.String(metadata={"description": "a district code (the source department's, or the entity's)"})
    kind = fields.String(validate=validate.OneOf(tuple(EVENT_KINDS)), metadata={"description": "an event kind"})
    record_kind = fields.String(metadata={"description": "a kind of record: penalty, licence, ..."})


class ChangesArgs(FilterArgs):
    after = fields.Integer(load_default=0, validate=validate.Range(0, MAX_ID),
                           metadata={"description": "the cursor: events after it (0: from the first kept)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, PAGE_MAX))
    wait = fields.Float(load_default=0, validate=validate.Range(0, 60),
                        metadata={"description": "seconds to wait for a first event (long poll; at most "
                                                 "REGISTRY_FEED_WAIT_MAX_SECONDS)"})


class StreamArgs(FilterArgs):
    after = fields.Integer(validate=validate.Range(0, MAX_ID),
                           metadata={"description": "the cursor (or the Last-Event-ID header)"})


class EventOut(Schema):
    cursor = fields.Integer()
    at = Timestamp()
    kind = fields.String(metadata={"description": ", ".join(EVENT_KINDS)})
    record_kind = fields.String(allow_none=True)
    domain = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    record_id = fields.Integer()
    record = fields.Dict(allow_none=True, metadata={"description": "the record as it is now for the caller "
                                                                  "(as GET /api/v1/records/{id}); null once it "
                                                                  "left the caller's view"})
    entity_id = fields.Integer()
    entity = fields.Dict(allow_none=True)
    visible = fields.Boolean()
    fields_ = fields.List(fields.String(), data_key="fields",
                          metadata={"description": "record.updated: the columns the update changed"})


class ChangesOut(Schema):
    events = fields.List(fields.Nested(EventOut))
    next = fields.Integer(metadata={"description": "the cursor to ask from next"})


class SubscriberIn(Schema):
    url = fields.String(required=True, validate=validate.Length(max=500))
    after = fields.Integer(load_default=0, validate=validate.Range(0, MAX_ID))
    filters = fields.Nested(FilterArgs, load_default=dict)
    principal_id = fields.Integer(validate=validate.Range(1, MAX_ID), metadata={
        "description": "the credit centre only: the partner's key whose view the subscriber gets"})


class SubscriberChange(Schema):
    active = fields.Boolean(required=True, metadata={"description": "false pauses the deliveries, true resumes"})


class SubscriberOut(Schema):
    id = fields.Integer()
    principal_id = fields.Integer(metadata={"description": "the key whose view of the feed is delivered"})
    url = fields.String()
    filters = fields.Dict()
    cursor = fields.Integer(metadata={"description": "the last event delivered"})
    active = fields.Boolean()
    attempts = fields.Integer(metadata={"description": "failed attempts of the pending batch"})
    next_attempt_at = Timestamp()
    secret = fields.String(metadata={"description": "signs each delivery; shown only when created or rotated"})


class ReplayIn(Schema):
    cursor = fields.Integer(required=True, validate=validate.Range(0, MAX_ID))


class DeliveryOut(Schema):
    id = fields.Integer()
    first_event = fields.Integer()
    last_event = fields.Integer()
    events = fields.Integer()
    attempt = fields.Integer()
    status = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    delivered = fields.Boolean()
    at = Timestamp()


class ExportFileOut(Schema):
    name = fields.String()
    rows = fields.Integer()
    bytes = fields.Integer()
    sha256 = fields.String()
    url = fields.String()


class ManifestOut(Schema):
    schema_version = fields.Integer()
    day = fields.String()
    built_at = fields.String()
    cursor = fields.Integer(metadata={"description": "the feed cursor the snapshot is consistent with"})
    audience = fields.String()
    files = fields.List(fields.Nested(ExportFileOut))
