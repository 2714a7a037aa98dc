"""The credit centre's admins keep accounts, keys and configuration, not personal data (SPEC §7):
they see ID numbers masked where its reviewers see them whole."""

from tests import factories

ID_NO = "150502198003151234"


def test_an_admin_sees_ids_masked_where_a_reviewer_sees_them_whole(app, client, push, department):
    record = factories.penalty(department, legal_rep_id_no=ID_NO)
    record_id = push(record).json["results"][0]["id"]
    shown = {}
    for role in ("admin", "reviewer"):
        headers = factories.auth(factories.key_for(app, role))
        answer = client.get(f"/api/v1/records/{record_id}", headers=headers).json
        entity = client.get(f"/api/v1/enterprises/{record['uscc']}", headers=headers).json
        shown[role] = (answer["legal_rep_id_no"], entity["legal_rep_id_no"])
    assert shown["reviewer"] == (ID_NO, ID_NO)
    assert shown["admin"] == ("150***********1234", "150***********1234")
