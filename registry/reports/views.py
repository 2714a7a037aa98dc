"""HTTP resources: reports (request, JSON, HTML, PDF, verification, keys), authorisations, query log."""


from flask import Response, current_app, render_template, request
from flask.views import MethodView

from ..access.http import current_viewer, require_role, roles
from ..enterprises.services import parse_uscc
from ..jsonbody import Blueprint
from ..pagination import MAX_ID
from ..runtime import today
from . import authorisations, querylog, services
from .presentation import qr_svg, report_view
from .ratelimit import check_verify_rate
from .schemas import (
    AuthorisationIn,
    AuthorisationListOut,
    AuthorisationOut,
    KeysOut,
    QueryPageArgs,
    QueryPageOut,
    ReportRequestIn,
    SignedReportOut,
    VerificationOut,
    VerifyArgs,
)

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Special credit reports (专项信用报告)")
enterprise_blp = Blueprint("enterprise_reports", __name__, url_prefix="/api/v1/enterprises",
                           description="Bank authorisations and the query log of an enterprise")

_READERS = ("enterprise", "bank", "reviewer", "admin")


@blp.route("")
class Reports(MethodView):
    @roles("enterprise", "bank")
    @blp.arguments(ReportRequestIn)
    @blp.response(201, SignedReportOut)
    @blp.alt_response(200, schema=SignedReportOut, description="the day's report of the same scope")
    def post(self, data):
        """Request a report (the enterprise itself, or a bank it has authorised).

        A repeat request for the same scope on the same day returns that day's report (200).
        """
        viewer = current_viewer()
        report, issued = services.request_report(viewer, data, today())
        return services.signed_document(report, request.host_url), 201 if issued else 200


@blp.route("/keys")
class Keys(MethodView):
    @blp.response(200, KeysOut)
    def get(self):
        """The public keys that sign reports (JWK, OKP/Ed25519), the active one and the retired ones."""
        return services.published_keys()


def _readable_document(number: str, rendering: str) -> dict:
    viewer = require_role(*_READERS)
    report = services.read_report(viewer, number, today(), rendering)
    return services.signed_document(report, request.host_url)


@blp.route("/<string:number>")
class ReportByNumber(MethodView):
    @blp.response(200, SignedReportOut)
    def get(self, number: str):
        """The signed report as JSON (the enterprise, an authorised bank, the credit centre)."""
        return _readable_document(number, "json")


@blp.route("/<string:number>.pdf")
class ReportPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, number: str):
        """The report as PDF, with embedded Chinese fonts, the QR code of its verify page and page numbers."""
        document = _readable_document(number, "pdf")
        from .pdf import render_pdf  # here: fontTools and fpdf2 take 28 MB in every process that imports them

        pdf = render_pdf(document, current_app.config["REGISTRY"].REPORTS_FONT)
        return Response(pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{number}.pdf"'})


@blp.route("/<string:number>.html")
class ReportHtml(MethodView):
    @blp.response(200, content_type="text/html")
    def get(self, number: str):
        """The report as an HTML page."""
        document = _readable_document(number, "html")
        view = report_view(document)
        page = render_template("reports/report.html", view=view, document=document, qr_svg=qr_svg(view["verify_url"]))
        return Response(page, mimetype="text/html")


@blp.route("/<string:number>/verify")
class ReportVerification(MethodView):
    @blp.arguments(VerifyArgs, location="query")
    @blp.response(200, VerificationOut)
    def get(self, args, number: str):
        """Verify a report with its number and code (public, rate-limited): facts, signature, changes since issue.

        A wrong number and a wrong code give the same 404.
        """
        check_verify_rate()
        return services.verify_report(number, args["code"], request.host_url)


@enterprise_blp.route("/<string:uscc>/authorisations")
class Authorisations(MethodView):
    @enterprise_blp.response(200, AuthorisationListOut)
    def get(self, uscc: str):
        """The enterprise's bank authorisations, live and ended (the enterprise, the credit centre)."""
        viewer = require_role("enterprise", "reviewer", "admin")
        return {"items": authorisations.list_authorisations(viewer, parse_uscc(uscc), today())}

    @roles("enterprise")
    @enterprise_blp.arguments(AuthorisationIn)
    @enterprise_blp.response(201, AuthorisationOut)
    def post(self, data, uscc: str):
        """Authorise a bank to obtain the enterprise's reports, for a purpose, until a day (the enterprise)."""
        viewer = current_viewer()
        return authorisations.grant_authorisation(viewer, parse_uscc(uscc), data, today())


@enterprise_blp.route(f"/<string:uscc>/authorisations/<int(max={MAX_ID}):authorisation_id>")
class AuthorisationById(MethodView):
    @enterprise_blp.response(200, AuthorisationOut)
    def delete(self, uscc: str, authorisation_id: int):
        """Revoke an authorisation (the enterprise); it ends at once."""
        viewer = require_role("enterprise")
        return authorisations.revoke_authorisation(viewer, parse_uscc(uscc), authorisation_id, today())


@enterprise_blp.route("/<string:uscc>/queries")
class Queries(MethodView):
    @roles("enterprise", "reviewer", "admin")
    @enterprise_blp.arguments(QueryPageArgs, location="query")
    @enterprise_blp.response(200, QueryPageOut)
    def get(self, args, uscc: str):
        """Who requested or viewed the enterprise's reports, newest first (the enterprise, the credit centre)."""
        viewer = current_viewer()
        return querylog.list_queries(viewer, parse_uscc(uscc), **args)
