"""Single sign-on's role map: which rule gives a person which role and binding, and the maps refused
at start-up, each with one line that says what is wrong."""

import json

import pytest

from registry import create_app
from registry.accounts.role_map import NoGrant, grant_for, load
from registry.config import Config, ConfigError
from tests.services import REPO_DIR

TEST_REALM_MAP = REPO_DIR / "deploy" / "keycloak" / "role-map.json"
DEPARTMENT_USCC = "11150500011620002E"
SSO = {"REGISTRY_OIDC_ISSUER": "https://idp.example.gov.cn/realms/tongliao", "REGISTRY_OIDC_CLIENT_ID": "registry",
       "REGISTRY_OIDC_CLIENT_SECRET": "s3cret", "REGISTRY_OIDC_ROLE_MAP": str(TEST_REALM_MAP)}


@pytest.fixture(scope="module")
def rules():
    """The test realm's map, read from its file as a deployment reads it."""
    return load(str(TEST_REALM_MAP))


def test_a_group_claim_maps_to_a_role_without_binding(rules):
    grant = grant_for(rules, {"sub": "1", "groups": ["/staff", "/credit-centre/reviewers"]})
    assert (grant.role, grant.binding, grant.rule) == ("reviewer", {}, 1)


def test_a_dollar_value_takes_the_binding_from_the_claim_of_that_name(rules):
    grant = grant_for(rules, {"groups": ["/departments"], "department_uscc": f" {DEPARTMENT_USCC} "})
    assert (grant.role, grant.binding) == ("department", {"department_uscc": DEPARTMENT_USCC})
    grant = grant_for(rules, {"entity_type": "enterprise", "uscc": "91150502MA0N7XK1X0"})
    assert (grant.role, grant.binding, grant.rule) == ("enterprise", {"uscc": "91150502MA0N7XK1X0"}, 3)


def test_the_first_matching_rule_wins(rules):
    both = {"groups": ["/departments", "/credit-centre/reviewers"], "department_uscc": DEPARTMENT_USCC}
    assert grant_for(rules, both).role == "reviewer"


def test_a_list_claim_must_hold_the_value_itself_not_a_group_below_it(rules):
    with pytest.raises(NoGrant, match="no rule"):
        grant_for(rules, {"groups": ["/departments/tl-scjg"], "department_uscc": DEPARTMENT_USCC})


def test_nobody_a_rule_names_gets_no_grant(rules):
    for claims in ({"sub": "1"}, {"groups": []}, {"entity_type": "individual", "uscc": "91150502MA0N7XK1X0"}):
        with pytest.raises(NoGrant, match="no rule"):
            grant_for(rules, claims)


def test_a_matching_rule_whose_claim_is_missing_grants_nothing(rules):
    """No falling through to a later rule: the person's provider is missing something, and says so."""
    with pytest.raises(NoGrant, match="rule 2 takes department_uscc from the claim 'department_uscc'"):
        grant_for(rules, {"groups": ["/departments"], "entity_type": "enterprise", "uscc": "91150502MA0N7XK1X0"})
    with pytest.raises(NoGrant):
        grant_for(rules, {"groups": ["/departments"], "department_uscc": ["a", "list"]})


def test_all_conditions_of_a_rule_must_hold_and_values_keep_their_type():
    rules = load('[{"when": {"entity_type": "bank", "verified": true}, "role": "bank"},'
                 ' {"when": {"level": 1}, "role": "agent", "district_code": "150502"}]')
    assert grant_for(rules, {"entity_type": "bank", "verified": True}).binding == {}
    with pytest.raises(NoGrant):
        grant_for(rules, {"entity_type": "bank", "verified": "true"})
    assert grant_for(rules, {"level": 1}).binding == {"district_code": "150502"}
    with pytest.raises(NoGrant):
        grant_for(rules, {"level": True})  # true is not 1


def test_a_bank_rule_may_bind_a_uscc_or_none():
    rules = load('[{"when": {"entity_type": "bank"}, "role": "bank", "uscc": "$uscc"}, {"when": {"bank": true},'
                 ' "role": "bank"}]')
    assert grant_for(rules, {"entity_type": "bank", "uscc": "91150502MA0N7XK1X0"}).binding == {
        "uscc": "91150502MA0N7XK1X0"}
    assert grant_for(rules, {"bank": True}).binding == {}


@pytest.mark.parametrize(("role_map", "words"), [
    ("[{]", "is not valid JSON: Expecting property name"),
    ("[]", "a JSON list of at least one rule"),
    ('{"when": {}}', "a JSON list of at least one rule"),
    ('["reviewer"]', "rule 1: must be an object"),
    ('[{"when": {"groups": "/a"}, "role": "reviewer", "department": "x"}]', "rule 1: unknown key 'department'"),
    ('[{"when": {"groups": "/a"}, "role": "reviewer"}, {"role": "reviewer"}]', "rule 2: 'when' must name"),
    ('[{"when": {"groups": ["/a", "/b"]}, "role": "reviewer"}]', "the value of 'groups' in 'when' must be"),
    ('[{"when": {"groups": "/a"}, "role": "auditor"}]', "'role' must be one of enterprise, bank"),
    ('[{"when": {"groups": "/a"}, "role": "department"}]', "the role department needs 'department_uscc'"),
    ('[{"when": {"groups": "/a"}, "role": "reviewer", "uscc": "$uscc"}]', "the role reviewer takes no uscc"),
    ('[{"when": {"groups": "/a"}, "role": "enterprise", "uscc": "$"}]', "'uscc' must be a value, or \"$claim\""),
    ('[{"when": {"groups": "/a"}, "role": "agent", "district_code": 150502}]', "'district_code' must be a value"),
])
def test_a_bad_map_is_refused_with_one_line_naming_the_rule(role_map, words):
    with pytest.raises(ConfigError) as info:
        load(role_map)
    assert str(info.value).startswith("REGISTRY_OIDC_ROLE_MAP") and words in str(info.value)
    assert "\n" not in str(info.value)


def test_a_map_file_that_cannot_be_read_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"REGISTRY_OIDC_ROLE_MAP: cannot read '.*missing.json': No such file"):
        load(str(tmp_path / "missing.json"))


def test_a_bad_map_stops_start_up(tmp_path, monkeypatch):
    """As `registry serve` or gunicorn start: the app is not made, and says why in one line."""
    bad = tmp_path / "role-map.json"
    bad.write_text(json.dumps([{"when": {"groups": "/departments"}, "role": "department"}]), encoding="utf-8")
    for name, value in {**SSO, "REGISTRY_OIDC_ROLE_MAP": str(bad)}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="rule 1: the role department needs 'department_uscc'"):
        create_app({"INSTANCE_DIR": str(tmp_path)})


def test_single_sign_on_is_configured_whole_or_not_at_all(tmp_path):
    environ = {"REGISTRY_INSTANCE_DIR": str(tmp_path)}
    assert not Config.from_env(environ).single_sign_on
    assert Config.from_env({**environ, **SSO}).single_sign_on
    partial = {**environ, **SSO, "REGISTRY_OIDC_CLIENT_SECRET": "", "REGISTRY_OIDC_ROLE_MAP": ""}
    with pytest.raises(ConfigError, match="needs REGISTRY_OIDC_CLIENT_SECRET, REGISTRY_OIDC_ROLE_MAP as well"):
        Config.from_env(partial)


@pytest.mark.parametrize(("issuer", "accepted"), [
    ("https://idp.example.gov.cn/realms/tongliao", True),
    ("http://127.0.0.1:8180/realms/tongliao", True),
    ("http://localhost:8180/realms/tongliao", True),
    ("http://idp.example.gov.cn/realms/tongliao", False),  # the client secret and the tokens would go in clear
    ("idp.example.gov.cn", False),
])
def test_the_issuer_is_reached_over_https_but_on_this_machine(tmp_path, issuer, accepted):
    environ = {"REGISTRY_INSTANCE_DIR": str(tmp_path), **SSO, "REGISTRY_OIDC_ISSUER": issuer}
    if accepted:
        assert Config.from_env(environ).OIDC_ISSUER == issuer
    else:
        with pytest.raises(ConfigError, match="REGISTRY_OIDC_ISSUER must be an https:// URL"):
            Config.from_env(environ)
