"""HTTP resources for objections (异议申诉)."""

from flask.views import MethodView

from ..access.http import current_viewer, require_role, roles
from ..jsonbody import Blueprint
from ..pagination import MAX_ID
from . import objections
from .schemas import ObjectionIn, ObjectionOut, ResolutionIn

blp = Blueprint("objections", __name__, url_prefix="/api/v1/objections", description="Objections (异议申诉)")


@blp.route("")
class Objections(MethodView):
    @roles("enterprise")
    @blp.arguments(ObjectionIn)
    @blp.response(201, ObjectionOut)
    def post(self, body):
        """Dispute one of the enterprise's own records (not a withdrawn one); it shows as under objection."""
        viewer = current_viewer()
        return objections.file_objection(viewer, body["record_id"], body["reason"])


@blp.route(f"/<int(max={MAX_ID}):objection_id>")
class ObjectionById(MethodView):
    @blp.response(200, ObjectionOut)
    def get(self, objection_id: int):
        viewer = require_role("enterprise", "department", "reviewer", "admin")
        return objections.visible_objection(viewer, objection_id)


@blp.route(f"/<int(max={MAX_ID}):objection_id>/resolution")
class Resolution(MethodView):
    @roles("department", "reviewer")
    @blp.arguments(ResolutionIn)
    @blp.response(200, ObjectionOut)
    def post(self, body, objection_id: int):
        """Resolve: upheld, corrected (after the department pushed the correction) or withdrawn (撤销)."""
        viewer = current_viewer()
        return objections.resolve_objection(viewer, objection_id, body["outcome"], body["resolution"])
