"""A served report as the pages hand it out: the HTML page and the PDF file (as the API renders them)."""

from flask import render_template

from ..runtime import settings
from .presentation import qr_svg, report_view


def report_html(document: dict) -> str:
    view = report_view(document)
    return render_template("reports/report.html", view=view, document=document, qr_svg=qr_svg(view["verify_url"]))


def report_pdf(document: dict) -> bytes:
    from .pdf import render_pdf  # here: fontTools and fpdf2 take 28 MB in every process that imports them

    return render_pdf(document, settings().REPORTS_FONT)
