"""处罚有效期 "长期": the layout's sentinel (2099-12-31) delays no repair; a real end date does, until the
day after it. Both sides of each boundary, on both current rule sets and on the market-supervision
track; and 长期 shown on the entity page and in the special credit report."""

from datetime import date, timedelta

import pytest

from registry.access.services import authenticate
from registry.records.services import push_records
from registry.repairs.services import check_eligibility
from tests import factories

DAY = timedelta(days=1)
# (department's domain, decision date, the window it must get: rule set, repairable from). The
# factory's facts are about food: market supervision's fine of 20万元 takes the samr-45 track's window
# for a special sector (repairable after a year) where the same fine of the tax bureau waits 3 months.
WINDOWS = [("tax", date(2024, 3, 5), ("order-58", "2024-06-05")),
           ("tax", date(2025, 7, 1), ("gbf-2025-22", "2025-10-01")),
           ("market_supervision", date(2025, 7, 1), ("gbf-2025-22", "2026-07-01"))]


def taken_in(app, client, domain: str, decided: date, valid_until: str) -> tuple[dict, str]:
    """A fine of `domain`'s department decided on `decided`, taken in that day (so still published);
    returns its answer as its source department reads it and the enterprise's key."""
    with app.app_context():
        source = factories.department(domain)
    department_key = factories.key_for(app, "department", department_uscc=source["uscc"])
    record = factories.penalty(source, decision_date=decided.isoformat(), penalty_types="罚款", fine_amount="20",
                               violation_type="未按规定办理", penalty_valid_until=valid_until)
    with app.app_context():
        pushed = push_records(authenticate(department_key), [record], today=decided)
    record_id = pushed["results"][0]["id"]
    shown = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(department_key)).json
    return shown, factories.key_for(app, "enterprise", uscc=record["uscc"])


def verdict(app, key: str, record_id: int, day: date) -> tuple:
    with app.app_context():
        answer = check_eligibility(authenticate(key), record_id, day)
    return answer["eligible"], answer["reason"], answer["earliest"]


def window_of(shown: dict) -> tuple[str, str]:
    return shown["publicity"]["rule_set"], shown["publicity"]["repairable_from"]


@pytest.mark.parametrize(("domain", "decided", "window"), WINDOWS)
def test_long_term_does_not_delay_repair(app, client, domain, decided, window):
    shown, key = taken_in(app, client, domain, decided, "2099-12-31")
    assert window_of(shown) == window and shown["penalty_valid_until"] == "2099-12-31"
    repairable = date.fromisoformat(shown["publicity"]["repairable_from"])
    assert verdict(app, key, shown["id"], repairable - DAY) == (False, "too_early", repairable)
    assert verdict(app, key, shown["id"], repairable) == (True, None, None)


@pytest.mark.parametrize(("domain", "decided", "window"), WINDOWS)
def test_a_real_end_date_delays_repair_until_the_day_after_it(app, client, domain, decided, window):
    ends = date.fromisoformat(window[1]) + timedelta(days=30)  # a suspension ending after the minimum period
    shown, key = taken_in(app, client, domain, decided, ends.isoformat())
    assert window_of(shown) == window
    assert verdict(app, key, shown["id"], ends) == (False, "obligations_pending", ends + DAY)
    assert verdict(app, key, shown["id"], ends + DAY) == (True, None, None)


def test_long_term_reads_as_such_on_the_entity_page_and_in_the_report(app, client):
    shown, key = taken_in(app, client, "tax", factories.TODAY - timedelta(days=20), "2099-12-31")
    page = client.get(f"/enterprises/{shown['uscc']}").get_data(as_text=True)
    assert "<dt>处罚有效期</dt><dd>长期</dd>" in page and "2099-12-31" not in page
    report = client.post("/api/v1/reports", json={"uscc": shown["uscc"]}, headers=factories.auth(key))
    assert report.status_code == 201, report.json
    [record] = [r for section in report.json["report"]["domains"] for r in section["records"]]
    assert record["valid_until"] == "长期"
    html = client.get(f"/reports/{report.json['report']['number']}/verify",
                      query_string={"code": report.json["report"]["verification_code"]}).get_data(as_text=True)
    assert "长期" in html and "2099-12-31" not in html
