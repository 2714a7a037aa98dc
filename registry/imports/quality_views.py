"""GET /api/v1/quality: a department's collection quality (数据质量), for itself and the credit centre."""

from datetime import date, timedelta

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..access.http import current_viewer, roles
from ..access.models import CREDIT_CENTRE
from ..departments.models import Department
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..jsonbody import Blueprint
from ..runtime import today
from . import quality

blp = Blueprint("quality", __name__, url_prefix="/api/v1/quality",
                description="Collection quality of departments: volumes, rejected rows, timeliness")
LONGEST = timedelta(days=366 * 5)


class QualityArgs(Schema):
    from_ = fields.Date(data_key="from", metadata={"description": "first submission day (Beijing); default: "
                                                                  "the first of the month eleven months ago"})
    to = fields.Date(metadata={"description": "last submission day, included; default: today"})
    department = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={
        "description": "the department (reviewers and admins; omitted: every department). A department's "
                       "key sees its own figures only"})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**6),
                            metadata={"description": "late records skipped (paging)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500),
                           metadata={"description": "late records on this page"})

    @validates_schema
    def _a_period(self, args, **_):
        start, end = args.get("from_"), args.get("to")
        if start and end and (end < start or end - start > LONGEST):
            raise ValidationError("to must not be before from, and the period at most 5 years", "to")


class TimelinessOut(Schema):
    submitted = fields.Integer(metadata={"description": "records first received in the period"})
    late = fields.Integer(metadata={"description": "received after the working-day limit"})
    on_time = fields.Integer()
    on_time_rate = fields.Float(allow_none=True)


class MonthOut(TimelinessOut):
    month = fields.String(metadata={"description": "YYYY-MM of the submission day"})


class FieldRejectionsOut(Schema):
    field = fields.String()
    rows = fields.Integer(metadata={"description": "rows rejected for this field (a row counted once a field)"})


class RejectionsOut(Schema):
    rows_read = fields.Integer()
    rejected = fields.Integer()
    rate = fields.Float(allow_none=True)
    by_field = fields.List(fields.Nested(FieldRejectionsOut))


class LateRecordOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    decision_no = fields.String()
    party_name = fields.String(metadata={"description": "a natural person's masked unless the caller may read it"})
    department = fields.String()
    decision_date = fields.Date()
    submitted_on = fields.Date()
    workdays = fields.Integer(metadata={"description": "working days from the decision to the submission"})


class LatePageOut(Schema):
    total = fields.Integer()
    offset = fields.Integer()
    limit = fields.Integer()
    items = fields.List(fields.Nested(LateRecordOut))


class QualityOut(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    department = fields.Integer(allow_none=True)
    workday_limit = fields.Integer(metadata={"description": "working days from decision to submission that "
                                                            "are on time (双公示: 7; the 8th is late)"})
    received = fields.Nested(TimelinessOut)
    months = fields.List(fields.Nested(MonthOut))
    rejections = fields.Nested(RejectionsOut)
    late = fields.Nested(LatePageOut, metadata={"description": "late records, the latest submitted first"})


def _department(viewer, asked: int | None) -> int | None:
    """The department the figures are of: a department's own; any (or all) for the credit centre."""
    if viewer.role not in CREDIT_CENTRE:
        if asked is not None and asked != viewer.department_id:
            raise Forbidden(message_en="a department sees its own figures only",
                            message_zh="数据报送单位只能查看本单位的数据质量", code="other_department")
        return viewer.department_id
    if asked is not None and db.session.get(Department, asked) is None:
        raise NotFound(message_en="no such department", message_zh="没有这个部门")
    return asked


@blp.route("")
class Quality(MethodView):
    @roles("department", *CREDIT_CENTRE)
    @blp.arguments(QualityArgs, location="query")
    @blp.response(200, QualityOut)
    def get(self, args):
        """Records received per month, rows rejected by field, and timeliness against the working-day
        limit with the late records (paged), for a department (its key: its own) or for the centre."""
        viewer = current_viewer()
        day = today()
        start = args.get("from_") or date(day.year - (day.month <= 11), (day.month - 12) % 12 + 1, 1)
        end = args.get("to") or day
        if end < start:
            start = end
        scope = quality.Scope(start, end, _department(viewer, args.get("department")))
        return quality.overview(scope, viewer, offset=args["offset"], limit=args["limit"])
