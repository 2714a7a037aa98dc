"""Early removal from a list (移出) as a repair mode: its own minimum period, approval takes the entry off."""

from datetime import date, timedelta
from io import BytesIO

from registry.domain.periods import add_months
from tests import factories
from tests.repairs.conftest import PDF


def entry(client, keys, transport, listed: date) -> tuple[int, dict]:
    row = factories.dishonesty_entry(transport, decision_date=listed.isoformat())
    response = client.post("/api/v1/records", json=row, headers=factories.auth(keys.department))
    assert response.status_code == 200, response.json
    return response.json["results"][0]["id"], row


def eligibility(client, key, record_id):
    return client.get("/api/v1/repairs/eligibility", query_string={"record_id": record_id},
                      headers=factories.auth(key)).json


def test_removal_may_be_asked_for_on_the_day_the_minimum_listing_period_ends_not_the_day_before(
        client, keys, transport):
    today = factories.TODAY
    record_id, row = entry(client, keys, transport, add_months(today, -12) + timedelta(days=1))
    early = eligibility(client, keys.enterprise(row["uscc"]), record_id)
    assert (early["eligible"], early["reason"], early["earliest"]) == (
        False, "too_early", (today + timedelta(days=1)).isoformat())
    record_id, row = entry(client, keys, transport, add_months(today, -12))
    assert eligibility(client, keys.enterprise(row["uscc"]), record_id)["eligible"] is True


def test_an_approved_removal_takes_the_entry_off_public_display(client, keys, transport, apply, decide):
    record_id, row = entry(client, keys, transport, add_months(factories.TODAY, -13))
    enterprise = keys.enterprise(row["uscc"])
    application = apply(enterprise, record_id).json
    assert (application["mode_zh"], application["record"]["kind"]) == ("移出严重失信主体名单", "dishonesty")
    for kind in ("performance_proof", "correction_report", "business_licence"):
        client.post(f"/api/v1/repairs/{application['id']}/materials", headers=factories.auth(enterprise),
                    data={"kind": kind, "file": (BytesIO(PDF), f"{kind}.pdf")})
    for key, action in ((keys.reviewer, "accept"), (keys.reviewer, "forward"), (keys.department, "approve")):
        assert decide(key, application["id"], action).status_code == 200
    assert client.get(f"/api/v1/records/{record_id}").status_code == 404
    assert client.get(f"/api/v1/enterprises/{row['uscc']}/records").json["items"] == []


def test_an_honour_is_not_repaired(client, keys, transport):
    row = factories.honour(transport)
    record_id = client.post("/api/v1/records", json=row, headers=factories.auth(keys.department)).json[
        "results"][0]["id"]
    verdict = eligibility(client, keys.enterprise(row["uscc"]), record_id)
    assert (verdict["eligible"], verdict["reason"]) == (False, "kind_not_repairable")
