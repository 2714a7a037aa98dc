"""Security headers on pages and API answers alike, and pages that need no inline script."""

import re
from pathlib import Path

import pytest

import registry

TEMPLATES = sorted(Path(registry.__file__).parent.rglob("templates/**/*.html"))


@pytest.mark.parametrize("path", ["/", "/signin", "/api/v1/enterprises/91150502MA0000000X", "/healthz", "/nowhere"])
def test_every_answer_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS only over HTTPS


def test_over_https_the_answer_asks_browsers_to_stay_on_it(client):
    assert client.get("/", base_url="https://credit.example").headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_template_holds_a_script_of_its_own():
    """Scripts come from files of the site (the policy allows no inline script), never inside a page."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)")
    assert len(TEMPLATES) > 10
    assert [t.name for t in TEMPLATES if inline.search(t.read_text(encoding="utf-8"))] == []
