"""The admin's principals API: keys made, listed, revoked and rotated, each change felt on the next request."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from registry.access.models import ROLES, Principal
from registry.accounts.services import create_account
from registry.db import as_utc
from registry.extensions import db
from tests import factories

ENDPOINTS = (("GET", ""), ("POST", ""), ("POST", "/1/revoke"), ("POST", "/1/rotate"))


def test_an_admin_makes_a_key_that_is_shown_once_and_then_listed_without_it(admin, department):
    made = admin("POST", json={"role": "department", "department": department["uscc"],
                               "expires_at": "2099-12-31"})
    assert made.status_code == 201, made.json
    key = made.json["key"]
    assert key.startswith("crk_") and made.json["key_prefix"] == key[:12]
    assert (made.json["binding"], made.json["name"]) == (department["uscc"], department["name"])
    assert made.json["expires_at"] == "2099-12-31" and made.json["revoked_at"] is None
    listed = admin("GET", query_string={"role": "department"}).json["items"]
    assert [p["id"] for p in listed] == [made.json["id"]]
    assert "key" not in listed[0] and listed[0]["created_by"] == _admin_id(admin)


def test_the_list_pages_with_a_cursor_and_leaves_out_peoples_principals(app, admin, admin_key):
    made = [admin("POST", json={"role": "reviewer", "name": f"审核系统{n}"}).json["id"] for n in range(3)]
    with app.app_context():
        create_account("reviewer", "王审核", "wang@tongliao.example")
    seen, cursor = [], None
    while True:
        page = admin("GET", query_string={"role": "reviewer", "limit": 2, **({"cursor": cursor} if cursor else {})})
        seen += [p["id"] for p in page.json["items"]]
        if not (cursor := page.json["next_cursor"]):
            break
    assert seen == made
    assert admin("GET", query_string={"cursor": "nonsense"}).json["code"] == "invalid_cursor"


def test_a_revoked_key_fails_on_the_next_request(admin):
    other = admin("POST", json={"role": "admin", "name": "备用管理系统"}).json
    assert admin("GET", key=other["key"]).status_code == 200
    revoked = admin("POST", f"/{other['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json["revoked_at"] is not None and "key" not in revoked.json
    refused = admin("GET", key=other["key"])
    assert refused.status_code == 401 and refused.json["code"] == "invalid_api_key"
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    again = admin("POST", f"/{other['id']}/revoke")
    assert again.status_code == 409 and again.json["code"] == "already_revoked"
    assert admin("POST", f"/{other['id']}/rotate").json["code"] == "already_revoked"


def test_a_rotated_principal_keeps_its_identity_and_only_the_new_key_works(admin, department):
    old = admin("POST", json={"role": "admin", "name": "数据交换平台", "expires_at": "2099-06-30"}).json
    assert admin("GET", key=old["key"]).status_code == 200
    rotated = admin("POST", f"/{old['id']}/rotate")
    assert rotated.status_code == 200, rotated.json
    new = rotated.json
    assert new["key"] != old["key"] and new["key_prefix"] == new["key"][:12] != old["key_prefix"]
    assert {k: new[k] for k in ("id", "role", "name", "binding", "expires_at", "created_at")} == \
        {k: old[k] for k in ("id", "role", "name", "binding", "expires_at", "created_at")}
    assert new["last_used_at"] is None  # the new key's: not yet used
    assert admin("GET", key=old["key"]).json["code"] == "invalid_api_key"
    assert admin("GET", key=new["key"]).status_code == 200


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])
def test_only_an_admin_may_see_or_change_keys(app, client, role, department):
    binding = {"department": {"department_uscc": department["uscc"]}, "enterprise": {"uscc": factories.new_uscc()},
               "agent": {"district_code": "150502"}}.get(role, {})
    headers = factories.auth(factories.key_for(app, role, **binding))
    for method, path in ENDPOINTS:
        refused = client.open(f"/api/v1/principals{path}", method=method, headers=headers, json={"role": "admin"})
        assert (refused.status_code, refused.json["code"]) == (403, "role_forbidden"), (method, path)


def test_an_anonymous_caller_is_asked_for_a_key_before_its_body_is_read(client):
    for method, path in ENDPOINTS:
        refused = client.open(f"/api/v1/principals{path}", method=method, json={"nonsense": True})
        assert (refused.status_code, refused.json["code"]) == (401, "authentication_required"), (method, path)


def test_a_key_works_through_its_last_day_and_fails_the_day_after(app, admin, clock):
    last_day = date(2027, 3, 31)
    clock(app, last_day - timedelta(days=30))
    key = admin("POST", json={"role": "admin", "expires_at": last_day.isoformat()}).json["key"]
    clock(app, last_day)
    assert admin("GET", key=key).status_code == 200
    clock(app, last_day + timedelta(days=1))
    expired = admin("GET", key=key)
    assert (expired.status_code, expired.json["code"]) == (401, "expired_api_key")
    assert "2027-03-31" in expired.json["message_en"]


def test_an_expired_key_is_renewed_only_with_a_new_expiry(app, admin, clock):
    clock(app, date(2027, 1, 10))
    expiring = admin("POST", json={"role": "admin", "expires_at": "2027-01-10"}).json
    clock(app, date(2027, 1, 11))
    refused = admin("POST", f"/{expiring['id']}/rotate")
    assert (refused.status_code, refused.json["code"]) == (409, "expiry_needed")
    past = admin("POST", f"/{expiring['id']}/rotate", json={"expires_at": "2027-01-10"})
    assert (past.status_code, past.json["code"]) == (422, "expiry_in_the_past")
    renewed = admin("POST", f"/{expiring['id']}/rotate", json={"expires_at": "2027-12-31"})
    assert renewed.status_code == 200 and renewed.json["expires_at"] == "2027-12-31"
    assert admin("GET", key=renewed.json["key"]).status_code == 200


def test_a_key_cannot_be_made_already_expired_or_bound_wrongly(app, admin, clock):
    clock(app, date(2027, 5, 1))
    past = admin("POST", json={"role": "admin", "expires_at": "2027-04-30"})
    assert (past.status_code, past.json["code"]) == (422, "expiry_in_the_past")
    stray = admin("POST", json={"role": "admin", "district": "150502"})
    assert (stray.status_code, stray.json["code"]) == (422, "binding_not_for_role")
    unknown_role = admin("POST", json={"role": "root"})
    assert unknown_role.status_code == 422 and unknown_role.json["errors"][0]["field"] == "role"
    assert admin("POST", json={"role": "admin", "expires_at": "2027-05-01"}).status_code == 201  # today: its last day


def test_unknown_principals_and_peoples_principals_have_no_key_to_change(app, admin):
    assert admin("POST", "/999999/revoke").json["code"] == "principal_not_found"
    assert admin("POST", f"/{2**63}/revoke").status_code == 404  # beyond any id: no database overflow
    with app.app_context():
        account, _ = create_account("reviewer", "李审核", "li@tongliao.example")
        person_principal = account.principal_id
    for action in ("revoke", "rotate"):
        refused = admin("POST", f"/{person_principal}/{action}")
        assert (refused.status_code, refused.json["code"]) == (409, "principal_without_key")


def test_last_use_is_recorded_by_a_read_at_most_once_a_minute(app, admin, admin_key):
    admin_id = _admin_id(admin)  # a GET: reads only, and records the use
    first = _last_used(app, admin_id)
    assert first is not None and datetime.now(UTC) - first < timedelta(minutes=1)
    admin("GET")
    assert _last_used(app, admin_id) == first  # within the minute: not written again
    with app.app_context():
        two_minutes_ago = first - timedelta(minutes=2)
        db.session.execute(update(Principal).where(Principal.id == admin_id).values(last_used_at=two_minutes_ago))
        db.session.commit()
    admin("GET")
    assert _last_used(app, admin_id) > first


def _admin_id(admin) -> int:
    return next(p["id"] for p in admin("GET", query_string={"role": "admin"}).json["items"])


def _last_used(app, principal_id: int) -> datetime | None:
    with app.app_context():
        moment = db.session.get(Principal, principal_id).last_used_at
    return moment and as_utc(moment)
