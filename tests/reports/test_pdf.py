"""The PDF carries every fact of the JSON, in an embedded Chinese font, with page numbers and the verify QR."""

import io
import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from tests import factories
from tests.reports.conftest import days_ago, request_report

NOT_SHOWN = {"type", "version", "key", "kind", "domain", "signed"}  # machine keys, not facts a reader needs


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


def report_pdf(client, enterprise) -> tuple[dict, PdfReader]:
    """The enterprise's report as JSON, and its PDF."""
    document = request_report(client, enterprise.headers, enterprise.uscc).json
    response = client.get(f"/api/v1/reports/{document['report']['number']}.pdf", headers=enterprise.headers)
    assert response.status_code == 200
    return document, PdfReader(io.BytesIO(response.data))


def visible_text(page) -> str:
    """The text drawn inside the page (text drawn past its edge is in the file but nobody sees it)."""
    parts = []

    def keep(text, cm, tm, *_):
        if 0 <= tm[5] * cm[3] + cm[5] <= float(page.mediabox.height):
            parts.append(text)

    page.extract_text(visitor_text=keep)
    return "".join(parts)


def body_text(reader: PdfReader) -> str:
    """The visible text of every page without white space or page footers (which may fall inside a
    long value)."""
    return re.sub(r"第\d+页共\d+页", "", squeeze("".join(map(visible_text, reader.pages))))


def test_the_pdf_has_every_fact_of_the_json(client, enterprise, penalise):
    for domain in ("market_supervision", "tax", "fire", "transport", "ecology_environment"):
        for n in range(3):
            penalise(domain, decision_date=days_ago(30 + n * 97), fine_amount=f"{n + 1}.25",
                     facts="经查，当事人未按规定履行义务。" * 8, penalty_content="罚款人民币" + "壹万贰仟伍佰元整" * 3)
    document, reader = report_pdf(client, enterprise)
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in squeeze(text)
    shown = list(facts(document))
    assert shown
    missing = [fact for fact in shown if squeeze(fact) not in body_text(reader)]
    assert missing == []

    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    descriptors = [font["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # embedded TrueType

    images = reader.pages[0].images
    assert len(images) == 1
    assert decode_qr(images[0].data) == document["verify_url"]


def test_a_value_longer_than_a_page_runs_on_over_the_next(client, enterprise, penalise):
    content = "".join(f"第{n}项：责令改正违法行为。" for n in range(1, 301))[:4000]  # the longest allowed
    penalise(decision_date=days_ago(30), penalty_content=content)
    _, reader = report_pdf(client, enterprise)
    assert len(reader.pages) >= 3 and content in body_text(reader)


def test_the_html_rendering_has_the_same_facts(client, enterprise, penalise):
    penalise("tax", decision_date=days_ago(12))
    document = request_report(client, enterprise.headers, enterprise.uscc).json
    html = client.get(f"/api/v1/reports/{document['report']['number']}.html", headers=enterprise.headers)
    assert html.mimetype == "text/html" and html.get_data(as_text=True).startswith("<!doctype html>")
    assert "<svg" in html.get_data(as_text=True)  # the QR code of the verify page
    text = squeeze(re.sub(r"<[^>]+>", "", html.get_data(as_text=True)).replace("&amp;", "&"))
    shown = list(facts(document))
    assert shown
    assert [fact for fact in shown if squeeze(fact) not in text] == []
    local = datetime.fromisoformat(document["report"]["issued_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{local.year}年{local.month}月{local.day}日{local:%H:%M}（北京时间" in text


def test_a_missing_font_is_a_clear_503(app, client, enterprise, monkeypatch):
    number = request_report(client, enterprise.headers, enterprise.uscc).json["report"]["number"]
    monkeypatch.setattr(app.config["REGISTRY"], "REPORTS_FONT", "/nonexistent/font.ttc")
    response = client.get(f"/api/v1/reports/{number}.pdf", headers=factories.auth(enterprise.key))
    assert response.status_code == 503 and response.json["code"] == "pdf_font_missing"
