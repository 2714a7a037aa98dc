"""The repair progress page in a real browser: number and query code show the state, clocks and log."""

from datetime import timedelta

import pytest

from tests import factories


@pytest.fixture
def application(app):
    """A filed application of a transport penalty: (number, query code)."""
    client = app.test_client()
    with app.app_context():
        transport = factories.department("transport")
    department = factories.key_for(app, "department", department_uscc=transport["uscc"])
    row = factories.penalty(transport, decision_date=(factories.TODAY - timedelta(days=150)).isoformat(),
                            penalty_types="罚款", violation_type="未按规定办理道路运输经营许可")
    record_id = client.post("/api/v1/records", json=row, headers=factories.auth(department)).json["results"][0]["id"]
    filed = client.post("/api/v1/repairs", json={"record_id": record_id, "sign_commitment": True},
                        headers=factories.auth(factories.key_for(app, "enterprise", uscc=row["uscc"]))).json
    return filed["number"], filed["query_code"], row


def test_the_applicant_follows_its_application_by_number_and_query_code(live_server, page, application):
    number, code, row = application
    page.goto(f"{live_server}/repairs/{number}")
    assert page.title().startswith("信用修复办理进度查询")
    assert page.input_value("#number") == number
    page.fill("#code", code)
    page.click("button[type=submit]")
    assert page.text_content("#state").strip() == "已提交"
    body = page.text_content("body")
    assert row["decision_no"] in body and "办理结果告知期限" in body and "剩余 10 个工作日" in body
    assert "已提交" in page.text_content("#log")
    assert code not in page.url  # the query code is posted, never put in the address


def test_a_wrong_query_code_reveals_nothing(live_server, page_without_javascript, application):
    number, _, row = application
    page = page_without_javascript
    page.goto(f"{live_server}/repairs")
    page.fill("#number", number)
    page.fill("#code", "WRONG000")
    page.click("button[type=submit]")
    assert "未查询到该申请" in page.text_content("[role=alert]")
    assert row["party_name"] not in page.text_content("body")
