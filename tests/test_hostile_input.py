"""Input no caller should be able to turn into a server error or a page not in the API's form:
numbers longer than Python converts, NUL characters, which PostgreSQL cannot store, refused alike on
every database, and addresses too long to read."""

import json
import urllib.error
import urllib.request

import pytest

from tests import factories
from tests.imports.files import write_csv
from tests.imports.test_import_jobs import summary_of
from tests.problems import assert_problem
from tests.served import served

HUGE = "9" * 5000  # past Python's 4,300-digit limit on converting text to int


@pytest.mark.parametrize("url", ["/api/v1/repairs", "/api/v1/objections"])
def test_a_record_id_of_5000_digits_in_a_body_is_invalid_json(app, client, url):
    key = factories.key_for(app, "enterprise", uscc=factories.new_uscc())
    response = client.post(url, data='{"record_id": ' + HUGE + '}', headers={
        **factories.auth(key), "Content-Type": "application/json"})
    assert response.status_code == 400 and response.json["code"] == "invalid_json"
    assert "too many digits" in response.json["message_en"] and response.json["message_zh"]


def test_a_record_id_of_5000_digits_in_a_path_or_a_query_is_a_client_error(app, client, department_key):
    headers = factories.auth(department_key)
    assert_problem(client.get(f"/api/v1/records/{HUGE}", headers=headers), 404, "not_found")
    assert_problem(client.delete(f"/api/v1/records/{HUGE}", headers=headers), 404, "not_found")
    enterprise = factories.auth(factories.key_for(app, "enterprise", uscc=factories.new_uscc()))
    query = client.get(f"/api/v1/repairs/eligibility?record_id={HUGE}", headers=enterprise)
    assert query.status_code == 422 and query.json["errors"][0]["field"] == "record_id"


def test_a_nul_character_in_a_pushed_record_is_a_field_error(push, department):
    response = push(factories.penalty(department, party_name="通辽\x00公司", facts="事实\x00"))
    assert response.status_code == 422
    errors = {(e["field"], e["code"]) for e in response.json["errors"]}
    assert errors == {("party_name", "invalid_character"), ("facts", "invalid_character")}
    assert "空字符" in response.json["errors"][0]["message_zh"]


def test_a_nul_character_in_any_text_of_a_request_is_a_field_error(app, client, push, department, department_key):
    """A withdrawal's or an objection's reason, in a body or a query: a 500 on PostgreSQL before."""
    record = factories.penalty(department)
    record_id = push(record).json["results"][0]["id"]
    headers = factories.auth(department_key)
    in_body = client.delete(f"/api/v1/records/{record_id}", json={"reason": "重复\x00报送"}, headers=headers)
    in_query = client.delete(f"/api/v1/records/{record_id}?reason=%00", headers=headers)
    enterprise = factories.auth(factories.key_for(app, "enterprise", uscc=record["uscc"]))
    objection = client.post("/api/v1/objections", json={"record_id": record_id, "reason": "异议\x00"},
                            headers=enterprise)
    for answer in (in_body, in_query, objection):
        assert answer.status_code == 422 and answer.json["errors"][0]["code"] == "invalid_character"
        assert answer.json["errors"][0]["field"] == "reason"
    batch = push({"records": [record, factories.penalty(department, facts="\x00")]})
    assert [e["field"] for e in batch.json["errors"]] == ["records[1].facts"]


def test_a_nul_character_in_a_file_rejects_its_row_and_the_others_are_imported(cli, client, tmp_path, department,
                                                                              department_key):
    rows = [factories.penalty(department) for _ in range(3)]
    rows[1]["penalty_content"] = "罚款\x00一万元"
    path = tmp_path / "nul.csv"
    write_csv(path, rows)
    summary = summary_of(cli("import", path, "--department", department["uscc"]))
    assert (summary["state"], summary["inserted"], summary["rejected"]) == ("done", 2, 1)
    [error] = client.get(f"/api/v1/imports/{summary['job']}/errors", headers=factories.auth(department_key)).json[
        "items"]
    assert (error["row_number"], error["field"], error["code"], error["value"]) == (
        3, "penalty_content", "invalid_character", "罚款\\0一万元")


@pytest.mark.parametrize("length", [5000, 9000])
def test_an_address_too_long_is_answered_in_problem_json_through_registry_serve(tmp_path, length):
    """gunicorn alone answers a request line over 4,094 bytes with an HTML page; served as deployed,
    the front answers one over 6 KB with the API's problem+json and passes shorter ones whole."""
    with served(tmp_path, "--workers", "1") as base:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"{base}/api/v1/search?q={'x' * length}", timeout=30)
    assert answer.value.headers["Content-Type"] == "application/problem+json"
    problem = json.loads(answer.value.read())
    expected = (414, "uri_too_long") if length > 6 * 1024 else (422, "validation_failed")  # q is 200 at most
    assert (answer.value.code, problem["code"]) == expected and problem["message_zh"]
