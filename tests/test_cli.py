"""The `registry` command as an operator uses it."""

import json
import re

from click.testing import CliRunner

from registry.cli import main
from tests import factories
from tests.people import form_token


def test_init_is_repeatable(cli):
    first, second = cli("init"), cli("init")
    assert first.exit_code == 0 and second.exit_code == 0
    assert "departments" in second.output


def test_departments_add_then_push_as_it(cli, client, app):
    code = factories.new_uscc("11", "150521")
    added = cli("departments", "add", "--uscc", code, "--name", "科尔沁左翼中旗交通运输局",
                "--domain", "transport", "--district", "150521")
    assert added.exit_code == 0, added.output
    created = cli("principals", "create", "--role", "department", "--department", code)
    assert created.exit_code == 0
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("crk_")
    record = factories.penalty({"uscc": code, "name": "科尔沁左翼中旗交通运输局"})
    response = client.post("/api/v1/records", json=record, headers=factories.auth(key))
    assert response.status_code == 200, response.json
    assert client.get(f"/api/v1/records/{response.json['results'][0]['id']}").json["domain"]["key"] == "transport"


def test_bad_department_input_is_one_readable_line(cli):
    bad = cli("departments", "add", "--uscc", "91110000600037341X", "--name", "x", "--domain", "transport",
              "--district", "150521")
    assert bad.exit_code != 0 and "expected 'L'" in bad.output
    unknown = cli("departments", "add", "--uscc", factories.new_uscc("11"), "--name", "x", "--domain", "space",
                  "--district", "150521")
    assert unknown.exit_code != 0 and "unknown domain" in unknown.output


def test_a_department_code_already_taken_is_one_readable_line(cli, app):
    """Two USCCs ending alike get different default codes; a code another department holds is refused."""
    for uscc in ("11150501MB1234567C", "11150530MB1234567C"):
        added = cli("departments", "add", "--uscc", uscc, "--name", "交通运输局", "--domain", "transport",
                    "--district", "150521")
        assert added.exit_code == 0, added.output
    taken = cli("departments", "add", "--uscc", factories.new_uscc("11"), "--name", "x", "--domain", "transport",
                "--district", "150521", "--code", "tl-scjg")
    assert taken.exit_code == 1 and "already the department" in taken.output and "Traceback" not in taken.output


def test_principal_keys_are_shown_once_and_stored_hashed(cli, app):
    created = cli("principals", "create", "--role", "enterprise", "--uscc", factories.new_uscc())
    key = created.stdout.strip().splitlines()[-1]
    with app.app_context():
        from registry.access.models import Principal
        from registry.extensions import db

        stored = db.session.query(Principal).one()
        assert key not in (stored.key_hash, stored.key_prefix) and stored.key_hash != key
    missing = cli("principals", "create", "--role", "department")
    assert missing.exit_code != 0 and "--department" in missing.output


def test_demo_loads_a_searchable_city(cli, client):
    result = cli("demo", "--entities", "300", "--records", "1500", "--seed", "7")
    assert result.exit_code == 0, result.output
    example = result.output.split("example: ")[1].split()[0]
    entity = client.get(f"/api/v1/enterprises/{example}").json
    assert entity["record_counts"]["penalty"] + entity["record_counts"]["licence"] >= 1
    filed = json.loads(result.output.split("demo repair applications: ")[1].splitlines()[0])
    assert filed["applications"] > 0  # the reviewers' queue and statistics have cases to show
    assert json.loads(result.output.split("demo objections: ")[1].splitlines()[0])["objections"] == 30
    entries = int(re.search(r"records and (\d+) list entries", result.output).group(1))
    assert 10 < entries < 60  # about one legal person in eight is on a list or has made a commitment
    again = cli("demo", "--entities", "300", "--records", "1500", "--seed", "7")
    assert "(0 new)" in again.output and "demo repair applications" not in again.output
    assert "demo objections" not in again.output


def test_the_demo_prints_an_account_of_each_role_that_signs_in(cli, client):
    first = cli("demo", "--entities", "300", "--records", "300", "--seed", "7").output
    output = cli("demo", "--entities", "300", "--records", "300", "--seed", "7").output
    accounts = dict(re.findall(r"^  (\S+@demo\.tongliao\.example)\s+(\S+)", output, re.M))
    assert sorted(email.split("@")[0] for email in accounts) == ["admin", "agent", "bank", "department",
                                                                  "enterprise", "reviewer"]
    assert not set(accounts.values()) & set(re.findall(r"^  \S+@\S+\s+(\S+)", first, re.M))  # new each load
    token = form_token(client, "/signin")
    signed_in = client.post("/signin", data={"email": "enterprise@demo.tongliao.example",
                                             "password": accounts["enterprise@demo.tongliao.example"],
                                             "csrf_token": token})
    assert signed_in.status_code == 302 and client.get("/workspace").location.endswith("/enterprise")


def test_a_database_never_initialised_or_out_of_reach_is_one_readable_line(tmp_path):
    def run(url, *args):
        env = {"REGISTRY_DATABASE_URL": url, "REGISTRY_INSTANCE_DIR": str(tmp_path / "instance")}
        return CliRunner().invoke(main, list(args), env=env)

    empty = run(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "principals", "create", "--role", "admin", "--name", "x")
    assert empty.exit_code == 1 and "run `registry init` first" in empty.output
    unreachable = run(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.sqlite3'}", "publicity", "sweep")
    assert unreachable.exit_code == 1 and "cannot use the database" in unreachable.output
    assert "Traceback" not in empty.output + unreachable.output and empty.exception.__class__ is SystemExit


def test_an_option_that_does_not_apply_to_the_role_is_refused(cli, department):
    stray = cli("principals", "create", "--role", "admin", "--department", department["uscc"])
    assert stray.exit_code == 1 and "--department does not apply to the role admin" in stray.output
    assert cli("demo", "--entities", "0").exit_code == 2  # click's usage error, not a traceback
