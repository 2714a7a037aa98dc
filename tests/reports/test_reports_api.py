"""Requesting and reading reports: who may, what the report says, one report per scope and day."""

from datetime import timedelta

from registry.access.services import authenticate
from registry.reports import services
from registry.reports.content import NO_RECORD_ZH
from tests import factories
from tests.problems import assert_problem
from tests.reports.conftest import days_ago, request_report, years_from_today


def _records(document, domain=None):
    return [r for s in document["report"]["domains"] if domain in (None, s["key"]) for r in s["records"]]


def test_an_enterprise_without_violations_gets_no_record_in_every_domain(client, enterprise):
    response = request_report(client, enterprise.headers, enterprise.uscc)
    assert response.status_code == 201
    report = response.json["report"]
    assert report["number"].startswith(f"SR-{factories.TODAY:%Y%m%d}-") and len(report["verification_code"]) == 8
    assert report["entity"]["uscc"] == enterprise.uscc and report["entity"]["name"] == enterprise.name
    assert report["entity"]["legal_rep_id_no"] == "150***********1234"  # never in full, not even to itself
    assert len(report["domains"]) == 30 and report["summary"]["records"] == 0  # the licence is no violation
    assert {s["conclusion_zh"] for s in report["domains"]} == {NO_RECORD_ZH}
    assert report["period"] == {"from": years_from_today(-3).isoformat(), "to": factories.TODAY.isoformat()}


def test_the_report_is_about_conduct_in_the_period_not_about_display(client, enterprise, penalise, mark_repaired):
    start = factories.TODAY - timedelta(days=4 * 365)
    first_day = penalise(decision_date=start.isoformat(), decision_no="通市监处罚〔2022〕1号")
    penalise(decision_date=(start - timedelta(days=1)).isoformat(), decision_no="通市监处罚〔2022〕0号")
    minor = penalise(penalty_types="警告", penalty_content="警告", fine_amount="", decision_no="通市监简易〔2026〕7号")
    tax = penalise("tax", decision_date=days_ago(100))
    withdrawn = penalise("tax", decision_date=days_ago(90))
    repaired = penalise("ecology_environment", decision_date=days_ago(300))
    client.delete(f"/api/v1/records/{withdrawn}", json={"reason": "决定已被依法撤销"},
                  headers=factories.auth(penalise.key_of["tax"]))
    mark_repaired(repaired)

    report = request_report(client, enterprise.headers, enterprise.uscc, period_from=start.isoformat()).json
    refs = {r["ref"] for r in _records(report)}
    assert refs == {first_day, minor, tax}  # not the day before, not withdrawn, not repaired
    ended = client.get(f"/api/v1/records/{first_day}", headers=enterprise.headers).json
    assert ended["status"] == "expired"  # its publicity ended, its conduct is still in the period
    shown_minor = client.get(f"/api/v1/records/{minor}", headers=enterprise.headers).json
    assert shown_minor["status"] == "not_published"
    by_domain = {s["key"]: s for s in report["report"]["domains"]}
    assert by_domain["ecology_environment"]["conclusion_zh"] == NO_RECORD_ZH
    assert by_domain["tax"]["conclusion_zh"] == "发现1条记录"
    minor_row = next(r for r in _records(report) if r["ref"] == minor)
    assert minor_row["decision_no"] == "通市监简易〔2026〕7号" and minor_row["penalty_types"] == ["警告"]
    assert minor_row["category"] == "行政处罚" and minor_row["fine_amount"] is None


def test_repaired_records_appear_marked_where_the_deployment_says_so(app, client, enterprise, penalise,
                                                                     mark_repaired, monkeypatch):
    repaired = penalise(decision_date=days_ago(200))
    mark_repaired(repaired)
    monkeypatch.setattr(app.config["REGISTRY"], "REPORTS_SHOW_REPAIRED", True)
    rows = _records(request_report(client, enterprise.headers, enterprise.uscc).json)
    assert [(r["ref"], r["mark"]) for r in rows] == [(repaired, "已修复")]


def test_chosen_domains_and_period_limits(client, enterprise, penalise):
    penalise("tax", decision_date=days_ago(30))
    penalise("transport", decision_date=days_ago(30))
    chosen = request_report(client, enterprise.headers, enterprise.uscc, domains=["tax", "fire"]).json["report"]
    assert [s["key"] for s in chosen["domains"]] == ["fire", "tax"]
    assert chosen["summary"] == {"domains": 2, "domains_with_records": 1, "records": 1, "positive_records": 0}

    five_years = years_from_today(-5)
    on_limit = request_report(client, enterprise.headers, enterprise.uscc, period_from=five_years.isoformat())
    assert on_limit.status_code == 201
    beyond = request_report(client, enterprise.headers, enterprise.uscc,
                            period_from=(five_years - timedelta(days=1)).isoformat(), domains=["nonsense"])
    assert beyond.status_code == 422
    assert {(e["field"], e["code"]) for e in beyond.json["errors"]} == {("period_from", "out_of_range"),
                                                                       ("domains", "unknown_domain")}
    tomorrow = request_report(client, enterprise.headers, enterprise.uscc,
                              period_from=(factories.TODAY + timedelta(days=1)).isoformat())
    assert_problem(tomorrow, 422, "validation_failed")
    assert [(e["field"], e["code"]) for e in tomorrow.json["errors"]] == [("period_from", "out_of_range")]


def test_a_repeat_request_on_the_same_day_returns_the_days_report(client, enterprise, bank_key, bank_uscc,
                                                                   penalise):
    first = request_report(client, enterprise.headers, enterprise.uscc)
    penalise(decision_date=days_ago(10))  # arrives later the same day: the day's report stays as issued
    again = request_report(client, enterprise.headers, enterprise.uscc, domains=[])
    assert first.status_code == 201 and again.status_code == 200
    assert again.json == first.json
    _authorise(client, enterprise, bank_uscc)
    by_bank = request_report(client, factories.auth(bank_key), enterprise.uscc, purpose="流动资金贷款审批")
    assert by_bank.status_code == 200 and by_bank.json["report"]["number"] == first.json["report"]["number"]
    other_scope = request_report(client, enterprise.headers, enterprise.uscc, domains=["tax"])
    assert other_scope.status_code == 201 and other_scope.json["report"]["number"] != first.json["report"]["number"]

    log = client.get(f"/api/v1/enterprises/{enterprise.uscc}/queries", headers=enterprise.headers).json["items"]
    assert [(e["action"], e["by"]["role"]) for e in log] == [("request", "enterprise"), ("request", "bank"),
                                                              ("request", "enterprise"), ("request", "enterprise")]
    assert log[1]["purpose"] == "流动资金贷款审批" and log[1]["by"]["uscc"] == bank_uscc
    repeated = request_report(client, enterprise.headers, enterprise.uscc, domains=["tax", "tax"])
    assert repeated.status_code == 200 and repeated.json == other_scope.json  # the same domains, the same scope


def test_the_next_day_the_same_scope_gets_a_new_report(app, enterprise):
    today = factories.TODAY
    with app.app_context():
        viewer = authenticate(enterprise.key)
        first, issued_first = services.request_report(viewer, {"uscc": enterprise.uscc}, today)
        again, issued_again = services.request_report(viewer, {"uscc": enterprise.uscc}, today)
        tomorrow, issued_tomorrow = services.request_report(viewer, {"uscc": enterprise.uscc},
                                                            today + timedelta(days=1))
        assert (issued_first, issued_again, issued_tomorrow) == (True, False, True)
        assert again.number == first.number != tomorrow.number


def test_a_scope_of_all_domains_but_one_is_issued_and_found_again(client, enterprise):
    keys = [d["key"] for d in request_report(client, enterprise.headers, enterprise.uscc).json["report"]["domains"]]
    most = keys[1:]  # too many names to spell out in the stored scope
    first = request_report(client, enterprise.headers, enterprise.uscc, domains=most)
    again = request_report(client, enterprise.headers, enterprise.uscc, domains=most[::-1])
    assert (first.status_code, again.status_code) == (201, 200)
    assert [d["key"] for d in first.json["report"]["domains"]] == most and again.json == first.json


def test_who_may_request_and_read(app, client, enterprise, bank_key):
    other = factories.key_for(app, "enterprise", uscc=factories.new_uscc())
    assert request_report(client, {}, enterprise.uscc).status_code == 401
    assert request_report(client, factories.auth(other), enterprise.uscc).json["code"] == "not_own_enterprise"
    refused = request_report(client, factories.auth(bank_key), enterprise.uscc)
    assert refused.status_code == 403 and refused.json["code"] == "not_authorised"
    reviewer_key = factories.key_for(app, "reviewer")
    assert_problem(request_report(client, factories.auth(reviewer_key), enterprise.uscc), 403, "role_forbidden")

    number = request_report(client, enterprise.headers, enterprise.uscc).json["report"]["number"]
    for suffix in ("", ".pdf", ".html"):
        url = f"/api/v1/reports/{number}{suffix}"
        assert client.get(url).status_code == 401
        hidden = client.get(url, headers=factories.auth(other))
        assert hidden.status_code == 404 and hidden.json["code"] == "report_not_found"
        assert client.get(url, headers=factories.auth(bank_key)).json == hidden.json
        missing = client.get(f"/api/v1/reports/SR-20200101-AAAAAAAA{suffix}", headers=factories.auth(other))
        assert missing.json == {**hidden.json, "detail": missing.json["detail"],
                                "message_en": missing.json["message_en"], "message_zh": missing.json["message_zh"]}
    assert client.get(f"/api/v1/reports/{number}", headers=factories.auth(reviewer_key)).status_code == 200


def test_unknown_entity_and_malformed_code(client, app):
    uscc = factories.new_uscc()
    key = factories.key_for(app, "enterprise", uscc=uscc)
    assert request_report(client, factories.auth(key), uscc).json["code"] == "enterprise_not_found"
    assert request_report(client, factories.auth(key), "9111").json["code"] == "uscc_length"


def _authorise(client, enterprise, bank_uscc, valid_until=None, purpose="流动资金贷款审批"):
    response = client.post(f"/api/v1/enterprises/{enterprise.uscc}/authorisations", headers=enterprise.headers,
                           json={"bank_uscc": bank_uscc, "purpose": purpose,
                                 "valid_until": (valid_until or factories.TODAY + timedelta(days=30)).isoformat()})
    assert response.status_code == 201, response.json
    return response.json


def test_a_report_number_drawn_twice_is_drawn_again(client, enterprise, monkeypatch):
    from registry.reports import services

    first = request_report(client, enterprise.headers, enterprise.uscc).json["report"]["number"]
    draws = iter([first, "SR-20991231-23456789"])
    monkeypatch.setattr(services, "new_report_number", lambda issued_on: next(draws))
    again = request_report(client, enterprise.headers, enterprise.uscc, domains=["tax"])
    assert again.status_code == 201 and again.json["report"]["number"] == "SR-20991231-23456789"
    log = client.get(f"/api/v1/enterprises/{enterprise.uscc}/queries", headers=enterprise.headers).json["items"]
    assert [e["report_number"] for e in log] == ["SR-20991231-23456789", first]
