"""Repair fixtures: a transport department (no market-supervision track), keys for every role, records."""

from datetime import timedelta

import pytest

from registry.access.services import authenticate
from registry.records.services import push_records
from tests import factories

# A fine (general severity) of a transport department, decided this long ago: under gbf-2025-22 it
# is published for 1 year and repairable after 3 months, so it is repairable today.
REPAIRABLE_AGE = timedelta(days=150)


@pytest.fixture
def transport(app):
    with app.app_context():
        return factories.department("transport")


@pytest.fixture
def keys(app, transport):
    """API keys by role; `enterprise(uscc)` makes one for a given enterprise."""

    class Keys:
        department = factories.key_for(app, "department", department_uscc=transport["uscc"])
        reviewer = factories.key_for(app, "reviewer")
        agent = factories.key_for(app, "agent", district_code="150521")
        admin = factories.key_for(app, "admin")

        @staticmethod
        def enterprise(uscc):
            return factories.key_for(app, "enterprise", uscc=uscc)

    return Keys


@pytest.fixture
def penalty(app, client, transport, keys):
    """Push a transport penalty decided `age` before its intake; returns (record id, the row pushed).
    The intake is today, through the API, or the given day, through the service (a record's status
    is set at intake, so a test on fixed days would otherwise start failing once its record expires)."""

    def _penalty(age=REPAIRABLE_AGE, intake=None, **overrides):
        row = factories.penalty(transport, decision_date=((intake or factories.TODAY) - age).isoformat(),
                                violation_type="未按规定办理道路运输经营许可", penalty_types="罚款",
                                facts="经查，当事人未取得道路运输经营许可擅自从事道路货物运输经营。", **overrides)
        if intake is None:
            response = client.post("/api/v1/records", json=row, headers=factories.auth(keys.department))
            assert response.status_code == 200, response.json
            return response.json["results"][0]["id"], row
        with app.app_context():
            return push_records(authenticate(keys.department), [row], today=intake)["results"][0]["id"], row

    return _penalty


@pytest.fixture
def apply(client):
    def _apply(key, record_id, sign=True):
        return client.post("/api/v1/repairs", json={"record_id": record_id, "sign_commitment": sign},
                           headers=factories.auth(key))

    return _apply


@pytest.fixture
def decide(client):
    def _decide(key, application_id, action, reason=None, version=None):
        body = {"action": action, **({"reason": reason} if reason else {}),
                **({"version": version} if version is not None else {})}
        return client.post(f"/api/v1/repairs/{application_id}/decisions", json=body, headers=factories.auth(key))

    return _decide


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def upload(client):
    def _upload(key, application_id, kind, content=PDF, filename="proof.pdf"):
        from io import BytesIO

        return client.post(f"/api/v1/repairs/{application_id}/materials",
                           data={"kind": kind, "file": (BytesIO(content), filename)},
                           content_type="multipart/form-data", headers=factories.auth(key))

    return _upload
