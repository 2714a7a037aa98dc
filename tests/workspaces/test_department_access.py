"""The department workspace refuses other roles (403), does not show another department's jobs, records
and cases (the 404 of a thing that does not exist), and refuses a form posted without its CSRF token."""

import pytest
from sqlalchemy import select

from registry.departments.models import Department
from registry.extensions import db
from registry.imports import services as imports
from tests import factories
from tests.people import form_token, sign_in

PAGES = ("/department", "/department/imports/new", "/department/imports", "/department/records",
         "/department/repairs", "/department/objections", "/department/template/penalty.xlsx")


@pytest.fixture
def job_of(app, tmp_path):
    """An import job of the department with this id (queued: what matters here is whose it is)."""

    def _job_of(department_id: int) -> int:
        path = tmp_path / "records.csv"
        path.write_text("行政相对人名称\n某公司\n", encoding="utf-8")
        with app.app_context():
            return imports.start_job(db.session.get(Department, department_id), path, "records.csv", {}).id

    return _job_of


def tax_department(app) -> dict:
    with app.app_context():
        return factories.department("tax")


@pytest.mark.parametrize("role, binding", [("enterprise", {"uscc": factories.new_uscc()}), ("bank", {}),
                                           ("reviewer", {}), ("agent", {"district_code": "150521"})])
def test_other_roles_are_refused_every_page(app, client, role, binding):
    sign_in(client, app, role, **binding)
    for path in PAGES:
        assert client.get(path).status_code == 403, path


def test_another_departments_job_record_and_cases_are_not_found(app, client, transport, job_of, forwarded,
                                                                 objection):
    application_id, record_id, _ = forwarded()
    objection_id, _ = objection()
    job_id = job_of(transport["id"])
    sign_in(client, app, "department", department_uscc=tax_department(app)["uscc"])
    theirs = (f"/department/imports/{job_id}", f"/department/imports/{job_id}/status",
              f"/department/imports/{job_id}/errors.csv", f"/department/records/{record_id}",
              f"/department/repairs/{application_id}", f"/department/objections/{objection_id}")
    missing = ("/department/imports/999999", "/department/records/999999", "/department/repairs/999999",
               "/department/objections/999999")
    for path in theirs + missing:
        answer = client.get(path, headers={"Accept": "text/html"})
        assert answer.status_code == 404 and "页面不存在" in answer.get_data(as_text=True), path
    token = form_token(client, "/department/imports/new")
    posts = {f"/department/records/{record_id}/withdrawal": {"reason": "误报"},
             f"/department/repairs/{application_id}/decision": {"action": "approve"},
             f"/department/objections/{objection_id}/resolution": {"outcome": "upheld", "resolution": "维持"}}
    for path, form in posts.items():
        assert client.post(path, data={**form, "csrf_token": token}).status_code == 404, path


def test_the_department_sees_its_own(app, client, transport, job_of, forwarded, objection):
    application_id, record_id, _ = forwarded()
    objection_id, _ = objection()
    job_id = job_of(transport["id"])
    sign_in(client, app, "department", department_uscc=transport["uscc"])
    for path in (f"/department/imports/{job_id}", f"/department/records/{record_id}",
                 f"/department/repairs/{application_id}", f"/department/objections/{objection_id}"):
        assert client.get(path).status_code == 200, path


def test_a_form_without_its_csrf_token_is_refused(app, client, transport, forwarded, objection):
    application_id, record_id, _ = forwarded()
    objection_id, _ = objection()
    sign_in(client, app, "department", department_uscc=transport["uscc"])
    posts = {"/department/imports/new": {"dry_run": "1"},
             f"/department/records/{record_id}/withdrawal": {"reason": "处罚决定已撤销"},
             f"/department/repairs/{application_id}/decision": {"action": "approve"},
             f"/department/objections/{objection_id}/resolution": {"outcome": "upheld", "resolution": "维持"}}
    for path, form in posts.items():
        answer = client.post(path, data=form)
        assert answer.status_code == 400 and "表单已失效" in answer.get_data(as_text=True), path
    with app.app_context():
        from registry.records.models import Record

        assert db.session.scalar(select(Record.status).where(Record.id == record_id)) == "published"
