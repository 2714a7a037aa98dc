"""Who a page's visitor is: the session cookie of a signed-in person (pages only: the API takes keys,
so a cookie can never carry a forged cross-site API call), and the cookie's own life."""

from flask import Flask, g, request

from ..access.services import viewer_of
from ..runtime import settings
from .models import AccountSession
from .services import needs_second_factor
from .sessions import COOKIE, live_session, touch


def is_page_request() -> bool:
    return not request.path.startswith("/api/")


def current_session() -> AccountSession | None:
    """The visitor's live session, signed in whole or part way (password done, second factor to come)."""
    if "account_session" not in g:
        g.account_session = live_session(request.cookies.get(COOKIE)) if is_page_request() else None
    return g.account_session


def is_complete(session: AccountSession) -> bool:
    """Signed in whole: the password is no temporary one and the second factor, where needed, is done."""
    account = session.account
    return not account.must_change_password and (session.second_factor_done or not needs_second_factor(account))


def set_session_cookie(response, token: str | None) -> None:
    """Set (or, with None, clear) the session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    if token is None:
        response.delete_cookie(COOKIE, path="/")
        return
    secure = request.is_secure or settings().PUBLIC_BASE_URL.startswith("https://")
    response.set_cookie(COOKIE, token, httponly=True, samesite="Lax", secure=secure, path="/",
                        max_age=settings().SESSION_MAX_HOURS * 3600)


def init_app(app: Flask) -> None:
    @app.before_request
    def signed_in_person():
        session = current_session()
        if session is None:
            return
        touch(session)  # the idle timeout counts from here
        if is_complete(session):
            g.viewer = viewer_of(session.account.principal, session.account.id)
            g.person = session.account

    @app.context_processor
    def person():
        return {"signed_in": g.get("person")}
