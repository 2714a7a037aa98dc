"""Department workspace fixtures: the repair fixtures (a transport department, keys, penalties) and a
repair application taken as far as the department's decision."""

import pytest

from tests import factories
from tests.repairs import conftest as repairs

# The repair tests' fixtures, used here as they are.
transport, keys, penalty, apply, decide, upload = (repairs.transport, repairs.keys, repairs.penalty, repairs.apply,
                                                   repairs.decide, repairs.upload)


@pytest.fixture
def forwarded(keys, penalty, apply, upload, decide):
    """A penalty of the transport department whose repair application the credit centre forwarded to it:
    (application id, record id, the row pushed)."""

    def _forwarded():
        record_id, row = penalty()
        enterprise = keys.enterprise(row["uscc"])
        application = apply(enterprise, record_id).json
        for kind in ("performance_proof", "correction_report", "business_licence"):
            upload(enterprise, application["id"], kind)
        for action in ("accept", "forward"):
            assert decide(keys.reviewer, application["id"], action).status_code == 200
        return application["id"], record_id, row

    return _forwarded


@pytest.fixture
def objection(client, keys, penalty):
    """An objection filed against a transport penalty: (objection id, record id)."""

    def _objection():
        record_id, row = penalty()
        answer = client.post("/api/v1/objections", json={"record_id": record_id, "reason": "罚款金额与决定书不符"},
                             headers=factories.auth(keys.enterprise(row["uscc"])))
        assert answer.status_code == 201, answer.json
        return answer.json["id"], record_id

    return _objection
