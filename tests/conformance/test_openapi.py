"""The API answers as its OpenAPI description says (schemathesis, its checks on), on SQLite, each
operation called with a key of the role it serves; a fixed, derandomised example budget.

One check is left out: `positive_data_acceptance` wants every request the schema allows accepted,
but the API rightly refuses values whose rules no schema states (a credit code's check character,
an opaque cursor, a reason sent either in the query or in the body) with a 4xx that names the rule.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from registry.access.services import create_principal
from tests import factories
from tests.conftest import initialised_app

EXAMPLES = 25
# The role whose key each operation is called with, by path prefix and method (first match wins).
ROLES = (
    ("/api/v1/records", ("POST", "DELETE"), "department"),
    ("/api/v1/imports", None, "department"),
    ("/api/v1/repairs/statistics", None, "reviewer"),
    ("/api/v1/repairs/{application_id}/decisions", None, "reviewer"),
    ("/api/v1/objections/{objection_id}/resolution", None, "reviewer"),
    ("/api/v1/repairs", None, "enterprise"),
    ("/api/v1/objections", None, "enterprise"),
    ("/api/v1/reports", ("POST",), "enterprise"),
    ("/api/v1/enterprises/{uscc}/", None, "enterprise"),
    ("/api/v1/principals", None, "admin"),
    ("/api/v1/audit", None, "admin"),
    ("/api/v1/quality", None, "reviewer"),
)


@pytest.fixture(scope="module")
def conformance_app(tmp_path_factory):
    # The change feed's long poll and event stream answer within a second here, not after 30 s and 5 min.
    yield from initialised_app("sqlite", tmp_path_factory, {"FEED_WAIT_MAX_SECONDS": 1, "FEED_STREAM_SECONDS": 1})


@pytest.fixture(scope="module")
def keys(conformance_app):
    with conformance_app.app_context():
        department = factories.department("market_supervision")
    return {"department": factories.key_for(conformance_app, "department", department_uscc=department["uscc"]),
            "enterprise": factories.key_for(conformance_app, "enterprise", uscc=factories.new_uscc()),
            "reviewer": factories.key_for(conformance_app, "reviewer"),
            "admin": factories.key_for(conformance_app, "admin"),
            # Revoked and rotated by the principals' operations in place of whatever id they drew (the
            # keys above must keep working).
            "victim": victim_of(conformance_app)}


def victim_of(app) -> int:
    with app.app_context():
        principal, _ = create_principal("bank", None, None, None, None)
        return principal.id


@pytest.fixture(scope="module")
def api(conformance_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", conformance_app)


def role_for(path: str, method: str) -> str | None:
    return next((role for prefix, methods, role in ROLES
                 if path.startswith(prefix) and (methods is None or method in methods)), None)


def call_and_validate(case, keys, **kwargs):
    role = role_for(case.operation.path, case.method.upper())
    if "principal_id" in (case.path_parameters or {}):
        case.path_parameters["principal_id"] = keys["victim"]
    return case.call_and_validate(headers=factories.auth(keys[role]) if role else None,
                                  excluded_checks=[positive_data_acceptance], **kwargs)


def conforms(operation, keys) -> str | None:
    """What schemathesis found wrong with one operation in EXAMPLES calls of each generation mode
    (schema-valid requests, and invalid ones, which must be refused with a 4xx); None when nothing."""
    found = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        @given(case=operation.as_strategy(mode))
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def call(case):
            call_and_validate(case, keys)

        try:
            call()
        except Unsatisfiable:
            continue  # no request of this mode can be made (nothing to send wrong)
        except (Exception, BaseExceptionGroup) as exc:  # every check's failure, reported per operation
            found.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")
    return "\n\n".join(found) or None


def test_the_api_answers_as_it_is_described(api, keys):
    failures = [found for result in api.get_all_operations() if (found := conforms(result.ok(), keys))]
    assert not failures, "\n\n".join(failures)


def test_stored_records_are_answered_as_described(conformance_app, api, keys):
    """Generated ids rarely name a record: these calls answer with stored ones, amounts, times and
    withdrawals included (each answer checked against its schema)."""
    with conformance_app.app_context():
        department = factories.department("market_supervision")
    record = factories.penalty(department, fine_amount="1,234.5")
    pushed = call_and_validate(api["/api/v1/records"]["POST"].Case(body={"records": [record]}), keys)
    record_id = pushed.json()["results"][0]["id"]
    answers = [
        call_and_validate(api["/api/v1/records/{record_id}"]["GET"].Case(path_parameters={"record_id": record_id}),
                          keys),
        call_and_validate(api["/api/v1/enterprises/{uscc}"]["GET"].Case(path_parameters={"uscc": record["uscc"]}),
                          keys),
        call_and_validate(api["/api/v1/enterprises/{uscc}/records"]["GET"].Case(
            path_parameters={"uscc": record["uscc"]}), keys),
        call_and_validate(api["/api/v1/records/{record_id}"]["DELETE"].Case(
            path_parameters={"record_id": record_id}, body={"reason": "重复报送"}, media_type="application/json"),
            keys),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert answers[0].json()["fine_amount"] == "1234.500000" and answers[3].json()["withdrawal"]["reason"]
