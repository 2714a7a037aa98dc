"""A natural person is no market entity: a 自然人 row never creates, names or renames an entity, and
never becomes reachable through an entity's public view (hardening finding 1)."""

import json

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from registry.extensions import db
from registry.publicsearch.engines import sync_search
from tests import factories
from tests.problems import assert_problem

PERSON_NAME = "欧阳建华"
ID_NO = "150502199001011234"


def person_row(department: dict, uscc: str = "", **overrides) -> dict:
    return factories.penalty(department, party_name=PERSON_NAME, party_category="自然人", uscc=uscc,
                             id_type="身份证", id_no=ID_NO, **overrides)


def test_a_natural_person_row_with_a_credit_code_is_refused_and_nothing_is_saved(push, client, department):
    code = factories.new_uscc()
    company = factories.penalty(department)
    answer = push([company, person_row(department, uscc=code)])
    assert answer.status_code == 422
    [error] = answer.json["errors"]
    assert (error["index"], error["field"], error["code"]) == (1, "uscc", "uscc_not_for_natural_person")
    assert "个体工商户" in error["message_zh"]
    assert_problem(client.get(f"/api/v1/enterprises/{code}"), 404, "enterprise_not_found")
    # the batch is all or nothing
    assert_problem(client.get(f"/api/v1/enterprises/{company['uscc']}"), 404, "enterprise_not_found")


def test_a_natural_person_row_without_a_code_names_no_entity(push, client, department):
    assert push(person_row(department)).status_code == 200
    search = client.get("/api/v1/search", query_string={"q": PERSON_NAME}).json
    assert search["items"] == []
    page = client.get("/", query_string={"q": PERSON_NAME}).get_data(as_text=True)
    assert 'class="hit ' not in page and "没有找到匹配的结果" in page


@pytest.mark.committed  # migrations run on their own connection
def test_records_taken_in_before_the_rule_leave_the_entities_they_made_or_renamed(app, push, client, department):
    """Rows stored as the writer used to store them: an entity named after the person (only her record
    names it), and a company whose name her row took. The migration undoes both."""
    person_code, company = factories.new_uscc(), factories.penalty(department, party_name="通辽市金桥建材有限公司")
    ids = [r["id"] for r in push([person_row(department), company]).json["results"]]
    other_person = person_row(department, decision_no="通市监处罚〔2026〕77号")
    other_person["id_no"] = "150502199202024321"
    ids.append(push(other_person).json["results"][0]["id"])
    with app.app_context():
        with db.engine.begin() as connection:
            _as_the_old_writer_stored(connection, ids, person_code, company["uscc"])
        sync_search()
        assert _search_ids(client, PERSON_NAME) == {f"entity-{person_code}", f"entity-{company['uscc']}"}
        db.session.remove()  # ends the read above: dropping a table that refers to entities locks entities whole
        downgrade(revision="0009_query_log_verifications")
        upgrade()
        sync_search()
    assert client.get(f"/api/v1/enterprises/{person_code}").status_code == 404
    renamed = client.get(f"/api/v1/enterprises/{company['uscc']}").json
    assert renamed["name"] == "通辽市金桥建材有限公司" and PERSON_NAME not in json.dumps(renamed, ensure_ascii=False)
    assert _search_ids(client, PERSON_NAME) == set()
    assert [r["id"] for r in client.get(f"/api/v1/enterprises/{company['uscc']}/records").json["items"]] == [ids[1]]
    enterprise = factories.auth(factories.key_for(app, "enterprise", uscc=company["uscc"]))
    assert_problem(client.get(f"/api/v1/records/{ids[2]}", headers=enterprise), 404, "record_not_found")


def _as_the_old_writer_stored(connection, ids, person_code, company_code) -> None:
    connection.execute(text("INSERT INTO entities (uscc, name, name_normalised, former_names, party_category, "
                            "district_code, version, created_at, updated_at) VALUES (:code, :name, :name, '[]', "
                            "'natural_person', '150502', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                       {"code": person_code, "name": PERSON_NAME})
    entity = connection.scalar(text("SELECT id FROM entities WHERE uscc = :code"), {"code": person_code})
    connection.execute(text("UPDATE records SET uscc = :code, entity_id = :entity WHERE id = :id"),
                       {"code": person_code, "entity": entity, "id": ids[0]})
    company = connection.scalar(text("SELECT id FROM entities WHERE uscc = :code"), {"code": company_code})
    connection.execute(text("UPDATE records SET uscc = :code, entity_id = :entity WHERE id = :id"),
                       {"code": company_code, "entity": company, "id": ids[2]})
    connection.execute(text("UPDATE entities SET name = :name, name_normalised = :name, former_names = :former, "
                            "version = version + 1 "
                            "WHERE id = :id"),
                       {"name": PERSON_NAME, "former": json.dumps(["通辽市金桥建材有限公司"], ensure_ascii=False),
                        "id": company})
    connection.execute(text("INSERT INTO search_outbox (kind, ref, created_at) VALUES ('entity', :a, "
                            "CURRENT_TIMESTAMP), ('entity', :b, CURRENT_TIMESTAMP)"), {"a": entity, "b": company})


def _search_ids(client, q) -> set:
    items = client.get("/api/v1/search", query_string={"q": q, "kind": "entity"}).json["items"]
    return {f"entity-{item['entity']['uscc']}" for item in items}
