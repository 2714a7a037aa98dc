"""In Chromium: a bank uploads a CSV of 20 credit codes and every PDF of the ZIP it downloads verifies
publicly; an enterprise grants a bank access, downloads its report and revokes the access."""

import csv
import io
import json
import subprocess
import urllib.request
import zipfile
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import factories
from tests.browser.conftest import assert_accessible, docs_shot

BANK = "通辽农村商业银行"


@pytest.fixture
def bank_uscc() -> str:
    return factories.new_uscc(division="150500")


@pytest.fixture
def enterprises(push, department):
    """`n` enterprises known to the registry, each with a penalty: [(uscc, name)]."""

    def _make(n: int) -> list[tuple[str, str]]:
        made = []
        for _ in range(n):
            penalty = factories.penalty(department)
            assert push(penalty).status_code == 200
            made.append((penalty["uscc"], penalty["party_name"]))
        return made

    return _make


def authorise(client, app, uscc: str, bank_uscc: str) -> None:
    key = factories.key_for(app, "enterprise", uscc=uscc)
    answer = client.post(f"/api/v1/enterprises/{uscc}/authorisations", headers=factories.auth(key), json={
        "bank_uscc": bank_uscc, "purpose": "流动资金贷款审批",
        "valid_until": (factories.TODAY + timedelta(days=60)).isoformat()})
    assert answer.status_code == 201, answer.json


def verified(live_server: str, pdf: bytes) -> dict:
    """The public verification of a PDF, found as a reader finds it: by scanning its QR code."""
    image = PdfReader(io.BytesIO(pdf)).pages[0].images[0]
    url = subprocess.run(["zbarimg", "--raw", "-q", "-"], input=image.data, capture_output=True,
                         check=True).stdout.decode().strip()
    assert url.startswith(f"{live_server}/reports/")
    with urllib.request.urlopen(url.replace("/reports/", "/api/v1/reports/", 1)) as answer:
        return json.loads(answer.read())


@pytest.mark.both_databases
def test_a_bank_gets_a_zip_of_reports_for_a_csv_of_twenty_codes(app, client, live_server, page_without_javascript,
                                                                 sign_in_as, enterprises, bank_uscc):
    page = page_without_javascript  # the batch's page refreshes itself (axe-core needs JavaScript: below)
    sign_in_as(page, "bank", name=BANK, uscc=bank_uscc)
    known = enterprises(15)
    for uscc, _ in known[:12]:
        authorise(client, app, uscc, bank_uscc)
    strangers = [factories.new_uscc() for _ in range(4)]  # valid codes the registry does not know
    malformed = "91150502MA0TEBT0XX"
    codes = [uscc for uscc, _ in known] + strangers + [malformed]

    page.click("header >> text=工作台")
    page.click(".workspace-menu >> text=批量查询")
    page.set_input_files("#file", {"name": "客户清单.csv", "mimeType": "text/csv",
                                   "buffer": ("统一社会信用代码\n" + "\n".join(codes)).encode()})
    page.click("button[type=submit] >> text=开始批量查询")
    expect(page.locator(".badge.good").first).to_have_text("已完成", timeout=120_000)
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(20)
    expect(page.locator("table.list .badge.warn")).to_have_count(3 + 4)
    expect(rows.nth(19)).to_contain_text(malformed)
    for _, name in known[12:]:
        expect(page.locator("table.list")).not_to_contain_text(name)

    with page.expect_download() as download:
        page.click("text=下载全部 PDF 与汇总表（ZIP）")
    archive = zipfile.ZipFile(download.value.path())
    summary = list(csv.DictReader(io.StringIO(archive.read("summary.csv").decode("utf-8-sig"))))
    assert [row["统一社会信用代码"] for row in summary] == codes
    issued = {row["报告编号"]: row for row in summary if row["报告编号"]}
    assert {row["主体名称"] for row in issued.values()} == {name for _, name in known[:12]}
    assert [row["错误"] for row in summary[12:19]] == ["未授权"] * 7
    assert all(not row["主体名称"] and not row["报告编号"] for row in summary[12:])
    assert summary[19]["错误"] and summary[19]["错误"] != "未授权"
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert sorted(pdfs) == sorted(f"{number}.pdf" for number in issued)
    for name in pdfs:
        verification = verified(live_server, archive.read(name))
        number = verification["report"]["number"]
        assert verification["signature_valid"] and f"{number}.pdf" == name
        assert verification["report"]["verification_code"] == issued[number]["验证码"]
        assert issued[number]["有记录的领域"] == "市场监管"


def test_the_bank_pages_are_accessible(app, client, live_server, page, sign_in_as, enterprises, bank_uscc):
    sign_in_as(page, "bank", name=BANK, uscc=bank_uscc)
    [(uscc, name)] = enterprises(1)
    authorise(client, app, uscc, bank_uscc)
    page.goto(f"{live_server}/bank")
    expect(page.locator("table.list")).to_contain_text(name)
    docs_shot(page, "bank-authorised")
    assert_accessible(page)
    page.click(f"text=申请报告（{name}）")
    page.click("button[type=submit] >> text=出具报告")
    expect(page.locator(".message")).to_contain_text("报告已出具")
    assert_accessible(page)
    number, code = page.locator(".message code").all_text_contents()
    page.click(".workspace-menu >> text=已查报告")
    page.fill("#q", name[3:8])
    page.click("button >> text=查找")
    expect(page.locator("table.list")).to_contain_text(number)
    assert_accessible(page)
    page.click(".workspace-menu >> text=核验报告")
    page.fill("#number", number)
    page.fill("#code", code)
    page.click("button >> text=核验")
    expect(page.locator(".message")).to_contain_text("签名有效")
    assert_accessible(page)
    page.click(".workspace-menu >> text=批量查询")
    assert_accessible(page)
    page.set_input_files("#file", {"name": "codes.csv", "mimeType": "text/csv", "buffer": uscc.encode()})
    page.click("button >> text=开始批量查询")
    expect(page.locator(".badge.good").first).to_have_text("已完成", timeout=60_000)
    docs_shot(page, "bank-batch")
    assert_accessible(page)


def test_an_enterprise_grants_a_bank_access_downloads_its_report_and_revokes_it(app, live_server, page, sign_in_as,
                                                                              enterprises, bank_uscc):
    factories.key_for(app, "bank", uscc=bank_uscc)  # the bank uses the platform
    [(uscc, name)] = enterprises(1)
    sign_in_as(page, "enterprise", name="王会计", uscc=uscc)

    page.goto(f"{live_server}/enterprise/authorisations")
    page.select_option("#bank_uscc", bank_uscc)
    page.fill("#purpose", "流动资金贷款审批")
    page.fill("#valid_until", (factories.TODAY + timedelta(days=180)).isoformat())
    page.click("button >> text=授权")
    expect(page.locator(".message")).to_contain_text("已授权")
    expect(page.locator("table.list .badge.good")).to_have_text("有效")
    assert_accessible(page)

    page.click(".workspace-menu >> text=信用报告")
    page.click("summary >> text=查询领域")
    page.check("text=市场监管")
    page.click("button >> text=出具报告")
    expect(page.locator(".message")).to_contain_text("报告已出具")
    assert_accessible(page)
    with page.expect_download() as download:
        page.click(".message >> text=下载 PDF")
    pdf = open(download.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    assert verified(live_server, pdf)["report"]["entity"]["name"] == name

    page.click(".workspace-menu >> text=查询记录")
    expect(page.locator("table.list")).to_contain_text("持报告编号和验证码者")  # the verification just made
    assert_accessible(page)

    page.click(".workspace-menu >> text=银行授权")
    page.click("button >> text=撤回")
    expect(page.locator(".message")).to_contain_text("已撤回")
    expect(page.locator("table.list")).to_contain_text("已撤回")
    assert_accessible(page)
