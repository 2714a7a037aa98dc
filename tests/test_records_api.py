"""Pushing records and reading them back, as a department, the public and the enterprise."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests import factories
from tests.problems import assert_problem


def test_push_one_penalty_then_read_it_back(push, client, department):
    record = factories.penalty(department)
    response = push(record)
    assert response.status_code == 200, response.json
    assert response.json["counts"] == {"inserted": 1, "updated": 0, "unchanged": 0}
    record_id = response.json["results"][0]["id"]

    shown = client.get(f"/api/v1/records/{record_id}").json
    assert shown["decision_no"] == record["decision_no"]
    assert shown["party_name"] == record["party_name"]
    assert shown["party_category"] == "legal_person"
    assert shown["penalty_types"] == ["警告", "罚款"]
    assert shown["fine_amount"] == "0.500000"
    assert shown["department"]["uscc"] == department["uscc"]
    assert shown["domain"]["key"] == "market_supervision"


def test_resending_the_same_record_changes_nothing(push, department):
    record = factories.penalty(department)
    first = push(record).json["results"][0]
    again = push(record).json
    assert again["counts"] == {"inserted": 0, "updated": 0, "unchanged": 1}
    assert again["results"][0]["id"] == first["id"]


def test_changed_record_is_updated_and_keeps_its_history(push, client, department, app):
    record = factories.penalty(department)
    record_id = push(record).json["results"][0]["id"]
    changed = {**record, "penalty_content": "给予警告，并处罚款人民币八千元", "fine_amount": "0.8"}
    response = push(changed).json
    assert response["counts"]["updated"] == 1 and response["results"][0]["id"] == record_id

    shown = client.get(f"/api/v1/records/{record_id}").json
    assert shown["version"] == 2 and shown["fine_amount"] == "0.800000"
    with app.app_context():
        from registry.extensions import db
        from registry.records.models import RecordVersion

        history = db.session.query(RecordVersion).filter_by(record_id=record_id).all()
        assert [(h.version, h.change, Decimal(str(h.data["fine_amount"]))) for h in history] == [
            (1, "update", Decimal("0.5"))]


def test_batch_with_errors_saves_nothing_and_names_each_row_and_field(push, client, department):
    good = factories.penalty(department)
    bad_code = factories.penalty(department, uscc="91110000600037341X")
    missing = factories.penalty(department)
    del missing["facts"]
    bad_date = factories.penalty(department, decision_date="2024-02-30")
    response = push({"records": [good, bad_code, missing, bad_date]})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json
    assert problem["code"] == "validation_failed"
    assert {(e["index"], e["field"], e["code"]) for e in problem["errors"]} == {
        (1, "uscc", "uscc_check"), (2, "facts", "required"), (3, "decision_date", "invalid_date")}
    assert "expected 'L'" in next(e for e in problem["errors"] if e["index"] == 1)["message_en"]
    assert_problem(client.get(f"/api/v1/enterprises/{good['uscc']}"), 404, "enterprise_not_found")


def test_batch_as_a_list_and_the_size_limit(push, department, app):
    assert push([factories.penalty(department), factories.licence(department)]).json["counts"]["inserted"] == 2
    empty = push({"records": []})
    assert empty.status_code == 422 and empty.json["code"] == "batch_size"
    limit = app.config["REGISTRY"].BATCH_MAX
    rows = [factories.penalty(department) for _ in range(limit + 1)]
    too_many = push(rows)
    assert too_many.status_code == 422 and too_many.json["code"] == "batch_size"
    assert push(rows[:limit]).json["counts"]["inserted"] == limit


def test_department_may_only_send_its_own_records(app, push, department):
    with app.app_context():
        other = factories.department("tax")
    response = push(factories.penalty(department, source_unit_uscc=other["uscc"], source_unit=other["name"]))
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "foreign_source_unit"


def test_unknown_fields_and_future_dates_are_reported(push, department):
    tomorrow = (factories.TODAY + timedelta(days=1)).isoformat()
    response = push(factories.penalty(department, decision_date=tomorrow, amount_fine="1"))
    codes = {(e["field"], e["code"]) for e in response.json["errors"]}
    assert codes == {("decision_date", "date_in_future"), ("amount_fine", "unknown_field")}


def test_pushing_needs_a_department_key(client, app, department):
    record = factories.penalty(department)
    anonymous = client.post("/api/v1/records", json=record)
    assert anonymous.status_code == 401 and anonymous.json["code"] == "authentication_required"
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    bank_key = factories.key_for(app, "bank")
    as_bank = client.post("/api/v1/records", json=record, headers=factories.auth(bank_key))
    assert as_bank.status_code == 403
    forged = client.post("/api/v1/records", json=record, headers=factories.auth("crk_not-a-real-key"))
    assert forged.status_code == 401 and forged.json["code"] == "invalid_api_key"
    assert forged.headers["WWW-Authenticate"] == "Bearer"
    wrong_method = client.put("/api/v1/records", json=record)
    assert wrong_method.status_code == 405 and wrong_method.mimetype == "application/problem+json"
    assert set(wrong_method.headers["Allow"].split(", ")) >= {"POST"}


def test_body_that_is_not_json_is_a_clear_error(client, department_key):
    response = client.post("/api/v1/records", data="not json", headers={**factories.auth(department_key),
                                                                        "Content-Type": "application/json"})
    assert response.status_code == 400 and response.json["code"] == "invalid_json"
    assert response.json["message_zh"]


@pytest.mark.parametrize(("method", "url", "sender"), [
    ("post", "/api/v1/records", "department"), ("delete", "/api/v1/records/1", "department"),
    ("post", "/api/v1/objections", "enterprise"), ("post", "/api/v1/repairs", "enterprise")])
def test_a_body_nested_too_deeply_is_invalid_json_not_a_server_error(app, client, department_key, method, url,
                                                                     sender):
    key = department_key if sender == "department" else factories.key_for(app, sender, uscc=factories.new_uscc())
    response = getattr(client, method)(url, data="[" * 100000, headers={**factories.auth(key),
                                                                       "Content-Type": "application/json"})
    assert response.status_code == 400 and response.json["code"] == "invalid_json"


def test_the_caller_is_checked_before_the_body(client, department_key):
    anonymous = client.post("/api/v1/repairs", json={})
    assert anonymous.status_code == 401 and anonymous.json["code"] == "authentication_required"
    wrong_role = client.post("/api/v1/repairs", json={}, headers=factories.auth(department_key))
    assert wrong_role.status_code == 403 and wrong_role.json["code"] == "role_forbidden"


def test_dates_and_amounts_in_the_forms_departments_send(push, client, department, department_key):
    record = factories.penalty(department, decision_date="2024年3月5日", fine_amount="1,234.5",
                               penalty_types="警告、罚款")
    record_id = push(record).json["results"][0]["id"]
    # Read back as its department: the public stops seeing it once its publicity ends (2027-03-05).
    shown = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(department_key)).json
    assert shown["decision_date"] == "2024-03-05"
    assert shown["fine_amount"] == "1234.500000"
    assert shown["penalty_types"] == ["警告", "罚款"]


@pytest.mark.parametrize(("field", "value"), [("decision_date", "2024"), ("decision_date", "20240"),
                                              ("decision_date", 2024), ("fine_amount", "0,5"),
                                              ("fine_amount", "12,5"), ("fine_amount", "1,2,3")])
def test_a_year_or_a_decimal_comma_is_refused_not_stored_as_another_value(push, department, field, value):
    response = push(factories.penalty(department, **{field: value}))
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json["errors"]] == [(field, f"invalid_{field.split('_')[1]}")]


def test_withdrawal_takes_the_record_off_display_and_keeps_it(push, client, department, department_key, app):
    record_id = push(factories.penalty(department)).json["results"][0]["id"]
    headers = factories.auth(department_key)
    no_reason = client.delete(f"/api/v1/records/{record_id}", headers=headers)
    assert no_reason.status_code == 422 and no_reason.json["code"] == "reason_required"
    too_long = client.delete(f"/api/v1/records/{record_id}", json={"reason": "撤" * 2001}, headers=headers)
    assert too_long.status_code == 422 and too_long.json["code"] == "reason_too_long"

    reason = {"reason": "行政处罚决定已被依法撤销"}
    withdrawn = client.delete(f"/api/v1/records/{record_id}", json=reason, headers=headers)
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert withdrawn.json["withdrawal"]["reason"] == "行政处罚决定已被依法撤销"
    assert client.get(f"/api/v1/records/{record_id}").status_code == 404
    assert client.get(f"/api/v1/records/{record_id}", headers=headers).json["version"] == 2
    again = client.delete(f"/api/v1/records/{record_id}?reason=again", headers=headers)
    assert again.status_code == 409


def test_only_the_source_department_may_withdraw(push, client, department, app):
    record_id = push(factories.penalty(department)).json["results"][0]["id"]
    with app.app_context():
        other = factories.department("tax")
    other_key = factories.key_for(app, "department", department_uscc=other["uscc"])
    response = client.delete(f"/api/v1/records/{record_id}?reason=x", headers=factories.auth(other_key))
    assert response.status_code == 403 and response.json["code"] == "not_source_department"
    assert_problem(client.delete(f"/api/v1/records/{record_id}?reason=x"), 401, "authentication_required")


def test_resending_a_withdrawn_record_does_not_publish_it_again(push, client, department, department_key):
    record = factories.penalty(department)
    record_id = push(record).json["results"][0]["id"]
    client.delete(f"/api/v1/records/{record_id}?reason=revoked", headers=factories.auth(department_key))
    push({**record, "remarks": "补充说明"})
    assert_problem(client.get(f"/api/v1/records/{record_id}"), 404, "record_not_found")



def test_a_licences_own_status_is_answered_beside_the_records_status(push, client, department):
    licence = factories.licence(department, status="有效")
    record_id = push(licence).json["results"][0]["id"]
    shown = client.get(f"/api/v1/records/{record_id}").json
    listed = client.get(f"/api/v1/enterprises/{licence['uscc']}/records").json["items"][0]
    assert (shown["status"], shown["license_status"]) == ("published", "有效")
    assert (listed["status"], listed["license_status"]) == ("published", "有效")


def test_a_kind_and_a_severity_are_read_in_every_spelling_the_importer_and_the_rule_book_take(push, client,
                                                                                               department):
    record = factories.penalty(department, kind="Penalty", severity="严重失信", party_category="法人")
    response = push(record)
    assert response.status_code == 200, response.json
    shown = client.get(f"/api/v1/records/{response.json['results'][0]['id']}").json
    assert (shown["kind"], shown["publicity"]["severity"], shown["party_category"]) == (
        "penalty", "serious", "legal_person")


def test_a_credit_code_sent_as_a_number_is_said_to_be_one(push, department):
    response = push(factories.penalty(department, uscc=911522010783710635))
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == ("uscc", "uscc_not_text") and "911522010783710635" in error["message_en"]
