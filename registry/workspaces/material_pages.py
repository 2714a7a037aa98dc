"""Case files opened in the browser (PDF and images inline) or downloaded, each opening logged by the
service that finds it: a repair application's materials, by whoever may follow the application (the
applicant, its agent, the reviewers, the source department); an objection's attachments, by the
enterprise that filed it, the source department and the reviewers."""

from pathlib import Path

from flask import Blueprint, g, request, send_file

from ..repairs.materials import open_material
from ..repairs.objections import open_attachment
from .layout import for_roles

bp = Blueprint("material_pages", __name__)
FOLLOWERS = ("enterprise", "agent", "reviewer", "department")
OBJECTION_READERS = ("enterprise", "reviewer", "department")


@bp.get("/workspace/repairs/<int:application_id>/materials/<int:material_id>")
@for_roles(*FOLLOWERS)
def material(application_id: int, material_id: int):
    """The file as its type (told from its bytes at upload); `?download=1` saves it instead."""
    found, path = open_material(g.viewer, application_id, material_id)
    return send_case_file(path, found.content_type, found.filename)


@bp.get("/workspace/objections/<int:objection_id>/attachments/<int:attachment_id>")
@for_roles(*OBJECTION_READERS)
def objection_attachment(objection_id: int, attachment_id: int):
    """An objection's attachment, shown or (`?download=1`) saved like a material."""
    found, path = open_attachment(g.viewer, objection_id, attachment_id)
    return send_case_file(path, found.content_type, found.filename)


def send_case_file(path: Path, content_type: str, filename: str):
    """A stored file shown inline, or saved with `?download=1`."""
    answer = send_file(path, mimetype=content_type, as_attachment=bool(request.args.get("download")),
                       download_name=filename, conditional=False, max_age=0)
    # Shown on our origin, a file must never run as a page of it: no scripts, no sniffing, not cached.
    answer.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    answer.headers["Cache-Control"] = "private, no-store"
    return answer
