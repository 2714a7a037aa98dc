"""The API works on the platform's day (one clock for views, services and commands), so the rules'
boundaries hold to the day: repair opens on the day the minimum period has run, and a revoked
repair locks the applicant out for exactly twelve months."""

from datetime import date, timedelta

from tests import factories
from tests.repairs.test_effects import file_complete

INTAKE = date(2026, 1, 20)
DECIDED = date(2026, 1, 15)  # serious: under gbf-2025-22 repairable from 2027-01-15, shown until 2029-01-14
REPAIRABLE_FROM = date(2027, 1, 15)


def serious_penalty(penalty):
    return penalty(age=INTAKE - DECIDED, intake=INTAKE, severity="serious")


def eligibility(client, key, record_id):
    return client.get(f"/api/v1/repairs/eligibility?record_id={record_id}", headers=factories.auth(key)).json


def test_repair_opens_on_the_day_the_minimum_period_has_run(app, client, clock, keys, penalty):
    record_id, row = serious_penalty(penalty)
    key = keys.enterprise(row["uscc"])
    clock(app, REPAIRABLE_FROM - timedelta(days=1))
    before = eligibility(client, key, record_id)
    assert (before["eligible"], before["reason"], before["earliest"]) == (False, "too_early", "2027-01-15")
    clock(app, REPAIRABLE_FROM)
    assert eligibility(client, key, record_id)["eligible"] is True


def test_a_revoked_repair_locks_the_applicant_out_for_twelve_months(app, client, clock, keys, penalty, apply,
                                                                      upload, decide):
    record_id, row = serious_penalty(penalty)
    key = keys.enterprise(row["uscc"])
    clock(app, date(2027, 2, 1))
    application = file_complete(apply, upload, key, record_id)
    for action, actor in (("accept", keys.reviewer), ("forward", keys.reviewer), ("approve", keys.department)):
        assert decide(actor, application["id"], action).status_code == 200
    clock(app, date(2027, 3, 10))
    revoked = decide(keys.reviewer, application["id"], "revoke", reason="提交的缴款凭证系伪造").json
    assert revoked["lockout_until"] == "2028-03-09"
    clock(app, date(2028, 3, 9))
    refused = apply(key, record_id)
    assert refused.status_code == 422
    assert (refused.json["errors"][0]["code"], refused.json["errors"][0]["value"]) == ("locked_out", "2028-03-10")
    clock(app, date(2028, 3, 10))
    assert apply(key, record_id).status_code == 201
