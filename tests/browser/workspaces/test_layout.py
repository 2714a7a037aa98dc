"""Every role signs in to its own workspace; a person of another role is refused its pages."""

import pytest

from registry.domain import uscc
from tests.browser.conftest import assert_accessible

HOMES = {"department": ("/department", "数据报送工作台"), "enterprise": ("/enterprise", "企业信用工作台"),
         "agent": ("/enterprise", "企业信用工作台"), "bank": ("/bank", "金融机构工作台"),
         "reviewer": ("/review", "信用中心审核工作台")}
BINDINGS = {"department": {"department_uscc": "11150500011620002E"},
            "enterprise": {"uscc": uscc.make("91", "150502", "MA0TEBT01")},
            "agent": {"district_code": "150521"}, "bank": {}, "reviewer": {}}


@pytest.mark.parametrize("role", sorted(HOMES))
def test_the_workspace_link_leads_each_role_to_its_own_workspace(live_server, page, sign_in_as, role):
    sign_in_as(page, role, **BINDINGS[role])
    page.click("header >> text=工作台")
    path, heading = HOMES[role]
    assert page.url == f"{live_server}{path}"
    assert page.text_content("h1") == heading
    assert page.locator(".workspace-menu [aria-current=page]").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("role, other", [("enterprise", "/department"), ("bank", "/review"),
                                         ("department", "/bank"), ("reviewer", "/enterprise")])
def test_another_roles_workspace_is_refused(live_server, page, sign_in_as, role, other):
    sign_in_as(page, role, **BINDINGS[role])
    answer = page.goto(f"{live_server}{other}")
    assert answer.status == 403 and page.text_content("h1") == "无权访问"


def test_a_visitor_who_is_not_signed_in_is_asked_to_sign_in_first(live_server, page):
    page.goto(f"{live_server}/department")
    assert page.title().startswith("登录") and page.url.endswith("/signin?next=/department")


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("role", sorted(HOMES) + ["admin"])
def test_every_page_of_the_menu_and_the_account_page_fit_a_phone(live_server, browser, sign_in_as, role):
    """At 390 px nothing makes the page scroll sideways (wide tables scroll inside their own box)."""
    page = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    sign_in_as(page, role, **BINDINGS.get(role, {}))
    page.goto(f"{live_server}{HOMES.get(role, ('/account',))[0]}")
    paths = {"/account"} | {link.get_attribute("href") for link in page.locator(".workspace-menu a").all()}
    for path in sorted(paths):
        page.goto(f"{live_server}{path}")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= PHONE["width"], f"{path} is {wide} px wide on a {PHONE['width']} px phone"
    page.context.close()
