"""Signing in as a person: a temporary password changed first, a second factor for the roles that
change data, sessions that end on the server, throttling that tells nobody which emails exist."""

from datetime import timedelta

import pyotp
from sqlalchemy import select, update

from registry.accounts.models import AccountSession, SignInFailure
from registry.accounts.sessions import COOKIE
from registry.db import utcnow
from registry.uow import unit_of_work
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD, Browser


def test_a_reviewer_changes_the_temporary_password_then_sets_up_and_uses_the_authenticator(browser, person):
    email, temporary = person("reviewer")
    first = browser.sign_in(email, temporary)
    assert first.status_code == 302 and first.headers["Location"] == "/account/password"
    assert browser.get("/account").headers["Location"] == "/account/password"  # nothing before the change
    assert browser.set_own_password(temporary).headers["Location"] == "/account/second-factor"
    secret = browser.enrol_second_factor()
    home = browser.get("/account").get_data(as_text=True)
    assert "王审核" in home and "信用中心审核人员" in home and "已启用" in home

    browser.submit("/account", {}, action="/signout")
    assert browser.sign_in(email, temporary).status_code == 401  # the temporary password is spent
    again = browser.sign_in(email, NEW_PASSWORD)
    assert again.headers["Location"] == "/signin/second-factor"
    assert browser.get("/account").headers["Location"] == "/signin/second-factor"
    wrong = browser.submit("/signin/second-factor", {"code": "000000"})
    assert wrong.status_code == 401 and "验证码不正确" in wrong.get_data(as_text=True)
    right = browser.submit("/signin/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert right.headers["Location"] == "/account"
    assert browser.get("/account").status_code == 200


def test_an_enterprise_needs_no_second_factor(browser, person):
    email, temporary = person("enterprise", name="李会计", uscc=factories.new_uscc())
    browser.sign_in(email, temporary)
    assert browser.set_own_password(temporary).headers["Location"] == "/account"
    assert "企业" in browser.get("/account").get_data(as_text=True)


def test_a_weak_new_password_is_refused_with_the_reason(browser, person):
    email, temporary = person("enterprise", uscc=factories.new_uscc())
    browser.sign_in(email, temporary)
    for weak, reason in (("short-pw-11", "至少需要12个字符"), ("password1234", "过于常见"),
                         ("enterprise0-long-enough", "不能包含邮箱名")):
        answer = browser.set_own_password(temporary, weak)
        assert answer.status_code == 400 and reason in answer.get_data(as_text=True), weak
    assert browser.set_own_password(temporary, "twelve-chars").status_code == 302  # exactly 12 will do


def test_five_wrong_passwords_lock_the_email_and_say_the_same_for_an_unknown_one(browser, person, app):
    email, temporary = person("enterprise", uscc=factories.new_uscc())
    for address in (email, "nobody@tongliao.example"):
        answers = []
        for _ in range(5):
            with app.app_context(), unit_of_work() as uow:
                move_failures_back(uow.session)  # no waiting between tries in a test
            answers.append(browser.sign_in(address, "wrong-password-123").status_code)
        assert answers == [401] * 5
        locked = browser.sign_in(address, "wrong-password-123")
        assert locked.status_code == 429 and "分钟后再试" in locked.get_data(as_text=True)
        assert int(locked.headers["Retry-After"]) > 600
    assert browser.sign_in(email, temporary).status_code == 429  # the right password waits too


def move_failures_back(session) -> None:
    """Move the failures ten seconds back: the slow-down between tries has passed, the lock's
    15 minutes have not. (In Python: SQLite stores times as text.)"""
    for failure in session.scalars(select(SignInFailure)):
        failure.at = failure.at - timedelta(seconds=10)


def test_a_form_posted_without_its_token_is_refused(client, person):
    email, temporary = person("enterprise", uscc=factories.new_uscc())
    answer = client.post("/signin", data={"email": email, "password": temporary})
    assert answer.status_code == 400 and "表单已失效" in answer.get_data(as_text=True)
    assert COOKIE not in answer.headers.get("Set-Cookie", "")


def test_signing_out_ends_the_session_on_the_server(browser, person, client):
    email, temporary = person("enterprise", uscc=factories.new_uscc())
    browser.sign_in(email, temporary)
    browser.set_own_password(temporary)
    cookie = client.get_cookie(COOKIE).value
    browser.submit("/account", {}, action="/signout")
    client.set_cookie(COOKIE, cookie)  # the browser kept it: the server did not
    assert client.get("/account").headers["Location"].startswith("/signin")


def test_an_idle_session_ends_after_the_idle_timeout_and_the_session_id_changes_at_sign_in(browser, person,
                                                                                          client, app):
    email, temporary = person("enterprise", uscc=factories.new_uscc())
    browser.sign_in(email, temporary)
    before = client.get_cookie(COOKIE).value
    browser.set_own_password(temporary)
    browser.sign_in(email, NEW_PASSWORD)
    assert client.get_cookie(COOKIE).value != before
    assert browser.get("/account").status_code == 200
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(AccountSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert browser.get("/account").headers["Location"].startswith("/signin")


def test_sign_out_everywhere_and_disabling_end_every_session(browser, person, client, app, cli):
    email, temporary = person("enterprise", uscc=factories.new_uscc())
    browser.sign_in(email, temporary)
    browser.set_own_password(temporary)
    other = Browser(app.test_client())  # a second device
    other.sign_in(email, NEW_PASSWORD)
    assert other.get("/account").status_code == 200
    browser.submit("/account", {}, action="/account/signout-everywhere")
    assert other.get("/account").status_code == 302
    other.sign_in(email, NEW_PASSWORD)
    assert other.get("/account").status_code == 200
    assert cli("accounts", "disable", email).exit_code == 0
    assert other.get("/account").status_code == 302
    assert browser.sign_in(email, NEW_PASSWORD).status_code == 401
