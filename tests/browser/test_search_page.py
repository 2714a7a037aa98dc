"""A member of the public searches in a real browser: box, filters with counts, highlights, entity page, pages."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import docs_shot


@pytest.fixture
def companies(push, client, department):
    """Thirty penalties of 通辽市兴旺农牧业有限公司 (one entity) and one of another 兴旺 company, in two domains."""
    with client.application.app_context():
        tax = factories.department("tax")
    tax_key = factories.key_for(client.application, "department", department_uscc=tax["uscc"])
    target = factories.penalty(department, party_name="通辽市兴旺农牧业有限公司")
    same = {key: target[key] for key in ("party_name", "uscc")}
    assert push([target] + [factories.penalty(department, **same) for _ in range(24)]).status_code == 200
    taxed = [factories.penalty(tax, authority=tax["name"], authority_uscc=tax["uscc"], source_unit=tax["name"],
                               source_unit_uscc=tax["uscc"], decision_no=f"通税罚〔2026〕{n}号", **same)
             for n in range(1, 6)]
    assert push(taxed, key=tax_key).status_code == 200
    assert push(factories.penalty(department, party_name="通辽市兴旺建材有限公司")).status_code == 200
    return target


def search_for(page, base_url: str, text: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("searchbox").fill(text)
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url(re.compile(r"q="))


def walk_from_search_to_records(page, base_url: str, target: dict) -> None:
    search_for(page, base_url, "兴旺")
    expect(page.locator("#total")).to_have_text("33")  # 2 entities + 31 records
    expect(page.locator(".hit em").first).to_have_text("兴旺")
    docs_shot(page, "public-search")

    page.locator('[data-facet="domain"]').get_by_role("link", name="税务").click()
    expect(page.locator("#total")).to_have_text("6")  # its 5 records and the entity that has them
    expect(page.locator('[data-facet="domain"] li.chosen')).to_contain_text("（取消）")

    page.locator('[data-facet="domain"]').get_by_role("link", name="税务").click()  # lifts the filter
    expect(page.locator("#total")).to_have_text("33")
    page.get_by_role("link", name="下一页").click()
    expect(page.locator(".total")).to_contain_text("第 2 页")
    expect(page.locator(".hit")).to_have_count(13)

    search_for(page, base_url, "xingwangnongmu")
    page.locator(".hit-entity h3 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(target["party_name"])
    expect(page.locator("h2")).to_contain_text("共 30 条")
    expect(page.locator(".record")).to_have_count(20)
    page.locator(".domains").get_by_role("link", name=re.compile("税务")).click()
    expect(page.locator(".record")).to_have_count(5)


def test_search_filter_and_open_an_entity(page, live_server, companies):
    walk_from_search_to_records(page, live_server, companies)


def test_the_same_walk_works_without_javascript(page_without_javascript, live_server, companies):
    walk_from_search_to_records(page_without_javascript, live_server, companies)
