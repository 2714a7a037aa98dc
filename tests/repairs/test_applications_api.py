"""Filing an application, materials, one open application per record, and who may see what."""

from datetime import date, datetime, timedelta

from registry.pagination import encode_cursor
from tests import factories
from tests.accounts.conftest import token_of
from tests.problems import assert_problem
from tests.repairs.conftest import PDF, PNG


def test_an_enterprise_files_with_a_signed_commitment_and_follows_its_clocks(penalty, keys, apply, client):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    response = apply(key, record_id)
    assert response.status_code == 201, response.json
    filed = response.json
    assert filed["state"] == "submitted" and filed["query_code"] and filed["number"].startswith("XF")
    assert row["decision_no"] in filed["commitment"]["text"] and len(filed["commitment"]["sha256"]) == 64
    assert filed["clocks"]["result"]["running"] and filed["clocks"]["result"]["workdays_left"] == 10
    assert filed["transitions"] == [{**filed["transitions"][0], "action": "submit", "from": None, "to": "submitted"}]
    shown = client.get(f"/api/v1/repairs/{filed['id']}", headers=factories.auth(key)).json
    assert "query_code" not in shown and shown["number"] == filed["number"]


def test_an_application_writes_its_dates_as_iso_like_the_rest_of_the_api(penalty, keys, apply, upload, client):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    filed = apply(key, record_id).json
    shown = upload(key, filed["id"], "performance_proof").json
    assert shown["record"]["decision_date"] == row["decision_date"]
    assert shown["transitions"][0]["on"] == shown["submitted_on"] == factories.TODAY.isoformat()
    stamps = shown["transitions"][0]["at"], shown["commitment"]["signed_at"], shown["materials"][0]["uploaded_at"]
    assert all(datetime.fromisoformat(stamp) for stamp in stamps)  # an HTTP date would raise ValueError


def test_an_ineligible_record_is_refused_with_the_reason_and_the_earliest_date(penalty, keys, apply):
    record_id, row = penalty(age=timedelta(days=30))
    response = apply(keys.enterprise(row["uscc"]), record_id)
    assert response.status_code == 422 and response.json["code"] == "not_eligible"
    error = response.json["errors"][0]
    earliest = date.fromisoformat(error["value"])
    assert error["code"] == "too_early" and earliest > factories.TODAY
    assert "最短公示期未满" in response.json["message_zh"]


def test_eligibility_is_told_before_filing(penalty, keys, client):
    record_id, row = penalty(age=timedelta(days=30))
    answer = client.get("/api/v1/repairs/eligibility", query_string={"record_id": record_id},
                        headers=factories.auth(keys.enterprise(row["uscc"]))).json
    assert answer["eligible"] is False and answer["reason"] == "too_early" and answer["earliest"]


def test_one_open_application_per_record_and_the_commitment_must_be_signed(penalty, keys, apply):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    unsigned = apply(key, record_id, sign=False)
    assert unsigned.status_code == 422 and unsigned.json["code"] == "commitment_required"
    assert apply(key, record_id).status_code == 201
    again = apply(keys.agent, record_id)
    assert again.status_code == 409 and again.json["code"] == "application_open"


def test_others_cannot_apply_for_or_see_an_enterprises_application(penalty, keys, apply, client):
    record_id, row = penalty()
    stranger = keys.enterprise(factories.new_uscc())
    refused = apply(stranger, record_id)
    assert refused.status_code == 404 and refused.json["code"] == "record_not_found"
    filed = apply(keys.enterprise(row["uscc"]), record_id).json
    assert_problem(client.get(f"/api/v1/repairs/{filed['id']}", headers=factories.auth(stranger)),
                   404, "repair_not_found")
    assert_problem(client.get(f"/api/v1/repairs/{filed['id']}"), 401, "authentication_required")
    assert_problem(apply(keys.reviewer, record_id), 403, "role_forbidden")


def test_an_agent_of_any_district_files_for_an_enterprise_and_needs_a_power_of_attorney(
        penalty, keys, apply, upload, decide):
    record_id, row = penalty()
    filed = apply(keys.agent, record_id).json
    assert filed["applicant"] == {"uscc": row["uscc"], "name": row["party_name"], "filed_by_role": "agent"}
    upload(keys.agent, filed["id"], "performance_proof")
    refused = decide(keys.reviewer, filed["id"], "accept_with_missing")
    assert refused.status_code == 422 and refused.json["code"] == "materials_missing"
    assert [e["code"] for e in refused.json["errors"]] == ["power_of_attorney"]


def test_materials_are_stored_by_content_hash_with_type_and_size_limits(app, penalty, keys, apply, upload):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    application_id = apply(key, record_id).json["id"]
    stored = upload(key, application_id, "performance_proof", PDF, "罚款缴纳凭证.pdf")
    assert stored.status_code == 201, stored.json
    material = stored.json["materials"][0]
    assert material["content_type"] == "application/pdf" and material["filename"] == "罚款缴纳凭证.pdf"
    from pathlib import Path

    path = Path(app.config["REGISTRY"].INSTANCE_DIR) / "repair-materials" / material["sha256"][:2] / material["sha256"]
    assert path.read_bytes() == PDF
    assert upload(key, application_id, "business_licence", PNG, "licence.png").json["materials"][1][
        "content_type"] == "image/png"

    not_a_pdf = upload(key, application_id, "correction_report", b"MZ\x90\x00 an executable", "report.pdf")
    assert not_a_pdf.status_code == 415 and not_a_pdf.json["code"] == "unsupported_file_type"
    unknown_kind = upload(key, application_id, "selfie", PDF)
    assert unknown_kind.status_code == 422 and unknown_kind.json["errors"][0]["field"] == "kind"
    limit = app.config["REGISTRY"].REPAIR_UPLOAD_MAX_BYTES
    app.config["REGISTRY"].REPAIR_UPLOAD_MAX_BYTES = 1000
    try:
        too_big = upload(key, application_id, "correction_report", PDF + b"0" * 2000)
    finally:
        app.config["REGISTRY"].REPAIR_UPLOAD_MAX_BYTES = limit
    assert too_big.status_code == 413 and too_big.json["code"] == "file_too_large"


def test_bad_parameters_are_problem_json_never_a_500(client, keys, penalty, apply):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    application_id = apply(key, record_id).json["id"]
    reviewer = factories.auth(keys.reviewer)
    for params, field in (({"state": "bogus"}, "state"), ({"limit": 0}, "limit"), ({"overdue": "maybe"}, "overdue")):
        answer = client.get("/api/v1/repairs", query_string=params, headers=reviewer)
        assert answer.status_code == 422 and answer.json["errors"][0]["field"] == field
    # not base64 JSON; a list holding a string; an id past what the database can hold
    for cursor in ("garbage", "WyJ4Il0", encode_cursor(2**63)):
        answer = client.get("/api/v1/repairs", query_string={"cursor": cursor}, headers=reviewer)
        assert answer.status_code == 400 and answer.json["code"] == "invalid_cursor"
        notices = client.get(f"/api/v1/enterprises/{row['uscc']}/notices", query_string={"cursor": cursor},
                             headers=reviewer)
        assert notices.status_code == 400
    unknown = client.post(f"/api/v1/repairs/{application_id}/decisions", json={"action": "delete"}, headers=reviewer)
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "action"
    malformed = client.post("/api/v1/repairs", data="{", content_type="application/json", headers=factories.auth(key))
    assert (malformed.status_code, malformed.json["code"]) == (400, "invalid_json")
    assert_problem(client.get("/api/v1/repairs/99999999999999999999", headers=reviewer), 404, "not_found")


def test_lists_page_with_a_cursor(client, keys, penalty, apply):
    numbers = set()
    for _ in range(3):
        record_id, row = penalty()
        numbers.add(apply(keys.enterprise(row["uscc"]), record_id).json["number"])
    reviewer = factories.auth(keys.reviewer)
    first = client.get("/api/v1/repairs", query_string={"limit": 2}, headers=reviewer).json
    second = client.get("/api/v1/repairs", query_string={"limit": 2, "cursor": first["next_cursor"]},
                        headers=reviewer).json
    assert {a["number"] for a in first["items"] + second["items"]} == numbers and second["next_cursor"] is None


def test_the_progress_page_answers_only_to_number_and_code(client, keys, penalty, apply):
    record_id, row = penalty()
    filed = apply(keys.enterprise(row["uscc"]), record_id).json
    form = client.get(f"/repairs/{filed['number']}")
    assert form.status_code == 200 and filed["number"] in form.get_data(as_text=True)
    token = token_of(form.get_data(as_text=True))  # the form's CSRF token, posted with it as a browser would
    shown = client.post("/repairs", data={"number": filed["number"], "code": filed["query_code"].lower(),
                                          "csrf_token": token})
    assert shown.status_code == 200 and "已提交" in shown.get_data(as_text=True)
    typed = client.post("/repairs", data={"number": f" {filed['number'].lower()} ",
                                          "code": factories.full_width(filed["query_code"]), "csrf_token": token})
    assert typed.status_code == 200  # typed by hand off the notice: lower case, full-width, spaces
    wrong = client.post("/repairs", data={"number": filed["number"], "code": "00000000", "csrf_token": token})
    assert wrong.status_code == 404 and row["party_name"] not in wrong.get_data(as_text=True)


def test_an_agent_learns_nothing_of_a_record_hidden_from_it(client, penalty, keys, apply):
    record_id, row = penalty()
    withdrawn = client.delete(f"/api/v1/records/{record_id}", json={"reason": "行政处罚决定已被依法撤销"},
                              headers=factories.auth(keys.department))
    assert withdrawn.status_code == 200
    agent = factories.auth(keys.agent)
    answers = [client.get("/api/v1/repairs/eligibility", query_string={"record_id": r}, headers=agent)
               for r in (record_id, record_id + 1000)]
    assert [(a.status_code, a.json["code"]) for a in answers] == [(404, "record_not_found")] * 2
    assert_problem(client.get(f"/api/v1/records/{record_id}", headers=agent), 404, "record_not_found")
    filed = apply(keys.agent, record_id)
    assert filed.status_code == 404 and filed.json["code"] == "record_not_found"
    own = client.get("/api/v1/repairs/eligibility", query_string={"record_id": record_id},
                     headers=factories.auth(keys.enterprise(row["uscc"])))
    assert own.json["reason"] == "status_withdrawn"  # the enterprise sees its own records, hidden ones too
