"""An integrator opens the API docs on an intranet: the page and every file it loads come from the registry."""

from urllib.parse import urlsplit

from playwright.sync_api import expect


def test_the_api_docs_page_renders_the_endpoints_from_the_registry_alone(live_server, page):
    hosts, refused = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(live_server + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Credit Registry API")
    expect(page.locator(".opblock-tag").first).to_be_visible()
    assert hosts == {urlsplit(live_server).netloc} and refused == []
