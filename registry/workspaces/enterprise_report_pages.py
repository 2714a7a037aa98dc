"""The enterprise's reports: banks it authorised, its special credit reports, and who looked at them."""

from flask import Blueprint, abort, g, render_template, request

from ..errors import NotFound, RegistryError, ValidationFailed
from ..reports import authorisations, listings, querylog, services
from ..reports.rules import latest_valid_until
from ..runtime import today
from .layout import for_roles, menu_item
from .report_forms import report_file, scope_choices, scope_of, typed_date

bp = Blueprint("enterprise_reports_workspace", __name__, template_folder="templates")
ROLES = ("enterprise",)

menu_item("信用报告", "enterprise_reports_workspace.home", *ROLES)
menu_item("银行授权", "enterprise_reports_workspace.authorisations_page", *ROLES)
menu_item("查询记录", "enterprise_reports_workspace.queries", *ROLES)


def _reports_page(status: int = 200, form=None, **shown):
    page = listings.enterprise_reports(g.viewer, g.viewer.uscc, request.args.get("cursor") or None)
    return render_template("workspaces/enterprise/reports.html", page=page, form=form, **scope_choices(),
                           **shown), status


@bp.get("/enterprise/reports")
@for_roles(*ROLES)
def home():
    return _reports_page()


@bp.post("/enterprise/reports")
@for_roles(*ROLES)
def request_report():
    try:
        report, issued = services.request_report(g.viewer, {"uscc": g.viewer.uscc, **scope_of(request.form)},
                                                 today())
    except RegistryError as exc:
        return _reports_page(exc.status, request.form, error=exc.message_zh)
    return _reports_page(issued_report=report, issued=issued)


@bp.get("/enterprise/reports/<string:number>.<any(html, pdf):rendering>")
@for_roles(*ROLES)
def report(number: str, rendering: str):
    return report_file(number, rendering)


def _authorisations_page(status: int = 200, form=None, **shown):
    day = today()
    return render_template("workspaces/enterprise/authorisations.html", form=form or {},
                           authorisations=authorisations.list_authorisations(g.viewer, g.viewer.uscc, day),
                           banks=authorisations.known_banks(), today=day, latest=latest_valid_until(day),
                           **shown), status


@bp.get("/enterprise/authorisations")
@for_roles(*ROLES)
def authorisations_page():
    return _authorisations_page()


@bp.post("/enterprise/authorisations")
@for_roles(*ROLES)
def grant():
    form = request.form
    try:
        data = {"bank_uscc": form.get("bank_uscc", "").strip(), "purpose": form.get("purpose", "").strip(),
                "valid_until": typed_date(form, "valid_until", "授权截止日期")}
        if data["valid_until"] is None:
            raise ValidationFailed(message_en="valid_until is required", message_zh="请填写授权截止日期",
                                   code="required")
        granted = authorisations.grant_authorisation(g.viewer, g.viewer.uscc, data, today())
    except ValidationFailed as exc:
        details = "；".join(error.message_zh for error in exc.errors) if exc.errors else ""
        return _authorisations_page(exc.status, form, error=f"{exc.message_zh}{'：' + details if details else ''}")
    return _authorisations_page(message=f"已授权{granted['bank_name']}查询本企业信用报告，"
                                        f"用途“{granted['purpose']}”，至 {granted['valid_until']} 止。")


@bp.post("/enterprise/authorisations/<int:authorisation_id>/revoke")
@for_roles(*ROLES)
def revoke(authorisation_id: int):
    try:
        revoked = authorisations.revoke_authorisation(g.viewer, g.viewer.uscc, authorisation_id, today())
    except NotFound:
        abort(404)  # another enterprise's authorisation is not shown to exist
    except RegistryError as exc:
        return _authorisations_page(exc.status, error=exc.message_zh)
    return _authorisations_page(message=f"已撤回对{revoked['bank_name']}的授权，即时生效。")


@bp.get("/enterprise/queries")
@for_roles(*ROLES)
def queries():
    page = querylog.list_queries(g.viewer, g.viewer.uscc, request.args.get("cursor") or None)
    return render_template("workspaces/enterprise/report_queries.html", page=page)
