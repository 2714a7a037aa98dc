"""Entity look-ups and what the public, the enterprise and the department may see."""


from registry.pagination import encode_cursor
from tests import factories
from tests.problems import assert_problem


def test_entity_with_its_records(push, client, department):
    record = factories.penalty(department)
    push(record)
    push(factories.licence(department, uscc=record["uscc"], party_name=record["party_name"]))
    entity = client.get(f"/api/v1/enterprises/{record['uscc']}").json
    assert entity["name"] == record["party_name"]
    assert entity["entity_kind"]["key"] == "enterprise"
    assert entity["district"] == {"code": "150502", "name_zh": "科尔沁区"}
    assert entity["record_counts"] == {"penalty": 1, "licence": 1, "dishonesty": 0, "abnormal": 0, "honour": 0,
                                       "commitment": 0}
    assert entity["legal_rep_id_no"] == "150***********1234"

    page = client.get(f"/api/v1/enterprises/{record['uscc']}/records").json
    assert {item["kind"] for item in page["items"]} == {"penalty", "licence"}
    assert page["next_cursor"] is None


def test_list_entries_are_answered_with_their_own_fields_until_they_leave_display(push, client, department):
    party = {"uscc": factories.new_uscc(), "party_name": "通辽市宏达建筑工程有限公司"}
    removed_on = factories.TODAY.isoformat()
    rows = [factories.entry(department, "dishonesty", valid_to="2099-01-01", **party),
            factories.entry(department, "commitment", commitment_state="未履约", **party),
            factories.entry(department, "abnormal", removed_on=removed_on, removal_reason="已补报年报", **party),
            factories.penalty(department, **party)]
    assert push(rows).status_code == 200
    entity = client.get(f"/api/v1/enterprises/{party['uscc']}").json
    assert {k: v for k, v in entity["record_counts"].items() if v} == {"dishonesty": 1, "commitment": 1, "penalty": 1}
    items = {item["kind"]: item for item in client.get(f"/api/v1/enterprises/{party['uscc']}/records").json["items"]}
    assert set(items) == {"dishonesty", "commitment", "penalty"}  # the abnormal entry was removed today
    dishonesty = items["dishonesty"]
    assert (dishonesty["list_name"], dishonesty["listing_reason"], dishonesty["valid_to"]) == (
        "重大税收违法失信主体名单", "虚开增值税专用发票，偷税数额较大", "2099-01-01")
    assert dishonesty["publicity"]["severity"] == "serious" and dishonesty["publicity"]["rule_set"] == "lists"
    assert "facts" not in dishonesty and "commitment_matter" not in dishonesty  # each kind its own fields
    commitment = items["commitment"]
    assert (commitment["commitment_state"], commitment["commitment_matter"]) == ("未履约", "食品经营许可（容缺受理）")
    assert "list_name" not in items["penalty"]
    only = client.get(f"/api/v1/enterprises/{party['uscc']}/records", query_string={"kind": "commitment"}).json
    assert [item["kind"] for item in only["items"]] == ["commitment"]
    own_key = factories.key_for(client.application, "enterprise", uscc=party["uscc"])
    mine = client.get(f"/api/v1/enterprises/{party['uscc']}/records", query_string={"kind": "abnormal"},
                      headers=factories.auth(own_key))
    [removed] = mine.json["items"]  # the enterprise still sees its removed entry, with the removal
    assert (removed["status"], removed["removed_on"], removed["removal_reason"]) == ("expired", removed_on,
                                                                                     "已补报年报")


def test_lookup_normalises_the_code(push, client, department):
    record = factories.penalty(department)
    push(record)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in record["uscc"].lower())
    assert client.get(f"/api/v1/enterprises/{fullwidth}").json["uscc"] == record["uscc"]


def test_unknown_code_is_404_and_malformed_is_400_naming_the_reason(client):
    unknown = client.get(f"/api/v1/enterprises/{factories.new_uscc()}")
    assert unknown.status_code == 404 and unknown.json["code"] == "enterprise_not_found"
    malformed = client.get("/api/v1/enterprises/91110000600037341X")
    assert malformed.status_code == 400 and malformed.json["code"] == "uscc_check"
    assert "expected 'L'" in malformed.json["message_en"]
    short = client.get("/api/v1/enterprises/9111")
    assert short.status_code == 400 and short.json["code"] == "uscc_length"


def test_pages_follow_the_cursor_without_gaps_or_repeats(push, client, department):
    base = factories.penalty(department)
    batch = [factories.penalty(department, uscc=base["uscc"], party_name=base["party_name"]) for _ in range(7)]
    push(batch)
    seen, cursor = [], None
    while True:
        url = f"/api/v1/enterprises/{base['uscc']}/records?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).json
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 7 == len(set(seen))
    for cursor in ("garbage", encode_cursor("2024-01-01", 2**63)):  # an id past what the database can hold
        bad = client.get(f"/api/v1/enterprises/{base['uscc']}/records?cursor={cursor}")
        assert bad.status_code == 400 and bad.json["code"] == "invalid_cursor"
    too_big = client.get(f"/api/v1/enterprises/{base['uscc']}/records?limit=5000")
    assert too_big.status_code == 422 and too_big.json["errors"][0]["field"] == "limit"


def test_natural_persons_are_hidden_from_the_public(push, client, department, app):
    person = factories.penalty(department, party_name="张三", party_category="自然人", uscc="",
                               id_type="身份证", id_no="150502199001011234")
    record_id = push(person).json["results"][0]["id"]
    assert_problem(client.get(f"/api/v1/records/{record_id}"), 404, "record_not_found")
    reviewer = factories.key_for(app, "reviewer")
    shown = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(reviewer)).json
    assert shown["id_no"] == "150502199001011234"


def test_ids_are_masked_for_the_public_and_shown_to_the_source_department(push, client, department_key,
                                                                            department):
    record_id = push(factories.penalty(department)).json["results"][0]["id"]
    public = client.get(f"/api/v1/records/{record_id}").json
    assert public["legal_rep_id_no"] == "150***********1234"
    own = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(department_key)).json
    assert own["legal_rep_id_no"] == "150502198003151234"


def test_unknown_record_and_bad_paths_are_problem_json(client):
    missing = client.get("/api/v1/records/999999")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"
    assert_problem(client.get("/api/v1/records/abc"), 404, "not_found")
    assert_problem(client.get("/api/v1/records/99999999999999999999"), 404, "not_found")  # not a database overflow
    assert_problem(client.delete("/api/v1/enterprises/91110000600037341L"), 405, "method_not_allowed")


def test_a_newer_decision_renames_the_entity_and_keeps_the_former_name(push, client, department):
    first = factories.penalty(department, party_name="通辽市鑫源商贸有限公司", decision_date="2025-03-01")
    push(first)
    push(factories.penalty(department, uscc=first["uscc"], party_name="通辽市鑫源商贸集团有限公司",
                           decision_date="2025-09-01"))
    push(factories.penalty(department, uscc=first["uscc"], party_name="通辽县鑫源商店",
                           decision_date="2024-01-01"))  # older than the current name: no rename
    entity = client.get(f"/api/v1/enterprises/{first['uscc']}").json
    assert entity["name"] == "通辽市鑫源商贸集团有限公司"
    assert entity["former_names"] == ["通辽市鑫源商贸有限公司"]
    push(factories.penalty(department, uscc=first["uscc"], party_name="内蒙古鑫源集团有限公司",
                           decision_date="2025-10-01"))
    entity = client.get(f"/api/v1/enterprises/{first['uscc']}").json
    assert entity["name"] == "内蒙古鑫源集团有限公司"
    assert entity["former_names"] == ["通辽市鑫源商贸有限公司", "通辽市鑫源商贸集团有限公司"]
    push(factories.penalty(department, uscc=first["uscc"], party_name="通辽市鑫源商贸有限公司",
                           decision_date="2025-11-01"))  # back to its first name: no longer a former one
    entity = client.get(f"/api/v1/enterprises/{first['uscc']}").json
    assert entity["name"] == "通辽市鑫源商贸有限公司"
    assert entity["former_names"] == ["通辽市鑫源商贸集团有限公司", "内蒙古鑫源集团有限公司"]
