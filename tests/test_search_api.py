"""GET /api/v1/search on the embedded default: what a change does to search, and bad input."""

import json

from registry.publicsearch.schemas import SearchArgs, SearchOut
from registry.publicsearch.services import search
from search.engine import encode_cursor
from tests import factories
from tests.problems import assert_problem


def hits_of(client, **params):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


def test_a_pushed_penalty_is_found_by_a_fragment_of_the_name(push, client, department):
    record = factories.penalty(department, party_name="通辽市瑞祥汽车服务有限公司")
    record_id = push(record).json["results"][0]["id"]
    found = hits_of(client, q="瑞祥汽车")
    kinds = {(item["kind"], (item.get("record") or {}).get("id") or item["entity"]["uscc"]) for item in found["items"]}
    assert ("entity", record["uscc"]) in kinds and ("record", record_id) in kinds
    assert all("name" in item["matched"] for item in found["items"])
    assert found["engine"] == "builtin" and found["facets"]["kind"] == {"entity": 1, "record": 1}
    assert found["total"] == 2 and found["total_exact"] is True
    # A control character (a NUL pasted in) is a space, not an outage.
    assert hits_of(client, q="瑞祥\x00汽车")["items"] == hits_of(client, q="瑞祥 汽车")["items"] == found["items"]


def test_two_characters_and_credit_code_prefixes_find_the_entity(push, client, department):
    record = factories.penalty(department, party_name="通辽市嘉禾食品有限公司")
    push(record)
    assert record["uscc"] in {i["entity"]["uscc"] for i in hits_of(client, q="嘉禾", kind="entity")["items"]}
    by_code = hits_of(client, q=record["uscc"][:12], kind="entity")["items"]
    assert by_code[0]["entity"]["uscc"] == record["uscc"] and by_code[0]["matched"] == ["uscc"]


def test_a_published_natural_person_is_found_with_the_name_masked_and_not_highlighted(push, client, department,
                                                                                     monkeypatch):
    monkeypatch.setattr(client.application.config["REGISTRY"], "PUBLISH_NATURAL_PERSONS", True)
    push(factories.penalty(department, party_name="欧阳建华", party_category="自然人", uscc="", id_type="身份证",
                           id_no="150502199001011234"))
    [hit] = hits_of(client, q="建华", kind="record")["items"]
    assert hit["record"]["party_name"] == "欧***" and "name" not in hit["highlights"]
    assert "建华" not in json.dumps(hit, ensure_ascii=False)


def test_withdrawn_records_and_natural_persons_are_never_found(push, client, department, department_key):
    kept = factories.penalty(department, party_name="通辽市宏达建材有限公司")
    gone = factories.penalty(department, party_name="通辽市宏达物流有限公司")
    person = factories.penalty(department, party_name="宏达张三", party_category="自然人", uscc="", id_type="身份证",
                               id_no="150502199001011234")
    ids = [r["id"] for r in push([kept, gone, person]).json["results"]]
    client.delete(f"/api/v1/records/{ids[1]}?reason=revoked", headers=factories.auth(department_key))
    records = {i["record"]["id"] for i in hits_of(client, q="宏达", kind="record")["items"]}
    assert records == {ids[0]}


def test_a_record_hit_says_whether_it_is_under_objection(push, client, department, app):
    record = factories.penalty(department, party_name="通辽市瑞丰粮油有限公司")
    record_id = push(record).json["results"][0]["id"]
    [before] = hits_of(client, q="瑞丰粮油", kind="record")["items"]
    enterprise = factories.auth(factories.key_for(app, "enterprise", uscc=record["uscc"]))
    filed = client.post("/api/v1/objections", json={"record_id": record_id, "reason": "处罚决定已被复议撤销"},
                        headers=enterprise)
    assert filed.status_code == 201, filed.json
    [after] = hits_of(client, q="瑞丰粮油", kind="record")["items"]
    assert (before["record"]["under_objection"], after["record"]["under_objection"]) == (False, True)


def test_parameters_sent_empty_are_not_sent(push, client, department):
    record = factories.penalty(department, party_name="通辽市瑞丰粮油有限公司")
    push(record)
    template = {name: "" for name in ("kind", "domain", "region", "severity", "from", "to", "cursor")}  # SPEC §8
    assert hits_of(client, q="瑞丰粮油", **template)["items"] == hits_of(client, q="瑞丰粮油")["items"] != []
    assert client.get(f"/api/v1/enterprises/{record['uscc']}/records?cursor=&limit=").status_code == 200


def test_bad_search_parameters_are_problem_json(client):
    for params, field in (({"limit": 0}, "limit"), ({"district": "abc"}, "district"), ({"kind": "x"}, "kind"),
                          ({"from": "2024-02-30"}, "from")):
        response = client.get("/api/v1/search", query_string=params)
        assert response.status_code == 422 and response.json["errors"][0]["field"] == field
    for cursor in ("garbage", encode_cursor([10**30, "x"])):  # a score past what the database can hold
        bad_cursor = client.get("/api/v1/search", query_string={"q": "通辽", "cursor": cursor})
        assert bad_cursor.status_code == 400 and bad_cursor.json["code"] == "invalid_cursor"


def test_region_is_another_name_for_district(push, client, department):
    push(factories.penalty(department, party_name="通辽市润泽医药有限公司"))
    by_district = hits_of(client, q="润泽医药", district="150502")
    assert by_district["total"] == 1  # the entity; its record counts in its department's district
    assert hits_of(client, q="润泽医药", region="150502") == by_district
    assert hits_of(client, q="润泽医药", region="150521")["total"] == 0


def test_the_answer_is_what_its_published_schema_describes(app, push, client, department):
    """The search answer is written without a schema pass; it must still be exactly SearchOut's dump."""
    pushed = push([factories.penalty(department, party_name="通辽市恒信商贸有限公司", fine_amount="12500.50"),
                   factories.licence(department, party_name="通辽市恒信商贸有限公司")])
    assert pushed.status_code == 200, pushed.json
    answer = hits_of(client, q="恒信商贸")
    assert {item["kind"] for item in answer["items"]} == {"entity", "record"}
    assert {item["record"]["kind"] for item in answer["items"] if item["kind"] == "record"} == {"penalty", "licence"}
    with app.test_request_context():
        described = SearchOut().dump(search(SearchArgs().load({"q": "恒信商贸"})))
    assert answer == json.loads(json.dumps(described, ensure_ascii=False))


def test_highlights_escape_what_a_department_sent_and_mark_only_the_match(push, client, department):
    push(factories.penalty(department, party_name="通辽市<b>华丰</b>商贸有限公司",
                           facts="经查，当事人在包装上印有<script>alert(1)</script>字样的过期食品。"))
    [hit] = hits_of(client, q="alert(1)", kind="record")["items"]
    [fragment] = hit["highlights"]["text"]
    assert "<script>" not in fragment and "&lt;script&gt;" in fragment and "<em>alert(1)</em>" in fragment
    page = client.get("/", query_string={"q": "alert(1)"}).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "&amp;lt;" not in page
    [named] = hits_of(client, q="华丰", kind="entity")["items"]
    assert named["highlights"]["name"] == ["通辽市&lt;b&gt;<em>华丰</em>&lt;/b&gt;商贸有限公司"]


def test_a_decision_number_finds_its_record_whole_or_by_its_beginning(push, client, department):
    record = factories.penalty(department, party_name="通辽市恒远商贸有限公司", decision_no="通市监罚〔2026〕318号")
    record_id = push(record).json["results"][0]["id"]
    for q in ("通市监罚〔2026〕318号", "通市监罚〔２０２６〕318号", "通市监罚〔2026〕31"):
        [hit] = hits_of(client, q=q)["items"]
        assert hit["record"]["id"] == record_id and hit["matched"] == ["decision_no"]
        assert hit["highlights"] == {}
    assert hits_of(client, q="通市监罚")["items"] == []  # a beginning without a digit is no number


def test_record_kind_picks_penalties_or_licences(push, client, department):
    name = "通辽市福康医药有限公司"
    push([factories.penalty(department, party_name=name),
          factories.licence(department, party_name=name, uscc=factories.penalty(department)["uscc"])])
    both = hits_of(client, q="福康医药", kind="record")
    assert both["facets"]["record_kind"] == {"penalty": 1, "licence": 1}
    [licence] = hits_of(client, q="福康医药", record_kind="licence")["items"]
    assert licence["record"]["kind"] == "licence"
    [penalty] = hits_of(client, q="福康医药", record_kind="penalty")["items"]  # no entity hit: records only
    assert penalty["record"]["kind"] == "penalty"
    problem = assert_problem(client.get("/api/v1/search", query_string={"record_kind": "list"}), 422,
                             "validation_failed")
    assert [e["field"] for e in problem["errors"]] == ["record_kind"]
