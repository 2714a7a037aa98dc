"""Single sign-on's accounts, from the claims of a checked ID token on: made at first sign-in, kept in
step with the role map at every one, refused (and recorded) when no rule maps the person."""

import pytest
from sqlalchemy import func, select

from registry import create_app
from registry.access.models import Principal
from registry.accounts import sso
from registry.accounts.models import Account, AccountSession
from registry.accounts.role_map import load
from registry.accounts.services import create_account, reset_password, set_disabled
from registry.accounts.sessions import start_session
from registry.errors import ValidationFailed
from registry.extensions import db
from registry.uow import unit_of_work
from tests.accounts.test_role_map import DEPARTMENT_USCC, TEST_REALM_MAP
from tests.audit.trail import count, newest

ISSUER = "https://idp.example.gov.cn/realms/tongliao"
RULES = load(str(TEST_REALM_MAP))
DEPARTMENT = {"sub": "u-1", "name": "李报送", "email": "li@scjg.tongliao.example", "groups": ["/departments"],
              "department_uscc": DEPARTMENT_USCC}
REVIEWER = {"sub": "u-1", "name": "李报送", "email": "li@scjg.tongliao.example", "groups": ["/credit-centre/reviewers"]}


def sign_in(claims: dict) -> Account:
    return sso.account_for(ISSUER, RULES, claims)


def accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(Account))


def test_a_mapped_person_gets_an_account_of_their_subject_with_no_password(app_context):
    account = sign_in(DEPARTMENT)
    assert account.oidc_subject == f"{ISSUER}|u-1" and account.password_hash is None
    assert (account.name, account.email) == ("李报送", "li@scjg.tongliao.example")
    assert account.principal.role == "department" and account.principal.department.uscc == DEPARTMENT_USCC
    assert account.principal.key_hash is None and not account.must_change_password
    assert sign_in({**DEPARTMENT, "name": "李报送（改名）"}).id == account.id
    assert account.name == "李报送（改名）"


def test_a_new_role_gives_the_account_a_new_principal_and_retires_the_old(app, app_context):
    before = count(app, "account.principal_change")
    account = sign_in(DEPARTMENT)
    old = account.principal
    assert sign_in(REVIEWER).id == account.id
    assert account.principal.role == "reviewer" and account.principal.id != old.id and old.revoked_at is not None
    assert sign_in(REVIEWER).principal.id == account.principal.id  # unchanged: kept
    assert count(app, "account.principal_change") == before + 1
    assert newest(app, "account.principal_change")["details"]["from"] == {"principal": old.id, "role": "department"}


def test_a_person_no_rule_maps_gets_nothing_and_the_refusal_is_recorded(app, app_context):
    before = accounts(), count(app, "account.sign_in_refused")
    with pytest.raises(sso.NoAccess, match="no rule of the role map matches"):
        sign_in({"sub": "u-2", "name": "王访客", "email": "wang@example.org"})
    assert (accounts(), count(app, "account.sign_in_refused")) == (before[0], before[1] + 1)
    entry = newest(app, "account.sign_in_refused")
    assert entry["object_id"] is None and entry["details"]["subject"] == f"{ISSUER}|u-2"


def test_a_person_no_longer_mapped_is_refused_and_signed_out_everywhere(app_context):
    account = sign_in(DEPARTMENT)
    with unit_of_work() as uow:
        start_session(uow, account, "127.0.0.1", second_factor_done=True)
    with pytest.raises(sso.NoAccess) as refused:
        sign_in({**DEPARTMENT, "groups": []})
    assert not refused.value.disabled
    live = select(func.count()).where(AccountSession.account_id == account.id, AccountSession.revoked_at.is_(None))
    assert db.session.scalar(live) == 0
    assert account.principal.role == "department"  # as it was: the next mapped sign-in decides


def test_a_binding_the_platform_does_not_know_is_refused_and_makes_nothing(app_context):
    before = accounts(), db.session.scalar(select(func.count()).select_from(Principal))
    with pytest.raises(sso.NoAccess, match="no department with USCC 11150500011699999X"):
        sign_in({**DEPARTMENT, "department_uscc": "11150500011699999X"})
    with pytest.raises(sso.NoAccess, match="rule 3 takes uscc from the claim 'uscc'"):
        sign_in({"sub": "u-3", "entity_type": "enterprise"})
    assert (accounts(), db.session.scalar(select(func.count()).select_from(Principal))) == before


def test_a_disabled_account_is_refused(app_context):
    account = sign_in(DEPARTMENT)
    set_disabled(account.email, True)
    with pytest.raises(sso.NoAccess) as refused:
        sign_in(DEPARTMENT)
    assert refused.value.disabled


def test_a_password_accounts_email_is_never_taken_over(app_context):
    """An identity that shows the email of an account signing in with a password gets an account of its
    own, with a stand-in address that reaches nobody; the password account is left as it was."""
    create_account("reviewer", "李报送", DEPARTMENT["email"])
    account = sign_in(DEPARTMENT)
    assert account.email.endswith("@sso.invalid") and account.principal.role == "department"
    assert sign_in(DEPARTMENT).email == account.email


def test_a_single_sign_on_account_gets_no_password(app_context):
    account = sign_in(DEPARTMENT)
    with pytest.raises(ValidationFailed, match="signs in through single sign-on and has no password"):
        reset_password(account.email)


def test_without_single_sign_on_there_is_neither_button_nor_page(client):
    assert "统一身份认证登录" not in client.get("/signin").get_data(as_text=True)
    assert client.get("/signin/sso").status_code == 404


def test_an_identity_provider_that_does_not_answer_is_said_so(tmp_path):
    """Its metadata is fetched on first use, not at start-up: the platform starts without it."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}", "INSTANCE_DIR": str(tmp_path),
                      "OIDC_ISSUER": "http://127.0.0.1:9/realms/nowhere", "OIDC_CLIENT_ID": "registry",
                      "OIDC_CLIENT_SECRET": "s3cret", "OIDC_ROLE_MAP": str(TEST_REALM_MAP)})
    client = app.test_client()
    assert 'id="single-sign-on"' in client.get("/signin").get_data(as_text=True)
    answer = client.get("/signin/sso?next=/account")
    assert answer.status_code == 503 and "统一身份认证暂时不可用" in answer.get_data(as_text=True)
