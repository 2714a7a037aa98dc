"""The department workspace (数据报送单位): upload files, follow import jobs and their errors, download the
template, over the same import services as the API. Its records and cases are department_record_pages
and department_case_pages; the menu of the whole workspace is here."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from ..errors import NotFound, RegistryError, ValidationFailed
from ..imports import reports, services, template, uploads
from ..imports.models import DONE, FAILED
from ..imports.readers import ImportFileError
from ..imports.schemas import ImportJobOut
from ..imports.views import UPLOAD_MAX_BYTES
from ..records import layout
from ..repairs import objections, statistics
from ..repairs.rules import FORWARDED
from ..runtime import today
from ..tasks import enqueue
from .layout import for_roles, menu_item

bp = Blueprint("department_workspace", __name__, template_folder="templates")
ROLES = ("department",)
JOBS_PAGE, ERRORS_PAGE, DRY_RUN_SHOWN = 20, 50, 200
KINDS = {"": "按表头自动识别", **layout.KIND_LABELS}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELD_LABELS = {f.key: f.label_zh for f in layout.FIELDS} | {"kind": "记录类型", "": "整行"}

menu_item("概览", "department_workspace.home", *ROLES)
menu_item("上传数据", "department_workspace.upload", *ROLES)
menu_item("导入任务", "department_workspace.jobs", *ROLES)
menu_item("本单位记录", "department_records_workspace.records", *ROLES)
menu_item("信用修复案件", "department_cases_workspace.repairs", *ROLES)
menu_item("异议申诉", "department_cases_workspace.objections_list", *ROLES)


@bp.before_app_request
def _department_files_are_large():
    """A department's file may be far larger than any other form; the limit must be raised before the
    form is read, which the CSRF check does first (this runs before it: registered earlier)."""
    if request.endpoint == "department_workspace.upload":
        request.max_content_length = UPLOAD_MAX_BYTES


def _page(name: str, status: int = 200, **context):
    return render_template(f"workspaces/department/{name}.html", kinds=KINDS, labels_of_fields=FIELD_LABELS,
                           **context), status


@bp.get("/department")
@for_roles(*ROLES)
def home():
    day = today()
    cases = statistics.list_applications(g.viewer, day, state=FORWARDED, limit=5)
    disputes = objections.department_objections(g.viewer, day, open_only=True, limit=5)
    jobs = services.list_jobs(g.viewer.department_id, limit=5)
    return _page("home", cases=cases["items"], disputes=disputes["items"], jobs=jobs["items"])


@bp.get(f"/department/template/<any({', '.join(layout.KINDS)}):kind>.xlsx")
@for_roles(*ROLES)
def template_file(kind: str):
    """The XLSX template of one kind of record, made from the layout the validator reads."""
    return Response(template.template_workbook(kind), mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename={kind}-template.xlsx"})


@bp.route("/department/imports/new", methods=["GET", "POST"])
@for_roles(*ROLES)
def upload():
    """The upload form; a file is imported as a job (its page follows it) or, checked only, counted here."""
    if request.method == "GET":
        return _page("upload", form={"kind": "", "dry_run": False})
    form = {"kind": request.form.get("kind", "") if request.form.get("kind") in KINDS else "",
            "dry_run": bool(request.form.get("dry_run"))}
    options = {"kind": form["kind"]} if form["kind"] else {}
    try:
        uploaded = request.files.get("file")
        if uploaded is None or not uploaded.filename:
            raise ValidationFailed(message_en="choose a file", message_zh="请选择要上传的文件", code="file_required")
        path = uploads.store(uploaded, current_app.config["REGISTRY"].INSTANCE_DIR)
        department = services.department_of(g.viewer)
        if form["dry_run"]:
            tally, unknown = services.dry_run(department, path, options, keep_rejections=DRY_RUN_SHOWN)
            return _page("upload", form=form, checked={"filename": uploaded.filename, "tally": tally,
                                                         "unknown": unknown, "shown": DRY_RUN_SHOWN})
        job = services.start_job(department, path, uploaded.filename, options, g.viewer.principal_id)
    except (RegistryError, ImportFileError) as exc:
        return _page("upload", 422, form=form, error=f"{exc.message_zh}（请重新选择文件后再提交）")
    enqueue("import_job", job.id)
    return redirect(url_for(".job", job_id=job.id), 303)


@bp.get("/department/imports")
@for_roles(*ROLES)
def jobs():
    try:
        found = services.list_jobs(g.viewer.department_id, request.args.get("cursor") or None, JOBS_PAGE)
    except RegistryError as exc:
        return _page("jobs", exc.status, found=None, error=exc.message_zh)
    return _page("jobs", found=found)


def _own_job(job_id: int):
    try:
        return services.get_job(g.viewer.department_id, job_id)
    except NotFound:
        abort(404)


@bp.get("/department/imports/<int:job_id>")
@for_roles(*ROLES)
def job(job_id: int):
    """A job: progress while it runs (the page refreshes itself), then its summary and its errors."""
    found = _own_job(job_id)
    cursor = request.args.get("cursor") or None
    try:
        rejections = reports.rejections_page(found.id, cursor, ERRORS_PAGE)
    except RegistryError as exc:
        return _page("job", exc.status, job=found, progress=ImportJobOut().dump(found)["progress"], rejections=None,
                     error=exc.message_zh)
    return _page("job", job=found, progress=ImportJobOut().dump(found)["progress"], rejections=rejections,
                 finished=found.state in (DONE, FAILED))


@bp.get("/department/imports/<int:job_id>/status")
@for_roles(*ROLES)
def job_status(job_id: int):
    """The job's state and counts as JSON, for the page's script (the API takes keys, not the session)."""
    return jsonify(ImportJobOut().dump(_own_job(job_id)))


@bp.get("/department/imports/<int:job_id>/errors.<any(csv, xlsx):fmt>")
@for_roles(*ROLES)
def job_errors(job_id: int, fmt: str):
    """The job's whole error report as a file: CSV (as the API gives it) or XLSX."""
    found = _own_job(job_id)
    name = f"import-{found.id}-errors.{fmt}"
    if fmt == "csv":
        return Response(stream_with_context(reports.rejections_csv(found.id)), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(reports.rejections_xlsx(found.id), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
