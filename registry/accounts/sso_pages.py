"""Single sign-on pages: /signin/sso sends the person to the identity provider (OpenID Connect's
authorization code flow with PKCE, state and nonce, by Authlib) and /signin/sso/callback signs them in."""

from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, render_template, request, session, url_for

from ..runtime import Runtime, runtime, settings
from . import sso
from .pages import start_signed_in
from .role_map import Rule, load

try:
    from joserfc.errors import JoseError  # Authlib 1.7 on checks ID tokens with joserfc ...
except ImportError:
    JoseError = AuthlibBaseError  # ... before, with its own authlib.jose
# Whatever makes a way back not one to trust: a state not this browser's, the provider's error
# (the person cancelled), an ID token whose signature, issuer, audience, nonce or time is wrong.
REFUSED = (AuthlibBaseError, JoseError)
SCOPE = "openid profile email"
WANTED = "sso_next"  # the page the person wanted, kept in Flask's session until they are back
bp = Blueprint("sso", __name__, template_folder="templates")


@dataclass(frozen=True)
class SingleSignOn:
    issuer: str
    rules: tuple[Rule, ...]
    client: object  # Authlib's client of the identity provider


def init_app(app: Flask, holder: Runtime) -> None:
    """With REGISTRY_OIDC_* set: the role map read and checked (a bad one stops start-up), the client
    registered (the provider's metadata is fetched on first use) and the pages served."""
    config = holder.settings

    @app.context_processor
    def single_sign_on():
        return {"single_sign_on": config.single_sign_on}

    if not config.single_sign_on:
        return
    rules = load(config.OIDC_ROLE_MAP)
    client = OAuth(app).register(
        "sso", client_id=config.OIDC_CLIENT_ID, client_secret=config.OIDC_CLIENT_SECRET,
        server_metadata_url=config.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": 10})
    holder.single_sign_on = SingleSignOn(config.OIDC_ISSUER, rules, client)
    app.register_blueprint(bp)


@bp.get("/signin/sso")
def start():
    session[WANTED] = request.args.get("next")
    try:
        return runtime().single_sign_on.client.authorize_redirect(_callback_url())
    except requests.RequestException as exc:
        return _unavailable(exc)


@bp.get("/signin/sso/callback")
def callback():
    provider = runtime().single_sign_on
    try:
        token = provider.client.authorize_access_token(
            claims_options={"iss": {"essential": True, "value": provider.issuer}, "sub": {"essential": True}})
    except requests.RequestException as exc:
        return _unavailable(exc)
    except REFUSED as exc:
        current_app.logger.warning("single sign-on: a way back refused: %s", exc)
        return _page("登录未完成", "统一身份认证登录未能完成：登录请求已失效或来源不明。请返回登录页重新登录。", 400)
    if not token.get("userinfo"):
        current_app.logger.warning("single sign-on: the provider's answer held no ID token")
        return _page("登录未完成", "统一身份认证平台未返回登录凭证，请返回登录页重新登录。", 400)
    try:
        account = sso.account_for(provider.issuer, provider.rules, dict(token["userinfo"]))
    except sso.NoAccess as exc:
        current_app.logger.warning("single sign-on: %s refused: %s", token["userinfo"]["sub"], exc)
        if exc.disabled:
            return _page("账号已停用", "您在本平台的账号已被停用，如有疑问请联系信用中心。", 403)
        return _page("无权访问本平台", "您已通过统一身份认证，但尚未获得本平台的使用权限，因此未能登录。"
                     "如需使用，请联系本单位管理员或信用中心开通。", 403)
    return start_signed_in(account, session.pop(WANTED, None), second_factor_done=True, details={"method": "sso"})


def _callback_url() -> str:
    """Where the provider sends the person back: under REGISTRY_PUBLIC_BASE_URL when set (behind a
    proxy that does not say which host it served), else the request's own host."""
    base = settings().PUBLIC_BASE_URL
    return base + url_for("sso.callback") if base else url_for("sso.callback", _external=True)


def _unavailable(exc: Exception):
    current_app.logger.warning("single sign-on: the identity provider does not answer: %s", exc)
    return _page("统一身份认证暂时不可用", "暂时无法连接统一身份认证平台，请稍后再试，或使用本平台账号密码登录。", 503)


def _page(title: str, message: str, status: int):
    return render_template("accounts/sso_refused.html", title=title, message=message), status
