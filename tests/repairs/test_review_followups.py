"""The reviewer's objection queue (三单一函 to a late department) and calendar page (the warning from
1 November, a schedule uploaded and the provisional deadlines it moved)."""

import json
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from registry.access.services import authenticate
from registry.audit.models import AuditEntry
from registry.calendars import forget_calendar
from registry.extensions import db
from registry.notices.models import DEPARTMENT, OBJECTION_ESCALATION, Notice
from registry.repairs import services
from tests import factories
from tests.people import form_token, sign_in

pytestmark = pytest.mark.committed

D = date.fromisoformat


@pytest.fixture
def objection(client, keys, penalty):
    """An objection filed today through the API: (its id, the record's row)."""
    record_id, row = penalty()
    answer = client.post("/api/v1/objections", json={"record_id": record_id, "reason": "处罚金额登记有误"},
                         headers=factories.auth(keys.enterprise(row["uscc"])))
    return answer.json["id"], row


def _escalate(client, objection_id):
    return client.post(f"/review/objections/{objection_id}/escalate",
                       data={"csrf_token": form_token(client, "/review/objections")})


def test_a_reminder_goes_any_time_and_the_next_steps_only_once_the_department_is_late(
        app, client, clock, objection, transport):
    objection_id, row = objection
    sign_in(client, app, "reviewer")
    page = client.get("/review/objections").get_data(as_text=True)
    assert row["party_name"] in page and "发出提醒单" in page and "剩5个工作日" in page
    assert "已向来源部门发出提醒单" in _escalate(client, objection_id).get_data(as_text=True)
    early = _escalate(client, objection_id)
    assert early.status_code == 409 and "部门办理期限未到" in early.get_data(as_text=True)
    clock(app, factories.TODAY + timedelta(days=30))
    for step in ("催办单", "督办单", "移交函"):
        assert f"已向来源部门发出{step}" in _escalate(client, objection_id).get_data(as_text=True)
    assert "督办已走完" in client.get("/review/objections").get_data(as_text=True)
    with app.app_context():
        notices = db.session.scalars(select(Notice).where(Notice.kind == OBJECTION_ESCALATION)
                                     .order_by(Notice.id)).all()
        steps = db.session.scalars(select(AuditEntry.details)
                                     .where(AuditEntry.action == "objection.escalate").order_by(AuditEntry.id)).all()
    assert [n.title.split("：")[0] for n in notices] == ["提醒单", "催办单", "督办单", "移交函"]
    assert {(n.recipient_kind, n.recipient) for n in notices} == {(DEPARTMENT, transport["uscc"])}
    assert [s["step"] for s in steps] == ["提醒单", "催办单", "督办单", "移交函"]


def test_escalating_needs_the_form_token_and_the_reviewer_role(app, client, objection):
    objection_id, _ = objection
    sign_in(client, app, "reviewer")
    assert client.post(f"/review/objections/{objection_id}/escalate").status_code == 400
    client.post("/signout", data={"csrf_token": form_token(client, "/account")})
    sign_in(client, app, "department", department_uscc="11150500011620002E")
    assert client.post(f"/review/objections/{objection_id}/escalate",
                       data={"csrf_token": form_token(client, "/account")}).status_code == 403


@pytest.mark.parametrize("day, warned", [(D("2026-10-31"), False), (D("2026-11-01"), True)])
def test_the_calendar_warns_from_the_first_of_november_while_next_year_is_missing(app, client, clock, day, warned):
    clock(app, day)
    sign_in(client, app, "reviewer")
    page = client.get("/review/calendar").get_data(as_text=True)
    assert ("尚未载入2027年节假日安排" in page) is warned
    assert "<td>2026</td>" in page


@pytest.fixture
def loaded_2027(app):
    """Remove what the test loads for 2027, from the instance directory and the process's calendar."""
    yield
    (Path(app.config["REGISTRY"].INSTANCE_DIR) / "calendar" / "2027.json").unlink(missing_ok=True)
    with app.app_context():
        forget_calendar()


def _upload(client, schedule: dict | bytes):
    content = schedule if isinstance(schedule, bytes) else json.dumps(schedule, ensure_ascii=False).encode()
    return client.post("/review/calendar", data={"schedule": (BytesIO(content), "2027.json"),
                                                 "csrf_token": form_token(client, "/review/calendar")},
                       content_type="multipart/form-data")


def test_next_years_schedule_uploaded_recounts_the_provisional_deadlines(app, client, clock, penalty, keys,
                                                                           loaded_2027):
    record_id, row = penalty(intake=D("2026-12-24"))  # repairable on Christmas Eve, whatever today is
    with app.app_context():  # ten working days from Christmas Eve reach into 2027, which has no schedule
        filed = services.file_application(authenticate(keys.enterprise(row["uscc"])), record_id, True,
                                          D("2026-12-24"))
    clock(app, D("2026-12-24"))
    sign_in(client, app, "reviewer")
    page = client.get("/review/calendar").get_data(as_text=True)
    assert "尚未载入2027年" in page and filed["number"] in page
    schedule = {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知", "workdays": [],
                "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-05"}]}
    page = _upload(client, schedule).get_data(as_text=True)
    moved = str(filed["clocks"]["result"]["due"] + timedelta(days=4))
    assert "已载入2027年节假日安排，重新计算了1个暂定期限" in page and "尚未载入2027年" not in page
    assert f"<td>{filed['number']}</td><td>办理结果</td><td>{filed['clocks']['result']['due']}</td><td>{moved}</td>" \
        in page


def test_a_bad_schedule_is_refused_with_its_reason_and_nothing_is_loaded(app, client, clock, loaded_2027):
    clock(app, D("2026-11-02"))
    sign_in(client, app, "reviewer")
    answer = _upload(client, {"year": 2027, "holidays": [], "workdays": []})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "节假日安排文件有误" in page and "holidays" in page
    assert "尚未载入2027年" in page
    assert _upload(client, "{不是JSON".encode()).status_code == 422


def test_escalating_an_objection_that_does_not_exist_is_a_page_not_found(app, client):
    sign_in(client, app, "reviewer")
    assert _escalate(client, 999999).status_code == 404


def test_an_upload_without_the_form_token_is_refused(app, client):
    sign_in(client, app, "reviewer")
    answer = client.post("/review/calendar", data={"schedule": (BytesIO(b"{}"), "2027.json")},
                         content_type="multipart/form-data")
    assert answer.status_code == 400 and "表单已失效" in answer.get_data(as_text=True)
