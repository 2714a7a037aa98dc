"""Anyone can check a report's signature with the published key and any JCS implementation."""

import base64
import copy
import json

import jcs
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given
from hypothesis import strategies as st

from registry.reports.signing import canonical
from tests.reports.conftest import days_ago, request_report


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def independently_verified(client, document) -> bool:
    """Check the signature the way a bank would: published JWK, the `jcs` package, `cryptography`."""
    keys = {k["kid"]: k for k in client.get("/api/v1/reports/keys").json["keys"]}
    jwk = keys[document["signature"]["key_id"]]
    assert (jwk["kty"], jwk["crv"], jwk["alg"]) == ("OKP", "Ed25519", "EdDSA")
    public = Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"]))
    try:
        public.verify(_unb64(document["signature"]["value"]), jcs.canonicalize(document["report"]))
    except InvalidSignature:
        return False
    return True


def test_the_signature_verifies_with_an_independent_jcs_implementation(client, enterprise, penalise):
    penalise(decision_date=days_ago(40), fine_amount="12.5", facts="“引号”\t与\\反斜杠")
    document = request_report(client, enterprise.headers, enterprise.uscc).json
    assert document["signature"]["algorithm"] == "Ed25519"
    assert independently_verified(client, document)

    tampered = copy.deepcopy(document)
    tampered["report"]["domains"][0]["conclusion_zh"] = "无违法违规记录（已篡改）"
    assert not independently_verified(client, tampered)


def test_rotation_keeps_old_reports_verifiable(client, cli, enterprise):
    assert "report signing key ed25519-" in cli("init").output  # made on first need, or by init
    old = request_report(client, enterprise.headers, enterprise.uscc, domains=["tax"]).json
    rotated = cli("reports", "rotate-key")
    assert rotated.exit_code == 0
    new = request_report(client, enterprise.headers, enterprise.uscc, domains=["fire"]).json
    assert new["signature"]["key_id"] != old["signature"]["key_id"]
    keys = {k["kid"]: k["status"] for k in client.get("/api/v1/reports/keys").json["keys"]}
    assert keys[old["signature"]["key_id"]] == "retired" and keys[new["signature"]["key_id"]] == "active"
    assert independently_verified(client, old) and independently_verified(client, new)
    listed = json.loads(cli("reports", "keys").output)
    assert {k["kid"] for k in listed["keys"]} == set(keys)
    check = client.get(f"/api/v1/reports/{old['report']['number']}/verify",
                       query_string={"code": old["report"]["verification_code"]})
    assert check.json["signature_valid"] is True


@pytest.mark.parametrize("value", ["", "AAAA", "x" * 86])
def test_a_bad_signature_value_is_reported_invalid_not_an_error(app, value):
    from registry.reports.services import keyring

    with app.app_context():
        content = {"a": 1}
        key_id, _ = keyring().sign(content)
        assert keyring().verify(content, key_id, value) is False
        assert keyring().verify(content, "no-such-key", value) is False


safe_integers = st.integers(-(2**53) + 1, 2**53 - 1)  # the JSON numbers every implementation agrees on
report_like = st.recursive(
    st.none() | st.booleans() | safe_integers | st.text(st.characters(exclude_categories=("Cs",))),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=8), report_like, max_size=6))
def test_the_products_canonical_form_is_what_an_independent_jcs_library_makes(content):
    assert canonical(content) == jcs.canonicalize(content)
