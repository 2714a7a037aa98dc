"""Each kind of list entry and commitment from a department's file to the public and off it again: imported
with a bad row beside it, found in search on both engines, seen in a report, then removed, repaired or
withdrawn, and gone from every public channel (record and entity API, search, list status, the entity
page), on SQLite and PostgreSQL."""

from datetime import timedelta
from io import BytesIO
from uuid import uuid4

import pytest
from sqlalchemy import select

from registry.departments.models import Department
from registry.extensions import db
from registry.imports.models import ImportRejection
from registry.imports.services import run_job, start_job
from registry.records.models import Record
from tests import factories
from tests.engines import publicly_found
from tests.imports.files import write_csv
from tests.repairs.conftest import PDF

LISTED = factories.TODAY - timedelta(days=400)  # a serious-dishonesty entry may be removed early after a year
# Per kind: the required field the bad row leaves empty.
BAD_FIELD = {"dishonesty": "list_name", "abnormal": "listing_reason", "honour": "list_name",
             "commitment": "commitment_matter"}


def imported(engine_app, department: dict, kind: str, row: dict, tmp_path) -> None:
    bad = factories.entry(department, kind, **{BAD_FIELD[kind]: ""})
    path = tmp_path / f"{kind}.csv"
    write_csv(path, [row, bad], kind=kind)
    with engine_app.app_context():
        sender = db.session.scalar(select(Department).where(Department.uscc == department["uscc"]))
        job = run_job(start_job(sender, path, path.name, {"kind": kind}).id)
        assert (job.state, job.inserted, job.rejected) == ("done", 1, 1)
        rejected = db.session.execute(select(ImportRejection.row_number, ImportRejection.field, ImportRejection.code)
                                      .where(ImportRejection.job_id == job.id)).all()
        assert [tuple(r) for r in rejected] == [(3, BAD_FIELD[kind], "required")]  # the header is row 1


def reported(client, key, uscc, period_from) -> dict:
    """The refs of a report's negative facts and of its positive ones."""
    report = client.post("/api/v1/reports", json={"uscc": uscc, "period_from": period_from},
                         headers=factories.auth(key)).json["report"]
    return {"negative": {r["ref"] for s in report["domains"] for r in s["records"]},
            "positive": {r["ref"] for r in report.get("positive", {}).get("records", [])}}


def on_list(client, name: str, kind: str) -> set:
    if kind == "commitment":
        return set()
    found = client.get("/api/v1/search", query_string={"q": name, "list_status": kind}).json["items"]
    return {item["entity"]["uscc"] for item in found}


def taken_off(client, keys, kind, record_id, row) -> None:
    """The way each kind leaves display: early removal through the repair workflow, the listing
    authority's removal, or the department's withdrawal."""
    if kind == "dishonesty":
        enterprise = keys.enterprise(row["uscc"])
        application = client.post("/api/v1/repairs", json={"record_id": record_id, "sign_commitment": True},
                                   headers=factories.auth(enterprise)).json
        for material in ("performance_proof", "correction_report", "business_licence"):
            client.post(f"/api/v1/repairs/{application['id']}/materials", headers=factories.auth(enterprise),
                        data={"kind": material, "file": (BytesIO(PDF), f"{material}.pdf")})
        for key, action in ((keys.reviewer, "accept"), (keys.reviewer, "forward"), (keys.department, "approve")):
            answer = client.post(f"/api/v1/repairs/{application['id']}/decisions", json={"action": action},
                                 headers=factories.auth(key))
            assert answer.status_code == 200, answer.json
    elif kind == "commitment":
        answer = client.delete(f"/api/v1/records/{record_id}", json={"reason": "承诺信息报送有误"},
                               headers=factories.auth(keys.department))
        assert answer.status_code == 200, answer.json
    else:
        removal = {**row, "removed_on": factories.TODAY.isoformat(), "removal_reason": "已纠正失信行为，依申请移出"}
        answer = client.post("/api/v1/records", json=removal, headers=factories.auth(keys.department))
        assert answer.json["counts"]["updated"] == 1, answer.json


@pytest.fixture
def keys(app):
    """API keys of market supervision (which keeps every kind of list), a reviewer and an enterprise."""
    with app.app_context():
        sender = factories.department("market_supervision")

    class Keys:
        department = factories.key_for(app, "department", department_uscc=sender["uscc"])
        reviewer = factories.key_for(app, "reviewer")

        @staticmethod
        def enterprise(uscc):
            return factories.key_for(app, "enterprise", uscc=uscc)

    return Keys


@pytest.mark.parametrize("kind", ["dishonesty", "abnormal", "honour", "commitment"])
def test_an_entry_from_file_to_search_and_report_and_off_every_public_channel(engine_app, keys, kind, tmp_path):
    client = engine_app.test_client()
    with engine_app.app_context():
        department = factories.department("market_supervision")
    name = f"通辽市恒通{uuid4().hex[:6]}商贸有限公司"
    state = {"commitment_state": "未履约"} if kind == "commitment" else {}
    row = factories.entry(department, kind, party_name=name, decision_date=LISTED.isoformat(), **state)
    imported(engine_app, department, kind, row, tmp_path)

    (record_id,) = publicly_found(engine_app, name)
    assert on_list(client, name, kind) == ({row["uscc"]} if kind != "commitment" else set())
    enterprise = keys.enterprise(row["uscc"])
    period_from = (LISTED - timedelta(days=30)).isoformat()
    facts = reported(client, enterprise, row["uscc"], period_from)
    assert record_id in facts["positive" if kind == "honour" else "negative"]

    taken_off(client, keys, kind, record_id, row)
    assert client.get(f"/api/v1/records/{record_id}").status_code == 404
    assert client.get(f"/api/v1/enterprises/{row['uscc']}/records").json["items"] == []
    assert publicly_found(engine_app, name) == set()
    assert on_list(client, name, kind) == set()
    assert f'id="record-{record_id}"' not in client.get(f"/enterprises/{row['uscc']}").get_data(as_text=True)
    # A report is about conduct in its period: a repaired entry (Order 36) and a withdrawn one are gone
    # from it; an entry the listing authority removed was still in force in the period.
    after = reported(client, enterprise, row["uscc"], (LISTED - timedelta(days=31)).isoformat())
    listed_in_period = kind in ("abnormal", "honour")
    assert (record_id in after["negative"] | after["positive"]) is listed_in_period
    with engine_app.app_context():
        assert db.session.get(Record, record_id) is not None  # kept, never deleted
