"""Every sign-in, failure and account change leaves exactly one entry in the audit trail."""

import pyotp

from tests import factories
from tests.accounts.conftest import NEW_PASSWORD
from tests.audit.trail import count, newest

ACTIONS = ("account.create", "account.sign_in", "account.sign_in_failed", "account.change_password",
           "account.second_factor_enrolled", "account.second_factor", "account.second_factor_failed",
           "account.sign_out", "account.sign_out_everywhere", "account.disable", "account.enable",
           "account.reset_password")


def test_a_persons_life_on_the_platform_leaves_one_entry_an_action(app, browser, person, cli):
    before = {action: count(app, action) for action in ACTIONS}
    email, temporary = person("reviewer")
    browser.sign_in(email, "a-wrong-password")
    browser.sign_in(email, temporary)
    browser.set_own_password(temporary)
    secret = browser.enrol_second_factor()
    browser.submit("/account", {}, action="/signout")
    browser.sign_in(email, NEW_PASSWORD)
    browser.submit("/signin/second-factor", {"code": "000000"})
    browser.submit("/signin/second-factor", {"code": pyotp.TOTP(secret).now()})
    browser.submit("/account", {}, action="/account/signout-everywhere")
    for command in ("disable", "enable", "reset-password"):
        assert cli("accounts", command, email).exit_code == 0
    grown = {action: count(app, action) - before[action] for action in ACTIONS}
    assert grown == {**dict.fromkeys(ACTIONS, 1), "account.sign_in": 2, "account.sign_out": 1}
    failed = newest(app, "account.sign_in_failed")
    assert failed["details"] == {"email": email} and failed["actor_role"] == "system"
    signed = newest(app, "account.sign_in")
    assert signed["actor_role"] == "reviewer" and signed["account_id"] is not None


def test_an_unknown_email_leaves_a_failure_that_names_no_account(app, browser):
    browser.sign_in("nobody@tongliao.example", "whatever-it-is")
    entry = newest(app, "account.sign_in_failed")
    assert entry["object_id"] is None and entry["details"] == {"email": "nobody@tongliao.example"}


def test_making_an_account_on_the_command_line_is_recorded(app, cli):
    before = count(app, "account.create")
    made = cli("accounts", "create", "--role", "enterprise", "--name", "钱会计", "--email", "qian@co.example",
               "--uscc", factories.new_uscc())
    assert made.exit_code == 0 and count(app, "account.create") == before + 1
    assert newest(app, "account.create")["details"] == {"role": "enterprise", "email": "qian@co.example"}
