"""HTTP resources for records: push, look up."""

from flask import request
from flask.views import MethodView

from ..access.http import current_viewer, require_role
from ..jsonbody import Blueprint, json_body, refuse_nul
from ..pagination import MAX_ID
from ..repairs.objections import under_objection
from . import services
from .schemas import PushResultOut, RecordBatchIn, RecordIn, RecordOut

blp = Blueprint("records", __name__, url_prefix="/api/v1/records", description="Credit records (双公示)")


@blp.route("")
class Records(MethodView):
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": {
        "oneOf": [RecordIn, RecordBatchIn, {"type": "array", "items": RecordIn}]}}}})
    @blp.response(200, PushResultOut)
    def post(self):
        """Push one record or a batch of up to 1,000 (department key).

        The batch is validated as a whole: if any row is invalid, nothing is saved and every
        row error is reported with its index and field. Re-sending a record is a no-op.
        """
        viewer = require_role("department")
        return services.push_records(viewer, json_body(required=True))


@blp.route(f"/<int(max={MAX_ID}):record_id>")
class RecordById(MethodView):
    @blp.response(200, RecordOut)
    def get(self, record_id: int):
        """One record, if the caller may see it (404 otherwise, whether or not it exists)."""
        return services.get_record(current_viewer(), record_id, under_objection)

    @blp.doc(parameters=[{"in": "query", "name": "reason", "schema": {"type": "string", "maxLength": 2000},
                          "description": "撤销原因, when no JSON body is sent"}],
             requestBody={"required": False, "content": {"application/json": {"schema": {
                 "type": "object", "properties": {"reason": {"type": "string", "maxLength": 2000}},
                 "description": "撤销原因 (read instead of the query parameter when a body is sent)"}}}})
    @blp.response(200, RecordOut)
    def delete(self, record_id: int):
        """Withdraw (撤销) a record: source department only, reason required; it stays in history."""
        viewer = require_role("department")
        body = json_body(required=False)
        reason = body.get("reason") if isinstance(body, dict) else request.args.get("reason")
        refuse_nul({"reason": reason})
        return services.withdraw_record(viewer, record_id, reason if isinstance(reason, str) else None)
