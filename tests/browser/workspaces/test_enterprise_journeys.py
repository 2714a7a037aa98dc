"""The enterprise and the agent in Chromium: a notice read, a record opened, a repair applied for with
an item missing and supplied later until the application reaches the reviewer; an agent files for an
enterprise of another district with a power of attorney; the repair form without JavaScript."""

from datetime import timedelta

import pytest

from registry.repairs.notices import produce_arrival_notices
from tests import factories
from tests.browser.conftest import assert_accessible, docs_shot
from tests.repairs.conftest import PDF, PNG

NAME = "王经理"


@pytest.fixture
def penalty(app):
    """A repairable transport penalty pushed through the API, with its notices sent: (record id, row, keys)."""
    client = app.test_client()
    with app.app_context():
        transport = factories.department("transport")
    department = factories.key_for(app, "department", department_uscc=transport["uscc"])
    row = factories.penalty(transport, decision_date=(factories.TODAY - timedelta(days=150)).isoformat(),
                            penalty_types="罚款", violation_type="未按规定办理道路运输经营许可")
    record_id = client.post("/api/v1/records", json=row, headers=factories.auth(department)).json["results"][0]["id"]
    with app.app_context():
        produce_arrival_notices(factories.TODAY)
    return record_id, row


@pytest.fixture
def files(tmp_path):
    """Files on disk for the file inputs, by name."""
    made = {"receipt.pdf": PDF, "licence.pdf": PDF, "report.png": PNG, "委托书.pdf": PDF}
    for name, content in made.items():
        (tmp_path / name).write_bytes(content)
    return lambda name: str(tmp_path / name)


def api(app, key, method, path, **body):
    client = app.test_client()
    answer = getattr(client, method)(path, headers=factories.auth(key), **({"json": body} if body else {}))
    assert answer.status_code < 300, answer.json
    return answer.json


@pytest.mark.both_databases
def test_an_enterprise_reads_its_notice_and_applies_until_the_reviewer_has_the_case(
        app, live_server, page, sign_in_as, penalty, files):
    record_id, row = penalty
    sign_in_as(page, "enterprise", NAME, uscc=row["uscc"])
    page.goto(f"{live_server}/enterprise")
    assert page.text_content("#unread").strip() == "2 条未读"
    page.click(".workspace-menu >> text=通知")
    assert_accessible(page)
    page.click("#inbox li.unread >> text=信用修复告知书")
    assert row["decision_no"] in page.text_content("#body")
    assert_accessible(page)
    page.click(f"#records >> text={row['decision_no']}")
    assert page.text_content("#status").strip().startswith("公示中")
    assert_accessible(page)
    page.click("#standing a.apply")
    assert "已全面履行行政处罚决定规定的义务" in page.text_content("#letter")
    docs_shot(page, "enterprise-repair-form")
    assert_accessible(page)
    page.fill("#signed_name", NAME)
    page.check("input[name=confirm]")
    page.set_input_files("#file-performance_proof", files("receipt.pdf"))
    assert "已选择 receipt.pdf" in page.text_content("#checklist")  # the checklist follows the files chosen
    page.click("text=签署承诺书并提交申请")
    assert page.text_content("#state").strip() == "已提交"
    assert "查询码" in page.text_content("[role=status]")
    assert "营业执照副本复印件" in page.text_content("#missing")
    docs_shot(page, "enterprise-application")
    assert_accessible(page)

    application_id = int(page.url.rsplit("/", 1)[1])
    reviewer = factories.key_for(app, "reviewer")
    decisions = f"/api/v1/repairs/{application_id}/decisions"
    api(app, reviewer, "post", decisions, action="accept_with_missing")
    page.reload()
    assert page.text_content("#state").strip() == "容缺受理（待补正材料）" and page.is_visible("#clock-materials")
    for kind, name in (("correction_report", "report.png"), ("business_licence", "licence.pdf")):
        page.select_option("#kind", kind)
        page.set_input_files("#file", files(name))
        page.click("#upload-form button")
    assert page.text_content("#state").strip() == "已受理"
    assert page.text_content("#missing-none").strip() == "材料已齐全。"
    assert page.locator("#materials a").count() == 3
    api(app, reviewer, "post", decisions, action="forward")
    listed = api(app, reviewer, "get", "/api/v1/repairs?state=forwarded")["items"]
    assert [a["id"] for a in listed] == [application_id] and len(listed[0]["materials"]) == 3
    page.reload()
    assert page.text_content("#state").strip() == "已转认定部门"


def test_an_agent_files_for_an_enterprise_of_another_district_with_a_power_of_attorney(
        app, live_server, page, sign_in_as, penalty, files):
    record_id, row = penalty  # the enterprise is registered in 150502, the window is in 150521
    sign_in_as(page, "agent", NAME, district_code="150521")
    page.goto(f"{live_server}/enterprise")
    page.fill("#uscc", row["uscc"])
    page.click("text=查找该企业的信用记录")
    assert row["party_name"] in page.text_content("#entity")
    assert_accessible(page)
    page.click(f"#record-{record_id} a.apply")
    page.fill("#signed_name", NAME)
    page.check("input[name=confirm]")
    page.set_input_files("#file-power_of_attorney", files("委托书.pdf"))
    page.set_input_files("#file-performance_proof", files("receipt.pdf"))
    page.click("text=签署承诺书并提交申请")
    assert page.text_content("#state").strip() == "已提交"
    assert "代办窗口代为申请" in page.text_content("body")
    assert page.locator("#materials a").count() == 2
    assert_accessible(page)
    page.click(".workspace-menu >> text=概览")
    assert row["party_name"] in page.text_content("#applications")


def test_the_repair_form_works_without_javascript(live_server, page_without_javascript, sign_in_as, penalty, files):
    record_id, row = penalty
    page = page_without_javascript
    sign_in_as(page, "enterprise", NAME, uscc=row["uscc"])
    page.goto(f"{live_server}/enterprise/records/{record_id}/repair")
    page.fill("#signed_name", "别人")
    page.check("input[name=confirm]")
    page.set_input_files("#file-performance_proof", files("receipt.pdf"))
    page.click("text=签署承诺书并提交申请")
    assert f"签署人姓名应为“{NAME}”" in page.text_content("[role=alert]")
    assert page.input_value("#signed_name") == "别人" and page.is_checked("input[name=confirm]")
    assert "请重新选择" in page.text_content("[role=status]")
    page.fill("#signed_name", NAME)
    page.set_input_files("#file-performance_proof", files("receipt.pdf"))
    page.click("text=签署承诺书并提交申请")
    assert page.text_content("#state").strip() == "已提交" and page.locator("#materials a").count() == 1


def test_an_enterprise_disputes_a_record_with_a_file_and_follows_it(live_server, page, sign_in_as, penalty, files):
    record_id, row = penalty
    sign_in_as(page, "enterprise", NAME, uscc=row["uscc"])
    page.goto(f"{live_server}/enterprise/records/{record_id}")
    page.click("text=提出异议申诉")
    assert_accessible(page)
    page.fill("#reason", "罚款金额有误，应为0.3万元")
    page.set_input_files("#attachments", [files("receipt.pdf"), files("report.png")])
    page.click("text=提交异议申诉")
    shown = page.text_content(".workspace-page")
    assert "数据来源部门将在5个工作日内处理" in shown and "receipt.pdf" in shown and "report.png" in shown
    opened = page.request.get(live_server + page.get_attribute("a:has-text('report.png（在新窗口打开）')", "href"))
    assert opened.ok and opened.headers["content-type"] == "image/png"
    assert "剩余 5 个工作日" in shown and row["decision_no"] in shown
    assert_accessible(page)
    page.click(f"text={row['decision_no']}")
    assert "异议处理中" in page.text_content("#status")
