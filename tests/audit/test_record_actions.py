"""Each record action leaves exactly one audit entry: a push, an update, a withdrawal, a rename, a key."""

from datetime import timedelta

from registry.access.services import authenticate, create_principal
from tests import factories
from tests.audit.trail import count, newest


def _days_ago(days: int) -> str:
    return (factories.TODAY - timedelta(days=days)).isoformat()


def test_a_pushed_record_leaves_one_record_insert_naming_who_and_from_where(app, push, department, department_key):
    before = count(app, "record.insert")
    response = push(factories.penalty(department))
    assert count(app, "record.insert") == before + 1
    entry = newest(app, "record.insert")
    with app.app_context():
        principal_id = authenticate(department_key).principal_id
    assert (entry["object_type"], entry["object_id"]) == ("record", str(response.json["results"][0]["id"]))
    assert (entry["principal_id"], entry["actor_role"], entry["account_id"]) == (principal_id, "department", None)
    assert entry["address"] == "127.0.0.1" and entry["request_id"] == response.headers["X-Request-Id"]


def test_a_batch_leaves_one_record_insert_a_record_and_a_resent_one_none(app, push, department):
    rows = [factories.penalty(department) for _ in range(3)]
    inserted, updated = count(app, "record.insert"), count(app, "record.update")
    push(rows)
    assert count(app, "record.insert") == inserted + 3
    push(rows)
    assert (count(app, "record.insert"), count(app, "record.update")) == (inserted + 3, updated)


def test_a_changed_record_leaves_one_record_update(app, push, department):
    row = factories.penalty(department)
    record_id = push(row).json["results"][0]["id"]
    inserted, before = count(app, "record.insert"), count(app, "record.update")
    push({**row, "penalty_content": "给予警告，并处罚款人民币八千元", "fine_amount": "0.8"})
    assert count(app, "record.update") == before + 1 and count(app, "record.insert") == inserted
    assert newest(app, "record.update")["object_id"] == str(record_id)


def test_a_withdrawal_leaves_one_record_withdraw_with_its_reason(app, client, push, department, department_key):
    record_id = push(factories.penalty(department)).json["results"][0]["id"]
    before = count(app, "record.withdraw")
    response = client.delete(f"/api/v1/records/{record_id}", json={"reason": "决定已被依法撤销"},
                             headers=factories.auth(department_key))
    assert response.status_code == 200, response.json
    assert count(app, "record.withdraw") == before + 1
    entry = newest(app, "record.withdraw")
    assert (entry["object_id"], entry["details"]) == (str(record_id), {"reason": "决定已被依法撤销"})


def test_a_batch_that_renames_entities_leaves_one_entity_rename_with_their_codes(app, push, department):
    first, second = (factories.penalty(department, decision_date=_days_ago(40)) for _ in range(2))
    push([first, second])
    before = count(app, "entity.rename")
    renamed = [factories.penalty(department, uscc=row["uscc"], party_name=row["party_name"] + "（更名）",
                                 decision_date=_days_ago(10)) for row in (first, second)]
    push([*renamed, factories.penalty(department)])  # and a new entity, which is no rename
    assert count(app, "entity.rename") == before + 1
    entry = newest(app, "entity.rename")
    assert (entry["object_type"], entry["details"]) == ("entity", {"codes": sorted([first["uscc"], second["uscc"]])})
    push(factories.penalty(department, uscc=first["uscc"], party_name=renamed[0]["party_name"],
                           decision_date=_days_ago(5)))  # the same name again renames nothing
    assert count(app, "entity.rename") == before + 1


def test_each_unmasked_id_number_served_to_another_than_the_party_leaves_one_personal_id_read(
        app, client, push, department, department_key):
    row = factories.penalty(department)
    record_id = push(row).json["results"][0]["id"]
    reviewer = factories.auth(factories.key_for(app, "reviewer"))
    itself = factories.auth(factories.key_for(app, "enterprise", uscc=row["uscc"]))
    before = count(app, "personal_id.read")
    shown = client.get(f"/api/v1/records/{record_id}", headers=reviewer).json
    assert shown["legal_rep_id_no"] == row["legal_rep_id_no"]
    assert count(app, "personal_id.read") == before + 1
    entry = newest(app, "personal_id.read")
    assert (entry["object_type"], entry["object_id"], entry["actor_role"]) == ("record", str(record_id), "reviewer")
    client.get(f"/api/v1/records/{record_id}", headers=factories.auth(department_key))  # the source department
    client.get(f"/api/v1/enterprises/{row['uscc']}/records", headers=reviewer)
    assert count(app, "personal_id.read") == before + 3
    client.get(f"/api/v1/enterprises/{row['uscc']}", headers=reviewer)  # the legal representative's, unmasked
    assert count(app, "personal_id.read") == before + 4
    assert newest(app, "personal_id.read")["object_id"] == row["uscc"]
    for masked_or_own in (None, itself):  # the public sees it masked; the enterprise is the party itself
        client.get(f"/api/v1/records/{record_id}", headers=masked_or_own)
        client.get(f"/api/v1/enterprises/{row['uscc']}", headers=masked_or_own)
    assert count(app, "personal_id.read") == before + 4


def test_creating_a_principal_leaves_one_key_create_without_the_key(app):
    before = count(app, "key.create")
    with app.app_context():
        principal, key = create_principal("reviewer", "信用中心审核员")
        principal_id = principal.id
    assert count(app, "key.create") == before + 1
    entry = newest(app, "key.create")
    assert (entry["object_type"], entry["object_id"], entry["actor_role"]) == ("principal", str(principal_id), "system")
    assert entry["details"] == {"role": "reviewer", "key_prefix": key[:12]} and key not in str(entry)
