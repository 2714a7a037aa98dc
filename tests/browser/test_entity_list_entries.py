"""The public entity page with list entries and commitments, in a real browser: badges, fields, axe, a phone."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import assert_accessible, docs_shot

# Where to save the page at 1280 and 390 px to look at (unset: no screenshots).
SHOTS = os.environ.get("REGISTRY_REVIEW_SHOTS", "")


@pytest.fixture
def listed_company(push, department) -> str:
    """A company on the serious-dishonesty list, with an honour, a broken commitment and a penalty."""
    party = {"uscc": factories.new_uscc(), "party_name": "通辽市恒瑞农资有限公司"}
    rows = [factories.entry(department, "dishonesty", **party),
            factories.entry(department, "honour", list_name="守合同重信用企业", **party),
            factories.entry(department, "commitment", commitment_state="未履约", **party),
            factories.penalty(department, **party)]
    assert push(rows).status_code == 200
    return party["uscc"]


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_the_entity_page_shows_list_entries_with_badges_accessibly(page, live_server, listed_company):
    page.goto(f"{live_server}/enterprises/{listed_company}")
    expect(page.locator(".record")).to_have_count(4)
    expect(page.locator(".record-honour .list-badge")).to_have_text("正面信息")
    expect(page.locator(".record-dishonesty .list-badge")).to_have_text("严重失信")
    expect(page.locator(".record-commitment .list-badge")).to_have_text("未履行承诺")
    expect(page.locator(".record-dishonesty")).to_contain_text("列入事由")
    assert_accessible(page)
    docs_shot(page, "public-entity-lists")
    _shot(page, "entity-lists-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off a phone's screen
    assert_accessible(page)
    _shot(page, "entity-lists-390")
