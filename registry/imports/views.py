"""HTTP resources for import jobs: upload a file, follow the job, download its error report."""

from flask import Response, current_app, request, stream_with_context, url_for
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..access.http import current_viewer, require_role, roles
from ..access.models import CREDIT_CENTRE
from ..errors import ValidationFailed
from ..jsonbody import Blueprint
from ..pagination import MAX_ID
from ..records import layout
from ..tasks import enqueue
from . import reports, services, uploads
from .schemas import ImportJobOut, RejectionPageOut

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports", description="Bulk imports of department files")


class UploadForm(Schema):
    kind = fields.String(validate=validate.OneOf(layout.KINDS))
    encoding = fields.String(validate=validate.OneOf(("utf-8", "utf-8-sig", "gb18030")))
    # Loaded under the name readers.open_rows takes, as the CLI's --format is.
    fmt = fields.String(data_key="format", validate=validate.OneOf(("csv", "xlsx", "ndjson")))


class RejectionArgs(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=10000))


# A department's file is far larger than any other request body (a million rows is about 800 MB);
# it is streamed to disk, not held in memory.
UPLOAD_MAX_BYTES = 2 * 1024**3


@blp.before_request
def _department_files_are_large():
    request.max_content_length = UPLOAD_MAX_BYTES


def _job_for(job_id: int):
    viewer = require_role("department", *CREDIT_CENTRE)
    return services.get_job(None if viewer.is_credit_centre else viewer.department_id, job_id)


@blp.route("")
class Imports(MethodView):
    @roles("department")
    @blp.arguments(UploadForm, location="form")
    @blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}, "kind": {"type": "string"},
                       "encoding": {"type": "string"}, "format": {"type": "string"}}}}}})
    @blp.response(202, ImportJobOut)
    def post(self, options):
        """Upload a department file (CSV, XLSX, NDJSON); the import runs as a job, answered at once."""
        viewer = current_viewer()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise ValidationFailed(message_en="send the file as multipart form field 'file'",
                                   message_zh="请以 multipart 表单字段 file 上传文件", code="file_required")
        job = uploads.receive(upload, services.department_of(viewer), options, viewer.principal_id,
                              current_app.config["REGISTRY"].INSTANCE_DIR)
        enqueue("import_job", job.id)
        return job, 202, {"Location": url_for("imports.ImportById", job_id=job.id)}


@blp.route(f"/<int(max={MAX_ID}):job_id>")
class ImportById(MethodView):
    @blp.response(200, ImportJobOut)
    def get(self, job_id: int):
        """A job's state, counts and progress (its department, reviewers and admins)."""
        return _job_for(job_id)


@blp.route(f"/<int(max={MAX_ID}):job_id>/errors")
class ImportErrors(MethodView):
    @blp.arguments(RejectionArgs, location="query")
    @blp.response(200, RejectionPageOut)
    @blp.alt_response(200, description="format=csv: the whole report as CSV, safe to open in a spreadsheet",
                      content_type="text/csv", success=True)
    def get(self, args, job_id: int):
        """Rejected rows with row number, field, value and reason; JSON pages or one CSV file."""
        job = _job_for(job_id)
        if args["format"] == "csv":
            body = stream_with_context(reports.rejections_csv(job.id))
            return Response(body, mimetype="text/csv", headers={
                "Content-Disposition": f'attachment; filename="import-{job.id}-errors.csv"'})
        return reports.rejections_page(job.id, args.get("cursor"), args["limit"])
