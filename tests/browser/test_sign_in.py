"""Signing in in a real browser: a reviewer with password and authenticator, a locked account, a form
posted from elsewhere, and signing out."""

import pyotp
import pytest

from registry.accounts.services import create_account
from tests.accounts.conftest import NEW_PASSWORD


@pytest.fixture
def reviewer(app):
    with app.app_context():
        _, temporary = create_account("reviewer", "赵审核", "zhao.reviewer@tongliao.example")
    return "zhao.reviewer@tongliao.example", temporary


def sign_in(page, base, email, password):
    page.goto(f"{base}/signin")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_a_reviewer_signs_in_with_password_and_authenticator(live_server, page, reviewer):
    email, temporary = reviewer
    sign_in(page, live_server, email, temporary)
    assert page.title().startswith("修改密码") and "临时密码" in page.text_content("main")
    for field in ("#current_password", "#new_password", "#confirm_password"):
        page.fill(field, temporary if field == "#current_password" else NEW_PASSWORD)
    page.click("button[type=submit]")
    assert page.title().startswith("设置身份验证器") and page.locator(".qr svg").count() == 1
    secret = page.text_content("#secret").strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    page.click("text=我已保存")
    assert page.text_content("#account-role") == "信用中心审核人员"

    page.click("header button:has-text('退出')")
    assert page.title().startswith("登录")
    sign_in(page, live_server, email, NEW_PASSWORD)
    assert page.title().startswith("身份验证")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    assert page.text_content("#account-name") == "赵审核"
    assert "赵审核" in page.text_content("header")


def test_five_wrong_passwords_lock_the_account_for_a_while(live_server, page, reviewer):
    email, temporary = reviewer
    for attempt in range(5):
        sign_in(page, live_server, email, f"not-the-password-{attempt}")
        message = page.text_content("[role=alert]")
        if "秒后再试" in message:  # slowed down after the third: wait as a person would, then try
            page.wait_for_timeout(2100)
            sign_in(page, live_server, email, f"not-the-password-{attempt}")
            message = page.text_content("[role=alert]")
        assert message == "邮箱或密码不正确", attempt
    sign_in(page, live_server, email, temporary)
    assert "分钟后再试" in page.text_content("[role=alert]")


def test_a_form_posted_without_its_token_is_refused(live_server, page, reviewer):
    """As a page on another site would post it: no CSRF token."""
    email, temporary = reviewer
    answer = page.request.post(f"{live_server}/signin", form={"email": email, "password": temporary},
                               max_redirects=0)
    assert answer.status == 400 and "表单已失效" in answer.text()


def test_signing_out_ends_the_session_on_the_server(live_server, page, browser, app):
    with app.app_context():
        _, temporary = create_account("bank", "孙信贷", "sun.bank@tongliao.example")
    sign_in(page, live_server, "sun.bank@tongliao.example", temporary)
    for field in ("#current_password", "#new_password", "#confirm_password"):
        page.fill(field, temporary if field == "#current_password" else NEW_PASSWORD)
    page.click("button[type=submit]")
    assert page.title().startswith("我的账号")
    kept = page.context.cookies()
    page.click("header button:has-text('退出')")
    replay = browser.new_context(locale="zh-CN")
    replay.add_cookies(kept)  # a copy of the cookie taken before signing out
    copy = replay.new_page()
    copy.goto(f"{live_server}/account")
    assert copy.title().startswith("登录")
    replay.close()
