"""Filing, each step of the workflow, an objection and its resolution each leave exactly one audit entry."""

from tests import factories
from tests.audit.trail import count, newest
from tests.problems import assert_problem
from tests.repairs.test_objections_and_statistics import object_to

MATERIALS = ("performance_proof", "correction_report", "business_licence")


def test_filing_an_application_leaves_one_repair_file(app, penalty, keys, apply):
    record_id, row = penalty()
    before = count(app, "repair.file")
    application = apply(keys.enterprise(row["uscc"]), record_id).json
    assert count(app, "repair.file") == before + 1
    entry = newest(app, "repair.file")
    assert (entry["object_type"], entry["object_id"], entry["actor_role"]) == (
        "repair", str(application["id"]), "enterprise")
    assert entry["details"]["number"] == application["number"] and entry["details"]["to"] == "submitted"


def test_each_step_of_the_workflow_leaves_one_repair_decide(app, penalty, keys, apply, upload, decide):
    record_id, row = penalty()
    enterprise = keys.enterprise(row["uscc"])
    application = apply(enterprise, record_id).json
    for kind in MATERIALS:
        upload(enterprise, application["id"], kind)
    steps = [("accept", keys.reviewer, "submitted", "accepted"), ("forward", keys.reviewer, "accepted", "forwarded"),
             ("reject", keys.department, "forwarded", "rejected")]
    for action, key, source, target in steps:
        before = count(app, "repair.decide")
        assert decide(key, application["id"], action, reason="整改材料不能证明已纠正失信行为").status_code == 200
        assert count(app, "repair.decide") == before + 1
        details = newest(app, "repair.decide")["details"]
        assert (details["step"], details["from"], details["to"]) == (action, source, target)
    assert details["reason"] == "整改材料不能证明已纠正失信行为"
    before = count(app, "repair.decide")
    # refused: nothing is recorded
    assert_problem(decide(keys.reviewer, application["id"], "close"), 409, "transition_not_allowed")
    assert count(app, "repair.decide") == before


def test_an_objection_leaves_one_objection_file(app, client, penalty, keys):
    record_id, row = penalty()
    before = count(app, "objection.file")
    objection = object_to(client, keys.enterprise(row["uscc"]), record_id).json
    assert count(app, "objection.file") == before + 1
    entry = newest(app, "objection.file")
    assert (entry["object_id"], entry["details"]) == (str(objection["id"]), {"record_id": record_id})


def test_a_resolution_leaves_one_objection_resolve_and_a_withdrawal_its_record_withdraw(app, client, penalty, keys):
    resolved, withdrawn = count(app, "objection.resolve"), count(app, "record.withdraw")
    for outcome, withdrawals in (("upheld", 0), ("withdrawn", 1)):
        record_id, row = penalty()
        objection = object_to(client, keys.enterprise(row["uscc"]), record_id).json
        answer = client.post(f"/api/v1/objections/{objection['id']}/resolution",
                             headers=factories.auth(keys.department),
                             json={"outcome": outcome, "resolution": "经核查"})
        assert answer.status_code == 200, answer.json
        resolved, withdrawn = resolved + 1, withdrawn + withdrawals
        assert (count(app, "objection.resolve"), count(app, "record.withdraw")) == (resolved, withdrawn)
        assert newest(app, "objection.resolve")["details"] == {"record_id": record_id, "outcome": outcome}
