"""Sign-in pages (Chinese): password, second factor, first password change, enrolment of an
authenticator app, the person's own account page, and signing out."""

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, url_for

from ..db import utcnow
from ..errors import RegistryError
from ..uow import unit_of_work
from . import second_factor as factor
from . import services, sessions
from .http import current_session, is_complete, set_session_cookie

bp = Blueprint("accounts", __name__, template_folder="templates")


def signed_in(view):
    """The view needs a person signed in whole; anyone else is sent to sign in (and back after)."""

    @wraps(view)
    def checked(*args, **kwargs):
        session = current_session()
        if session is None:
            return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
        if not is_complete(session):
            return redirect(next_step(session))
        return view(*args, **kwargs)

    return checked


def part_way(view):
    """The view serves a person whose password is checked but who has a step left (or none)."""

    @wraps(view)
    def checked(*args, **kwargs):
        if current_session() is None:
            return redirect(url_for("accounts.sign_in"))
        return view(*args, **kwargs)

    return checked


def next_step(session, wanted: str | None = None) -> str:
    """Where a signed-in person goes next: a temporary password is changed first, then the second
    factor is set up or proved, then the page wanted (on this site only) or the account page."""
    account = session.account
    if account.must_change_password:
        return url_for("accounts.password")
    if not is_complete(session):
        return url_for("accounts.second_factor" if account.totp_secret else "accounts.set_up_second_factor")
    target = urlsplit(wanted or "")
    if wanted and not target.scheme and not target.netloc and wanted.startswith("/") and not wanted.startswith("//"):
        return wanted
    return url_for("accounts.home")


def _address() -> str:
    return (request.remote_addr or "unknown")[:64]


@bp.route("/signin", methods=["GET", "POST"])
def sign_in():
    wanted = request.values.get("next")
    if request.method == "GET":
        return render_template("accounts/sign_in.html", email="", wanted=wanted)
    email = request.form.get("email", "")
    try:
        account = services.check_password(email, request.form.get("password", ""), _address())
    except RegistryError as exc:
        page = render_template("accounts/sign_in.html", email=email, wanted=wanted, error=exc.message_zh)
        return page, exc.status, exc.headers
    return start_signed_in(account, wanted, second_factor_done=False)


def start_signed_in(account, wanted: str | None, *, second_factor_done: bool, details: dict | None = None):
    """A new session for the account the visitor just proved theirs (ending the browser's old one), and
    the way on to its next step: the password path and single sign-on alike."""
    with unit_of_work() as uow:
        old = current_session()
        if old is not None:
            sessions.end_session(uow, old)
        account.last_sign_in_at = utcnow()
        token = sessions.start_session(uow, account, _address(), second_factor_done=second_factor_done)
        uow.audit("account.sign_in", services.as_viewer(account), "account", account.id, details)
    session = sessions.live_session(token)
    response = redirect(next_step(session, wanted))
    set_session_cookie(response, token)
    return response


@bp.route("/signin/second-factor", methods=["GET", "POST"])
@part_way
def second_factor():
    session = current_session()
    if session.account.totp_secret is None or is_complete(session):
        return redirect(next_step(session))
    if request.method == "GET":
        return render_template("accounts/second_factor.html")
    code = request.form.get("code", "")
    account = session.account
    with unit_of_work() as uow:
        left = None
        if factor.code_matches(account.totp_secret, code):
            session.second_factor_done = True
        elif (left := factor.spend_recovery_code(account.recovery_code_hashes, code)) is not None:
            account.recovery_code_hashes, session.second_factor_done = left, True
        action = "account.second_factor" if session.second_factor_done else "account.second_factor_failed"
        uow.audit(action, services.as_viewer(account), "account", account.id, {"recovery_code": left is not None})
    if not session.second_factor_done:
        return render_template("accounts/second_factor.html", error="验证码不正确或已过期"), 401
    return redirect(next_step(session, request.args.get("next")))


@bp.route("/account/second-factor", methods=["GET", "POST"])
@part_way
def set_up_second_factor():
    session, account = current_session(), current_session().account
    if account.must_change_password:
        return redirect(next_step(session))
    if account.totp_secret and not is_complete(session):
        return redirect(url_for("accounts.second_factor"))
    if session.pending_totp_secret is None:
        with unit_of_work():
            session.pending_totp_secret = factor.new_secret()
    secret = session.pending_totp_secret
    shown = {"secret": secret, "qr": factor.enrolment_qr(secret, account.email)}
    if request.method == "GET":
        return render_template("accounts/set_up_second_factor.html", **shown)
    if not factor.code_matches(secret, request.form.get("code", "")):
        wrong = "验证码不正确，请按应用中当前显示的6位数字填写"
        return render_template("accounts/set_up_second_factor.html", error=wrong, **shown), 400
    codes, hashes = factor.new_recovery_codes()
    with unit_of_work() as uow:
        account.totp_secret, account.recovery_code_hashes = secret, hashes
        session.pending_totp_secret, session.second_factor_done = None, True
        uow.audit("account.second_factor_enrolled", services.as_viewer(account), "account", account.id)
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.route("/account/password", methods=["GET", "POST"])
@part_way
def password():
    session = current_session()
    if request.method == "GET":
        return render_template("accounts/password.html", forced=session.account.must_change_password)
    new = request.form.get("new_password", "")
    error = "两次输入的新密码不一致" if new != request.form.get("confirm_password") else None
    if error is None:
        try:
            services.change_password(session.account, request.form.get("current_password", ""), new)
        except RegistryError as exc:
            error = exc.message_zh
    if error:
        return render_template("accounts/password.html", forced=session.account.must_change_password,
                               error=error), 400
    return redirect(next_step(current_session()))


@bp.route("/account")
@signed_in
def home():
    return render_template("accounts/home.html", account=g.person, session=current_session(),
                           needs_second_factor=services.needs_second_factor(g.person))


@bp.post("/signout")
def sign_out():
    session = current_session()
    if session is not None:
        with unit_of_work() as uow:
            sessions.end_session(uow, session)
            uow.audit("account.sign_out", services.as_viewer(session.account), "account", session.account_id)
    response = redirect(url_for("accounts.sign_in"))
    set_session_cookie(response, None)
    return response


@bp.post("/account/signout-everywhere")
@signed_in
def sign_out_everywhere():
    with unit_of_work() as uow:
        sessions.end_all_sessions(uow, g.person)
        uow.audit("account.sign_out_everywhere", g.viewer, "account", g.person.id)
    response = redirect(url_for("accounts.sign_in"))
    set_session_cookie(response, None)
    return response
