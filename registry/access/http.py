"""Resolving the caller of an HTTP request and enforcing roles."""

from functools import wraps

from flask import Flask, g, request

from .. import ratelimit
from ..errors import Forbidden, Unauthorized
from .keys import record_use
from .services import PUBLIC, Viewer, principal_of_key, viewer_of


def _key_from_request() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("X-API-Key") or None


def current_viewer() -> Viewer:
    if "viewer" not in g:
        key = _key_from_request()
        g.viewer = _viewer_of_key(key) if key else PUBLIC
    return g.viewer


AUTH_FAILURE = "AUTH_FAILURE"  # REGISTRY_AUTH_FAILURE_LIMIT refused keys per REGISTRY_AUTH_FAILURE_WINDOW seconds


def _viewer_of_key(key: str) -> Viewer:
    """The key's viewer. An address that sent too many bad keys gets 429 for any key until its window
    ends, so that guessing learns nothing from the answer."""
    ratelimit.refuse_if_spent(AUTH_FAILURE)
    try:
        principal = principal_of_key(key)
    except Unauthorized:
        ratelimit.count(AUTH_FAILURE)  # over the limit: this very failure answers 429
        raise
    viewer = viewer_of(principal)  # before record_use commits, which expires the principal's attributes
    record_use(principal)
    return viewer


def require_role(*roles: str) -> Viewer:
    viewer = current_viewer()
    if viewer.is_public:
        raise Unauthorized(message_en="an API key is required", message_zh="需要 API 密钥",
                           code="authentication_required")
    if viewer.role not in roles:
        raise Forbidden(message_en=f"the {viewer.role} role may not do this",
                        message_zh=f"当前角色（{viewer.role}）无权执行此操作",
                        code="role_forbidden")
    return viewer


def roles(*allowed: str):
    """The caller must hold one of the `allowed` roles before the request's arguments are read:
    placed above flask-smorest's arguments, an anonymous caller gets 401 and a wrong role 403, not
    a 422 about a body it may not send. The view then takes `current_viewer()`."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            require_role(*allowed)
            return view(*args, **kwargs)

        return checked

    return decorate


def init_app(app: Flask) -> None:
    @app.before_request
    def resolve_viewer():
        current_viewer()  # a bad key fails fast with 401 on every endpoint
