"""List entries and credit commitments pushed, read, removed and left off display, through the API."""

from datetime import timedelta

import pytest

from registry.domain.periods import add_months
from tests import factories

MAKERS = {"dishonesty": factories.dishonesty_entry, "abnormal": factories.abnormal_entry,
          "honour": factories.honour, "commitment": factories.commitment}


@pytest.mark.parametrize("kind", MAKERS)
def test_each_kind_is_pushed_read_back_and_public(push, client, department, kind):
    row = MAKERS[kind](department)
    response = push(row)
    assert response.status_code == 200, response.json
    shown = client.get(f"/api/v1/records/{response.json['results'][0]['id']}").json
    assert (shown["kind"], shown["status"], shown["decision_no"]) == (kind, "published", row["decision_no"])
    own = {k: v for k, v in row.items()
           if k in ("list_name", "listing_reason", "commitment_matter", "commitment_state")}
    assert {k: shown[k] for k in own} == own
    assert "penalty_types" not in shown and "violation_type" not in shown
    listed = client.get(f"/api/v1/enterprises/{row['uscc']}/records").json["items"]
    assert [r["kind"] for r in listed] == [kind]


def test_a_dishonesty_entry_is_serious_repairable_after_a_year_and_ends_after_three(push, client, department):
    listed = factories.TODAY - timedelta(days=30)
    row = factories.dishonesty_entry(department, decision_date=listed.isoformat())
    shown = client.get(f"/api/v1/records/{push(row).json['results'][0]['id']}").json
    assert shown["publicity"] == {"severity": "serious", "rule_set": "lists", "start": listed.isoformat(),
                                  "repairable_from": add_months(listed, 12).isoformat(),
                                  "end": add_months(listed, 36).isoformat()}


@pytest.mark.parametrize("change, field, code", [
    ({"list_name": ""}, "list_name", "required"),
    ({"listing_reason": None}, "listing_reason", "required"),
    ({"removed_on": "2026-01-05"}, "removal_reason", "required"),
    ({"removal_reason": "已履行"}, "removed_on", "required"),
    ({"decision_date": "2026-01-05", "removed_on": "2026-01-04", "removal_reason": "已履行"}, "removed_on",
     "date_order"),
    ({"removed_on": "tomorrow", "removal_reason": "已履行"}, "removed_on", "date_in_future"),
])
def test_a_bad_entry_names_its_field_and_nothing_is_saved(push, department, change, field, code):
    # "tomorrow" is read when the test runs, not when it is collected (a run may cross midnight).
    change = {k: (factories.TODAY + timedelta(days=1)).isoformat() if v == "tomorrow" else v for k, v in change.items()}
    good = factories.dishonesty_entry(department)
    bad = factories.dishonesty_entry(department, **change)
    response = push({"records": [good, bad]})
    assert response.status_code == 422
    errors = [(e["index"], e["field"], e["code"]) for e in response.json["errors"]]
    assert (1, field, code) in errors and all(index == 1 for index, _, _ in errors)


def test_a_commitment_needs_its_type_matter_and_content_in_the_national_words(push, department):
    bad = factories.commitment(department, commitment_type="口头承诺", commitment_matter="")
    errors = {(e["field"], e["code"]) for e in push(bad).json["errors"]}
    assert errors == {("commitment_type", "invalid_choice"), ("commitment_matter", "required")}


def test_only_market_supervision_sends_abnormal_operation_entries(app, push, department):
    assert push(factories.abnormal_entry(department)).status_code == 200
    with app.app_context():
        tax = factories.department("tax")
    tax_key = factories.key_for(app, "department", department_uscc=tax["uscc"])
    refused = push(factories.abnormal_entry(tax), key=tax_key)
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [("kind", "kind_not_for_department")]
    assert "经营异常名录只能由市场监管部门报送" in refused.json["errors"][0]["message_zh"]


def test_a_removal_takes_the_entry_off_every_public_answer_and_keeps_its_history(push, client, department,
                                                                              department_key):
    row = factories.dishonesty_entry(department)
    record_id = push(row).json["results"][0]["id"]
    removed = {**row, "removed_on": factories.TODAY.isoformat(), "removal_reason": "信用修复，提前移出"}
    assert push(removed).json["counts"]["updated"] == 1
    assert client.get(f"/api/v1/records/{record_id}").status_code == 404
    assert client.get(f"/api/v1/enterprises/{row['uscc']}/records").json["items"] == []
    own = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(department_key)).json
    assert (own["removed_on"], own["removal_reason"], own["version"]) == (
        factories.TODAY.isoformat(), "信用修复，提前移出", 2)


def test_an_entry_leaves_display_on_its_end_without_the_sweep(app, push, client, clock, department):
    listed = factories.TODAY - timedelta(days=20)
    row = factories.honour(department, decision_date=listed.isoformat(), valid_to=(listed + timedelta(days=40))
                           .isoformat())
    record_id = push(row).json["results"][0]["id"]
    clock(app, listed + timedelta(days=40))
    assert client.get(f"/api/v1/records/{record_id}").json["status"] == "published"
    clock(app, listed + timedelta(days=41))
    assert client.get(f"/api/v1/records/{record_id}").status_code == 404
    assert client.get(f"/api/v1/enterprises/{row['uscc']}/records").json["items"] == []


def test_resending_an_unchanged_entry_changes_nothing(push, department):
    row = factories.commitment(department)
    push(row)
    assert push(row).json["counts"] == {"inserted": 0, "updated": 0, "unchanged": 1}


def test_a_list_entry_added_and_removed_reads_in_the_change_feed(push, client, department):
    row = factories.dishonesty_entry(department)
    record_id = push(row).json["results"][0]["id"]
    push({**row, "removed_on": factories.TODAY.isoformat(), "removal_reason": "信用修复，提前移出"})
    events = [e for e in client.get("/api/v1/changes", query_string={"after": 0, "record_kind": "dishonesty"})
              .json["events"] if e["record_id"] == record_id]
    assert [e["kind"] for e in events] == ["record.published", "record.updated"]
    assert {"removed_on", "removal_reason"} <= set(events[1]["fields"])
    assert [(e["visible"], e["record"]) for e in events] == [(False, None), (False, None)]  # off display now
