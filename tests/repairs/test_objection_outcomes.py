"""An objection's outcome reaches the enterprise that filed it, and "under objection" shows on the public pages."""

import pytest

from tests import factories
from tests.problems import assert_problem
from tests.repairs.test_objections_and_statistics import object_to


def notices_of(client, key, uscc):
    response = client.get(f"/api/v1/enterprises/{uscc}/notices", headers=factories.auth(key),
                          query_string={"kind": "objection_outcome"})
    assert response.status_code == 200, response.json
    return response.json["items"]


def resolve(client, keys, objection_id, outcome, resolution):
    response = client.post(f"/api/v1/objections/{objection_id}/resolution", headers=factories.auth(keys.department),
                           json={"outcome": outcome, "resolution": resolution})
    assert response.status_code == 200, response.json


@pytest.mark.parametrize(("outcome", "told"), [("upheld", "维持原记录"), ("withdrawn", "记录已撤销")])
def test_the_enterprise_is_told_how_its_objection_was_resolved(client, penalty, keys, outcome, told):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    objection = object_to(client, key, record_id).json
    assert notices_of(client, key, row["uscc"]) == []  # nothing to tell while it is open
    resolve(client, keys, objection["id"], outcome, "经核查处理")
    [notice] = notices_of(client, key, row["uscc"])
    assert notice["title"] == "异议申诉处理结果通知" and told in notice["body"]
    assert row["decision_no"] in notice["body"] and "经核查处理" in notice["body"]
    other = keys.enterprise(factories.new_uscc())
    assert_problem(client.get(f"/api/v1/enterprises/{row['uscc']}/notices", headers=factories.auth(other)),
                   404, "enterprise_not_found")


def test_the_public_pages_say_under_objection_until_resolved(client, penalty, keys):
    record_id, row = penalty(party_name="通辽市顺达货运有限公司")
    objection = object_to(client, keys.enterprise(row["uscc"]), record_id).json
    entity_page = client.get(f"/enterprises/{row['uscc']}").get_data(as_text=True)
    search_page = client.get("/", query_string={"q": "顺达货运", "kind": "record"}).get_data(as_text=True)
    assert "异议处理中" in entity_page and "异议处理中" in search_page
    resolve(client, keys, objection["id"], "upheld", "经核查，原处罚信息准确")
    assert "异议处理中" not in client.get(f"/enterprises/{row['uscc']}").get_data(as_text=True)
    search_page = client.get("/", query_string={"q": "顺达货运", "kind": "record"}).get_data(as_text=True)
    assert "顺达货运" in search_page and "异议处理中" not in search_page
