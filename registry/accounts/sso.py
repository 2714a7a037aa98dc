"""Single sign-on's accounts: a person of the identity provider has the account of their subject, made at
first sign-in and kept in step with the role map at every one, with no password of its own."""

import hashlib

from sqlalchemy import select

from ..access.models import Principal
from ..access.services import bound_principal
from ..db import utcnow
from ..errors import ValidationFailed
from ..extensions import db
from ..uow import UnitOfWork, unit_of_work
from .models import Account
from .role_map import Grant, NoGrant, Rule, grant_for
from .services import as_viewer, normalise_email
from .sessions import end_all_sessions

NAME_CLAIMS = ("name", "preferred_username", "email")  # the account's name: the first of these given


class NoAccess(Exception):
    """The person may not sign in: why, in English, for the log and the audit trail (the page says
    it in Chinese); `disabled` when an administrator disabled the account."""

    def __init__(self, reason: str, disabled: bool = False):
        super().__init__(reason)
        self.disabled = disabled


def account_for(issuer: str, rules: tuple[Rule, ...], claims: dict) -> Account:
    """The account of the person named by these claims (of an ID token already checked), made or
    brought in step with the role map. A refusal (no rule maps the person, the binding is not one
    the platform knows, the account is disabled) is recorded, ends the account's sessions, and
    raises NoAccess; nothing is made."""
    subject = f"{issuer}|{claims['sub']}"
    account = db.session.scalar(select(Account).where(Account.oidc_subject == subject))
    try:
        if account is not None and account.disabled_at is not None:
            raise NoAccess("the account is disabled", disabled=True)
        grant = grant_for(rules, claims)
        with unit_of_work() as uow:
            return _kept_in_step(uow, account, subject, grant, claims)
    except (NoAccess, NoGrant, ValidationFailed) as exc:
        reason = exc.message_en if isinstance(exc, ValidationFailed) else str(exc)
        _refuse(account, subject, reason)
        raise NoAccess(reason, disabled=getattr(exc, "disabled", False)) from exc


def _kept_in_step(uow: UnitOfWork, account: Account | None, subject: str, grant: Grant, claims: dict) -> Account:
    name = _name(claims, subject)
    granted = bound_principal(grant.role, name, **grant.binding)  # checked: a known department, a valid USCC
    email = _email(uow, claims, subject, account)
    if account is None:
        account = Account(oidc_subject=subject, principal=granted, name=name, email=email, password_hash=None,
                          must_change_password=False, recovery_code_hashes=[])
        uow.session.add(account)
        uow.session.flush()
        uow.audit("account.create", as_viewer(account), "account", account.id,
                  {"role": grant.role, "email": email, "method": "sso", "rule": grant.rule})
        return account
    if _binding(account.principal) != _binding(granted):
        # A principal of its own for the new role: the old one, and what the trail says it did, stay as they were.
        before, account.principal = account.principal, granted
        before.revoked_at = utcnow()
        uow.session.flush()
        uow.audit("account.principal_change", as_viewer(account), "account", account.id,
                  {"from": {"principal": before.id, "role": before.role},
                   "to": {"principal": granted.id, "role": grant.role}, "rule": grant.rule})
    account.name, account.email = name, email
    return account


def _refuse(account: Account | None, subject: str, reason: str) -> None:
    with unit_of_work() as uow:
        if account is not None:
            end_all_sessions(uow, account)  # no longer mapped: signed out wherever they still were
        uow.audit("account.sign_in_refused", None, "account", account.id if account else None,
                  {"subject": subject, "reason": reason})


def _binding(principal: Principal) -> tuple:
    department = principal.department.id if principal.department else None
    return principal.role, department, principal.uscc, principal.district_code


def _name(claims: dict, subject: str) -> str:
    given = (claims.get(claim) for claim in NAME_CLAIMS)
    return next((value.strip() for value in given if isinstance(value, str) and value.strip()), subject)[:200]


def _email(uow: UnitOfWork, claims: dict, subject: str, account: Account | None) -> str:
    """The email claim, unless there is none or it is another account's: an account that signs in with
    a password is never taken over by an identity that shows its email. Then a stand-in that reaches
    nobody (.invalid, RFC 2606), as the column is unique and required."""
    email = normalise_email(claims.get("email") if isinstance(claims.get("email"), str) else "")
    if "@" in email and len(email) <= 254:
        holder = uow.session.scalar(select(Account.id).where(Account.email == email))
        if holder is None or (account is not None and holder == account.id):
            return email
    return f"sso-{hashlib.sha256(subject.encode()).hexdigest()[:16]}@sso.invalid"
