"""The Chinese progress page: an applicant follows an application by its number and query code."""


from flask import Blueprint, render_template, request

from .. import ratelimit
from ..access.services import Viewer
from ..runtime import today
from . import services
from .presenters import present_application
from .rules import STATE_LABELS_ZH

bp = Blueprint("repair_pages", __name__, template_folder="templates")
# The page shows what the applicant itself may see.
APPLICANT_VIEW = Viewer("enterprise")
# Query codes could be guessed one after another: an address gets REGISTRY_REPAIR_LOOKUP_LIMIT look-ups
# per REGISTRY_REPAIR_LOOKUP_WINDOW seconds, then the Chinese 429 page.
LOOKUP_LIMIT = "REPAIR_LOOKUP"


@bp.route("/repairs", methods=["GET", "POST"])
@bp.route("/repairs/<string:number>", methods=["GET", "POST"])
def progress(number: str = ""):
    """The query form; with a number and a matching query code (posted, never in the URL), the progress."""
    number = (request.form.get("number") or number).strip()[:24]
    application, failed = None, False
    if request.method == "POST":
        ratelimit.count(LOOKUP_LIMIT)
        found = services.find_by_number(number, request.form.get("code", "")[:32])
        failed = found is None
        if found:
            application = present_application(found, APPLICANT_VIEW, today())
    status = 404 if failed else 200
    return render_template("repairs/progress.html", number=number, application=application, failed=failed,
                           state_labels=STATE_LABELS_ZH), status
