"""The enterprise's and the agent's workspace through the test client: records with their repair standing,
applying with materials, notices read and unread, objections; and who is refused what."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.notices.letters import commitment_letter
from registry.notices.models import Notice
from registry.notices.services import record_line
from registry.records.models import Record
from registry.repairs.models import RepairApplication
from registry.repairs.notices import produce_arrival_notices
from tests import factories
from tests.people import form_token, sign_in
from tests.repairs.conftest import PDF, PNG

NAME = "张经理"


@pytest.fixture
def enterprise(app, client, penalty):
    """A repairable penalty of a new enterprise, whose person is signed in: (record id, row)."""
    record_id, row = penalty()
    sign_in(client, app, "enterprise", NAME, uscc=row["uscc"])
    return record_id, row


def file_form(client, path, page=None, **fields):
    """Post a multipart form to `path` with the CSRF token of the page it is on (`path` itself by default)."""
    data = {"csrf_token": form_token(client, page or path), **fields}
    return client.post(path, data=data, content_type="multipart/form-data")


def apply_on_page(client, record_id, **fields):
    path = f"/enterprise/records/{record_id}/repair"
    return file_form(client, path, **{"signed_name": NAME, "confirm": "yes", **fields})


def text_of(answer) -> str:
    return answer.get_data(as_text=True)


def test_my_records_lists_hidden_ones_marked_and_says_which_can_be_repaired(app, client, penalty, keys):
    uscc = factories.new_uscc()
    repairable, row = penalty(uscc=uscc)
    young, young_row = penalty(age=timedelta(days=20), uscc=uscc)
    withdrawn, withdrawn_row = penalty(uscc=uscc)
    client.delete(f"/api/v1/records/{withdrawn}", json={"reason": "决定书已被复议撤销"},
                  headers=factories.auth(keys.department))
    sign_in(client, app, "enterprise", NAME, uscc=uscc)
    page = text_of(client.get("/enterprise/records"))
    for shown in (row, young_row, withdrawn_row):
        assert shown["decision_no"] in page
    assert "已撤销，不再公示" in page
    assert f'/enterprise/records/{repairable}/repair' in page
    assert "最短公示期未满" in page and f'/enterprise/records/{young}/repair' not in page


def test_eligibility_is_shown_the_day_before_and_the_day_a_record_becomes_repairable(app, client, penalty, clock):
    intake = date(2026, 3, 2)
    record_id, row = penalty(age=timedelta(days=1), intake=intake)
    with app.app_context():
        repairable_from = db.session.get(Record, record_id).repairable_from
    sign_in(client, app, "enterprise", NAME, uscc=row["uscc"])
    clock(app, repairable_from - timedelta(days=1))
    before = text_of(client.get(f"/enterprise/records/{record_id}"))
    assert f"最短公示期未满，{repairable_from}起可申请" in before and "申请信用修复</a>" not in before
    clock(app, repairable_from)
    on_the_day = text_of(client.get(f"/enterprise/records/{record_id}"))
    assert "可申请信用修复" in on_the_day and f"/enterprise/records/{record_id}/repair" in on_the_day


def test_the_letter_signed_on_the_page_is_the_one_the_api_signs_and_missing_items_follow_the_uploads(
        app, client, enterprise, keys, decide):
    record_id, row = enterprise
    form = text_of(client.get(f"/enterprise/records/{record_id}/repair"))
    with app.app_context():
        letter = commitment_letter(record_line(db.session.get(Record, record_id)))
    assert all(line in form for line in letter.split("\n")[1:])
    answer = apply_on_page(client, record_id, performance_proof=(BytesIO(PDF), "receipt.pdf"))
    assert answer.status_code == 302
    shown = text_of(client.get(answer.headers["Location"]))
    assert "查询码" in shown and "已提交" in shown and "receipt.pdf" in shown
    assert "整改情况说明" in shown and "营业执照副本复印件" in shown  # still missing, told at once
    with app.app_context():
        application = db.session.scalar(select(RepairApplication).where(RepairApplication.record_id == record_id))
        assert application.commitment_text == letter
    # The reviewer accepts it with the items missing; the enterprise supplies them from its page.
    assert decide(keys.reviewer, application.id, "accept_with_missing").json["state"] == "awaiting_materials"
    path = f"/enterprise/repairs/{application.id}"
    assert "补正材料期限" in text_of(client.get(path))
    first = file_form(client, path + "/materials", path, kind="correction_report", file=(BytesIO(PNG), "report.png"))
    assert "营业执照副本复印件" in text_of(first) and "补正材料期限" in text_of(first)
    last = file_form(client, path + "/materials", path, kind="business_licence", file=(BytesIO(PDF), "licence.pdf"))
    assert "材料已齐全" in text_of(last) and "已受理" in text_of(last)


def test_a_wrong_signature_keeps_what_was_typed_and_files_nothing(app, client, enterprise):
    record_id, _ = enterprise
    answer = apply_on_page(client, record_id, signed_name="李四",
                           performance_proof=(BytesIO(PDF), "receipt.pdf"))
    assert answer.status_code == 422
    page = text_of(answer)
    assert f"签署人姓名应为“{NAME}”" in page and 'value="李四"' in page and "请重新选择" in page
    with app.app_context():
        assert db.session.scalar(select(RepairApplication.id).where(RepairApplication.record_id == record_id)) is None


def test_a_file_of_another_type_is_refused_with_the_application(app, client, enterprise):
    record_id, _ = enterprise
    answer = apply_on_page(client, record_id, performance_proof=(BytesIO(b"MZ\x90\x00"), "virus.exe"))
    assert answer.status_code == 415 and "仅接受 PDF、JPEG、PNG" in text_of(answer)
    with app.app_context():
        assert db.session.scalar(select(RepairApplication.id).where(RepairApplication.record_id == record_id)) is None


def test_a_notice_is_unread_until_opened_and_leads_to_the_record_and_the_form(app, client, enterprise):
    record_id, _ = enterprise
    with app.app_context():
        produce_arrival_notices(factories.TODAY)
    inbox = text_of(client.get("/enterprise/notices"))
    assert inbox.count("未读</span>") == 2 and "2 条未读" in text_of(client.get("/enterprise"))
    with app.app_context():
        notice = db.session.scalar(select(Notice).where(Notice.kind == "repair_notice"))
    assert "/api/" not in notice.body and "企业信用工作台—我的信用记录" in notice.body  # a page, not an endpoint
    opened = text_of(client.get(f"/enterprise/notices/{notice.id}"))
    assert "信用修复告知书" in opened and "申请信用修复" in opened
    assert f"/enterprise/records/{record_id}\"" in opened and f"/enterprise/records/{record_id}/repair" in opened
    assert text_of(client.get("/enterprise/notices")).count("未读</span>") == 1


def test_an_objection_with_attachments_marks_the_record_and_shows_its_clock(app, client, enterprise):
    record_id, _ = enterprise
    path = f"/enterprise/records/{record_id}/objection"
    refused = file_form(client, path, reason="  ")
    assert refused.status_code == 422 and "请填写异议理由" in text_of(refused)
    answer = file_form(client, path, reason="罚款金额有误，应为0.3万元",
                       attachments=[(BytesIO(PDF), "决定书.pdf"), (BytesIO(PNG), "收据.png")])
    assert answer.status_code == 302
    listed = text_of(client.get("/enterprise/objections"))
    assert "罚款金额有误" in listed and "决定书.pdf" in listed and "收据.png" in listed
    assert "部门处理期限" in listed and "处理中" in listed
    assert "异议处理中" in text_of(client.get(f"/enterprise/records/{record_id}"))


def test_an_agent_files_for_an_enterprise_of_another_district_with_a_power_of_attorney(app, client, penalty):
    record_id, row = penalty()  # the enterprise is of 150502; the agent's window is in 150521
    sign_in(client, app, "agent", NAME, district_code="150521")
    found = text_of(client.get("/enterprise/records", query_string={"uscc": row["uscc"]}))
    assert row["party_name"] in found and f"/enterprise/records/{record_id}/repair" in found
    without = apply_on_page(client, record_id, performance_proof=(BytesIO(PDF), "receipt.pdf"))
    assert without.status_code == 422 and "代办须上传授权委托书" in text_of(without)
    filed = apply_on_page(client, record_id, power_of_attorney=(BytesIO(PDF), "委托书.pdf"))
    assert filed.status_code == 302
    assert "委托书.pdf" in text_of(client.get(filed.headers["Location"]))
    assert row["decision_no"] in text_of(client.get("/enterprise"))
    other = app.test_client()
    sign_in(other, app, "agent", NAME, district_code="150521")
    assert other.get(filed.headers["Location"]).status_code == 404  # an agent follows only its own
    assert row["decision_no"] not in text_of(other.get("/enterprise"))


@pytest.mark.parametrize("role, binding, path", [
    ("bank", {}, "/enterprise/records"), ("department", {"department_uscc": "11150500011620002E"}, "/enterprise"),
    ("agent", {"district_code": "150521"}, "/enterprise/notices"),
    ("agent", {"district_code": "150521"}, "/enterprise/objections"), ("reviewer", {}, "/enterprise/records")])
def test_other_roles_are_refused(app, client, role, binding, path):
    sign_in(client, app, role, **binding)
    assert client.get(path).status_code == 403


def test_another_enterprises_record_application_and_notice_are_not_found(app, client, penalty, keys, apply):
    record_id, row = penalty()
    application = apply(keys.enterprise(row["uscc"]), record_id).json
    with app.app_context():
        produce_arrival_notices(factories.TODAY)
        notice_id = db.session.scalar(select(Notice.id).where(Notice.recipient == row["uscc"]))
    sign_in(client, app, "enterprise", NAME, uscc=factories.new_uscc())
    for path in (f"/enterprise/records/{record_id}", f"/enterprise/records/{record_id}/repair",
                 f"/enterprise/records/{record_id}/objection", f"/enterprise/repairs/{application['id']}",
                 f"/enterprise/notices/{notice_id}", "/enterprise/records/99999999", "/enterprise/notices/99999999"):
        answer = client.get(path)
        assert answer.status_code == 404 and row["party_name"] not in text_of(answer), path


def test_forms_without_a_csrf_token_are_refused(app, client, enterprise):
    record_id, row = enterprise
    refused = client.post(f"/enterprise/records/{record_id}/repair", data={"signed_name": NAME, "confirm": "yes"})
    assert refused.status_code == 400 and "表单已失效" in text_of(refused)
    assert client.post(f"/enterprise/records/{record_id}/objection", data={"reason": "有误"}).status_code == 400
    filed = apply_on_page(client, record_id)
    upload = filed.headers["Location"] + "/materials"
    assert client.post(upload, data={"kind": "business_licence", "file": (BytesIO(PDF), "a.pdf")},
                       content_type="multipart/form-data").status_code == 400
    with app.app_context():
        application = db.session.scalar(select(RepairApplication).where(RepairApplication.record_id == record_id))
        assert application.state == "submitted"
