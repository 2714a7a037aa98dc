"""A department's work through its pages, on both databases: decide a forwarded repair, withdraw a record,
answer objections, find records by their filters, and check a filled-in template."""

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.imports.readers.headers import match_header
from registry.records.models import Record, RecordVersion
from registry.repairs.models import Objection, RepairApplication
from tests import factories
from tests.people import form_token, sign_in
from tests.problems import assert_problem


@pytest.fixture
def clerk(app, client, transport):
    """The client signed in as a person of the transport department."""
    sign_in(client, app, "department", department_uscc=transport["uscc"])
    return client


def _post(client, path, form, page):
    return client.post(path, data={**form, "csrf_token": form_token(client, page)})


def _state(app, model, object_id):
    with app.app_context():
        return db.session.get(model, object_id)


def test_a_forwarded_case_is_approved_and_the_record_is_repaired(app, clerk, forwarded):
    application_id, record_id, _ = forwarded()
    page = f"/department/repairs/{application_id}"
    shown = clerk.get(page).get_data(as_text=True)
    assert "剩余 3 个工作日" in shown and "履行行政处罚义务的证明" in shown
    assert f"/workspace/repairs/{application_id}/materials/" in shown  # the applicant's materials open in the browser
    answer = _post(clerk, f"{page}/decision", {"action": "approve", "version": "3"}, page)
    assert answer.status_code == 303
    assert "决定已提交" in clerk.get(answer.location).get_data(as_text=True)
    assert _state(app, RepairApplication, application_id).state == "approved"
    assert _state(app, Record, record_id).status == "repaired"


def test_a_rejection_needs_a_reason_and_a_stale_page_is_told_so(app, clerk, forwarded):
    application_id, _, _ = forwarded()
    page = f"/department/repairs/{application_id}"
    refused = _post(clerk, f"{page}/decision", {"action": "reject", "reason": " ", "version": "3"}, page)
    assert refused.status_code == 422 and "该决定须说明理由" in refused.get_data(as_text=True)
    stale = _post(clerk, f"{page}/decision", {"action": "reject", "reason": "整改未完成", "version": "2"}, page)
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "已被他人处理或发生变化" in text and "整改未完成" in text  # reason kept
    assert _state(app, RepairApplication, application_id).state == "forwarded"
    assert _post(clerk, f"{page}/decision", {"action": "reject", "reason": "整改未完成", "version": "3"},
                 page).status_code == 303
    assert _state(app, RepairApplication, application_id).state == "rejected"


def test_a_record_is_withdrawn_with_a_reason_and_leaves_public_view(app, client, clerk, penalty):
    record_id, _ = penalty()
    page = f"/department/records/{record_id}"
    refused = _post(clerk, f"{page}/withdrawal", {"reason": "  "}, page)
    assert refused.status_code == 422 and "撤销须填写原因" in refused.get_data(as_text=True)
    answer = _post(clerk, f"{page}/withdrawal", {"reason": "处罚决定已被复议机关撤销"}, page)
    assert answer.status_code == 303
    shown = clerk.get(answer.location).get_data(as_text=True)
    assert "已撤销" in shown and "处罚决定已被复议机关撤销" in shown and "撤销该记录" not in shown
    # the public no longer sees it
    assert_problem(app.test_client().get(f"/api/v1/records/{record_id}"), 404, "record_not_found")


def test_objections_are_upheld_corrected_into_a_new_version_or_withdrawn(app, clerk, objection):
    for outcome, extra in (("upheld", {}), ("corrected", {"penalty_content": "处罚款人民币三千元"}),
                           ("withdrawn", {})):
        objection_id, record_id = objection()
        page = f"/department/objections/{objection_id}"
        assert "剩余 5 个工作日" in clerk.get(page).get_data(as_text=True)
        answer = _post(clerk, f"{page}/resolution", {"outcome": outcome, "resolution": "经核查处理", **extra}, page)
        assert answer.status_code == 303, answer.get_data(as_text=True)[-800:]
        assert _state(app, Objection, objection_id).state == outcome
        record = _state(app, Record, record_id)
        assert record.status == ("withdrawn" if outcome == "withdrawn" else "published")
        if outcome == "corrected":
            assert record.penalty_content == "处罚款人民币三千元" and record.version == 2
            with app.app_context():
                [before] = db.session.scalars(select(RecordVersion).where(RecordVersion.record_id == record_id)).all()
            assert before.data["penalty_content"] != record.penalty_content


def test_a_correction_that_changes_nothing_or_is_invalid_is_refused_keeping_what_was_typed(app, clerk, objection):
    objection_id, _ = objection()
    page = f"/department/objections/{objection_id}"
    same = _post(clerk, f"{page}/resolution", {"outcome": "corrected", "resolution": "更正"}, page)
    assert same.status_code == 422 and "更正内容与原记录相同" in same.get_data(as_text=True)
    bad = _post(clerk, f"{page}/resolution", {"outcome": "corrected", "resolution": "更正", "fine_amount": "五千"},
                page)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "金额" in text and 'value="五千"' in text
    assert _state(app, Objection, objection_id).state == "open"


def test_records_are_filtered_and_paged_by_decision_date(app, clerk, penalty):
    base = factories.TODAY - timedelta(days=100)
    ids = [penalty(age=timedelta(days=100 + n), decision_no=f"交运罚〔2026〕{n:03d}号")[0] for n in range(23)]
    first = clerk.get("/department/records?decision_no=交运罚").get_data(as_text=True)
    assert first.count("交运罚〔2026〕") == 20 and "交运罚〔2026〕000号" in first and "下一页" in first
    cursor = re.search(r'href="([^"]*cursor=[^"]*)"', first).group(1).replace("&amp;", "&")
    second = clerk.get(cursor).get_data(as_text=True)
    assert second.count("交运罚〔2026〕") == 3 and "交运罚〔2026〕022号" in second and "下一页" not in second
    day = (base - timedelta(days=5)).isoformat()
    window = clerk.get(f"/department/records?from={day}&to={day}").get_data(as_text=True)
    assert window.count("交运罚〔2026〕") == 1 and "交运罚〔2026〕005号" in window
    clerk.post(f"/department/records/{ids[7]}/withdrawal",
               data={"reason": "误报", "csrf_token": form_token(clerk, f"/department/records/{ids[7]}")})
    withdrawn = clerk.get("/department/records?status=withdrawn&kind=penalty").get_data(as_text=True)
    assert withdrawn.count("交运罚〔2026〕") == 1 and "交运罚〔2026〕007号" in withdrawn
    assert clerk.get("/department/records?from=2026-13-01").status_code == 422


def test_a_filled_template_passes_the_check(app, clerk, transport):
    answer = clerk.get("/department/template/penalty.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert "*行政相对人名称" in headers and "*行政处罚决定书文号" in headers and "备注" in headers
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert len(lists) == 3  # party category, penalty types, severity
    for n in range(2):
        row = factories.penalty(transport, decision_no=f"交运罚〔2026〕T{n}号", party_category="法人及非法人组织")
        sheet.append([_cell(row, header) for header in headers])
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    token = form_token(clerk, "/department/imports/new")
    checked = clerk.post("/department/imports/new", content_type="multipart/form-data",
                         data={"file": (filled, "填好的模板.xlsx"), "dry_run": "1", "csrf_token": token})
    text = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "共读取 2 行" in text and "文件全部通过校验" in text
    assert re.search(r'class="inserted">2<', text)
    with app.app_context():
        assert not db.session.scalar(select(Record.id).where(Record.decision_no.like("交运罚〔2026〕T%")))


def _cell(row: dict, header: str):
    """What a clerk types under the header: the row's value of that field (a date as a date cell)."""
    value = row.get(match_header(header))
    return date.fromisoformat(value) if match_header(header) == "decision_date" else value


def test_a_file_larger_than_other_forms_reaches_the_upload(clerk):
    """The form of any other page is refused past 16 MB; a department's file is not (here: refused only
    for its type, which is read after the body)."""
    token = form_token(clerk, "/department/imports/new")
    answer = clerk.post("/department/imports/new", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(b"0" * (17 * 1024 * 1024)), "records.pdf"), "csrf_token": token})
    assert answer.status_code == 422 and "不支持的文件类型" in answer.get_data(as_text=True)
