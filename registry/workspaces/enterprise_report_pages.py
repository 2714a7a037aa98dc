"""The enterprise's reports: banks it authorised, its special credit reports, and who looked at them.

The bank's pages share the scope form and the report files (HTML, PDF) defined here."""

from datetime import date

from flask import Blueprint, Response, abort, g, render_template, request

from ..departments.services import reference_names
from ..errors import NotFound, RegistryError, ValidationFailed
from ..reports import authorisations, listings, querylog, services
from ..reports.content import DEFAULT_YEARS_BACK, earliest_start, years_before
from ..reports.renderings import report_html, report_pdf
from ..reports.rules import latest_valid_until
from ..runtime import today
from .layout import for_roles, menu_item

bp = Blueprint("enterprise_reports_workspace", __name__, template_folder="templates")
ROLES = ("enterprise",)

menu_item("信用报告", "enterprise_reports_workspace.home", *ROLES)
menu_item("银行授权", "enterprise_reports_workspace.authorisations_page", *ROLES)
menu_item("查询记录", "enterprise_reports_workspace.queries", *ROLES)


def typed_date(form, name: str, label: str) -> date | None:
    """A date the form's field holds (none if empty); a Chinese message if it is not one."""
    typed = form.get(name, "").strip()
    try:
        return date.fromisoformat(typed) if typed else None
    except ValueError:
        raise ValidationFailed(message_en=f"{name} is not a date", message_zh=f"{label}格式应为 年-月-日",
                               code="invalid_date") from None


def scope_of(form) -> dict:
    """A report's scope as the request service takes it, from the scope form's fields."""
    return {"period_from": typed_date(form, "period_from", "查询期间起始日期"), "domains": form.getlist("domains")}


def scope_choices() -> dict:
    """What the scope form offers: the domains, the default start and the earliest one (SPEC §6)."""
    day = today()
    return {"domains": sorted(reference_names()["domain"].items()), "earliest": earliest_start(day),
            "default_from": years_before(day, DEFAULT_YEARS_BACK), "today": day}


def report_file(number: str, rendering: str) -> Response:
    """A report the signed-in person may read, as its HTML page or its PDF (logged as the API logs it)."""
    try:
        report = services.read_report(g.viewer, number, today(), rendering)
    except NotFound:
        abort(404)  # the same page whether or not the number exists
    document = services.signed_document(report, request.host_url)
    if rendering == "pdf":
        return Response(report_pdf(document), mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{number}.pdf"'})
    return Response(report_html(document), mimetype="text/html")


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
