"""The bank's workspace: the enterprises that authorised it, a report for one of them, a batch of
credit codes in the background, its past reports and verification; refused for other roles and banks."""

import csv
import io
import time
import zipfile
from datetime import timedelta

import pytest

from tests import factories
from tests.people import form_token, sign_in

pytestmark = pytest.mark.committed  # a batch runs on a thread of its own, which reads what the test committed


@pytest.fixture
def companies(app, push, department):
    """Make `n` enterprises known to the registry; returns [(uscc, name)]."""

    def _make(n: int) -> list[tuple[str, str]]:
        made = []
        for _ in range(n):
            licence = factories.licence(department)
            assert push(licence).status_code == 200
            made.append((licence["uscc"], licence["party_name"]))
        return made

    return _make


@pytest.fixture
def authorise(app, client, bank_uscc):
    """The enterprise of `uscc` authorises the bank (through the API) for 贷款审批."""

    def _authorise(uscc: str, purpose: str = "贷款审批") -> None:
        key = factories.key_for(app, "enterprise", uscc=uscc)
        answer = client.post(f"/api/v1/enterprises/{uscc}/authorisations", headers=factories.auth(key), json={
            "bank_uscc": bank_uscc, "purpose": purpose,
            "valid_until": (factories.TODAY + timedelta(days=30)).isoformat()})
        assert answer.status_code == 201, answer.json

    return _authorise


@pytest.fixture
def bank(app, client, bank_uscc):
    """The test client signed in as a person of the bank."""
    sign_in(client, app, "bank", name="通辽农商银行", uscc=bank_uscc)
    return client


def upload(client, text: str, **scope):
    token = form_token(client, "/bank/batches")
    return client.post("/bank/batches", data={"csrf_token": token, **scope,
                                              "file": (io.BytesIO(text.encode()), "codes.csv")})


def finished(client, location: str) -> str:
    for _ in range(600):
        page = client.get(location)
        if "Refresh" not in page.headers:
            return page.get_data(as_text=True)
        time.sleep(0.1)
    raise AssertionError("the batch did not finish")


def test_the_bank_sees_who_authorised_it_and_requests_a_report(app, bank, companies, authorise):
    (uscc, name), (other, _) = companies(2)
    authorise(uscc)
    home = bank.get("/bank").get_data(as_text=True)
    assert name in home and "贷款审批" in home and other not in home
    answer = bank.post("/bank/reports/new", data={"csrf_token": form_token(bank, "/bank/reports/new"),
                                                  "uscc": uscc})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "报告已出具" in text
    number = text.split("编号 <code>")[1].split("<")[0]
    pdf = bank.get(f"/bank/reports/{number}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert name in bank.get(f"/bank/reports/{number}.html").get_data(as_text=True)
    listed = bank.get("/bank/reports", query_string={"q": name[3:8]}).get_data(as_text=True)
    assert number in listed
    assert number not in bank.get("/bank/reports", query_string={"q": other}).get_data(as_text=True)


def test_a_report_the_bank_is_not_authorised_for_is_refused_on_the_page(app, bank, companies):
    [(uscc, _)] = companies(1)
    answer = bank.post("/bank/reports/new", data={"csrf_token": form_token(bank, "/bank/reports/new"),
                                                  "uscc": uscc})
    assert answer.status_code == 403 and "未授权" in answer.get_data(as_text=True)


def test_a_batch_issues_the_authorised_reports_and_says_only_not_authorised_of_the_rest(app, bank, companies,
                                                                                        authorise):
    made = companies(4)
    for uscc, _ in made[:2]:
        authorise(uscc)
    malformed = made[0][0][:-1] + ("0" if made[0][0][-1] != "0" else "1")
    lines = ["统一社会信用代码", *(u for u, _ in made), malformed, made[1][0]]
    answer = upload(bank, "\n".join(lines))
    assert answer.status_code == 303
    page = finished(bank, answer.headers["Location"])
    assert "已完成" in page and page.count("未授权") >= 2 and "与第3行重复" in page
    for _, name in made[2:]:
        assert name not in page  # nothing about an enterprise that did not authorise the bank
    archive = zipfile.ZipFile(io.BytesIO(bank.get(answer.headers["Location"] + ".zip").data))
    rows = list(csv.DictReader(io.StringIO(archive.read("summary.csv").decode("utf-8-sig"))))
    issued = [row for row in rows if row["报告编号"]]
    assert [row["统一社会信用代码"] for row in issued] == [u for u, _ in made[:2]]
    assert sorted(archive.namelist()) == sorted(["summary.csv", *(f"{row['报告编号']}.pdf" for row in issued)])
    assert [row["错误"] for row in rows[2:4]] == ["未授权", "未授权"]
    assert rows[4]["错误"] and not rows[4]["主体名称"]
    for row in issued:
        verified = bank.get(f"/api/v1/reports/{row['报告编号']}/verify", query_string={"code": row["验证码"]})
        assert verified.status_code == 200 and verified.json["signature_valid"]


def test_a_batch_file_without_codes_is_refused_with_a_message(app, bank):
    answer = upload(bank, "统一社会信用代码\n")
    assert answer.status_code == 422 and "没有统一社会信用代码" in answer.get_data(as_text=True)


def test_the_bank_verifies_a_report_by_number_and_code(app, bank, companies, authorise):
    [(uscc, name)] = companies(1)
    authorise(uscc)
    text = bank.post("/bank/reports/new", data={"csrf_token": form_token(bank, "/bank/reports/new"),
                                                "uscc": uscc}).get_data(as_text=True)
    number, code = (part.split("<")[0] for part in text.split("<code>")[1:3])
    shown = bank.get("/bank/verify", query_string={"number": number, "code": code}).get_data(as_text=True)
    assert "签名有效" in shown and name in shown
    wrong = bank.get("/bank/verify", query_string={"number": number, "code": "AAAAAAAA"})
    assert wrong.status_code == 404 and "不正确" in wrong.get_data(as_text=True)


PAGES = ["/bank", "/bank/reports/new", "/bank/batches", "/bank/reports", "/bank/verify"]


OTHERS = [("enterprise", {"uscc": factories.new_uscc()}), ("reviewer", {}), ("admin", {}),
          ("department", {"department_uscc": "11150500011620002E"}), ("agent", {"district_code": "150521"})]


@pytest.mark.parametrize("role, binding", OTHERS, ids=[role for role, _ in OTHERS])
def test_other_roles_get_403_on_every_bank_page(app, client, role, binding):
    sign_in(client, app, role, **binding)
    for path in PAGES + ["/bank/batches/1", "/bank/reports/SR-20261206-AAAAAAAA.pdf"]:
        assert client.get(path).status_code == 403, path


def test_a_bank_never_sees_the_reviewers_pages(app, bank):
    for path in ("/review", "/statistics", "/enterprise/reports", "/department"):
        assert bank.get(path).status_code == 403


def test_another_banks_batch_and_reports_are_not_found(app, client, bank, companies, authorise):
    [(uscc, _)] = companies(1)
    authorise(uscc)
    location = upload(bank, uscc).headers["Location"]
    finished(bank, location)
    number = bank.get(location).get_data(as_text=True).split("/bank/reports/")[1].split(".pdf")[0]
    other = app.test_client()
    sign_in(other, app, "bank", uscc=factories.new_uscc(division="150500"))
    for path in (location, location + ".zip", location + "/summary.csv", f"/bank/reports/{number}.pdf",
                 "/bank/batches/999999"):
        assert other.get(path).status_code == 404, path
    assert number not in other.get("/bank/reports").get_data(as_text=True)


def test_a_post_without_a_csrf_token_is_refused(app, bank, companies, authorise):
    [(uscc, _)] = companies(1)
    authorise(uscc)
    assert bank.post("/bank/reports/new", data={"uscc": uscc}).status_code == 400
    assert bank.post("/bank/batches", data={"file": (io.BytesIO(uscc.encode()), "c.csv")}).status_code == 400


def test_a_bank_account_without_its_code_is_told_what_to_do(app, client):
    sign_in(client, app, "bank")
    answer = client.get("/bank")
    assert answer.status_code == 403 and "未绑定" in answer.get_data(as_text=True)
