"""Someone handed a report scans its QR code and sees the verify page: the facts and 签名有效."""

import io
import json
import subprocess
import urllib.request

from playwright.sync_api import expect
from pypdf import PdfReader

from tests import factories


def _call(url: str, key: str, body: dict | None = None) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"Bearer {key}",
                                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.read()


def _qr_url_of(pdf: bytes) -> str:
    image = PdfReader(io.BytesIO(pdf)).pages[0].images[0]
    scanned = subprocess.run(["zbarimg", "--raw", "-q", "-"], input=image.data, capture_output=True, check=True)
    return scanned.stdout.decode().strip()


def test_the_qr_code_opens_the_verify_page_with_the_facts(app, push, department, live_server, page):
    penalty = factories.penalty(department, decision_no="通市监处罚〔2026〕321号")
    assert push(penalty).status_code == 200
    key = factories.key_for(app, "enterprise", uscc=penalty["uscc"])
    document = json.loads(_call(f"{live_server}/api/v1/reports", key, {"uscc": penalty["uscc"]}))
    number = document["report"]["number"]

    url = _qr_url_of(_call(f"{live_server}/api/v1/reports/{number}.pdf", key))
    assert url == document["verify_url"] and url.startswith(live_server)
    page.goto(url)
    expect(page.locator("#signature-status")).to_contain_text("签名有效")
    expect(page.locator("#changes")).to_contain_text("未发生变化")
    report = page.locator("article.report")
    for fact in (number, document["report"]["verification_code"], penalty["party_name"], penalty["uscc"],
                 "通市监处罚〔2026〕321号", "市场监管：发现1条记录", "无违法违规记录"):
        expect(report).to_contain_text(fact)
