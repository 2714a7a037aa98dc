"""Public verification: facts, signature, what changed since issue; no hint whether a number exists."""

import itertools
from unittest.mock import ANY

from tests import factories
from tests.reports.conftest import days_ago, request_report

_addresses = itertools.count(1)


def verify(client, number, code, address=None):
    """Each test verifies from its own client address, so the rate limit of one does not touch another."""
    environ = {"REMOTE_ADDR": address or f"10.6.{next(_addresses) % 250}.{next(_addresses) % 250}"}
    return client.get(f"/api/v1/reports/{number}/verify", query_string={"code": code}, environ_base=environ)


def test_verification_shows_the_facts_and_a_valid_signature(client, enterprise, penalise):
    penalise(decision_date=days_ago(20))
    document = request_report(client, enterprise.headers, enterprise.uscc).json
    report = document["report"]
    typed = verify(client, report["number"].lower(), factories.full_width(report["verification_code"]))
    assert typed.status_code == 200  # typed by hand: lower case, full-width
    answer = verify(client, report["number"], report["verification_code"].lower())
    assert answer.status_code == 200
    assert answer.json["report"] == report and answer.json["signature"] == document["signature"]
    assert answer.json["signature_valid"] is True
    assert answer.json["changed_since_issue"] is False and answer.json["changes"] == []
    assert answer.json["verify_url"].endswith(f"/reports/{report['number']}/verify?code={report['verification_code']}")
    # The enterprise sees that its report was verified, by nobody the registry knows.
    log = client.get(f"/api/v1/enterprises/{enterprise.uscc}/queries", headers=enterprise.headers).json["items"]
    assert [(e["action"], e["report_number"], e["by"]) for e in log] == [("verify", report["number"], None)] * 2 + [
        ("request", report["number"], {"role": "enterprise", "name": ANY, "uscc": enterprise.uscc})]


def test_changes_since_issue_name_the_withdrawal_the_repair_and_newer_penalties(client, enterprise, penalise,
                                                                                 mark_repaired):
    withdrawn = penalise("tax", decision_date=days_ago(50), decision_no="通税罚〔2026〕1号")
    repaired = penalise(decision_date=days_ago(400), decision_no="通市监处罚〔2025〕2号")
    report = request_report(client, enterprise.headers, enterprise.uscc).json["report"]
    client.delete(f"/api/v1/records/{withdrawn}", json={"reason": "复议撤销"},
                  headers=factories.auth(penalise.key_of["tax"]))
    mark_repaired(repaired)
    penalise("fire", decision_date=days_ago(5), decision_no="通消行罚决字〔2026〕9号")  # in the period, sent late
    answer = verify(client, report["number"], report["verification_code"]).json
    assert answer["changed_since_issue"] is True and answer["signature_valid"] is True
    assert {(c["change"], c["decision_no"]) for c in answer["changes"]} == {
        ("withdrawn", "通税罚〔2026〕1号"), ("repaired", "通市监处罚〔2025〕2号"), ("added", "通消行罚决字〔2026〕9号")}


def test_wrong_number_or_code_are_the_same_404(client, enterprise):
    report = request_report(client, enterprise.headers, enterprise.uscc).json["report"]
    wrong_code = verify(client, report["number"], "ABCDEFGH")
    wrong_number = verify(client, "SR-20200101-ABCDEFGH", report["verification_code"])
    no_code = client.get(f"/api/v1/reports/{report['number']}/verify", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert wrong_code.status_code == wrong_number.status_code == no_code.status_code == 404
    assert wrong_code.get_data() == wrong_number.get_data() == no_code.get_data()


def test_verification_is_rate_limited_per_client_address(app, client, enterprise, monkeypatch):
    report = request_report(client, enterprise.headers, enterprise.uscc).json["report"]
    monkeypatch.setattr(app.config["REGISTRY"], "REPORTS_VERIFY_LIMIT", 3)
    answers = [verify(client, report["number"], "WRONG234", address="10.7.7.7") for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 404]
    limited = verify(client, report["number"], report["verification_code"], address="10.7.7.7")
    assert limited.status_code == 429 and limited.json["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    page = client.get(f"/reports/{report['number']}/verify", query_string={"code": report["verification_code"]},
                      environ_base={"REMOTE_ADDR": "10.7.7.7"})
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert verify(client, report["number"], report["verification_code"], address="10.7.7.8").status_code == 200


def test_the_verify_page_shows_the_facts_in_chinese(client, enterprise, penalise):
    penalise(decision_date=days_ago(20), decision_no="通市监处罚〔2026〕88号")
    report = request_report(client, enterprise.headers, enterprise.uscc).json["report"]
    page = client.get(f"/reports/{report['number']}/verify", query_string={"code": report["verification_code"]},
                      environ_base={"REMOTE_ADDR": "10.8.0.1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    for fact in ("签名有效", report["number"], enterprise.name, "通市监处罚〔2026〕88号", "无违法违规记录"):
        assert fact in html
    missing = client.get(f"/reports/{report['number']}/verify?code=WRONG234", environ_base={"REMOTE_ADDR": "10.8.0.2"})
    assert missing.status_code == 404 and "未找到报告" in missing.get_data(as_text=True)


def test_a_typed_number_and_code_lead_to_the_verify_page(client, enterprise):
    report = request_report(client, enterprise.headers, enterprise.uscc).json["report"]
    form = client.get("/reports/verify")
    assert form.status_code == 200 and "验证码" in form.get_data(as_text=True)
    typed = client.get("/reports/verify", query_string={"number": report["number"].lower(),
                                                        "code": f" {report['verification_code']} "},
                       environ_base={"REMOTE_ADDR": "10.8.1.1"}, follow_redirects=True)
    assert typed.status_code == 200 and "签名有效" in typed.get_data(as_text=True)


def test_the_verify_url_uses_the_public_address_when_one_is_set(app, client, enterprise, monkeypatch):
    monkeypatch.setattr(app.config["REGISTRY"], "PUBLIC_BASE_URL", "https://credit.tongliao.example")
    document = request_report(client, enterprise.headers, enterprise.uscc).json
    report = document["report"]
    assert document["verify_url"] == (f"https://credit.tongliao.example/reports/{report['number']}/verify"
                                      f"?code={report['verification_code']}")
