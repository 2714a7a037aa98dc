"""A department offers, files, finds and reads list entries and commitments through its pages."""

import io

import openpyxl
import pytest

from registry.records import layout
from tests import factories
from tests.people import form_token
from tests.workspaces.test_department_journeys import _cell, clerk  # noqa: F401 (the signed-in clerk)


def test_every_kind_is_offered_as_a_template_and_an_upload_choice(clerk):  # noqa: F811
    for page in ("/department", "/department/imports/new"):
        html = clerk.get(page).get_data(as_text=True)
        for kind, label in layout.KIND_LABELS.items():
            assert f'href="/department/template/{kind}.xlsx">{label}模板</a>' in html
    upload = clerk.get("/department/imports/new").get_data(as_text=True)
    assert all(f'<option value="{kind}">' in upload for kind in layout.KINDS)
    assert clerk.get("/department/template/unknown.xlsx").status_code == 404


@pytest.mark.parametrize("kind", ["dishonesty", "commitment"])
def test_a_filled_list_template_passes_the_check(clerk, transport, kind):  # noqa: F811
    sheet_file = clerk.get(f"/department/template/{kind}.xlsx")
    assert sheet_file.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(sheet_file.data))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert ("*名单名称" in headers) == (kind == "dishonesty")
    assert ("*承诺对应的许可或服务事项" in headers) == (kind == "commitment")
    sheet.append([_cell(factories.entry(transport, kind), header) for header in headers])
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    checked = clerk.post("/department/imports/new", content_type="multipart/form-data",
                         data={"file": (filled, "名单.xlsx"), "dry_run": "1", "kind": kind,
                               "csrf_token": form_token(clerk, "/department/imports/new")})
    text = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "共读取 1 行" in text and "文件全部通过校验" in text, text[-1500:]


def test_records_filter_by_a_list_kind_and_an_entry_reads_with_its_fields(clerk, client, transport, keys):  # noqa: F811
    rows = [factories.entry(transport, "dishonesty", decision_no="交运失信〔2026〕1号"),
            factories.entry(transport, "honour", decision_no="交运认〔2026〕1号", valid_to=None)]
    pushed = client.post("/api/v1/records", json=rows, headers=factories.auth(keys.department))
    assert pushed.status_code == 200, pushed.json
    entry_id, honour_id = (result["id"] for result in pushed.json["results"])
    listed = clerk.get("/department/records?kind=dishonesty").get_data(as_text=True)
    assert "交运失信〔2026〕1号" in listed and "交运认〔2026〕1号" not in listed
    assert "<td>严重失信主体名单</td>" in listed
    assert '<option value="honour">守信激励（红名单）</option>' in listed
    page = clerk.get(f"/department/records/{entry_id}").get_data(as_text=True)
    for text in ("严重失信主体名单：交运失信〔2026〕1号", "列入事由", rows[0]["listing_reason"], "列入依据"):
        assert text in page
    assert "至移出名单" in clerk.get(f"/department/records/{honour_id}").get_data(as_text=True)  # no end of its own
