"""A department clerk in a real browser: uploads a file with bad rows, reads the errors, fixes the file and
uploads it again; downloads the template, fills it in and uploads it; the job page follows the job with
JavaScript and without."""

import csv
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from registry.imports.readers.headers import match_header
from tests import factories
from tests.browser.conftest import assert_accessible, docs_shot
from tests.repairs import conftest as repairs

transport = repairs.transport


def csv_file(path, rows: list[dict]):
    columns = list(rows[0])
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def upload(page, base: str, path, *, dry_run=False) -> None:
    page.goto(f"{base}/department/imports/new")
    page.set_input_files("#file", str(path))
    if dry_run:
        page.get_by_label("仅校验不入库").check()
    page.get_by_role("button", name="上传").click()


def wait_until_done(page) -> None:
    expect(page.locator("h1 .badge")).to_have_text(re.compile("已完成|失败"), timeout=60_000)


@pytest.mark.both_databases
def test_bad_rows_are_read_fixed_and_uploaded_again(page, live_server, sign_in_as, transport, tmp_path):
    sign_in_as(page, "department", department_uscc=transport["uscc"])
    page.goto(f"{live_server}/department")
    assert_accessible(page)
    rows = [factories.penalty(transport, decision_no=f"交运罚〔2026〕B{n}号") for n in range(4)]
    rows[1]["uscc"] = "91150502MA0000000X"  # a wrong check character
    rows[3]["decision_date"] = "2026-02-30"
    upload(page, live_server, csv_file(tmp_path / "第一次.csv", rows), dry_run=True)
    expect(page.locator("#checked .rejected")).to_have_text("2")
    assert_accessible(page)
    expect(page.locator("#checked table.errors tbody tr")).to_have_count(2)  # checked only: nothing written
    docs_shot(page, "department-dry-run")
    upload(page, live_server, csv_file(tmp_path / "第一次.csv", rows))
    wait_until_done(page)
    expect(page.locator("dd.inserted")).to_have_text("2")
    expect(page.locator("dd.rejected")).to_have_text("2")
    errors = page.locator("table.errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("3")  # file row 3: the second data row
    expect(errors.nth(0)).to_contain_text("统一社会信用代码")
    expect(errors.nth(1)).to_contain_text("决定日期")
    docs_shot(page, "department-import-job")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    report = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert [row[0] for row in report.iter_rows(min_row=2, values_only=True)] == [3, 5]

    rows[1]["uscc"], rows[3]["decision_date"] = factories.new_uscc(), "2026-02-28"
    upload(page, live_server, csv_file(tmp_path / "改正后.csv", rows))
    wait_until_done(page)
    expect(page.locator("dd.inserted")).to_have_text("2")
    expect(page.locator("dd.unchanged")).to_have_text("2")
    expect(page.locator("dd.rejected")).to_have_text("0")
    expect(page.locator("table.errors")).to_have_count(0)
    page.get_by_role("link", name="返回导入任务").click()
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    assert_accessible(page)


def test_the_template_is_downloaded_filled_in_and_imported(page_without_javascript, live_server, sign_in_as,
                                                          transport, tmp_path):
    page = page_without_javascript
    sign_in_as(page, "department", department_uscc=transport["uscc"])
    page.goto(f"{live_server}/department")  # (axe-core needs JavaScript: the other tests check these pages)
    with page.expect_download() as download:
        page.get_by_role("link", name="行政处罚模板").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for n in range(2):
        row = factories.penalty(transport, decision_no=f"交运罚〔2026〕M{n}号", party_category="个体工商户",
                                uscc=factories.new_uscc("92"), penalty_types="警告、罚款")
        sheet.append([row.get(match_header(header)) for header in headers])
    book.save(tmp_path / "模板.xlsx")
    upload(page, live_server, tmp_path / "模板.xlsx")
    # Without JavaScript the page refreshes itself until the job has ended.
    wait_until_done(page)
    expect(page.locator("dd.inserted")).to_have_text("2")
    expect(page.locator("dd.rejected")).to_have_text("0")
    expect(page.locator("progress")).to_have_attribute("value", "1.0")

