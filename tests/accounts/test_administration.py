"""Accounts made and kept by an administrator: on the command line and on the admin page."""

import pyotp

from registry.accounts.services import find_account
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD, Browser, token_of


def signed_in_admin(browser, person):
    email, temporary = person("admin", name="周管理")
    browser.sign_in(email, temporary)
    browser.set_own_password(temporary)
    browser.enrol_second_factor()
    return email


def test_the_command_line_makes_an_account_whose_temporary_password_opens_it_once(cli, browser):
    made = cli("accounts", "create", "--role", "department", "--name", "张报送", "--email", "Zhang@Tongliao.example",
               "--department", "11150500011620002E")
    assert made.exit_code == 0, made.output
    temporary = made.stdout.strip().splitlines()[-1]
    assert browser.sign_in("zhang@tongliao.example", temporary).headers["Location"] == "/account/password"
    again = cli("accounts", "create", "--role", "enterprise", "--name", "x", "--email", "zhang@tongliao.example",
                "--uscc", factories.new_uscc())
    assert again.exit_code == 1 and "account_exists" not in again.output and "已有账号" in again.output
    wrong = cli("accounts", "create", "--role", "agent", "--name", "x", "--email", "a@b.example", "--district", "999")
    assert wrong.exit_code == 1 and "行政区划" in wrong.output and "Traceback" not in wrong.output
    reset = cli("accounts", "reset-password", "zhang@tongliao.example")
    assert reset.exit_code == 0 and browser.sign_in("zhang@tongliao.example", temporary).status_code == 401
    assert browser.sign_in("zhang@tongliao.example", reset.stdout.strip().splitlines()[-1]).status_code == 302
    assert '"role": "department"' in cli("accounts", "list").stdout


def test_the_admin_page_makes_disables_and_resets_accounts(browser, person, client, app):
    signed_in_admin(browser, person)
    page = browser.get("/admin/accounts").get_data(as_text=True)
    made = client.post("/admin/accounts", data={"role": "bank", "name": "孙信贷", "email": "sun@bank.example",
                                                "binding": "", "csrf_token": token_of(page)})
    shown = made.get_data(as_text=True)
    assert made.status_code == 200 and "sun@bank.example 的临时密码" in shown
    refused = client.post("/admin/accounts", data={"role": "enterprise", "name": "钱会计", "email": "qian@co.example",
                                                   "binding": "not-a-code", "csrf_token": token_of(shown)})
    assert refused.status_code == 422 and 'value="qian@co.example"' in refused.get_data(as_text=True)
    with app.app_context():
        account_id = find_account("sun@bank.example").id
    disabled = client.post(f"/admin/accounts/{account_id}/disable", data={"csrf_token": token_of(shown)})
    assert "已停用" in disabled.get_data(as_text=True)
    reset = client.post(f"/admin/accounts/{account_id}/reset", data={"csrf_token": token_of(shown)})
    temporary = reset.get_data(as_text=True).split('id="temporary-password">')[1].split("<")[0]
    client.post(f"/admin/accounts/{account_id}/enable", data={"csrf_token": token_of(shown)})
    assert Browser(app.test_client()).sign_in("sun@bank.example", temporary).headers["Location"] == "/account/password"


def test_only_an_administrator_sees_the_admin_page(browser, person):
    email, temporary = person("enterprise", uscc=factories.new_uscc())
    assert browser.get("/admin/accounts").headers["Location"].startswith("/signin")
    browser.sign_in(email, temporary)
    browser.set_own_password(temporary)
    assert browser.get("/admin/accounts").status_code == 403


def test_a_recovery_code_stands_in_for_the_authenticator_once(browser, person):
    email, temporary = person("department", department_uscc="11150500011620002E")
    browser.sign_in(email, temporary)
    browser.set_own_password(temporary)
    page = browser.get("/account/second-factor").get_data(as_text=True)
    secret = page.split('id="secret">')[1].split("<")[0]
    codes = browser.submit("/account/second-factor", {"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    first = codes.split("<li><code>")[1].split("<")[0]
    for expected in (302, 401):
        browser.submit("/account", {}, action="/signout")
        browser.sign_in(email, NEW_PASSWORD)
        assert browser.submit("/signin/second-factor", {"code": first}).status_code == expected
