"""GET /api/v1/quality: a department's own collection quality, any department's for the credit centre."""

from datetime import timedelta

from tests import factories
from tests.imports.files import write_csv
from tests.problems import assert_problem
from tests.statistics.test_timeliness import DECIDED, EIGHTH, SEVENTH

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


def quality(client, key, status=200, **params):
    response = client.get("/api/v1/quality", query_string=params, headers=factories.auth(key))
    assert response.status_code == status, response.json
    return response.json


def department_key(app, department):
    return factories.key_for(app, "department", department_uscc=department["uscc"])


def test_the_eighth_working_day_is_late_and_listed(app, client, submit, departments):
    submit(DECIDED, SEVENTH)
    late = submit(DECIDED, EIGHTH)
    found = quality(client, department_key(app, departments["transport"]), **OCTOBER)
    assert found["workday_limit"] == 7 and found["department"] == departments["transport"]["id"]
    assert found["received"] == {"submitted": 2, "late": 1, "on_time": 1, "on_time_rate": 0.5}
    assert found["months"] == [{"month": "2026-10", "submitted": 2, "late": 1, "on_time": 1, "on_time_rate": 0.5}]
    [listed] = found["late"]["items"]
    assert (listed["id"], listed["workdays"], listed["submitted_on"]) == (late, 8, EIGHTH.isoformat())


def test_a_department_sees_its_own_figures_only(app, client, submit, departments):
    submit(DECIDED, EIGHTH, "tax")
    transport = department_key(app, departments["transport"])
    assert quality(client, transport, **OCTOBER)["received"]["submitted"] == 0
    refused = quality(client, transport, 403, department=departments["tax"]["id"], **OCTOBER)
    assert refused["code"] == "other_department"


def test_the_credit_centre_sees_any_department_or_all(app, client, submit, departments):
    submit(DECIDED, EIGHTH, "tax")
    submit(DECIDED, SEVENTH, "transport")
    reviewer = factories.key_for(app, "reviewer")
    assert quality(client, reviewer, **OCTOBER)["received"]["submitted"] == 2
    tax = quality(client, reviewer, department=departments["tax"]["id"], **OCTOBER)
    assert tax["received"] == {"submitted": 1, "late": 1, "on_time": 0, "on_time_rate": 0.0}
    assert quality(client, reviewer, 404, department=999999, **OCTOBER)["code"] == "not_found"


def test_other_roles_and_the_public_are_refused(app, client):
    assert_problem(client.get("/api/v1/quality"), 401, "authentication_required")
    bank = factories.key_for(app, "bank", bank_name="通辽银行")
    assert quality(client, bank, 403)["code"] == "role_forbidden"


def test_late_records_are_paged(app, client, submit, departments):
    ids = [submit(DECIDED, EIGHTH) for _ in range(3)]
    key = department_key(app, departments["transport"])
    first = quality(client, key, limit=2, **OCTOBER)["late"]
    second = quality(client, key, limit=2, offset=2, **OCTOBER)["late"]
    assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    assert {r["id"] for r in first["items"] + second["items"]} == set(ids)


def test_rejected_rows_are_counted_by_field(app, client, cli, tmp_path, departments):
    transport = departments["transport"]
    rows = [factories.penalty(transport) for _ in range(4)]
    rows[0]["facts"] = ""
    rows[1]["uscc"] = "91150502MA0000000X"
    write_csv(tmp_path / "处罚.csv", rows)
    assert cli("import", tmp_path / "处罚.csv", "--department", transport["uscc"]).exit_code == 0
    # Through tomorrow: the import is stamped by the clock, which may pass the session's midnight.
    tomorrow = str(factories.TODAY + timedelta(days=1))
    rejections = quality(client, department_key(app, transport), to=tomorrow)["rejections"]
    assert (rejections["rows_read"], rejections["rejected"]) == (4, 2)
    assert {item["field"] for item in rejections["by_field"]} == {"facts", "uscc"}


def test_a_period_ending_before_it_starts_is_refused(app, client, departments):
    answer = quality(client, department_key(app, departments["transport"]), 422, **{"from": "2026-10-31",
                                                                                 "to": "2026-10-01"})
    assert answer["status"] == 422


def test_the_answer_is_described_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/quality" in spec["paths"] and "QualityOut" in spec["components"]["schemas"]
