"""Approval takes the record off public search and the entity page; revocation restores it and locks out."""

from tests import factories
from tests.repairs.conftest import PDF


def visible(client, record_id, row):
    """Where the public sees the record: search, the record itself, the entity's records and counts."""
    hits = client.get("/api/v1/search", query_string={"q": row["party_name"], "kind": "record"}).json["items"]
    return {
        "search": record_id in {h["record"]["id"] for h in hits},
        "record": client.get(f"/api/v1/records/{record_id}").status_code == 200,
        "entity_records": record_id in {r["id"] for r in client.get(
            f"/api/v1/enterprises/{row['uscc']}/records").json["items"]},
        "entity_count": client.get(f"/api/v1/enterprises/{row['uscc']}").json["record_counts"]["penalty"],
    }


SHOWN = {"search": True, "record": True, "entity_records": True, "entity_count": 1}
HIDDEN = {"search": False, "record": False, "entity_records": False, "entity_count": 0}


def file_complete(apply, upload, key, record_id) -> dict:
    """File an application with every material supplied; the application."""
    application = apply(key, record_id).json
    for kind in ("performance_proof", "correction_report", "business_licence"):
        upload(key, application["id"], kind, PDF)
    return application


def forwarded(keys, penalty, apply, upload, decide):
    """A penalty whose complete application the reviewer accepted and forwarded to the department."""
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    application = file_complete(apply, upload, key, record_id)
    for action in ("accept", "forward"):
        decide(keys.reviewer, application["id"], action)
    return record_id, row, key, application


def approve(client, keys, penalty, apply, upload, decide):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    application = file_complete(apply, upload, key, record_id)
    steps = [("accept", keys.reviewer), ("forward", keys.reviewer), ("approve", keys.department)]
    seen = [visible(client, record_id, row)]
    for action, actor in steps:
        assert decide(actor, application["id"], action).status_code == 200
        seen.append(visible(client, record_id, row))
    return record_id, row, key, application, seen


def test_the_record_is_shown_until_approval_and_hidden_from_then_on(client, keys, penalty, apply, upload, decide):
    record_id, row, key, _, seen = approve(client, keys, penalty, apply, upload, decide)
    assert seen == [SHOWN, SHOWN, SHOWN, HIDDEN]
    own = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(key)).json
    assert own["status"] == "repaired"  # kept, and its party still sees it (Order 36: never deleted)


def test_revocation_publishes_the_record_again_and_locks_the_applicant_out(
        client, keys, penalty, apply, upload, decide):
    record_id, row, key, application, _ = approve(client, keys, penalty, apply, upload, decide)
    no_reason = decide(keys.reviewer, application["id"], "revoke")
    assert no_reason.status_code == 422
    revoked = decide(keys.reviewer, application["id"], "revoke", reason="提交的缴款凭证系伪造")
    assert revoked.status_code == 200 and revoked.json["state"] == "revoked"
    assert revoked.json["lockout_until"]
    assert visible(client, record_id, row) == SHOWN
    again = apply(key, record_id)
    assert again.status_code == 422 and again.json["errors"][0]["code"] == "locked_out"
    assert again.json["errors"][0]["value"] > revoked.json["lockout_until"]
    history = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(keys.reviewer)).json
    assert history["status"] == "published" and history["version"] == 3  # pushed, repaired, restored


def test_a_rejected_application_leaves_the_record_shown(client, keys, penalty, apply, upload, decide):
    record_id, row, key, application = forwarded(keys, penalty, apply, upload, decide)
    assert decide(keys.department, application["id"], "reject", reason="整改未完成").json["state"] == "rejected"
    assert visible(client, record_id, row) == SHOWN
    assert apply(key, record_id).status_code == 201  # a new application is possible after a rejection


def _report_refs(client, key, uscc, **scope):
    answer = client.post("/api/v1/reports", json={"uscc": uscc, **scope}, headers=factories.auth(key))
    assert answer.status_code == 201, answer.json  # each scope makes a new report
    report = answer.json["report"]
    return report, {r["ref"] for s in report["domains"] for r in s["records"]}


def test_approval_takes_the_record_out_of_special_credit_reports_and_revocation_brings_it_back(
        client, keys, penalty, apply, upload, decide):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    before, refs = _report_refs(client, key, row["uscc"], domains=["transport"])
    assert record_id in refs
    application = file_complete(apply, upload, key, record_id)
    for action, actor in (("accept", keys.reviewer), ("forward", keys.reviewer), ("approve", keys.department)):
        decide(actor, application["id"], action)
    _, refs = _report_refs(client, key, row["uscc"])  # another scope: a new report, not the day's first
    assert record_id not in refs
    verified = client.get(f"/api/v1/reports/{before['number']}/verify",
                          query_string={"code": before["verification_code"]}).json
    assert [c["change"] for c in verified["changes"]] == ["repaired"]
    decide(keys.reviewer, application["id"], "revoke", reason="承诺事项未履行")
    _, refs = _report_refs(client, key, row["uscc"], domains=["transport", "tax"])
    assert record_id in refs


def withdraw(client, keys, record_id):
    answer = client.delete(f"/api/v1/records/{record_id}", json={"reason": "行政处罚决定已被依法撤销"},
                           headers=factories.auth(keys.department))
    assert answer.status_code == 200, answer.json


def status_of(client, keys, record_id):
    return client.get(f"/api/v1/records/{record_id}", headers=factories.auth(keys.reviewer)).json["status"]


def test_a_record_withdrawn_while_forwarded_cannot_be_approved(client, keys, penalty, apply, upload, decide):
    record_id, row, key, application = forwarded(keys, penalty, apply, upload, decide)
    withdraw(client, keys, record_id)
    refused = decide(keys.department, application["id"], "approve")
    assert refused.status_code == 409 and refused.json["code"] == "record_not_repairable"
    assert status_of(client, keys, record_id) == "withdrawn"
    assert client.get(f"/api/v1/repairs/{application['id']}", headers=factories.auth(key)).json["state"] == "forwarded"


def test_revoking_the_repair_of_a_record_withdrawn_since_leaves_it_withdrawn(
        client, keys, penalty, apply, upload, decide):
    record_id, row, _, application, _ = approve(client, keys, penalty, apply, upload, decide)
    withdraw(client, keys, record_id)
    revoked = decide(keys.reviewer, application["id"], "revoke", reason="提交的缴款凭证系伪造")
    assert revoked.status_code == 200 and revoked.json["state"] == "revoked"
    assert status_of(client, keys, record_id) == "withdrawn"
    assert visible(client, record_id, row) == HIDDEN
