"""Marshmallow schemas of the import API."""

from marshmallow import Schema, fields

from ..jsonout import Timestamp


class ImportJobOut(Schema):
    id = fields.Integer()
    state = fields.String(metadata={"description": "queued, running, done, failed, or stopped (too many rows "
                                                   "rejected: the message says why)"})
    filename = fields.String()
    format = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    rows_read = fields.Integer()
    rows_committed = fields.Integer(metadata={"description": "last file row whose batch is committed"})
    inserted = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()
    progress = fields.Method("_progress", metadata={"description": "share of the file read, 0 to 1"})
    unknown_columns = fields.List(fields.String(), metadata={
        "description": "headers no layout field matches: the first 20 (unknown_column_count counts them all)"})
    unknown_column_count = fields.Integer()
    warnings = fields.List(fields.Dict(), metadata={
        "description": "data-quality warnings on rows saved as sent, the first 100: a party name that is not the "
                       "entity's registered name (code name_differs_from_registration, uscc, value, registered_name)"})
    message_en = fields.String(allow_none=True)
    message_zh = fields.String(allow_none=True)
    created_at = Timestamp()
    started_at = Timestamp(allow_none=True)
    finished_at = Timestamp(allow_none=True)

    def _progress(self, job) -> float:
        if job.state == "done":
            return 1.0
        return round(min(job.bytes_read / job.size, 1.0), 4) if job.size else 0.0


class RejectionOut(Schema):
    row_number = fields.Integer()
    field = fields.String()
    code = fields.String()
    value = fields.String(allow_none=True)
    message_zh = fields.String()
    message_en = fields.String()


class RejectionPageOut(Schema):
    items = fields.List(fields.Nested(RejectionOut))
    next_cursor = fields.String(allow_none=True)
