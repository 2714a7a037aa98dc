"""The PDF carries every fact of the JSON, in an embedded Chinese font, with page numbers and the verify QR."""

import io
import re
import subprocess

from pypdf import PdfReader

from tests import factories
from tests.reports.conftest import days_ago, request_report

NOT_SHOWN = {"type", "version", "key", "signed"}  # machine keys of the JSON, not facts a reader needs


def facts(node, key=None):
    """Every leaf value of the served JSON that a reader of the document must find."""
    if key in NOT_SHOWN or node is None:
        return
    if isinstance(node, dict):
        for k, v in node.items():
            yield from facts(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from facts(item, key)
    else:
        yield str(node)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def decode_qr(png: bytes) -> str:
    result = subprocess.run(["zbarimg", "--raw", "-q", "-"], input=png, capture_output=True, check=True)
    return result.stdout.decode().strip()


def test_the_pdf_has_every_fact_of_the_json(client, enterprise, penalise):
    for domain in ("market_supervision", "tax", "fire", "transport", "ecology_environment"):
        for n in range(3):
            penalise(domain, decision_date=days_ago(30 + n * 97), fine_amount=f"{n + 1}.25",
                     facts="经查，当事人未按规定履行义务。" * 8, penalty_content="罚款人民币" + "壹万贰仟伍佰元整" * 3)
    document = request_report(client, enterprise.headers, enterprise.uscc).json
    response = client.get(f"/api/v1/reports/{document['report']['number']}.pdf", headers=enterprise.headers)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in squeeze(text)
    text = re.sub(r"第\d+页共\d+页", "", squeeze("".join(pages)))  # footers may fall inside a long paragraph
    missing = [fact for fact in facts(document) if squeeze(fact) not in text]
    assert missing == []

    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    descriptors = [font["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # embedded TrueType

    images = reader.pages[0].images
    assert len(images) == 1
    assert decode_qr(images[0].data) == document["verify_url"]


def test_the_html_rendering_has_the_same_facts(client, enterprise, penalise):
    penalise("tax", decision_date=days_ago(12))
    document = request_report(client, enterprise.headers, enterprise.uscc).json
    html = client.get(f"/api/v1/reports/{document['report']['number']}.html", headers=enterprise.headers)
    assert html.mimetype == "text/html" and html.get_data(as_text=True).startswith("<!doctype html>")
    assert "<svg" in html.get_data(as_text=True)  # the QR code of the verify page
    text = squeeze(re.sub(r"<[^>]+>", "", html.get_data(as_text=True)).replace("&amp;", "&"))
    assert [fact for fact in facts(document) if squeeze(fact) not in text] == []


def test_a_missing_font_is_a_clear_503(app, client, enterprise, monkeypatch):
    number = request_report(client, enterprise.headers, enterprise.uscc).json["report"]["number"]
    monkeypatch.setattr(app.config["REGISTRY"], "REPORTS_FONT", "/nonexistent/font.ttc")
    response = client.get(f"/api/v1/reports/{number}.pdf", headers=factories.auth(enterprise.key))
    assert response.status_code == 503 and response.json["code"] == "pdf_font_missing"
