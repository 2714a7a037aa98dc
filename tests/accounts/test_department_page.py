"""The administrator's page of source departments: the list, a department added through the CLI's
service (in the audit trail), a mistake shown with what was typed kept; only administrators."""

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.domain import uscc
from registry.extensions import db
from tests.people import form_token, sign_in

NEW = {"uscc": uscc.make("11", "150502", "MB1234567"), "name": "通辽市科尔沁区应急管理局",
       "domain": "emergency_management", "district": "150502", "code": ""}


def _add(client, token_from="/admin/departments", **typed):
    return client.post("/admin/departments", data={**NEW, **typed, "csrf_token": form_token(client, token_from)})


def test_an_administrator_adds_a_department_and_sees_it_listed(app, client):
    sign_in(client, app, "admin", name="管理员")
    answer = _add(client)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "已保存来源部门“通辽市科尔沁区应急管理局”" in page
    assert f'<td class="nowrap">{NEW["uscc"]}</td>' in page and "通辽市市场监督管理局" in page
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "department.add"))
    assert entry.actor_role == "admin" and entry.details["uscc"] == NEW["uscc"]


def test_a_wrong_credit_code_is_refused_and_what_was_typed_is_kept(app, client):
    sign_in(client, app, "admin")
    answer = _add(client, uscc="11150502MB123456X")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'role="alert"' in page and 'value="通辽市科尔沁区应急管理局"' in page


def test_the_admin_menu_leads_to_the_accounts_keys_audit_and_departments(app, client):
    sign_in(client, app, "admin")
    assert client.get("/workspace").headers["Location"].endswith("/admin/accounts")
    menu = client.get("/admin/departments").get_data(as_text=True)
    for path in ("/admin/accounts", "/admin/keys", "/admin/audit", "/admin/departments"):
        assert f'href="{path}"' in menu


@pytest.mark.parametrize("role, binding", [("reviewer", {}), ("bank", {}),
                                           ("department", {"department_uscc": "11150500011620002E"})])
def test_only_administrators_keep_the_departments(app, client, role, binding):
    sign_in(client, app, role, **binding)
    assert client.get("/admin/departments").status_code == 403
    assert _add(client, token_from="/account").status_code == 403


def test_adding_without_the_form_token_is_refused(app, client):
    sign_in(client, app, "admin")
    assert client.post("/admin/departments", data=NEW).status_code == 400
