"""List entries, commitments and honours in a report; the mark of a record under objection; old reports."""

from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from registry.extensions import db
from registry.reports import services
from registry.reports.content import NO_RECORD_ZH
from registry.reports.models import Report
from tests import factories
from tests.reports.conftest import days_ago, request_report
from tests.reports.test_pdf import body_text, facts, squeeze
from tests.reports.test_signature import independently_verified
from tests.reports.test_verify import verify


def _records(document):
    return {r["ref"]: r for s in document["report"]["domains"] for r in s["records"]}


def test_entries_in_force_during_the_period_are_negative_facts_and_honours_positive(client, enterprise, enlist):
    start = factories.TODAY - timedelta(days=2 * 365)
    listed = (start - timedelta(days=200)).isoformat()
    on_first_day = enlist("abnormal", decision_date=listed, removed_on=start.isoformat(), removal_reason="已补报年报")
    enlist("abnormal", decision_date=listed, removed_on=(start - timedelta(days=1)).isoformat(),
           removal_reason="已补报年报")
    dishonest = enlist("dishonesty", "tax", decision_date=days_ago(100), valid_to=days_ago(-300))
    broken = enlist("commitment", "tax", decision_date=days_ago(50), commitment_state="未履约")
    enlist("commitment", "tax", decision_date=days_ago(40), commitment_state="已履约")
    honour = enlist("honour", "tax", decision_date=days_ago(30))

    document = request_report(client, enterprise.headers, enterprise.uscc, period_from=start.isoformat()).json
    report = document["report"]
    records = _records(document)
    assert set(records) == {on_first_day, dishonest, broken}  # not the one removed the day before the period
    first = records[on_first_day]
    assert first["category"] == "经营异常名录" and first["removed_on"] == start.isoformat()
    assert (records[dishonest]["list_name"], records[dishonest]["reason"]) == ("重大税收违法失信主体名单",
                                                                              "虚开增值税专用发票，偷税数额较大")
    assert records[broken]["category"] == "未履行信用承诺" and records[broken]["state"] == "未履约"
    assert [r["ref"] for r in report["positive"]["records"]] == [honour]
    by_domain = {s["key"]: s["conclusion_zh"] for s in report["domains"]}
    assert by_domain["tax"] == "发现2条记录" and by_domain["fire"] == NO_RECORD_ZH
    assert independently_verified(client, document)

    html = client.get(f"/api/v1/reports/{report['number']}.html", headers=enterprise.headers).get_data(as_text=True)
    for text in ("正面信息（守信激励）", "守合同重信用企业", "名单名称", "列入事由", "移出日期", "已补报年报",
                 "认定机关", "承诺事项", "另有1条守信激励正面信息"):
        assert text in html
    pdf = client.get(f"/api/v1/reports/{report['number']}.pdf", headers=enterprise.headers)
    text = body_text(PdfReader(BytesIO(pdf.data)))
    assert [fact for fact in facts(document) if squeeze(fact) not in text] == []


def test_an_enterprise_with_only_an_honour_reads_no_record(client, enterprise, enlist):
    enlist("honour", "tax")
    report = request_report(client, enterprise.headers, enterprise.uscc).json["report"]
    assert {s["conclusion_zh"] for s in report["domains"]} == {NO_RECORD_ZH} and report["summary"]["records"] == 0
    assert report["summary"]["positive_records"] == 1


def test_a_record_under_objection_is_marked_until_the_objection_is_resolved(client, enterprise, enlist):
    record_id = enlist("dishonesty", decision_date=days_ago(20))
    filed = client.post("/api/v1/objections", json={"record_id": record_id, "reason": "列入事实有误"},
                        headers=enterprise.headers)
    assert filed.status_code == 201, filed.json
    report = request_report(client, enterprise.headers, enterprise.uscc).json["report"]
    assert _records({"report": report})[record_id]["objection"] == "异议处理中"
    html = client.get(f"/api/v1/reports/{report['number']}.html", headers=enterprise.headers).get_data(as_text=True)
    assert "异议处理中" in html
    assert verify(client, report["number"], report["verification_code"]).json["changes"] == []
    department = factories.auth(enlist.key_of["market_supervision"])
    resolved = client.post(f"/api/v1/objections/{filed.json['id']}/resolution", headers=department,
                           json={"outcome": "upheld", "resolution": "经核查列入无误"})
    assert resolved.status_code == 200, resolved.json
    changes = verify(client, report["number"], report["verification_code"], address="10.6.0.2").json["changes"]
    assert [c["change"] for c in changes] == ["objection_resolved"]


def test_a_report_of_penalties_only_still_verifies_and_renders(app, client, enterprise, penalise, enlist):
    """Reports issued before list entries counted (content version 1) keep their facts and signature."""
    penalty = penalise(decision_date=days_ago(60))
    report = request_report(client, enterprise.headers, enterprise.uscc).json["report"]
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.number == report["number"]))
        old = {key: value for key, value in stored.content.items() if key != "positive"}
        old.update(version=1, summary={k: v for k, v in old["summary"].items() if k != "positive_records"},
                   domains=[{**s, "records": [{k: v for k, v in r.items() if k != "kind"} for r in s["records"]]}
                            for s in old["domains"]])
        stored.content, (stored.key_id, stored.signature) = old, services.keyring().sign(old)
        db.session.commit()
    enlist("dishonesty", decision_date=days_ago(10))  # not something a report of version 1 could list
    answer = verify(client, report["number"], report["verification_code"]).json
    assert answer["signature_valid"] and answer["changes"] == []
    assert [r["ref"] for s in answer["report"]["domains"] for r in s["records"]] == [penalty]
    html = client.get(f"/api/v1/reports/{report['number']}.html", headers=enterprise.headers).get_data(as_text=True)
    assert "罚款" in html and "正面信息（守信激励）" not in html
