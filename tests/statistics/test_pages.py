"""The statistics and data-quality pages through the test client: who may open them, what each sees,
and the export holding the page's figures."""

import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.people import sign_in
from tests.statistics.test_timeliness import DECIDED, EIGHTH, SEVENTH

PERIOD = "from=2026-10-01&to=2026-10-31"
PAGES = ("/statistics", "/statistics/export.xlsx", "/quality", "/quality/export.xlsx")


@pytest.mark.parametrize("role, binding", [("bank", {}), ("enterprise", {"uscc": factories.new_uscc()}),
                                           ("agent", {"district_code": "150521"})])
def test_banks_enterprises_and_agents_are_refused_every_page(app, client, role, binding):
    sign_in(client, app, role, **binding)
    assert [client.get(path).status_code for path in PAGES] == [403] * 4


def test_a_department_has_data_quality_but_not_the_centres_statistics(app, client, departments):
    sign_in(client, app, "department", department_uscc=departments["transport"]["uscc"])
    assert client.get("/statistics").status_code == 403 and client.get("/statistics/export.xlsx").status_code == 403
    home = client.get("/department").get_data(as_text=True)
    assert 'href="/quality"' in home and 'href="/statistics"' not in home


def test_a_visitor_signs_in_first(client):
    answer = client.get("/quality")
    assert answer.status_code == 302 and "/signin" in answer.headers["Location"]


def late_decision_numbers(html: str) -> list[str]:
    late = html[html.index('id="late"'):]
    return re.findall(r"<td>([^<]*〔[^<]*)</td>", late)


def test_a_department_sees_only_its_own_department_whatever_it_asks_for(app, client, submit, departments):
    """Another department's id in the address is ignored: the page and its export stay the department's."""
    submit(DECIDED, EIGHTH, "transport", decision_no="交通〔2026〕8号")
    submit(DECIDED, EIGHTH, "tax", decision_no="税务〔2026〕8号")
    sign_in(client, app, "department", department_uscc=departments["transport"]["uscc"])
    other = departments["tax"]["id"]
    page = client.get(f"/quality?{PERIOD}&department={other}").get_data(as_text=True)
    assert late_decision_numbers(page) == ["交通〔2026〕8号"] and 'name="department"' not in page
    exported = client.get(f"/quality/export.xlsx?{PERIOD}&department={other}").data
    sheet = load_workbook(BytesIO(exported))["超期报送的记录"]
    assert [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["交通〔2026〕8号"]


def test_the_credit_centre_chooses_any_department(app, client, submit, departments):
    submit(DECIDED, EIGHTH, "transport", decision_no="交通〔2026〕8号")
    submit(DECIDED, EIGHTH, "tax", decision_no="税务〔2026〕8号")
    sign_in(client, app, "reviewer")
    everyone = client.get(f"/quality?{PERIOD}").get_data(as_text=True)
    assert sorted(late_decision_numbers(everyone)) == ["交通〔2026〕8号", "税务〔2026〕8号"]
    tax = client.get(f"/quality?{PERIOD}&department={departments['tax']['id']}").get_data(as_text=True)
    assert late_decision_numbers(tax) == ["税务〔2026〕8号"]
    unknown = client.get(f"/quality?{PERIOD}&department=999999").get_data(as_text=True)
    assert "请从列表中选择部门" in unknown


def test_a_mistyped_period_is_named_and_the_last_twelve_months_shown(app, client, clock):
    clock(app, date(2026, 10, 20))
    sign_in(client, app, "admin")
    for query, message in (("from=2026-13-01", "日期格式"), ("from=2026-10-31&to=2026-10-01", "不早于起始日期")):
        page = client.get(f"/statistics?{query}").get_data(as_text=True)
        assert message in page and 'value="2025-11-01"' in page and 'value="2026-10-20"' in page


def figures_of(html: str, key: str) -> list[list[str]]:
    section = html[html.index(f'id="{key}"'):]
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_the_timeliness_figures_at_the_boundary_on_the_page(app, client, submit, departments):
    """The same figures on SQLite and PostgreSQL (this test runs on both)."""
    submit(DECIDED, SEVENTH)
    submit(DECIDED, EIGHTH)
    submit(date(2026, 10, 16), date(2026, 10, 27), "tax")
    sign_in(client, app, "reviewer")
    page = client.get(f"/statistics?{PERIOD}").get_data(as_text=True)
    assert figures_of(page, "collection_month") == [["2026-10", "3", "2", "1", "66.7%"]]
    assert [row[:5] for row in figures_of(page, "collection_department")] == [
        [departments["tax"]["name"], "1", "1", "0", "100.0%"],
        [departments["transport"]["name"], "2", "1", "1", "50.0%"]]


@pytest.mark.parametrize("role, shown", [("admin", "王**"), ("reviewer", "王建国")])
def test_a_natural_persons_name_is_masked_for_an_administrator(app, client, submit, role, shown):
    submit(DECIDED, EIGHTH, party_category="自然人", party_name="王建国", uscc="", id_type="身份证",
           id_no="150502198003151234", legal_rep="", legal_rep_id_type="", legal_rep_id_no="")
    sign_in(client, app, role)
    late = client.get(f"/quality?{PERIOD}").get_data(as_text=True)
    assert figures_of(late, "late")[0][2] == shown
