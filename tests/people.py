"""People signed in through the test client, as a browser would be: sign_in(client, app, role, **binding)
makes a person of `role` whose first sign-in is behind them and signs the client in (second factor
and all); `form_token(client, path)` reads the CSRF token of a page's form for a post."""

import re
import uuid

import pyotp

from registry.accounts.passwords import hash_password
from registry.accounts.services import SECOND_FACTOR_ROLES, create_account
from registry.uow import unit_of_work

PASSWORD = "通辽信用-工作台2026-测试"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def new_person(app, role: str, name: str = "测试人员", **binding) -> tuple[str, str | None]:
    """A person of `role` with their own password (and an authenticator where the role needs one):
    returns (email, TOTP secret or None)."""
    email = f"{role}.{uuid.uuid4().hex[:8]}@tongliao.example"
    secret = pyotp.random_base32() if role in SECOND_FACTOR_ROLES else None
    with app.app_context(), unit_of_work() as uow:
        account, _ = create_account(role, name, email, **binding, uow=uow)
        account.password_hash, account.must_change_password = hash_password(PASSWORD), False
        account.totp_secret = secret
    return email, secret


def form_token(client, path: str) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, app, role: str, name: str = "测试人员", **binding) -> str:
    """Sign the client in as a new person of `role`; returns the email."""
    email, secret = new_person(app, role, name, **binding)
    answer = client.post("/signin", data={"email": email, "password": PASSWORD,
                                          "csrf_token": form_token(client, "/signin")})
    if secret:
        code = pyotp.TOTP(secret).now()
        answer = client.post("/signin/second-factor",
                             data={"code": code, "csrf_token": form_token(client, "/signin/second-factor")})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return email
