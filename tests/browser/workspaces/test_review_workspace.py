"""A credit-centre reviewer in Chromium: opens a material, accepts with an item missing, forwards once the
enterprise supplied it, sees the department's approval take the record off public search; two
reviewers deciding at once; every reviewer page passes axe-core."""

from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from registry.access.services import authenticate
from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.repairs import services
from tests import factories
from tests.browser.conftest import assert_accessible, docs_shot

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def case(app):
    """A repairable transport penalty and its application with the performance proof only: a dict of
    the API client, the keys, the row and the application."""
    api = app.test_client()
    with app.app_context():
        transport = factories.department("transport")
    department = factories.key_for(app, "department", department_uscc=transport["uscc"])
    row = factories.penalty(transport, decision_date=(factories.TODAY - timedelta(days=150)).isoformat(),
                            penalty_types="罚款", violation_type="未按规定办理道路运输经营许可")
    record_id = api.post("/api/v1/records", json=row, headers=factories.auth(department)).json["results"][0]["id"]
    enterprise = factories.key_for(app, "enterprise", uscc=row["uscc"])
    filed = api.post("/api/v1/repairs", json={"record_id": record_id, "sign_commitment": True},
                     headers=factories.auth(enterprise)).json
    case = {"api": api, "department": department, "enterprise": enterprise, "row": row, "application": filed}
    supply(case, "performance_proof")
    return case


def supply(case, kind):
    """The enterprise uploads a material through the API."""
    answer = case["api"].post(f"/api/v1/repairs/{case['application']['id']}/materials",
                              data={"kind": kind, "file": (BytesIO(PNG), f"{kind}.png")},
                              content_type="multipart/form-data", headers=factories.auth(case["enterprise"]))
    assert answer.status_code == 201, answer.json


def publicly_found(page, base_url, row) -> bool:
    page.goto(f"{base_url}/?q={row['party_name']}")
    return row["decision_no"] in page.text_content("main")


@pytest.mark.both_databases
def test_a_reviewer_accepts_with_an_item_missing_and_the_approved_record_leaves_public_search(
        app, live_server, page, browser, sign_in_as, case):
    application, row = case["application"], case["row"]
    assert publicly_found(page, live_server, row)
    sign_in_as(page, "reviewer", name="审核员甲")
    page.click("header >> text=工作台")
    page.click(f"text={application['number']}")
    assert page.text_content("#state") == "已提交"
    docs_shot(page, "reviewer-application")
    assert_accessible(page)
    with page.context.expect_page() as opened:
        page.click("text=查看performance_proof.png")
    material = opened.value
    material.wait_for_load_state()
    assert material.evaluate("document.contentType") == "image/png"
    material.close()
    with app.app_context():
        viewed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "repair_material.view")
                                    .order_by(AuditEntry.id)).all()
    assert [entry.actor_role for entry in viewed][-1:] == ["reviewer"]

    form = page.locator("#decide-accept_with_missing")
    assert "整改情况说明" in form.text_content() and "营业执照副本复印件" in form.text_content()
    form.get_by_role("button", name="容缺受理").click()
    assert page.text_content("[role=status]") == "已容缺受理。"
    assert page.text_content("#state") == "容缺受理（待补正材料）"

    supply(case, "correction_report")
    supply(case, "business_licence")  # the last missing item: the application is accepted in full
    page.reload()
    assert page.text_content("#state") == "已受理"
    page.locator("#decide-forward").get_by_role("button").click()
    assert page.text_content("#state") == "已转认定部门"

    with app.app_context():  # the source department approves through the service the API uses
        department = authenticate(case["department"])
        current = services.get_application(department, application["id"], factories.TODAY)
        services.decide(department, application["id"], "approve", None, current["version"], factories.TODAY)
    page.reload()
    assert page.text_content("#state") == "准予修复"
    assert "准予修复" in page.text_content("#log-title + .table-scroll")
    assert not publicly_found(page, live_server, row)


def test_two_reviewers_deciding_at_once_get_one_success_and_one_clear_conflict(
        live_server, page, browser, sign_in_as, case):
    for kind in ("correction_report", "business_licence"):
        supply(case, kind)
    other = browser.new_context(locale="zh-CN").new_page()
    path = f"{live_server}/review/repairs/{case['application']['id']}"
    for reviewer, name in ((page, "审核员甲"), (other, "审核员乙")):
        sign_in_as(reviewer, "reviewer", name=name)
        reviewer.goto(path)
    page.locator("#decide-accept").get_by_role("button").click()
    other.fill("#reason-not_accept", "材料与处罚决定不符")
    other.locator("#decide-not_accept").get_by_role("button").click()
    assert page.text_content("[role=status]") == "已受理。"
    assert "其他审核人员已先处理了此申请" in other.text_content("[role=alert]")
    assert other.text_content("#state") == "已受理"  # the page shows what the first reviewer decided
    assert other.locator("#decide-forward").count() == 1
    assert_accessible(other)
    other.context.close()


@pytest.mark.parametrize("path", ["/review", "/review/objections", "/review/calendar"])
def test_the_reviewer_pages_pass_axe(live_server, page, sign_in_as, case, path):
    sign_in_as(page, "reviewer")
    page.goto(f"{live_server}{path}")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)


def test_the_administrators_departments_page_passes_axe_and_adds_a_department(live_server, page, sign_in_as):
    sign_in_as(page, "admin")
    page.click("header >> text=工作台")
    assert page.locator(".workspace-menu [aria-current=page]").text_content() == "账号管理"
    page.click(".workspace-menu >> text=来源部门")
    assert_accessible(page)
    page.fill("#uscc", "11150502MA0TEBT0X")
    page.fill("#name", "通辽市测试局")
    page.click("form.stacked button[type=submit]")
    assert "统一社会信用代码" in page.text_content("[role=alert]") and page.input_value("#name") == "通辽市测试局"
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
