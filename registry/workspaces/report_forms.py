"""What the enterprise's and the bank's report pages share: the scope form and the report files."""

from datetime import date

from flask import Response, abort, g, request

from ..departments.services import reference_names
from ..errors import NotFound, ValidationFailed
from ..reports import services
from ..reports.content import DEFAULT_YEARS_BACK, earliest_start, years_before
from ..reports.renderings import report_html, report_pdf
from ..runtime import today


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
