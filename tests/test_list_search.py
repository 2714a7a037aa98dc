"""List entries and commitments in the public search, on the built-in engine (SQLite, PostgreSQL) and on the
real OpenSearch node: found by their list name, reason or commitment, filtered by kind, and their
entity found by list status until the day its entry's end comes. The clock is moved; no sweep runs.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape

from registry.publicsearch.engines import configured_engine, sync_search
from tests import factories
from tests.problems import assert_problem
from tests.web.test_pages import page_of, total_of


@dataclass
class Registry:
    """The application under test, searched through the API after each write has reached its engine."""

    app: object
    client: object
    key: str
    department: dict

    def push(self, record: dict, outcome: str = "inserted") -> dict:
        response = self.client.post("/api/v1/records", json=record, headers=factories.auth(self.key))
        assert response.status_code == 200 and response.json["results"][0]["outcome"] == outcome, response.json
        with self.app.app_context():  # the embedded default synced already; an external engine is drained
            sync_search()
            if client := getattr(configured_engine(), "client", None):
                client.indices.refresh(index=f"{configured_engine().prefix}-*")
        return response.json["results"][0]

    def search(self, **params) -> dict:
        response = self.client.get("/api/v1/search", query_string=params)
        assert response.status_code == 200, response.json
        return response.json

    def records(self, **params) -> set[int]:
        return {item["record"]["id"] for item in self.search(kind="record", **params)["items"]}

    def entities(self, **params) -> set[str]:
        return {item["entity"]["uscc"] for item in self.search(**params)["items"] if item["kind"] == "entity"}


def builtin(app, client, department) -> Registry:
    return Registry(app, client, factories.key_for(app, "department", department_uscc=department["uscc"]), department)


def external(external_app) -> Registry:
    with external_app.app_context():
        department = factories.department("market_supervision")
    key = factories.key_for(external_app, "department", department_uscc=department["uscc"])
    return Registry(external_app, external_app.test_client(), key, department)


# -- the scenarios, each run on both engines ---------------------------------------------------------


def entries_are_found_by_their_words_and_filtered_by_kind(registry: Registry) -> None:
    name = "通辽市华丰劳务派遣有限公司"
    listed = registry.push(factories.entry(registry.department, "dishonesty", party_name=name,
                                           list_name="严重失信主体名单（拖欠农民工工资）",
                                           listing_reason="拖欠农民工工资数额较大，经责令仍拒不支付"))["id"]
    commitment = factories.entry(registry.department, "commitment", party_name="通辽市华丰劳务食品有限公司",
                                 commitment_matter="食品经营许可证核发",
                                 commitment_content="本单位承诺所提交的申请材料真实有效，并在三个月内补齐消防验收证明")
    committed = registry.push(commitment)["id"]
    assert registry.records(q="拖欠农民工工资") == {listed}  # its list name and reason
    assert registry.records(q="拒不支付") == {listed}  # its reason only
    assert registry.records(q="消防验收证明") == {committed}  # what was committed to
    assert registry.records(q="食品经营许可证核发") == {committed}  # for which licence
    assert registry.records(q="华丰劳务", record_kind="dishonesty") == {listed}
    assert registry.records(q="华丰劳务", record_kind="commitment") == {committed}
    assert registry.records(q="华丰劳务", record_kind="penalty") == set()
    assert registry.search(q="华丰劳务", kind="record")["facets"]["record_kind"] == {"commitment": 1, "dishonesty": 1}


def an_entity_is_on_the_list_until_its_entrys_end(registry: Registry, clock) -> None:
    ends = factories.TODAY + timedelta(days=30)
    entry = factories.entry(registry.department, "dishonesty", party_name="通辽市金桥建筑劳务有限公司",
                                 valid_to=(ends - timedelta(days=1)).isoformat())
    record_id = registry.push(entry)["id"]
    honoured = factories.entry(registry.department, "honour", party_name="通辽市金桥粮油有限公司")
    registry.push(honoured)
    assert date.fromisoformat(registry.client.get(f"/api/v1/records/{record_id}").json["publicity"]["end"]) == ends

    clock(registry.app, ends - timedelta(days=1))
    assert registry.entities(q="金桥", list_status="dishonesty") == {entry["uscc"]}
    assert registry.entities(q="金桥", list_status="abnormal") == set()
    assert registry.search(q="金桥")["facets"]["list_status"] == {"dishonesty": 1, "honour": 1}
    assert registry.records(q="金桥建筑劳务") == {record_id}

    clock(registry.app, ends)
    assert registry.entities(q="金桥", list_status="dishonesty") == set()
    assert registry.search(q="金桥")["facets"]["list_status"] == {"honour": 1}
    assert registry.records(q="金桥建筑劳务") == set()
    assert registry.entities(q="金桥", list_status="honour") == {honoured["uscc"]}


def a_removed_entry_takes_its_entity_off_the_list(registry: Registry) -> None:
    entry = factories.entry(registry.department, "abnormal", party_name="通辽市锦程电子商务有限公司",
                            listing_reason="未按规定期限公示年度报告")
    record_id = registry.push(entry)["id"]
    assert registry.entities(q="锦程电子", list_status="abnormal") == {entry["uscc"]}  # no end until removed
    assert registry.records(q="未按规定期限公示年度报告") >= {record_id}

    removed = registry.push({**entry, "removed_on": factories.TODAY.isoformat(), "removal_reason": "已补报年度报告"},
                            "updated")
    assert removed["id"] == record_id
    assert registry.entities(q="锦程电子", list_status="abnormal") == set()
    assert registry.search(q="锦程电子")["facets"]["list_status"] == {}
    assert registry.entities(q="锦程电子") == {entry["uscc"]}  # still found, on no list
    assert record_id not in registry.records(q="锦程电子") | registry.records(q="未按规定期限公示年度报告")


# -- built-in engine, SQLite and PostgreSQL ---------------------------------------------------------


def test_entries_are_found_by_their_words_and_filtered_by_kind(app, client, department):
    entries_are_found_by_their_words_and_filtered_by_kind(builtin(app, client, department))


def test_an_entity_is_on_the_list_until_its_entrys_end(app, client, department, clock):
    an_entity_is_on_the_list_until_its_entrys_end(builtin(app, client, department), clock)


def test_a_removed_entry_takes_its_entity_off_the_list(app, client, department):
    a_removed_entry_takes_its_entity_off_the_list(builtin(app, client, department))


def test_list_status_is_checked_and_implies_entities(app, client, department):
    registry = builtin(app, client, department)
    entry = factories.entry(department, "dishonesty", party_name="通辽市润泽运输有限公司")
    registry.push(entry)
    found = registry.search(q="润泽运输", list_status="dishonesty")
    assert [item["kind"] for item in found["items"]] == ["entity"]  # its entry is a record: not listed here
    problem = assert_problem(client.get("/api/v1/search", query_string={"list_status": "penalty"}), 422,
                             "validation_failed")
    assert [e["field"] for e in problem["errors"]] == ["list_status"]


def test_the_search_page_filters_by_list_status_under_the_lists_chinese_names(app, client, department):
    registry = builtin(app, client, department)
    listed = factories.entry(department, "dishonesty", party_name="通辽市兴旺矿业有限公司")
    honoured = factories.entry(department, "honour", party_name="通辽市兴旺乳业有限公司")
    for entry in (listed, honoured):
        registry.push(entry)
    html = page_of(client, "/", q="兴旺")
    assert total_of(html) == 4  # two entities, their two entries
    facet = re.search(r'<section class="facet" data-facet="list_status">(.*?)</section>', html, re.S).group(1)
    assert "<h2>名单状态</h2>" in facet
    link = re.search(r'<a href="([^"]+)">严重失信主体名单</a>\s*<span class="count">1</span>', facet).group(1)
    assert re.search(r'<a href="[^"]+">守信激励（红名单）</a>\s*<span class="count">1</span>', facet)
    narrowed = page_of(client, unescape(link))
    assert total_of(narrowed) == 1 and listed["uscc"] in narrowed and honoured["uscc"] not in narrowed
    assert 'name="list_status" value="dishonesty"' in narrowed  # kept by the search box


# -- the external engine (the real OpenSearch node) ---------------------------------------------------


def test_entries_are_found_by_their_words_and_filtered_by_kind_on_the_external_engine(external_app):
    entries_are_found_by_their_words_and_filtered_by_kind(external(external_app))


def test_an_entity_is_on_the_list_until_its_entrys_end_on_the_external_engine(external_app, clock):
    an_entity_is_on_the_list_until_its_entrys_end(external(external_app), clock)


def test_a_removed_entry_takes_its_entity_off_the_list_on_the_external_engine(external_app):
    a_removed_entry_takes_its_entity_off_the_list(external(external_app))
