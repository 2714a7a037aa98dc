"""The administrator keeps the change feed's subscribers in Chromium: adds one for a partner's key (its
secret shown once), pauses it, reads its delivery log and replays from a cursor, removes it only after a
confirmation page; the pages pass axe-core at desktop and phone widths, where each row is a card whose
buttons are in view."""

from tests import factories
from tests.browser.conftest import assert_accessible, docs_shot


def test_the_administrator_adds_pauses_and_replays_a_subscriber(app, live_server, page, sign_in_as):
    factories.key_for(app, "partner")
    sign_in_as(page, "admin")
    page.goto(f"{live_server}/workspace")
    page.click(".workspace-menu >> text=数据订阅")
    assert_accessible(page)
    page.select_option("#principal_id", label=page.locator("#principal_id option").first.text_content())
    page.fill("#url", "https://partner.example/registry-hook")
    page.select_option("#kind", "record.repaired")
    page.click("form.stacked button[type=submit]")
    assert page.text_content("#new-secret").startswith("whsec_")
    row = page.locator("table.list tbody tr").last
    assert "事件类型：record.repaired" in row.text_content() and "推送中" in row.text_content()
    row.locator("button", has_text="暂停").click()
    assert "已暂停推送" in page.text_content("[role=status]")
    assert "已暂停" in page.locator("table.list tbody tr").last.text_content()
    docs_shot(page, "admin-subscribers")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    _assert_in_view(page, page.locator("table.list tbody tr").last.locator(".row-actions > *"))

    page.locator("table.list tbody tr").last.locator("text=推送记录").click()
    assert "还没有推送" in page.text_content("[aria-label=推送记录] table")
    assert page.locator("main a", has_text="推送记录").count() == 0  # the log does not link to itself
    page.fill("#cursor-from", "0")
    page.click("form.stacked button[type=submit]")
    assert "已设置重新推送" in page.text_content("[role=status]")
    assert page.text_content("td.state") == "推送中"  # a replay resumes a paused subscriber
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert_accessible(page)


def test_removing_a_subscriber_asks_for_confirmation_first(app, live_server, page, sign_in_as):
    factories.key_for(app, "partner")
    sign_in_as(page, "admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/admin/subscribers")
    page.fill("#url", "https://partner.example/registry-hook")
    page.click("form.stacked button[type=submit]")
    subscriber = page.locator("table.list tbody tr").last.get_attribute("id")

    page.locator(f"#{subscriber}").locator("text=删除…").click()
    assert "删除订阅" in page.text_content("h1")
    _assert_in_view(page, page.locator("form.stacked button", has_text="确认删除"))
    assert_accessible(page)
    page.click("text=取消，返回全部订阅")
    assert page.locator(f"#{subscriber}").count() == 1  # cancelling removes nothing

    page.locator(f"#{subscriber}").locator("text=删除…").click()
    page.click("text=确认删除")
    assert "已删除订阅" in page.text_content("[role=status]")
    assert page.locator(f"#{subscriber}").count() == 0
    assert "还没有订阅" in page.text_content("table.list")


def _assert_in_view(page, elements) -> None:
    """Each element lies inside the viewport's width (not scrolled off to the side)."""
    width = page.viewport_size["width"]
    assert elements.count()
    for index in range(elements.count()):
        box = elements.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (index, box, width)
