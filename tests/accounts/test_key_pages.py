"""API keys on pages: the admin's page of every key, and an organisation's page of its own keys."""

import re

from registry.access.models import Principal
from registry.extensions import db
from tests import factories
from tests.accounts.conftest import token_of
from tests.accounts.test_administration import signed_in_admin
from tests.audit.trail import count, newest
from tests.problems import assert_problem

KEY = re.compile(r'id="new-key" class="secret">(crk_[^<]+)<')


def shown_key(response) -> str:
    return KEY.search(response.get_data(as_text=True)).group(1)


def signed_in_person(browser, person, role, **binding):
    email, temporary = person(role, name="李经办", **binding)
    browser.sign_in(email, temporary)
    browser.set_own_password(temporary)
    browser.enrol_second_factor()  # required of some roles, open to all
    return email


def principal_of(app, email: str) -> int:
    from registry.accounts.services import find_account

    with app.app_context():
        return find_account(email).principal_id


def test_the_admin_makes_rotates_and_revokes_a_key_on_the_page_as_the_audit_actor(browser, person, client, app):
    admin_principal = principal_of(app, signed_in_admin(browser, person))
    made = browser.submit("/admin/keys", {"role": "admin", "name": "运维巡检系统", "binding": "", "expires_at": ""})
    key = shown_key(made)
    assert made.status_code == 200 and "只显示这一次" in made.get_data(as_text=True)
    assert client.get("/api/v1/principals", headers=factories.auth(key)).status_code == 200
    created = newest(app, "key.create")
    assert (created["principal_id"], created["actor_role"]) == (admin_principal, "admin")
    assert created["account_id"] is not None
    principal_id = int(created["object_id"])
    assert key not in browser.get("/admin/keys").get_data(as_text=True)  # listed by its prefix only

    rotated = browser.submit("/admin/keys", {}, action=f"/admin/keys/{principal_id}/rotate")
    new_key = shown_key(rotated)
    assert_problem(client.get("/api/v1/principals", headers=factories.auth(key)), 401, "invalid_api_key")
    assert newest(app, "key.rotate")["principal_id"] == admin_principal

    before = count(app, "key.revoke")
    revoked = browser.submit("/admin/keys", {}, action=f"/admin/keys/{principal_id}/revoke")
    assert "已吊销“运维巡检系统”" in revoked.get_data(as_text=True)
    assert_problem(client.get("/api/v1/principals", headers=factories.auth(new_key)), 401, "invalid_api_key")
    assert count(app, "key.revoke") == before + 1 and newest(app, "key.revoke")["principal_id"] == admin_principal


def test_a_refused_key_shows_the_chinese_message_and_keeps_what_was_typed(browser, person):
    signed_in_admin(browser, person)
    refused = browser.submit("/admin/keys", {"role": "enterprise", "name": "某公司财务系统", "binding": "not-a-code",
                                             "expires_at": ""})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'value="某公司财务系统"' in page and 'class="error"' in page
    past = browser.submit("/admin/keys", {"role": "reviewer", "name": "审核系统", "binding": "",
                                          "expires_at": "2000-01-01"})
    assert past.status_code == 422 and "早于今天" in past.get_data(as_text=True)


def test_the_key_pages_send_strangers_to_sign_in_and_refuse_other_roles(browser, person, department):
    for path in ("/admin/keys", "/admin/audit", "/account/keys"):
        assert browser.get(path).headers["Location"].startswith("/signin")
    signed_in_person(browser, person, "department", department_uscc=department["uscc"])
    assert browser.get("/admin/keys").status_code == 403 and browser.get("/admin/audit").status_code == 403
    assert browser.get("/account/keys").status_code == 200


def test_an_agent_has_no_organisation_keys_page(browser, person):
    email, temporary = person("agent", district_code="150502")
    browser.sign_in(email, temporary)
    browser.set_own_password(temporary)
    assert browser.get("/account/keys").status_code == 403


def test_an_enterprise_keeps_its_own_keys_and_never_another_organisations(browser, person, client, app):
    uscc = factories.new_uscc()
    email = signed_in_person(browser, person, "enterprise", uscc=uscc)
    home = browser.get("/account").get_data(as_text=True)
    assert 'href="/account/keys"' in home and "/admin/keys" not in home
    foreign_key = factories.key_for(app, "enterprise", uscc=factories.new_uscc())
    made = browser.submit("/account/keys", {"name": "开票系统", "expires_at": ""})
    key = shown_key(made)
    # known, but no admin
    assert_problem(client.get("/api/v1/audit", headers=factories.auth(key)), 403, "role_forbidden")
    with app.app_context():
        mine = db.session.scalar(db.select(Principal).where(Principal.key_prefix == key[:12]))
        foreign = db.session.scalar(db.select(Principal).where(Principal.key_prefix == foreign_key[:12]))
        assert (mine.role, mine.uscc, mine.created_by) == ("enterprise", uscc, principal_of(app, email))
        mine_id, foreign_id = mine.id, foreign.id
    page = browser.get("/account/keys").get_data(as_text=True)
    assert f'id="principal-{mine_id}"' in page and f'id="principal-{foreign_id}"' not in page
    token = token_of(page)
    assert client.post(f"/account/keys/{foreign_id}/revoke", data={"csrf_token": token}).status_code == 404
    # still known (the foreign key was not revoked), only not an admin
    assert_problem(client.get("/api/v1/audit", headers=factories.auth(foreign_key)), 403, "role_forbidden")
    revoked = client.post(f"/account/keys/{mine_id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 200 and "已吊销“开票系统”" in revoked.get_data(as_text=True)
    assert_problem(client.get("/api/v1/audit", headers=factories.auth(key)), 401, "invalid_api_key")
    entry = newest(app, "key.revoke")
    assert (entry["object_id"], entry["principal_id"], entry["actor_role"]) == (str(mine_id), principal_of(app, email),
                                                                                "enterprise")


def test_a_department_sees_only_its_own_departments_keys(browser, person, app, department):
    own_key = factories.key_for(app, "department", department_uscc=department["uscc"])
    other_bank_key = factories.key_for(app, "bank", uscc=factories.new_uscc())
    signed_in_person(browser, person, "department", department_uscc=department["uscc"])
    page = browser.get("/account/keys").get_data(as_text=True)
    assert own_key[:12] in page and other_bank_key[:12] not in page
