"""Objections (异议申诉) until the department resolves them; statistics for reviewers."""

import json

import pytest

from registry.access.services import authenticate
from registry.errors import Forbidden
from registry.extensions import db
from registry.repairs.objections import resolve_objection
from tests import factories
from tests.problems import assert_problem
from tests.repairs.conftest import PDF


def object_to(client, key, record_id, reason="处罚决定书文号与本单位不符"):
    return client.post("/api/v1/objections", json={"record_id": record_id, "reason": reason},
                       headers=factories.auth(key))


def test_a_disputed_record_shows_under_objection_until_upheld(client, penalty, keys):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    objection = object_to(client, key, record_id)
    assert objection.status_code == 201 and objection.json["state"] == "open"
    assert client.get(f"/api/v1/records/{record_id}").json["under_objection"] is True
    assert client.get(f"/api/v1/enterprises/{row['uscc']}/records").json["items"][0]["under_objection"] is True
    assert object_to(client, key, record_id).status_code == 409
    enterprise_try = client.post(f"/api/v1/objections/{objection.json['id']}/resolution", headers=factories.auth(key),
                                 json={"outcome": "upheld", "resolution": "经核查"})
    assert enterprise_try.status_code == 403
    upheld = client.post(f"/api/v1/objections/{objection.json['id']}/resolution",
                         headers=factories.auth(keys.department),
                         json={"outcome": "upheld", "resolution": "经核查，原处罚信息准确"})
    assert upheld.status_code == 200 and upheld.json["state"] == "upheld"
    assert client.get(f"/api/v1/records/{record_id}").json["under_objection"] is False


def test_a_withdrawal_resolves_the_objection_and_takes_the_record_off_display(client, penalty, keys):
    record_id, row = penalty()
    objection = object_to(client, keys.enterprise(row["uscc"]), record_id).json
    reviewer_try = client.post(f"/api/v1/objections/{objection['id']}/resolution",
                               headers=factories.auth(keys.reviewer),
                               json={"outcome": "withdrawn", "resolution": "处罚决定已撤销"})
    assert_problem(reviewer_try, 403, "not_source_department")
    withdrawn = client.post(f"/api/v1/objections/{objection['id']}/resolution",
                            headers=factories.auth(keys.department),
                            json={"outcome": "withdrawn", "resolution": "处罚决定已被依法撤销"})
    assert withdrawn.status_code == 200 and withdrawn.json["state"] == "withdrawn"
    assert client.get(f"/api/v1/records/{record_id}").status_code == 404
    shown = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(keys.reviewer)).json
    assert shown["status"] == "withdrawn" and shown["under_objection"] is False


def test_a_refused_withdrawal_leaves_the_objection_open_whatever_is_committed_next(app, client, penalty, keys):
    record_id, row = penalty()
    objection = object_to(client, keys.enterprise(row["uscc"]), record_id).json
    with app.app_context():
        with pytest.raises(Forbidden):
            resolve_objection(authenticate(keys.reviewer), objection["id"], "withdrawn", "处罚决定已撤销")
        db.session.commit()  # the caller's next commit (a CLI, a job) must not carry a half-made resolution
    shown = client.get(f"/api/v1/objections/{objection['id']}", headers=factories.auth(keys.reviewer)).json
    assert shown["state"] == "open" and shown["resolution"] is None
    assert client.get(f"/api/v1/records/{record_id}").json["under_objection"] is True


def test_other_enterprises_can_neither_dispute_nor_see_an_objection(client, penalty, keys):
    record_id, row = penalty()
    stranger = keys.enterprise(factories.new_uscc())
    assert object_to(client, stranger, record_id).status_code == 404
    objection = object_to(client, keys.enterprise(row["uscc"]), record_id).json
    assert_problem(client.get(f"/api/v1/objections/{objection['id']}", headers=factories.auth(stranger)),
                   404, "objection_not_found")


def test_only_the_enterprise_itself_disputes_and_never_a_withdrawn_record(client, penalty, keys):
    record_id, row = penalty()
    refused = object_to(client, keys.agent, record_id)
    assert refused.status_code == 403 and refused.json["code"] == "role_forbidden"
    assert client.get(f"/api/v1/records/{record_id}").json["under_objection"] is False
    withdrawn = client.delete(f"/api/v1/records/{record_id}", json={"reason": "行政处罚决定已被依法撤销"},
                              headers=factories.auth(keys.department))
    assert withdrawn.status_code == 200
    late = object_to(client, keys.enterprise(row["uscc"]), record_id)
    assert late.status_code == 409 and late.json["code"] == "record_withdrawn"
    shown = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(keys.reviewer)).json
    assert shown["under_objection"] is False


def test_statistics_count_by_state_department_district_and_month(client, penalty, keys, apply, upload, decide,
                                                                   transport):
    numbers = []
    for outcome in ("approve", "reject", None):
        record_id, row = penalty()
        key = keys.enterprise(row["uscc"])
        application = apply(key, record_id).json
        numbers.append(application["number"])
        if outcome:
            for kind in ("performance_proof", "correction_report", "business_licence"):
                upload(key, application["id"], kind, PDF)
            decide(keys.reviewer, application["id"], "accept")
            decide(keys.reviewer, application["id"], "forward")
            decide(keys.department, application["id"], outcome, reason="整改未完成")
    assert client.get("/api/v1/repairs/statistics", headers=factories.auth(keys.department)).status_code == 403
    figures = client.get("/api/v1/repairs/statistics", headers=factories.auth(keys.reviewer)).json
    assert figures["total"] == 3 and figures["repaired"] == 1 and figures["overdue"] == 0
    assert figures["by_state"] == {"approved": 1, "rejected": 1, "submitted": 1}
    assert figures["by_department"] == {transport["name"]: 3}
    assert figures["by_district"] == {"150502": 3}
    assert figures["by_month"] == {f"{factories.TODAY:%Y-%m}": 3}
    assert figures["median_days_to_decision"] == 0


def test_the_demo_city_gets_decided_repair_cases(cli, client, penalty, keys):
    pushed = [penalty()[0] for _ in range(6)]
    result = cli("repairs", "demo", "--count", 4, "--seed", 7)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"applications": 4}
    figures = client.get("/api/v1/repairs/statistics", headers=factories.auth(keys.reviewer)).json
    assert figures["total"] == 4 and sum(figures["by_state"].values()) == 4
    assert set(figures["by_state"]) <= {"done", "rejected", "not_accepted", "submitted"}
    repaired = [r for r in pushed if client.get(f"/api/v1/records/{r}").status_code == 404]
    assert len(repaired) == figures["by_state"].get("done", 0)
    assert json.loads(cli("repairs", "demo", "--count", 10).output) == {"applications": 2}  # the rest only
