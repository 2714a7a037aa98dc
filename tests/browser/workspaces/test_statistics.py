"""The statistics pages in Chromium: each chart has a bar for each row of its table, the XLSX export
holds the page's figures, and the data-quality page lists the record submitted late."""

from datetime import date, timedelta

from openpyxl import load_workbook

from tests import factories
from tests.browser.conftest import assert_accessible, docs_shot
from tests.statistics.data import submit_record

DECIDED = date(2026, 9, 28)  # the 7th working day after it is 13 October 2026, the 8th 14 October


def transport_key(app) -> tuple[dict, str]:
    with app.app_context():
        transport = factories.department("transport")
    return transport, factories.key_for(app, "department", department_uscc=transport["uscc"])


def exported(cell) -> str:
    """A cell of the export as the page prints it."""
    if cell.value is not None and cell.number_format == "0.0%":
        return f"{cell.value:.1%}"
    return f"{cell.value:g}" if isinstance(cell.value, float) else str(cell.value)


def file_a_repair(app, transport: dict, key: str) -> None:
    """An application, filed today, to repair a fine decided 150 days ago (repairable today)."""
    row_uscc = factories.new_uscc()
    record_id = submit_record(app, transport, key, factories.TODAY - timedelta(days=150), factories.TODAY,
                              uscc=row_uscc, penalty_types="罚款", violation_type="未按规定办理道路运输经营许可")
    filed = app.test_client().post("/api/v1/repairs", json={"record_id": record_id, "sign_commitment": True},
                                   headers=factories.auth(factories.key_for(app, "enterprise", uscc=row_uscc)))
    assert filed.status_code == 201, filed.json


def test_every_chart_matches_its_table_and_the_export_holds_the_pages_figures(app, live_server, page, sign_in_as,
                                                                             tmp_path):
    transport, key = transport_key(app)
    for submitted in (date(2026, 9, 30), date(2026, 10, 13), date(2026, 10, 14)):
        submit_record(app, transport, key, DECIDED, submitted)
    file_a_repair(app, transport, key)
    sign_in_as(page, "reviewer")
    page.goto(f"{live_server}/statistics?from=2026-09-01&to={factories.TODAY}")
    shown = {}
    for section in page.locator("section.figures").all():
        title = section.locator("h2").text_content()
        rows = [[c.text_content() for c in row.locator("th, td").all()]
                for row in section.locator("tbody tr:not(.empty)").all()]
        if section.locator("svg").count():
            assert section.locator("svg g.bar rect").count() == len(rows), title
        shown[title] = rows
    assert shown["归集记录（按报送月份）"][:2] == [["2026-09", "1", "1", "0", "100.0%"],
                                                ["2026-10", "2", "1", "1", "50.0%"]]
    assert shown["信用修复申请（按认定部门）"] == [[transport["name"], "1", "0", "—", "0"]]
    docs_shot(page, "reviewer-statistics")
    assert_accessible(page)

    with page.expect_download() as download:
        page.click("text=导出 Excel（XLSX）")
    path = tmp_path / "statistics.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames == list(shown)
    for title, rows in shown.items():
        held = [[exported(c) for c in row] for row in book[title].iter_rows(min_row=4, max_row=3 + len(rows))]
        assert held == rows, title


def test_the_data_quality_page_lists_the_record_late_by_one_working_day(app, live_server, page, sign_in_as):
    transport, key = transport_key(app)
    submit_record(app, transport, key, DECIDED, date(2026, 10, 13), decision_no="交通罚〔2026〕7号")
    submit_record(app, transport, key, DECIDED, date(2026, 10, 14), decision_no="交通罚〔2026〕8号")
    sign_in_as(page, "department", department_uscc=transport["uscc"])
    page.goto(f"{live_server}/workspace")
    page.click(".workspace-menu >> text=数据质量")
    page.fill("#from", "2026-10-01")
    page.fill("#to", "2026-10-31")
    page.click("form.filters button")
    late = page.locator("#late tbody tr")
    assert late.count() == 1
    cells = [c.text_content() for c in late.first.locator("td").all()]
    assert cells[:2] + cells[3:] == ["交通罚〔2026〕8号", "行政处罚", "2026-09-28", "2026-10-14", "8"]
    assert "交通罚〔2026〕7号" not in page.content()
    assert_accessible(page)


def test_a_reviewer_chooses_a_department_and_reads_the_statistics_on_a_phone(app, live_server, browser, sign_in_as):
    transport, key = transport_key(app)
    submit_record(app, transport, key, DECIDED, date(2026, 10, 14))
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in_as(page, "reviewer")
    page.goto(f"{live_server}/quality?from=2026-10-01&to=2026-10-31")
    page.select_option("#department", label="国家税务总局通辽市税务局")
    page.click("form.filters button")
    assert page.locator("#late tbody tr").text_content().strip() == "所选期间没有超期报送的记录。"
    page.select_option("#department", label=transport["name"])
    page.click("form.filters button")
    assert page.locator("#late tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # wide tables scroll inside their box
    assert_accessible(page)
    page.goto(f"{live_server}/statistics?from=2026-10-01&to=2026-10-31")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    context.close()
