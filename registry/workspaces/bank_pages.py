"""The bank workspace (金融机构): the enterprises that authorised it, their reports one at a time or
in bulk from a CSV of credit codes, its past reports, and verification by number and code."""

from flask import Blueprint, Response, abort, g, redirect, render_template, request, send_file, url_for

from ..errors import Forbidden, NotFound, RateLimited, RegistryError, ValidationFailed
from ..reports import batch_upkeep, batches, listings, services
from ..reports.presentation import report_view
from ..reports.ratelimit import check_verify_rate
from ..runtime import settings, today
from ..tasks import enqueue
from .layout import for_roles, menu_item
from .report_forms import report_file, scope_choices, scope_of

bp = Blueprint("bank_workspace", __name__, template_folder="templates")
ROLES = ("bank",)
REFRESH_SECONDS = 2  # a running batch's page reloads itself (no JavaScript needed)

menu_item("授权企业", "bank_workspace.home", *ROLES)
menu_item("申请报告", "bank_workspace.new_report", *ROLES)
menu_item("批量查询", "bank_workspace.batches_page", *ROLES)
menu_item("已查报告", "bank_workspace.reports", *ROLES)
menu_item("核验报告", "bank_workspace.verify", *ROLES)


@bp.errorhandler(Forbidden)
def unbound(exc: Forbidden):
    """A bank account not bound to its bank's credit code has no authorisations, reports or batches."""
    return render_template("workspaces/bank/unbound.html", error=exc.message_zh), exc.status


@bp.get("/bank")
@for_roles(*ROLES)
def home():
    return render_template("workspaces/bank/home.html",
                           authorisations=listings.bank_authorisations(g.viewer, today()))


def _new_report_page(status: int = 200, form=None, **shown):
    live = [a for a in listings.bank_authorisations(g.viewer, today()) if a["live"]]
    chosen = (form or request.args).get("uscc", "")
    return render_template("workspaces/bank/new_report.html", live=live, chosen=chosen, form=form,
                           **scope_choices(), **shown), status


@bp.get("/bank/reports/new")
@for_roles(*ROLES)
def new_report():
    return _new_report_page()


@bp.post("/bank/reports/new")
@for_roles(*ROLES)
def request_report():
    form = request.form
    try:
        report, issued = services.request_report(g.viewer, {"uscc": form.get("uscc", ""), **scope_of(form)}, today())
    except RegistryError as exc:
        return _new_report_page(exc.status, form, error=exc.message_zh)
    return _new_report_page(form=form, issued_report=report, issued=issued)


@bp.get("/bank/reports")
@for_roles(*ROLES)
def reports():
    search = request.args.get("q", "")[:100]
    page = listings.bank_reports(g.viewer, search, request.args.get("cursor") or None)
    return render_template("workspaces/bank/reports.html", page=page, search=search)


@bp.get("/bank/reports/<string:number>.<any(html, pdf):rendering>")
@for_roles(*ROLES)
def report(number: str, rendering: str):
    return report_file(number, rendering)


def _batches_page(status: int = 200, form=None, **shown):
    batch_upkeep.fail_stalled()  # a batch whose process died shows as failed, not running for ever
    return render_template("workspaces/bank/batches.html", batches=batches.list_batches(g.viewer), form=form,
                           max_codes=batches.MAX_CODES, **scope_choices(), **shown), status


@bp.get("/bank/batches")
@for_roles(*ROLES)
def batches_page():
    return _batches_page()


@bp.post("/bank/batches")
@for_roles(*ROLES)
def start_batch():
    form, upload = request.form, request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed(message_en="choose a CSV file", message_zh="请选择 CSV 文件", code="file_required")
        batch = batches.start_batch(g.viewer, upload.filename, upload.read(batches.MAX_FILE_BYTES + 1),
                                    scope_of(form), today())
    except RegistryError as exc:
        return _batches_page(exc.status, form, error=f"{exc.message_zh}（文件需重新选择）")
    enqueue("report_batch", batch.id, request.host_url)
    return redirect(url_for("bank_workspace.batch", batch_id=batch.id), 303)


def _own_batch(batch_id: int):
    try:
        return batches.get_batch(g.viewer, batch_id)
    except NotFound:
        abort(404)  # another bank's batch is not shown to exist


@bp.get("/bank/batches/<int:batch_id>")
@for_roles(*ROLES)
def batch(batch_id: int):
    found = _own_batch(batch_id)
    if found.state in (batches.QUEUED, batches.RUNNING):
        batch_upkeep.fail_stalled()  # its commit expires `found`: read again, a dead batch shows as failed
    answer = Response(render_template("workspaces/bank/batch.html", batch=found, rows=batches.batch_rows(found.id),
                                      refresh=REFRESH_SECONDS, retention_days=settings().REPORT_BATCH_RETENTION_DAYS))
    if found.state in (batches.QUEUED, batches.RUNNING):
        answer.headers["Refresh"] = str(REFRESH_SECONDS)
    return answer


@bp.get("/bank/batches/<int:batch_id>.zip")
@for_roles(*ROLES)
def batch_zip(batch_id: int):
    found = _own_batch(batch_id)
    try:
        archive = batches.batch_zip(found)
    except batches.FilesDeleted:
        return redirect(url_for("bank_workspace.batch", batch_id=batch_id), 303)  # the page says why
    return send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name=f"reports-{found.id}.zip", max_age=0)


@bp.get("/bank/batches/<int:batch_id>/summary.csv")
@for_roles(*ROLES)
def batch_summary(batch_id: int):
    found = _own_batch(batch_id)
    return Response(batches.summary_csv(batches.batch_rows(found.id)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="reports-{found.id}-summary.csv"'})


@bp.get("/bank/verify")
@for_roles(*ROLES)
def verify():
    """Verify a report by its number and code: the public verification, shown in the workspace."""
    number, code = request.args.get("number", "").strip(), request.args.get("code", "").strip()
    shown = {"number": number, "code": code}
    if number and code:
        try:
            check_verify_rate()
            verification = services.verify_report(number, code, request.host_url)
        except (NotFound, RateLimited) as exc:
            return render_template("workspaces/bank/verify.html", error=exc.message_zh, **shown), exc.status
        shown.update(verification=verification, view=report_view(verification))
    return render_template("workspaces/bank/verify.html", **shown)
