"""HTTP resources for credit repair: applications, materials, decisions, lists and statistics."""


from flask import request
from flask.views import MethodView

from ..access.http import current_viewer, require_role, roles
from ..jsonbody import Blueprint
from ..pagination import MAX_ID
from ..runtime import today
from . import materials, services, statistics
from .rules import MATERIAL_KINDS
from .schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPageOut,
    DecisionIn,
    EligibilityArgs,
    EligibilityOut,
    ListArgs,
    StatisticsOut,
)

blp = Blueprint("repairs", __name__, url_prefix="/api/v1/repairs", description="Credit repair (信用修复)")
ANY_ROLE = ("enterprise", "agent", "department", "reviewer", "admin")


@blp.route("")
class Repairs(MethodView):
    @roles("enterprise", "agent")
    @blp.arguments(ApplicationIn)
    @blp.response(201, ApplicationOut)
    def post(self, body):
        """File an application (enterprise for itself, agent for any enterprise), signing the commitment letter.

        An ineligible record is refused (422 `not_eligible`) with the reason and the earliest date;
        a record with an open application is a 409 `application_open`.
        """
        viewer = current_viewer()
        return services.file_application(viewer, body["record_id"], body["sign_commitment"], today())

    @roles(*ANY_ROLE)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, ApplicationPageOut)
    def get(self, args):
        """Applications the caller may follow, newest first; `overdue=true` keeps the late open ones."""
        viewer = current_viewer()
        return statistics.list_applications(viewer, today(), **args)


@blp.route("/eligibility")
class Eligibility(MethodView):
    @roles("enterprise", "agent")
    @blp.arguments(EligibilityArgs, location="query")
    @blp.response(200, EligibilityOut)
    def get(self, args):
        """Whether a record may be repaired today, and if not why and from which date."""
        viewer = current_viewer()
        return services.check_eligibility(viewer, args["record_id"], today())


@blp.route("/statistics")
class Statistics(MethodView):
    @blp.response(200, StatisticsOut)
    def get(self):
        """Applications by state, department, district and month; median days to decision; overdue count."""
        require_role("reviewer", "admin")
        return statistics.statistics(today())


@blp.route(f"/<int(max={MAX_ID}):application_id>")
class RepairById(MethodView):
    @blp.response(200, ApplicationOut)
    def get(self, application_id: int):
        """One application with its clocks, materials and log (404 to anyone who may not follow it)."""
        return services.get_application(require_role(*ANY_ROLE), application_id, today())


@blp.route(f"/<int(max={MAX_ID}):application_id>/materials")
class Materials(MethodView):
    # The form is read by hand: the size is checked before the body is parsed.
    @blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["kind", "file"], "properties": {
            "kind": {"type": "string", "enum": list(MATERIAL_KINDS)},
            "file": {"type": "string", "format": "binary"}}}}}})
    @blp.response(201, ApplicationOut)
    def post(self, application_id: int):
        """Upload one material (PDF, JPEG or PNG; 413 when too large, 415 for another type)."""
        viewer = require_role("enterprise", "agent")
        return materials.upload_material(viewer, application_id, request, today())


@blp.route(f"/<int(max={MAX_ID}):application_id>/decisions")
class Decisions(MethodView):
    @roles(*ANY_ROLE)
    @blp.arguments(DecisionIn)
    @blp.response(200, ApplicationOut)
    def post(self, body, application_id: int):
        """Take a step of the workflow: accept, accept_with_missing, not_accept, forward (reviewer);
        approve, reject (the source department); close, revoke (reviewer). Negative outcomes need a reason."""
        viewer = current_viewer()
        return services.decide(viewer, application_id, body["action"], body["reason"], body["version"],
                               today())
