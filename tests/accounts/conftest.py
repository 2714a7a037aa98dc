"""Accounts fixtures: a person made as an administrator makes one, and a browser-like client that
posts forms with their CSRF token."""

import re

import pyotp
import pytest

from registry.accounts.services import create_account

NEW_PASSWORD = "通辽信用-核查2026-安全"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token_of(html: str) -> str:
    return TOKEN.search(html).group(1)


class Browser:
    """The test client used as a person would: every form is fetched before it is posted."""

    def __init__(self, client):
        self.client = client

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def submit(self, form_page: str, data: dict, action: str | None = None):
        token = token_of(self.client.get(form_page).get_data(as_text=True))
        return self.client.post(action or form_page, data={**data, "csrf_token": token})

    def sign_in(self, email: str, password: str):
        return self.submit("/signin", {"email": email, "password": password})

    def set_own_password(self, temporary: str, new: str = NEW_PASSWORD):
        return self.submit("/account/password", {"current_password": temporary, "new_password": new,
                                                 "confirm_password": new})

    def enrol_second_factor(self) -> str:
        """Set up the authenticator from the secret the page shows; returns the secret."""
        page = self.get("/account/second-factor").get_data(as_text=True)
        secret = re.search(r'id="secret">([A-Z2-7]+)<', page).group(1)
        answer = self.submit("/account/second-factor", {"code": pyotp.TOTP(secret).now()})
        assert answer.status_code == 200 and "只显示这一次" in answer.get_data(as_text=True)
        return secret


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def person(app):
    """Make an account: person(role, **binding) -> (email, temporary password)."""
    made = iter(range(1000))

    def _make(role="reviewer", name="王审核", **binding):
        email = f"{role}{next(made)}@tongliao.example"
        with app.app_context():
            _, temporary = create_account(role, name, email, **binding)
        return email, temporary

    return _make
