"""Publicity at intake and the sweep that ends it, on the day the window closes and not before."""

import json
from datetime import date, timedelta

from registry.access.services import authenticate
from registry.records.services import push_records
from registry.records.sweep import end_expired_publicity
from tests import factories
from tests.problems import assert_problem


def test_penalty_gets_its_rule_set_and_window_at_intake(push, client, app):
    with app.app_context():
        tax = factories.department("tax")
    key = factories.key_for(app, "department", department_uscc=tax["uscc"])
    decided = date(2025, 6, 22)  # first day of gbf-2025-22
    record = factories.penalty(tax, decision_date=decided.isoformat(), penalty_types="罚款", fine_amount="2",
                               violation_type="未按期申报", facts="未按照规定期限办理纳税申报。")
    record_id = push(record, key=key).json["results"][0]["id"]
    publicity = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(key)).json["publicity"]
    assert publicity == {"severity": "general", "rule_set": "gbf-2025-22", "start": "2025-06-22",
                         "repairable_from": "2025-09-22", "end": "2026-06-22"}


def test_a_record_taken_in_on_its_last_day_of_publicity_is_published_and_on_its_end_date_expired(client, app,
                                                                                                 clock):
    with app.app_context():
        tax = factories.department("tax")
    key = factories.key_for(app, "department", department_uscc=tax["uscc"])
    end = date(2026, 6, 22)  # a general fine decided 2025-06-22 under gbf-2025-22 is shown for a year

    def status_taken_in_on(day: date, decision_no: str) -> str:
        record = factories.penalty(tax, decision_date="2025-06-22", decision_no=decision_no, penalty_types="罚款",
                                   fine_amount="2", violation_type="未按期申报", facts="未按照规定期限办理纳税申报。")
        with app.app_context():
            pushed = push_records(authenticate(key), [record], today=day)
        clock(app, day)  # read back on the day of intake
        shown = client.get(f"/api/v1/records/{pushed['results'][0]['id']}", headers=factories.auth(key)).json
        assert shown["publicity"]["end"] == end.isoformat()
        return shown["status"]

    assert status_taken_in_on(end - timedelta(days=1), "通税罚〔2025〕1号") == "published"
    assert status_taken_in_on(end, "通税罚〔2025〕2号") == "expired"


def test_sweep_ends_publication_on_the_end_date_and_is_idempotent(push, client, department, app, cli):
    record = factories.penalty(department)
    record_id = push(record).json["results"][0]["id"]
    end = date.fromisoformat(client.get(f"/api/v1/records/{record_id}").json["publicity"]["end"])
    with app.app_context():
        assert end_expired_publicity(end - timedelta(days=1)) == 0
        assert client.get(f"/api/v1/records/{record_id}").json["status"] == "published"
        assert end_expired_publicity(end) == 1
        assert end_expired_publicity(end) == 0
    assert_problem(client.get(f"/api/v1/records/{record_id}"), 404, "record_not_found")
    reviewer = factories.key_for(app, "reviewer")
    shown = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(reviewer)).json
    assert shown["status"] == "expired" and shown["version"] == 2

    result = cli("publicity", "sweep")
    assert result.exit_code == 0 and json.loads(result.stdout)["ended"] == 0
