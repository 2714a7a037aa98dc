"""`registry principals` as an operator uses it: keys listed, revoked, rotated and expiring, errors in one line."""

import json
import re
from datetime import timedelta

from tests import factories


def _created(result) -> tuple[int, str]:
    """The new principal's id (from the message) and its key (the last line of stdout)."""
    assert result.exit_code == 0, result.output
    return int(re.search(r"#(\d+)", result.stderr).group(1)), result.stdout.strip().splitlines()[-1]


def _listed(cli, *options) -> list[dict]:
    result = cli("principals", "list", "--json", *options)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_keys_are_listed_with_their_binding_expiry_and_no_secret(cli, department):
    expires = (factories.TODAY + timedelta(days=90)).isoformat()
    dep_id, dep_key = _created(cli("principals", "create", "--role", "department", "--department", department["uscc"],
                                   "--expires", expires))
    bank_uscc = factories.new_uscc()
    bank_id, _ = _created(cli("principals", "create", "--role", "bank", "--uscc", bank_uscc, "--name", "通辽某银行"))
    listed = _listed(cli)
    assert [(p["id"], p["role"], p["binding"], p["expires_at"]) for p in listed] == [
        (dep_id, "department", department["uscc"], expires), (bank_id, "bank", bank_uscc, None)]
    assert listed[0]["key_prefix"] == dep_key[:12] and listed[0]["created_by"] is None
    assert dep_key not in cli("principals", "list").output
    assert [p["id"] for p in _listed(cli, "--role", "bank")] == [bank_id]
    table = cli("principals", "list", "--role", "bank").stdout.splitlines()
    assert table[0].split()[:3] == ["ID", "ROLE", "KEY"]
    assert table[1].split()[:4] == [str(bank_id), "bank", listed[1]["key_prefix"], bank_uscc]
    assert table[1].endswith("通辽某银行") and " - " in table[1]  # never used, never revoked


def test_a_revoked_key_fails_on_the_next_request(cli, client, department):
    principal_id, key = _created(cli("principals", "create", "--role", "department", "--department",
                                     department["uscc"]))
    assert _push(client, department, key).status_code == 200
    revoked = cli("principals", "revoke", principal_id)
    assert revoked.exit_code == 0 and f"#{principal_id}" in revoked.output
    refused = _push(client, department, key)
    assert (refused.status_code, refused.json["code"]) == (401, "invalid_api_key")
    assert _listed(cli)[0]["revoked_at"] is not None
    again = cli("principals", "revoke", principal_id)
    assert again.exit_code == 1 and "already revoked" in again.output and "Traceback" not in again.output


def test_a_rotated_key_replaces_the_old_one_at_once(cli, client, department):
    principal_id, old = _created(cli("principals", "create", "--role", "department", "--department",
                                     department["uscc"]))
    assert _push(client, department, old).status_code == 200
    rotated_id, new = _created(cli("principals", "rotate", principal_id))
    assert rotated_id == principal_id and new != old and new.startswith("crk_")
    assert _push(client, department, old).json["code"] == "invalid_api_key"
    assert _push(client, department, new).status_code == 200
    assert [(p["id"], p["key_prefix"]) for p in _listed(cli)] == [(principal_id, new[:12])]


def test_mistakes_are_one_readable_line(cli):
    cases = {
        ("principals", "revoke", "424242"): "no principal 424242",
        ("principals", "rotate", "424242"): "no principal 424242",
        ("principals", "create", "--role", "admin", "--expires", "2020-01-01"): "is in the past",
    }
    for args, message in cases.items():
        result = cli(*args)
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output, args
    for args in (("principals", "create", "--role", "admin", "--expires", "next week"),
                 ("principals", "revoke", "0"), ("principals", "revoke", str(2**63)),
                 ("principals", "list", "--role", "x")):
        result = cli(*args)
        assert result.exit_code == 2 and "Traceback" not in result.output, args  # click's usage error


def _push(client, department, key):
    return client.post("/api/v1/records", json=factories.penalty(department), headers=factories.auth(key))
