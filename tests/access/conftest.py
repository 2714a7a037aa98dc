"""Fixtures for API keys: an admin's key and a way to call the principals API with it."""

import pytest

from tests import factories


@pytest.fixture
def admin_key(app) -> str:
    return factories.key_for(app, "admin")


@pytest.fixture
def admin(client, admin_key):
    """Call the principals API as the admin: admin(method, path, json=None, key=None) -> response."""

    def _call(method: str, path: str = "", key: str | None = None, **kwargs):
        return client.open(f"/api/v1/principals{path}", method=method, headers=factories.auth(key or admin_key),
                           **kwargs)

    return _call
