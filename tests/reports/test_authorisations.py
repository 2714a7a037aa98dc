"""Bank authorisations: granted and revoked by the enterprise, usable up to their last day."""

from datetime import date, timedelta

import pytest

from registry.reports.rules import is_live
from tests import factories
from tests.problems import assert_problem
from tests.reports.conftest import request_report, years_from_today


def _grant(client, enterprise, bank_uscc, valid_until, purpose="流动资金贷款审批"):
    return client.post(f"/api/v1/enterprises/{enterprise.uscc}/authorisations", headers=enterprise.headers,
                       json={"bank_uscc": bank_uscc, "purpose": purpose, "valid_until": valid_until.isoformat()})


def test_an_authorisation_is_live_up_to_and_including_its_last_day():
    last_day = date(2026, 12, 31)
    assert is_live(last_day, None, last_day - timedelta(days=1))
    assert is_live(last_day, None, last_day)
    assert not is_live(last_day, None, last_day + timedelta(days=1))
    assert not is_live(last_day, object(), last_day)


def test_a_bank_gets_the_report_in_three_renderings_while_authorised(client, enterprise, bank_key, bank_uscc):
    bank = factories.auth(bank_key)
    granted = _grant(client, enterprise, bank_uscc, factories.TODAY)  # today is its last day: still usable
    assert granted.status_code == 201 and granted.json["live"] is True
    other_use = request_report(client, bank, enterprise.uscc, purpose="招投标资格审查")
    assert other_use.status_code == 403 and other_use.json["code"] == "purpose_not_authorised"
    response = request_report(client, bank, enterprise.uscc)
    assert response.status_code == 201
    number = response.json["report"]["number"]
    assert client.get(f"/api/v1/reports/{number}", headers=bank).json == response.json
    pdf = client.get(f"/api/v1/reports/{number}.pdf", headers=bank)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    html = client.get(f"/api/v1/reports/{number}.html", headers=bank)
    assert html.status_code == 200 and number in html.get_data(as_text=True)

    log = client.get(f"/api/v1/enterprises/{enterprise.uscc}/queries", headers=enterprise.headers).json["items"]
    purpose = "流动资金贷款审批"
    assert [(e["action"], e["by"]["uscc"], e["purpose"]) for e in log] == [("view", bank_uscc, purpose)] * 3 + [
        ("request", bank_uscc, purpose)]

    revoked = client.delete(f"/api/v1/enterprises/{enterprise.uscc}/authorisations/{granted.json['id']}",
                            headers=enterprise.headers)
    assert revoked.status_code == 200 and revoked.json["live"] is False
    assert request_report(client, bank, enterprise.uscc).json["code"] == "not_authorised"
    assert client.get(f"/api/v1/reports/{number}", headers=bank).status_code == 404
    again = client.delete(f"/api/v1/enterprises/{enterprise.uscc}/authorisations/{granted.json['id']}",
                          headers=enterprise.headers)
    assert again.status_code == 409


def test_an_expired_authorisation_no_longer_opens_reports(app, client, enterprise, bank_key, bank_uscc):
    from registry.access.services import Viewer
    from registry.reports.access import live_authorisation

    last_day = factories.TODAY + timedelta(days=10)
    _grant(client, enterprise, bank_uscc, last_day)
    with app.app_context():
        bank = Viewer("bank", uscc=bank_uscc)
        assert live_authorisation(bank, enterprise.uscc, last_day) is not None
        assert live_authorisation(bank, enterprise.uscc, last_day + timedelta(days=1)) is None
        assert live_authorisation(Viewer("bank", uscc=factories.new_uscc()), enterprise.uscc, last_day) is None


@pytest.mark.usefixtures("bank_key")  # the bank is known to the platform
def test_an_authorisation_may_run_three_years_to_the_day(client, enterprise, bank_uscc):
    last_day = years_from_today(3)
    assert _grant(client, enterprise, bank_uscc, last_day).status_code == 201
    beyond = _grant(client, enterprise, bank_uscc, last_day + timedelta(days=1))
    assert beyond.status_code == 422 and beyond.json["errors"][0]["code"] == "out_of_range"


def test_granting_is_validated_and_reserved_to_the_enterprise(app, client, enterprise, bank_key, bank_uscc):
    bad = client.post(f"/api/v1/enterprises/{enterprise.uscc}/authorisations", headers=enterprise.headers,
                      json={"bank_uscc": factories.new_uscc(), "purpose": " ",
                            "valid_until": (factories.TODAY - timedelta(days=1)).isoformat()})
    assert bad.status_code == 422
    assert {(e["field"], e["code"]) for e in bad.json["errors"]} == {
        ("bank_uscc", "unknown_bank"), ("purpose", "required"), ("valid_until", "out_of_range")}
    other = factories.key_for(app, "enterprise", uscc=factories.new_uscc())
    foreign = client.post(f"/api/v1/enterprises/{enterprise.uscc}/authorisations", headers=factories.auth(other),
                          json={"bank_uscc": bank_uscc, "purpose": "贷款", "valid_until": factories.TODAY.isoformat()})
    assert foreign.status_code == 403 and foreign.json["code"] == "not_own_enterprise"
    by_bank = client.post(f"/api/v1/enterprises/{enterprise.uscc}/authorisations", headers=factories.auth(bank_key),
                          json={"bank_uscc": bank_uscc, "purpose": "贷款", "valid_until": factories.TODAY.isoformat()})
    assert by_bank.status_code == 403 and by_bank.json["code"] == "role_forbidden"  # a bank cannot authorise itself
    _grant(client, enterprise, bank_uscc, factories.TODAY + timedelta(days=5))
    listed = client.get(f"/api/v1/enterprises/{enterprise.uscc}/authorisations", headers=enterprise.headers).json
    assert [(a["bank_uscc"], a["live"]) for a in listed["items"]] == [(bank_uscc, True)]
    reviewer = factories.key_for(app, "reviewer")
    assert client.get(f"/api/v1/enterprises/{enterprise.uscc}/authorisations",
                      headers=factories.auth(reviewer)).status_code == 200
    assert client.get(f"/api/v1/enterprises/{enterprise.uscc}/queries",
                      headers=factories.auth(other)).status_code == 403
    assert_problem(client.get(f"/api/v1/enterprises/{enterprise.uscc}/queries"), 401, "authentication_required")
