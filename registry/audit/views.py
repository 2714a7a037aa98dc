"""HTTP resource of the audit trail: admins read it; nobody, admins included, can change it."""

from flask.views import MethodView

from ..access.http import roles
from ..jsonbody import Blueprint
from . import services
from .schemas import AuditArgs, AuditPageOut

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="The audit trail (审计日志)")


@blp.route("")
class AuditTrail(MethodView):
    @roles("admin")
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, AuditPageOut)
    def get(self, args):
        """Entries newest first, filtered by principal (`actor`), action, object and time (admin only)."""
        cursor, limit = args.pop("cursor", None), args.pop("limit")
        return services.entries_page(args, cursor, limit)
