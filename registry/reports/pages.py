"""The public verification page that a report's QR code opens (Chinese, server-rendered, no JavaScript)."""

from flask import Blueprint, redirect, render_template, request, url_for

from ..errors import NotFound, RateLimited
from .presentation import report_view
from .ratelimit import check_verify_rate
from .services import verify_report

bp = Blueprint("report_pages", __name__, template_folder="templates")


@bp.get("/reports/verify")
def verify_form():
    """For a paper report read by eye: type the number and code, land on the report's verify page."""
    number = request.args.get("number", "").strip().upper()
    code = request.args.get("code", "").strip().upper()
    if number and code:
        return redirect(url_for("report_pages.verify_page", number=number, code=code))
    return render_template("reports/verify_form.html", number=number, code=code)


@bp.get("/reports/<string:number>/verify")
def verify_page(number: str):
    try:
        check_verify_rate()
        verification = verify_report(number, request.args.get("code", ""), request.host_url)
    except RateLimited as exc:
        return render_template("reports/verify_failed.html", title="查询过于频繁", detail=exc.message_zh), 429, \
            exc.headers
    except NotFound as exc:
        return render_template("reports/verify_failed.html", title="未找到报告", detail=exc.message_zh), 404
    return render_template("reports/verify.html", verification=verification, view=report_view(verification))
