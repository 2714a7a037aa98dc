"""The enterprise's report pages: authorise a bank and revoke it, request a report and download it,
and see who looked; refused for other roles and for another enterprise's things."""

import re
from datetime import date, timedelta

import pytest

from registry.reports.rules import latest_valid_until
from tests import factories
from tests.people import form_token, sign_in
from tests.problems import assert_problem

NUMBER = re.compile(r"编号 <code>([^<]+)</code>")


@pytest.fixture
def signed_in(app, client, enterprise, bank_key):
    """The client signed in as a person of the enterprise (a bank with a key uses the platform)."""
    sign_in(client, app, "enterprise", uscc=enterprise.uscc)
    return client


def grant(client, bank_uscc: str, until: date, purpose: str = "流动资金贷款"):
    return client.post("/enterprise/authorisations", data={
        "csrf_token": form_token(client, "/enterprise/authorisations"), "bank_uscc": bank_uscc,
        "purpose": purpose, "valid_until": until.isoformat()})


def test_the_enterprise_grants_a_bank_access_and_revokes_it(app, client, signed_in, enterprise, bank_uscc,
                                                           bank_key):
    page = signed_in.get("/enterprise/authorisations").get_data(as_text=True)
    assert f'value="{bank_uscc}"' in page  # the bank is offered by name
    answer = grant(signed_in, bank_uscc, factories.TODAY + timedelta(days=90))
    assert answer.status_code == 200 and "已授权" in answer.get_data(as_text=True)
    bank_asks = lambda: client.post("/api/v1/reports", json={"uscc": enterprise.uscc},  # noqa: E731
                                    headers=factories.auth(bank_key))
    asked = bank_asks()
    assert asked.status_code == 201 and asked.json["report"]["entity"]["uscc"] == enterprise.uscc
    authorisation_id = re.search(r"/enterprise/authorisations/(\d+)/revoke", answer.get_data(as_text=True)).group(1)
    revoked = signed_in.post(f"/enterprise/authorisations/{authorisation_id}/revoke",
                             data={"csrf_token": form_token(signed_in, "/enterprise/authorisations")})
    text = revoked.get_data(as_text=True)
    assert "已撤回" in text and "/revoke" not in text
    assert_problem(bank_asks(), 403, "not_authorised")


def test_a_grant_past_three_years_is_refused_keeping_what_was_typed(app, signed_in, bank_uscc):
    answer = grant(signed_in, bank_uscc, latest_valid_until(factories.TODAY) + timedelta(days=1), purpose="保函")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "三年之内" in text and 'value="保函"' in text


def test_the_enterprise_requests_a_report_and_downloads_it(app, signed_in, enterprise):
    start = (factories.TODAY - timedelta(days=365)).isoformat()
    token = form_token(signed_in, "/enterprise/reports")
    answer = signed_in.post("/enterprise/reports", data={"csrf_token": token, "period_from": start,
                                                         "domains": ["tax", "market_supervision"]})
    number = NUMBER.search(answer.get_data(as_text=True)).group(1)
    pdf = signed_in.get(f"/enterprise/reports/{number}.pdf")
    assert pdf.data.startswith(b"%PDF") and pdf.headers["Content-Disposition"].startswith("attachment")
    assert enterprise.name in signed_in.get(f"/enterprise/reports/{number}.html").get_data(as_text=True)
    assert number in signed_in.get("/enterprise/reports").get_data(as_text=True)


def test_a_period_longer_than_five_years_is_refused_on_the_page(app, signed_in):
    answer = signed_in.post("/enterprise/reports", data={"csrf_token": form_token(signed_in, "/enterprise/reports"),
                                                         "period_from": "2001-01-01"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "报告查询范围有误" in text and 'value="2001-01-01"' in text


def test_who_looked_lists_the_banks_requests(app, client, signed_in, enterprise, bank_uscc, bank_key):
    grant(signed_in, bank_uscc, factories.TODAY + timedelta(days=30))
    asked = client.post("/api/v1/reports", json={"uscc": enterprise.uscc}, headers=factories.auth(bank_key))
    assert asked.status_code == 201
    page = signed_in.get("/enterprise/queries").get_data(as_text=True)
    assert "申请报告" in page and "流动资金贷款" in page and asked.json["report"]["number"] in page


def test_another_enterprises_report_and_authorisation_are_not_found(app, client, signed_in, enterprise, bank_uscc):
    number = NUMBER.search(signed_in.post("/enterprise/reports", data={
        "csrf_token": form_token(signed_in, "/enterprise/reports")}).get_data(as_text=True)).group(1)
    grant(signed_in, bank_uscc, factories.TODAY + timedelta(days=30))
    page = signed_in.get("/enterprise/authorisations").get_data(as_text=True)
    authorisation_id = re.search(r'/enterprise/authorisations/(\d+)/revoke', page).group(1)
    other = app.test_client()
    sign_in(other, app, "enterprise", uscc=factories.new_uscc())
    assert other.get(f"/enterprise/reports/{number}.pdf").status_code == 404
    assert other.get("/enterprise/reports/SR-20990101-AAAAAAAA.pdf").status_code == 404
    assert other.post(f"/enterprise/authorisations/{authorisation_id}/revoke",
                      data={"csrf_token": form_token(other, "/enterprise/authorisations")}).status_code == 404
    assert "/revoke" in signed_in.get("/enterprise/authorisations").get_data(as_text=True)  # still live


@pytest.mark.parametrize("role, binding", [("bank", {}), ("reviewer", {}), ("agent", {"district_code": "150521"})])
def test_other_roles_get_403(app, client, role, binding):
    sign_in(client, app, role, **binding)
    for path in ("/enterprise/reports", "/enterprise/authorisations", "/enterprise/queries"):
        assert client.get(path).status_code == 403


def test_posts_without_a_csrf_token_are_refused(app, signed_in, bank_uscc):
    assert signed_in.post("/enterprise/reports", data={}).status_code == 400
    typed = {"bank_uscc": bank_uscc, "purpose": "x", "valid_until": factories.TODAY.isoformat()}
    assert signed_in.post("/enterprise/authorisations", data=typed).status_code == 400
    assert signed_in.post("/enterprise/authorisations/1/revoke").status_code == 400
