"""HTTP resource: an enterprise's notices (告知书, 承诺书模板, 一企一函, progress)."""

from flask.views import MethodView

from ..access.http import current_viewer, roles
from ..enterprises.services import parse_uscc
from ..jsonbody import Blueprint
from . import services
from .schemas import NoticeArgs, NoticeListOut

blp = Blueprint("notices", __name__, url_prefix="/api/v1/enterprises", description="Notices to enterprises")


@blp.route("/<string:uscc>/notices")
class EnterpriseNotices(MethodView):
    @roles("enterprise", "reviewer", "admin")
    @blp.arguments(NoticeArgs, location="query")
    @blp.response(200, NoticeListOut)
    def get(self, args, uscc: str):
        """The enterprise's notices, newest first (the enterprise itself, or the credit centre)."""
        viewer = current_viewer()
        return services.list_notices(viewer, parse_uscc(uscc), **args)
