"""HTTP resources for the credit centre's admins: principals and their API keys, listed, made, revoked, rotated."""

from flask.views import MethodView

from ..jsonbody import Blueprint
from ..pagination import MAX_ID
from . import keys
from .http import current_viewer, roles
from .schemas import IssuedKeyOut, PrincipalIn, PrincipalListArgs, PrincipalOut, PrincipalPageOut, RotateIn
from .services import create_principal

blp = Blueprint("principals", __name__, url_prefix="/api/v1/principals",
                description="Principals and their API keys (admin)")


def _issued(principal, key: str) -> dict:
    return {**keys.present_principal(principal), "key": key}


@blp.route("")
class Principals(MethodView):
    @roles("admin")
    @blp.arguments(PrincipalListArgs, location="query")
    @blp.response(200, PrincipalPageOut)
    def get(self, args):
        """The principals that hold API keys, oldest first, revoked and expired ones included (admin)."""
        return keys.principal_page(**args)

    @roles("admin")
    @blp.arguments(PrincipalIn)
    @blp.response(201, IssuedKeyOut)
    def post(self, data):
        """Create a principal with an API key, returned this once (admin); bound as for `registry principals create`."""
        principal, key = create_principal(data["role"], data.get("name"), data.get("department"), data.get("uscc"),
                                          data.get("district"), expires_at=data.get("expires_at"),
                                          created_by=current_viewer().principal_id, actor=current_viewer())
        return _issued(principal, key)


@blp.route(f"/<int(max={MAX_ID}):principal_id>/revoke")
class PrincipalRevocation(MethodView):
    @roles("admin")
    @blp.response(200, PrincipalOut)
    def post(self, principal_id: int):
        """Revoke the principal's key (admin): from the next request on it gets 401 invalid_api_key."""
        return keys.present_principal(keys.revoke_principal(principal_id, actor=current_viewer()))


@blp.route(f"/<int(max={MAX_ID}):principal_id>/rotate")
class PrincipalRotation(MethodView):
    @roles("admin")
    @blp.arguments(RotateIn, required=False)
    @blp.response(200, IssuedKeyOut)
    def post(self, data, principal_id: int):
        """A new API key for the principal, returned this once (admin); the old key fails from the next request."""
        return _issued(*keys.rotate_principal(principal_id, (data or {}).get("expires_at"), actor=current_viewer()))
