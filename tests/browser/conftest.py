"""Fixtures for tests in a real browser: the test app served over HTTP, Debian's Chromium driven by Playwright."""

import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import initialised_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """Pages on SQLite only: they read through the services whose API tests run on both databases."""
    yield from initialised_app("sqlite", tmp_path_factory)


@pytest.fixture(scope="session")
def live_server(app):
    """Base URL of the test app served in a background thread; it sees what the test writes (and commits)."""
    yield from served(app)


def served(app):
    """Serve `app` on a free port of 127.0.0.1 in a background thread: yields its base URL, then stops."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page (own cookies and storage) in a Chinese-locale browser context."""
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_javascript(browser):
    """A page with JavaScript disabled: the public pages must work without it."""
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    yield context.new_page()
    context.close()
