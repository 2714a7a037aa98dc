"""A penalty from import to repair and back: notice, reminder, 容缺 application, completion, forwarding,
approval (gone from public search) and revocation (back), on the built-in engine and on OpenSearch."""

import json
from datetime import date, timedelta
from io import BytesIO
from uuid import uuid4

from sqlalchemy import select

from registry.departments.models import Department
from registry.extensions import db
from registry.imports.services import run_job, start_job
from tests import factories
from tests.engines import publicly_found
from tests.imports.files import write_csv
from tests.repairs.conftest import PDF


def test_from_import_to_repair_and_revocation(engine_app, cli, keys, transport, tmp_path):
    client = engine_app.test_client()
    today = factories.TODAY
    decided = today - timedelta(days=150)  # a general fine: repairable after 3 months, shown for a year
    name = f"通辽市金桥运输有限公司{uuid4().hex[:6]}"
    row = factories.penalty(transport, party_name=name, decision_date=decided.isoformat(), penalty_types="罚款",
                            violation_type="未按规定办理道路运输经营许可", fine_amount="1")
    path = tmp_path / "penalties.csv"
    write_csv(path, [row])

    # Import through the import service, as the department's file upload does.
    with engine_app.app_context():
        department = db.session.scalar(select(Department).where(Department.uscc == transport["uscc"]))
        job = run_job(start_job(department, path, path.name, {}).id)
        assert (job.state, job.inserted) == ("done", 1)
    (record_id,) = publicly_found(engine_app, name)

    # Notices: the repair notice on arrival (here the day before the record becomes repairable), the
    # reminder on the day it does.
    repairable = date.fromisoformat(client.get(f"/api/v1/records/{record_id}").json["publicity"]["repairable_from"])
    assert repairable <= today
    arrival = json.loads(cli("notices", "send", "--date", (repairable - timedelta(days=1)).isoformat()).output)
    assert (arrival["repair_notices"], arrival["letters"]) == (1, 0)
    assert json.loads(cli("notices", "send", "--date", repairable.isoformat()).output)["letters"] == 1
    enterprise = keys.enterprise(row["uscc"])
    kinds = [n["kind"] for n in client.get(f"/api/v1/enterprises/{row['uscc']}/notices",
                                           headers=factories.auth(enterprise)).json["items"]]
    assert sorted(kinds) == ["commitment_template", "repair_notice", "repairable_letter"]

    # The application, with the business licence copy missing: accepted on a commitment to supply it.
    application = client.post("/api/v1/repairs", json={"record_id": record_id, "sign_commitment": True},
                              headers=factories.auth(enterprise)).json
    for kind in ("performance_proof", "correction_report"):
        client.post(f"/api/v1/repairs/{application['id']}/materials", headers=factories.auth(enterprise),
                    data={"kind": kind, "file": (BytesIO(PDF), f"{kind}.pdf")})

    def decide(key, action, reason=None):
        answer = client.post(f"/api/v1/repairs/{application['id']}/decisions",
                             json={"action": action, "reason": reason}, headers=factories.auth(key))
        assert answer.status_code == 200, answer.json
        return answer.json

    waiting = decide(keys.reviewer, "accept_with_missing")
    assert [m["kind"] for m in waiting["missing_materials"]] == ["business_licence"]
    completed = client.post(f"/api/v1/repairs/{application['id']}/materials", headers=factories.auth(enterprise),
                            data={"kind": "business_licence", "file": (BytesIO(PDF), "l.pdf")})
    assert completed.json["state"] == "accepted"
    assert decide(keys.reviewer, "forward")["clocks"]["department"]["running"] is True
    assert record_id in publicly_found(engine_app, name)

    assert decide(keys.department, "approve")["record"]["status"] == "repaired"
    assert record_id not in publicly_found(engine_app, name)

    revoked = decide(keys.reviewer, "revoke", "承诺事项未履行")
    assert revoked["state"] == "revoked" and revoked["record"]["status"] == "published"
    assert record_id in publicly_found(engine_app, name)
    assert [t["action"] for t in revoked["transitions"]] == [
        "submit", "accept_with_missing", "complete", "forward", "approve", "revoke"]
