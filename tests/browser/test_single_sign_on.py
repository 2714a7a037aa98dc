"""Single sign-on in a real browser through the real Keycloak test realm (deploy/keycloak/realm.json):
its login page, the authorization code flow with PKCE, the way back, and the role map."""

import pytest
from sqlalchemy import func, select

from registry.accounts.models import Account
from registry.extensions import db
from tests.accounts.test_role_map import DEPARTMENT_USCC, TEST_REALM_MAP
from tests.browser.conftest import served
from tests.conftest import initialised_app
from tests.services import keycloak_url

pytestmark = pytest.mark.keycloak
ENTERPRISE_USCC = "91150502MA0N7XK1X0"
# The test realm's people (username, password), as deploy/keycloak/realm.json makes them.
REVIEWER = ("zhao.shenhe", "reviewer-test-password")
DEPARTMENT = ("li.baosong", "department-test-password")
ENTERPRISE = ("xinyuan", "enterprise-test-password")
UNMAPPED = ("wang.fangke", "visitor-test-password")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The pages' app (SQLite) signing people in through the test realm, with the realm's role map."""
    yield from initialised_app("sqlite", tmp_path_factory, {
        "OIDC_ISSUER": keycloak_url(), "OIDC_CLIENT_ID": "credit-registry",
        "OIDC_CLIENT_SECRET": "registry-test-secret", "OIDC_ROLE_MAP": str(TEST_REALM_MAP)})


@pytest.fixture(scope="module")
def live_server(app):
    yield from served(app)


def sign_in_through_keycloak(page, base: str, person: tuple[str, str]) -> None:
    page.goto(f"{base}/signin")
    page.click("#single-sign-on")
    assert page.url.startswith(keycloak_url() + "/protocol/openid-connect/auth")
    page.fill("#username", person[0])
    page.fill("#password", person[1])
    page.click("#kc-login")
    # The click returns once Keycloak's form is posted; the redirects back end with our page loaded.
    page.wait_for_url(f"{base}/**")


def sso_accounts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Account.oidc_subject.is_not(None)))


@pytest.mark.parametrize(("person", "role", "shown"), [
    (DEPARTMENT, "数据报送单位", "通辽市市场监督管理局"),
    (ENTERPRISE, "企业", ENTERPRISE_USCC),
    (REVIEWER, "信用中心审核人员", "统一身份认证"),
])
def test_a_mapped_person_signs_in_and_lands_on_their_account(live_server, page, app, person, role, shown):
    sign_in_through_keycloak(page, live_server, person)
    assert page.url == f"{live_server}/account" and page.title().startswith("我的账号")
    assert page.text_content("#account-role") == role and shown in page.text_content("main")
    assert "统一身份认证" in page.text_content("#sign-in-method")  # no password, no authenticator to set up
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.oidc_subject.like(f"{keycloak_url()}|%")))
        principal = account.principal
        assert account.password_hash is None and principal.role != "public"
        if person == DEPARTMENT:
            assert principal.department.uscc == DEPARTMENT_USCC
        if person == ENTERPRISE:
            assert principal.uscc == ENTERPRISE_USCC


def test_the_page_wanted_is_reached_after_signing_in(live_server, page):
    page.goto(f"{live_server}/account")
    assert page.title().startswith("登录")
    page.click("#single-sign-on")
    page.fill("#username", DEPARTMENT[0])
    page.fill("#password", DEPARTMENT[1])
    page.click("#kc-login")
    assert page.url == f"{live_server}/account"
    page.click("header button:has-text('退出')")
    assert page.title().startswith("登录")
    page.goto(f"{live_server}/account")
    assert page.title().startswith("登录")


def test_a_person_no_rule_maps_is_refused_and_gets_no_account(live_server, page, app):
    sign_in_through_keycloak(page, live_server, UNMAPPED)
    assert page.title().startswith("无权访问本平台")
    assert "尚未获得本平台的使用权限" in page.text_content("[role=alert]")
    assert sso_accounts(app) == 0
    page.goto(f"{live_server}/account")
    assert page.title().startswith("登录")


def test_a_way_back_with_another_state_is_refused(live_server, page, app):
    """Keycloak's answer to this browser's sign-in, its state changed on the way back (as a link made
    for another browser would carry it): refused, though the code in it is a good one. (A route sees
    only the first request of a redirect: the login form's post is taken, and its redirect changed.)"""
    def forged(route):
        answer = route.fetch(max_redirects=0)
        back = answer.headers["location"].replace("state=", "state=forged", 1)
        route.fulfill(response=answer, headers={**answer.headers, "location": back})

    page.route(lambda url: "/login-actions/authenticate" in url, forged)
    sign_in_through_keycloak(page, live_server, DEPARTMENT)
    assert "state=forged" in page.url and page.title().startswith("登录未完成")
    assert "来源不明" in page.text_content("[role=alert]")
    assert sso_accounts(app) == 0
    page.goto(f"{live_server}/account")
    assert page.title().startswith("登录")
