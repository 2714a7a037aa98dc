"""Report benchmark: issuing a report (JSON) and rendering its PDF through the API, against raw fpdf2.

    python bench/report.py [--json 200] [--pdf 100] [--raw 10] [--database-url URL]

Builds an entity with 30 penalties over 20 domains (pushed through the records API by each domain's
department) in a fresh SQLite database (or the given one), then in one run measures with the Flask
test client:
  * JSON: POST /api/v1/reports with a new scope each time, so each call builds, signs and stores a report;
  * PDF: GET /api/v1/reports/{number}.pdf, rendered on every call;
  * raw fpdf2: the same document's rows laid out with fpdf2's own add_font (the whole CJK font) and
    multi_cell, as a plain use of the library would do it.
Prints p50 and p99 in milliseconds for each.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fpdf import FPDF  # noqa: E402

from registry import create_app  # noqa: E402
from registry.bootstrap import initialise  # noqa: E402
from registry.reports.presentation import report_view  # noqa: E402
from tests import factories  # noqa: E402

DOMAINS = ("market_supervision", "tax", "ecology_environment", "emergency_management", "fire", "human_resources",
           "housing_construction", "transport", "natural_resources", "health", "medical_insurance", "culture_tourism",
           "agriculture", "water", "statistics", "public_security", "urban_management", "drug_regulation",
           "forestry_grassland", "commerce")
RECORDS = 30


def build_entity(app, client) -> tuple[str, dict]:
    """An enterprise with 30 penalties over 20 domains; returns its USCC and its key's headers."""
    uscc, name = factories.new_uscc(), factories.company_name()
    for n in range(RECORDS):
        domain = DOMAINS[n % len(DOMAINS)]
        with app.app_context():
            dep = factories.department(domain)
        key = factories.key_for(app, "department", department_uscc=dep["uscc"])
        record = factories.penalty(dep, uscc=uscc, party_name=name, decision_date=(date.today() - timedelta(
            days=20 + 31 * n)).isoformat(), facts="经查，当事人存在违法行为，事实清楚，证据确凿。" * 4)
        response = client.post("/api/v1/records", json=record, headers=factories.auth(key))
        assert response.status_code == 200, response.json
    return uscc, factories.auth(factories.key_for(app, "enterprise", uscc=uscc))


def timed(call, times: int) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def raw_fpdf(document: dict, font_path: str) -> bytes:
    """The same rows with fpdf2 used plainly: the whole font added, multi_cell for each value."""
    view = report_view(document)
    pdf = FPDF(format="A4")
    pdf.add_font("cjk", fname=font_path)
    pdf.add_page()
    pdf.set_font("cjk", size=10.5)
    rows = view["identity"] + view["entity"] + view["scope"] + [("结论", view["summary"])]
    for section in view["domains"]:
        rows.append((section["name"], section["conclusion"]))
        rows += [row for record in section["records"] for row in record]
    rows += view["signature"] + [("核验", view["verify_url"]), ("说明", view["statement"])]
    for label, value in rows:
        pdf.cell(42, 6, label)
        pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=int, default=200, help="reports issued (each a new scope)")
    parser.add_argument("--pdf", type=int, default=100, help="PDF renderings")
    parser.add_argument("--raw", type=int, default=10, help="raw fpdf2 renderings")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app({"DATABASE_URL": url, "INSTANCE_DIR": tmp, "LOG_LEVEL": "WARNING"})
        with app.app_context():
            initialise()
        client = app.test_client()
        uscc, headers = build_entity(app, client)
        starts = iter(date.today() - timedelta(days=3 * 365 + n) for n in range(args.json + 1))

        def issue():
            response = client.post("/api/v1/reports", headers=headers,
                                   json={"uscc": uscc, "period_from": next(starts).isoformat()})
            assert response.status_code == 201, response.json
            return response.json

        document = issue()
        assert document["report"]["summary"] == {"domains": 30, "domains_with_records": 20, "records": RECORDS}
        pdf_url = f"/api/v1/reports/{document['report']['number']}.pdf"
        assert client.get(pdf_url, headers=headers).status_code == 200  # the first parses the font (once per process)
        results = {
            "JSON (POST /api/v1/reports, issued)": timed(issue, args.json),
            "PDF (GET /api/v1/reports/{n}.pdf)": timed(lambda: client.get(pdf_url, headers=headers), args.pdf),
            "raw fpdf2, same document": timed(lambda: raw_fpdf(document, app.config["REGISTRY"].REPORTS_FONT),
                                              args.raw),
        }
    print(f"entity with {RECORDS} records over {len(DOMAINS)} domains; {url.split(':')[0]}")
    print(f"{'measurement':40} {'n':>5} {'p50 ms':>8} {'p99 ms':>8}")
    for name, samples in results.items():
        p50, p99 = percentiles(samples)
        print(f"{name:40} {len(samples):5d} {p50:8.1f} {p99:8.1f}")


if __name__ == "__main__":
    main()
