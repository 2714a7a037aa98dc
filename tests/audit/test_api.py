"""GET /api/v1/audit: admins only, filtered by principal, action, object and time, a page at a time; no writes."""

import pytest

from registry.access.services import Viewer
from registry.uow import unit_of_work
from tests import factories
from tests.problems import assert_problem

REVIEWER, DEPARTMENT = Viewer("reviewer", principal_id=101), Viewer("department", principal_id=102)


@pytest.fixture
def admin(app):
    return factories.auth(factories.key_for(app, "admin"))


def _entries(app, *entries) -> None:
    """Each (action, actor, object type, object id) in a unit of work of its own, so in its own time."""
    for action, actor, object_type, object_id in entries:
        with app.app_context(), unit_of_work() as uow:
            uow.audit(action, actor, object_type, object_id)


def _read(client, headers, **query):
    return client.get("/api/v1/audit", query_string=query, headers=headers)


def test_only_admins_read_the_trail(app, client, admin):
    assert _read(client, None).status_code == 401
    for role, binding in (("reviewer", {}), ("enterprise", {"uscc": factories.new_uscc()}), ("bank", {}),
                          ("agent", {"district_code": "150502"})):
        refused = _read(client, factories.auth(factories.key_for(app, role, **binding)))
        assert refused.status_code == 403 and refused.json["code"] == "role_forbidden", role
    assert _read(client, admin).status_code == 200


def test_nobody_can_write_it(client, admin):
    for method in (client.post, client.put, client.patch, client.delete):
        assert_problem(method("/api/v1/audit", json={"action": "record.insert"}, headers=admin),
                       405, "method_not_allowed")


def test_filters_by_principal_action_and_object(app, client, admin):
    _entries(app, ("repair.decide", REVIEWER, "repair", 1), ("repair.decide", REVIEWER, "repair", 2),
             ("record.withdraw", DEPARTMENT, "record", 1))
    by_reviewer = _read(client, admin, actor=101).json["items"]
    assert [(e["action"], e["object_id"]) for e in by_reviewer] == [("repair.decide", "2"), ("repair.decide", "1")]
    assert [e["principal_id"] for e in _read(client, admin, action="record.withdraw").json["items"]] == [102]
    [one] = _read(client, admin, object_type="repair", object_id="1").json["items"]
    assert (one["actor_role"], one["action"]) == ("reviewer", "repair.decide")
    assert one["hash"] != one["prev_hash"] and len(one["hash"]) == 64
    assert _read(client, admin, actor=101, action="record.withdraw").json["items"] == []


def test_filters_by_time_from_and_before_to(app, client, admin):
    _entries(app, *[("repair.decide", REVIEWER, "repair", n) for n in (1, 2, 3)])
    times = [e["at"] for e in reversed(_read(client, admin, actor=101).json["items"])]
    between = _read(client, admin, actor=101, **{"from": times[1], "to": times[2]}).json["items"]
    assert [e["object_id"] for e in between] == ["2"]
    assert [e["object_id"] for e in _read(client, admin, actor=101, **{"from": times[1]}).json["items"]] == ["3", "2"]


def test_pages_newest_first_with_a_cursor(app, client, admin):
    _entries(app, *[("repair.decide", REVIEWER, "repair", n) for n in range(5)])
    seen, cursor = [], None
    while True:
        page = _read(client, admin, actor=101, limit=2, **({"cursor": cursor} if cursor else {})).json
        seen += [e["object_id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["4", "3", "2", "1", "0"]
    assert _read(client, admin, cursor="not-a-cursor").status_code == 400
