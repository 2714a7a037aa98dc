"""Fixtures for tests in a real browser: the test app served over HTTP, Debian's Chromium driven by Playwright."""

import os
import threading
from pathlib import Path

import psycopg
import pyotp
import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from tests.conftest import BACKENDS, initialised_app
from tests.people import PASSWORD, new_person
from tests.services import postgres_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_generate_tests(metafunc):
    """A journey marked both_databases runs on SQLite and on PostgreSQL; other browser tests on SQLite
    (the pages read through the services whose API tests run on both)."""
    if metafunc.definition.get_closest_marker("both_databases") and "app" in metafunc.fixturenames:
        metafunc.parametrize("app", BACKENDS, indirect=True, scope="session")


@pytest.fixture(scope="session")
def app(request, tmp_path_factory):
    backend = getattr(request, "param", "sqlite")
    overrides = {"DATABASE_URL": browser_database()} if backend == "postgresql" else None
    yield from initialised_app(backend, tmp_path_factory, overrides)


def browser_database() -> str:
    """A PostgreSQL database of the browser tests' own: the API tests' session app has the test
    database, and each session app empties its database's schema when it starts."""
    server = make_url(postgres_url())
    name = f"{server.database}_browser"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                               "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
    return server.set(database=name).render_as_string(hide_password=False)


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


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def sign_in_as(app, live_server):
    """sign_in_as(page, role, name=..., **binding) -> email: make a person of `role` (bound as given)
    whose first sign-in is behind them, and sign `page` in as that person, second factor and all."""

    def _sign_in(page, role, name="测试人员", **binding):
        email, secret = new_person(app, role, name, **binding)
        page.goto(f"{live_server}/signin")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        if secret:
            page.fill("#code", pyotp.TOTP(secret).now())
            page.click("button[type=submit]")
        assert page.locator("header nav.person").text_content().count(name) == 1, "not signed in"
        return email

    return _sign_in


def assert_accessible(page) -> None:
    """axe-core (npm) finds no serious or critical violation on the page as it is now."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}: " + "; ".join(bad)


# --- Screenshots for the user guides (docs/img) ---------------------------------------------------
DOCS_SHOTS = os.environ.get("REGISTRY_DOCS_SHOTS", "")


def docs_shot(page, name: str) -> None:
    """Save the page as it is now as <REGISTRY_DOCS_SHOTS>/<name>.png, for the user guides; a no-op
    unless that variable names a folder (`REGISTRY_DOCS_SHOTS=docs/img pytest tests/browser`)."""
    if DOCS_SHOTS:
        Path(DOCS_SHOTS).mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        height = min(page.evaluate("document.documentElement.scrollHeight"), 1600)  # long lists: their top
        page.screenshot(path=str(Path(DOCS_SHOTS) / f"{name}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": 1280, "height": height})
