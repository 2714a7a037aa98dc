"""Marshmallow schemas of the repair and objection API."""

from marshmallow import Schema, fields, validate

from ..jsonout import Timestamp
from ..pagination import MAX_ID
from . import rules


class ApplicationIn(Schema):
    record_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    sign_commitment = fields.Boolean(required=True, metadata={
        "description": "true: the applicant signs the generated commitment letter (信用修复承诺书)"})


class EligibilityArgs(Schema):
    record_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))


class EligibilityOut(Schema):
    record_id = fields.Integer()
    eligible = fields.Boolean()
    reason = fields.String(allow_none=True)
    earliest = fields.Date(allow_none=True)
    message_zh = fields.String()
    message_en = fields.String()


class DecisionIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(rules.ACTIONS))
    reason = fields.String(load_default=None, validate=validate.Length(max=2000))
    version = fields.Integer(load_default=None, metadata={
        "description": "the version the decision is based on; a newer one answers 409 conflict"})


class ListArgs(Schema):
    state = fields.String(validate=validate.OneOf(tuple(rules.STATE_LABELS_ZH)))
    overdue = fields.Boolean(load_default=False)
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ClockOut(Schema):
    due = fields.Date()
    provisional = fields.Boolean()
    running = fields.Boolean()
    workdays_left = fields.Integer(allow_none=True)
    overdue = fields.Boolean()


class RecordRefOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "penalty, or the list (dishonesty, abnormal) an early removal is for"})
    decision_no = fields.String()
    authority = fields.String()
    decision_date = fields.Date()
    status = fields.String()


class ApplicantOut(Schema):
    uscc = fields.String()
    name = fields.String()
    filed_by_role = fields.String()


class MissingOut(Schema):
    kind = fields.String()
    name_zh = fields.String()


class MaterialOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = Timestamp()


class CommitmentOut(Schema):
    text = fields.String()
    sha256 = fields.String()
    signed_at = Timestamp()


class TransitionOut(Schema):
    action = fields.String()
    from_ = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String()
    by_role = fields.String()
    reason = fields.String(allow_none=True)
    on = fields.Date()
    at = Timestamp()


class ApplicationOut(Schema):
    id = fields.Integer()
    number = fields.String()
    query_code = fields.String(metadata={"description": "only in the answer to filing, shown once"})
    state = fields.String()
    state_zh = fields.String()
    mode_zh = fields.String(metadata={"description": "行政处罚信息信用修复, 移出严重失信主体名单 or 移出经营异常名录"})
    version = fields.Integer()
    record = fields.Nested(RecordRefOut)
    applicant = fields.Nested(ApplicantOut)
    submitted_on = fields.Date()
    clocks = fields.Dict(keys=fields.String(), values=fields.Nested(ClockOut, allow_none=True))
    missing_materials = fields.List(fields.Nested(MissingOut))
    materials = fields.List(fields.Nested(MaterialOut))
    commitment = fields.Nested(CommitmentOut)
    lockout_until = fields.Date(allow_none=True)
    transitions = fields.List(fields.Nested(TransitionOut))
    next_actions = fields.List(fields.String())


class ApplicationPageOut(Schema):
    items = fields.List(fields.Nested(ApplicationOut))
    next_cursor = fields.String(allow_none=True)


class StatisticsOut(Schema):
    total = fields.Integer()
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_department = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_district = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_month = fields.Dict(keys=fields.String(), values=fields.Integer())
    repaired = fields.Integer()
    median_days_to_decision = fields.Float(allow_none=True)
    overdue = fields.Integer()


class ObjectionIn(Schema):
    record_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ResolutionIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(rules.OUTCOMES))
    resolution = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ObjectionOut(Schema):
    id = fields.Integer()
    record_id = fields.Integer()
    applicant_uscc = fields.String()
    reason = fields.String()
    state = fields.String()
    resolution = fields.String(allow_none=True)
    resolved_at = Timestamp(allow_none=True)
    created_at = Timestamp()
