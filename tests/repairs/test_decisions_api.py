"""The workflow over HTTP: each step by the role allowed to take it, reasons, the log, concurrency."""

import threading

import pytest

from tests import factories
from tests.problems import assert_problem


def _filed_with_materials(penalty, keys, apply, upload, **overrides):
    record_id, row = penalty(**overrides)
    key = keys.enterprise(row["uscc"])
    application = apply(key, record_id).json
    for kind in ("performance_proof", "correction_report", "business_licence"):
        upload(key, application["id"], kind)
    return application, key, record_id


def test_the_whole_path_each_step_by_its_role(penalty, keys, apply, upload, decide, transport):
    application, enterprise, _ = _filed_with_materials(penalty, keys, apply, upload)
    steps = [("accept", keys.reviewer, "accepted"), ("forward", keys.reviewer, "forwarded"),
             ("approve", keys.department, "approved"), ("close", keys.reviewer, "done")]
    for action, key, state in steps:
        for wrong in {keys.reviewer, keys.department, enterprise, keys.agent} - {key}:
            refused = decide(wrong, application["id"], action)
            # Who cannot follow the application is told it does not exist: the agent that did not
            # file it, and the department until the case is forwarded to it.
            hidden = wrong == keys.agent or (wrong == keys.department and action in ("accept", "forward"))
            assert refused.status_code == (404 if hidden else 403), (action, refused.json)
        answer = decide(key, application["id"], action)
        assert answer.status_code == 200, answer.json
        assert answer.json["state"] == state
    log = answer.json["transitions"]
    assert [(t["from"], t["to"], t["by_role"]) for t in log] == [
        (None, "submitted", "enterprise"), ("submitted", "accepted", "reviewer"), ("accepted", "forwarded", "reviewer"),
        ("forwarded", "approved", "department"), ("approved", "done", "reviewer")]


def test_steps_out_of_order_are_409_and_negative_outcomes_need_a_reason(penalty, keys, apply, upload, decide):
    application, _, _ = _filed_with_materials(penalty, keys, apply, upload)
    out_of_order = decide(keys.reviewer, application["id"], "forward")
    assert out_of_order.status_code == 409 and out_of_order.json["code"] == "transition_not_allowed"
    no_reason = decide(keys.reviewer, application["id"], "not_accept")
    assert no_reason.status_code == 422 and no_reason.json["code"] == "reason_required"
    refused = decide(keys.reviewer, application["id"], "not_accept", reason="申请材料与处罚决定不符")
    assert refused.json["state"] == "not_accepted"
    assert refused.json["transitions"][-1]["reason"] == "申请材料与处罚决定不符"
    assert refused.json["clocks"]["result"]["running"] is False


def test_a_role_that_may_not_decide_is_told_so_before_versions_or_states(penalty, keys, apply, upload, decide):
    application, enterprise, _ = _filed_with_materials(penalty, keys, apply, upload)
    stale = decide(enterprise, application["id"], "accept", version=application["version"] + 5)
    assert stale.status_code == 403 and stale.json["code"] == "role_forbidden"
    filed = apply(keys.agent, penalty()[0]).json
    early = decide(keys.agent, filed["id"], "approve")
    assert early.status_code == 403 and early.json["code"] == "role_forbidden"


def test_only_the_source_department_decides(penalty, keys, apply, upload, decide, app):
    application, _, _ = _filed_with_materials(penalty, keys, apply, upload)
    decide(keys.reviewer, application["id"], "accept")
    decide(keys.reviewer, application["id"], "forward")
    with app.app_context():
        tax = factories.department("tax")
    tax_key = factories.key_for(app, "department", department_uscc=tax["uscc"])
    assert_problem(decide(tax_key, application["id"], "approve"), 404, "repair_not_found")
    rejected = decide(keys.department, application["id"], "reject", reason="未按要求完成整改")
    assert rejected.status_code == 200 and rejected.json["state"] == "rejected"


def test_accepting_needs_every_item_and_says_what_is_missing_at_once(penalty, keys, apply, upload, decide):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    application = apply(key, record_id).json
    missing = decide(keys.reviewer, application["id"], "accept")
    assert missing.status_code == 422
    assert [e["code"] for e in missing.json["errors"]] == ["performance_proof", "correction_report",
                                                           "business_licence"]


@pytest.mark.committed  # the two decide on threads of their own, one waiting for the other's row lock
def test_two_reviewers_deciding_at_once_one_wins_the_other_gets_409(app, penalty, keys, apply, upload):
    application, _, _ = _filed_with_materials(penalty, keys, apply, upload)
    barrier, answers = threading.Barrier(2), []

    def reviewer(action, reason):
        client = app.test_client()
        barrier.wait()
        answers.append(client.post(f"/api/v1/repairs/{application['id']}/decisions",
                                   json={"action": action, "reason": reason, "version": application["version"]},
                                   headers=factories.auth(keys.reviewer)))

    threads = [threading.Thread(target=reviewer, args=("accept", None)),
               threading.Thread(target=reviewer, args=("not_accept", "材料不全"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json["code"] == "conflict" and "刷新" in loser.json["message_zh"]
    winner = next(a for a in answers if a.status_code == 200).json
    assert len(winner["transitions"]) == 2  # submit + the one decision that won


def test_a_stale_version_is_a_conflict(penalty, keys, apply, upload, decide):
    application, _, _ = _filed_with_materials(penalty, keys, apply, upload)
    assert decide(keys.reviewer, application["id"], "accept", version=application["version"]).status_code == 200
    stale = decide(keys.reviewer, application["id"], "forward", version=application["version"])
    assert stale.status_code == 409 and stale.json["code"] == "conflict"


def test_the_department_sees_an_application_only_once_forwarded_to_it(penalty, keys, apply, upload, decide, client):
    application, _, _ = _filed_with_materials(penalty, keys, apply, upload)
    department = factories.auth(keys.department)
    assert_problem(client.get(f"/api/v1/repairs/{application['id']}", headers=department), 404, "repair_not_found")
    decide(keys.reviewer, application["id"], "accept")
    decide(keys.reviewer, application["id"], "forward")
    shown = client.get(f"/api/v1/repairs/{application['id']}", headers=department).json
    assert shown["next_actions"] == ["approve", "reject"]
    assert [a["id"] for a in client.get("/api/v1/repairs", headers=department).json["items"]] == [application["id"]]
