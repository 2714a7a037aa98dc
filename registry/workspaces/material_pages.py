"""A repair application's material opened in the browser (PDF and images inline) or downloaded, by
whoever may follow the application: the applicant, its agent, the reviewers, the source department."""

from flask import Blueprint, g, request, send_file

from ..repairs.materials import open_material
from .layout import for_roles

bp = Blueprint("material_pages", __name__)
FOLLOWERS = ("enterprise", "agent", "reviewer", "department")


@bp.get("/workspace/repairs/<int:application_id>/materials/<int:material_id>")
@for_roles(*FOLLOWERS)
def material(application_id: int, material_id: int):
    """The file as its type (told from its bytes at upload); `?download=1` saves it instead."""
    found, path = open_material(g.viewer, application_id, material_id)
    answer = send_file(path, mimetype=found.content_type, as_attachment=bool(request.args.get("download")),
                       download_name=found.filename, conditional=False, max_age=0)
    # Shown on our origin, a file must never run as a page of it: no scripts, no sniffing, not cached.
    answer.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    answer.headers["Cache-Control"] = "private, no-store"
    return answer
